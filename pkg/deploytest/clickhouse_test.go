package deploytest

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/warehouse"
)

// The cluster variant of the schema: names it is generated with.
const (
	clusterName  = "casewire"
	clusterDB    = "casewire"
	localSuffix  = "_local"
	clusterFile  = "schema.sql"
	zkPathPrefix = "/clickhouse/tables/{shard}/"
)

var (
	createTable = regexp.MustCompile(`(?s)^CREATE TABLE IF NOT EXISTS \{db\}\.(\w+)\s*(\(.*\))\s*ENGINE = ReplacingMergeTree\(([^)]*)\)(.*)$`)
	createView  = regexp.MustCompile(`(?s)^CREATE VIEW IF NOT EXISTS \{db\}\.(\w+) AS(.*)$`)
	createMV    = regexp.MustCompile(`(?s)^CREATE MATERIALIZED VIEW IF NOT EXISTS \{db\}\.(\w+) TO \{db\}\.(\w+) AS(.*)$`)
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

// clusterSchema turns the single-node migrations into DDL for a sharded,
// replicated cluster: each table becomes a ReplicatedReplacingMergeTree
// <name>_local on every node and a Distributed <name> over it, with the
// same columns, keys and version column; views keep their text and read the
// Distributed tables; materialized views run on each node, from local table
// to local table. Writers and readers keep using the single-node names.
func clusterSchema(t *testing.T) []byte {
	t.Helper()
	return clusterSchemaFor(t, clusterDB)
}

// clusterSchemaFor is clusterSchema for database db (its Keeper paths
// included), so that tests can give each run a database of its own.
func clusterSchemaFor(t *testing.T, db string) []byte {
	t.Helper()
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `-- casewire schema for a ClickHouse cluster %[1]q: shards of replicated tables
-- (ReplicatedReplacingMergeTree, *%[3]s) behind Distributed tables with the
-- single-node names, so the loader, the views and the dashboards work
-- unchanged. Needs ClickHouse Keeper (or ZooKeeper), the macros {shard} and
-- {replica} on every node, and the casewire profile of users.d/casewire.xml
-- (distributed_product_mode = local, synchronous distributed inserts).
--
-- Generated from pkg/warehouse/migrations by
--   go test ./pkg/deploytest -run TestClusterSchema -update
-- and checked by the same test against those files.
--
--   clickhouse-client --multiquery < deployments/clickhouse-cluster/schema.sql
--
-- The last statement records every migration as applied, so a loader's
-- start-up migration finds nothing to do. Database %[2]q; for another name,
-- replace "%[2]s." throughout.

CREATE DATABASE IF NOT EXISTS %[2]s ON CLUSTER %[1]s;
`, clusterName, db, localSuffix)
	cms, err := warehouse.ClusterMigrations(clusterName)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range cms {
		fmt.Fprintf(&b, "\n-- %04d_%s\n", m.Version, m.Name)
		for _, stmt := range m.Statements {
			b.WriteString(strings.NewReplacer("{db}", db, "{dbname}", db).Replace(stmt) + ";\n")
			if strings.Contains(stmt, "ENGINE = ReplicatedReplacingMergeTree(") {
				b.WriteString("\n")
			}
		}
	}
	b.WriteString("\n-- Every migration above is applied.\n")
	// One line: clickhouse-client 18.16 reads an INSERT's VALUES only to the
	// end of the line.
	fmt.Fprintf(&b, "INSERT INTO %s.schema_migrations (version, name, applied_at) VALUES", db)
	for i, m := range ms {
		sep := ","
		if i == len(ms)-1 {
			sep = ";\n"
		}
		fmt.Fprintf(&b, " (%d, '%s', now())%s", m.Version, m.Name, sep)
	}
	return []byte(b.String())
}

