// Command clean turns raw articles into clean articles: decoded, normalised,
// split out of their pages.
package main

import (
	"context"
	"io"
	"os"

	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/pipeline"
	"github.com/casewire/casewire/pkg/service"
	"github.com/casewire/casewire/pkg/stage"
)

func main() {
	os.Exit(service.Main(service.WorkerCommand(service.WorkerSpec{
		Name:  "clean",
		Short: "Clean raw articles from casewire.v1.raw into casewire.v1.clean",
		Stdio: func(ctx context.Context, _ config.Config, _ []string, in io.Reader, out, errw io.Writer) error {
			_, err := stage.Filter(ctx, in, out, errw, pipeline.CleanHandler(clean.New(clean.Options{})))
			return err
		},
		Run: func(ctx context.Context, rt *service.Runtime, _ []string) error {
			return pipeline.RunClean(ctx, rt.Env, clean.New(clean.Options{}))
		},
	})))
}
