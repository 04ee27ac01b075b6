package pipeline_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/pipeline/pipelinetest"
	"github.com/casewire/casewire/pkg/topology"
	"github.com/casewire/casewire/pkg/warehouse"
)

// stack is a running pipeline over an in-process JetStream and a fresh
// ClickHouse database.
type stack struct {
	*pipelinetest.Stack
	t    *testing.T
	js   jetstream.JetStream
	conn driver.Conn
	db   string
}

func startStack(t *testing.T) *stack {
	t.Helper()
	ps := pipelinetest.Start(t, pipelinetest.Options{Divisions: true})
	return &stack{Stack: ps, t: t, js: ps.JS, conn: ps.Conn, db: ps.DB}
}

func (s *stack) fetch(source string, paths ...string) fetch.Stats {
	s.t.Helper()
	ctx := context.Background()
	pub, err := fetch.NewPublisher(ctx, s.js, 1, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	st, err := (&fetch.Runner{Source: fetch.Source{Name: source}, Paths: paths, Pub: pub}).Scan(ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	return st
}

func (s *stack) waitIdle() {
	s.t.Helper()
	s.WaitIdle(s.t, 60*time.Second)
}

func (s *stack) count(query string) uint64 {
	s.t.Helper()
	var n uint64
	if err := s.conn.QueryRow(context.Background(), fmt.Sprintf(query, s.db)).Scan(&n); err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// counts is what every analyst view holds.
func (s *stack) counts() map[string]uint64 {
	out := map[string]uint64{}
	for _, v := range []string{"v_articles", "v_facts", "v_entities", "v_statistics", "v_facts_monthly"} {
		out[v] = s.count("SELECT count() FROM %s." + v)
	}
	return out
}

// TestEndToEndSeedPage runs fetch -> clean -> extract -> load over NATS into
// ClickHouse and checks what analysts find there.
func TestEndToEndSeedPage(t *testing.T) {
	s := startStack(t)
	st := s.fetch("乌海公安", "testdata/feed")
	if st.Published != 4 {
		t.Fatalf("published %d raw articles, want 4", st.Published)
	}
	s.waitIdle()

	// The seed page splits into its three articles; three single articles.
	if n := s.count("SELECT count() FROM %s.v_articles"); n != 6 {
		t.Errorf("v_articles holds %d, want 6", n)
	}
	rows, err := s.conn.Query(context.Background(), fmt.Sprintf(
		"SELECT title, byline FROM %s.v_articles WHERE uri LIKE '%%seed-nmg-police-page.txt' ORDER BY article_index", s.db))
	if err != nil {
		t.Fatal(err)
	}
	var titles, bylines []string
	for rows.Next() {
		var title, byline string
		if err := rows.Scan(&title, &byline); err != nil {
			t.Fatal(err)
		}
		titles, bylines = append(titles, title), append(bylines, byline)
	}
	rows.Close()
	wantTitles := []string{"乌海公安:聚焦“小案件” 服务“大民生”", "“数智赋能”提升战斗力 “智慧监管”再上新台阶", "“敖特尔”骑警队 守护草原新生活"}
	if fmt.Sprint(titles) != fmt.Sprint(wantTitles) || fmt.Sprint(bylines) != "[张学俭 包俊 樊琨]" {
		t.Errorf("seed page articles: titles %q bylines %q", titles, bylines)
	}

	// The headline statistic, traceable to its sentence.
	var (
		value                float64
		unit, region, code   string
		basis, dir, sentence string
		changeValue          float64
		start, end           uint32
	)
	err = s.conn.QueryRow(context.Background(), fmt.Sprintf(`
SELECT value, unit, region_name, region_code, change_basis, change_direction, change_value, evidence_sentence, evidence_start, evidence_end
FROM %s.v_facts WHERE indicator = '立案' AND value = 131`, s.db)).Scan(&value, &unit, &region, &code, &basis, &dir, &changeValue, &sentence, &start, &end)
	if err != nil {
		t.Fatalf("the 立案 131起 fact is not in v_facts: %v", err)
	}
	if unit != "起" || region != "乌海市" || code != "1503" || basis != "同比" || dir != "down" || changeValue != -68.05 {
		t.Errorf("立案 fact: unit %q region %q %q change %q %q %v", unit, region, code, basis, dir, changeValue)
	}
	if end-start != 4 || len(sentence) == 0 {
		t.Errorf("evidence span %d-%d in %q", start, end, sentence)
	}
	if n := s.count("SELECT count() FROM %s.v_facts WHERE indicator = '破案率' AND value = 100"); n != 2 {
		t.Errorf("coordinated 破案率 100%% facts: %d, want 2", n)
	}

	// The finance negative is not public-security news and yields no crime facts.
	if n := s.count("SELECT count() FROM %s.v_facts WHERE article_id IN (SELECT article_id FROM %[1]s.v_articles WHERE title LIKE 'Tinder%%')"); n != 0 {
		t.Errorf("finance article produced %d facts", n)
	}

	checkCookbook(t, s)

	// Replaying everything changes nothing analysts see.
	before := s.counts()
	if st := s.fetch("乌海公安", "testdata/feed"); st.Published != 0 {
		t.Errorf("second fetch published %d, want 0 (seen state)", st.Published)
	}
	replayAll(t, s)
	s.waitIdle()
	if after := s.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("counts changed after a full replay:\nbefore %v\nafter  %v", before, after)
	}
	if n := len(mustDeadLetters(t, s)); n != 0 {
		t.Errorf("dead letters after a clean run: %v", mustDeadLetters(t, s))
	}
}

// replayAll makes every stage see every message again, as a redelivery storm
// or an operator's replay would: each consumer is reset to the start of its
// stream (outputs are republished with the same ids; the duplicate window
// drops them, and ClickHouse's replacing keys absorb what gets through).
func replayAll(t *testing.T, s *stack) {
	t.Helper()
	ctx := context.Background()
	for _, h := range topology.Hops() {
		if _, err := s.js.ResetConsumerToSequence(ctx, h.Stream, h.Durable, 1); err != nil {
			t.Fatalf("reset %s: %v", h.Durable, err)
		}
	}
}

func mustDeadLetters(t *testing.T, s *stack) map[string]uint64 {
	t.Helper()
	dl, err := deadletter.Count(context.Background(), s.js)
	if err != nil {
		t.Fatal(err)
	}
	return dl
}

// checkCookbook runs every cookbook query on what the pipeline loaded: each
// must run, and the ones about the seed page's Wuhai statistics must find
// them, traced to their sentence and rolled up to the province.
func checkCookbook(t *testing.T, s *stack) {
	t.Helper()
	results := map[string][]map[string]any{}
	for _, q := range warehouse.Cookbook() {
		rows, err := s.conn.Query(context.Background(), q.SQL)
		if err != nil {
			t.Errorf("cookbook %s: %v", q.Name, err)
			continue
		}
		cols := rows.ColumnTypes()
		for rows.Next() {
			vals := make([]any, len(cols))
			for i, c := range cols {
				vals[i] = reflect.New(c.ScanType()).Interface()
			}
			if err := rows.Scan(vals...); err != nil {
				t.Fatalf("cookbook %s: scan: %v", q.Name, err)
			}
			row := map[string]any{}
			for i, c := range cols {
				row[c.Name()] = reflect.ValueOf(vals[i]).Elem().Interface()
			}
			results[q.Name] = append(results[q.Name], row)
		}
		rows.Close()
	}
	found := false
	for _, r := range results["facts-with-evidence"] {
		if r["indicator"] == "立案" && r["evidence_text"] == "131起" && r["region_name"] == "乌海市" {
			found = true
		}
	}
	if !found {
		t.Errorf("facts-with-evidence lacks the 立案 131起 fact of 乌海市: %v", results["facts-with-evidence"])
	}
	found = false
	for _, r := range results["facts-by-province"] {
		if r["province"] == "内蒙古自治区" {
			found = fmt.Sprint(r["statistics"]) != "0"
		}
	}
	if !found {
		t.Errorf("facts-by-province has no statistics for 内蒙古自治区: %v", results["facts-by-province"])
	}
}

// TestExtractHandlerStampsExtractionTime: the warehouse versions rows by it,
// so every message extract publishes must carry it.
func TestExtractHandlerStampsExtractionTime(t *testing.T) {
	x, _ := pipelinetest.Extractor(t)
	before := time.Now().UTC().Truncate(time.Second)
	c := article.Clean{V: article.Version, ID: "a-0", RawID: "a", Source: "s", URI: "u",
		Body: "今年1月至4月，该市“盗抢骗”案件立案131起，同比下降68.05%。"}
	out, err := extract.Handler(x)(context.Background(), c)
	after := time.Now().UTC()
	if err != nil || len(out) != 1 {
		t.Fatalf("ExtractHandler = %v, %v; want one article", out, err)
	}
	if got := out[0].ExtractedAt; got.Before(before) || got.After(after) || got.Nanosecond() != 0 {
		t.Errorf("ExtractedAt = %v, want whole seconds in [%v, %v]", got, before, after)
	}
}
