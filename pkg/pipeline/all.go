// Package pipeline runs every stage in one process (casewire run) and tells
// when the stages have caught up. Each stage's own wiring sits next to its
// logic (clean.Run, extract.Run, warehouse.Run, fetch.Runners), so a stage's
// binary links only that stage.
package pipeline

import (
	"context"
	"errors"
	"sync"

	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/stage"
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
func StartConsumers(ctx context.Context, env stage.Env, p Parts) (wait func() error) {
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
	run(0, func(ctx context.Context) error { return clean.Run(ctx, env, p.Cleaner) })
	run(1, func(ctx context.Context) error { return extract.Run(ctx, env, p.Extractor) })
	run(2, func(ctx context.Context) error { return warehouse.Run(ctx, env, p.Writer) })
	return func() error {
		wg.Wait()
		cancel()
		return errors.Join(errs...)
	}
}
