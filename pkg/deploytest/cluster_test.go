package deploytest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/chconn"
	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/warehouse"
	"github.com/casewire/casewire/pkg/warehouse/warehousetest"
)

// clusterDatabase creates, on every server of the cluster, a database that
// only this test uses, with the cluster schema as load applies it when
// clickhouse.cluster is set (warehouse.MigrateCluster: the statements of
// schema.sql for that database name and its own Keeper paths), and drops it
// when the test ends. It returns the configuration that points at it.
func clusterDatabase(t *testing.T, addrs []string) config.ClickHouse {
	t.Helper()
	var suffix [5]byte
	_, _ = rand.Read(suffix[:])
	db := "c_" + strings.ToLower(strings.NewReplacer("/", "_", "-", "_").Replace(t.Name()))
	if len(db) > 30 {
		db = db[:30]
	}
	db += "_" + hex.EncodeToString(suffix[:])
	cfg := config.Default().ClickHouse
	cfg.Addr = strings.Join(addrs, ",")
	cfg.Database = "default"

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, err := chconn.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("connect to the cluster %s: %v", cfg.Addr, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+db+" ON CLUSTER "+clusterName); err != nil {
			t.Errorf("drop database %s: %v", db, err)
		}
		_ = admin.Close()
	})
	start := time.Now()
	// As load does with clickhouse.cluster set.
	if err := warehouse.MigrateCluster(ctx, admin, db, clusterName); err != nil {
		t.Fatalf("migrate on cluster %s: %v", clusterName, err)
	}
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	// A read may reach the replica that has not fetched the newest records
	// yet (an insert returns once one replica of each shard holds it): poll.
	var recorded uint64
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		err := admin.QueryRow(ctx, "SELECT uniqExact(version) FROM "+db+".schema_migrations").Scan(&recorded)
		if err == nil && recorded == uint64(len(ms)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d migrations recorded on the cluster (%v), want %d", recorded, err, len(ms))
		}
	}
	t.Logf("cluster schema for %s applied in %v", db, time.Since(start).Round(time.Millisecond))
	cfg.Database = db
	return cfg
}

// openDB connects to addr (one server or several), database db.
func openDB(t *testing.T, cfg config.ClickHouse) driver.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := chconn.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("connect to %s/%s: %v", cfg.Addr, cfg.Database, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// rowStrings runs a query and returns its rows with every value printed.
func rowStrings(ctx context.Context, conn driver.Conn, query string) ([][]string, error) {
	rows, err := conn.Query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", query, err)
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
			return nil, fmt.Errorf("scan %q: %w", query, err)
		}
		row := make([]string, len(dest))
		for i, d := range dest {
			row[i] = printValue(reflect.ValueOf(d).Elem().Interface())
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rows %q: %w", query, err)
	}
	return out, nil
}

