package status_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/pipeline"
	"github.com/casewire/casewire/pkg/pipeline/pipelinetest"
	"github.com/casewire/casewire/pkg/status"
	"github.com/casewire/casewire/pkg/topology"
)

// stack is a running pipeline: an in-process JetStream, a fresh ClickHouse
// database, and clean, extract and load on their durable consumers.
type stack struct {
	js   jetstream.JetStream
	conn driver.Conn
	db   string
	reg  *prometheus.Registry
	stop func()
}

func startStack(t *testing.T) *stack {
	t.Helper()
	ps := pipelinetest.Start(t, pipelinetest.Options{BatchWait: 50 * time.Millisecond})
	return &stack{js: ps.JS, conn: ps.Conn, db: ps.DB, reg: ps.Registry, stop: ps.Stop}
}

var bodies = []string{
	"乌海市公安局通报：今年以来全市共破获刑事案件120起，抓获犯罪嫌疑人85名，同比上升12%。",
	"海勃湾公安分局开展夏季治安打击整治行动，查处治安案件46起，行政拘留31人。",
	"乌达区交警大队今年查处酒驾醉驾违法行为58起，其中醉驾12起，道路交通事故同比下降8%。",
	"包头市公安局破获一起电信网络诈骗案，抓获犯罪嫌疑人17名，涉案金额300余万元。",
	"鄂尔多斯市公安局举办警营开放日活动，接待群众200余人次。",
}

// publish stores raw articles on the raw subject, as fetch would.
func (s *stack) publish(t *testing.T, tag string, texts ...string) {
	t.Helper()
	ctx := context.Background()
	for i, text := range texts {
		uri := fmt.Sprintf("%s-%d.txt", tag, i)
		body := []byte(text)
		r := article.Raw{V: article.Version, ID: article.RawID("test", uri, body), Source: "test", URI: uri,
			Format: article.FormatText, FetchedAt: time.Now().UTC(), Body: body}
		data, err := article.Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.js.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectRaw, Data: data}, jetstream.WithMsgID(r.MessageID())); err != nil {
			t.Fatal(err)
		}
	}
}

func (s *stack) waitIdle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := pipeline.WaitIdle(ctx, s.js, 20*time.Millisecond); err != nil {
		t.Fatalf("pipeline did not catch up: %v", err)
	}
}

func (s *stack) count(t *testing.T, query string) uint64 {
	t.Helper()
	var n uint64
	if err := s.conn.QueryRow(context.Background(), fmt.Sprintf(query, s.db)).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// clock returns start, then start plus step at each later call, so the
// sample's length (and every rate) is exact.
func clock(start time.Time, step time.Duration) func() time.Time {
	var mu sync.Mutex
	next := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now := next
		next = next.Add(step)
		return now
	}
}

