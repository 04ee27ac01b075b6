package deploytest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/pipeline"
	"github.com/casewire/casewire/pkg/topology"
)

// worker is one service process started from its compose definition.
type worker struct {
	name string
	cmd  *exec.Cmd
	env  []string
	addr chan string // the bound metrics address, from the "serving" log line

	mu    sync.Mutex
	lines []string // stderr, one log record per line
	done  chan error
}

func (w *worker) logs() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.lines...)
}

// startWorker runs a service binary with its compose environment and
// command, pointed at the test's servers instead of the compose network.
func startWorker(t *testing.T, name string, svc map[string]any, overrides map[string]string, feed string) *worker {
	t.Helper()
	env := environment(t, svc)
	for k, v := range overrides {
		env[k] = v
	}
	var args []string
	if cmd, ok := svc["command"].([]any); ok {
		for _, a := range cmd {
			args = append(args, strings.ReplaceAll(a.(string), "/feed", feed))
		}
	}
	w := &worker{name: name, addr: make(chan string, 1), done: make(chan error, 1)}
	w.env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		w.env = append(w.env, k+"="+interpolate(v))
	}
	w.cmd = exec.Command(binary(t, name), args...)
	w.cmd.Env = w.env
	// An empty working folder, as in the image: nothing may be read from
	// the source tree at run time.
	w.cmd.Dir = t.TempDir()
	stderr, err := w.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			w.mu.Lock()
			w.lines = append(w.lines, line)
			w.mu.Unlock()
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "serving metrics and health" {
				w.addr <- rec["addr"].(string)
			}
		}
		w.done <- w.cmd.Wait()
	}()
	t.Cleanup(func() {
		if w.cmd.ProcessState == nil {
			_ = w.cmd.Process.Kill()
		}
	})
	return w
}

