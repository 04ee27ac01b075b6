package process

import (
	"errors"
	"fmt"
	"testing"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/stage"
)

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"nats://127.0.0.1:4222", "nats://127.0.0.1:4222"},
		{"nats://casewire:s3cret@nats-1:4222", "nats://redacted@nats-1:4222"},
		{"nats://tok@a:4222, nats://b:4222", "nats://redacted@a:4222,nats://b:4222"},
		{"embedded", "embedded"},
	} {
		if got := redactURL(tc.in); got != tc.want {
			t.Errorf("redactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestExitCode: a configuration that cannot be used exits 2 however it is
// worded or wrapped; any other failure exits 1.
func TestExitCode(t *testing.T) {
	_, readErr := config.ReadFrom(config.Default(), "", nil, []string{"streams.replicas=9"})
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"none", nil, 0},
		{"invalid value", readErr, 2},
		{"wrapped", fmt.Errorf("start: %w", readErr), 2},
		{"bad --set", func() error { _, err := config.ReadFrom(config.Default(), "", nil, []string{"nope"}); return err }(), 2},
		{"worded like config but a run failure", errors.New("config server unreachable"), 1},
		{"some inputs failed", fmt.Errorf("%w: 1 of 2", stage.ErrSomeFailed), 1},
	} {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("%s: ExitCode(%v) = %d, want %d", tc.name, tc.err, got, tc.want)
		}
	}
}
