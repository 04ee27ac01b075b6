package extract

import (
	"context"
	"fmt"
	"time"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/gazetteer"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

// Handler adapts the extractor to the stage runtime; its errors are
// permanent. It stamps each message's extraction time, the warehouse's row
// version. Each observe is told every article's fact count (the
// facts-per-article metric).
func Handler(x *Extractor, observe ...func(facts int)) stage.Handler[article.Clean, article.Extracted] {
	return func(_ context.Context, c article.Clean) ([]article.Extracted, error) {
		e, err := x.Extract(c)
		if err != nil {
			return nil, stage.Permanent(fmt.Errorf("extract %s: %w", c.ID, err))
		}
		e.ExtractedAt = time.Now().UTC().Truncate(time.Second)
		for _, o := range observe {
			o(len(e.Facts))
		}
		return []article.Extracted{e}, nil
	}
}

// FromConfig builds the extractor with the gazetteer and the configured
// dictionaries: seconds and a few hundred MB, once per process.
func FromConfig(c config.Extract) (*Extractor, *gazetteer.Gazetteer, error) {
	gz, err := gazetteer.Load()
	if err != nil {
		return nil, nil, fmt.Errorf("load gazetteer: %w", err)
	}
	x, err := New(Options{DictFiles: c.DictFiles, Places: gz})
	if err != nil {
		return nil, nil, fmt.Errorf("build extractor: %w", err)
	}
	return x, gz, nil
}

// Run consumes clean articles until ctx ends.
func Run(ctx context.Context, env stage.Env, x *Extractor) error {
	observe := func(n int) { env.Metrics.ObserveFacts(topology.StageExtract, n) }
	return stage.Run(ctx, env, topology.StageExtract, env.Config.Extract.Concurrency, Handler(x, observe))
}
