package connect_test

import (
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/connect"
)

// TestToolURL: an operator's tool takes nats.url when it was set, else the
// address a live casewire run wrote, else the default; a state file left by
// a process that is gone is ignored.
func TestToolURL(t *testing.T) {
	dir := t.TempDir()
	live := connect.RunState{NATSURL: "nats://127.0.0.1:4333", PID: os.Getpid(), StartedAt: time.Now()}
	cases := []struct {
		name     string
		url      string
		state    *connect.RunState
		want     string
		wantFrom string
	}{
		{name: "default, no run", url: config.DefaultNATSURL, want: config.DefaultNATSURL, wantFrom: "default"},
		{name: "default, a run", url: config.DefaultNATSURL, state: &live, want: live.NATSURL, wantFrom: "casewire-run.json"},
		{name: "set, a run", url: "nats://nats:4222", state: &live, want: "nats://nats:4222", wantFrom: "nats.url"},
		{name: "a run that is gone", url: config.DefaultNATSURL, state: &connect.RunState{NATSURL: "nats://127.0.0.1:4333", PID: 1 << 30}, want: config.DefaultNATSURL, wantFrom: "default"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := config.NATS{URL: c.url, StoreDir: dir}
			if c.state != nil {
				remove, err := connect.WriteRunState(n, *c.state)
				if err != nil {
					t.Fatal(err)
				}
				defer remove()
			}
			got, from := connect.ToolURL(n)
			if got != c.want || !strings.Contains(from, c.wantFrom) {
				t.Errorf("ToolURL = %q from %q, want %q from …%s", got, from, c.want, c.wantFrom)
			}
		})
	}
}

// TestEmbeddedPortTaken: a taken nats.listen fails at once with the address
// and the settings to change.
func TestEmbeddedPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c := config.NATS{Listen: ln.Addr().String(), StoreDir: t.TempDir()}
	start := time.Now()
	_, _, err = connect.StartEmbedded(c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil {
		t.Fatal("started on a taken port")
	}
	for _, want := range []string{ln.Addr().String(), "nats.listen", "CASEWIRE_NATS_LISTEN", "nats.url"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %s to fail", took)
	}
}

func TestRunStateHoldsNoSecret(t *testing.T) {
	n := config.NATS{URL: config.DefaultNATSURL, StoreDir: t.TempDir()}
	remove, err := connect.WriteRunState(n, connect.RunState{NATSURL: "nats://app:s3cret@a:4222, nats://b:4222", PID: os.Getpid()})
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	data, err := os.ReadFile(connect.RunStatePath(n))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "s3cret") || !strings.Contains(string(data), "nats://a:4222,nats://b:4222") {
		t.Errorf("state file:\n%s", data)
	}
}
