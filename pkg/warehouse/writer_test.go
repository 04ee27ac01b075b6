package warehouse_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/warehouse"
	"github.com/casewire/casewire/pkg/warehouse/warehousetest"
)

// viewState is what analysts see: every view's rows, minus the load
// bookkeeping (ingested_at, version) that a replay legitimately changes.
func viewState(t *testing.T, conn interface{}, q func(string) [][]string) map[string][][]string {
	t.Helper()
	return map[string][][]string{
		"v_articles":      q("SELECT article_id, title, published, region_code, fact_count, entity_count, extractor FROM v_articles ORDER BY article_id"),
		"v_facts":         q("SELECT fact_id, indicator, subject, category, value, unit, period_start, period_end, region_code, evidence_text FROM v_facts ORDER BY fact_id"),
		"v_entities":      q("SELECT article_id, kind, text, start_pos, end_pos, region_code FROM v_entities ORDER BY article_id, start_pos, kind"),
		"v_statistics":    q("SELECT * FROM v_statistics ORDER BY indicator, subject, category, region_code, period_start, value"),
		"v_facts_monthly": q("SELECT * FROM v_facts_monthly ORDER BY month, region_code, indicator, category, unit"),
		"counts": q("SELECT (SELECT count() FROM v_articles), (SELECT count() FROM v_facts), (SELECT count() FROM v_entities), " +
			"(SELECT count() FROM v_statistics), (SELECT count() FROM v_facts_monthly)"),
	}
}

func TestWriteReplayAndReextraction(t *testing.T) {
	t.Parallel()
	conn, db := openWarehouse(t)
	ctx := context.Background()
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{Now: clock(time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC))})
	q := func(query string) [][]string { return queryStrings(t, conn, query) }
	write := func(batch []article.Extracted) {
		t.Helper()
		rejected, err := w.Write(ctx, batch)
		if err != nil {
			t.Fatalf("Write: %v", err)
		}
		if len(rejected) != 0 {
			t.Fatalf("Write rejected %v", rejected)
		}
	}
	batch := warehousetest.Batch()
	wantFacts := 0
	for _, a := range batch {
		wantFacts += len(a.Facts)
	}

	write(batch)
	first := viewState(t, conn, q)
	if got := count(t, conn, "v_facts"); got != uint64(wantFacts) {
		t.Fatalf("v_facts has %d rows after one load, want %d", got, wantFacts)
	}

	t.Run("replaying the batch changes no view", func(t *testing.T) {
		write(batch)
		write(batch[2:4]) // a partial redelivery too
		if got := count(t, conn, "facts"); got <= uint64(wantFacts) {
			t.Fatalf("raw facts has %d rows: the replay did not reach the table, so the test proves nothing", got)
		}
		assertSameState(t, first, viewState(t, conn, q))
	})

	t.Run("a re-extraction replaces the article's facts", func(t *testing.T) {
		newer := warehousetest.Reextract(batch)
		write([]article.Extracted{newer})
		got := q("SELECT indicator, value, extractor FROM v_facts WHERE article_id = '" + newer.ID + "' ORDER BY indicator, value")
		want := [][]string{{"抓获", "57", "1.1.0"}, {"立案", "131", "1.1.0"}, {"立案同比", "-68.05", "1.1.0"}}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("facts of the re-extracted article = %v, want %v", got, want)
		}
		if got := count(t, conn, "v_facts"); got != uint64(wantFacts) {
			t.Errorf("v_facts has %d rows, want %d (one fact dropped, one added)", got, wantFacts)
		}
		// The clearance rate of Wuhai for 1-5月 is now reported by the reprint only.
		got = q("SELECT articles, first_source FROM v_statistics WHERE indicator = '破案率' AND region_code = '1503' AND period_end = '2024-05-31'")
		if want := [][]string{{"1", "内蒙古新闻网"}}; !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("clearance-rate statistic after re-extraction = %v, want %v", got, want)
		}
		got = q("SELECT total FROM v_facts_monthly WHERE month = '2024-05-01' AND region_code = '1503' AND indicator = '抓获'")
		if want := [][]string{{"57"}}; !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("monthly arrests in Wuhai after re-extraction = %v, want %v", got, want)
		}

		afterReextraction := viewState(t, conn, q)
		// An old extraction replayed after the new one (a stream replay from
		// the start) must not bring the old facts back.
		write(batch)
		assertSameState(t, afterReextraction, viewState(t, conn, q))
	})
}

// TestWriteCutShortHidesNothing: two loaders can hold the same message (its
// ack wait ran out under load); if one completes and acks while the other dies
// between INSERTs, the message is never redelivered, so what the cut-short
// load left must not change what the views show.
func TestWriteCutShortHidesNothing(t *testing.T) {
	t.Parallel()
	conn, db := openWarehouse(t)
	ctx := context.Background()
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{Now: clock(time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC))})
	q := func(query string) [][]string { return queryStrings(t, conn, query) }
	batch := warehousetest.Batch()
	for i := range batch {
		batch[i].ExtractedAt = time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)
	}
	if rejected, err := w.Write(ctx, batch); err != nil || len(rejected) != 0 {
		t.Fatalf("Write: rejected %v, err %v", rejected, err)
	}
	complete := viewState(t, conn, q)
	rawFacts := count(t, conn, "facts")

	for _, tc := range []struct {
		name   string
		tables []string
	}{
		{"facts only, later", []string{"facts"}},
		{"facts and entities, later", []string{"facts", "entities"}},
		{"article rows only, later", []string{"articles"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := warehouse.WriteCutShort(ctx, w, batch, tc.tables...); err != nil {
				t.Fatalf("WriteCutShort: %v", err)
			}
			assertSameState(t, complete, viewState(t, conn, q))
		})
	}
	if got := count(t, conn, "facts"); got <= rawFacts {
		t.Fatalf("raw facts has %d rows, %d before: the cut-short loads did not reach the table, so the test proves nothing", got, rawFacts)
	}
}

