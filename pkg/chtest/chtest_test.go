package chtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/chtest"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	var names []string
	for _, name := range []string{"first", "second"} {
		t.Run(name, func(t *testing.T) {
			conn, db := chtest.Open(t)
			ctx := context.Background()
			var current string
			if err := conn.QueryRow(ctx, "SELECT currentDatabase()").Scan(&current); err != nil {
				t.Fatalf("currentDatabase: %v", err)
			}
			if current != db {
				t.Errorf("currentDatabase() = %q, want %q", current, db)
			}
			if err := conn.Exec(ctx, "CREATE TABLE probe (x UInt8, s LowCardinality(String)) ENGINE = MergeTree() ORDER BY x"); err != nil {
				t.Fatalf("create table in fresh database: %v", err)
			}
			names = append(names, db)
		})
	}
	if len(names) != 2 || names[0] == names[1] {
		t.Fatalf("databases %v: want two distinct names", names)
	}

	// Both databases were dropped by the subtests' cleanups.
	conn, _ := chtest.Open(t)
	for _, db := range names {
		var n uint64
		if err := conn.QueryRow(context.Background(), "SELECT count() FROM system.databases WHERE name = ?", db).Scan(&n); err != nil {
			t.Fatalf("system.databases: %v", err)
		}
		if n != 0 {
			t.Errorf("database %s still exists after its test ended", db)
		}
	}
}

func TestUniqueNameIsValidIdentifier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		testName string
	}{
		{name: "plain", testName: "TestWrite"},
		{name: "subtest with spaces", testName: "TestWrite/replay the same batch"},
		{name: "chinese", testName: "TestCookbook/乌海市"},
		{name: "long", testName: strings.Repeat("x", 200)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := chtest.UniqueName(tt.testName)
			if len(got) > 60 {
				t.Errorf("UniqueName(%q) = %q: longer than 60", tt.testName, got)
			}
			for _, r := range got {
				if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
					t.Errorf("UniqueName(%q) = %q: character %q", tt.testName, got, r)
				}
			}
			if chtest.UniqueName(tt.testName) == got {
				t.Errorf("UniqueName(%q) twice gave the same name", tt.testName)
			}
		})
	}
}
