package process_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/chconn"
	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/process"
	"github.com/casewire/casewire/pkg/topology"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// served starts a stage's runtime on a fresh JetStream server and serves its
// endpoint on a loopback port, as WorkerCommand does.
func served(t *testing.T, name string, checks func(ctx context.Context, cfg config.Config) (map[string]process.Check, func(), error)) (*natstest.Server, *process.Runtime, string) {
	t.Helper()
	srv := natstest.Start(t)
	cfg := config.Default()
	cfg.NATS.URL = srv.URL
	cfg.HTTP.Addr = "127.0.0.1:0"
	ctx := natstest.Context(t)
	rt, cleanup, err := process.StartRuntime(ctx, cfg, name, quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	if checks != nil {
		cs, release, err := checks(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(release)
		for n, c := range cs {
			rt.Checks[n] = c
		}
	}
	bound := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- process.Serve(ctx, cfg.HTTP.Addr, process.Handler(rt.Registry, rt.Checks), quiet(), func(a string) { bound <- a })
	}()
	select {
	case addr := <-bound:
		return srv, rt, "http://" + addr
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	}
	return nil, nil, ""
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

func TestEndpointsOfEveryService(t *testing.T) {
	chAddr := chtest.Addr(t)
	loadChecks := func(ctx context.Context, cfg config.Config) (map[string]process.Check, func(), error) {
		cfg.ClickHouse.Addr = chAddr
		return chconn.Readiness(ctx, cfg.ClickHouse)
	}
	cases := []struct {
		name   string
		checks func(ctx context.Context, cfg config.Config) (map[string]process.Check, func(), error)
		// wantLag is the stage whose consumer lag the service exports, if any.
		wantLag []string
	}{
		{name: "fetch"},
		{name: "clean", wantLag: []string{"clean"}},
		{name: "extract", wantLag: []string{"extract"}},
		{name: "load", checks: loadChecks, wantLag: []string{"load"}},
		{name: "run", wantLag: []string{"clean", "extract", "load"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _, base := served(t, tc.name, tc.checks)
			if code, body := get(t, base+"/healthz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
				t.Errorf("/healthz = %d %q", code, body)
			}
			if code, body := get(t, base+"/readyz"); code != http.StatusOK {
				t.Errorf("/readyz = %d %q, want 200", code, body)
			}
			code, metrics := get(t, base+"/metrics")
			if code != http.StatusOK {
				t.Fatalf("/metrics = %d", code)
			}
			for _, want := range []string{"go_goroutines", "process_resident_memory_bytes"} {
				if !strings.Contains(metrics, want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}
			for _, st := range tc.wantLag {
				for _, series := range []string{"pending_messages", "ack_pending_messages", "redelivered_messages"} {
					want := `casewire_consumer_` + series + `{stage="` + st + `"} 0`
					if !strings.Contains(metrics, want) {
						t.Errorf("/metrics lacks %s", want)
					}
				}
			}
			// Counters exist at zero before the first message, and every
			// process reports the dead letters waiting per stage.
			for _, st := range tc.wantLag {
				for _, want := range []string{
					`casewire_messages_in_total{stage="` + st + `"} 0`,
					`casewire_messages_dead_lettered_total{reason="conflict",stage="` + st + `"} 0`,
				} {
					if !strings.Contains(metrics, want) {
						t.Errorf("/metrics lacks %s", want)
					}
				}
			}
			for _, st := range topology.Stages() {
				if want := `casewire_dead_letters{stage="` + st + `"} 0`; !strings.Contains(metrics, want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}
			if len(tc.wantLag) == 0 && strings.Contains(metrics, "casewire_consumer_pending_messages") {
				t.Errorf("%s exports consumer lag it does not own", tc.name)
			}

			srv.Shutdown()
			natstest.Eventually(t, 10*time.Second, "/readyz turns 503 without NATS", func() bool {
				code, body := get(t, base+"/readyz")
				return code == http.StatusServiceUnavailable && strings.Contains(body, "nats:")
			})
			if code, _ := get(t, base+"/healthz"); code != http.StatusOK {
				t.Errorf("/healthz = %d without NATS: the process is alive, it must not be restarted for it", code)
			}
			if len(tc.wantLag) > 0 {
				_, metrics := get(t, base+"/metrics")
				if !strings.Contains(metrics, "casewire_consumer_info_up 0") {
					t.Errorf("/metrics without NATS lacks casewire_consumer_info_up 0")
				}
			}
		})
	}
}

func TestLoadNotReadyWithoutClickHouse(t *testing.T) {
	t.Parallel()
	conn, _ := chtest.Open(t)
	check := chconn.Check(conn)
	ctx := natstest.Context(t)
	if err := check(ctx); err != nil {
		t.Fatalf("check against a running server: %v", err)
	}
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	if err := check(ctx); err == nil {
		t.Fatal("check passes on a closed connection")
	}
	h := process.Handler(process.NewRegistry(), map[string]process.Check{"clickhouse": check})
	rec := &recorder{header: http.Header{}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "/readyz", nil)
	h.ServeHTTP(rec, req)
	if rec.code != http.StatusServiceUnavailable || !strings.Contains(rec.body.String(), "clickhouse:") {
		t.Errorf("/readyz = %d %q", rec.code, rec.body.String())
	}
}

type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(code int)        { r.code = code }

// TestWorkerMetrics runs the clean worker on its runtime and reads its
// counters and lag through /metrics.
func TestWorkerMetrics(t *testing.T) {
	t.Parallel()
	_, rt, base := served(t, topology.StageClean, nil)
	ctx := natstest.Context(t)
	body := []byte("乌海市公安局通报：今年以来共破获刑事案件120起，抓获犯罪嫌疑人85名。")
	raws := []article.Raw{
		{V: article.Version, ID: article.RawID("test", "a.txt", body), Source: "test", URI: "a.txt", Format: article.FormatText, FetchedAt: time.Now().UTC(), Body: body},
	}
	for _, r := range raws {
		data, err := article.Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rt.JS.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectRaw, Data: data}, jetstream.WithMsgID(r.MessageID())); err != nil {
			t.Fatal(err)
		}
	}
	// An undecodable message is dead-lettered.
	if _, err := rt.JS.Publish(ctx, topology.SubjectRaw, []byte("not json"), jetstream.WithMsgID("raw:garbage")); err != nil {
		t.Fatal(err)
	}
	_, metrics := get(t, base+"/metrics")
	if !strings.Contains(metrics, `casewire_consumer_pending_messages{stage="clean"} 2`) {
		t.Errorf("pending before the worker runs: want 2 in\n%s", grep(metrics, "casewire_consumer"))
	}

	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- clean.Run(wctx, rt.Env, clean.New(clean.Options{})) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("clean worker: %v", err)
		}
	}()
	want := []string{
		`casewire_messages_in_total{stage="clean"} 2`,
		`casewire_messages_out_total{stage="clean"} 1`,
		`casewire_messages_acked_total{stage="clean"} 1`,
		`casewire_messages_dead_lettered_total{reason="decode",stage="clean"} 1`,
		`casewire_handler_seconds_count{stage="clean"} 1`,
		`casewire_consumer_pending_messages{stage="clean"} 0`,
		`casewire_consumer_ack_pending_messages{stage="clean"} 0`,
	}
	natstest.Eventually(t, 20*time.Second, "clean worker's metrics", func() bool {
		_, metrics = get(t, base+"/metrics")
		for _, w := range want {
			if !strings.Contains(metrics, w) {
				return false
			}
		}
		return true
	})
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestProbeURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, addr, want, err string
	}{
		{name: "wildcard port only", addr: ":9090", want: "http://127.0.0.1:9090/readyz"},
		{name: "ipv4 wildcard", addr: "0.0.0.0:9090", want: "http://127.0.0.1:9090/readyz"},
		{name: "ipv6 wildcard", addr: "[::]:9090", want: "http://[::1]:9090/readyz"},
		{name: "loopback", addr: "127.0.0.1:8080", want: "http://127.0.0.1:8080/readyz"},
		{name: "disabled", addr: "", err: "http.addr"},
		{name: "random port", addr: "127.0.0.1:0", err: "fixed port"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := process.ProbeURL(tc.addr, "/readyz")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one naming %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ProbeURL(%q) = %q, %v; want %q", tc.addr, got, err, tc.want)
			}
		})
	}
}

