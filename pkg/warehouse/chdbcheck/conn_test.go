//go:build chdb

package chdbcheck_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
	chdbpurego "github.com/chdb-io/chdb-go/chdb-purego"
)

// chdbConn lets the warehouse's Migrate and Writer, written against
// clickhouse-go's driver.Conn, run on chdb: Exec and Query run the statement,
// PrepareBatch collects rows and sends them as INSERT ... VALUES. Methods the
// warehouse does not call are left to the embedded nil interface.
type chdbConn struct {
	driver.Conn
	db chdbpurego.ChdbConn
}

func (c *chdbConn) run(query, format string) (string, error) {
	res, err := c.db.Query(query, format)
	if err != nil {
		return "", fmt.Errorf("chdb: %w", err)
	}
	if res == nil {
		return "", nil
	}
	defer res.Free()
	if err := res.Error(); err != nil {
		return "", fmt.Errorf("chdb: %w", err)
	}
	return res.String(), nil
}

// ServerVersion reports the engine's version, which Migrate reads to decide
// on settings.
func (c *chdbConn) ServerVersion() (*driver.ServerVersion, error) {
	rows, err := c.QueryStrings("SELECT version()")
	if err != nil {
		return nil, err
	}
	return &driver.ServerVersion{Name: "chdb", Version: proto.ParseVersion(rows[0][0])}, nil
}

func (c *chdbConn) Exec(_ context.Context, query string, args ...any) error {
	if len(args) > 0 {
		return errors.New("chdbConn: Exec with arguments is not supported")
	}
	_, err := c.run(query, "TabSeparated")
	return err
}

func (c *chdbConn) Query(_ context.Context, query string, args ...any) (driver.Rows, error) {
	if len(args) > 0 {
		return nil, errors.New("chdbConn: Query with arguments is not supported")
	}
	out, err := c.run(query, "TabSeparated")
	if err != nil {
		return nil, err
	}
	return &tsvRows{rows: splitTSV(out), at: -1}, nil
}

// QueryStrings runs a query and returns its rows as TabSeparated text cells.
func (c *chdbConn) QueryStrings(query string) ([][]string, error) {
	out, err := c.run(query, "TabSeparated")
	if err != nil {
		return nil, err
	}
	return splitTSV(out), nil
}

func splitTSV(out string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		cells := strings.Split(line, "\t")
		for i, c := range cells {
			if c == `\N` {
				cells[i] = "NULL" // as the 18.16 tests print a NULL
				continue
			}
			cells[i] = strings.NewReplacer(`\t`, "\t", `\n`, "\n", `\\`, `\`, `\'`, "'").Replace(c)
		}
		rows = append(rows, cells)
	}
	return rows
}

var insertColumns = regexp.MustCompile(`(?s)^INSERT INTO (\S+) \((.*)\)$`)

func (c *chdbConn) PrepareBatch(_ context.Context, query string, _ ...driver.PrepareBatchOption) (driver.Batch, error) {
	m := insertColumns.FindStringSubmatch(strings.TrimSpace(query))
	if m == nil {
		return nil, fmt.Errorf("chdbConn: batch query %q: want INSERT INTO t (columns)", query)
	}
	table := m[1]
	db, name, _ := strings.Cut(strings.ReplaceAll(table, "`", ""), ".")
	types, err := c.QueryStrings(fmt.Sprintf("SELECT name, type FROM system.columns WHERE database = '%s' AND table = '%s'", db, name))
	if err != nil {
		return nil, err
	}
	typeOf := map[string]string{}
	for _, r := range types {
		typeOf[r[0]] = r[1]
	}
	b := &valuesBatch{conn: c, query: query}
	for _, col := range strings.Split(m[2], ",") {
		b.types = append(b.types, typeOf[strings.TrimSpace(col)])
	}
	return b, nil
}

// valuesBatch is a driver.Batch that sends its rows as one INSERT ... VALUES.
type valuesBatch struct {
	driver.Batch
	conn  *chdbConn
	query string
	types []string
	rows  []string
	sent  bool
}

func (b *valuesBatch) Append(v ...any) error {
	if len(v) != len(b.types) {
		return fmt.Errorf("chdbConn: %d values for %d columns", len(v), len(b.types))
	}
	cells := make([]string, len(v))
	for i, x := range v {
		lit, err := literal(x, b.types[i])
		if err != nil {
			return fmt.Errorf("column %d: %w", i, err)
		}
		cells[i] = lit
	}
	b.rows = append(b.rows, "("+strings.Join(cells, ", ")+")")
	return nil
}

func (b *valuesBatch) Abort() error { b.sent = true; return nil }

func (b *valuesBatch) Send() error {
	if b.sent {
		return errors.New("chdbConn: batch already sent")
	}
	b.sent = true
	if len(b.rows) == 0 {
		return nil
	}
	_, err := b.conn.run(b.query+" VALUES "+strings.Join(b.rows, ", "), "TabSeparated")
	return err
}

// literal writes a Go value as a SQL literal for a column of type typ. Dates
// are sent as text, date-times as Unix seconds, so a column's time zone
// cannot shift them.
func literal(v any, typ string) (string, error) {
	switch x := v.(type) {
	case string:
		return quote(x), nil
	case time.Time:
		if strings.HasPrefix(typ, "Date") && !strings.HasPrefix(typ, "DateTime") {
			return quote(x.UTC().Format("2006-01-02")), nil
		}
		return strconv.FormatInt(x.Unix(), 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("non-finite %v", x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case *float64: // a Nullable(Float64) column: facts.value of a change alone
		if x == nil {
			return "NULL", nil
		}
		return literal(*x, typ)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32), nil
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = quote(s)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case []uint32:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = strconv.FormatUint(uint64(n), 10)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	}
	return "", fmt.Errorf("no literal for %T", v)
}

func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// tsvRows is driver.Rows over TabSeparated text, for the few scans Migrate
// makes.
type tsvRows struct {
	driver.Rows
	rows [][]string
	at   int
}

func (r *tsvRows) Next() bool   { r.at++; return r.at < len(r.rows) }
func (r *tsvRows) Err() error   { return nil }
func (r *tsvRows) Close() error { return nil }

func (r *tsvRows) Scan(dest ...any) error {
	row := r.rows[r.at]
	if len(dest) != len(row) {
		return fmt.Errorf("scan %d values into %d", len(row), len(dest))
	}
	for i, d := range dest {
		switch p := d.(type) {
		case *string:
			*p = row[i]
		case *uint32:
			n, err := strconv.ParseUint(row[i], 10, 32)
			if err != nil {
				return err
			}
			*p = uint32(n)
		case *uint64:
			n, err := strconv.ParseUint(row[i], 10, 64)
			if err != nil {
				return err
			}
			*p = n
		default:
			return fmt.Errorf("scan into %T not supported", d)
		}
	}
	return nil
}
