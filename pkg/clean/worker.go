package clean

import (
	"context"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

// Handler adapts the cleaner to the stage runtime. Cleaning is deterministic,
// so any error is permanent: the same bytes would fail again. A raw article
// whose id does not match its content is a conflict, dead-lettered as such.
func Handler(c *Cleaner) stage.Handler[article.Raw, article.Clean] {
	return func(_ context.Context, r article.Raw) ([]article.Clean, error) {
		if err := article.CheckRawID(r); err != nil {
			return nil, stage.Conflict(err)
		}
		out, err := c.Clean(r)
		if err != nil {
			// The cleaner's errors already name the input.
			return nil, stage.Permanent(err)
		}
		return out, nil
	}
}

// Run consumes raw articles until ctx ends.
func Run(ctx context.Context, env stage.Env, c *Cleaner) error {
	return stage.Run(ctx, env, topology.StageClean, env.Config.Clean.Concurrency, Handler(c))
}
