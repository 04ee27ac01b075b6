package fetch_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/topology"
)

// TestWatchPicksUpDroppedFiles uses an hour-long rescan interval, so only file
// notifications can explain a prompt pickup.
func TestWatchPicksUpDroppedFiles(t *testing.T) {
	t.Parallel()
	b := newBus(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(b.ctx)
	r := &fetch.Runner{Source: src, Paths: []string{dir}, Pub: b.pub, Interval: time.Hour}
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Watch(ctx, nil)
	}()
	t.Cleanup(func() { cancel(); <-done })

	steps := []struct {
		name string
		drop func(t *testing.T)
		want uint64 // raw articles on the stream after the step
	}{
		{name: "file written in place", want: 1, drop: func(t *testing.T) {
			write(t, filepath.Join(dir, "a.txt"), "乌海市公安局破获盗窃案件131起。")
		}},
		{name: "file written hidden then renamed", want: 2, drop: func(t *testing.T) {
			tmp := filepath.Join(dir, ".b.txt.tmp")
			write(t, tmp, "海勃湾分局抓获犯罪嫌疑人3名。")
			if err := os.Rename(tmp, filepath.Join(dir, "b.txt")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "file in a new subfolder", want: 3, drop: func(t *testing.T) {
			sub := filepath.Join(dir, "2024", "07")
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(sub, "c.txt"), "乌达区发生交通事故一起。")
		}},
		{name: "file changed", want: 4, drop: func(t *testing.T) {
			write(t, filepath.Join(dir, "a.txt"), "乌海市公安局破获盗窃案件132起。")
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.drop(t)
			natstest.Eventually(t, 10*time.Second, "dropped file published", func() bool {
				return b.count(t, topology.StreamRaw) >= s.want
			})
		})
	}
	if got := b.count(t, topology.StreamRaw); got != 4 {
		t.Errorf("%d raw articles, want 4", got)
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a log sink the meter and the test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestBackfillResumes interrupts a backfill after part of a dump was
// published: the resumed run reads only what was not completed and
// publishes nothing twice, and its progress says what it skipped.
func TestBackfillResumes(t *testing.T) {
	t.Parallel()
	b := newBus(t)
	dir := t.TempDir()
	for _, f := range []string{"sogou-utf8.dat", "sogou-gbk.dat", "011.txt", "039.html"} {
		data, err := os.ReadFile(filepath.Join("testdata", "feed", f))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, f), string(data))
	}
	// The interrupted run: the small files done, the GBK dump read up to its
	// second record.
	first := &fetch.Runner{Source: src, Paths: []string{filepath.Join(dir, "011.txt"), filepath.Join(dir, "039.html"), filepath.Join(dir, "sogou-utf8.dat")}, Pub: b.pub}
	if st, err := first.Scan(b.ctx); err != nil || st.Published != 4 {
		t.Fatalf("first run: %+v %v, want 4 published", st, err)
	}
	raws, _, err := fetch.ReadFile(src, filepath.Join(dir, "sogou-gbk.dat"), fetch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range raws[:2] {
		if _, err := b.pub.Publish(b.ctx, r); err != nil {
			t.Fatal(err)
		}
	}

	var lines syncBuffer
	progress := &fetch.Progress{Log: slog.New(slog.NewTextHandler(&lines, nil)), Every: time.Nanosecond}
	resumed := &fetch.Runner{Source: src, Paths: []string{dir}, Pub: newPub(t, b.ctx, b.js), Progress: progress}
	st, err := resumed.Scan(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Skipped != 3 || st.Files != 1 || st.Articles != 3 || st.Published != 1 {
		t.Errorf("resumed run: %+v; want 3 files skipped unread, the dump read again, 1 record published", st)
	}
	if got := b.count(t, topology.StreamRaw); got != 7 {
		t.Errorf("%d raw articles on the stream, want 7 (4 + 3 records, none twice)", got)
	}
	out := lines.String()
	for _, want := range []string{"files_skipped=3", "already_seen=2", "published=1", "eta=", "mb_per_s=", "progress done"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress lines lack %q:\n%s", want, out)
		}
	}
	// On a terminal the same pass draws a bar.
	var bar syncBuffer
	again := &fetch.Runner{Source: fetch.Source{Name: "other"}, Paths: []string{dir}, Pub: b.pub,
		Progress: &fetch.Progress{Out: &bar, Terminal: true}}
	if _, err := again.Scan(b.ctx); err != nil {
		t.Fatal(err)
	}
	if s := bar.String(); !strings.Contains(s, "100%") || !strings.Contains(s, "other: files 4/4") {
		t.Errorf("progress bar output:\n%q", s)
	}
}