func httpGet(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestSingleNodeForReal runs the compose deployment's four workers as the
// static binaries the Dockerfile builds, with compose's environment and
// commands and the mounted deployments/casewire.yaml, against a JetStream
// and a ClickHouse server. The sample articles reach ClickHouse; every
// endpoint answers; the containers' healthcheck command passes; SIGTERM
// stops each cleanly; every log line is JSON and names its article.
func TestSingleNodeForReal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the four services")
	}
	services := composeServices(t, "compose.yaml")
	srv := natstest.Start(t)
	conn, db := chtest.Open(t)
	feed := t.TempDir()
	samples := []string{"001.txt", "002.txt", "003.txt", "004.txt", "005.txt"}
	for _, f := range samples {
		if err := os.WriteFile(filepath.Join(feed, f), readFile(t, deployments(t, "sample-feed", "articles", f)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	overrides := map[string]string{
		"CASEWIRE_CONFIG":              deployments(t, "casewire.yaml"),
		"CASEWIRE_NATS_URL":            srv.URL,
		"CASEWIRE_CLICKHOUSE_ADDR":     chtest.Addr(t),
		"CASEWIRE_CLICKHOUSE_USER":     "default",
		"CASEWIRE_CLICKHOUSE_PASSWORD": "",
		"CASEWIRE_CLICKHOUSE_DATABASE": db,
		"CASEWIRE_HTTP_ADDR":           "127.0.0.1:0",
	}
	workers := map[string]*worker{}
	addrs := map[string]string{}
	for _, name := range workerNames {
		workers[name] = startWorker(t, name, services[name], overrides, feed)
	}
	for _, name := range workerNames {
		select {
		case a := <-workers[name].addr:
			addrs[name] = "http://" + a
		case err := <-workers[name].done:
			t.Fatalf("%s exited: %v\n%s", name, err, strings.Join(workers[name].logs(), "\n"))
		case <-time.After(2 * time.Minute):
			t.Fatalf("%s did not serve its endpoint:\n%s", name, strings.Join(workers[name].logs(), "\n"))
		}
	}

	for _, name := range workerNames {
		natstest.Eventually(t, time.Minute, name+" /readyz answers 200", func() bool {
			code, _, err := httpGet(addrs[name] + "/readyz")
			return err == nil && code == http.StatusOK
		})
		if code, _, err := httpGet(addrs[name] + "/healthz"); err != nil || code != http.StatusOK {
			t.Errorf("%s /healthz: %d %v", name, code, err)
		}
		// The compose healthcheck, as the container runs it.
		probe := exec.Command(binary(t, name), "healthcheck")
		probe.Env = append(append([]string(nil), workers[name].env...), "CASEWIRE_HTTP_ADDR="+strings.TrimPrefix(addrs[name], "http://"))
		if out, err := probe.CombinedOutput(); err != nil {
			t.Errorf("%s healthcheck: %v\n%s", name, err, out)
		}
	}

	// Everything fetched is loaded: every extracted article is in v_articles.
	_, js := natstest.Connect(t, srv.URL)
	ctx := natstest.Context(t)
	msgs := func(stream string) uint64 {
		s, err := js.Stream(ctx, stream)
		if err != nil {
			return 0
		}
		info, err := s.Info(ctx)
		if err != nil {
			return 0
		}
		return info.State.Msgs
	}
	var articles uint64
	natstest.Eventually(t, 3*time.Minute, "the sample articles reach ClickHouse", func() bool {
		if msgs(topology.StreamRaw) < uint64(len(samples)) {
			return false
		}
		if idle, err := pipeline.Idle(ctx, js); err != nil || !idle {
			return false
		}
		if err := conn.QueryRow(ctx, fmt.Sprintf("SELECT count() FROM `%s`.v_articles", db)).Scan(&articles); err != nil {
			return false
		}
		return articles > 0 && articles == msgs(topology.StreamExtracted)
	})
	if dl, err := deadletter.Count(ctx, js); err != nil || len(dl) != 0 {
		t.Errorf("dead letters %v %v", dl, err)
	}

	metrics := []struct {
		name string
		want []string
	}{
		{name: "clean", want: []string{fmt.Sprintf(`casewire_messages_in_total{stage="clean"} %d`, len(samples)), `casewire_consumer_pending_messages{stage="clean"} 0`}},
		{name: "extract", want: []string{fmt.Sprintf(`casewire_facts_per_article_count{stage="extract"} %d`, articles), `casewire_consumer_pending_messages{stage="extract"} 0`}},
		{name: "load", want: []string{fmt.Sprintf(`casewire_messages_acked_total{stage="load"} %d`, articles), `casewire_batch_messages_count{stage="load"}`, `casewire_flush_seconds_count{stage="load"}`}},
		{name: "fetch", want: []string{"process_resident_memory_bytes"}},
	}
	for _, m := range metrics {
		t.Run("metrics of "+m.name, func(t *testing.T) {
			_, body, err := httpGet(addrs[m.name] + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range m.want {
				if !strings.Contains(body, w) {
					t.Errorf("/metrics lacks %s", w)
				}
			}
		})
	}

	// SIGTERM drains and exits 0, as a container stop or a rollout does.
	for _, name := range workerNames {
		w := workers[name]
		if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-w.done:
			if err != nil {
				t.Errorf("%s after SIGTERM: %v\n%s", name, err, strings.Join(w.logs(), "\n"))
			}
		case <-time.After(time.Minute):
			t.Errorf("%s did not stop within a minute of SIGTERM", name)
		}
		for _, line := range w.logs() {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Errorf("%s logged a line that is not JSON: %q", name, line)
				continue
			}
			if rec["service"] != name {
				t.Errorf("%s logged a line without service: %q", name, line)
			}
			if _, ok := rec["msg_id"]; ok {
				if id, _ := rec["article_id"].(string); id == "" {
					t.Errorf("%s logged a msg_id without article_id: %q", name, line)
				}
			}
		}
	}
}
