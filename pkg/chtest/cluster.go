package chtest

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ClusterEnv names the local ClickHouse cluster: the native addresses of its
// servers, comma separated, shard by shard, as scripts/clickhouse-cluster.sh
// start prints them. scripts/test.sh sets it.
const ClusterEnv = "CASEWIRE_CLUSTER"

// Cluster returns the cluster's addresses and holds the cluster for this test
// alone until it ends; without one configured the test ends as Missing says.
// The fault test stops servers and ZooKeeper, so the cluster tests of
// different packages (run in parallel by go test) take turns: the lock is a
// file named after the cluster's first address, locked with flock.
func Cluster(t testing.TB) []string {
	t.Helper()
	v := strings.TrimSpace(os.Getenv(ClusterEnv))
	if v == "" {
		Missing(t, ClusterEnv+" not set: no ClickHouse cluster (CASEWIRE_CLUSTER=$(scripts/clickhouse-cluster.sh start))")
	}
	addrs := strings.Split(v, ",")
	path := filepath.Join(os.TempDir(), "casewire-cluster-"+strings.NewReplacer(":", "_", "/", "_").Replace(addrs[0])+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatalf("cluster lock: %v", err)
	}
	start := time.Now()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("cluster lock %s: %v", path, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Logf("waited %v for the cluster (another package's cluster test)", d.Round(time.Millisecond))
	}
	t.Cleanup(func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
	return addrs
}
