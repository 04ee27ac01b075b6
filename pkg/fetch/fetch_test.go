package fetch_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/topology"
)

var src = fetch.Source{Name: "sample", Outlet: "测试", Region: "乌海市"}

func fixed() time.Time { return time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC) }

func TestReadFileFormats(t *testing.T) {
	cases := []struct {
		file       string
		wantFormat string
		wantN      int
		wantTitle  string // Meta["title"] of the first raw
	}{
		{"seed-nmg-police-page.txt", article.FormatText, 1, ""},
		{"011.txt", article.FormatArticleTxt, 1, ""},
		{"101国道密云段现惨祸客车农用车相撞致6人亡.txt", article.FormatText, 1, "101国道密云段现惨祸客车农用车相撞致6人亡"},
		{"039.html", article.FormatHTML, 1, ""},
		{"sogou-gbk.dat", article.FormatSogou, 3, ""},
		{"sogou-utf8.dat", article.FormatSogou, 2, ""},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "feed", tc.file)
			raws, rejected, err := fetch.ReadFile(src, path, fetch.Options{Now: fixed})
			if err != nil || len(rejected) > 0 {
				t.Fatalf("ReadFile: %v %v", err, rejected)
			}
			if len(raws) != tc.wantN {
				t.Fatalf("got %d raw articles, want %d", len(raws), tc.wantN)
			}
			ids := map[string]bool{}
			for i, r := range raws {
				if r.Format != tc.wantFormat {
					t.Errorf("raw %d format = %q, want %q", i, r.Format, tc.wantFormat)
				}
				if r.ID != article.RawID(src.Name, r.URI, r.Body) || ids[r.ID] {
					t.Errorf("raw %d: id %q not the deterministic, unique id", i, r.ID)
				}
				ids[r.ID] = true
				if r.Source != src.Name || r.RegionHint != src.Region || r.V != article.Version || !r.FetchedAt.Equal(fixed()) {
					t.Errorf("raw %d: source fields not carried: %+v", i, r)
				}
				if tc.wantFormat == article.FormatSogou {
					if !bytes.HasPrefix(r.Body, []byte("<doc>")) || !bytes.HasSuffix(r.Body, []byte("</doc>")) {
						t.Errorf("record %d is not one whole <doc> record", i)
					}
					if !strings.HasSuffix(r.URI, "#"+string(rune('1'+i))) {
						t.Errorf("record %d uri = %q", i, r.URI)
					}
				}
			}
			if got := raws[0].Meta["title"]; got != tc.wantTitle {
				t.Errorf("title = %q, want %q", got, tc.wantTitle)
			}
			// Reading twice gives the same ids: fetch is deterministic.
			again, _, _ := fetch.ReadFile(src, path, fetch.Options{})
			if again[0].ID != raws[0].ID {
				t.Error("second read gave another id")
			}
		})
	}
}

