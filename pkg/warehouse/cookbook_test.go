package warehouse_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/warehouse"
)

// anyValue matches every value: for columns that depend on the clock.
const anyValue = "*"

// cookbookWant is what each cookbook query returns on testBatch with
// testDivisions, loaded twice, worked out by hand from the fixtures.
var cookbookWant = map[string][][]string{
	"filings-by-region-month": {
		{"2023-05-01 00:00:00", "1503", "乌海市", "theft-robbery-fraud", "410", "1", "1"},
		{"2024-05-01 00:00:00", "1501", "呼和浩特市", "theft-robbery-fraud", "300", "1", "1"},
		// Wuhai's 131 filings come from its own paper and a reprint: one statistic, two reports.
		{"2024-05-01 00:00:00", "1503", "乌海市", "theft-robbery-fraud", "131", "1", "2"},
	},
	"clearance-rate-trend": {
		{"1501", "呼和浩特市", "theft-robbery-fraud", "2024-01-01 00:00:00", "2024-05-31 00:00:00", "78.2", "1", "呼和浩特公安", "2024-06-15 00:00:00"},
		{"1503", "乌海市", "theft-robbery-fraud", "2023-01-01 00:00:00", "2023-05-31 00:00:00", "80", "1", "乌海公安", "2023-06-10 00:00:00"},
		{"1503", "乌海市", "theft-robbery-fraud", "2024-01-01 00:00:00", "2024-05-31 00:00:00", "85.5", "2", "乌海公安", "2024-06-12 00:00:00"},
	},
	"year-on-year": {
		{"1503", "乌海市", "破案率", "盗抢骗案件", "theft-robbery-fraud", "%", "2024-01-01 00:00:00", "2024-05-31 00:00:00", "85.5", "80", "6.88", "5.5"},
		// (131-410)/410 is the -68.05% the article reports itself.
		{"1503", "乌海市", "立案", "盗抢骗案件", "theft-robbery-fraud", "起", "2024-01-01 00:00:00", "2024-05-31 00:00:00", "131", "410", "-68.05", "0"},
	},
	"reported-changes": {
		{"2024-06-12 00:00:00", "1503", "乌海市", "立案", "盗抢骗案件", "131", "起", "同比", "down", "-68.05", "%", "本报讯 1-5月，全市共立案盗抢骗案件131起，同比下降68.05%。"},
		{"2024-06-13 00:00:00", "1503", "乌海市", "立案", "盗抢骗案件", "131", "起", "同比", "down", "-68.05", "%", "乌海讯 1-5月，乌海市共立案盗抢骗案件131起，同比下降68.05%，破案率达到85.5%。"},
	},
	"top-categories": {
		{"theft-robbery-fraud", "7", "9", "2"},
		{"telecom-fraud", "3", "3", "1"},
		{"traffic-accident", "2", "2", "1"},
	},
	"facts-with-evidence": nil, // checked by checkEvidence
	"feed-freshness": {
		{"乌海公安", "4", "2024-06-20 00:00:00", "2024-07-01 00:00:01", anyValue, "0", "10"},
		{"内蒙古新闻网", "2", "2024-06-13 00:00:00", "2024-07-01 00:00:01", anyValue, "1", "2"},
		{"呼和浩特公安", "1", "2024-06-15 00:00:00", "2024-07-01 00:00:01", anyValue, "0", "2"},
	},
	"facts-by-province": {
		{"内蒙古自治区", "12", "0", "7", "5", "14", "4"},
	},
	"filings-by-prefecture": {
		{"2023-05-01 00:00:00", "乌海市", "410", "0"},
		{"2024-05-01 00:00:00", "乌海市", "131", "0"},
		{"2024-05-01 00:00:00", "呼和浩特市", "300", "0"},
	},
	"prefecture-counties": {
		{"150302", "海勃湾区", "3", "3", "抓获,挽回,破获"},
		{"150303", "海南区", "0", "0", ""},
		{"150304", "乌达区", "2", "2", "发生,死亡"},
	},
	"reprinted-statistics": {
		{"乌海市", "破案率", "盗抢骗案件", "85.5", "%", "1-5月", "2", "乌海公安", "乌海日报", "2024-06-12 00:00:00"},
		{"乌海市", "立案", "盗抢骗案件", "131", "起", "1-5月", "2", "乌海公安", "乌海日报", "2024-06-12 00:00:00"},
	},
	"latest-rates": {
		{"2023-05-01 00:00:00", "1503", "乌海市", "破案率", "theft-robbery-fraud", "80", "1"},
		{"2024-05-01 00:00:00", "1501", "呼和浩特市", "破案率", "theft-robbery-fraud", "78.2", "1"},
		{"2024-05-01 00:00:00", "1503", "乌海市", "破案率", "theft-robbery-fraud", "85.5", "1"},
	},
	"articles-by-incident-type": {
		{"2023-06-01 00:00:00", "statistics", "1", "2"},
		{"2024-06-01 00:00:00", "statistics", "4", "10"},
		{"2024-06-01 00:00:00", "traffic-accident", "1", "2"},
	},
}

