// Package natsembed runs a JetStream-enabled NATS server inside the process,
// for single-node runs and tests. Production runs an external NATS cluster
// instead; the services only ever see a URL.
package natsembed

import (
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Options for an embedded server. Zero values choose a random loopback port.
type Options struct {
	Host       string // default 127.0.0.1
	Port       int    // 0 picks a free port
	StoreDir   string // JetStream file storage; required
	MaxPayload int32  // default 8 MiB, above NATS's 1 MiB so large pages fit
}

// DefaultMaxPayload is the largest message the embedded server accepts.
const DefaultMaxPayload = 8 << 20

// Start starts a server and waits until it accepts connections.
func Start(o Options) (*server.Server, error) {
	if o.StoreDir == "" {
		return nil, fmt.Errorf("natsembed: StoreDir is required")
	}
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	port := o.Port
	if port == 0 {
		port = server.RANDOM_PORT
	}
	if o.MaxPayload == 0 {
		o.MaxPayload = DefaultMaxPayload
	}
	s, err := server.NewServer(&server.Options{
		ServerName: "casewire-embedded",
		Host:       o.Host,
		Port:       port,
		JetStream:  true,
		StoreDir:   o.StoreDir,
		MaxPayload: o.MaxPayload,
		NoSigs:     true, // the process owns its signals, not the server
		NoLog:      true,
	})
	if err != nil {
		return nil, fmt.Errorf("natsembed: new server: %w", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("natsembed: server not ready within 10s")
	}
	return s, nil
}