func TestProbe(t *testing.T) {
	t.Parallel()
	_, _, base := served(t, "clean", nil)
	ctx := natstest.Context(t)
	if err := process.Probe(ctx, base+"/readyz"); err != nil {
		t.Errorf("probe of a ready worker: %v", err)
	}
	if err := process.Probe(ctx, base+"/nothing"); err == nil {
		t.Errorf("probe of a missing path passed")
	}
}

// TestProfilingIsOptIn: the profiles are served only when asked for, and the
// metrics keep working beside them.
func TestProfilingIsOptIn(t *testing.T) {
	t.Parallel()
	base := process.Handler(process.NewRegistry(), nil)
	cases := []struct {
		name string
		h    http.Handler
		path string
		want int
	}{
		{"off by default", base, "/debug/pprof/cmdline", http.StatusNotFound},
		{"on", process.Profiling(base), "/debug/pprof/cmdline", http.StatusOK},
		{"on: index", process.Profiling(base), "/debug/pprof/", http.StatusOK},
		{"on: metrics still served", process.Profiling(base), "/metrics", http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{header: http.Header{}}
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, c.path, nil)
			c.h.ServeHTTP(rec, req)
			if rec.code == 0 {
				rec.code = http.StatusOK
			}
			if rec.code != c.want {
				t.Errorf("GET %s = %d, want %d", c.path, rec.code, c.want)
			}
		})
	}
}
