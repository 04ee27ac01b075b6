package warehouse_test

import (
	"context"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/warehouse"
	"github.com/casewire/casewire/pkg/warehouse/warehousetest"
)

func TestCookbook(t *testing.T) {
	t.Parallel()
	conn, db := openWarehouse(t)
	ctx := context.Background()
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{Now: clock(time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC))})
	for range 2 { // loaded twice: the answers must not change
		if rejected, err := w.Write(ctx, warehousetest.Batch()); err != nil || len(rejected) != 0 {
			t.Fatalf("Write: %v, rejected %v", err, rejected)
		}
	}
	if err := w.LoadDivisions(ctx, warehousetest.Divisions()); err != nil {
		t.Fatal(err)
	}

	queries := warehouse.Cookbook()
	if len(queries) < 10 {
		t.Errorf("cookbook has %d queries, want at least 10", len(queries))
	}
	for _, q := range queries {
		t.Run(q.Name, func(t *testing.T) {
			got := queryStrings(t, conn, q.SQL)
			if q.Name == "facts-with-evidence" {
				if err := warehousetest.CheckEvidence(got); err != nil {
					t.Error(err)
				}
				return
			}
			want, ok := warehousetest.CookbookWant()[q.Name]
			if !ok {
				t.Fatalf("no expected result for cookbook query %q: add one to warehousetest", q.Name)
			}
			if !warehousetest.MatchRows(got, want) {
				t.Errorf("%s returned\n%q\nwant\n%q", q.Name, got, want)
			}
		})
	}
}
