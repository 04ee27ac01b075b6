package stage

import (
	"context"
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/topology"
)

// Env is what a stage's worker runs with: each stage's Run function takes it,
// so a binary links only the stages it runs.
type Env struct {
	JS      jetstream.JetStream
	Config  config.Config
	Log     *slog.Logger
	Metrics *Metrics
}

// Run runs h as the named stage's worker on its durable consumer, publishing
// to the stage's output subject, until ctx ends.
func Run[In any, Out Keyed](ctx context.Context, env Env, name string, concurrency int, h Handler[In, Out]) error {
	hop, err := topology.HopFor(name)
	if err != nil {
		return err
	}
	cons, err := topology.Consumer(ctx, env.JS, name)
	if err != nil {
		return err
	}
	w := &Worker[In, Out]{
		Stage: name, JS: env.JS, Consumer: cons, Output: hop.Output,
		Handle: h, Concurrency: concurrency,
		MaxDeliver: env.Config.Streams.MaxDeliver, Backoff: DefaultBackoff(),
		Log: env.Log, Metrics: env.Metrics,
	}
	return w.Run(ctx)
}
