package pipeline

import (
	"context"
	"errors"
	"sync"

	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/warehouse"
)

// Parts are the stages' built logic for a single-process run.
type Parts struct {
	Cleaner   *clean.Cleaner
	Extractor *extract.Extractor
	Writer    *warehouse.Writer
}

// StartConsumers runs clean, extract and load in this process, each on its
// durable consumer exactly as the separate services would. wait blocks until
// all three have stopped (after ctx ends) and returns their errors.
func StartConsumers(ctx context.Context, env Env, p Parts) (wait func() error) {
	var wg sync.WaitGroup
	errs := make([]error, 3)
	// A stage that fails stops the others: a half pipeline would only pile
	// up a backlog.
	ctx, cancel := context.WithCancel(ctx)
	run := func(i int, f func(context.Context) error) {
		wg.Go(func() {
			if err := f(ctx); err != nil {
				errs[i] = err
				cancel()
			}
		})
	}
	run(0, func(ctx context.Context) error { return RunClean(ctx, env, p.Cleaner) })
	run(1, func(ctx context.Context) error { return RunExtract(ctx, env, p.Extractor) })
	run(2, func(ctx context.Context) error { return RunLoad(ctx, env, p.Writer) })
	return func() error {
		wg.Wait()
		cancel()
		return errors.Join(errs...)
	}
}
