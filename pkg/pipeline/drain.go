package pipeline

import (
	"context"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/topology"
)

// Idle reports whether every stage has consumed and acknowledged everything
// upstream of it. Stages are checked in pipeline order: a stage acks only
// after publishing its outputs, so once clean is idle its outputs are already
// in the next stream when extract is checked, and so on.
func Idle(ctx context.Context, js jetstream.JetStream) (bool, error) {
	for _, h := range topology.Hops() {
		info, err := topology.ConsumerInfo(ctx, js, h)
		if err != nil {
			return false, err
		}
		if info.NumPending > 0 || info.NumAckPending > 0 || info.NumRedelivered > 0 {
			return false, nil
		}
	}
	return true, nil
}

// WaitIdle polls Idle until the pipeline has caught up or ctx ends.
func WaitIdle(ctx context.Context, js jetstream.JetStream, every time.Duration) error {
	for {
		ok, err := Idle(ctx, js)
		if err == nil && ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
}
