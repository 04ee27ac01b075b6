// Package process is what every casewire binary needs around its stage: the
// command line and configuration, logging, the NATS connection and JetStream
// topology, metrics, the health endpoint and the exit status. It knows no
// stage: each binary passes its own (see services/).
package process

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"golang.org/x/term"

	"github.com/casewire/casewire/pkg/config"
)

// NewLogger builds the process logger: text on a terminal, JSON otherwise
// (format "auto"), or as configured.
func NewLogger(c config.Log, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		return nil, fmt.Errorf("log.level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	format := c.Format
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(h), nil
}
