package warehouse_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/warehouse"
	"github.com/casewire/casewire/pkg/warehouse/warehousetest"
)

// templateBatch makes n articles of factsEach facts from the Wuhai article,
// each with its own id, date and values, as the loader would receive them.
func templateBatch(seed, n, factsEach, days int) []article.Extracted {
	tmpl := warehousetest.Batch()[0]
	out := make([]article.Extracted, n)
	for i := range out {
		a := tmpl
		a.ID = fmt.Sprintf("bench%d-%d", seed, i)
		a.RawID = a.ID
		day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%days)
		a.Published = day.Format("2006-01-02")
		a.Entities = append([]article.Entity(nil), tmpl.Entities...)
		a.Facts = make([]article.Fact, factsEach)
		for j := range a.Facts {
			f := tmpl.Facts[j%len(tmpl.Facts)]
			f.ID = article.FactID(a.ID, f.Evidence.Start, f.Evidence.End, j)
			f.Value = article.Num(float64(i*factsEach + j))
			f.Period.Start = day.AddDate(0, -1, 0).Format("2006-01-02")
			f.Period.End = day.Format("2006-01-02")
			a.Facts[j] = f
		}
		out[i] = a
	}
	return out
}

// BenchmarkWrite loads 100,000 facts (10,000 articles of 10 facts, in
// batches of 1,000 articles) per iteration and reports facts/s. The articles
// of the live feed fall in one or two months; a backfill's spread over years,
// and every month a batch touches is a part written per table.
func BenchmarkWrite(b *testing.B) {
	for _, bb := range []struct {
		name string
		days int
	}{
		{name: "one-month", days: 28},
		{name: "36-months", days: 36 * 30},
	} {
		b.Run(bb.name, func(b *testing.B) { benchmarkWrite(b, bb.days) })
	}
}

func benchmarkWrite(b *testing.B, days int) {
	conn, db := openWarehouse(b)
	ctx := context.Background()
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{})
	const articles, factsEach, batchSize = 10_000, 10, 1_000
	batches := make([][]article.Extracted, b.N)
	for i := range batches {
		batches[i] = templateBatch(i, articles, factsEach, days)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		for lo := 0; lo < articles; lo += batchSize {
			rejected, err := w.Write(ctx, batches[i][lo:lo+batchSize])
			if err != nil || len(rejected) != 0 {
				b.Fatalf("Write: %v, rejected %v", err, rejected)
			}
		}
	}
	elapsed := time.Since(start).Seconds()
	b.StopTimer()
	b.ReportMetric(float64(b.N*articles*factsEach)/elapsed, "facts/s")
	b.ReportMetric(float64(b.N*articles)/elapsed, "articles/s")
}
