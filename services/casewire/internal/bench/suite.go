package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/casewire/casewire/pkg/chconn"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/services/casewire/internal/benchcorpus"
)

// Config sizes a benchmark run.
type Config struct {
	Articles     int           // articles in the main corpus
	Reps         int           // repetitions; medians are reported
	LimitWorkers []int         // limit passes per repetition, by goroutines (0: GOMAXPROCS)
	Extractors   []int         // pipeline runs per repetition, by extract worker count; the first is the headline
	Month        string        // publication month of the main corpus ("2006-01"); empty keeps the samples' dates
	Backfill     int           // articles of a corpus with the samples' own dates (2002–2014), one limit pass and one pipeline run; 0 skips
	Lengths      []int         // article lengths in bytes for the cost-by-length passes
	LengthBytes  int           // corpus size of each length pass
	LatencyRate  float64       // articles per second offered in the latency run (0: no latency run)
	LatencyCount int           // articles sent in the latency run
	Poll         time.Duration // ClickHouse polling interval of the latency run
	Timeout      time.Duration // longest pipeline round
	Bin          string        // worker binaries; empty runs the workers in this process
	WorkerEnv    []string      // extra CASEWIRE_*=value settings for the worker processes (experiments)
	ClickHouse   config.ClickHouse
	WorkDir      string    // corpus, logs, NATS stores; the corpus is removed at the end
	Progress     io.Writer `json:"-"` // one line per measurement; nil for none
	// Profile, when set, receives a CPU profile of this process during the
	// first pipeline round: with the workers in process, the whole
	// pipeline's (NATS server included, ClickHouse not).
	Profile io.Writer
	Log     *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Reps <= 0 {
		c.Reps = 1
	}
	if len(c.LimitWorkers) == 0 {
		c.LimitWorkers = []int{0}
	}
	for i, w := range c.LimitWorkers {
		if w <= 0 {
			c.LimitWorkers[i] = runtime.GOMAXPROCS(0)
		}
	}
	if len(c.Extractors) == 0 {
		c.Extractors = []int{1}
	}
	if c.LengthBytes <= 0 {
		c.LengthBytes = 2 << 20
	}
	if c.Poll <= 0 {
		c.Poll = 20 * time.Millisecond
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Minute
	}
	if c.LatencyCount <= 0 {
		c.LatencyCount = 300
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}
	return c
}

// Report is everything a run measured.
type Report struct {
	Config   Config
	Machine  Machine
	Started  time.Time
	Duration time.Duration
	Corpus   benchcorpus.Stats
	Expect   Expect
	Limits   map[int][]LimitResult    // by workers
	Segments []LimitResult            // GOMAXPROCS workers
	Pipes    map[int][]PipelineResult // by extract workers
	Lengths  map[int][]LimitResult    // by article length
	Latency  *LatencyResult
	Backfill *BackfillResult
	Ratios   []float64 // per repetition: headline pipeline / limit at GOMAXPROCS
}