// columns returns the column definitions of a CREATE TABLE's parenthesised
// list, one per line, whitespace normalised.
func columns(list string) []string {
	var out []string
	for _, l := range strings.Split(strings.Trim(strings.TrimSpace(list), "()"), "\n") {
		l = strings.TrimSuffix(strings.Join(strings.Fields(l), " "), ",")
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestClusterSchema(t *testing.T) {
	got := clusterSchema(t)
	golden(t, deployments(t, "clickhouse-cluster", clusterFile), got)

	// Independently of the generator: every single-node table has a local
	// twin with the same columns and keys, and a Distributed table of its
	// name; every view is there.
	text := string(readFile(t, deployments(t, "clickhouse-cluster", clusterFile)))
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	// A table rebuilt by a later migration is checked in its last form,
	// against the last of its creations in the file.
	final := map[string][]string{}
	var names []string
	for _, m := range ms {
		for _, raw := range m.Statements {
			if g := createTable.FindStringSubmatch(stripComments(raw)); g != nil {
				if final[g[1]] == nil {
					names = append(names, g[1])
				}
				final[g[1]] = g
			}
		}
	}
	for _, name := range names {
		g := final[name]
		t.Run(name, func(t *testing.T) {
			re := regexp.MustCompile(`(?s)CREATE TABLE IF NOT EXISTS ` + clusterDB + `\.` + name + localSuffix + ` ON CLUSTER ` + clusterName + `\n(\(.*?\n\))\nENGINE = ReplicatedReplacingMergeTree\('[^']*', '\{replica\}'(?:, (\w+))?\)(.*?);`)
			all := re.FindAllStringSubmatch(text, -1)
			if all == nil {
				t.Fatalf("no replicated %s%s", name, localSuffix)
			}
			lg := all[len(all)-1]
			if !slices.Equal(columns(lg[1]), columns(g[2])) {
				t.Errorf("%s%s columns differ from the single-node table:\n%v\n%v", name, localSuffix, columns(lg[1]), columns(g[2]))
			}
			if lg[2] != strings.TrimSpace(g[3]) {
				t.Errorf("%s version column %q, single node %q", name, lg[2], g[3])
			}
			if strings.Join(strings.Fields(lg[3]), " ") != strings.Join(strings.Fields(strings.TrimRight(g[4], "; \n")), " ") {
				t.Errorf("%s keys %q, single node %q", name, lg[3], g[4])
			}
			dist := fmt.Sprintf("CREATE TABLE IF NOT EXISTS %[1]s.%[2]s ON CLUSTER %[3]s AS %[1]s.%[2]s%[4]s\nENGINE = Distributed(%[3]s, %[1]s, %[2]s%[4]s, ", clusterDB, name, clusterName, localSuffix)
			if !strings.Contains(text, dist) {
				t.Errorf("no Distributed %s over %s%s", name, name, localSuffix)
			}
		})
	}
	for _, m := range ms {
		for _, raw := range m.Statements {
			stmt := stripComments(raw)
			if g := createView.FindStringSubmatch(stmt); g != nil && !strings.Contains(text, "CREATE VIEW IF NOT EXISTS "+clusterDB+"."+g[1]+" ON CLUSTER") {
				t.Errorf("view %s missing", g[1])
			}
			if g := createMV.FindStringSubmatch(stmt); g != nil && !strings.Contains(text, "CREATE MATERIALIZED VIEW IF NOT EXISTS "+clusterDB+"."+g[1]+" ON CLUSTER "+clusterName+" TO "+clusterDB+"."+g[2]+localSuffix) {
				t.Errorf("materialized view %s does not write to %s%s", g[1], g[2], localSuffix)
			}
		}
	}
	if strings.Contains(text, "{db}") {
		t.Errorf("schema.sql still holds {db}")
	}
	if n := strings.Count(text, "ReplacingMergeTree("); n != strings.Count(text, "ReplicatedReplacingMergeTree(") {
		t.Errorf("a table kept a non-replicated engine")
	}
}

// TestClusterConfig checks the server configuration shipped beside the
// schema: the cluster the DDL names exists, with replicas on Keeper, and the
// profile the views need.
func TestClusterConfig(t *testing.T) {
	type replica struct {
		Host string `xml:"host"`
		Port int    `xml:"port"`
	}
	type shard struct {
		InternalReplication bool      `xml:"internal_replication"`
		Replicas            []replica `xml:"replica"`
	}
	var cluster struct {
		XMLName xml.Name
		Remote  struct {
			Clusters []struct {
				XMLName xml.Name
				Shards  []shard `xml:"shard"`
			} `xml:",any"`
		} `xml:"remote_servers"`
		Keeper struct {
			Nodes []struct {
				Host string `xml:"host"`
				Port int    `xml:"port"`
			} `xml:"node"`
		} `xml:"zookeeper"`
		Macros struct {
			Shard   string `xml:"shard"`
			Replica string `xml:"replica"`
		} `xml:"macros"`
		DistributedDDL struct {
			Path string `xml:"path"`
		} `xml:"distributed_ddl"`
	}
	if err := xml.Unmarshal(readFile(t, deployments(t, "clickhouse-cluster", "config.d", "cluster.xml")), &cluster); err != nil {
		t.Fatalf("config.d/cluster.xml: %v", err)
	}
	if cluster.XMLName.Local != "clickhouse" {
		t.Errorf("root element %q, want clickhouse", cluster.XMLName.Local)
	}
	found := false
	for _, c := range cluster.Remote.Clusters {
		if c.XMLName.Local != clusterName {
			continue
		}
		found = true
		if len(c.Shards) < 1 {
			t.Errorf("cluster %s has no shards", clusterName)
		}
		for i, s := range c.Shards {
			// With Replicated tables the replicas replicate themselves; the
			// Distributed table must write to one replica only.
			if !s.InternalReplication {
				t.Errorf("shard %d: internal_replication must be true with Replicated tables", i+1)
			}
			if len(s.Replicas) < 2 {
				t.Errorf("shard %d has %d replicas, want at least 2", i+1, len(s.Replicas))
			}
			for _, r := range s.Replicas {
				if r.Host == "" || r.Port != 9000 {
					t.Errorf("shard %d replica %+v", i+1, r)
				}
			}
		}
	}
	if !found {
		t.Errorf("config.d/cluster.xml does not define cluster %q that schema.sql uses", clusterName)
	}
	if len(cluster.Keeper.Nodes) != 3 {
		t.Errorf("%d Keeper nodes, want 3 (a quorum survives one loss)", len(cluster.Keeper.Nodes))
	}
	if cluster.DistributedDDL.Path == "" {
		t.Errorf("no distributed_ddl: ON CLUSTER statements need it")
	}

	var macros struct {
		Macros struct {
			Shard   string `xml:"shard"`
			Replica string `xml:"replica"`
		} `xml:"macros"`
	}
	if err := xml.Unmarshal(readFile(t, deployments(t, "clickhouse-cluster", "config.d", "macros.xml")), &macros); err != nil {
		t.Fatalf("config.d/macros.xml: %v", err)
	}
	if macros.Macros.Shard == "" || macros.Macros.Replica == "" {
		t.Errorf("macros.xml must set shard and replica, got %+v", macros.Macros)
	}

	var users struct {
		Profiles struct {
			Default struct {
				ProductMode string `xml:"distributed_product_mode"`
				SyncInsert  int    `xml:"insert_distributed_sync"`
			} `xml:"default"`
		} `xml:"profiles"`
	}
	if err := xml.Unmarshal(readFile(t, deployments(t, "clickhouse-cluster", "users.d", "casewire.xml")), &users); err != nil {
		t.Fatalf("users.d/casewire.xml: %v", err)
	}
	// The views filter with (article_id, version) IN (SELECT ... FROM
	// articles): over Distributed tables that subquery must run shard-locally.
	if users.Profiles.Default.ProductMode != "local" {
		t.Errorf("distributed_product_mode = %q, want local", users.Profiles.Default.ProductMode)
	}
	// The loader acks only what is written: a Distributed insert must return
	// once the shards hold the rows.
	if users.Profiles.Default.SyncInsert != 1 {
		t.Errorf("insert_distributed_sync = %d, want 1", users.Profiles.Default.SyncInsert)
	}
}