func printValue(v any) string {
	// Nullable columns scan into pointers.
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "NULL"
		}
		return printValue(rv.Elem().Interface())
	}
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func queryRows(t *testing.T, conn driver.Conn, query string) [][]string {
	t.Helper()
	rows, err := rowStrings(context.Background(), conn, query)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// sortedRows puts rows in a fixed order, for results whose query has none.
func sortedRows(rows [][]string) [][]string {
	out := slices.Clone(rows)
	slices.SortFunc(out, func(a, b []string) int { return slices.Compare(a, b) })
	return out
}

// viewNames lists the v_* views of a database.
func viewNames(t *testing.T, conn driver.Conn, db string) []string {
	t.Helper()
	var names []string
	for _, r := range queryRows(t, conn, "SELECT name FROM system.tables WHERE database = '"+db+"' AND engine = 'View' AND name LIKE 'v\\_%' ORDER BY name") {
		names = append(names, r[0])
	}
	return names
}

// shardPlacement reads, server by server, which articles each local table
// holds, and returns for every article the shards (1-based, in the order of
// addrs: replicas of one shard are next to each other) its rows are on.
func shardPlacement(t *testing.T, cfg config.ClickHouse, replicas int) map[string]map[int]bool {
	t.Helper()
	placed := map[string]map[int]bool{}
	for i, addr := range strings.Split(cfg.Addr, ",") {
		one := cfg
		one.Addr = addr
		conn := openDB(t, one)
		shard := i/replicas + 1
		for _, table := range []string{"articles_local", "facts_local", "entities_local", "fact_stats_local"} {
			for _, r := range queryRows(t, conn, "SELECT DISTINCT article_id FROM "+cfg.Database+"."+table) {
				if placed[r[0]] == nil {
					placed[r[0]] = map[int]bool{}
				}
				placed[r[0]][shard] = true
			}
		}
	}
	return placed
}

// clusterReplicas is the number of replicas per shard of the local cluster.
func clusterReplicas(t *testing.T, conn driver.Conn) int {
	t.Helper()
	rows := queryRows(t, conn, "SELECT max(replica_num) FROM system.clusters WHERE cluster = '"+clusterName+"'")
	n, err := strconv.Atoi(rows[0][0])
	if err != nil || n < 1 {
		t.Fatalf("cluster %s: replicas %q: %v", clusterName, rows[0][0], err)
	}
	return n
}

// syncReplicas waits until every replica of the database's replicated tables
// has fetched what its shard holds.
func syncReplicas(t *testing.T, cfg config.ClickHouse) {
	t.Helper()
	for _, addr := range strings.Split(cfg.Addr, ",") {
		one := cfg
		one.Addr = addr
		conn := openDB(t, one)
		for _, r := range queryRows(t, conn, "SELECT name FROM system.tables WHERE database = '"+cfg.Database+"' AND engine LIKE 'Replicated%'") {
			if err := conn.Exec(context.Background(), "SYSTEM SYNC REPLICA "+cfg.Database+"."+r[0]); err != nil {
				t.Fatalf("%s: sync replica %s: %v", addr, r[0], err)
			}
		}
	}
}

// TestClusterMatchesOneNode loads the same articles into one server and into
// the cluster (through the Distributed tables, twice, then a newer
// extraction of one article) and compares every v_* view and every cookbook
// query, query by query. It checks that all rows of an article sit on one
// shard, that both shards hold articles, and that the replicas of a shard
// hold the same rows.
func TestClusterMatchesOneNode(t *testing.T) {
	addrs := chtest.Cluster(t)
	ctx := context.Background()
	clusterCfg := clusterDatabase(t, addrs)
	cluster := openDB(t, clusterCfg)
	single, singleDB := chtest.Open(t)

	now := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	// A second per load, as in the warehouse's own cookbook test; each
	// target gets the same sequence of times.
	clock := func(start time.Time) func() time.Time {
		next := start
		return func() time.Time {
			t := next
			next = next.Add(time.Second)
			return t
		}
	}
	batch := warehousetest.Batch()
	targets := []struct {
		name string
		conn driver.Conn
		db   string
	}{
		{"one node", single, singleDB},
		{"cluster", cluster, clusterCfg.Database},
	}
	for _, tg := range targets {
		w := warehouse.NewWriter(tg.conn, tg.db, warehouse.WriterOptions{Now: clock(now)})
		migrate := func() error { return warehouse.Migrate(ctx, tg.conn, tg.db) }
		if tg.conn == cluster {
			// Again: all recorded, nothing sent.
			migrate = func() error { return warehouse.MigrateCluster(ctx, tg.conn, tg.db, clusterName) }
		}
		if err := migrate(); err != nil {
			t.Fatalf("%s: migrate: %v", tg.name, err)
		}
		for range 2 { // a redelivered batch
			if rejected, err := w.Write(ctx, batch); err != nil || len(rejected) != 0 {
				t.Fatalf("%s: write: %v, rejected %v", tg.name, err, rejected)
			}
		}
		if err := w.LoadDivisions(ctx, warehousetest.Divisions()); err != nil {
			t.Fatalf("%s: divisions: %v", tg.name, err)
		}
	}
	// No single-node table was created beside the Distributed ones.
	if rows := queryRows(t, cluster, "SELECT name, engine FROM system.tables WHERE database = '"+clusterCfg.Database+"' AND engine LIKE '%MergeTree' AND engine NOT LIKE 'Replicated%'"); len(rows) != 0 {
		t.Errorf("load's migration created single-node tables on the cluster: %v", rows)
	}

	compare := func(t *testing.T, phase string) {
		// An insert returns once one replica of each shard holds it; a read
		// may go to the other replica, which fetches the part a moment
		// later. Compare once every replica has it.
		syncReplicas(t, clusterCfg)
		views := viewNames(t, single, singleDB)
		if got := viewNames(t, cluster, clusterCfg.Database); !slices.Equal(got, views) {
			t.Errorf("%s: cluster views %v, one node %v", phase, got, views)
		}
		for _, v := range views {
			one := sortedRows(queryRows(t, single, "SELECT * FROM "+singleDB+"."+v))
			clu := sortedRows(queryRows(t, cluster, "SELECT * FROM "+clusterCfg.Database+"."+v))
			if len(one) == 0 {
				t.Errorf("%s: %s is empty on one node", phase, v)
			}
			if !slices.EqualFunc(one, clu, slices.Equal) {
				t.Errorf("%s: %s differs: one node %d rows, cluster %d rows\none node %q\ncluster  %q", phase, v, len(one), len(clu), one, clu)
			}
		}
		for _, q := range warehouse.Cookbook() {
			// Cookbook queries name tables without a database.
			one := queryRows(t, single, q.SQL)
			clu := queryRows(t, cluster, q.SQL)
			if !slices.EqualFunc(sortedRows(one), sortedRows(clu), slices.Equal) {
				t.Errorf("%s: cookbook %s differs:\none node %q\ncluster  %q", phase, q.Name, one, clu)
			}
		}
	}

	t.Run("loaded twice", func(t *testing.T) {
		compare(t, "loaded twice")
		var n uint64
		if err := cluster.QueryRow(ctx, "SELECT count() FROM "+clusterCfg.Database+".v_articles").Scan(&n); err != nil || n != uint64(len(batch)) {
			t.Errorf("v_articles on the cluster: %d rows (%v), want %d", n, err, len(batch))
		}
		// Against the answers worked out by hand, too.
		for _, q := range warehouse.Cookbook() {
			want, ok := warehousetest.CookbookWant()[q.Name]
			if !ok {
				continue
			}
			if got := queryRows(t, cluster, q.SQL); !warehousetest.MatchRows(got, want) {
				t.Errorf("cluster cookbook %s returned\n%q\nwant\n%q", q.Name, got, want)
			}
		}
	})

	t.Run("newer extraction", func(t *testing.T) {
		for _, tg := range targets {
			w := warehouse.NewWriter(tg.conn, tg.db, warehouse.WriterOptions{Now: clock(now.Add(time.Hour))})
			if rejected, err := w.Write(ctx, batchOf(warehousetest.Reextract(batch))); err != nil || len(rejected) != 0 {
				t.Fatalf("%s: write: %v, rejected %v", tg.name, err, rejected)
			}
		}
		compare(t, "newer extraction")
	})

	t.Run("placement", func(t *testing.T) {
		syncReplicas(t, clusterCfg)
		replicas := clusterReplicas(t, cluster)
		placed := shardPlacement(t, clusterCfg, replicas)
		shards := map[int]int{}
		for id, s := range placed {
			if len(s) != 1 {
				t.Errorf("article %s has rows on shards %v", id, s)
			}
			for sh := range s {
				shards[sh]++
			}
		}
		if len(placed) != len(batch) {
			t.Errorf("%d articles placed, want %d", len(placed), len(batch))
		}
		t.Logf("articles per shard: %v (%d replicas per shard)", shards, replicas)
		if len(shards) < 2 {
			t.Errorf("all articles on one shard: %v", shards)
		}
		// Each replica of a shard holds the same rows.
		for i := 0; i+replicas <= len(addrs); i += replicas {
			var first [][]string
			for r := range replicas {
				one := clusterCfg
				one.Addr = addrs[i+r]
				conn := openDB(t, one)
				got := queryRows(t, conn, "SELECT 'articles', count(), arraySort(groupUniqArray(article_id)) FROM "+clusterCfg.Database+".articles_local UNION ALL "+
					"SELECT 'facts', count(), arraySort(groupUniqArray(fact_id)) FROM "+clusterCfg.Database+".facts_local")
				got = sortedRows(got)
				if r == 0 {
					first = got
				} else if !slices.EqualFunc(got, first, slices.Equal) {
					t.Errorf("replica %s differs from %s:\n%q\n%q", addrs[i+r], addrs[i], got, first)
				}
			}
		}
	})
}

func batchOf[T any](xs ...T) []T { return xs }

// TestClusterLoadCost measures what ClickHouse spends to load articles on the
// cluster and on one server, when CASEWIRE_CLUSTER_COST names a number of
// articles (the warehouse fixtures repeated under new ids), e.g.
//
//	CASEWIRE_CLUSTER_COST=50000 go test -count=1 -v -run TestClusterLoadCost ./pkg/deploytest
//
// It reads the servers' CPU time from /proc: the cluster's processes from
// scripts/clickhouse-cluster.sh, the one server from scripts/clickhouse.sh's
// pid file, so both must run on this machine.
func TestClusterLoadCost(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("CASEWIRE_CLUSTER_COST"))
	if n <= 0 {
		t.Skip("CASEWIRE_CLUSTER_COST not set: the load cost measurement runs on demand")
	}
	addrs := chtest.Cluster(t)
	clusterCfg := clusterDatabase(t, addrs)
	cluster := openDB(t, clusterCfg)
	single, singleDB := chtest.Open(t)

	out, err := exec.Command(filepath.Join(repoRoot(t), "scripts", "clickhouse-cluster.sh"), "nodes").Output()
	if err != nil {
		t.Fatalf("clickhouse-cluster.sh nodes: %v", err)
	}
	var clusterPIDs []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[1] != "-" {
			clusterPIDs = append(clusterPIDs, f[1])
		}
	}
	pid, err := os.ReadFile(filepath.Join(repoRoot(t), ".data", "clickhouse", "server.pid"))
	if err != nil {
		t.Fatalf("no local single server (scripts/clickhouse.sh): %v", err)
	}
	singlePIDs := []string{strings.TrimSpace(string(pid))}

	batch := warehousetest.Batch()
	articles := make([]article.Extracted, 0, n)
	for i := 0; len(articles) < n; i++ {
		for _, a := range batch {
			a.ID = fmt.Sprintf("%s-%d", a.ID, i)
			a.RawID = fmt.Sprintf("%s-%d", a.RawID, i)
			a.Facts = slices.Clone(a.Facts)
			for j := range a.Facts {
				a.Facts[j].ID = fmt.Sprintf("%s-%d", a.Facts[j].ID, i)
			}
			articles = append(articles, a)
		}
	}
	articles = articles[:n]
	ctx := context.Background()
	for _, tg := range []struct {
		name string
		conn driver.Conn
		db   string
		pids []string
	}{
		{"one server", single, singleDB, singlePIDs},
		{"cluster 2x2", cluster, clusterCfg.Database, clusterPIDs},
	} {
		if tg.conn == single {
			if err := warehouse.Migrate(ctx, tg.conn, tg.db); err != nil {
				t.Fatal(err)
			}
		}
		w := warehouse.NewWriter(tg.conn, tg.db, warehouse.WriterOptions{})
		before := cpuTicks(t, tg.pids)
		start := time.Now()
		for i := 0; i < len(articles); i += 1000 {
			if rejected, err := w.Write(ctx, articles[i:min(i+1000, len(articles))]); err != nil || len(rejected) != 0 {
				t.Fatalf("%s: write: %v, rejected %v", tg.name, err, rejected)
			}
		}
		elapsed := time.Since(start)
		ticks := cpuTicks(t, tg.pids) - before
		t.Logf("%s: %d articles in %v (%.0f/s), ClickHouse processes %.2f s CPU, %.3f s per 1000 articles",
			tg.name, n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), float64(ticks)/100, float64(ticks)/100/float64(n)*1000)
	}
}

// cpuTicks sums user and system time, in clock ticks (1/100 s), of processes.
func cpuTicks(t *testing.T, pids []string) int64 {
	t.Helper()
	var sum int64
	for _, p := range pids {
		b, err := os.ReadFile("/proc/" + p + "/stat")
		if err != nil {
			t.Fatalf("process %s: %v", p, err)
		}
		// Fields after the command name, which is in parentheses.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
		for _, i := range []int{11, 12} { // utime, stime (fields 14, 15)
			v, err := strconv.ParseInt(f[i], 10, 64)
			if err != nil {
				t.Fatalf("process %s stat: %v", p, err)
			}
			sum += v
		}
	}
	return sum
}
