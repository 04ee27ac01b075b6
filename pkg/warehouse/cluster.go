package warehouse

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// LocalSuffix names the replicated table under each Distributed table of the
// cluster schema: articles_local under articles.
const LocalSuffix = "_local"

// ShardKeys shards every table of the cluster schema so that all rows of one
// article live on one shard: ReplacingMergeTree collapses duplicates only
// within a shard, and the views' FINAL and (article_id, version) IN filters
// then work shard-locally.
var ShardKeys = map[string]string{
	"schema_migrations": "version",
	"articles":          "cityHash64(article_id)",
	"facts":             "cityHash64(article_id)",
	"entities":          "cityHash64(article_id)",
	"divisions":         "cityHash64(code)",
	"fact_stats":        "cityHash64(article_id)",
}

var (
	createTable = regexp.MustCompile(`(?s)^CREATE TABLE IF NOT EXISTS \{db\}\.(\w+)\s*(\(.*\))\s*ENGINE = ReplacingMergeTree\(([^)]*)\)(.*)$`)
	createView  = regexp.MustCompile(`(?s)^CREATE VIEW IF NOT EXISTS \{db\}\.(\w+) AS(.*)$`)
	createMV    = regexp.MustCompile(`(?s)^CREATE MATERIALIZED VIEW IF NOT EXISTS \{db\}\.(\w+) TO \{db\}\.(\w+) AS(.*)$`)
	dropTable   = regexp.MustCompile(`^DROP TABLE IF EXISTS \{db\}\.(\w+)$`)
	insertInto  = regexp.MustCompile(`(?s)^INSERT INTO \{db\}\.(\w+) (.*)$`)
	alterTable  = regexp.MustCompile(`(?s)^ALTER TABLE \{db\}\.(\w+) (.*)$`)
	mutation    = regexp.MustCompile(`^(?:UPDATE|DELETE)\b`)
)

