package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/chconn"
	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/connect"
)

// outage is how long TestOperatorsDay keeps ClickHouse down: 3 s by default
// so CI stays fast; CASEWIRE_TEST_OUTAGE=60s measures the minute.
func outage(t *testing.T) time.Duration {
	v := os.Getenv("CASEWIRE_TEST_OUTAGE")
	if v == "" {
		return 3 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("CASEWIRE_TEST_OUTAGE: %v", err)
	}
	return d
}

// casewire runs the CLI in-process as an operator types it.
func casewire(ctx context.Context, args ...string) (string, error) {
	var out bytes.Buffer
	cmd := rootCommand()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	return out.String(), err
}

// poll calls cond every 20 ms until it holds or timeout passes.
func poll(t *testing.T, timeout time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > timeout {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// TestToolsFailFastWithoutPipeline: with nothing listening, status and dlq
// fail within seconds and say which URL they tried and what to set.
func TestToolsFailFastWithoutPipeline(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("CASEWIRE_CONFIG", "")
	t.Setenv("NATS_URL", "nats://127.0.0.1:1")
	for _, args := range [][]string{{"status", "--no-clickhouse"}, {"dlq", "list"}} {
		start := time.Now()
		_, err := casewire(context.Background(), args...)
		took := time.Since(start)
		if err == nil {
			t.Fatalf("%v: no error without a server", args)
		}
		for _, want := range []string{"nats://127.0.0.1:1", "nats.url"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%v: error %q does not name %q", args, err, want)
			}
		}
		if took > 6*time.Second {
			t.Errorf("%v: failed after %s, want within seconds", args, took)
		}
	}
}

// TestOperatorsDay runs casewire run on a ClickHouse of the test's own and
// checks what an operator relies on: status and dlq find the run with no
// flags; /readyz turns 503 within a second of ClickHouse stopping; what
// arrived during the outage is in ClickHouse within 5 s of its return.
func TestOperatorsDay(t *testing.T) {
	feedSrc, err := os.ReadFile("testdata/feed/seed-nmg-police-page.txt")
	if err != nil {
		t.Fatal(err)
	}
	ch := chtest.StartPrivate(t)
	dir := t.TempDir()
	feed := filepath.Join(dir, "feed")
	if err := os.MkdirAll(feed, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(feed, "a.txt"), feedSrc, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv("CASEWIRE_CONFIG", "")
	t.Setenv("NATS_URL", "")
	t.Setenv("CLICKHOUSE_ADDR", ch.Addr)

	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() {
		// A free port rather than the default 4222: tests run side by side.
		_, err := casewire(ctx, "run", "--set", "nats.listen=127.0.0.1:0", "--set", "http.addr=127.0.0.1:0",
			"--set", "log.level=error", "--set", "load.batch_wait=100ms", "--set", "fetch.watch_interval=200ms", feed)
		ran <- err
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-ran; err != nil {
			t.Errorf("casewire run: %v", err)
		}
	})
	var st connect.RunState
	poll(t, 90*time.Second, "casewire run writes its address", func() bool {
		select {
		case err := <-ran:
			t.Fatalf("casewire run stopped: %v", err)
		default:
		}
		var ok bool
		st, ok = connect.ReadRunState(config.Default().NATS)
		return ok
	})
	conn, err := chconn.Open(ctx, config.ClickHouse{Addr: ch.Addr, Database: "casewire", User: "default", DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	articles := func() uint64 {
		var n uint64
		if err := conn.QueryRow(ctx, "SELECT count() FROM casewire.v_articles").Scan(&n); err != nil {
			return 0
		}
		return n
	}
	// The seed page is three articles (see TestRunOnce); its copy three more.
	const first = 3
	poll(t, 60*time.Second, "the feed reaches ClickHouse", func() bool { return articles() == first })

	t.Run("status and dlq find the run", func(t *testing.T) {
		out, err := casewire(ctx, "status")
		if err != nil {
			t.Fatalf("status: %v\n%s", err, out)
		}
		for _, want := range []string{"fetch", "clean", "load", "ClickHouse " + ch.Addr} {
			if !strings.Contains(out, want) {
				t.Errorf("status lacks %q:\n%s", want, out)
			}
		}
		out, err = casewire(ctx, "dlq", "list")
		if err != nil || !strings.Contains(out, "0 dead letters") {
			t.Errorf("dlq list: %v\n%s", err, out)
		}
	})

	ready := func() int {
		rctx, rcancel := context.WithTimeout(ctx, 3*time.Second)
		defer rcancel()
		req, _ := http.NewRequestWithContext(rctx, http.MethodGet, "http://"+st.HTTPAddr+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	if code := ready(); code != http.StatusOK {
		t.Fatalf("/readyz %d before the outage", code)
	}
	ch.Kill()
	down := time.Now()
	took := poll(t, 5*time.Second, "/readyz 503 once ClickHouse stopped", func() bool { return ready() == http.StatusServiceUnavailable })
	t.Logf("/readyz 503 %s after ClickHouse stopped", took.Round(time.Millisecond))
	if took > time.Second {
		t.Errorf("/readyz took %s to turn 503, want within 1s", took)
	}

	// News arrives while ClickHouse is down.
	if err := os.WriteFile(filepath.Join(feed, "b.txt"), append(feedSrc, "\n补充。\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if wait := outage(t) - time.Since(down); wait > 0 {
		time.Sleep(wait) // the outage itself, not a wait for a condition
	}
	ch.Start(t)
	back := poll(t, 60*time.Second, "the backlog reaches ClickHouse", func() bool { return articles() >= 2*first })
	t.Logf("outage %s: backlog in ClickHouse %s after its return", outage(t), back.Round(time.Millisecond))
	if back > 5*time.Second {
		t.Errorf("backlog took %s after ClickHouse returned, want within 5s", back)
	}
	poll(t, 10*time.Second, "/readyz 200 again", func() bool { return ready() == http.StatusOK })
	if errors.Is(ctx.Err(), context.Canceled) {
		t.Fatal("run context ended early")
	}
}
