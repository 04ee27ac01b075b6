package warehouse_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/warehouse"
	"github.com/casewire/casewire/pkg/warehouse/warehousetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	conn, db := openWarehouse(t)
	ctx := context.Background()
	if err := warehouse.Migrate(ctx, conn, db); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	migrations, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := count(t, conn, "schema_migrations FINAL"), uint64(len(migrations)); got != want {
		t.Errorf("schema_migrations has %d rows after two runs, want %d", got, want)
	}
	var tables []string
	for _, row := range queryStrings(t, conn, "SELECT name FROM system.tables WHERE database = ? ORDER BY name", db) {
		tables = append(tables, row[0])
	}
	want := []string{"articles", "divisions", "entities", "fact_stats", "facts", "mv_fact_stats", "schema_migrations",
		"v_articles", "v_divisions", "v_entities", "v_facts", "v_facts_monthly", "v_statistics", "v_totals"}
	if !slices.Equal(tables, want) {
		t.Errorf("tables = %v, want %v", tables, want)
	}
}

func TestMigrationsAreNumbered(t *testing.T) {
	t.Parallel()
	migrations, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	// Numbers rise; a gap is allowed, as numbers are handed out to work
	// that lands in another order (0013 before 0010-0012).
	for i, m := range migrations {
		if i == 0 && m.Version != 1 || i > 0 && m.Version <= migrations[i-1].Version {
			t.Errorf("migration %d is numbered %d: numbers must rise from 1", i, m.Version)
		}
		if len(m.Statements) == 0 {
			t.Errorf("migration %04d_%s has no statements", m.Version, m.Name)
		}
	}
}

func TestSplitStatements(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want []string
	}{
		{name: "one", text: "SELECT 1;\n", want: []string{"SELECT 1"}},
		{name: "comments dropped", text: "-- title\nSELECT 1\nFROM t;\n-- more\n", want: []string{"SELECT 1\nFROM t"}},
		{name: "two", text: "CREATE TABLE a (x UInt8) ENGINE = Memory;\nCREATE VIEW v AS SELECT x FROM a;", want: []string{"CREATE TABLE a (x UInt8) ENGINE = Memory", "CREATE VIEW v AS SELECT x FROM a"}},
		{name: "no final semicolon", text: "SELECT 1", want: []string{"SELECT 1"}},
		{name: "semicolon inside a line kept", text: "SELECT ';' AS s;\n", want: []string{"SELECT ';' AS s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := warehouse.SplitStatements(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("SplitStatements(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestFactStatsRebuild upgrades a database an older release loaded (monthly
// fact_stats) to an unpartitioned fact_stats, alone and from several loaders
// at once: the
// dashboards' aggregate is the same after, and new loads still reach it.
func TestFactStatsRebuild(t *testing.T) {
	t.Parallel()
	for _, loaders := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("%d loaders", loaders), func(t *testing.T) {
			t.Parallel()
			conn, db := chtest.Open(t)
			ctx := context.Background()
			if err := warehouse.MigrateTo(ctx, conn, db, 8); err != nil {
				t.Fatalf("migrate to 0008: %v", err)
			}
			// This release's writer writes role and part_of: add them as 0010
			// does (0010 then finds them there, which must be harmless).
			for _, col := range []string{"role String DEFAULT ''", "part_of String DEFAULT ''"} {
				if err := conn.Exec(ctx, "ALTER TABLE "+warehouse.QuoteIdent(db)+".facts ADD COLUMN "+col); err != nil {
					t.Fatal(err)
				}
			}
			w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{Now: clock(time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC))})
			batch := warehousetest.Batch()
			loadAsOlderRelease(t, conn, db, batch[:4])
			monthly := "SELECT * FROM v_facts_monthly ORDER BY month, region_code, indicator, category, unit"
			before := queryStrings(t, conn, monthly)
			if len(before) == 0 {
				t.Fatal("v_facts_monthly is empty before the upgrade: the test proves nothing")
			}

			var wg sync.WaitGroup
			errs := make(chan error, loaders)
			for range loaders {
				wg.Go(func() { errs <- warehouse.Migrate(ctx, conn, db) })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("Migrate: %v", err)
				}
			}
			var create string
			if err := conn.QueryRow(ctx, "SHOW CREATE TABLE "+warehouse.QuoteIdent(db)+".fact_stats").Scan(&create); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(create, "PARTITION BY") {
				t.Errorf("fact_stats after the upgrade:\n%s", create)
			}
			if after := queryStrings(t, conn, monthly); !slices.EqualFunc(before, after, slices.Equal) {
				t.Errorf("v_facts_monthly changed in the upgrade:\n before %v\n after  %v", before, after)
			}

			// The rebuilt view is live: the rest of the batch reaches the aggregate
			// exactly as on a database created new.
			if rejected, err := w.Write(ctx, batch[4:]); err != nil || len(rejected) != 0 {
				t.Fatalf("Write: rejected %v, err %v", rejected, err)
			}
			fresh, freshDB := openWarehouse(t)
			fw := warehouse.NewWriter(fresh, freshDB, warehouse.WriterOptions{Now: clock(time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC))})
			if rejected, err := fw.Write(ctx, batch); err != nil || len(rejected) != 0 {
				t.Fatalf("Write: rejected %v, err %v", rejected, err)
			}
			if got, want := queryStrings(t, conn, monthly), queryStrings(t, fresh, monthly); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("v_facts_monthly of the upgraded database differs from a new one:\n got  %v\n want %v", got, want)
			}
		})
	}
}
