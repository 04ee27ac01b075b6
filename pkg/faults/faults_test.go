package faults

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/topology"
)

// defaultArticles keeps the whole fault suite within a few minutes on two
// cores; CASEWIRE_FAULTS_ARTICLES=20000 is the long run of REPORT.md.
const defaultArticles = 800

// freshDB names a database on the shared test ClickHouse that load creates
// and the test drops.
func freshDB(t *testing.T) (addr, db string) {
	t.Helper()
	conn, db := chtest.Open(t) // creates it; load's CREATE IF NOT EXISTS reuses it
	_ = conn
	return chtest.Addr(t), db
}

// TestKillWorkers kills each worker with SIGKILL in the middle of the stream
// and restarts it: what it held unacknowledged is redelivered after AckWait,
// outputs are republished with the same ids and dropped as duplicates.
func TestKillWorkers(t *testing.T) {
	n := articleCount(t, defaultArticles)
	addr, db := freshDB(t)
	h := newHarness(t, addr, db, nil)
	started := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	waitSampler := h.sample(ctx)
	defer func() { cancel(); waitSampler() }()

	procs := map[string]*proc{}
	for _, s := range []string{topology.StageClean, topology.StageExtract, topology.StageLoad} {
		procs[s] = h.start(s)
	}
	// The stream keeps arriving while workers die.
	published := h.stream(n, 10*time.Second)
	rec := map[string]string{}
	for i, s := range []string{topology.StageClean, topology.StageExtract, topology.StageLoad} {
		// Each worker dies with work in its hands, a quarter further on each time.
		h.waitAcked(s, uint64(n*(i+1)/5), 3*time.Minute, procs[topology.StageClean], procs[topology.StageExtract], procs[topology.StageLoad])
		procs[s].kill9(t)
		killedAt := time.Now()
		procs[s] = h.start(s)
		d := h.waitProgress(s, 2*time.Minute, procs[s])
		rec[s+" kill -9 -> ack floor moving again"] = d.Round(10 * time.Millisecond).String()
		t.Logf("%s killed at %d acked; restarted, acking again after %s", s, h.acked(s), time.Since(killedAt).Round(time.Millisecond))
	}
	published()
	last := time.Now()
	h.waitIdle(5*time.Minute, procs[topology.StageClean], procs[topology.StageExtract], procs[topology.StageLoad])
	rec["last restart -> all loaded"] = time.Since(last).Round(10 * time.Millisecond).String()
	cancel()
	waitSampler()
	o := outcome{Test: "kill -9 each worker mid-stream", Recovery: rec}
	h.verify(&o, started)
}

// TestNATSRestart restarts the JetStream server (file storage) mid-stream:
// workers reconnect by themselves and carry on.
func TestNATSRestart(t *testing.T) {
	n := articleCount(t, defaultArticles)
	addr, db := freshDB(t)
	h := newHarness(t, addr, db, nil)
	started := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	waitSampler := h.sample(ctx)
	defer func() { cancel(); waitSampler() }()

	h.publish(0, n)
	ps := []*proc{h.start(topology.StageClean), h.start(topology.StageExtract), h.start(topology.StageLoad)}
	h.waitAcked(topology.StageExtract, uint64(n/3), 3*time.Minute, ps...)
	h.nats.Restart(t)
	restarted := time.Now()
	d := h.waitProgress(topology.StageExtract, 2*time.Minute, ps...)
	h.waitIdle(5*time.Minute, ps...)
	rec := map[string]string{
		"restart -> extract acking again": d.Round(10 * time.Millisecond).String(),
		"restart -> all loaded":           time.Since(restarted).Round(10 * time.Millisecond).String(),
	}
	cancel()
	waitSampler()
	o := outcome{Test: "JetStream server restarted mid-stream", Recovery: rec}
	h.verify(&o, started)
}

// TestCompetingConsumers runs three cleaners, two extractors and two loaders
// on the same durable consumers: each article is handled by one of them,
// none is missed, and the facts are those of a single-instance run.
func TestCompetingConsumers(t *testing.T) {
	n := articleCount(t, defaultArticles)
	addr, db := freshDB(t)
	h := newHarness(t, addr, db, nil)
	started := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	waitSampler := h.sample(ctx)
	defer func() { cancel(); waitSampler() }()

	h.publish(0, n)
	var ps []*proc
	for _, s := range []string{"clean", "clean", "clean", "extract", "extract", "load", "load"} {
		ps = append(ps, h.start(s))
	}
	h.waitIdle(5*time.Minute, ps...)
	cancel()
	waitSampler()
	o := outcome{Test: "competing consumers: 3 clean, 2 extract, 2 load", Recovery: map[string]string{}}
	h.verify(&o, started)

	// The same articles through one instance of each stage give the same facts.
	addr2, db2 := freshDB(t)
	single := newHarness(t, addr2, db2, nil)
	single.publish(0, n)
	sps := []*proc{single.start("clean"), single.start("extract"), single.start("load")}
	single.waitIdle(5*time.Minute, sps...)
	so := outcome{Test: "single instance of each stage (baseline)", Recovery: map[string]string{}}
	single.verify(&so, started)
	if o.Facts != so.Facts || o.FactsHash != so.FactsHash {
		t.Errorf("competing consumers gave %d facts (hash %x), a single instance %d (hash %x)", o.Facts, o.FactsHash, so.Facts, so.FactsHash)
	}
}

