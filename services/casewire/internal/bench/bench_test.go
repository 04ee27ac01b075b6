package bench_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/services/casewire/internal/bench"
	"github.com/casewire/casewire/services/casewire/internal/benchcorpus"
)

func newEngine(tb testing.TB) *bench.Engine {
	tb.Helper()
	e, err := bench.NewEngine()
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// TestSmoke runs every measurement on a tiny corpus with the workers in
// this process and checks the harness's bookkeeping, never its speed: the
// speed targets belong to scripts/bench.sh and BENCHMARKS.md.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the extractor and talks to ClickHouse")
	}
	e := newEngine(t)
	ch := config.Default().ClickHouse
	ch.Addr = chtest.Addr(t)
	var progress bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := bench.Run(ctx, e, bench.Config{
		Articles:     40,
		Month:        "2026-10",
		Backfill:     5,
		Reps:         1,
		LimitWorkers: []int{1, 0},
		Extractors:   []int{1},
		Lengths:      []int{1 << 10},
		LengthBytes:  8 << 10,
		LatencyRate:  40,
		LatencyCount: 10,
		Timeout:      time.Minute,
		ClickHouse:   ch,
		WorkDir:      t.TempDir(),
		Progress:     &progress,
	})
	t.Log(progress.String())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Corpus.Articles != 40 || rep.Expect.Articles < 40 || rep.Expect.Facts == 0 {
		t.Errorf("corpus %+v expect %+v", rep.Corpus, rep.Expect)
	}
	for n, ls := range rep.Limits {
		if len(ls) != 1 || ls[0].PerSec() <= 0 || ls[0].Raw != 40 || ls[0].Failed != 0 {
			t.Errorf("limit with %d workers: %+v", n, ls)
		}
	}
	if len(rep.Segments) != 1 || rep.Segments[0].StageMBPerSec() <= 0 {
		t.Errorf("segment: %+v", rep.Segments)
	}
	p := rep.Pipes[1]
	if len(p) != 1 || !p[0].Complete() || p[0].PerSec() <= 0 || p[0].Dead != 0 {
		t.Fatalf("pipeline: %+v", p)
	}
	if len(rep.Ratios) != 1 || rep.Ratios[0] <= 0 {
		t.Errorf("ratios %v", rep.Ratios)
	}
	if l := rep.Lengths[1<<10]; len(l) != 1 || l[0].Raw != 8 {
		t.Errorf("length pass: %+v", l)
	}
	if lat := rep.Latency; lat == nil || lat.Arrived != lat.Sent || lat.Sent != 10 || lat.P50 <= 0 || lat.P99 < lat.P50 {
		t.Errorf("latency: %+v", rep.Latency)
	}
	if bf := rep.Backfill; bf == nil || !bf.Pipe.Complete() || bf.Limit.Raw != 5 {
		t.Errorf("backfill: %+v", rep.Backfill)
	}
	var md bytes.Buffer
	rep.Markdown(&md)
	for _, want := range []string{"| limit: clean + extract", "| pipeline: fetch", "| 1 KB |", "p99"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, md.String())
		}
	}
}

// limitCorpus writes n generated articles (of about size bytes; 0 keeps
// the samples' lengths) and returns the files.
func limitCorpus(b *testing.B, n, size int) (*benchcorpus.Generator, []string, int64) {
	b.Helper()
	g, err := benchcorpus.New(benchcorpus.Options{Bytes: size, Month: "2026-10"})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	st, err := g.Write(dir, n)
	if err != nil {
		b.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	return g, files, st.BodyBytes
}

// BenchmarkLimit is the limit as a go test benchmark: clean + extract of a
// generated corpus, one goroutine per core, and the bare segmenter on the
// same articles in the same run (profile it with -cpuprofile).
func BenchmarkLimit(b *testing.B) {
	e := newEngine(b)
	g, files, size := limitCorpus(b, 500, 0)
	b.SetBytes(size)
	var ext, seg time.Duration
	var n int
	b.ResetTimer()
	for b.Loop() {
		for _, work := range []bench.Work{bench.WorkExtract, bench.WorkSegment} {
			r, err := e.Limit(context.Background(), files, g.Source(), work, 0)
			if err != nil {
				b.Fatal(err)
			}
			if work == bench.WorkExtract {
				ext += r.Wall
				n += r.Raw
			} else {
				seg += r.Wall
			}
		}
	}
	b.ReportMetric(float64(n)/ext.Seconds(), "articles/s")
	b.ReportMetric(float64(n)/seg.Seconds(), "segment-articles/s")
}

// BenchmarkLength is clean + extract on one goroutine by article length,
// the same number of bytes at each length: a flat ns/op means linear cost.
func BenchmarkLength(b *testing.B) {
	e := newEngine(b)
	for _, size := range []int{1 << 10, 10 << 10, 100 << 10} {
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			g, files, bytes := limitCorpus(b, (1<<20)/size, size)
			b.SetBytes(bytes)
			for b.Loop() {
				if _, err := e.Limit(context.Background(), files, g.Source(), bench.WorkExtract, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
