package warehouse

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

//go:embed cookbook/*.sql
var cookbookFS embed.FS

// Query is one cookbook question: Name is the file's name without number
// and extension ("filings-by-region-month"), Title the file's first comment
// line, SQL the rest of the file without its final semicolon. Table names are
// unqualified: run a query on a connection whose default database is the
// warehouse's.
type Query struct {
	Name  string
	Title string
	SQL   string
}

var cookbookFile = regexp.MustCompile(`^(\d{2})-([a-z0-9-]+)\.sql$`)

// Cookbook returns the analysts' cookbook queries in file order. The files
// are part of the binary and checked by tests, so an error here is a build
// defect; it panics rather than make every caller handle it.
func Cookbook() []Query {
	qs, err := readCookbook(cookbookFS)
	if err != nil {
		panic(err)
	}
	return qs
}

func readCookbook(fsys fs.FS) ([]Query, error) {
	entries, err := fs.ReadDir(fsys, "cookbook")
	if err != nil {
		return nil, fmt.Errorf("read cookbook: %w", err)
	}
	var out []Query
	for _, e := range entries { // ReadDir sorts by name: the numbers order them
		m := cookbookFile.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("cookbook file %q: want NN-name.sql", e.Name())
		}
		if want := fmt.Sprintf("%02d", len(out)+1); m[1] != want {
			return nil, fmt.Errorf("cookbook file %q: numbers must run 01, 02, ...; want %s", e.Name(), want)
		}
		text, err := fs.ReadFile(fsys, path.Join("cookbook", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read cookbook %s: %w", e.Name(), err)
		}
		first, rest, _ := strings.Cut(string(text), "\n")
		if !strings.HasPrefix(first, "-- ") {
			return nil, fmt.Errorf("cookbook %s: first line must be \"-- Title\"", e.Name())
		}
		sql := strings.TrimSuffix(strings.TrimSpace(rest), ";")
		if strings.Contains(sql, ";") && len(SplitStatements(sql)) != 1 {
			return nil, fmt.Errorf("cookbook %s: one statement per file", e.Name())
		}
		out = append(out, Query{Name: m[2], Title: strings.TrimSpace(strings.TrimPrefix(first, "-- ")), SQL: sql})
	}
	return out, nil
}
