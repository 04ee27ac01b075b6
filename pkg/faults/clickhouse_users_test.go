package faults

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/chconn"
	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/freeport"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/servicetest"
	"github.com/casewire/casewire/pkg/warehouse"
)

// startClickHouseWithUsers runs a ClickHouse server of the test's own whose
// users are deployments/clickhouse/users.xml, with these passwords, and, with
// a pki, a TLS native port (secure) serving the pki's server certificate.
// The server rereads usersFile when it changes.
func startClickHouseWithUsers(t *testing.T, passwords map[string]string, p *pki) (addr, secure, usersFile string) {
	t.Helper()
	if _, err := exec.LookPath("clickhouse-server"); err != nil {
		// With CLICKHOUSE_ADDR naming a remote server nothing may be
		// installed here; scripts/test.sh installs it.
		chtest.Missing(t, "clickhouse-server is not on PATH (scripts/clickhouse.sh installs it)")
	}
	root := servicetest.RepoRoot(t)
	users, err := os.ReadFile(filepath.Join(root, "deployments", "clickhouse", "users.xml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(users)
	for marker, pw := range passwords {
		sum := sha256.Sum256([]byte(pw))
		text = strings.ReplaceAll(text, marker, hex.EncodeToString(sum[:]))
	}
	dir := t.TempDir()
	ports := freeport.Some(t, 2)
	tcp, httpPort := ports[0], ports[1]
	for _, d := range []string{"data", "tmp", "user_files", "format_schemas", "log"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "users.xml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	tlsConfig := ""
	if p != nil {
		securePort := freeport.Get(t)
		secure = fmt.Sprintf("127.0.0.1:%d", securePort)
		cert := writeTestFile(t, dir, "server.pem", p.certPEM)
		key := writeTestFile(t, dir, "server-key.pem", p.keyPEM)
		tlsConfig = fmt.Sprintf(`<tcp_port_secure>%d</tcp_port_secure>
    <openSSL><server>
        <certificateFile>%s</certificateFile><privateKeyFile>%s</privateKeyFile>
        <verificationMode>none</verificationMode><loadDefaultCAFile>false</loadDefaultCAFile>
        <cacheSessions>true</cacheSessions><disableProtocols>sslv2,sslv3,tlsv1,tlsv1_1</disableProtocols>
        <preferServerCiphers>true</preferServerCiphers>
    </server></openSSL>`, securePort, cert, key)
	}
	cfg := fmt.Sprintf(`<?xml version="1.0"?>
<yandex>
    <logger><level>warning</level><log>%[1]s/log/server.log</log><errorlog>%[1]s/log/error.log</errorlog></logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>%[2]d</tcp_port>
    <http_port>%[3]d</http_port>
    <path>%[1]s/data/</path>
    <tmp_path>%[1]s/tmp/</tmp_path>
    <user_files_path>%[1]s/user_files/</user_files_path>
    <format_schema_path>%[1]s/format_schemas/</format_schema_path>
    <users_config>%[1]s/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mark_cache_size>268435456</mark_cache_size>
    %[4]s
</yandex>
`, dir, tcp, httpPort, tlsConfig)
	if err := os.WriteFile(filepath.Join(dir, "config.xml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "log", "stdout.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("clickhouse-server", "--config-file="+filepath.Join(dir, "config.xml"))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	ping := fmt.Sprintf("http://127.0.0.1:%d/ping", httpPort)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(ping); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case <-done:
			b, _ := os.ReadFile(filepath.Join(dir, "log", "error.log"))
			t.Fatalf("clickhouse-server with deployments/clickhouse/users.xml exited:\n%s", b)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("clickhouse-server did not answer within 60s")
		}
	}
	return fmt.Sprintf("127.0.0.1:%d", tcp), secure, filepath.Join(dir, "users.xml")
}

// TestClickHouseUsers proves deployments/clickhouse/users.xml on the server
// at hand: the load user migrates and writes casewire's database, also over
// TLS (the server's secure native port, a CA made in the test), the analyst
// reads it and can do nothing else, and wrong passwords, an unknown CA and
// plain connections to the TLS port are refused.
func TestClickHouseUsers(t *testing.T) {
	pki := newPKI(t)
	addr, secure, usersFile := startClickHouseWithUsers(t, map[string]string{
		"REPLACE_WITH_SHA256_OF_ADMIN_PASSWORD":   "admin-pw",
		"REPLACE_WITH_SHA256_OF_LOAD_PASSWORD":    "load-pw",
		"REPLACE_WITH_SHA256_OF_ANALYST_PASSWORD": "analyst-pw",
	}, pki)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	chCfg := func(user, pw string) config.ClickHouse {
		c := config.Default().ClickHouse
		c.Addr, c.User, c.Password, c.Database = addr, user, pw, "casewire"
		return c
	}

	// load: schema, divisions and an article, as the service does at start.
	cfg := config.Default()
	cfg.ClickHouse = chCfg("casewire_load", "load-pw")
	w, err := warehouse.Open(ctx, cfg, quietLog())
	if err != nil {
		t.Fatalf("load user cannot migrate its database: %v", err)
	}
	if rejected, err := w.Write(ctx, []article.Extracted{goldenExtracted(t)}); err != nil || len(rejected) > 0 {
		t.Fatalf("load user cannot write: %v %v", err, rejected)
	}
	admin, err := chconn.Open(ctx, chCfg("default", "admin-pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.Exec(ctx, "CREATE TABLE default.private (x UInt8) ENGINE = Memory"); err != nil {
		t.Fatal(err)
	}

	// Analysts' tools open casewire's database, the only one they may enter.
	analyst, err := openAs(ctx, addr, "casewire", "casewire_analyst", "analyst-pw")
	if err != nil {
		t.Fatalf("analyst cannot connect: %v", err)
	}
	defer analyst.Close()
	var n uint64
	if err := analyst.QueryRow(ctx, "SELECT count() FROM casewire.v_articles").Scan(&n); err != nil || n != 1 {
		t.Fatalf("analyst reads v_articles: %d, %v", n, err)
	}
	refused := []struct{ name, sql string }{
		{"insert", "INSERT INTO casewire.articles (article_id) VALUES ('x')"},
		{"create table", "CREATE TABLE casewire.mine (x UInt8) ENGINE = Memory"},
		{"drop view", "DROP TABLE casewire.v_articles"},
		{"alter delete", "ALTER TABLE casewire.articles DELETE WHERE 1"},
		{"other database", "SELECT count() FROM default.private"},
	}
	for _, r := range refused {
		t.Run("analyst refused/"+r.name, func(t *testing.T) {
			if err := analyst.Exec(ctx, r.sql); err == nil {
				t.Errorf("%s: allowed, want refused", r.sql)
			}
		})
	}
	clickHouseTLS(t, ctx, pki, secure, chCfg)
	loadWithoutDefault(t, ctx, addr, usersFile, chCfg)
	t.Run("analyst refused the default database", func(t *testing.T) {
		if conn, err := openAs(ctx, addr, "default", "casewire_analyst", "analyst-pw"); err == nil {
			conn.Close()
			t.Error("analyst entered database default")
		}
	})
	for _, c := range []struct{ name, user, pw string }{
		{"wrong password", "casewire_analyst", "guess"},
		{"no password", "casewire_load", ""},
	} {
		t.Run("refused/"+c.name, func(t *testing.T) {
			if conn, err := openAs(ctx, addr, "casewire", c.user, c.pw); err == nil {
				conn.Close()
				t.Errorf("%s connected", c.user)
			}
		})
	}
}

// loadWithoutDefault: once casewire's database exists, the load user needs
// no access to "default" (users.xml says it may be removed): with it gone,
// the service starts again and writes.
func loadWithoutDefault(t *testing.T, ctx context.Context, addr, usersFile string, chCfg func(user, pw string) config.ClickHouse) {
	t.Helper()
	t.Run("load confined to casewire", func(t *testing.T) {
		b, err := os.ReadFile(usersFile)
		if err != nil {
			t.Fatal(err)
		}
		const both = "<allow_databases><database>casewire</database><database>default</database></allow_databases>"
		if strings.Count(string(b), both) != 1 {
			t.Fatalf("users.xml no longer grants casewire_load %q: update this test", both)
		}
		confined := strings.Replace(string(b), both, "<allow_databases><database>casewire</database></allow_databases>", 1)
		if err := os.WriteFile(usersFile, []byte(confined), 0o644); err != nil {
			t.Fatal(err)
		}
		// The server rereads users.xml on its own within seconds.
		natstest.Eventually(t, 30*time.Second, "casewire_load refused entry to default", func() bool {
			conn, err := openAs(ctx, addr, "default", "casewire_load", "load-pw")
			if err == nil {
				conn.Close()
			}
			return err != nil
		})
		cfg := config.Default()
		cfg.ClickHouse = chCfg("casewire_load", "load-pw")
		w, err := warehouse.Open(ctx, cfg, quietLog())
		if err != nil {
			t.Fatalf("load confined to casewire cannot start: %v", err)
		}
		if rejected, err := w.Write(ctx, []article.Extracted{goldenExtracted(t)}); err != nil || len(rejected) > 0 {
			t.Fatalf("load confined to casewire cannot write: %v %v", err, rejected)
		}
	})
}

// clickHouseTLS is TestClickHouseUsers over the server's TLS port.
func clickHouseTLS(t *testing.T, ctx context.Context, p *pki, secure string, chCfg func(user, pw string) config.ClickHouse) {
	t.Helper()
	withTLS := func(tc config.TLS) config.ClickHouse {
		c := chCfg("casewire_load", "load-pw")
		c.Addr, c.TLS = secure, tc
		return c
	}
	t.Run("TLS: load writes through the secure port", func(t *testing.T) {
		cfg := config.Default()
		cfg.ClickHouse = withTLS(config.TLS{Enabled: true, CAFile: p.caFile})
		w, err := warehouse.Open(ctx, cfg, quietLog())
		if err != nil {
			t.Fatalf("load over TLS: %v", err)
		}
		x := goldenExtracted(t)
		x.ID, x.RawID = "tls-0", "tls"
		for i := range x.Facts {
			x.Facts[i].ID = "tls-0:" + x.Facts[i].ID
		}
		if rejected, err := w.Write(ctx, []article.Extracted{x}); err != nil || len(rejected) > 0 {
			t.Fatalf("write over TLS: %v %v", err, rejected)
		}
	})
	refused := []struct {
		name string
		cfg  config.ClickHouse
		says string
	}{
		{"TLS without the CA", withTLS(config.TLS{Enabled: true}), "certificate"},
		{"plain native protocol on the TLS port", withTLS(config.TLS{}), "handshake"},
	}
	for _, r := range refused {
		t.Run("TLS refused/"+r.name, func(t *testing.T) {
			c, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			conn, err := chconn.Open(c, r.cfg)
			if err == nil {
				err = conn.Ping(c)
				conn.Close()
			}
			if err == nil {
				t.Fatal("connected, want refused")
			}
			if !strings.Contains(err.Error(), r.says) {
				t.Errorf("error %q does not say %q", err, r.says)
			}
			t.Logf("refused: %v", err)
		})
	}
}

// goldenExtracted is the v1 contract's golden extracted article.
func goldenExtracted(t *testing.T) article.Extracted {
	t.Helper()
	golden, err := os.ReadFile(filepath.Join(servicetest.RepoRoot(t), "pkg", "article", "testdata", "v1", "extracted.json"))
	if err != nil {
		t.Fatal(err)
	}
	var x article.Extracted
	if err := article.Decode(golden, &x); err != nil {
		t.Fatal(err)
	}
	return x
}

// openAs connects as an analyst's tool would: straight into a database.
func openAs(ctx context.Context, addr, db, user, pw string) (driver.Conn, error) {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Protocol: clickhouse.Native, Addr: []string{addr},
		Auth:     clickhouse.Auth{Database: db, Username: user, Password: pw},
		Settings: chconn.LegacySettings(), DialTimeout: 5 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	if err := conn.Ping(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}