func TestCookbook(t *testing.T) {
	t.Parallel()
	conn, db := openWarehouse(t)
	ctx := context.Background()
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{Now: clock(time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC))})
	for range 2 { // loaded twice: the answers must not change
		if rejected, err := w.Write(ctx, testBatch()); err != nil || len(rejected) != 0 {
			t.Fatalf("Write: %v, rejected %v", err, rejected)
		}
	}
	if err := w.LoadDivisions(ctx, testDivisions()); err != nil {
		t.Fatal(err)
	}

	queries := warehouse.Cookbook()
	if len(queries) < 10 {
		t.Errorf("cookbook has %d queries, want at least 10", len(queries))
	}
	for _, q := range queries {
		t.Run(q.Name, func(t *testing.T) {
			want, ok := cookbookWant[q.Name]
			if !ok {
				t.Fatalf("no expected result for cookbook query %q: add one", q.Name)
			}
			got := queryStrings(t, conn, q.SQL)
			if q.Name == "facts-with-evidence" {
				checkEvidence(t, got)
				return
			}
			if !matchRows(got, want) {
				t.Errorf("%s returned\n%q\nwant\n%q", q.Name, got, want)
			}
		})
	}
}

// checkEvidence checks each fact's offsets against the fixtures' bodies: the
// number's text is where the offsets say.
func checkEvidence(t *testing.T, rows [][]string) {
	t.Helper()
	bodies := map[string][]rune{}
	facts := 0
	for _, a := range testBatch() {
		bodies[a.ID] = []rune(a.Body)
		facts += len(a.Facts)
	}
	if len(rows) != facts {
		t.Errorf("facts-with-evidence returned %d rows, want %d", len(rows), facts)
	}
	for _, r := range rows {
		// published, source, region_name, indicator, subject, value, unit,
		// evidence_text, evidence_start, evidence_end, sentence, title, uri, fact_id
		factID := r[13]
		articleID, _, _ := strings.Cut(factID, ":")
		body := bodies[articleID]
		var start, end int
		if _, err := fmt.Sscan(r[8], &start); err != nil {
			t.Fatalf("evidence_start %q: %v", r[8], err)
		}
		if _, err := fmt.Sscan(r[9], &end); err != nil {
			t.Fatalf("evidence_end %q: %v", r[9], err)
		}
		if end > len(body) || string(body[start:end]) != r[7] {
			t.Errorf("fact %s: body[%d:%d] is not %q", factID, start, end, r[7])
		}
	}
}

func matchRows(got, want [][]string) bool {
	return slices.EqualFunc(got, want, func(g, w []string) bool {
		return slices.EqualFunc(g, w, func(gv, wv string) bool { return wv == anyValue || gv == wv })
	})
}
