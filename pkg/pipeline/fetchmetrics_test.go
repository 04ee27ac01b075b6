package pipeline_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

// TestFetchMetrics: fetch's counters exist at zero for every source before
// a pass, then count passes, articles published, articles read again but
// already published, and rejected inputs; the dead-letter gauge shows the
// rejection.
func TestFetchMetrics(t *testing.T) {
	srv := natstest.Start(t)
	_, js := natstest.Connect(t, srv.URL)
	ctx := natstest.Context(t)
	cfg := config.Default()
	if err := topology.Ensure(ctx, js, topology.FromSettings(cfg.Streams)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(page, []byte("乌海市公安局通报：今年1月至4月，全市立案131起。"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.Fetch.Sources = []config.Source{{Name: "inbox", Paths: []string{dir}}}
	reg := prometheus.NewRegistry()
	m, err := stage.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	dl := stage.NewDeadLetterCollector(func(ctx context.Context) (map[string]uint64, error) {
		return deadletter.Count(ctx, js)
	}, topology.Stages(), 2*time.Second)
	if err := reg.Register(dl); err != nil {
		t.Fatal(err)
	}
	env := stage.Env{JS: js, Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: m}
	rs, err := fetch.Runners(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	count := func(c *prometheus.CounterVec, labels ...string) float64 {
		return testutil.ToFloat64(c.WithLabelValues(labels...))
	}
	if n, err := testutil.GatherAndCount(reg, "casewire_fetch_polls_total", "casewire_fetch_articles_published_total", "casewire_fetch_articles_seen_total", "casewire_fetch_errors_total"); err != nil || n != 6 {
		t.Errorf("series before the first pass: %d %v, want 6 at zero", n, err)
	}
	if _, err := fetch.ScanAll(ctx, rs); err != nil {
		t.Fatal(err)
	}
	// Read again (touched), same content: skipped as seen.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(page, later, later); err != nil {
		t.Fatal(err)
	}
	if _, err := fetch.ScanAll(ctx, rs); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		got  float64
		want float64
	}{
		{"polls", count(m.FetchPolls, "inbox"), 2},
		{"published", count(m.FetchPublished, "inbox"), 1},
		{"seen", count(m.FetchSeen, "inbox"), 1},
		{"rejected", count(m.FetchErrors, "inbox", stage.FetchRejected), 1},
		{"failed", count(m.FetchErrors, "inbox", stage.FetchFailed), 0},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP casewire_dead_letters Dead letters waiting in the dead-letter stream, per stage (see casewire dlq list).
# TYPE casewire_dead_letters gauge
casewire_dead_letters{stage="clean"} 0
casewire_dead_letters{stage="extract"} 0
casewire_dead_letters{stage="fetch"} 1
casewire_dead_letters{stage="load"} 0
`), "casewire_dead_letters"); err != nil {
		t.Error(err)
	}
}
