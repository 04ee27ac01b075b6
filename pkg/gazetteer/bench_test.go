package gazetteer

import (
	"runtime"
	"testing"
	"time"
)

// TestLoadCost logs what Load costs: the time and the heap the gazetteer
// keeps. Time is only logged (BenchmarkLoad measures it: a shared machine
// makes wall-clock assertions flaky); the heap it keeps does not depend on
// load, so it is held to a bound.
func TestLoadCost(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	g, err := Load()
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(g)
	t.Logf("Load: %v, %.1f MiB live heap, %d divisions, %d dictionary words",
		took, float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), len(g.nodes), len(g.dict))
	if live := after.HeapAlloc - before.HeapAlloc; live > 64<<20 {
		t.Errorf("the gazetteer keeps %.1f MiB of heap, want under 64 MiB", float64(live)/(1<<20))
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScan scans the seed page (three articles, 3,100 characters),
// what the extractor does once per article.
func BenchmarkScan(b *testing.B) {
	g := gaz(b)
	text := readTestdata(b, "seed-page.txt")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		g.Scan(text, "内蒙古自治区")
	}
}
