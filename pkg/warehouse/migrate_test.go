package warehouse_test

import (
	"context"
	"slices"
	"testing"

	"github.com/casewire/casewire/pkg/warehouse"
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
		"v_articles", "v_divisions", "v_entities", "v_facts", "v_facts_monthly", "v_statistics"}
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
	for i, m := range migrations {
		if m.Version != uint32(i+1) {
			t.Errorf("migration %d is numbered %d: numbers must run 1, 2, 3 ...", i, m.Version)
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
