package faults

import (
	"bytes"
	"context"
	"fmt"
	"github.com/casewire/casewire/pkg/pipeline/pipelinetest"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/pipeline"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

const goodText = "2024年5月，乌海市公安局共立刑事案件131起，同比下降68.05%，破获各类案件95起，抓获犯罪嫌疑人60名。\n乌海市公安局表示，将继续保持严打高压态势。\n"

// badInput is one input production will send sooner or later.
type badInput struct {
	name    string
	file    func(t *testing.T, dir string) string // a file fetch reads; or
	charset string                                // the source's declared charset for file
	maxB    int64                                 // fetch.max_bytes for file; 0 the default
	subject string                                // a payload published straight to a subject
	payload []byte
	// Outcome: a dead letter of stage with reason, its error containing
	// errHas; or, with stage empty, the article loaded carrying flag.
	stage, reason, errHas string
	flag                  string
	// gap, when set, says how the outcome asserted falls short of what it
	// should be (a dead letter); REPORT.md lists these for their owners.
	gap string
}

func writeFile(name string, data []byte) func(t *testing.T, dir string) string {
	return func(t *testing.T, dir string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
}

// bigFile writes size bytes of Chinese text, one line or many, without
// holding more than a block in memory.
func bigFile(name string, size int, oneLine bool) func(t *testing.T, dir string) string {
	return func(t *testing.T, dir string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		block := strings.Repeat(strings.TrimSuffix(strings.ReplaceAll(goodText, "\n", ""), "\n"), 200)
		if !oneLine {
			block = strings.Repeat(goodText, 200)
		}
		if strings.HasSuffix(name, ".dump") {
			f.WriteString("<doc>\n<url>http://example.com/big</url>\n<contenttitle>大</contenttitle>\n<content>")
		}
		for written := 0; written < size; written += len(block) {
			if _, err := f.WriteString(block); err != nil {
				t.Fatal(err)
			}
		}
		if strings.HasSuffix(name, ".dump") {
			f.WriteString("</content>\n</doc>\n<doc>\n<url>http://example.com/small</url>\n<contenttitle>小</contenttitle>\n<content>" + goodText + "</content>\n</doc>\n")
		}
		return p
	}
}

func gbk(s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

func badInputs() []badInput {
	rng := rand.New(rand.NewPCG(1, 2))
	binary := make([]byte, 64<<10)
	for i := range binary {
		binary[i] = byte(rng.IntN(256))
	}
	copy(binary, "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00")
	gbkText := gbk(goodText + goodText)
	// Cut in the middle of a two-byte character.
	truncated := gbkText[:len(gbkText)-1]
	invalid := append(append([]byte("第一段："+goodText), 0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1), []byte(goodText)...)
	nested := strings.Repeat("<div>", 100000) + "<p>" + goodText + "</p>" + strings.Repeat("</div>", 100000)
	malformed := "<html><head><title>通报</title><body><p>" + goodText + "<p><b><i>未闭合<table><tr><td>" + "</p></i></b>>>><<!--<script>alert(1)</scr" + "<p>" + goodText
	nul := bytes.ReplaceAll([]byte(goodText), []byte("，"), []byte("，\x00\x00"))
	future := []byte(`{"v":2,"id":"future1","source":"faults","uri":"file:///faults/future.txt","format":"text","body":"5Lit5paH"}`)
	return []badInput{
		{name: "invalid UTF-8 declared utf-8", file: writeFile("invalid-utf8.txt", invalid), charset: "utf-8", flag: clean.FlagInvalidBytes},
		{name: "GBK declared utf-8", file: writeFile("gbk-declared-utf8.txt", gbkText), charset: "utf-8", flag: clean.FlagCharsetMismatch},
		{name: "truncated GBK", file: writeFile("truncated-gbk.txt", truncated), flag: ""},
		{name: "binary file", file: writeFile("binary.bin", binary), stage: topology.StageFetch, reason: stage.ReasonPermanent, errHas: "binary file, not text"},
		{name: "empty file", file: writeFile("empty.txt", nil), stage: topology.StageFetch, reason: stage.ReasonPermanent, errHas: "empty file"},
		{name: "blank file", file: writeFile("blank.txt", []byte(" \n\t\r\n ")), stage: topology.StageFetch, reason: stage.ReasonPermanent, errHas: "empty file"},
		{name: "50 MB file", file: bigFile("big-50mb.txt", 50<<20, false), stage: topology.StageFetch, reason: stage.ReasonPermanent, errHas: "larger than the size limit"},
		{name: "50 MB line", file: bigFile("line-50mb.txt", 50<<20, true), stage: topology.StageFetch, reason: stage.ReasonPermanent, errHas: "larger than the size limit"},
		{name: "50 MB record in a dump", file: bigFile("records.dump", 50<<20, true), stage: topology.StageFetch, reason: stage.ReasonPermanent, errHas: "record larger than the size limit"},
		{name: "2 MB file over a 1 MB fetch.max_bytes", file: bigFile("two-mb.txt", 2<<20, false), maxB: 1 << 20, stage: topology.StageFetch, reason: stage.ReasonPermanent, errHas: "larger than the size limit (1048576 bytes)"},
		{name: "deeply nested HTML", file: writeFile("nested.html", []byte(nested)), flag: ""},
		{name: "malformed HTML", file: writeFile("malformed.html", []byte(malformed)), flag: ""},
		{name: "NUL bytes", file: writeFile("nul.txt", nul), flag: ""},
		{name: "not a message (raw)", subject: topology.SubjectRaw, payload: []byte("\x00\x01 this is not JSON"), stage: topology.StageClean, reason: stage.ReasonDecode, errHas: "invalid message"},
		{name: "not a message (clean)", subject: topology.SubjectClean, payload: []byte(`[1,2,3]`), stage: topology.StageExtract, reason: stage.ReasonDecode, errHas: "invalid message"},
		{name: "not a message (extracted)", subject: topology.SubjectExtracted, payload: []byte(`{"v":1,"id":"x","unknown_field":true}`), stage: topology.StageLoad, reason: stage.ReasonDecode, errHas: "unknown field"},
		{name: "JSON without a version", subject: topology.SubjectRaw, payload: []byte(`{"id":"a","source":"s","uri":"u"}`), stage: topology.StageClean, reason: stage.ReasonDecode, errHas: `no schema version field "v"`},
		{name: "future schema version", subject: topology.SubjectRaw, payload: future, stage: topology.StageClean, reason: stage.ReasonVersion, errHas: "unsupported schema version: 2"},
	}
}

// TestBadInput sends every bad input through the real stages and checks
// that each ends as a dead letter with a clear reason, or as an article
// flagged for what was wrong with it, and that the pipeline keeps going: a
// good article sent after them all arrives.
func TestBadInput(t *testing.T) {
	x, err := sharedExtractor()
	if err != nil {
		t.Fatal(err)
	}
	ps := pipelinetest.Start(t, pipelinetest.Options{Extractor: x})
	js, conn, db := ps.JS, ps.Conn, ps.DB
	ctx := natstest.Context(t)
	quiet := ps.Env.Log
	pub, err := fetch.NewPublisher(ctx, js, 1, quiet)
	if err != nil {
		t.Fatal(err)
	}

	cases := badInputs()
	uris := make([]string, len(cases))
	for i, c := range cases {
		if c.file == nil {
			_, err := js.PublishMsg(ctx, &nats.Msg{Subject: c.subject, Data: c.payload}, jetstream.WithMsgID("bad:"+c.name))
			if err != nil {
				t.Fatalf("%s: publish: %v", c.name, err)
			}
			continue
		}
		dir := t.TempDir()
		path := c.file(t, dir)
		uris[i] = "file://" + filepath.ToSlash(path)
		r := &fetch.Runner{Source: fetch.Source{Name: "bad", Charset: c.charset}, Paths: []string{dir}, Options: fetch.Options{MaxBytes: c.maxB}, Pub: pub, Log: quiet}
		if _, err := r.Scan(ctx); err != nil {
			t.Fatalf("%s: fetch: %v", c.name, err)
		}
		if err := os.Remove(path); err != nil { // 50 MB each: do not keep them all
			t.Fatal(err)
		}
	}
	// A good article after them all: the pipeline is still going.
	goodDir := t.TempDir()
	goodPath := filepath.Join(goodDir, "good.txt")
	if err := os.WriteFile(goodPath, []byte(goodText), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := (&fetch.Runner{Source: fetch.Source{Name: "bad"}, Paths: []string{goodDir}, Pub: pub, Log: quiet}).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 2*time.Minute)
	defer wcancel()
	if err := pipeline.WaitIdle(wctx, js, 20*time.Millisecond); err != nil {
		t.Fatalf("pipeline did not catch up: %v", err)
	}
	var good uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM "+db+".v_articles WHERE uri = ?", "file://"+goodPath).Scan(&good); err != nil || good != 1 {
		t.Fatalf("the good article sent last: %d rows in v_articles (%v)", good, err)
	}

	store, err := deadletter.Open(ctx, js)
	if err != nil {
		t.Fatal(err)
	}
	letters, err := store.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	matched := map[uint64]bool{}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var found *deadletter.Letter
			for j, l := range letters {
				if (c.file != nil && (l.Origin() == uris[i] || strings.HasPrefix(l.Origin(), uris[i]+"#") || strings.Contains(l.Summary(), "uri="+uris[i]))) ||
					(c.file == nil && l.MsgID == "bad:"+c.name) {
					found = &letters[j]
					matched[l.Seq] = true
					break
				}
			}
			var flags []string
			var loaded uint64
			if c.file != nil {
				if err := conn.QueryRow(ctx, "SELECT count(), groupUniqArrayArray(quality_flags) FROM "+db+".v_articles WHERE uri LIKE ?", uris[i]+"%").Scan(&loaded, &flags); err != nil {
					t.Fatal(err)
				}
			}
			outcome := fmt.Sprintf("loaded %d articles, flags %v", loaded, flags)
			if found != nil {
				outcome = fmt.Sprintf("dead letter %d: stage %s, reason %s, error %q", found.Seq, found.Stage, found.Reason, deadletter.Excerpt(found.Error, 160))
			}
			t.Logf("%s -> %s", c.name, outcome)
			if c.gap != "" {
				t.Logf("known gap: %s", c.gap)
			}
			if c.stage == "" {
				if found != nil || loaded == 0 {
					t.Fatalf("want the article loaded, got %s", outcome)
				}
				if c.flag != "" && !contains(flags, c.flag) {
					t.Errorf("want flag %q, got %s", c.flag, outcome)
				}
				return
			}
			if found == nil {
				t.Fatalf("want a dead letter of %s, got %s", c.stage, outcome)
			}
			if found.Stage != c.stage || found.Reason != c.reason || !strings.Contains(found.Error, c.errHas) {
				t.Errorf("want stage %s reason %s error containing %q, got %s", c.stage, c.reason, c.errHas, outcome)
			}
		})
	}
	for _, l := range letters {
		if !matched[l.Seq] {
			t.Errorf("unexpected dead letter %d: %s %s %s", l.Seq, l.Stage, l.Reason, l.Error)
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
