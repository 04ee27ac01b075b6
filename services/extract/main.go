// Command extract finds typed statistics in clean articles.
package main

import (
	"context"
	"io"
	"os"
	"runtime/debug"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/process"
	"github.com/casewire/casewire/pkg/stage"
)

func main() {
	os.Exit(process.Main(process.WorkerCommand(process.WorkerSpec{
		Name:  "extract",
		Uses:  []config.Section{config.SectionExtract},
		Short: "Extract facts from casewire.v1.clean into casewire.v1.extracted",
		Stdio: func(ctx context.Context, cfg config.Config, _ []string, in io.Reader, out, errw io.Writer) error {
			x, _, err := extract.FromConfig(cfg.Extract)
			if err != nil {
				return err
			}
			_, err = stage.Filter(ctx, in, out, errw, extract.Handler(x))
			return err
		},
		Run: func(ctx context.Context, rt *process.Runtime, _ []string) error {
			setMemoryLimit(rt.Config.Extract.MemoryLimitMiB)
			x, _, err := extract.FromConfig(rt.Config.Extract)
			if err != nil {
				return err
			}
			return extract.Run(ctx, rt.Env, x)
		},
	})))
}

// setMemoryLimit gives the garbage collector a soft limit: the segmenter's
// dictionary is ~200 MB of long-lived heap, and without a limit the heap
// doubles past it before a collection (peak RSS ~340 MB measured, ~260 MB with
// a 270 MiB limit at the same CPU). GOMEMLIMIT, if set, wins.
func setMemoryLimit(mib int64) {
	if mib <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(mib << 20)
}
