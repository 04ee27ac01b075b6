package chtest

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/freeport"
)

// Private is a ClickHouse server of the test's own, on its own ports and
// data folder, that the test may stop and start again (an outage) without
// touching the shared server.
type Private struct {
	Addr     string // native protocol host:port
	dir      string
	httpPort int
	cmd      *exec.Cmd
	done     chan struct{}
}

// StartPrivate starts a private server and stops it in t.Cleanup. It needs
// clickhouse-server on PATH (scripts/clickhouse.sh installs it).
func StartPrivate(t testing.TB) *Private {
	t.Helper()
	if _, err := exec.LookPath("clickhouse-server"); err != nil {
		Missing(t, fmt.Sprintf("a private server needs clickhouse-server on PATH (scripts/clickhouse.sh installs it): %v", err))
	}
	dir := t.TempDir()
	for _, d := range []string{"data", "tmp", "user_files", "format_schemas", "log"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ports := freeport.Some(t, 2)
	tcp := ports[0]
	p := &Private{dir: dir, httpPort: ports[1]}
	p.Addr = fmt.Sprintf("127.0.0.1:%d", tcp)
	users := `<?xml version="1.0"?>
<yandex>
    <profiles><default/></profiles>
    <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
    <quotas><default/></quotas>
</yandex>
`
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
</yandex>
`, dir, tcp, p.httpPort)
	for name, text := range map[string]string{"users.xml": users, "config.xml": cfg} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(p.Stop)
	p.Start(t)
	return p
}

// Start starts the server (again) and waits until it answers.
func (p *Private) Start(t testing.TB) {
	t.Helper()
	logf, err := os.OpenFile(filepath.Join(p.dir, "log", "stdout.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("clickhouse-server", "--config-file="+filepath.Join(p.dir, "config.xml"))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(done) }()
	p.cmd, p.done = cmd, done
	ping := fmt.Sprintf("http://127.0.0.1:%d/ping", p.httpPort)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(ping); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-done:
			b, _ := os.ReadFile(filepath.Join(p.dir, "log", "error.log"))
			t.Fatalf("chtest: private clickhouse-server exited:\n%s", b)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("chtest: private clickhouse-server did not answer within 60s")
		}
	}
}

// Kill stops the server at once (SIGKILL), as a crash would, and waits
// until it has exited.
func (p *Private) Kill() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	p.cmd = nil
}

// Stop stops the server politely (SIGTERM, then SIGKILL after 20 s).
func (p *Private) Stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.cmd = nil
}
