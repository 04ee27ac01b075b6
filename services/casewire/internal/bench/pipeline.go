package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/natsembed"
	"github.com/casewire/casewire/pkg/pipeline"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
	"github.com/casewire/casewire/pkg/warehouse"
)

// Stack is one round's infrastructure: a fresh JetStream server (in this
// process, on loopback, its own store) and a fresh ClickHouse database.
type Stack struct {
	Admin    driver.Conn
	Database string
	CH       config.ClickHouse
	URL      string
	JS       jetstream.JetStream
	WorkDir  string
	Log      *slog.Logger

	srv *server.Server
	nc  *nats.Conn
}

// StartStack starts NATS under workDir and creates database db (dropped by
// Close) on the ClickHouse admin connects to.
func StartStack(ctx context.Context, admin driver.Conn, ch config.ClickHouse, db, workDir string, log *slog.Logger) (*Stack, error) {
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return nil, fmt.Errorf("work folder: %w", err)
	}
	srv, err := natsembed.Start(natsembed.Options{StoreDir: filepath.Join(workDir, "nats")})
	if err != nil {
		return nil, err
	}
	s := &Stack{Admin: admin, Database: db, WorkDir: workDir, URL: srv.ClientURL(), srv: srv, Log: log}
	s.CH = ch
	s.CH.Database = db
	if s.nc, err = nats.Connect(s.URL, nats.Name("casewire-bench")); err != nil {
		s.Close(ctx)
		return nil, fmt.Errorf("connect to %s: %w", s.URL, err)
	}
	if s.JS, err = jetstream.New(s.nc); err != nil {
		s.Close(ctx)
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	if err := topology.Ensure(ctx, s.JS, topology.FromSettings(config.Default().Streams)); err != nil {
		s.Close(ctx)
		return nil, fmt.Errorf("topology: %w", err)
	}
	if err := admin.Exec(ctx, "CREATE DATABASE "+warehouse.QuoteIdent(db)); err != nil {
		s.Close(ctx)
		return nil, fmt.Errorf("create database %s: %w", db, err)
	}
	// The schema is applied here so that the timed run does not include it
	// (load applies it again at start; that is a no-op).
	if err := warehouse.Migrate(ctx, admin, db); err != nil {
		s.Close(ctx)
		return nil, fmt.Errorf("migrate %s: %w", db, err)
	}
	return s, nil
}

// Close stops NATS. The database is dropped by Drop, separately: on
// ClickHouse 18.16 a drop waits for merges and can take a minute.
func (s *Stack) Close(ctx context.Context) {
	if s.nc != nil {
		s.nc.Close()
	}
	s.srv.Shutdown()
	s.srv.WaitForShutdown()
	_ = os.RemoveAll(filepath.Join(s.WorkDir, "nats"))
}

// Drop drops the round's database.
func (s *Stack) Drop(ctx context.Context) error {
	if err := s.Admin.Exec(ctx, "DROP DATABASE IF EXISTS "+warehouse.QuoteIdent(s.Database)); err != nil {
		return fmt.Errorf("drop database %s: %w", s.Database, err)
	}
	return nil
}

// Workers run clean, extract and load against a Stack: as separate
// processes (Bin set: the way they are deployed, and the only way to see
// each one's memory) or as goroutines of this process (tests).
type Workers struct {
	Bin    string   // folder with the fetch, clean, extract and load binaries
	Engine *Engine  // used when Bin is empty
	Env    []string // extra settings for the processes, after the benchmark's own
}

// running is a started set of workers.
type running struct {
	procs  []*proc
	cancel context.CancelFunc
	wait   func() error

	once    sync.Once
	stopErr error
}

func (w Workers) env(s *Stack) []string {
	return append([]string{
		"CASEWIRE_NATS_URL=" + s.URL,
		"CASEWIRE_CLICKHOUSE_ADDR=" + s.CH.Addr,
		"CASEWIRE_CLICKHOUSE_DATABASE=" + s.Database,
		"CASEWIRE_CLICKHOUSE_USER=" + s.CH.User,
		"CASEWIRE_LOG_LEVEL=info",
		"CASEWIRE_LOG_FORMAT=text",
		"CASEWIRE_HTTP_ADDR=",
	}, w.Env...)
}

