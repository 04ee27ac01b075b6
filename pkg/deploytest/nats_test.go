package deploytest

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/freeport"
	"github.com/casewire/casewire/pkg/natsembed"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/topology"
)

// natsOptions parses a nats-server configuration file the way nats-server
// does, with the environment variables it references set.
func natsOptions(t *testing.T, path string, env map[string]string) *server.Options {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	opts, err := server.ProcessConfigFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return opts
}

func TestNATSConfigs(t *testing.T) {
	cases := []struct {
		name       string
		path       []string
		env        map[string]string
		wantRoutes []string // host names of the cluster routes, nil for one server
	}{
		{name: "single server", path: []string{"compose", "nats.conf"}},
		{name: "cluster node", path: []string{"compose", "nats-cluster", "nats.conf"}, env: map[string]string{"SERVER_NAME": "nats-2"}, wantRoutes: []string{"nats", "nats-2", "nats-3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := natsOptions(t, deployments(t, tc.path...), tc.env)
			if !o.JetStream {
				t.Errorf("JetStream is off")
			}
			if o.MaxPayload < natsembed.DefaultMaxPayload {
				t.Errorf("max_payload %d is below the embedded server's %d: large pages would be refused", o.MaxPayload, natsembed.DefaultMaxPayload)
			}
			if o.HTTPPort != 8222 {
				t.Errorf("monitoring port %d, want 8222 (healthchecks and KEDA use it)", o.HTTPPort)
			}
			if tc.wantRoutes == nil {
				return
			}
			if o.ServerName != tc.env["SERVER_NAME"] {
				t.Errorf("server_name %q, want it from SERVER_NAME", o.ServerName)
			}
			if o.Cluster.Name != "casewire" || o.Cluster.Port != 6222 {
				t.Errorf("cluster %q on %d", o.Cluster.Name, o.Cluster.Port)
			}
			var hosts []string
			for _, r := range o.Routes {
				hosts = append(hosts, r.Hostname())
			}
			if !slices.Equal(hosts, tc.wantRoutes) {
				t.Errorf("routes to %v, want %v", hosts, tc.wantRoutes)
			}
			// The compose override names the same three services.
			services := yamlDocs(t, deployments(t, "compose", "compose.nats-cluster.yaml"))[0]["services"].(map[string]any)
			for _, h := range tc.wantRoutes {
				if _, ok := services[h]; !ok {
					t.Errorf("route to %s, but compose.nats-cluster.yaml has no service %s", h, h)
				}
			}
		})
	}
}

// TestNATSClusterReplicates starts three servers from the cluster
// configuration (moved to loopback ports and temporary storage), lays out
// casewire's topology with streams.replicas 3, and keeps publishing and
// consuming with one node down.
func TestNATSClusterReplicates(t *testing.T) {
	path := deployments(t, "compose", "nats-cluster", "nats.conf")
	names := []string{"nats", "nats-2", "nats-3"}
	ports := freeport.Some(t, len(names))
	var routes []*url.URL
	for _, p := range ports {
		routes = append(routes, &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", p)})
	}
	servers := make([]*server.Server, len(names))
	var urls []string
	for i, name := range names {
		o := natsOptions(t, path, map[string]string{"SERVER_NAME": name})
		o.Host, o.Port, o.HTTPPort = "127.0.0.1", -1, 0
		o.Cluster.Host, o.Cluster.Port = "127.0.0.1", ports[i]
		o.Routes = routes
		o.StoreDir = t.TempDir()
		o.NoSigs, o.NoLog = true, true
		s, err := server.NewServer(o)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		go s.Start()
		t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
		if !s.ReadyForConnections(10 * time.Second) {
			t.Fatalf("%s did not start", name)
		}
		servers[i] = s
		urls = append(urls, s.ClientURL())
	}
	nc, err := nats.Connect(urls[0]+","+urls[1]+","+urls[2], nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := natstest.Context(t)
	cfg := topology.Config{Replicas: 3}
	natstest.Eventually(t, 30*time.Second, "the cluster elects a JetStream leader and takes the topology", func() bool {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		return topology.Ensure(c, js, cfg) == nil
	})
	for _, sc := range topology.StreamConfigs(cfg) {
		st, err := js.Stream(ctx, sc.Name)
		if err != nil {
			t.Fatal(err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Config.Replicas != 3 || info.Cluster == nil || info.Cluster.Name != "casewire" {
			t.Errorf("stream %s: replicas %d, cluster %+v", sc.Name, info.Config.Replicas, info.Cluster)
		}
	}

	// Lose one node: a quorum of two still stores and delivers.
	servers[2].Shutdown()
	servers[2].WaitForShutdown()
	var ack *jetstream.PubAck
	natstest.Eventually(t, 30*time.Second, "publish with one node down", func() bool {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		ack, err = js.Publish(c, topology.SubjectRaw, []byte(`{}`), jetstream.WithMsgID("raw:cluster-test"))
		return err == nil
	})
	if ack.Stream != topology.StreamRaw {
		t.Errorf("stored in %s", ack.Stream)
	}
	cons, err := topology.Consumer(ctx, js, topology.StageClean)
	if err != nil {
		t.Fatal(err)
	}
	var got int
	natstest.Eventually(t, 30*time.Second, "consume with one node down", func() bool {
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			return false
		}
		for m := range batch.Messages() {
			if m.Ack() == nil {
				got++
			}
		}
		return got == 1
	})
}
