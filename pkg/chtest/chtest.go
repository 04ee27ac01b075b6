// Package chtest gives tests a real ClickHouse server and a fresh database,
// the way net/http/httptest gives them a server.
//
// The server is the one named by CLICKHOUSE_ADDR (host:port of the native
// protocol) or, when that is unset, the repository's local server, which
// scripts/clickhouse.sh installs and starts once per test binary and leaves
// running for the next run (scripts/clickhouse.sh stop stops it). A test that
// cannot get a server fails: integration tests must not silently skip in CI.
package chtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// server is started at most once per test binary: starting is idempotent but
// takes a shell-out per call, and every test of a run shares the one server.
var server struct {
	once sync.Once
	addr string
	err  error
}

// Addr returns the native-protocol address of the test server, starting the
// local one if needed. It fails the test when no server can be had.
func Addr(t testing.TB) string {
	t.Helper()
	server.once.Do(func() { server.addr, server.err = resolveAddr() })
	if server.err != nil {
		t.Fatalf("chtest: no ClickHouse server: %v (set CLICKHOUSE_ADDR or make scripts/clickhouse.sh start work)", server.err)
	}
	return server.addr
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

// resolveAddr takes CLICKHOUSE_ADDR as given, or starts the local server.
func resolveAddr() (string, error) {
	if addr := strings.TrimSpace(os.Getenv("CLICKHOUSE_ADDR")); addr != "" {
		return addr, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	script := filepath.Join(root, "scripts", "clickhouse.sh")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a first run installs the package
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script, "start")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s start: %w: %s", script, err, strings.TrimSpace(stderr.String()))
	}
	addr := strings.TrimSpace(string(out))
	if i := strings.LastIndexByte(addr, '\n'); i >= 0 {
		addr = addr[i+1:]
	}
	if addr == "" {
		return "", fmt.Errorf("%s start printed no address", script)
	}
	return addr, nil
}

// repoRoot walks up from the working directory (a package's folder under
// go test) to the folder holding go.work.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("look for go.work: %w", err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.work not found above the working directory")
		}
		dir = parent
	}
}
