package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/chconn"
	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/connect"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/pipeline"
	"github.com/casewire/casewire/pkg/process"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/warehouse"
	"github.com/casewire/casewire/services/casewire/internal/overview"
)

func runCommand(flags *process.Flags) *cobra.Command {
	var once bool
	var source string
	cmd := &cobra.Command{
		Use:   "run [PATH...]",
		Short: "Run fetch, clean, extract and load in this process, on an embedded NATS unless nats.url is set",
		Long: "run is the single-node pipeline: an in-process JetStream server (unless nats.url names\n" +
			"one), the four stages on their durable consumers exactly as the separate services run\n" +
			"them, and ClickHouse at clickhouse.addr. It reads the paths given (as source --source)\n" +
			"and every configured source, prints what reached ClickHouse once the pipeline has\n" +
			"caught up, then keeps watching the inputs for new and changed files until interrupted\n" +
			"(or exits with --once).",
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			base := config.Default()
			base.NATS.URL = connect.EmbeddedURL
			cfg, err := flags.Load(base)
			if err != nil {
				return err
			}
			if len(args) > 0 {
				cfg.Fetch.Sources = append(cfg.Fetch.Sources, config.Source{Name: source, Paths: args})
			}
			if len(cfg.Fetch.Sources) == 0 {
				return errors.New("nothing to read: give paths or configure fetch.sources")
			}
			ctx, stop := process.SignalContext(cmd.Context())
			defer stop()
			return runAll(ctx, cfg, once, cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "exit once the inputs are loaded instead of watching them")
	cmd.Flags().StringVar(&source, "source", "sample", "source name for the paths given as arguments")
	return cmd
}

func runAll(ctx context.Context, cfg config.Config, once bool, out io.Writer) error {
	start := time.Now()
	log, err := process.NewLogger(cfg.Log, os.Stderr)
	if err != nil {
		return err
	}
	rt, cleanup, err := process.StartRuntime(ctx, cfg, "run", log)
	if err != nil {
		return err
	}
	defer cleanup()
	// Ready only while ClickHouse answers too: every stage of this process
	// depends on it through load.
	checks, release, err := chconn.Readiness(ctx, cfg.ClickHouse)
	if err != nil {
		return err
	}
	defer release()
	maps.Copy(rt.Checks, checks)
	httpAddr := serveHTTP(ctx, cfg.HTTP.HTTPAddr("run"), rt, log)
	remove, err := connect.WriteRunState(cfg.NATS, connect.RunState{
		NATSURL: rt.URL, HTTPAddr: httpAddr, PID: os.Getpid(), StartedAt: start.UTC(),
	})
	if err != nil {
		return err
	}
	defer remove()
	log.Info("pipeline address", "nats", rt.URL, "http", httpAddr, "state", connect.RunStatePath(cfg.NATS))

	writer, err := warehouse.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer writer.Close()
	conn, err := chconn.Open(ctx, cfg.ClickHouse)
	if err != nil {
		return err
	}
	defer conn.Close()
	log.Info("building the extractor (segmenter dictionary and gazetteer)")
	x, _, err := extract.FromConfig(cfg.Extract)
	if err != nil {
		return err
	}
	stagesCtx, stopStages := context.WithCancel(context.WithoutCancel(ctx))
	wait := pipeline.StartConsumers(stagesCtx, rt.Env, pipeline.Parts{
		Cleaner: clean.New(clean.Options{}), Extractor: x, Writer: writer,
	})
	defer func() {
		stopStages()
		if err := wait(); err != nil {
			log.Error("stages", "err", err)
		}
	}()

	runners, err := fetch.Runners(ctx, rt.Env)
	if err != nil {
		return err
	}
	st, err := fetch.ScanAll(ctx, runners)
	if err != nil {
		return err
	}
	if err := pipeline.WaitIdle(ctx, rt.JS, 100*time.Millisecond); err != nil {
		return err
	}
	report(ctx, out, st, time.Since(start), rt.Env, conn, cfg)
	fmt.Fprintf(out, "\nNATS at %s", rt.URL)
	if httpAddr != "" {
		fmt.Fprintf(out, ", metrics and health at http://%s", httpAddr)
	}
	fmt.Fprintf(out, " (in %s: casewire status and dlq find it there)\n", connect.RunStatePath(cfg.NATS))
	if once {
		return nil
	}
	fmt.Fprintf(out, "\nWatching %s for new and changed articles (Ctrl-C to stop).\n", strings.Join(inputs(cfg), ", "))
	for _, r := range runners {
		r.Interval = cfg.Fetch.WatchInterval
	}
	fetch.WatchAll(ctx, rt.Env, runners)
	return nil
}

// serveHTTP serves metrics and health on addr ("" none) and returns the
// address bound once it listens; a port taken is logged, not fatal.
func serveHTTP(ctx context.Context, addr string, rt *process.Runtime, log *slog.Logger) string {
	if addr == "" {
		return ""
	}
	bound := make(chan string, 1)
	failed := make(chan error, 1)
	go func() {
		if err := process.Serve(ctx, addr, rt.HTTPHandler(), log, func(a string) { bound <- a }); err != nil {
			log.Error("metrics server", "err", err, "setting", "http.addr")
			failed <- err
		}
	}()
	select {
	case a := <-bound:
		return a
	case <-failed:
		return ""
	}
}

// report prints what a user wants to see first: what was read, what failed,
// and what ClickHouse now holds.
func report(ctx context.Context, out io.Writer, st fetch.Stats, took time.Duration, env stage.Env, conn driver.Conn, cfg config.Config) {
	fmt.Fprintf(out, "\ncasewire: pipeline caught up in %s\n", took.Round(100*time.Millisecond))
	fmt.Fprintf(out, "  read %d files (%.1f KB): %d raw articles, %d new, %d rejected\n",
		st.Files, float64(st.Bytes)/1024, st.Articles, st.Published, st.Rejected)
	if dl, err := deadletter.Count(ctx, env.JS); err == nil {
		var total uint64
		var per []string
		for stage, n := range dl {
			total += n
			per = append(per, fmt.Sprintf("%s %d", stage, n))
		}
		sort.Strings(per)
		if total == 0 {
			fmt.Fprintln(out, "  dead letters: none")
		} else {
			fmt.Fprintf(out, "  dead letters: %d (%s); see casewire dlq list\n", total, strings.Join(per, ", "))
		}
	}
	o, err := overview.Read(ctx, conn, cfg.ClickHouse.Database, 15)
	if err != nil {
		fmt.Fprintf(out, "  could not read ClickHouse: %v\n", err)
		return
	}
	fmt.Fprintf(out, "  ClickHouse at %s, database %s\n\n", cfg.ClickHouse.Addr, cfg.ClickHouse.Database)
	o.Write(out)
}

// inputs lists what the sources watch: folders and files, feeds, pages.
func inputs(cfg config.Config) []string {
	var in []string
	for _, s := range cfg.Fetch.Sources {
		in = append(in, s.Paths...)
		in = append(in, s.Feeds...)
		in = append(in, s.Pages...)
	}
	return in
}
