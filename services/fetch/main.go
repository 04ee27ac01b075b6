// Command fetch reads the configured sources (feeds, web pages, files,
// folders, dumps, standard input) into raw articles on casewire.v1.raw, once
// each, and keeps polling and watching them.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/process"
	"github.com/casewire/casewire/pkg/stage"
)

func main() {
	var once bool
	var source string
	cmd := process.WorkerCommand(process.WorkerSpec{
		Name:  "fetch",
		Uses:  []config.Section{config.SectionFetch},
		Short: "Fetch feeds, web pages, files, folders and dumps into casewire.v1.raw",
		Long: "fetch reads every source of fetch.sources in the configuration (RSS/Atom feeds, web and\n" +
			"listing pages, files, folders, Sogou and JSON Lines dumps) and the paths given as\n" +
			"arguments (as one source named by --source; \"-\" is standard input), publishes each\n" +
			"article once, and keeps polling feeds and pages and watching folders unless --once is\n" +
			"given. With --stdio it writes the raw articles of the paths as JSON Lines instead.",
		Args: cobra.ArbitraryArgs,
		Stdio: func(ctx context.Context, cfg config.Config, args []string, in io.Reader, out, errw io.Writer) error {
			return stdio(cfg, fetch.Source{Name: source}, args, in, out, errw)
		},
		Run: func(ctx context.Context, rt *process.Runtime, args []string) error {
			if len(args) > 0 {
				rt.Config.Fetch.Sources = append(rt.Config.Fetch.Sources, config.Source{Name: source, Paths: args})
			}
			return run(ctx, rt, once)
		},
	})
	cmd.Flags().BoolVar(&once, "once", false, "scan the sources once and exit instead of watching")
	cmd.Flags().StringVar(&source, "source", "local", "source name for paths given as arguments (part of every article id)")
	os.Exit(process.Main(cmd))
}

// stdio writes the raw articles of the paths as JSON Lines; "-" reads
// standard input.
func stdio(cfg config.Config, src fetch.Source, paths []string, in io.Reader, out, errw io.Writer) error {
	if len(paths) == 0 {
		return fmt.Errorf("fetch --stdio needs files, folders, or - for standard input")
	}
	o := fetch.Options{MaxBytes: cfg.Fetch.MaxBytes}
	failed := 0
	emit := func(raws []article.Raw, rejected []fetch.Rejected) error {
		for _, r := range rejected {
			failed++
			fmt.Fprintf(errw, "%s: %v\n", r.URI, r.Err)
		}
		return stage.WriteLines(out, raws)
	}
	if err := fetch.ReadPaths(src, paths, in, o, emit); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%w: %d inputs rejected", stage.ErrSomeFailed, failed)
	}
	return nil
}

func run(ctx context.Context, rt *process.Runtime, once bool) error {
	rs, err := fetch.Runners(ctx, rt.Env)
	if err != nil {
		return err
	}
	if once {
		st, err := fetch.ScanAll(ctx, rs)
		rt.Log.Info("fetched", "files", st.Files, "files_skipped", st.Skipped, "articles", st.Articles,
			"published", st.Published, "rejected", st.Rejected, "requests", st.Requests,
			"not_modified", st.NotModified, "errors", st.Errors)
		return err
	}
	fetch.WatchAll(ctx, rt.Env, rs)
	return nil
}
