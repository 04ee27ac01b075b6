package deploytest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/warehouse"
)

// TestRBACCoversMigrations: the load user runs the migrations at start, so
// rbac.sql must grant its role every kind of statement they hold (it cannot
// run here: ClickHouse 18.16 has no SQL access control).
func TestRBACCoversMigrations(t *testing.T) {
	text := string(readFile(t, deployments(t, "clickhouse", "rbac.sql")))
	g := regexp.MustCompile(`(?m)^GRANT (.+) ON casewire\.\* TO casewire_writer;`).FindStringSubmatch(text)
	if g == nil {
		t.Fatal("rbac.sql has no GRANT ... ON casewire.* TO casewire_writer")
	}
	granted := map[string]bool{}
	for _, p := range strings.Split(g[1], ",") {
		granted[strings.TrimSpace(p)] = true
	}
	needs := []struct {
		prefix, privilege string
	}{
		{"CREATE TABLE", "CREATE TABLE"},
		{"CREATE VIEW", "CREATE VIEW"},
		{"CREATE MATERIALIZED VIEW", "CREATE VIEW"},
		{"DROP TABLE", "DROP TABLE"},
		{"DROP VIEW", "DROP VIEW"},
		{"INSERT", "INSERT"},
		{"ALTER", "ALTER"},
	}
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		for _, raw := range m.Statements {
			stmt := stripComments(raw)
			matched := false
			for _, n := range needs {
				if strings.HasPrefix(stmt, n.prefix) {
					matched = true
					if !granted[n.privilege] {
						t.Errorf("migration %04d_%s runs %s, which rbac.sql does not grant casewire_writer", m.Version, m.Name, n.privilege)
					}
					break
				}
			}
			if !matched {
				t.Errorf("migration %04d_%s: statement kind not known to this test:\n%s", m.Version, m.Name, stmt)
			}
		}
	}
}
