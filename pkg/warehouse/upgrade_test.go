package warehouse_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/warehouse"
	"github.com/casewire/casewire/pkg/warehouse/warehousetest"
)

// loadAsOlderRelease loads batch into db, whose schema an older release left
// (fewer columns, value not Nullable), as that release's writer would: the
// current writer loads it into a migrated scratch database and the rows are
// copied over, column by column of db's own tables. A NULL value becomes 0,
// as older writers stored it.
func loadAsOlderRelease(t *testing.T, conn driver.Conn, db string, batch []article.Extracted) {
	t.Helper()
	ctx := context.Background()
	src, srcDB := openWarehouse(t)
	w := warehouse.NewWriter(src, srcDB, warehouse.WriterOptions{Now: clock(time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC))})
	if rejected, err := w.Write(ctx, batch); err != nil || len(rejected) != 0 {
		t.Fatalf("Write: rejected %v, err %v", rejected, err)
	}
	for _, table := range []string{"facts", "entities", "articles"} {
		var cols, exprs []string
		for _, row := range queryStrings(t, conn, "SELECT name, type FROM system.columns WHERE database = ? AND table = ?", db, table) {
			cols = append(cols, row[0])
			expr := row[0]
			if !strings.HasPrefix(row[1], "Nullable") {
				expr = "assumeNotNull(ifNull(" + row[0] + ", 0))"
				if !strings.Contains(row[1], "Int") && !strings.Contains(row[1], "Float") {
					expr = row[0]
				}
			}
			exprs = append(exprs, expr)
		}
		q := fmt.Sprintf("INSERT INTO %s.%s (%s) SELECT %s FROM %s.%s", warehouse.QuoteIdent(db), table, strings.Join(cols, ", "),
			strings.Join(exprs, ", "), warehouse.QuoteIdent(srcDB), table)
		if err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("copy %s: %v", table, err)
		}
	}
}

// TestChangeOnlyFacts: a fact that states only a change is stored with a NULL
// value, keeps both forms of its change, and never reaches a sum, a latest
// rate or the statistics.
func TestChangeOnlyFacts(t *testing.T) {
	t.Parallel()
	conn, db := openWarehouse(t)
	ctx := context.Background()
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{Now: clock(time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC))})
	if rejected, err := w.Write(ctx, []article.Extracted{warehousetest.ChangeOnly()}); err != nil || len(rejected) != 0 {
		t.Fatalf("Write: rejected %v, err %v", rejected, err)
	}
	checkChangeOnly(t, conn)
}

// checkChangeOnly checks the views on warehousetest.ChangeOnly's facts.
func checkChangeOnly(t *testing.T, conn driver.Conn) {
	t.Helper()
	want := warehousetest.ChangeOnlyWant()
	for _, q := range warehousetest.ChangeOnlyQueries() {
		if got := queryStrings(t, conn, q); fmt.Sprint(got) != fmt.Sprint(want[q]) {
			t.Errorf("%s\n got  %v\n want %v", q, got, want[q])
		}
	}
}

// TestChangeOnlyFactsUpgrade: rows an older release wrote for a change alone
// (the change stored as the value, in the change's unit) lose their value in
// migration 0011, and the aggregates leave them out at once.
func TestChangeOnlyFactsUpgrade(t *testing.T) {
	t.Parallel()
	conn, db := chtest.Open(t)
	ctx := context.Background()
	if err := warehouse.MigrateTo(ctx, conn, db, 10); err != nil {
		t.Fatalf("migrate to 0010: %v", err)
	}
	old := warehousetest.ChangeOnly()
	old.Facts[0].Change.CountValue, old.Facts[0].Change.CountUnit = nil, ""
	old.Facts[1].Value, old.Facts[1].Unit = article.Num(-9.2), "%" // as extractors before 0011 wrote it
	loadAsOlderRelease(t, conn, db, []article.Extracted{old})
	if got := queryStrings(t, conn, "SELECT total, latest FROM v_facts_monthly WHERE unit = '%' AND indicator = '数量'"); len(got) != 1 {
		t.Fatalf("before the upgrade the change is a figure in v_facts_monthly: %v, the test proves nothing", got)
	}
	if err := warehouse.Migrate(ctx, conn, db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	// The aggregates leave the old row out at once; the mutation that clears
	// its value runs in the background.
	for _, c := range []struct {
		name, query string
		want        [][]string
	}{
		{"statistics", "SELECT subject, value FROM v_statistics ORDER BY subject", [][]string{{"案件", "80"}, {"火灾", "87"}}},
		{"monthly", "SELECT indicator, unit, total, latest FROM v_facts_monthly ORDER BY indicator", [][]string{{"接报", "起", "87", "87"}, {"破案率", "%", "NULL", "80"}}},
	} {
		if got := queryStrings(t, conn, c.query); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	want := "[[刑事警情 NULL  -9.2 % NULL ] [案件 80 % 0  NULL ] [火灾 87 起 -12.1 % NULL ]]"
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := fmt.Sprint(queryStrings(t, conn, "SELECT subject, value, unit, change_value, change_unit, change_count_value, change_count_unit FROM v_facts ORDER BY subject"))
		if got == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("v_facts after the upgrade: %s, want %s", got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
