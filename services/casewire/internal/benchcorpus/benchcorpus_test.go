package benchcorpus_test

import (
	"path/filepath"
	"testing"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/services/casewire/internal/benchcorpus"
)

func TestWriteReadsBackUnique(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		bytes int
		n     int
	}{
		{name: "sample sizes", n: 500},
		{name: "1 KB", bytes: 1 << 10, n: 50},
		{name: "100 KB", bytes: 100 << 10, n: 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, err := benchcorpus.New(benchcorpus.Options{Bytes: tt.bytes, FileBytes: 256 << 10})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			st, err := g.Write(dir, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if st.Articles != tt.n || st.Files < 1 {
				t.Fatalf("stats %+v", st)
			}
			files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
			if err != nil || len(files) != st.Files {
				t.Fatalf("files %v (%v), stats %+v", files, err, st)
			}
			ids := map[string]bool{}
			var body int64
			for _, f := range files {
				raws, rejected, err := fetch.ReadFile(fetch.Source{Name: g.Source()}, f, fetch.Options{})
				if err != nil || len(rejected) > 0 {
					t.Fatalf("read %s: %v %v", f, err, rejected)
				}
				for _, r := range raws {
					if r.Format != article.FormatText || ids[r.ID] {
						t.Fatalf("raw %s: format %q, seen %v", r.URI, r.Format, ids[r.ID])
					}
					ids[r.ID] = true
					body += int64(len(r.Body))
					if tt.bytes > 0 && (len(r.Body) > tt.bytes || len(r.Body) < tt.bytes-4) {
						t.Errorf("%s: %d bytes, want about %d", r.URI, len(r.Body), tt.bytes)
					}
				}
			}
			if len(ids) != tt.n || body != st.BodyBytes {
				t.Errorf("read back %d unique articles, %d bytes; wrote %+v", len(ids), body, st)
			}
		})
	}
}

func TestRecordDeterministic(t *testing.T) {
	t.Parallel()
	g, err := benchcorpus.New(benchcorpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 161, 162, 999_999} {
		if a, b := g.Record(i), g.Record(i); a != b {
			t.Errorf("record %d differs between calls", i)
		}
	}
	samples, err := benchcorpus.Samples()
	if err != nil {
		t.Fatal(err)
	}
	n := len(samples)
	if a, b := g.Record(0), g.Record(n); a.Content == b.Content && len(samples[0].Paras) > 1 {
		t.Errorf("record %d repeats record 0's text", n)
	}
}

// BenchmarkWrite is the generator's own speed, so that a million-article
// corpus can be sized: one op is 10,000 articles.
func BenchmarkWrite(b *testing.B) {
	g, err := benchcorpus.New(benchcorpus.Options{Month: "2026-10"})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for b.Loop() {
		st, err := g.Write(dir, 10_000)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(st.BodyBytes)
	}
}
