package process

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/config"
)

// healthcheckCommand probes the running worker's own endpoint. Distroless
// and scratch images have no curl or wget, so a container healthcheck runs
// the binary itself; it reads the same configuration and so knows http.addr.
func healthcheckCommand(name string, sections []config.Section, flags *Flags) *cobra.Command {
	var path string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Exit 0 if this service's /readyz (or --path) answers 200 on http.addr; for container healthchecks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := flags.LoadFor(sections, config.Default())
			if err != nil {
				return err
			}
			url, err := ProbeURL(cfg.HTTP.HTTPAddr(name), path)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			return Probe(ctx, url)
		},
	}
	cmd.Flags().StringVar(&path, "path", "/readyz", "endpoint to probe: /readyz or /healthz")
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "give up after this long")
	return cmd
}

// ProbeURL turns a listen address into the URL a local probe calls: a
// wildcard host becomes the loopback address.
func ProbeURL(addr, path string) (string, error) {
	if addr == "" {
		return "", config.Invalid(errors.New("config http.addr: off, no endpoint to probe"))
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", config.Invalid(fmt.Errorf("config http.addr %q: %w", addr, err))
	}
	if port == "0" || port == "" {
		return "", config.Invalid(fmt.Errorf("config http.addr %q: a probe needs a fixed port", addr))
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + path, nil
}

// Probe GETs url and fails unless it answers 200.
func Probe(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("probe %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("probe %s: %s: %s", url, resp.Status, body)
	}
	return nil
}
