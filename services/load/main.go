// Command load writes extracted articles into ClickHouse in batches.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/casewire/casewire/pkg/chconn"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/process"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/warehouse"
)

func main() {
	os.Exit(process.Main(process.WorkerCommand(process.WorkerSpec{
		Name:  "load",
		Uses:  []config.Section{config.SectionClickHouse, config.SectionLoad},
		Short: "Load casewire.v1.extracted into ClickHouse (schema applied at start)",
		// Ready only while ClickHouse answers too: without it load can only pile up retries.
		Checks: func(ctx context.Context, cfg config.Config) (map[string]process.Check, func(), error) {
			return chconn.Readiness(ctx, cfg.ClickHouse)
		},
		Stdio: func(ctx context.Context, cfg config.Config, _ []string, in io.Reader, out, errw io.Writer) error {
			w, err := warehouse.Open(ctx, cfg, nil)
			if err != nil {
				return err
			}
			defer w.Close()
			st, err := stage.BatchFilter(ctx, in, errw, cfg.Load.BatchRows, w.Write)
			fmt.Fprintf(out, "loaded %d of %d articles into %s\n", st.Out, st.In, cfg.ClickHouse.Database)
			return err
		},
		Run: func(ctx context.Context, rt *process.Runtime, _ []string) error {
			w, err := warehouse.Open(ctx, rt.Config, rt.Log)
			if err != nil {
				return err
			}
			defer w.Close()
			return warehouse.Run(ctx, rt.Env, w)
		},
	})))
}
