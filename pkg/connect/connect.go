// Package connect opens casewire's NATS connections from the configuration
// (or starts an embedded JetStream server), with authentication and TLS.
// ClickHouse connections are chconn's, so that a stage without ClickHouse
// does not link its driver.
package connect

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/natsembed"
	"github.com/casewire/casewire/pkg/topology"
)

// EmbeddedURL is the nats.url value that starts an in-process server.
const EmbeddedURL = "embedded"

// StartEmbedded starts the in-process JetStream server for a single-node run
// on nats.listen and returns its client URL.
func StartEmbedded(c config.NATS, log *slog.Logger) (*server.Server, string, error) {
	dir, err := filepath.Abs(c.StoreDir)
	if err != nil {
		return nil, "", fmt.Errorf("nats.store_dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", fmt.Errorf("nats.store_dir: %w", err)
	}
	host, port, err := listenAddr(c.Listen)
	if err != nil {
		return nil, "", err
	}
	s, err := natsembed.Start(natsembed.Options{Host: host, Port: port, StoreDir: dir})
	if err != nil {
		return nil, "", err
	}
	log.Info("embedded NATS JetStream started", "url", s.ClientURL(), "store_dir", dir)
	return s, s.ClientURL(), nil
}

// listenAddr checks nats.listen and that its port is free: the server
// itself would only fail in the background and time out.
func listenAddr(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, config.Invalid(fmt.Errorf("config nats.listen %q: %w", addr, err))
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, config.Invalid(fmt.Errorf("config nats.listen %q: bad port", addr))
	}
	if port == 0 {
		return host, 0, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", 0, fmt.Errorf("embedded NATS cannot listen on %s (nats.listen): %w; "+
			"another casewire run or NATS server holds it: stop it, set nats.listen (CASEWIRE_NATS_LISTEN) to another address, "+
			"or set nats.url to use that server", addr, err)
	}
	ln.Close()
	return host, port, nil
}

// NATS connects with the configured authentication and TLS, reconnects
// forever (a restarted server must not stop a worker), and lays out the
// topology.
func NATS(ctx context.Context, c config.NATS, url string, name string, streams config.Streams, log *slog.Logger) (*nats.Conn, jetstream.JetStream, error) {
	nc, js, err := dialNATS(c, url, name, log)
	if err != nil {
		return nil, nil, err
	}
	err = waitJetStream(ctx, nc, log, "lay out JetStream topology", func() error {
		return topology.Ensure(ctx, js, topology.FromSettings(streams))
	})
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, js, nil
}

// NATSInspect connects as NATS does but only reads: it waits for JetStream
// to answer and changes nothing, so that a monitoring user (casewire status)
// needs no right to create or update streams and consumers.
func NATSInspect(ctx context.Context, c config.NATS, url string, name string, log *slog.Logger) (*nats.Conn, jetstream.JetStream, error) {
	nc, js, err := dialNATS(c, url, name, log)
	if err != nil {
		return nil, nil, err
	}
	err = waitJetStream(ctx, nc, log, "reach JetStream", func() error {
		_, err := js.AccountInfo(ctx)
		return err
	})
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, js, nil
}

// toolDialer says how a connection is made: the zero value is a worker's,
// which waits for a server that is not up yet; a timeout makes it a tool's,
// which fails at once when nothing answers.
type toolDialer struct{ timeout time.Duration }

func dialNATS(c config.NATS, url string, name string, log *slog.Logger) (*nats.Conn, jetstream.JetStream, error) {
	return dialNATSWith(c, url, name, log, toolDialer{})
}

func dialNATSWith(c config.NATS, url string, name string, log *slog.Logger, d toolDialer) (*nats.Conn, jetstream.JetStream, error) {
	opts := []nats.Option{
		nats.Name("casewire-" + name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500 * time.Millisecond),
	}
	if d.timeout > 0 {
		opts = append(opts, nats.Timeout(d.timeout))
	} else {
		opts = append(opts, nats.RetryOnFailedConnect(true))
	}
	opts = append(opts,
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			// A nil error is our own drain at shutdown, not news.
			if err != nil {
				log.Warn("NATS disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("NATS reconnected", "url", nc.ConnectedUrlRedacted())
		}),
		// Without a handler nats.go prints async errors (a slow consumer
		// after a server restart) as bare lines on stderr, outside the log.
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			log.Warn("NATS async error", "subject", subject, "err", err)
		}),
	)
	switch {
	case c.CredsFile != "":
		opts = append(opts, nats.UserCredentials(c.CredsFile))
	case c.NKeyFile != "":
		o, err := nats.NkeyOptionFromSeed(c.NKeyFile)
		if err != nil {
			return nil, nil, fmt.Errorf("nats.nkey_file: %w", err)
		}
		opts = append(opts, o)
	case c.Token != "":
		opts = append(opts, nats.Token(c.Token))
	case c.User != "":
		opts = append(opts, nats.UserInfo(c.User, c.Password))
	}
	if c.TLS.Enabled {
		tc, err := c.TLS.ClientConfig()
		if err != nil {
			return nil, nil, fmt.Errorf("nats.tls: %w", err)
		}
		opts = append(opts, nats.Secure(tc))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to NATS: %w", err)
	}
	// Workers publish asynchronously and stop waiting for a PubAck after
	// their own PubAckWait; this timeout also drops the client's record of
	// it, so PubAcks lost without a disconnect (which clears them) cannot
	// pile up to the client's limit of outstanding publishes.
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(time.Minute))
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("jetstream: %w", err)
	}
	return nc, js, nil
}

// waitJetStream retries try until it succeeds or ctx ends: with
// RetryOnFailedConnect the first connect may still be under way. On failure
// the connection is closed.
func waitJetStream(ctx context.Context, nc *nats.Conn, log *slog.Logger, what string, try func() error) error {
	for {
		err := try()
		if err == nil {
			return nil
		}
		log.Warn("waiting for JetStream", "err", err, "nats_err", nc.LastError())
		select {
		case <-ctx.Done():
			// A refused login only shows in the connection's last error;
			// name it rather than a bare deadline.
			last := nc.LastError()
			nc.Close()
			if last != nil {
				return fmt.Errorf("%s: %w (NATS: %v)", what, err, last)
			}
			return fmt.Errorf("%s: %w", what, err)
		case <-time.After(time.Second):
		}
	}
}