// stripComments drops the leading comment lines of a statement.
func stripComments(stmt string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stmt), "\n") {
		if len(out) == 0 && strings.HasPrefix(strings.TrimSpace(l), "--") {
			continue
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// ClusterMigrations turns the single-node migrations into their form for a
// sharded, replicated cluster named cluster: each table becomes a
// ReplicatedReplacingMergeTree <name>_local on every node (Keeper path
// /clickhouse/tables/{shard}/<db>/<name>_local, replica {replica}) and a
// Distributed <name> over it, with the same columns, keys and version
// column; views keep their text and read the Distributed tables;
// materialized views run on each node, from local table to local table.
// Writers and readers keep using the single-node names. Statements keep
// {db} in place. A statement with no cluster form is an error.
func ClusterMigrations(cluster string) ([]Migration, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	tables := map[string]bool{}
	out := make([]Migration, 0, len(ms))
	for _, m := range ms {
		cm := Migration{Version: m.Version, Name: m.Name}
		for _, raw := range m.Statements {
			stmt := stripComments(raw)
			switch {
			case createTable.MatchString(stmt):
				g := createTable.FindStringSubmatch(stmt)
				name, cols, ver, rest := g[1], g[2], strings.TrimSpace(g[3]), g[4]
				if _, ok := ShardKeys[name]; !ok {
					return nil, fmt.Errorf("migration %04d_%s: table %s has no shard key in warehouse.ShardKeys", m.Version, m.Name, name)
				}
				tables[name] = true
				args := fmt.Sprintf("'/clickhouse/tables/{shard}/{dbname}/%s%s', '{replica}'", name, LocalSuffix)
				if ver != "" {
					args += ", " + ver
				}
				cm.Statements = append(cm.Statements,
					fmt.Sprintf("CREATE TABLE IF NOT EXISTS {db}.%s%s ON CLUSTER %s\n%s\nENGINE = ReplicatedReplacingMergeTree(%s)%s",
						name, LocalSuffix, cluster, cols, args, strings.TrimRight(rest, "; \n")),
					distributed(name, cluster))
			case createMV.MatchString(stmt):
				g := createMV.FindStringSubmatch(stmt)
				body := g[3]
				for tb := range tables {
					body = regexp.MustCompile(`\{db\}\.`+tb+`\b`).ReplaceAllString(body, "{db}."+tb+LocalSuffix)
				}
				cm.Statements = append(cm.Statements, fmt.Sprintf("CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.%s ON CLUSTER %s TO {db}.%s%s AS%s",
					g[1], cluster, g[2], LocalSuffix, strings.TrimRight(body, "; \n")))
			case dropTable.MatchString(stmt):
				// A rebuilt table: its Distributed and local halves go.
				name := dropTable.FindStringSubmatch(stmt)[1]
				cm.Statements = append(cm.Statements, fmt.Sprintf("DROP TABLE IF EXISTS {db}.%s ON CLUSTER %s", name, cluster))
				if tables[name] {
					cm.Statements = append(cm.Statements, fmt.Sprintf("DROP TABLE IF EXISTS {db}.%s%s ON CLUSTER %s", name, LocalSuffix, cluster))
					delete(tables, name)
				}
			case alterTable.MatchString(stmt):
				// A changed column: on every node's local table, then the
				// Distributed table over them made anew with the new columns
				// (it holds no data: inserts are synchronous; and 18.16
				// refuses ALTER ... ON CLUSTER on a table that is not
				// replicated when the shards are). A mutation (UPDATE,
				// DELETE) changes the local data only.
				g := alterTable.FindStringSubmatch(stmt)
				name, rest := g[1], strings.TrimRight(g[2], "; \n")
				if !tables[name] {
					return nil, fmt.Errorf("migration %04d_%s alters %s, which is no table", m.Version, m.Name, name)
				}
				cm.Statements = append(cm.Statements, fmt.Sprintf("ALTER TABLE {db}.%s%s ON CLUSTER %s %s", name, LocalSuffix, cluster, rest))
				if !mutation.MatchString(rest) {
					cm.Statements = append(cm.Statements,
						fmt.Sprintf("DROP TABLE IF EXISTS {db}.%s ON CLUSTER %s", name, cluster),
						distributed(name, cluster))
				}
			case insertInto.MatchString(stmt):
				// A refill, through the Distributed tables: nothing on a new
				// cluster, the whole refill when it upgrades one.
				cm.Statements = append(cm.Statements, strings.TrimRight(stmt, "; \n"))
			case createView.MatchString(stmt):
				g := createView.FindStringSubmatch(stmt)
				cm.Statements = append(cm.Statements, fmt.Sprintf("CREATE VIEW IF NOT EXISTS {db}.%s ON CLUSTER %s AS%s", g[1], cluster, strings.TrimRight(g[2], "; \n")))
			default:
				return nil, fmt.Errorf("migration %04d_%s: no cluster form for statement:\n%s", m.Version, m.Name, stmt)
			}
		}
		out = append(out, cm)
	}
	return out, nil
}

// distributed creates the Distributed table name over name_local.
func distributed(name, cluster string) string {
	return fmt.Sprintf("CREATE TABLE IF NOT EXISTS {db}.%[1]s ON CLUSTER %[3]s AS {db}.%[1]s%[2]s\nENGINE = Distributed(%[3]s, {dbname}, %[1]s%[2]s, %[4]s)",
		name, LocalSuffix, cluster, ShardKeys[name])
}

// ClusterStatement fills in a cluster migration statement for database:
// {db} quoted as a table qualifier, {dbname} bare (Keeper paths and the
// Distributed engine's arguments).
func ClusterStatement(stmt, database string) string {
	return strings.NewReplacer("{db}", QuoteIdent(database), "{dbname}", database).Replace(stmt)
}

// MigrateCluster is Migrate for a ClickHouse cluster: it creates database on
// every node of cluster and applies, ON CLUSTER, the cluster form of the
// migrations the ledger (a Distributed schema_migrations) has not recorded.
// A cluster set up with deployments/clickhouse-cluster/schema.sql has them
// all recorded, and this does nothing and sends no ON CLUSTER statement.
func MigrateCluster(ctx context.Context, conn driver.Conn, database, cluster string) error {
	migrations, err := ClusterMigrations(cluster)
	if err != nil {
		return err
	}
	ctx, err = ddlContext(ctx, conn)
	if err != nil {
		return err
	}
	// Every ON CLUSTER statement waits for every node: with one node down a
	// loader would not start. Nothing to do is found without one.
	if applied, err := appliedVersions(ctx, conn, QuoteIdent(database)); err == nil && len(applied) > 0 {
		done := true
		for _, m := range migrations {
			done = done && applied[m.Version]
		}
		if done {
			return nil
		}
	}
	if err := conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+QuoteIdent(database)+" ON CLUSTER "+cluster); err != nil {
		return fmt.Errorf("create database %s on cluster %s: %w", database, cluster, err)
	}
	run := func(m Migration) error {
		for i, stmt := range m.Statements {
			if err := conn.Exec(ctx, ClusterStatement(stmt, database)); err != nil {
				return fmt.Errorf("migration %04d_%s statement %d on cluster %s: %w", m.Version, m.Name, i+1, cluster, err)
			}
		}
		return nil
	}
	if err := run(migrations[0]); err != nil {
		return err
	}
	db := QuoteIdent(database)
	applied, err := appliedVersions(ctx, conn, db)
	if err != nil {
		return err
	}
	for _, m := range migrations {
		if applied[m.Version] {
			continue
		}
		if err := run(m); err != nil {
			return err
		}
		if err := record(ctx, conn, db, m); err != nil {
			return fmt.Errorf("record migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}
