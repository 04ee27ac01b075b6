package warehouse

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one numbered schema step: a file migrations/NNNN_name.sql.
type Migration struct {
	Version    uint32
	Name       string
	Statements []string // with {db} still in place
}

var migrationFile = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		m := migrationFile.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration file %q: want NNNN_name.sql", e.Name())
		}
		v, _ := strconv.ParseUint(m[1], 10, 32)
		text, err := migrationFS.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		out = append(out, Migration{Version: uint32(v), Name: m[2], Statements: SplitStatements(string(text))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("two migrations numbered %d", out[i].Version)
		}
	}
	return out, nil
}

// SplitStatements splits SQL text into statements at semicolons that end a
// line, dropping comment-only lines. Migrations and cookbook files keep to
// that layout; the driver runs one statement per call.
func SplitStatements(text string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// QuoteIdent quotes a database or table name for ClickHouse.
func QuoteIdent(name string) string {
	return "`" + strings.NewReplacer("\\", "\\\\", "`", "\\`").Replace(name) + "`"
}

// ddlContext adds, for servers older than 19.1, the setting ClickHouse 18.16
// needs to create LowCardinality columns. Current releases refuse it as an
// unknown setting, so it is sent only where it is needed.
func ddlContext(ctx context.Context, conn driver.Conn) (context.Context, error) {
	v, err := conn.ServerVersion()
	if err != nil {
		return nil, fmt.Errorf("server version: %w", err)
	}
	if v.Version.Major >= 19 {
		return ctx, nil
	}
	return clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{
		"allow_experimental_low_cardinality_type": 1,
	})), nil
}

// Migrate applies the migrations database has not recorded yet, in order,
// recording each in schema_migrations. Running it again, or from two loaders
// at once, is harmless: statements are CREATE ... IF NOT EXISTS, except where
// a derived table is rebuilt (0009): dropped, created anew and refilled from
// its source. Each loader repeats such a migration until a run of its own
// completes, and the last complete run leaves the table whole.
// The database must exist.
func Migrate(ctx context.Context, conn driver.Conn, database string) error {
	return migrateTo(ctx, conn, database, math.MaxUint32)
}

// migrateTo is Migrate stopping after version upTo.
func migrateTo(ctx context.Context, conn driver.Conn, database string, upTo uint32) error {
	migrations, err := Migrations()
	if err != nil {
		return err
	}
	ctx, err = ddlContext(ctx, conn)
	if err != nil {
		return err
	}
	db := QuoteIdent(database)
	// The ledger itself is migration 1; create it first so it can be read.
	if err := execAll(ctx, conn, db, migrations[0]); err != nil {
		return err
	}
	applied, err := appliedVersions(ctx, conn, db)
	if err != nil {
		return err
	}
	for _, m := range migrations {
		if applied[m.Version] || m.Version > upTo {
			continue
		}
		if err := execRetrying(ctx, conn, db, m); err != nil {
			return err
		}
		if err := record(ctx, conn, db, m); err != nil {
			return fmt.Errorf("record migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

// migrateAttempts bounds the complete runs of one migration.
const migrateAttempts = 8

// execRetrying runs a migration until one run of it completes. Another
// loader running the same rebuild can drop a table between two of this
// run's statements; the migration is written so that the last complete run
// leaves the schema whole, so this run starts over rather than stop halfway.
func execRetrying(ctx context.Context, conn driver.Conn, db string, m Migration) error {
	for attempt := 1; ; attempt++ {
		err := execAll(ctx, conn, db, m)
		if err == nil || attempt == migrateAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (then: %w)", err, ctx.Err())
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
}

func execAll(ctx context.Context, conn driver.Conn, db string, m Migration) error {
	for i, stmt := range m.Statements {
		if err := conn.Exec(ctx, strings.ReplaceAll(stmt, "{db}", db)); err != nil && !columnAdded(stmt, err) {
			return fmt.Errorf("migration %04d_%s statement %d: %w", m.Version, m.Name, i+1, err)
		}
	}
	return nil
}

func appliedVersions(ctx context.Context, conn driver.Conn, db string) (map[uint32]bool, error) {
	rows, err := conn.Query(ctx, "SELECT DISTINCT version FROM "+db+".schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[uint32]bool{}
	for rows.Next() {
		var v uint32
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("scan schema_migrations: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return applied, nil
}

// record notes a migration as applied. It goes through a native batch: an
// INSERT ... VALUES with bound arguments stalls on ClickHouse 18.16.
func record(ctx context.Context, conn driver.Conn, db string, m Migration) error {
	b, err := conn.PrepareBatch(ctx, "INSERT INTO "+db+".schema_migrations (version, name, applied_at)")
	if err != nil {
		return err
	}
	if err := b.Append(m.Version, m.Name, time.Now().UTC().Truncate(time.Second)); err != nil {
		_ = b.Abort()
		return err
	}
	return b.Send()
}

// columnExists is ClickHouse's ILLEGAL_COLUMN, which ADD COLUMN returns when
// the column is there already.
const columnExists = 44

// columnAdded tells an ADD COLUMN that failed because an earlier run of its
// migration added the column: ClickHouse 18.16 has no ADD COLUMN IF NOT
// EXISTS, and the rerun must be harmless like every other statement's.
func columnAdded(stmt string, err error) bool {
	var ex *clickhouse.Exception
	return strings.Contains(stmt, " ADD COLUMN ") && errors.As(err, &ex) && ex.Code == columnExists
}