func TestReadFileLimits(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := write("big.txt", bytes.Repeat([]byte("案"), 400))
	if _, _, err := fetch.ReadFile(src, big, fetch.Options{MaxBytes: 1000}); !errors.Is(err, fetch.ErrTooLarge) {
		t.Errorf("oversized file: err = %v, want ErrTooLarge", err)
	}
	empty := write("empty.txt", []byte(" \n\t\n"))
	if _, _, err := fetch.ReadFile(src, empty, fetch.Options{}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty file: err = %v", err)
	}
	png := write("photo.png", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0, 1, 2, 200}, 300)...))
	if _, _, err := fetch.ReadFile(src, png, fetch.Options{}); !errors.Is(err, fetch.ErrBinary) {
		t.Errorf("binary file: err = %v, want ErrBinary", err)
	}
	// A few stray NULs in a text do not make it binary: clean strips them.
	nul := write("nul.txt", []byte("警方通报\x00一起案件。"+strings.Repeat("正文", 200)))
	if _, _, err := fetch.ReadFile(src, nul, fetch.Options{}); err != nil {
		t.Errorf("text with a NUL byte: %v", err)
	}
	dump := write("d.dat", []byte("<doc><content>短</content></doc>\n<doc><content>"+strings.Repeat("长", 500)+"</content></doc>\n<doc><content>截断"))
	raws, rejected, err := fetch.ReadFile(src, dump, fetch.Options{MaxBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(raws) != 2 || len(rejected) != 1 || !errors.Is(rejected[0].Err, fetch.ErrTooLarge) {
		t.Errorf("dump: %d raws, rejected %v; want 2 raws (one truncated at EOF) and the long record rejected", len(raws), rejected)
	}
}

func TestPublisherOnceEach(t *testing.T) {
	srv := natstest.Start(t)
	_, js := natstest.Connect(t, srv.URL)
	ctx := natstest.Context(t)
	if err := topology.Ensure(ctx, js, topology.Config{MemoryStorage: true}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "page.txt")
	if err := os.WriteFile(page, []byte("第一版"), 0o644); err != nil {
		t.Fatal(err)
	}
	scan := func() fetch.Stats {
		t.Helper()
		// A new publisher and runner each time: seen state must survive a restart.
		pub, err := fetch.NewPublisher(ctx, js, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := &fetch.Runner{Source: src, Paths: []string{dir}, Pub: pub}
		st, err := r.Scan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := scan(); st.Published != 1 {
		t.Fatalf("first scan published %d, want 1", st.Published)
	}
	if st := scan(); st.Published != 0 || st.Files != 0 || st.Skipped != 1 {
		t.Fatalf("rescan after restart: %+v, want the file skipped unread", st)
	}
	if err := os.WriteFile(page, []byte("第二版"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st := scan(); st.Published != 1 {
		t.Fatalf("changed page: published %d, want 1 new version", st.Published)
	}
	s, _ := js.Stream(ctx, topology.StreamRaw)
	info, _ := s.Info(ctx)
	if info.State.Msgs != 2 {
		t.Errorf("raw stream holds %d, want 2 versions", info.State.Msgs)
	}
}

func TestRunnerDeadLettersUnreadable(t *testing.T) {
	srv := natstest.Start(t)
	_, js := natstest.Connect(t, srv.URL)
	ctx := context.Background()
	if err := topology.Ensure(ctx, js, topology.Config{MemoryStorage: true}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "ok.txt"), []byte("正文"), 0o644)
	pub, err := fetch.NewPublisher(ctx, js, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := (&fetch.Runner{Source: src, Paths: []string{dir}, Pub: pub}).Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Published != 1 || st.Rejected != 1 {
		t.Errorf("stats %+v, want 1 published and 1 rejected", st)
	}
	s, _ := js.Stream(ctx, topology.StreamDeadLetter)
	m, err := s.GetLastMsgForSubject(ctx, topology.DeadLetterSubject(topology.StageFetch))
	if err != nil {
		t.Fatalf("no fetch dead letter: %v", err)
	}
	if !strings.Contains(m.Header.Get("Casewire-Error"), "empty file") {
		t.Errorf("dead letter error = %q", m.Header.Get("Casewire-Error"))
	}
}

// An article within fetch.max_bytes but over the NATS server's max_payload
// (base64 in JSON grows it by a third) is dead-lettered, not retried forever,
// and the scan goes on.
func TestRunnerDeadLettersOverServerLimit(t *testing.T) {
	srv := natstest.Start(t)
	nc, js := natstest.Connect(t, srv.URL)
	ctx := context.Background()
	if err := topology.Ensure(ctx, js, topology.Config{MemoryStorage: true}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	big := bytes.Repeat([]byte("案件"), int(nc.MaxPayload())/6*5/len("案件")) // ~5/6 of the limit raw, over it encoded
	os.WriteFile(filepath.Join(dir, "big.txt"), big, 0o644)
	os.WriteFile(filepath.Join(dir, "small.txt"), []byte("正文"), 0o644)
	pub, err := fetch.NewPublisher(ctx, js, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := (&fetch.Runner{Source: src, Paths: []string{dir}, Pub: pub, Options: fetch.Options{MaxBytes: 2 * nc.MaxPayload()}}).Scan(ctx)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	if st.Published != 1 || st.Rejected != 1 {
		t.Errorf("stats %+v, want the small file published and the big one rejected", st)
	}
	s, _ := js.Stream(ctx, topology.StreamDeadLetter)
	m, err := s.GetLastMsgForSubject(ctx, topology.DeadLetterSubject(topology.StageFetch))
	if err != nil {
		t.Fatalf("no fetch dead letter: %v", err)
	}
	if !strings.Contains(m.Header.Get("Casewire-Error"), "max_payload") {
		t.Errorf("dead letter error = %q", m.Header.Get("Casewire-Error"))
	}
}