// clickHouseDownFor is how long TestClickHouseDown keeps the server down:
// long enough for load's backoff to grow past a few retries.
const clickHouseDownFor = 20 * time.Second

// TestClickHouseDown stops ClickHouse mid-stream: load backs off and stops
// pulling, JetStream holds the backlog, load's memory stays bounded, and
// once ClickHouse is back everything arrives.
func TestClickHouseDown(t *testing.T) {
	n := articleCount(t, defaultArticles)
	ch := chtest.StartPrivate(t)
	h := newHarness(t, ch.Addr, "casewire_faults", nil)
	started := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	waitSampler := h.sample(ctx)
	defer func() { cancel(); waitSampler() }()

	load := h.start(topology.StageLoad)
	ps := []*proc{h.start(topology.StageClean), h.start(topology.StageExtract), load}
	published := h.stream(n, 15*time.Second)
	h.waitAcked(topology.StageLoad, uint64(n/5), 3*time.Minute, ps...)
	ch.Stop()
	stoppedAt := time.Now()
	// While it is down the rest of the stream arrives, is cleaned and
	// extracted and waits in JetStream; load stays up and holds at most
	// max_ack_pending messages. It stays down at least clickHouseDownFor.
	published()
	h.waitAcked(topology.StageExtract, uint64(n), 5*time.Minute, ps...)
	var loadRSS int64
	for time.Since(stoppedAt) < clickHouseDownFor {
		h.checkAlive(ps...)
		loadRSS = max(loadRSS, load.rssKB())
		time.Sleep(100 * time.Millisecond)
	}
	backlog := h.pending(topology.StageLoad)
	ackedWhileDown := h.acked(topology.StageLoad)
	downFor := time.Since(stoppedAt)
	h.checkAlive(ps...)
	ch.Start(t)
	back := time.Now()
	h.waitIdle(5*time.Minute, ps...)
	rec := map[string]string{
		"ClickHouse down for":                  downFor.Round(100 * time.Millisecond).String(),
		"backlog held in JetStream while down": strconv.FormatUint(backlog, 10) + " messages",
		"load peak RSS while down":             strconv.FormatInt(loadRSS/1024, 10) + " MB",
		"ClickHouse back -> all loaded":        time.Since(back).Round(10 * time.Millisecond).String(),
	}
	if backlog < uint64(n/2) {
		t.Errorf("only %d messages waited in JetStream while ClickHouse was down: did load keep pulling?", backlog)
	}
	if ackedWhileDown >= uint64(n) {
		t.Errorf("load acknowledged everything while ClickHouse was down")
	}
	if loadRSS > 400<<10 {
		t.Errorf("load's RSS reached %d MB with ClickHouse down", loadRSS>>10)
	}
	cancel()
	waitSampler()
	o := outcome{Test: "ClickHouse stopped mid-stream, then started", Recovery: rec}
	h.verify(&o, started)
}

// pending is how many messages wait for a stage, unacknowledged ones included.
func (h *harness) pending(stageName string) uint64 {
	h.t.Helper()
	hop, _ := topology.HopFor(stageName)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := h.js.Consumer(ctx, hop.Stream, hop.Durable)
	if err != nil {
		h.t.Fatal(err)
	}
	info, err := c.Info(ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return info.NumPending + uint64(info.NumAckPending)
}

// TestSlowStage makes extract the bottleneck (one message at a time) with a
// small max_ack_pending: the backlog stays in JetStream, extract never holds
// more than max_ack_pending messages and its memory stays flat.
func TestSlowStage(t *testing.T) {
	n := articleCount(t, defaultArticles/2) // one message at a time: the slowest test
	addr, db := freshDB(t)
	h := newHarness(t, addr, db, map[string]string{
		"CASEWIRE_STREAMS_MAX_ACK_PENDING": "16",
		"CASEWIRE_EXTRACT_CONCURRENCY":     "1",
	})
	started := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	waitSampler := h.sample(ctx)
	defer func() { cancel(); waitSampler() }()
	h.publish(0, n)
	ps := []*proc{h.start(topology.StageClean), h.start(topology.StageExtract), h.start(topology.StageLoad)}
	h.waitAcked(topology.StageClean, uint64(n), 3*time.Minute, ps...)
	backlog := h.pending(topology.StageExtract)
	h.waitIdle(5*time.Minute, ps...)
	cancel()
	waitSampler()
	rss, _ := h.peaks()
	o := outcome{Test: "slow stage (extract, concurrency 1, max_ack_pending 16)", Recovery: map[string]string{
		"backlog waiting for extract when clean finished": fmt.Sprintf("%d messages", backlog),
	}}
	if rss["extract"] > 800<<10 {
		t.Errorf("extract's RSS peaked at %d MB", rss["extract"]>>10)
	}
	h.verify(&o, started)
}
