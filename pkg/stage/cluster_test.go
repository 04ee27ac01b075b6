package stage_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/freeport"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

// startCluster starts three JetStream servers routed to each other and
// returns them.
func startCluster(t *testing.T) []*server.Server {
	t.Helper()
	ports := freeport.Some(t, 3)
	var routes []*url.URL
	for _, p := range ports {
		routes = append(routes, &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", p)})
	}
	servers := make([]*server.Server, 3)
	for i := range servers {
		o := &server.Options{
			ServerName: fmt.Sprintf("n%d", i), Host: "127.0.0.1", Port: -1,
			JetStream: true, StoreDir: t.TempDir(), NoSigs: true, NoLog: true,
			Cluster: server.ClusterOpts{Name: "stage-test", Host: "127.0.0.1", Port: ports[i]},
			Routes:  routes,
		}
		s, err := server.NewServer(o)
		if err != nil {
			t.Fatal(err)
		}
		go s.Start()
		t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
		servers[i] = s
	}
	for _, s := range servers {
		if !s.ReadyForConnections(30 * time.Second) {
			t.Fatalf("%s did not start", s.Name())
		}
	}
	return servers
}

// TestWorkerResumesAfterConsumerLeaderLoss shuts down the node that leads
// the worker's consumer while the worker, connected to another node, is
// busy: its pull request is lost with that leader, and the worker must
// notice (missed heartbeats) and pull again from the new leader. The
// iterator on its own noticed after 30s at best (the rest arrived after
// 33-38s), and in the cluster fault test at times never.
func TestWorkerResumesAfterConsumerLeaderLoss(t *testing.T) {
	t.Parallel()
	servers := startCluster(t)
	// The worker's connection and the test's are to one node, the consumer
	// then placed elsewhere, so that no reconnect tells the iterator.
	conn, err := nats.Connect(servers[0].ClientURL(), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	js, err := jetstream.New(conn)
	if err != nil {
		t.Fatal(err)
	}
	ctx := natstest.Context(t)
	cfg := topology.Config{Replicas: 3, MaxDeliver: maxDeliver, AckWait: 2 * time.Second}
	natstest.Eventually(t, 30*time.Second, "the cluster takes the topology", func() bool {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		return topology.Ensure(c, js, cfg) == nil
	})
	hop, err := topology.HopFor(topology.StageClean)
	if err != nil {
		t.Fatal(err)
	}
	leader := func() string {
		c, err := js.Consumer(ctx, hop.Stream, hop.Durable)
		if err != nil {
			return ""
		}
		info, err := c.Info(ctx)
		if err != nil || info.Cluster == nil {
			return ""
		}
		return info.Cluster.Leader
	}
	// Move the consumer's leadership off the worker's node.
	natstest.Eventually(t, 30*time.Second, "the consumer led by another node than the worker's", func() bool {
		l := leader()
		if l == "" || l != servers[0].Name() {
			return l != ""
		}
		_, _ = conn.Request(fmt.Sprintf("$JS.API.CONSUMER.LEADER.STEPDOWN.%s.%s", hop.Stream, hop.Durable), nil, 2*time.Second)
		return false
	})

	m, err := stage.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, js: js, metrics: m, cfg: cfg, logs: &syncBuffer{}}
	// Slow enough that the worker is still busy, its pull requests parked
	// at the consumer's leader, when that node goes down.
	h.runClean(func(ctx context.Context, r article.Raw) ([]article.Clean, error) {
		time.Sleep(20 * time.Millisecond)
		return split(ctx, r)
	})
	const n = 60
	for i := range n / 2 {
		h.publishRaw(raw(i))
	}
	natstest.Eventually(t, 10*time.Second, "the first articles cleaned", func() bool {
		return h.streamMsgs(topology.StreamClean) >= 5
	})
	old := leader()
	for _, s := range servers {
		if s.Name() == old {
			s.Shutdown()
			s.WaitForShutdown()
		}
	}
	natstest.Eventually(t, 30*time.Second, "a new consumer leader", func() bool {
		l := leader()
		return l != "" && l != old
	})
	for i := n / 2; i < n; i++ {
		b, err := article.Encode(raw(i))
		if err != nil {
			t.Fatal(err)
		}
		natstest.Eventually(t, 10*time.Second, "publish with the leader down", func() bool {
			c, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			_, err := js.PublishMsg(c, &nats.Msg{Subject: topology.SubjectRaw, Data: b}, jetstream.WithMsgID(raw(i).MessageID()))
			return err == nil
		})
	}
	// Well within the iterator's own 30s: heartbeats every 2s, missed twice.
	natstest.Eventually(t, 10*time.Second, "all articles cleaned after the leader change", func() bool {
		return h.streamMsgs(topology.StreamClean) == n
	})
	if !strings.Contains(h.logs.String(), "restarting the message iterator") {
		t.Logf("worker's log:\n%s", h.logs.String())
	}
}
