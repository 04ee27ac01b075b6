// Command fetch reads the configured sources (files, folders, dumps) into raw
// articles on casewire.v1.raw, once each, and keeps watching them.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/pipeline"
	"github.com/casewire/casewire/pkg/service"
	"github.com/casewire/casewire/pkg/stage"
)

func main() {
	var once bool
	var source string
	cmd := service.WorkerCommand(service.WorkerSpec{
		Name:  "fetch",
		Short: "Fetch files, folders and dumps into casewire.v1.raw",
		Long: "fetch reads every source of fetch.sources in the configuration, and the paths given as\n" +
			"arguments (as one source named by --source), publishes each article once, and keeps\n" +
			"watching for new and changed files unless --once is given.",
		Args: cobra.ArbitraryArgs,
		Stdio: func(ctx context.Context, cfg config.Config, args []string, _ io.Reader, out, errw io.Writer) error {
			return stdio(cfg, fetch.Source{Name: source}, args, out, errw)
		},
		Run: func(ctx context.Context, rt *service.Runtime, args []string) error {
			if len(args) > 0 {
				rt.Config.Fetch.Sources = append(rt.Config.Fetch.Sources, config.Source{Name: source, Paths: args})
			}
			return run(ctx, rt, once)
		},
	})
	cmd.Flags().BoolVar(&once, "once", false, "scan the sources once and exit instead of watching")
	cmd.Flags().StringVar(&source, "source", "local", "source name for paths given as arguments (part of every article id)")
	os.Exit(service.Main(cmd))
}

// stdio writes the raw articles of the paths as JSON Lines.
func stdio(cfg config.Config, src fetch.Source, paths []string, out, errw io.Writer) error {
	if len(paths) == 0 {
		return fmt.Errorf("fetch --stdio needs files or folders to read")
	}
	files, err := fetch.Files(paths...)
	if err != nil {
		return err
	}
	failed := 0
	for _, f := range files {
		raws, rejected, err := fetch.ReadFile(src, f, fetch.Options{MaxBytes: cfg.Fetch.MaxBytes})
		if err != nil {
			rejected = append(rejected, fetch.Rejected{URI: f, Err: err})
		}
		for _, r := range rejected {
			failed++
			fmt.Fprintf(errw, "%s: %v\n", r.URI, r.Err)
		}
		if err := stage.WriteLines(out, raws); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%w: %d inputs rejected", stage.ErrSomeFailed, failed)
	}
	return nil
}

func run(ctx context.Context, rt *service.Runtime, once bool) error {
	rs, err := pipeline.FetchRunners(ctx, rt.Env)
	if err != nil {
		return err
	}
	if once {
		st, err := pipeline.ScanAll(ctx, rs)
		rt.Log.Info("fetched", "files", st.Files, "articles", st.Articles, "published", st.Published, "rejected", st.Rejected)
		return err
	}
	pipeline.WatchAll(ctx, rt.Env, rs)
	return nil
}
