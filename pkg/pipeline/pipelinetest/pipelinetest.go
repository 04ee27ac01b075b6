// Package pipelinetest runs the whole pipeline inside a test: an in-process
// JetStream server, a fresh ClickHouse database with the schema applied, and
// clean, extract and load on their durable consumers, exactly as
// pipeline.StartConsumers runs them in `casewire run`.
package pipelinetest

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/gazetteer"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/pipeline"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
	"github.com/casewire/casewire/pkg/warehouse"
)

// The extractor takes seconds and ~200 MB to build: one per test binary.
var shared struct {
	once sync.Once
	x    *extract.Extractor
	gz   *gazetteer.Gazetteer
	err  error
}

// Extractor returns the test binary's extractor and gazetteer.
func Extractor(t testing.TB) (*extract.Extractor, *gazetteer.Gazetteer) {
	t.Helper()
	shared.once.Do(func() { shared.x, shared.gz, shared.err = extract.FromConfig(config.Extract{}) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.x, shared.gz
}

// Options tune a stack; the zero value is ready to use.
type Options struct {
	// BatchWait is load's flush interval; default 100ms so tests settle fast.
	BatchWait time.Duration
	// Divisions loads the gazetteer's divisions table (for roll-up queries).
	Divisions bool
	// Extractor replaces the shared one.
	Extractor *extract.Extractor
}

// Stack is a running pipeline.
type Stack struct {
	Server   *natstest.Server
	JS       jetstream.JetStream
	Conn     driver.Conn // default database: DB
	DB       string
	Env      stage.Env
	Registry *prometheus.Registry // the stages' metrics
	stop     func()
}

// Start starts a stack that stops when the test ends.
func Start(t *testing.T, o Options) *Stack {
	t.Helper()
	x := o.Extractor
	var gz *gazetteer.Gazetteer
	if x == nil || o.Divisions {
		x2, g := Extractor(t)
		if x == nil {
			x = x2
		}
		gz = g
	}
	srv := natstest.Start(t)
	_, js := natstest.Connect(t, srv.URL)
	cfg := config.Default()
	cfg.Load.BatchWait = o.BatchWait
	if cfg.Load.BatchWait <= 0 {
		cfg.Load.BatchWait = 100 * time.Millisecond
	}
	ctx := natstest.Context(t)
	if err := topology.Ensure(ctx, js, topology.Config{AckWait: cfg.Streams.AckWait, MaxDeliver: cfg.Streams.MaxDeliver}); err != nil {
		t.Fatal(err)
	}
	conn, db := chtest.Open(t)
	if err := warehouse.Migrate(ctx, conn, db); err != nil {
		t.Fatal(err)
	}
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{})
	if o.Divisions {
		if err := w.LoadDivisions(ctx, warehouse.DivisionsOf(gz)); err != nil {
			t.Fatal(err)
		}
	}
	reg := prometheus.NewRegistry()
	m, err := stage.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	env := stage.Env{JS: js, Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: m}
	sctx, cancel := context.WithCancel(context.Background())
	wait := pipeline.StartConsumers(sctx, env, pipeline.Parts{Cleaner: clean.New(clean.Options{}), Extractor: x, Writer: w})
	s := &Stack{Server: srv, JS: js, Conn: conn, DB: db, Env: env, Registry: reg}
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			if err := wait(); err != nil {
				t.Errorf("stages: %v", err)
			}
		})
	}
	t.Cleanup(s.stop)
	return s
}

// Stop stops the stages, finishing what they hold; the servers stay up until
// the test ends.
func (s *Stack) Stop() { s.stop() }

// WaitIdle polls until every stage has consumed and acknowledged everything.
func (s *Stack) WaitIdle(t testing.TB, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := pipeline.WaitIdle(ctx, s.JS, 20*time.Millisecond); err != nil {
		t.Fatalf("pipeline did not catch up: %v", err)
	}
}
