// Package chtest gives tests a real ClickHouse server and a fresh database,
// the way net/http/httptest gives them a server.
//
// The server is the one named by CLICKHOUSE_ADDR (host:port of the native
// protocol). A test never installs or starts one: scripts/test.sh does
// (scripts/clickhouse.sh) and sets CLICKHOUSE_ADDR. Without it a test that
// needs ClickHouse skips with one line saying so; with
// CASEWIRE_REQUIRE_SERVERS set (scripts/test.sh sets it) it fails instead, so
// CI never goes green by skipping.
package chtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// legacySettings are sent with every query to a server older than 19.1:
// ClickHouse 18.16 creates LowCardinality columns only with the first one.
// Current releases refuse it as an unknown setting, so it is not sent to them.
func legacySettings() clickhouse.Settings {
	return clickhouse.Settings{"allow_experimental_low_cardinality_type": 1}
}

// dropTimeout bounds the slowest statement a harness connection waits for.
const dropTimeout = 5 * time.Minute

// RequireServers names the setting that turns a missing server into a
// failure instead of a skip.
const RequireServers = "CASEWIRE_REQUIRE_SERVERS"

// Addr returns the native-protocol address of the test server (CLICKHOUSE_ADDR).
// With none configured it skips the test, or fails it when RequireServers is
// set.
func Addr(t testing.TB) string {
	t.Helper()
	if addr := strings.TrimSpace(os.Getenv("CLICKHOUSE_ADDR")); addr != "" {
		return addr
	}
	Missing(t, "CLICKHOUSE_ADDR is not set (scripts/test.sh starts a local ClickHouse and sets it)")
	return ""
}

// Missing ends a test that lacks a server or tool it needs: a skip with the
// reason, or a failure when RequireServers is set.
func Missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv(RequireServers) != "" {
		t.Fatal("chtest: " + why)
	}
	t.Skip("chtest: " + why)
}

// Open connects to the test server, creates a database that only this test
// uses and drops it when the test ends. The connection's default database is
// the new one, so unqualified table names resolve to it.
func Open(t testing.TB) (conn driver.Conn, database string) {
	t.Helper()
	addr := Addr(t)
	database = uniqueName(t.Name())

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := connect(ctx, addr, "default")
	if err != nil {
		t.Fatalf("chtest: connect to %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	if err := admin.Exec(ctx, "CREATE DATABASE `"+database+"`"); err != nil {
		t.Fatalf("chtest: create database %s: %v", database, err)
	}
	t.Cleanup(func() {
		// The test's context may be gone by now; dropping gets its own. On
		// 18.16 a drop waits for running merges: after a benchmark's load
		// that takes a minute or more.
		ctx, cancel := context.WithTimeout(context.Background(), dropTimeout)
		defer cancel()
		if err := admin.Exec(ctx, "DROP DATABASE IF EXISTS `"+database+"`"); err != nil {
			t.Errorf("chtest: drop database %s: %v", database, err)
		}
	})

	conn, err = connect(ctx, addr, database)
	if err != nil {
		t.Fatalf("chtest: connect to %s/%s: %v", addr, database, err)
	}
	// Registered after the drop, so it runs before it (cleanups are LIFO).
	t.Cleanup(func() { _ = conn.Close() })
	return conn, database
}

func connect(ctx context.Context, addr, database string) (driver.Conn, error) {
	conn, err := dial(ctx, addr, database, nil)
	if err != nil {
		return nil, err
	}
	v, err := conn.ServerVersion()
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("server version: %w", err)
	}
	if v.Version.Major >= 19 {
		return conn, nil
	}
	_ = conn.Close()
	return dial(ctx, addr, database, legacySettings())
}

func dial(ctx context.Context, addr, database string, settings clickhouse.Settings) (driver.Conn, error) {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Protocol:    clickhouse.Native,
		Addr:        []string{addr},
		Auth:        clickhouse.Auth{Database: database, Username: "default"},
		Settings:    settings,
		DialTimeout: 5 * time.Second,
		ReadTimeout: dropTimeout,
	})
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	if err := conn.Ping(ctx); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("ping: %w", err)
	}
	return conn, nil
}

// uniqueName makes a database name from the test's name and random bytes:
// readable in system.databases, unique across parallel tests and runs.
func uniqueName(testName string) string {
	var b strings.Builder
	b.WriteString("t_")
	for _, r := range strings.ToLower(testName) {
		if b.Len() >= 40 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	b.WriteByte('_')
	b.WriteString(hex.EncodeToString(suffix[:]))
	return b.String()
}