// Run generates the corpora and runs every measurement, interleaved
// repetition by repetition so that load from elsewhere falls on all alike.
func Run(ctx context.Context, e *Engine, c Config) (*Report, error) {
	c = c.withDefaults()
	if c.Articles <= 0 {
		return nil, fmt.Errorf("bench: the corpus needs at least one article")
	}
	rep := &Report{Config: c, Started: time.Now(), Limits: map[int][]LimitResult{}, Pipes: map[int][]PipelineResult{}, Lengths: map[int][]LimitResult{}}
	procs := runtime.GOMAXPROCS(0)
	if !slices.Contains(c.LimitWorkers, procs) {
		c.LimitWorkers = append(c.LimitWorkers, procs)
	}
	admin, err := chconn.Open(ctx, c.ClickHouse)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	rep.Machine = Describe(ctx, admin)

	corpusDir := filepath.Join(c.WorkDir, "corpus")
	defer os.RemoveAll(corpusDir)
	g, err := benchcorpus.New(benchcorpus.Options{Month: c.Month})
	if err != nil {
		return nil, err
	}
	mainDir := filepath.Join(corpusDir, "main")
	if rep.Corpus, err = g.Write(mainDir, c.Articles); err != nil {
		return nil, fmt.Errorf("write corpus: %w", err)
	}
	mainFiles, err := filepath.Glob(filepath.Join(mainDir, "*.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("list corpus: %w", err)
	}
	fmt.Fprintf(c.Progress, "corpus: %d articles, %.1f MB in %d files\n", rep.Corpus.Articles, float64(rep.Corpus.BodyBytes)/1e6, rep.Corpus.Files)
	lengthFiles := map[int][]string{}
	for _, l := range c.Lengths {
		lg, err := benchcorpus.New(benchcorpus.Options{Bytes: l, Month: c.Month})
		if err != nil {
			return nil, err
		}
		dir := filepath.Join(corpusDir, fmt.Sprintf("len-%d", l))
		if _, err := lg.Write(dir, max(c.LengthBytes/l, 8)); err != nil {
			return nil, fmt.Errorf("write %d-byte corpus: %w", l, err)
		}
		if lengthFiles[l], err = filepath.Glob(filepath.Join(dir, "*.jsonl")); err != nil {
			return nil, fmt.Errorf("list corpus: %w", err)
		}
	}

	stamp := time.Now().UTC().Format("20060102t150405")
	var drops sync.WaitGroup
	var dropErrs []error
	var dropMu sync.Mutex
	// A drop on ClickHouse 18.16 waits for merges: drops run beside the
	// next rounds and are waited for at the end.
	drop := func(s *Stack) {
		drops.Go(func() {
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
			defer cancel()
			if err := s.Drop(dctx); err != nil {
				dropMu.Lock()
				dropErrs = append(dropErrs, err)
				dropMu.Unlock()
			}
		})
	}
	defer drops.Wait()
	w := Workers{Bin: c.Bin, Engine: e, Env: c.WorkerEnv}

	for r := range c.Reps {
		var limit LimitResult
		for _, n := range c.LimitWorkers {
			res, err := e.Limit(ctx, mainFiles, g.Source(), WorkExtract, n)
			if err != nil {
				return rep, fmt.Errorf("limit: %w", err)
			}
			rep.Limits[n] = append(rep.Limits[n], res)
			fmt.Fprintf(c.Progress, "rep %d limit  workers=%d  %8.1f articles/s %6.2f MB/s  (%d articles, %d facts, %d failed)\n",
				r+1, n, res.PerSec(), res.MBPerSec(), res.Articles, res.Facts, res.Failed)
			if n == procs {
				limit = res
			}
		}
		if r == 0 {
			rep.Expect = Expect{Raw: limit.Raw - limit.Failed, Articles: limit.Articles, Facts: limit.Facts}
		}
		seg, err := e.Limit(ctx, mainFiles, g.Source(), WorkSegment, procs)
		if err != nil {
			return rep, fmt.Errorf("segment: %w", err)
		}
		rep.Segments = append(rep.Segments, seg)
		fmt.Fprintf(c.Progress, "rep %d gse    workers=%d  %8.1f articles/s %6.2f MB/s  (segment %.2f MB/s per worker, extract %.2f)\n",
			r+1, procs, seg.PerSec(), seg.MBPerSec(), seg.StageMBPerSec(), limit.StageMBPerSec())

		for i, k := range c.Extractors {
			db := fmt.Sprintf("casewire_bench_%s_r%d_x%d", stamp, r+1, k)
			s, err := StartStack(ctx, admin, c.ClickHouse, db, filepath.Join(c.WorkDir, "rounds", fmt.Sprintf("r%d-x%d", r+1, k)), c.Log)
			if err != nil {
				return rep, err
			}
			profiling := false
			if c.Profile != nil && r == 0 && i == 0 {
				if err := pprof.StartCPUProfile(c.Profile); err != nil {
					return rep, fmt.Errorf("cpu profile: %w", err)
				}
				profiling = true
			}
			res, err := w.Pipeline(ctx, s, mainDir, g.Source(), rep.Expect, k, c.Timeout)
			if profiling {
				pprof.StopCPUProfile()
			}
			s.Close(ctx)
			drop(s)
			if err != nil {
				return rep, fmt.Errorf("pipeline with %d extract workers: %w", k, err)
			}
			rep.Pipes[k] = append(rep.Pipes[k], res)
			fmt.Fprintf(c.Progress, "rep %d pipe   extract=%d %8.1f articles/s %6.1f facts/s  (%d/%d articles, %d/%d facts, %d dead) rss %s\n",
				r+1, k, res.PerSec(), res.FactsPerSec(), res.Articles, rep.Expect.Articles, res.Facts, rep.Expect.Facts, res.Dead, formatRSS(res.PeakRSS))
			fmt.Fprintf(c.Progress, "               published %s, drained %s, visible %s; cpu %s\n",
				ms(res.Published), formatStages(res.Drained), ms(res.Wall), formatCPU(res.CPU))
			if i == 0 {
				rep.Ratios = append(rep.Ratios, res.PerSec()/limit.PerSec())
			}
		}

		for _, l := range c.Lengths {
			res, err := e.Limit(ctx, lengthFiles[l], g.Source(), WorkExtract, procs)
			if err != nil {
				return rep, fmt.Errorf("limit at %d bytes: %w", l, err)
			}
			rep.Lengths[l] = append(rep.Lengths[l], res)
			fmt.Fprintf(c.Progress, "rep %d length %6d B  %8.1f articles/s %6.2f MB/s  %7.2f ms/article per worker\n",
				r+1, l, res.PerSec(), res.MBPerSec(), msPerArticle(res))
		}
	}

	if c.Backfill > 0 {
		bf, err := runBackfill(ctx, e, w, c, admin, filepath.Join(corpusDir, "backfill"), stamp, drop)
		if err != nil {
			return rep, fmt.Errorf("backfill: %w", err)
		}
		rep.Backfill = bf
		fmt.Fprintf(c.Progress, "backfill dates: limit %.1f articles/s, pipeline %.1f articles/s (%d/%d articles)\n",
			bf.Limit.PerSec(), bf.Pipe.PerSec(), bf.Pipe.Articles, bf.Pipe.Expect.Articles)
	}

	if c.LatencyRate > 0 {
		db := fmt.Sprintf("casewire_bench_%s_latency", stamp)
		s, err := StartStack(ctx, admin, c.ClickHouse, db, filepath.Join(c.WorkDir, "rounds", "latency"), c.Log)
		if err != nil {
			return rep, err
		}
		lat, err := w.Latency(ctx, s, mainFiles, g.Source(), c.LatencyRate, c.LatencyCount, c.Poll)
		s.Close(ctx)
		drop(s)
		if err != nil {
			return rep, fmt.Errorf("latency: %w", err)
		}
		rep.Latency = &lat
		fmt.Fprintf(c.Progress, "latency at %.0f/s: %d/%d arrived, p50 %s p90 %s p99 %s max %s\n",
			lat.Rate, lat.Arrived, lat.Sent, lat.P50.Round(time.Millisecond), lat.P90.Round(time.Millisecond),
			lat.P99.Round(time.Millisecond), lat.Max.Round(time.Millisecond))
	}
	drops.Wait()
	rep.Duration = time.Since(rep.Started)
	return rep, errors.Join(dropErrs...)
}

// msPerArticle is one worker's time per article in clean + extract.
func msPerArticle(r LimitResult) float64 {
	if r.Raw == 0 {
		return 0
	}
	return float64((r.Clean + r.Stage).Microseconds()) / 1e3 / float64(r.Raw)
}

func formatStages(m map[string]time.Duration) string {
	s := ""
	for _, n := range workerNames()[1:] {
		if v, ok := m[n]; ok {
			s += fmt.Sprintf("%s=%s ", n, ms(v))
		}
	}
	return strings.TrimSpace(s)
}

func formatCPU(m map[string]time.Duration) string {
	s := ""
	for _, n := range append(workerNames(), "harness") {
		if v, ok := m[n]; ok {
			s += fmt.Sprintf("%s=%.1fs ", n, v.Seconds())
		}
	}
	return strings.TrimSpace(s)
}

func formatRSS(m map[string]int64) string {
	s := ""
	for _, n := range workerNames() {
		if v, ok := m[n]; ok {
			s += fmt.Sprintf("%s=%dMB ", n, v>>20)
		}
	}
	if s == "" {
		return "-"
	}
	return s[:len(s)-1]
}

// BackfillResult is the pipeline on articles dated like the samples, over
// twelve years, beside the limit on the same corpus.
type BackfillResult struct {
	Limit LimitResult
	Pipe  PipelineResult
}

func runBackfill(ctx context.Context, e *Engine, w Workers, c Config, admin driver.Conn, dir, stamp string, drop func(*Stack)) (*BackfillResult, error) {
	g, err := benchcorpus.New(benchcorpus.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := g.Write(dir, c.Backfill); err != nil {
		return nil, fmt.Errorf("write corpus: %w", err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("list corpus: %w", err)
	}
	var bf BackfillResult
	if bf.Limit, err = e.Limit(ctx, files, g.Source(), WorkExtract, runtime.GOMAXPROCS(0)); err != nil {
		return nil, err
	}
	want := Expect{Raw: bf.Limit.Raw - bf.Limit.Failed, Articles: bf.Limit.Articles, Facts: bf.Limit.Facts}
	s, err := StartStack(ctx, admin, c.ClickHouse, fmt.Sprintf("casewire_bench_%s_backfill", stamp), filepath.Join(c.WorkDir, "rounds", "backfill"), c.Log)
	if err != nil {
		return nil, err
	}
	bf.Pipe, err = w.Pipeline(ctx, s, dir, g.Source(), want, c.Extractors[0], c.Timeout)
	s.Close(ctx)
	drop(s)
	return &bf, err
}
