package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/process"
	"github.com/casewire/casewire/services/casewire/internal/bench"
)

func benchCommand(flags *process.Flags) *cobra.Command {
	var (
		c          bench.Config
		out        string
		inProcess  bool
		cpuprofile string
		fromJSON   string
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the pipeline against its limit (clean + extract in one process) on a generated corpus",
		Long: "bench generates a corpus of unique articles from the embedded samples and measures, interleaved\n" +
			"repetition by repetition: the limit (clean + extract in this process, no NATS, no ClickHouse) beside\n" +
			"bare gse segmentation; the whole pipeline (fetch, clean, extract, load as separate processes over an\n" +
			"embedded JetStream into a fresh ClickHouse database per round, dropped after); cost by article length;\n" +
			"then latency at a fixed rate and each worker's peak RSS. It prints a Markdown report and writes it,\n" +
			"with the raw numbers as JSON, under --out. ClickHouse comes from clickhouse.addr.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if fromJSON != "" {
				// Render a finished run again, e.g. after the report changed.
				data, err := os.ReadFile(fromJSON)
				if err != nil {
					return fmt.Errorf("read results: %w", err)
				}
				var rep bench.Report
				if err := json.Unmarshal(data, &rep); err != nil {
					return fmt.Errorf("decode %s: %w", fromJSON, err)
				}
				rep.Markdown(cmd.OutOrStdout())
				return nil
			}
			cfg, err := flags.Load(config.Default())
			if err != nil {
				return err
			}
			ctx, stop := process.SignalContext(cmd.Context())
			defer stop()
			stamp := time.Now().UTC().Format("20060102T150405Z")
			if err := os.MkdirAll(out, 0o755); err != nil {
				return fmt.Errorf("results folder: %w", err)
			}
			work, err := os.MkdirTemp(out, "work-"+stamp+"-")
			if err != nil {
				return fmt.Errorf("work folder: %w", err)
			}
			c.WorkDir = work
			c.ClickHouse = cfg.ClickHouse
			c.Progress = cmd.ErrOrStderr()
			if !inProcess && c.Bin == "" {
				root, err := bench.RepoRoot(".")
				if err != nil {
					return fmt.Errorf("%w (run from the checkout, or give --bin)", err)
				}
				c.Bin = filepath.Join(work, "bin")
				fmt.Fprintf(cmd.ErrOrStderr(), "building the workers into %s\n", c.Bin)
				if err := bench.BuildWorkers(ctx, root, c.Bin); err != nil {
					return err
				}
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "building the extractor and the bare segmenter")
			e, err := bench.NewEngine()
			if err != nil {
				return err
			}
			if cpuprofile != "" {
				f, err := os.Create(cpuprofile)
				if err != nil {
					return fmt.Errorf("cpu profile: %w", err)
				}
				defer f.Close()
				c.Profile = f
			}
			rep, err := bench.Run(ctx, e, c)
			if rep == nil {
				return err
			}
			var md bytes.Buffer
			rep.Markdown(&md)
			cmd.OutOrStdout().Write(md.Bytes())
			base := filepath.Join(out, "bench-"+stamp)
			if werr := os.WriteFile(base+".md", md.Bytes(), 0o644); werr != nil {
				return fmt.Errorf("write results: %w", werr)
			}
			js, jerr := json.MarshalIndent(rep, "", "  ")
			if jerr != nil {
				return fmt.Errorf("encode results: %w", jerr)
			}
			if werr := os.WriteFile(base+".json", js, 0o644); werr != nil {
				return fmt.Errorf("write results: %w", werr)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "results: %s.md, %s.json; logs under %s\n", base, base, work)
			return err
		},
	}
	f := cmd.Flags()
	f.IntVar(&c.Articles, "articles", 3000, "articles in the main corpus (streamed to disk; a million works)")
	f.IntVar(&c.Reps, "reps", 5, "repetitions; the report gives medians")
	f.IntSliceVar(&c.LimitWorkers, "limit-workers", []int{1, 2, 4}, "goroutine counts of the limit passes (0: one per core)")
	f.IntSliceVar(&c.Extractors, "extractors", []int{1, 2, 4}, "extract worker processes of the pipeline runs; the first is compared with the limit")
	f.StringVar(&c.Month, "month", time.Now().UTC().Format("2006-01"), "publication month of the main corpus, as a live feed would have; empty keeps the samples' dates (2002–2014)")
	f.IntVar(&c.Backfill, "backfill", 500, "articles of a corpus with the samples' own dates, run once through the pipeline (0 skips)")
	f.IntSliceVar(&c.Lengths, "lengths", []int{1 << 10, 4 << 10, 16 << 10, 100 << 10}, "article lengths in bytes for the cost-by-length passes")
	f.IntVar(&c.LengthBytes, "length-bytes", 2<<20, "corpus size of each length pass")
	f.Float64Var(&c.LatencyRate, "latency-rate", 20, "articles per second in the latency run; 0 skips it")
	f.IntVar(&c.LatencyCount, "latency-count", 600, "articles sent in the latency run")
	f.DurationVar(&c.Poll, "poll", 20*time.Millisecond, "ClickHouse polling interval of the latency run")
	f.DurationVar(&c.Timeout, "timeout", 30*time.Minute, "longest pipeline round")
	f.StringVar(&c.Bin, "bin", "", "folder with prebuilt fetch, clean, extract and load binaries (default: build them)")
	f.StringArrayVar(&c.WorkerEnv, "worker-env", nil, "extra setting for the worker processes, e.g. CASEWIRE_EXTRACT_CONCURRENCY=4; repeatable")
	f.BoolVar(&inProcess, "in-process", false, "run the workers as goroutines of this process (no per-worker memory)")
	f.StringVar(&out, "out", "bench-results", "folder for the results and the run's logs")
	f.StringVar(&fromJSON, "report", "", "print the Markdown report of a finished run's JSON file instead of running")
	f.StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile of the first pipeline round to this file (with --in-process: every stage and the NATS server)")
	return cmd
}
