package warehouse_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/warehouse"
	"github.com/casewire/casewire/pkg/warehouse/warehousetest"
)

// TestUndatedMonth: a filing with neither a period nor a publication date
// has no month in v_facts_monthly (NULL, not day 0), and the by-month
// cookbook query leaves it out instead of summing it under 0000-00-00.
func TestUndatedMonth(t *testing.T) {
	conn, db := openWarehouse(t)
	ctx := context.Background()
	batch := warehousetest.Batch()
	notice := batch[len(batch)-1] // no publication date
	if notice.Published != "" {
		t.Fatalf("fixture: the notice has a publication date %q", notice.Published)
	}
	notice.Body = "内蒙古自治区公安厅通报：全区立案77起。"
	notice.Facts = []article.Fact{{
		ID: article.FactID(notice.ID, 13, 16, 0), Subject: "案件", Indicator: "立案", Value: article.Num(77), Unit: "起",
		Region:   notice.Region,
		Evidence: article.Evidence{Sentence: notice.Body, Start: 13, End: 16, Text: "77起"},
	}}
	batch[len(batch)-1] = notice
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{Now: clock(time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC))})
	if rejected, err := w.Write(ctx, batch); err != nil || len(rejected) != 0 {
		t.Fatalf("Write: rejected %v, err %v", rejected, err)
	}
	cases := []struct {
		name  string
		query string
		want  [][]string
	}{
		{"undated is NULL", "SELECT month, total FROM v_facts_monthly WHERE indicator = '立案' AND region_name = '内蒙古自治区'", [][]string{{"NULL", "77"}}},
		{"no day-0 month", "SELECT count() FROM v_facts_monthly WHERE toYear(assumeNotNull(month)) < 1971 AND month IS NOT NULL", [][]string{{"0"}}},
	}
	for _, c := range cases {
		if got := queryStrings(t, conn, c.query); !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	found := false
	for _, r := range warehouse.Cookbook() {
		if r.Name != "filings-by-region-month" {
			continue
		}
		found = true
		for _, row := range queryStrings(t, conn, r.SQL) {
			if row[0] == "NULL" || row[0] < "1971" {
				t.Errorf("%s has an undated row %v", r.Name, row)
			}
		}
	}
	if !found {
		t.Error("no cookbook query filings-by-region-month")
	}
}
