package extract

import (
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/article"
)

// benchCorpus is every test article, police and other news alike.
func benchCorpus(b *testing.B) ([]article.Clean, int) {
	b.Helper()
	var arts []article.Clean
	size := 0
	for _, name := range articleNames(b) {
		c := loadArticle(b, name)
		arts = append(arts, c)
		size += len(c.Body)
	}
	return arts, size
}

// segmentOnly is the baseline: the segmenter alone, sentence by sentence, the
// way Extract calls it.
func segmentOnly(x *Extractor, c article.Clean) int {
	text := []rune(c.Body)
	n := 0
	for _, s := range splitSentences(text) {
		n += len(x.seg.Segment([]byte(string(text[s.Start:s.End]))))
	}
	return n
}

// BenchmarkExtractVsSegment runs extraction and bare segmentation of the same
// articles in the same run and reports their cost ratio ("x-segment"): how
// many times the segmentation alone extraction costs.
func BenchmarkExtractVsSegment(b *testing.B) {
	x := testExtractor(b)
	arts, size := benchCorpus(b)
	var seg, ext time.Duration
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Alternate article by article so that load from other processes
		// falls on both sides alike.
		for _, c := range arts {
			t0 := time.Now()
			segmentOnly(x, c)
			t1 := time.Now()
			if _, err := x.Extract(c); err != nil {
				b.Fatal(err)
			}
			seg += t1.Sub(t0)
			ext += time.Since(t1)
		}
	}
	b.ReportMetric(float64(ext)/float64(seg), "x-segment")
	b.ReportMetric(float64(size)*float64(b.N)/ext.Seconds()/1e6, "extract-MB/s")
	b.ReportMetric(float64(size)*float64(b.N)/seg.Seconds()/1e6, "segment-MB/s")
}

func BenchmarkExtract(b *testing.B) {
	x := testExtractor(b)
	arts, size := benchCorpus(b)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, c := range arts {
			if _, err := x.Extract(c); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkSegment(b *testing.B) {
	x := testExtractor(b)
	arts, size := benchCorpus(b)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, c := range arts {
			segmentOnly(x, c)
		}
	}
}
