package stage

import (
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/config"
)

// Env is what a stage's worker runs with: each stage's Run function takes it,
// so a binary links only the stages it runs.
type Env struct {
	JS      jetstream.JetStream
	Config  config.Config
	Log     *slog.Logger
	Metrics *Metrics
}
