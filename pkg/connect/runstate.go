package connect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/topology"
)

// RunStateFile is the file casewire run writes in nats.store_dir while it
// runs: where its embedded NATS server and its metrics listen, so that
// status, dlq and scripts find the pipeline without being told.
const RunStateFile = "casewire-run.json"

// RunState is the content of RunStateFile.
type RunState struct {
	NATSURL   string    `json:"nats_url"`
	HTTPAddr  string    `json:"http_addr,omitempty"`
	PID       int       `json:"pid"`
	StartedAt time.Time `json:"started_at"`
}

// RunStatePath is where casewire run with this configuration writes its state.
func RunStatePath(c config.NATS) string {
	return filepath.Join(c.StoreDir, RunStateFile)
}

// WriteRunState writes st for the tools; remove deletes it again at exit.
// Credentials in the URL are left out: the file is for anyone who can read
// the data folder, and each tool brings its own.
func WriteRunState(c config.NATS, st RunState) (remove func(), err error) {
	path := RunStatePath(c)
	st.NATSURL = withoutUserInfo(st.NATSURL)
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("run state: %w", err)
	}
	// Written beside and renamed, so a reader never sees half a file.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("run state: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("run state: %w", err)
	}
	return func() { _ = os.Remove(path) }, nil
}

// ReadRunState reads the state of a casewire run that is still alive; ok is
// false when there is none (no file, or its process has gone: a kill -9
// leaves the file behind).
func ReadRunState(c config.NATS) (st RunState, ok bool) {
	data, err := os.ReadFile(RunStatePath(c))
	if err != nil {
		return st, false
	}
	if json.Unmarshal(data, &st) != nil || st.NATSURL == "" || st.PID <= 0 {
		return st, false
	}
	if err := syscall.Kill(st.PID, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return st, false
	}
	return st, true
}

// ToolURL is the NATS URL an operator's tool uses, and where it came from:
// nats.url when set to anything but the default, else the address a running
// casewire run wrote in nats.store_dir, else the default.
func ToolURL(c config.NATS) (url, from string) {
	if c.URL != config.DefaultNATSURL && c.URL != EmbeddedURL {
		return c.URL, "nats.url"
	}
	if st, ok := ReadRunState(c); ok {
		return st.NATSURL, "casewire run's " + RunStatePath(c)
	}
	return config.DefaultNATSURL, "nats.url default"
}

// ToolTimeout bounds how long an operator's tool waits for NATS and
// JetStream before it gives up and says where it looked.
const ToolTimeout = 5 * time.Second

// NATSTool connects an operator's tool (status, dlq): it fails within
// seconds when nothing answers, naming the URL, where it came from and the
// setting to change, instead of retrying like a worker. With ensure it lays
// out the topology as a worker would; otherwise it only reads.
func NATSTool(ctx context.Context, c config.NATS, streams config.Streams, name string, ensure bool, log *slog.Logger) (*nats.Conn, jetstream.JetStream, error) {
	url, from := ToolURL(c)
	fail := func(err error) error {
		return fmt.Errorf("cannot reach NATS at %s (from %s): %w; start the pipeline (casewire run) or point nats.url at its server "+
			"(--set nats.url=URL, CASEWIRE_NATS_URL or NATS_URL)", url, from, err)
	}
	d := toolDialer{timeout: ToolTimeout}
	nc, js, err := dialNATSWith(c, url, name, log, d)
	if err != nil {
		return nil, nil, fail(err)
	}
	ctx, cancel := context.WithTimeout(ctx, ToolTimeout)
	defer cancel()
	if ensure {
		err = topology.Ensure(ctx, js, topology.FromSettings(streams))
	} else {
		_, err = js.AccountInfo(ctx)
	}
	if err != nil {
		nc.Close()
		if last := nc.LastError(); last != nil {
			err = fmt.Errorf("%w (NATS: %v)", err, last)
		}
		return nil, nil, fail(fmt.Errorf("JetStream: %w", err))
	}
	return nc, js, nil
}

// withoutUserInfo drops user:password@ from each URL of a comma-separated list.
func withoutUserInfo(urls string) string {
	parts := strings.Split(urls, ",")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if u, err := neturl.Parse(p); err == nil && u.User != nil {
			u.User = nil
			p = u.String()
		}
		parts[i] = p
	}
	return strings.Join(parts, ",")
}
