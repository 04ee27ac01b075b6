//go:build chdb

package chdbcheck_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/warehouse"
	"github.com/casewire/casewire/pkg/warehouse/warehousetest"
)

// TestCurrentClickHouse migrates, loads, replays and re-extracts on chdb's
// current engine and checks every view count and cookbook answer against the
// ones the 18.16 tests check.
func TestCurrentClickHouse(t *testing.T) {
	// chdb-go loaded libchdb.so from CHDB_LIB_PATH (or the system paths)
	// when the binary started, or the binary would not be running.
	db, err := openChdb(t.TempDir())
	if err != nil {
		t.Fatalf("open chdb: %v", err)
	}
	defer db.Close()
	conn := &chdbConn{db: db}
	ctx := context.Background()

	version, err := conn.ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ClickHouse engine %d.%d.%d (chdb)", version.Version.Major, version.Version.Minor, version.Version.Patch)
	// 18.16 needs allow_experimental_low_cardinality_type for LowCardinality
	// columns; current releases refuse it, so Migrate sends it only below 19.
	if err := conn.Exec(ctx, "SET allow_experimental_low_cardinality_type = 1"); err == nil {
		t.Logf("this engine accepts allow_experimental_low_cardinality_type")
	}

	const database = "default" // cookbook queries name tables without a database
	for i := range 2 {
		if err := warehouse.Migrate(ctx, conn, database); err != nil {
			t.Fatalf("Migrate run %d: %v", i+1, err)
		}
	}
	migrations, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	applied, err := conn.QueryStrings("SELECT count(DISTINCT version) FROM schema_migrations")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{itoa(len(migrations))}; !slices.Equal(applied[0], want) {
		t.Errorf("schema_migrations versions = %v, want %v", applied[0], want)
	}

	now := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	w := warehouse.NewWriter(conn, database, warehouse.WriterOptions{Now: func() time.Time {
		now = now.Add(time.Second)
		return now
	}})
	write := func(batch []article.Extracted) {
		t.Helper()
		rejected, err := w.Write(ctx, batch)
		if err != nil || len(rejected) != 0 {
			t.Fatalf("Write: %v, rejected %v", err, rejected)
		}
	}
	// The ingest clock starts at 2024-07-01 00:00:01 as in the 18.16 tests.
	now = now.Add(-time.Second)
	write(warehousetest.Batch())
	if err := w.LoadDivisions(ctx, warehousetest.Divisions()); err != nil {
		t.Fatal(err)
	}
	counts := func() []string {
		t.Helper()
		rows, err := conn.QueryStrings("SELECT (SELECT count() FROM v_articles), (SELECT count() FROM v_facts), " +
			"(SELECT count() FROM v_entities), (SELECT count() FROM v_statistics), (SELECT count() FROM v_facts_monthly)")
		if err != nil {
			t.Fatal(err)
		}
		return rows[0]
	}
	first := counts()
	write(warehousetest.Batch())
	if got := counts(); !slices.Equal(got, first) {
		t.Errorf("view counts after a replay = %v, want %v", got, first)
	}

	for _, q := range warehouse.Cookbook() {
		t.Run(q.Name, func(t *testing.T) {
			got, err := conn.QueryStrings(q.SQL)
			if err != nil {
				t.Fatalf("%s: %v", q.Name, err)
			}
			if q.Name == "facts-with-evidence" {
				if err := warehousetest.CheckEvidence(got); err != nil {
					t.Error(err)
				}
				return
			}
			want := warehousetest.CookbookWant()[q.Name]
			if q.Name == "feed-freshness" {
				// Loaded twice: the second load's clock is later.
				want = freshnessAfterSecondLoad(want)
			}
			if !warehousetest.MatchRows(got, want) {
				t.Errorf("%s returned\n%q\nwant\n%q", q.Name, got, want)
			}
		})
	}

	batch := warehousetest.Batch()
	newer := warehousetest.Reextract(batch)
	write([]article.Extracted{newer})
	write(batch) // the old extraction replayed after the new one
	got, err := conn.QueryStrings("SELECT indicator, value, extractor FROM v_facts WHERE article_id = '" + newer.ID + "' ORDER BY indicator, value")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"抓获", "57", "1.1.0"}, {"立案", "131", "1.1.0"}, {"立案同比", "-68.05", "1.1.0"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("facts of the re-extracted article = %v, want %v", got, want)
	}
	if got := counts(); got[1] != first[1] {
		t.Errorf("v_facts count after re-extraction = %s, want %s", got[1], first[1])
	}

	// A change stated alone: a NULL value, in no statistic and no sum.
	write([]article.Extracted{warehousetest.ChangeOnly()})
	changeWant := warehousetest.ChangeOnlyWant()
	for _, q := range warehousetest.ChangeOnlyQueries() {
		got, err := conn.QueryStrings(q)
		if err != nil {
			t.Fatal(err)
		}
		if !warehousetest.MatchRows(got, changeWant[q]) {
			t.Errorf("%s\n got  %q\n want %q", q, got, changeWant[q])
		}
	}
}

func freshnessAfterSecondLoad(want [][]string) [][]string {
	out := make([][]string, len(want))
	for i, r := range want {
		r = slices.Clone(r)
		r[3] = warehousetest.AnyValue
		out[i] = r
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
