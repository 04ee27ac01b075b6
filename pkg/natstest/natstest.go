// Package natstest runs an in-process JetStream server for tests, the way
// net/http/httptest runs an HTTP server: a random port, storage in the test's
// temporary folder, shut down when the test ends.
package natstest

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/natsembed"
)

// Server is a running test server. Restart keeps its URL and storage.
type Server struct {
	URL  string
	port int
	dir  string

	mu  sync.Mutex
	srv *server.Server
}

// Start starts a server for the test and stops it in t.Cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	dir := t.TempDir()
	s, err := natsembed.Start(natsembed.Options{StoreDir: dir})
	if err != nil {
		t.Fatalf("start embedded NATS: %v", err)
	}
	srv := &Server{URL: s.ClientURL(), port: s.Addr().(*net.TCPAddr).Port, dir: dir, srv: s}
	t.Cleanup(srv.Shutdown)
	return srv
}

// Shutdown stops the server and waits for it to finish.
func (s *Server) Shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv == nil {
		return
	}
	s.srv.Shutdown()
	s.srv.WaitForShutdown()
	s.srv = nil
}

// Restart stops the server and starts it again on the same port and file
// storage, as an operator's restart would.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Shutdown()
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, err := natsembed.Start(natsembed.Options{Port: s.port, StoreDir: s.dir})
	if err != nil {
		t.Fatalf("restart embedded NATS: %v", err)
	}
	s.srv = ns
}

// Connect returns a connection and a JetStream context, closed in t.Cleanup.
func Connect(t testing.TB, url string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url, nats.Timeout(5*time.Second), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("jetstream: %v", err)
	}
	return nc, js
}

// Context returns a context that ends with the test.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}

// Eventually polls cond every few milliseconds until it holds or the timeout
// passes, then fails the test with msg. Tests wait on conditions, never sleep.
func Eventually(t testing.TB, timeout time.Duration, msg string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s: %s", timeout, msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
