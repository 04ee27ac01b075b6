// Command extract finds typed statistics in clean articles.
package main

import (
	"context"
	"io"
	"os"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/pipeline"
	"github.com/casewire/casewire/pkg/service"
	"github.com/casewire/casewire/pkg/stage"
)

func main() {
	os.Exit(service.Main(service.WorkerCommand(service.WorkerSpec{
		Name:  "extract",
		Short: "Extract facts from casewire.v1.clean into casewire.v1.extracted",
		Stdio: func(ctx context.Context, cfg config.Config, _ []string, in io.Reader, out, errw io.Writer) error {
			x, _, err := pipeline.NewExtractor(cfg.Extract)
			if err != nil {
				return err
			}
			_, err = stage.Filter(ctx, in, out, errw, pipeline.ExtractHandler(x))
			return err
		},
		Run: func(ctx context.Context, rt *service.Runtime, _ []string) error {
			x, _, err := pipeline.NewExtractor(rt.Config.Extract)
			if err != nil {
				return err
			}
			return pipeline.RunExtract(ctx, rt.Env, x)
		},
	})))
}
