package warehouse_test

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/warehouse"
)

// openWarehouse gives a test a fresh, migrated database.
func openWarehouse(t testing.TB) (driver.Conn, string) {
	t.Helper()
	conn, db := chtest.Open(t)
	if err := warehouse.Migrate(context.Background(), conn, db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return conn, db
}

// clock returns a Now that starts at start and moves a second per call, so
// that every load has its own version.
func clock(start time.Time) func() time.Time {
	next := start
	return func() time.Time {
		now := next
		next = next.Add(time.Second)
		return now
	}
}

// queryStrings runs a query and returns its rows with every value printed,
// for comparisons that do not care about types.
func queryStrings(t testing.TB, conn driver.Conn, query string, args ...any) [][]string {
	t.Helper()
	rows, err := conn.Query(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	var out [][]string
	for rows.Next() {
		dest := make([]any, len(types))
		for i, ct := range types {
			dest[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatalf("scan %q: %v", query, err)
		}
		row := make([]string, len(dest))
		for i, d := range dest {
			row[i] = printValue(reflect.ValueOf(d).Elem().Interface())
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("rows %q: %v", query, err)
	}
	return out
}

func printValue(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05")
	case *time.Time: // a Nullable date: v_facts_monthly.month
		if x == nil {
			return "NULL"
		}
		return x.UTC().Format("2006-01-02 15:04:05")
	case *float64:
		if x == nil {
			return "NULL"
		}
		return strconv.FormatFloat(*x, 'f', -1, 64)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func count(t testing.TB, conn driver.Conn, table string) uint64 {
	t.Helper()
	var n uint64
	if err := conn.QueryRow(context.Background(), "SELECT count() FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