func assertSameState(t *testing.T, want, got map[string][][]string) {
	t.Helper()
	for view, rows := range want {
		if !slices.EqualFunc(rows, got[view], slices.Equal) {
			t.Errorf("%s changed:\n before %v\n after  %v", view, rows, got[view])
		}
	}
}

func TestWriteRejectsBadArticlesAndLoadsTheRest(t *testing.T) {
	t.Parallel()
	conn, db := openWarehouse(t)
	ctx := context.Background()
	// A validation view, the way ClickHouse 18.16 checks rows (no CONSTRAINT):
	// the server refuses any fact whose indicator is "POISON" with code 395.
	// It refuses after the facts table took the block, as views run after
	// the table; the article row, sent last, never lands.
	if err := conn.Exec(ctx, "CREATE MATERIALIZED VIEW "+db+".poison ENGINE = Null AS SELECT throwIf(indicator = 'POISON') AS refused FROM "+db+".facts"); err != nil {
		t.Fatalf("create validation view: %v", err)
	}
	batch := warehousetest.Batch()
	batch[1].Published = "2024-13-45"      // refused before sending
	batch[4].Facts[1].Indicator = "POISON" // refused by the server
	batch[5].Facts[0].Evidence.End = -1    // refused before sending
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{})

	rejected, err := w.Write(ctx, batch)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	var indexes []int
	for i := range rejected {
		indexes = append(indexes, i)
	}
	slices.Sort(indexes)
	if want := []int{1, 4, 5}; !slices.Equal(indexes, want) {
		t.Fatalf("rejected indexes = %v (%v), want %v", indexes, rejected, want)
	}
	for _, i := range []int{1, 5} {
		if !errors.Is(rejected[i], warehouse.ErrBadData) {
			t.Errorf("rejected[%d] = %v, want ErrBadData", i, rejected[i])
		}
	}
	var ex *clickhouse.Exception
	if !errors.As(rejected[4], &ex) || ex.Code != 395 {
		t.Errorf("rejected[4] = %v, want the server's exception 395", rejected[4])
	}

	var want []string
	for i, a := range batch {
		if rejected[i] == nil {
			want = append(want, a.ID)
		}
	}
	slices.Sort(want)
	var got []string
	for _, row := range queryStrings(t, conn, "SELECT article_id FROM v_articles ORDER BY article_id") {
		got = append(got, row[0])
	}
	if !slices.Equal(got, want) {
		t.Errorf("v_articles = %v, want the %d accepted articles %v", got, len(want), want)
	}
	// The refused article's facts reached the facts table before its article
	// row was refused; the views must not show them.
	var orphans uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM v_facts WHERE article_id = ?", batch[4].ID).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Errorf("v_facts shows %d facts of the refused article", orphans)
	}
}

func TestWriteTransientFailureFailsTheBatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(t *testing.T) (context.Context, *warehouse.Writer)
	}{
		{name: "cancelled context", setup: func(t *testing.T) (context.Context, *warehouse.Writer) {
			conn, db := openWarehouse(t)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, warehouse.NewWriter(conn, db, warehouse.WriterOptions{})
		}},
		{name: "tables missing", setup: func(t *testing.T) (context.Context, *warehouse.Writer) {
			conn, db := openWarehouse(t)
			if err := conn.Exec(context.Background(), "DROP TABLE facts"); err != nil {
				t.Fatal(err)
			}
			return context.Background(), warehouse.NewWriter(conn, db, warehouse.WriterOptions{})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, w := tt.setup(t)
			rejected, err := w.Write(ctx, warehousetest.Batch())
			if err == nil {
				t.Fatalf("Write succeeded, want a transient error")
			}
			if rejected != nil {
				t.Errorf("rejected = %v alongside a transient error, want nil", rejected)
			}
		})
	}
}

func TestLoadDivisionsReplaces(t *testing.T) {
	t.Parallel()
	conn, db := openWarehouse(t)
	ctx := context.Background()
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{Now: clock(time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC))})
	divs := warehousetest.Divisions()
	if err := w.LoadDivisions(ctx, divs); err != nil {
		t.Fatal(err)
	}
	divs[1].Name = "呼和浩特市（首府）"
	if err := w.LoadDivisions(ctx, divs); err != nil {
		t.Fatal(err)
	}
	if got := count(t, conn, "v_divisions"); got != uint64(len(divs)) {
		t.Errorf("v_divisions has %d rows after two loads, want %d", got, len(divs))
	}
	got := queryStrings(t, conn, "SELECT name, parent_code FROM v_divisions WHERE code = '1501'")
	if want := [][]string{{"呼和浩特市（首府）", "15"}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("division 1501 = %v, want %v", got, want)
	}
}

func TestColumnListsCoverTables(t *testing.T) {
	t.Parallel()
	conn, db := openWarehouse(t)
	for table, columns := range warehouse.ColumnLists() {
		var got []string
		for _, row := range queryStrings(t, conn, "SELECT name FROM system.columns WHERE database = ? AND table = ?", db, table) {
			got = append(got, row[0])
		}
		if !slices.Equal(got, columns) {
			t.Errorf("%s: table columns %v, writer inserts %v", table, got, columns)
		}
	}
}