// row finds a stage's line of the printed table and returns its fields.
func row(t *testing.T, out, stageName string) []string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^\s*` + stageName + `\s+(.*)$`)
	m := re.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %s row in\n%s", stageName, out)
	}
	return strings.Fields(m[1])
}

// TestStatusOfARunningPipeline runs the pipeline, moves a known number of
// articles through it during the sample, and checks every number printed.
func TestStatusOfARunningPipeline(t *testing.T) {
	s := startStack(t)
	ctx := natstest.Context(t)

	// Before the sample: two articles and one message no stage can decode.
	s.publish(t, "before", bodies[:2]...)
	if _, err := s.js.Publish(ctx, topology.SubjectRaw, []byte("not an article"), jetstream.WithMsgID("raw:garbage")); err != nil {
		t.Fatal(err)
	}
	s.waitIdle(t)

	// During the sample: three more, all the way into ClickHouse.
	during := func(ctx context.Context, _ time.Duration) error {
		s.publish(t, "during", bodies[2:]...)
		s.waitIdle(t)
		return nil
	}
	t0 := time.Now()
	r, err := status.Read(ctx, s.js, s.conn, s.db, 2*time.Second, clock(t0, 2*time.Second), during)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	t.Logf("\n%s", out)

	// Columns: pending unacked redelivered dead-letters in/s done/s idle-pulls.
	cases := []struct {
		stage string
		want  []string
	}{
		{stage: "fetch", want: []string{"-", "-", "-", "0", "-", "1.5"}},
		{stage: "clean", want: []string{"0", "0", "0", "1", "1.5", "1.5"}},
		{stage: "extract", want: []string{"0", "0", "0", "0", "1.5", "1.5"}},
		{stage: "load", want: []string{"0", "0", "0", "0", "1.5", "1.5"}},
	}
	for _, tc := range cases {
		t.Run(tc.stage, func(t *testing.T) {
			got := row(t, out, tc.stage)
			if len(got) < len(tc.want) || strings.Join(got[:len(tc.want)], " ") != strings.Join(tc.want, " ") {
				t.Errorf("%s row = %v, want it to start %v", tc.stage, got, tc.want)
			}
		})
	}

	articles := s.count(t, "SELECT count() FROM %s.v_articles")
	facts := s.count(t, "SELECT count() FROM %s.v_facts")
	if articles != 5 {
		t.Fatalf("v_articles holds %d, want 5", articles)
	}
	if !strings.Contains(out, fmt.Sprintf(" %d articles, %d facts", articles, facts)) {
		t.Errorf("ClickHouse line does not say %d articles, %d facts", articles, facts)
	}
	h := r.Warehouse
	if h == nil || h.Err != "" {
		t.Fatalf("warehouse part: %+v", h)
	}
	var newestID string
	var newest time.Time
	if err := s.conn.QueryRow(ctx, fmt.Sprintf("SELECT max(ingested_at), argMax(article_id, ingested_at) FROM %s.v_articles", s.db)).Scan(&newest, &newestID); err != nil {
		t.Fatal(err)
	}
	if !h.NewestIngested.Equal(newest) {
		t.Errorf("newest ingested %s, ClickHouse says %s", h.NewestIngested, newest)
	}
	if wantLag := r.At.Sub(newest); h.IngestLag != wantLag {
		t.Errorf("ingest lag %s, want now - newest = %s", h.IngestLag, wantLag)
	}
	if !strings.Contains(out, "newest loaded:") || !strings.Contains(out, h.NewestID) {
		t.Errorf("newest article %s not printed", h.NewestID)
	}
	if h.NewestFetched.IsZero() || h.NewestFetched.After(h.NewestIngested.Add(time.Second)) {
		t.Errorf("newest fetched %s, ingested %s", h.NewestFetched, h.NewestIngested)
	}

	// facts per article: one observation per extracted article, summing to
	// the facts ClickHouse holds.
	count, sum := histogram(t, s.reg, "casewire_facts_per_article")
	if count != articles || uint64(sum) != facts {
		t.Errorf("facts_per_article count %d sum %v, want %d and %d", count, sum, articles, facts)
	}
}

func histogram(t *testing.T, reg *prometheus.Registry, name string) (uint64, float64) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			var c uint64
			var s float64
			for _, m := range mf.GetMetric() {
				c += m.GetHistogram().GetSampleCount()
				s += m.GetHistogram().GetSampleSum()
			}
			return c, s
		}
	}
	t.Fatalf("no %s in the registry", name)
	return 0, 0
}

// TestStatusOfAStalledPipeline stops the stages and checks that a backlog,
// a message in flight and a redelivery show up where they are.
func TestStatusOfAStalledPipeline(t *testing.T) {
	s := startStack(t)
	ctx := natstest.Context(t)
	s.publish(t, "one", bodies[0])
	s.waitIdle(t)
	s.stop()

	s.publish(t, "stalled", bodies[1:]...) // four wait for clean
	// For extract: one clean article delivered twice and held without an
	// ack (unacknowledged, redelivered), then one more that waits. Only one
	// is in the stream while it is taken, so the deliveries are certain.
	publishClean := func(i int) {
		c := article.Clean{V: article.Version, ID: fmt.Sprintf("c%d", i), RawID: "r", Source: "test", URI: "x", Body: bodies[i]}
		data, err := article.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.js.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectClean, Data: data}, jetstream.WithMsgID(c.MessageID())); err != nil {
			t.Fatal(err)
		}
	}
	publishClean(0)
	cons, err := topology.Consumer(ctx, s.js, topology.StageExtract)
	if err != nil {
		t.Fatal(err)
	}
	take := func() jetstream.Msg {
		t.Helper()
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		var got []jetstream.Msg
		for m := range batch.Messages() {
			got = append(got, m)
		}
		if len(got) != 1 {
			t.Fatalf("fetched %d messages, want 1", len(got))
		}
		return got[0]
	}
	if err := take().Nak(); err != nil {
		t.Fatal(err)
	}
	if md, err := take().Metadata(); err != nil || md.NumDelivered != 2 {
		t.Fatalf("second delivery: %+v %v", md, err)
	}
	publishClean(1)

	r, err := status.Read(ctx, s.js, nil, "", time.Second, clock(time.Now(), time.Second), func(context.Context, time.Duration) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	t.Logf("\n%s", out)
	cases := []struct {
		stage string
		want  []string
	}{
		{stage: "clean", want: []string{"4", "0", "0", "0", "0.0", "0.0"}},
		{stage: "extract", want: []string{"1", "1", "1", "0", "0.0", "0.0"}},
		{stage: "load", want: []string{"0", "0", "0", "0", "0.0", "0.0"}},
	}
	for _, tc := range cases {
		t.Run(tc.stage, func(t *testing.T) {
			got := row(t, out, tc.stage)
			if len(got) < len(tc.want) || strings.Join(got[:len(tc.want)], " ") != strings.Join(tc.want, " ") {
				t.Errorf("%s row = %v, want it to start %v", tc.stage, got, tc.want)
			}
		})
	}
	if strings.Contains(out, "ClickHouse") {
		t.Errorf("printed a ClickHouse part without a connection")
	}
}

func TestRates(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name             string
		before, after    status.Counters
		secs             int
		wantIn, wantDone float64
	}{
		{name: "moving", before: status.Counters{Stage: "clean", LastSeq: 10, AckFloor: 5}, after: status.Counters{Stage: "clean", LastSeq: 30, AckFloor: 25}, secs: 4, wantIn: 5, wantDone: 5},
		{name: "still", before: status.Counters{Stage: "clean", LastSeq: 10, AckFloor: 10}, after: status.Counters{Stage: "clean", LastSeq: 10, AckFloor: 10}, secs: 2},
		{name: "stream purged between", before: status.Counters{Stage: "clean", LastSeq: 10, AckFloor: 10}, after: status.Counters{Stage: "clean", LastSeq: 3, AckFloor: 2}, secs: 2},
		{name: "no time passed", before: status.Counters{Stage: "clean", LastSeq: 1}, after: status.Counters{Stage: "clean", LastSeq: 9}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := status.Rates(
				status.Snapshot{At: at, Stages: []status.Counters{tc.before}},
				status.Snapshot{At: at.Add(time.Duration(tc.secs) * time.Second), Stages: []status.Counters{tc.after}},
			)
			if len(got) != 1 || got[0].InRate != tc.wantIn || got[0].DoneRate != tc.wantDone {
				t.Errorf("Rates = %+v, want in %v done %v", got, tc.wantIn, tc.wantDone)
			}
		})
	}
}

// TestStatusBeforeAnyWorker: status only reads, so on a server no worker has
// set up it says so instead of creating the topology.
func TestStatusBeforeAnyWorker(t *testing.T) {
	t.Parallel()
	srv := natstest.Start(t)
	_, js := natstest.Connect(t, srv.URL)
	_, err := status.Take(natstest.Context(t), js, time.Now)
	if err == nil || !strings.Contains(err.Error(), "no casewire worker has started against this server yet") {
		t.Fatalf("Take on an empty server = %v, want the not-set-up explanation", err)
	}
	if _, err := js.Stream(natstest.Context(t), topology.StreamRaw); err == nil {
		t.Error("status created a stream")
	}
}

func TestHuman(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0s"},
		{850 * time.Millisecond, "850ms"},
		{42*time.Second + 300*time.Millisecond, "42s"},
		{3*time.Minute + 5*time.Second, "3m 5s"},
		{time.Hour, "1h"},
		{5*time.Hour + 12*time.Minute + 20*time.Second, "5h 12m"},
		{18680*time.Hour + 5*time.Minute, "778d 8h"},
	}
	for _, tc := range cases {
		if got := status.Human(tc.d); got != tc.want {
			t.Errorf("Human(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// TestReportJSON: times in RFC 3339, durations in seconds, unknown times
// left out rather than year 1.
func TestReportJSON(t *testing.T) {
	at := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
	r := status.Report{
		At: at, Sample: 2 * time.Second, Fetch: status.Fetch{PublishedTotal: 7},
		Warehouse: &status.Warehouse{Articles: 1, NewestIngested: at.Add(-90 * time.Second), IngestLag: 90 * time.Second},
	}
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"at": "2026-12-02T01:00:00Z"`, `"sample_seconds": 2`, `"published_total": 7`,
		`"newest_ingested": "2026-12-02T00:58:30Z"`, `"ingest_lag_seconds": 90`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b.String())
		}
	}
	for _, bad := range []string{"0001-01-01", "newest_published", "publish_lag"} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("JSON has %s:\n%s", bad, b.String())
		}
	}
}