// start starts clean, extractors extract workers and load, and waits until
// each consumer has a pull request waiting: then every worker has finished
// its start-up (the extractor's dictionary, the schema) and the clock can
// start.
func (w Workers) start(ctx context.Context, s *Stack, extractors int) (*running, error) {
	r := &running{}
	if w.Bin != "" {
		for _, st := range []struct {
			name string
			n    int
		}{{"clean", 1}, {"extract", extractors}, {"load", 1}} {
			for i := range st.n {
				p, err := startProc(filepath.Join(w.Bin, st.name), st.name, nil, w.env(s),
					filepath.Join(s.WorkDir, st.name+"-"+strconv.Itoa(i)+".log"))
				if err != nil {
					r.stop()
					return nil, err
				}
				r.procs = append(r.procs, p)
			}
		}
	} else {
		if err := w.startInProcess(ctx, s, extractors, r); err != nil {
			return nil, err
		}
	}
	want := map[string]int{topology.StageClean: 1, topology.StageExtract: extractors, topology.StageLoad: 1}
	if err := waitPulling(ctx, s.JS, want, r, 120*time.Second); err != nil {
		r.stop()
		return nil, err
	}
	return r, nil
}

func (w Workers) startInProcess(ctx context.Context, s *Stack, extractors int, r *running) error {
	m, err := stage.NewMetrics(nil)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	env := stage.Env{JS: s.JS, Config: config.Default(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: m}
	wr := warehouse.NewWriter(s.Admin, s.Database, warehouse.WriterOptions{Logger: env.Log})
	if err := wr.LoadDivisions(ctx, warehouse.DivisionsOf(w.Engine.Places)); err != nil {
		return fmt.Errorf("load divisions: %w", err)
	}
	wctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	run := func(f func(context.Context) error) {
		wg.Go(func() {
			if err := f(wctx); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	run(func(ctx context.Context) error { return clean.Run(ctx, env, w.Engine.Cleaner) })
	for range extractors {
		run(func(ctx context.Context) error { return extract.Run(ctx, env, w.Engine.Extractor) })
	}
	run(func(ctx context.Context) error { return warehouse.Run(ctx, env, wr) })
	r.cancel = cancel
	r.wait = func() error {
		wg.Wait()
		return errors.Join(errs...)
	}
	return nil
}

// stop stops every worker: processes get SIGTERM and drain. Only the first
// call does anything.
func (r *running) stop() error {
	r.once.Do(func() { r.stopErr = r.stopAll() })
	return r.stopErr
}

func (r *running) stopAll() error {
	var errs []error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range r.procs {
		wg.Go(func() {
			if err := p.stop(30 * time.Second); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if r.cancel != nil {
		r.cancel()
		errs = append(errs, r.wait())
	}
	return errors.Join(errs...)
}

// cpus is each worker kind's CPU time (summed over several extractors).
func (r *running) cpus() map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, p := range r.procs {
		out[p.name] += p.cpu()
	}
	return out
}

// peaks is each worker kind's peak RSS (the largest of several extractors).
func (r *running) peaks() map[string]int64 {
	out := map[string]int64{}
	for _, p := range r.procs {
		out[p.name] = max(out[p.name], p.peakRSS())
	}
	return out
}

// waitPulling waits until every consumer has as many waiting pull requests
// as it has workers, or a worker process dies.
func waitPulling(ctx context.Context, js jetstream.JetStream, want map[string]int, r *running, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		ready := true
		for _, h := range topology.Hops() {
			info, err := topology.ConsumerInfo(ctx, js, h)
			if err != nil {
				return err
			}
			if info.NumWaiting < want[h.Stage] {
				ready = false
			}
		}
		if ready {
			return nil
		}
		if err := r.alive(); err != nil {
			return fmt.Errorf("during start-up: %w", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("workers not pulling within %s: %w", timeout, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Expect is what a corpus yields, known from the limit pass over it.
type Expect struct {
	Raw      int
	Articles int
	Facts    int
}

// PipelineResult is one run of the whole pipeline over a corpus.
type PipelineResult struct {
	Extractors int
	Expect     Expect
	Articles   int           // clean articles visible in ClickHouse at the end
	Facts      int           // facts visible
	Published  time.Duration // until fetch had published everything
	Wall       time.Duration // first publish to last fact visible
	Dead       uint64        // dead letters
	PeakRSS    map[string]int64
	// Drained is, per consuming stage, when it had consumed and acknowledged
	// everything (the stage before it drained first): the slowest stage is
	// the one whose time jumps.
	Drained map[string]time.Duration
	// CPU is each worker's CPU time during the timed part (start-up
	// excluded), "harness" this process's (the embedded NATS server and the
	// polling) and "clickhouse" the local ClickHouse server's, when there is
	// one (with whatever else it served meanwhile).
	CPU map[string]time.Duration
}

// AllCPU is the CPU time of every part of the run: workers, harness (NATS)
// and the local ClickHouse server if there is one.
func (r PipelineResult) AllCPU() time.Duration {
	var d time.Duration
	for _, c := range r.CPU {
		d += c
	}
	return d
}

// PerSec is raw articles per second, first publish to last fact visible.
func (r PipelineResult) PerSec() float64 { return perSec(float64(r.Expect.Raw), r.Wall) }

// FactsPerSec is facts per second over the same time.
func (r PipelineResult) FactsPerSec() float64 { return perSec(float64(r.Facts), r.Wall) }

// Complete reports whether everything the corpus yields arrived.
func (r PipelineResult) Complete() bool {
	return r.Articles >= r.Expect.Articles && r.Facts >= r.Expect.Facts
}

// Pipeline runs fetch over the corpus folder and waits until every article
// and fact the limit pass found is in ClickHouse.
func (w Workers) Pipeline(ctx context.Context, s *Stack, dir, source string, want Expect, extractors int, timeout time.Duration) (PipelineResult, error) {
	res := PipelineResult{Extractors: extractors, Expect: want}
	r, err := w.start(ctx, s, extractors)
	if err != nil {
		return res, err
	}
	defer r.stop()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	start := time.Now()
	cpu0, workers0 := selfCPU(), r.cpus()
	ch0, chLocal := clickhouseCPU()
	res.Drained = map[string]time.Duration{}
	fetchDone := make(chan error, 1)
	if w.Bin != "" {
		// Not --once: a running fetch is the only way to read its peak RSS
		// (see peakRSS). It has published everything when the raw stream
		// holds every article.
		p, err := startProc(filepath.Join(w.Bin, "fetch"), "fetch", []string{"--source", source, dir},
			w.env(s), filepath.Join(s.WorkDir, "fetch.log"))
		if err != nil {
			return res, err
		}
		r.procs = append(r.procs, p)
	} else {
		go func() { fetchDone <- scanInProcess(ctx, s.JS, source, dir) }()
	}

	// JetStream is polled often (in this process, cheap); ClickHouse, whose
	// queries compete with the loads for the same cores, only once load has
	// acknowledged everything (it acks after its inserts, so the rows are
	// there) or every half second otherwise, to notice dead letters.
	poll := 20 * time.Millisecond
	const chPoll = 500 * time.Millisecond
	var lastCH time.Time
	fetched := false
	// pause waits one poll, failing if a worker died or the round timed out.
	pause := func() error {
		if err := r.alive(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pipeline: %d of %d articles, %d of %d facts after %s: %w",
				res.Articles, want.Articles, res.Facts, want.Facts, time.Since(start).Round(time.Millisecond), ctx.Err())
		case <-time.After(poll):
			return nil
		}
	}
	for {
		if !fetched {
			if w.Bin != "" {
				n, err := streamMsgs(ctx, s.JS, topology.StreamRaw)
				if err != nil {
					return res, err
				}
				if n >= uint64(want.Raw) {
					res.Published, fetched = time.Since(start), true
				}
			} else {
				select {
				case err := <-fetchDone:
					if err != nil {
						return res, fmt.Errorf("fetch: %w", err)
					}
					res.Published, fetched = time.Since(start), true
				default:
				}
			}
		}
		if fetched {
			if err := markDrained(ctx, s.JS, res.Drained, time.Since(start)); err != nil {
				return res, err
			}
		}
		if _, loaded := res.Drained[topology.StageLoad]; !loaded && time.Since(lastCH) < chPoll {
			if err := pause(); err != nil {
				return res, err
			}
			continue
		}
		a, f, err := visible(ctx, s.Admin, s.Database)
		if err != nil {
			return res, err
		}
		lastCH = time.Now()
		res.Articles, res.Facts = a, f
		if res.Complete() && fetched {
			res.Wall = time.Since(start)
			break
		}
		if fetched {
			// Everything consumed and still short: some went to dead letters.
			if idle, err := pipeline.Idle(ctx, s.JS); err == nil && idle {
				if a, f, err := visible(ctx, s.Admin, s.Database); err == nil {
					res.Articles, res.Facts = a, f
				}
				res.Wall = time.Since(start)
				break
			}
		}
		if err := pause(); err != nil {
			return res, err
		}
	}
	if dl, err := deadletter.Count(ctx, s.JS); err == nil {
		for _, n := range dl {
			res.Dead += n
		}
	}
	res.PeakRSS = r.peaks()
	res.CPU = r.cpus()
	for n, d := range workers0 {
		res.CPU[n] -= d
	}
	res.CPU["harness"] = selfCPU() - cpu0
	if ch1, ok := clickhouseCPU(); ok && chLocal && ch1 >= ch0 {
		res.CPU["clickhouse"] = ch1 - ch0
	}
	return res, r.stop()
}

// alive fails if a worker process has exited.
func (r *running) alive() error {
	for _, p := range r.procs {
		if p.exited() {
			return fmt.Errorf("%s exited (log %s): %v", p.name, p.log.Name(), p.err)
		}
	}
	return nil
}

func scanInProcess(ctx context.Context, js jetstream.JetStream, source, dir string) error {
	pub, err := fetchPublisher(ctx, js)
	if err != nil {
		return err
	}
	_, err = fetchRunner(source, dir, pub).Scan(ctx)
	return err
}

// markDrained records, for each stage not yet drained whose upstream has
// drained, whether it has now consumed and acknowledged everything.
func markDrained(ctx context.Context, js jetstream.JetStream, drained map[string]time.Duration, at time.Duration) error {
	for _, h := range topology.Hops() {
		if _, ok := drained[h.Stage]; ok {
			continue
		}
		info, err := topology.ConsumerInfo(ctx, js, h)
		if err != nil {
			return err
		}
		if info.NumPending > 0 || info.NumAckPending > 0 {
			return nil
		}
		drained[h.Stage] = at
	}
	return nil
}

func streamMsgs(ctx context.Context, js jetstream.JetStream, name string) (uint64, error) {
	st, err := js.Stream(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", name, err)
	}
	return st.CachedInfo().State.Msgs, nil
}

// visible counts distinct articles and facts in the round's database; the
// base tables, as a retried batch may have landed twice.
func visible(ctx context.Context, conn driver.Conn, db string) (articles, facts int, err error) {
	q := fmt.Sprintf("SELECT (SELECT uniqExact(article_id) FROM %[1]s.articles), (SELECT uniqExact(fact_id) FROM %[1]s.facts)",
		warehouse.QuoteIdent(db))
	var a, f uint64
	if err := conn.QueryRow(ctx, q).Scan(&a, &f); err != nil {
		return 0, 0, fmt.Errorf("count visible rows: %w", err)
	}
	return int(a), int(f), nil
}
