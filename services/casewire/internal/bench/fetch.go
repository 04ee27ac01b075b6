package bench

import (
	"context"
	"io"
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/fetch"
)

func fetchPublisher(ctx context.Context, js jetstream.JetStream) (*fetch.Publisher, error) {
	return fetch.NewPublisher(ctx, js, 1, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func fetchRunner(source, dir string, pub *fetch.Publisher) *fetch.Runner {
	return &fetch.Runner{Source: fetch.Source{Name: source}, Paths: []string{dir}, Pub: pub}
}
