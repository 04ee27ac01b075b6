package warehouse_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/warehouse"
)

var analystsDoc = "ANALYSTS.md"

const cookbookMarker = "<!-- Generated from pkg/warehouse/cookbook: cd pkg && go test ./warehouse -run AnalystsDoc -update -->\n"

// cookbookSection renders the cookbook as the guide shows it.
func cookbookSection(queries []warehouse.Query) string {
	var b strings.Builder
	b.WriteString(cookbookMarker)
	for i, q := range queries {
		b.WriteString("\n")
		fmt.Fprintf(&b, "### %s\n\n`%02d-%s.sql` — %s\n\n```sql\n%s\n```\n", q.Title, i+1, q.Name, leadingComment(q.SQL), q.SQL)
	}
	return b.String()
}

// TestAnalystsDocCookbook keeps the guide's cookbook the cookbook files;
// -update rewrites it.
func TestAnalystsDocCookbook(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile(analystsDoc)
	if err != nil {
		t.Fatal(err)
	}
	head, _, ok := strings.Cut(string(text), cookbookMarker)
	if !ok {
		t.Fatalf("%s has no cookbook marker line %q", analystsDoc, cookbookMarker)
	}
	want := head + cookbookSection(warehouse.Cookbook())
	if *update {
		if err := os.WriteFile(analystsDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(text) != want {
		t.Errorf("%s's cookbook is not the cookbook files: run go test ./warehouse -run AnalystsDoc -update", analystsDoc)
	}
}

// TestAnalystsDocDictionary checks that the data dictionary has a section for
// every table and view and names every column.
func TestAnalystsDocDictionary(t *testing.T) {
	t.Parallel()
	conn, db := openWarehouse(t)
	text, err := os.ReadFile(analystsDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(text)
	columns := map[string][]string{}
	for _, r := range queryStrings(t, conn, "SELECT table, name FROM system.columns WHERE database = ?", db) {
		columns[r[0]] = append(columns[r[0]], r[1])
	}
	for _, r := range queryStrings(t, conn, "SELECT name FROM system.tables WHERE database = ?", db) {
		table := r[0]
		if strings.HasPrefix(table, ".inner") {
			continue
		}
		section, ok := docSection(doc, table)
		if !ok {
			t.Errorf("no section \"### `%s`\" in %s", table, analystsDoc)
			continue
		}
		described := table
		if _, rest, same := strings.Cut(section, "Same columns as `"); same {
			described, _, _ = strings.Cut(rest, "`")
			section, _ = docSection(doc, described)
		}
		for _, col := range columns[table] {
			if !strings.Contains(section, "`"+col+"`") {
				t.Errorf("%s: column %s of %s is not described (section of %s)", analystsDoc, col, table, described)
			}
		}
	}
}

func docSection(doc, table string) (string, bool) {
	_, rest, ok := strings.Cut(doc, "\n### `"+table+"`\n")
	if !ok {
		return "", false
	}
	if i := strings.Index(rest, "\n## "); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.Index(rest, "\n### "); i >= 0 {
		rest = rest[:i]
	}
	return rest, true
}
