package deploytest

import (
	"sync"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/fetch"
)

// sampleFeed reads every file of deployments/sample-feed as fetch would.
func sampleFeed(b *testing.B) []article.Raw {
	b.Helper()
	files, err := fetch.Files(deployments(b, "sample-feed"))
	if err != nil {
		b.Fatal(err)
	}
	var raws []article.Raw
	for _, f := range files {
		rs, _, err := fetch.ReadFile(fetch.Source{Name: "bench"}, f, fetch.Options{MaxBytes: config.Default().Fetch.MaxBytes})
		if err != nil {
			b.Fatal(err)
		}
		raws = append(raws, rs...)
	}
	if len(raws) == 0 {
		b.Fatal("no sample articles")
	}
	return raws
}

var benchExtractor struct {
	once sync.Once
	x    *extract.Extractor
	err  error
}

// BenchmarkStageCosts measures what one goroutine of clean and of extract
// spends per article of the sample feed (deployments/sample-feed), the
// numbers deployments/README.md sizes workers with. It reports per-article
// milliseconds and input kilobytes per article; ns/op is one pass over the
// whole feed.
func BenchmarkStageCosts(b *testing.B) {
	raws := sampleFeed(b)
	c := clean.New(clean.Options{})
	var cleaned []article.Clean
	for _, r := range raws {
		out, err := c.Clean(r)
		if err == nil {
			cleaned = append(cleaned, out...)
		}
	}
	b.Run("clean", func(b *testing.B) {
		var bytes int
		for _, r := range raws {
			bytes += len(r.Body)
		}
		b.SetBytes(int64(bytes))
		start := time.Now()
		for range b.N {
			for _, r := range raws {
				_, _ = c.Clean(r)
			}
		}
		per := time.Since(start) / time.Duration(b.N*len(raws))
		b.ReportMetric(float64(per.Microseconds())/1000, "ms/article")
		b.ReportMetric(float64(bytes)/float64(len(raws))/1024, "KB/article")
		b.ReportMetric(float64(len(raws)), "articles")
	})
	b.Run("extract", func(b *testing.B) {
		benchExtractor.once.Do(func() { benchExtractor.x, _, benchExtractor.err = extract.FromConfig(config.Extract{}) })
		if benchExtractor.err != nil {
			b.Fatal(benchExtractor.err)
		}
		x := benchExtractor.x
		var bytes, facts int
		for _, a := range cleaned {
			bytes += len(a.Body)
		}
		b.SetBytes(int64(bytes))
		b.ResetTimer()
		start := time.Now()
		for range b.N {
			facts = 0
			for _, a := range cleaned {
				e, err := x.Extract(a)
				if err != nil {
					b.Fatal(err)
				}
				facts += len(e.Facts)
			}
		}
		per := time.Since(start) / time.Duration(b.N*len(cleaned))
		b.ReportMetric(float64(per.Microseconds())/1000, "ms/article")
		b.ReportMetric(float64(bytes)/float64(len(cleaned))/1024, "KB/article")
		b.ReportMetric(float64(facts)/float64(len(cleaned)), "facts/article")
		b.ReportMetric(float64(len(cleaned)), "articles")
	})
}
