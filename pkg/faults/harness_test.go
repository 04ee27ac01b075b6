package faults

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/chconn"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/pipeline"
	"github.com/casewire/casewire/pkg/servicetest"
	"github.com/casewire/casewire/pkg/topology"
)

// TestMain removes the service binaries servicetest built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	servicetest.Cleanup()
	os.Exit(code)
}

// articleCount is how many articles each fault test streams:
// CASEWIRE_FAULTS_ARTICLES overrides the default for a longer run.
func articleCount(t *testing.T, def int) int {
	t.Helper()
	if s := os.Getenv("CASEWIRE_FAULTS_ARTICLES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("CASEWIRE_FAULTS_ARTICLES=%q: want a positive number", s)
		}
		return n
	}
	return def
}

// proc is one service process.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// kill9 kills the process the hard way, as an OOM killer or a power cut would.
func (p *proc) kill9(t *testing.T) {
	t.Helper()
	if !p.alive() {
		t.Fatalf("%s already exited: %v (log %s)", p.name, p.err, p.log)
	}
	if err := syscall.Kill(p.pid(), syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %s: %v", p.name, err)
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not die after SIGKILL", p.name)
	}
}

// stop asks the process to drain and exit, then kills it if it takes too long.
func (p *proc) stop() {
	if !p.alive() {
		return
	}
	_ = syscall.Kill(p.pid(), syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(p.pid(), syscall.SIGKILL)
		<-p.done
	}
}

// rssKB reads the resident set size from /proc; 0 once the process is gone.
func (p *proc) rssKB() int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.pid()))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// tail returns the last lines of the process's log, for failure messages.
func (p *proc) tail() string {
	b, _ := os.ReadFile(p.log)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}

// harness is one fault test's world: a JetStream server with file storage, a
// ClickHouse database, the service processes and the input articles.
type harness struct {
	t      *testing.T
	nats   *natstest.Server
	js     jetstream.JetStream
	chAddr string
	db     string
	conn   driver.Conn
	env    map[string]string
	cfg    config.Config
	logDir string

	mu    sync.Mutex
	procs []*proc
	seq   int
	peak  map[string]int64 // stage -> peak RSS in kB across its processes
	ackPk map[string]int   // consumer -> peak NumAckPending

	ids []string // raw ids of the input articles
}

// newHarness prepares NATS and the configuration; chAddr and db name the
// ClickHouse database the load processes write to (created by load itself).
func newHarness(t *testing.T, chAddr, db string, overrides map[string]string) *harness {
	t.Helper()
	srv := natstest.Start(t)
	_, js := natstest.Connect(t, srv.URL)
	h := newHarnessOn(t, srv.URL, js, chAddr, db, overrides)
	h.nats = srv
	return h
}

// newHarnessOn is newHarness on NATS servers of the test's own: natsURL (one
// URL or several, comma separated) as the workers see it, js a connection to
// them. chAddr may list several ClickHouse servers, comma separated.
func newHarnessOn(t *testing.T, natsURL string, js jetstream.JetStream, chAddr, db string, overrides map[string]string) *harness {
	t.Helper()
	h := &harness{t: t, js: js, chAddr: chAddr, db: db, logDir: logDir(t),
		peak: map[string]int64{}, ackPk: map[string]int{}}
	h.env = map[string]string{
		"CASEWIRE_NATS_URL":            natsURL,
		"CLICKHOUSE_ADDR":              chAddr,
		"CASEWIRE_CLICKHOUSE_DATABASE": db,
		"CASEWIRE_LOG_FORMAT":          "json",
		"CASEWIRE_LOG_LEVEL":           "warn",
		// Redelivery of what a killed worker held comes after AckWait: short
		// here so a test does not wait the production 30s.
		"CASEWIRE_STREAMS_ACK_WAIT":        "5s",
		"CASEWIRE_STREAMS_MAX_ACK_PENDING": "256",
		"CASEWIRE_LOAD_BATCH_WAIT":         "200ms",
		"CASEWIRE_LOAD_BATCH_ROWS":         "200",
	}
	for k, v := range overrides {
		h.env[k] = v
	}
	cfg, err := config.Read("", func(k string) (string, bool) { v, ok := h.env[k]; return v, ok }, nil)
	if err != nil {
		t.Fatalf("configuration of the test: %v", err)
	}
	h.cfg = cfg
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := topology.Ensure(ctx, js, topology.FromSettings(cfg.Streams)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.stopAll)
	return h
}

// logDir is where the processes' logs go: the test's folder, or with
// CASEWIRE_FAULTS_LOGS set a folder of that name kept after the run.
func logDir(t *testing.T) string {
	t.Helper()
	base := os.Getenv("CASEWIRE_FAULTS_LOGS")
	if base == "" {
		return t.TempDir()
	}
	dir := filepath.Join(base, strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// start runs a service binary with the harness's environment.
func (h *harness) start(name string, env ...string) *proc {
	h.t.Helper()
	h.mu.Lock()
	h.seq++
	logPath := filepath.Join(h.logDir, fmt.Sprintf("%s-%d.log", name, h.seq))
	h.mu.Unlock()
	cmd := exec.Command(servicetest.Binary(h.t, name))
	cmd.Env = h.environ(env...)
	// Killed with the test binary too, should a timeout or ^C end it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	f, err := os.Create(logPath)
	if err != nil {
		h.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		h.t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	h.mu.Lock()
	h.procs = append(h.procs, p)
	h.mu.Unlock()
	return p
}

// environ is a clean environment: the harness's settings, not the user's.
func (h *harness) environ(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "CASEWIRE_") || strings.HasPrefix(k, "CLICKHOUSE_") || k == "NATS_URL" {
			continue
		}
		out = append(out, kv)
	}
	for k, v := range h.env {
		out = append(out, k+"="+v)
	}
	return append(out, extra...)
}

func (h *harness) stopAll() {
	h.mu.Lock()
	procs := append([]*proc(nil), h.procs...)
	h.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Go(p.stop)
	}
	wg.Wait()
}

// checkAlive fails the test if a process that should be running exited.
func (h *harness) checkAlive(ps ...*proc) {
	h.t.Helper()
	for _, p := range ps {
		if !p.alive() {
			h.t.Fatalf("%s exited: %v\n%s", p.name, p.err, p.tail())
		}
	}
}

// sample records peak RSS per stage and peak unacknowledged messages per
// consumer every 100ms until ctx ends.
func (h *harness) sample(ctx context.Context) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			h.mu.Lock()
			procs := append([]*proc(nil), h.procs...)
			h.mu.Unlock()
			for _, p := range procs {
				if p.alive() {
					rss := p.rssKB()
					h.mu.Lock()
					h.peak[p.name] = max(h.peak[p.name], rss)
					h.mu.Unlock()
				}
			}
			for _, hop := range topology.Hops() {
				qctx, cancel := context.WithTimeout(ctx, time.Second)
				if c, err := h.js.Consumer(qctx, hop.Stream, hop.Durable); err == nil {
					if info, err := c.Info(qctx); err == nil {
						h.mu.Lock()
						h.ackPk[hop.Durable] = max(h.ackPk[hop.Durable], info.NumAckPending)
						h.mu.Unlock()
					}
				}
				cancel()
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return func() { <-done }
}

// peaks returns the sampled peaks.
func (h *harness) peaks() (rss map[string]int64, ackPending map[string]int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rss, ackPending = map[string]int64{}, map[string]int{}
	for k, v := range h.peak {
		rss[k] = v
	}
	for k, v := range h.ackPk {
		ackPending[k] = v
	}
	return rss, ackPending
}

// sentences vary real public-security report sentences with a counter, so
// that every article is distinct and yields facts.
var sentences = []string{
	"%[1]d年%[2]d月，%[3]s公安局共立刑事案件%[4]d起，同比下降%[5]d%%，破获各类案件%[6]d起，抓获犯罪嫌疑人%[7]d名。",
	"%[2]d月%[8]d日，%[3]s公安局交警支队开展酒驾醉驾专项整治，查处酒驾违法行为%[4]d起，其中醉驾%[9]d起。",
	"今年以来，%[3]s公安机关共打掉电信网络诈骗犯罪团伙%[9]d个，为群众挽回经济损失%[6]d万元。",
	"%[3]s公安局治安管理支队表示，辖区盗窃案件发案数同比下降%[5]d%%，接报警情%[7]d起。",
	"据介绍，%[3]s公安机关共破获毒品案件%[9]d起，缴获各类毒品%[4]d克。",
}

var regions = []string{"乌海市", "呼和浩特市", "包头市", "赤峰市", "鄂尔多斯市", "通辽市", "杭州市", "温州市", "宁波市", "合肥市", "南昌市", "长沙市"}

// rawArticle is the n-th generated input article.
func rawArticle(n int) article.Raw {
	region := regions[n%len(regions)]
	var b strings.Builder
	fmt.Fprintf(&b, "%s公安通报第%d期\n", region, n)
	for i := range 3 {
		s := sentences[(n+i)%len(sentences)]
		fmt.Fprintf(&b, s+"\n", 2020+n%5, 1+n%12, region, 100+n%900, 1+n%60, 50+n%500, 10+n%300, 1+n%28, 2+n%40)
	}
	fmt.Fprintf(&b, "（通报编号%d）\n", n)
	body := []byte(b.String())
	r := article.Raw{
		V: article.Version, Source: "faults", URI: fmt.Sprintf("file:///faults/%06d.txt", n), Format: article.FormatText,
		FetchedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Body: body, Meta: map[string]string{"title": fmt.Sprintf("%s公安通报第%d期", region, n)},
	}
	r.ID = article.RawID(r.Source, r.URI, r.Body)
	return r
}

// publish publishes articles [from, to) to the raw subject, asynchronously
// with msg ids as fetch does, and waits for every PubAck.
func (h *harness) publish(from, to int) {
	h.t.Helper()
	// In chunks: nats.go stalls beyond 4000 PubAcks outstanding.
	for n := from; n < to; n += 1000 {
		if err := h.publishRange(n, min(n+1000, to)); err != nil {
			h.t.Fatal(err)
		}
	}
}

func (h *harness) publishRange(from, to int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	futures := make([]jetstream.PubAckFuture, 0, to-from)
	for n := from; n < to; n++ {
		r := rawArticle(n)
		data, err := article.Encode(r)
		if err != nil {
			return err
		}
		f, err := h.js.PublishMsgAsync(&nats.Msg{Subject: topology.SubjectRaw, Data: data}, jetstream.WithMsgID(r.MessageID()))
		if err != nil {
			return fmt.Errorf("publish %d: %w", n, err)
		}
		futures = append(futures, f)
		h.mu.Lock()
		h.ids = append(h.ids, r.ID)
		h.mu.Unlock()
	}
	for i, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("publish %d: %w", from+i, err)
		case <-ctx.Done():
			return fmt.Errorf("publish: no PubAck within 2 minutes")
		}
	}
	return nil
}

// stream publishes articles [0, n) in small steps spread over d, as a feed
// would, so that faults hit workers with a stream still arriving. wait
// returns once all are stored.
func (h *harness) stream(n int, d time.Duration) (wait func()) {
	const step = 25
	done := make(chan error, 1)
	go func() {
		steps := (n + step - 1) / step
		tick := time.NewTicker(d / time.Duration(max(steps, 1)))
		defer tick.Stop()
		for from := 0; from < n; from += step {
			if err := h.publishRange(from, min(from+step, n)); err != nil {
				done <- err
				return
			}
			<-tick.C
		}
		done <- nil
	}()
	return func() {
		h.t.Helper()
		select {
		case err := <-done:
			if err != nil {
				h.t.Fatalf("stream: %v", err)
			}
		case <-time.After(5 * time.Minute):
			h.t.Fatal("stream: not published within 5 minutes")
		}
	}
}

// inputs is how many articles were published so far.
func (h *harness) inputs() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.ids)
}

// acked is how many messages a stage has acknowledged so far.
func (h *harness) acked(stageName string) uint64 {
	h.t.Helper()
	hop, err := topology.HopFor(stageName)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := h.js.Consumer(ctx, hop.Stream, hop.Durable)
	if err != nil {
		return 0
	}
	info, err := c.Info(ctx)
	if err != nil {
		return 0
	}
	return info.AckFloor.Stream
}

// waitAcked polls until a stage has acknowledged at least n messages.
func (h *harness) waitAcked(stageName string, n uint64, timeout time.Duration, watch ...*proc) {
	h.t.Helper()
	deadline := time.Now().Add(timeout)
	for h.acked(stageName) < n {
		h.checkAlive(watch...)
		if time.Now().After(deadline) {
			h.t.Fatalf("%s acked %d of %d within %s", stageName, h.acked(stageName), n, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitProgress polls until a stage acknowledges anything beyond what it had,
// and returns how long that took: the time a restarted worker needs to work.
func (h *harness) waitProgress(stageName string, timeout time.Duration, watch ...*proc) time.Duration {
	h.t.Helper()
	start := time.Now()
	before := h.acked(stageName)
	h.waitAcked(stageName, before+1, timeout, watch...)
	return time.Since(start)
}

// waitIdle waits until every stage has caught up and returns how long it took.
func (h *harness) waitIdle(timeout time.Duration, watch ...*proc) time.Duration {
	h.t.Helper()
	start := time.Now()
	deadline := start.Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		ok, err := pipeline.Idle(ctx, h.js)
		cancel()
		if err == nil && ok && h.loaded() >= uint64(h.inputs()) {
			return time.Since(start)
		}
		h.checkAlive(watch...)
		if time.Now().After(deadline) {
			h.t.Fatalf("pipeline not idle within %s (loaded %d of %d, idle=%v err=%v)", timeout, h.loaded(), h.inputs(), ok, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// openCH connects to the harness's ClickHouse database (after load made it).
func (h *harness) openCH() driver.Conn {
	h.t.Helper()
	if h.conn != nil {
		return h.conn
	}
	conn, err := clickhouse.Open(&clickhouse.Options{
		Protocol: clickhouse.Native, Addr: strings.Split(h.chAddr, ","),
		Auth:     clickhouse.Auth{Database: "default", Username: "default"},
		Settings: chconn.LegacySettings(), DialTimeout: 5 * time.Second, ReadTimeout: time.Minute,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { _ = conn.Close() })
	h.conn = conn
	return conn
}

// loaded counts the distinct articles in v_articles; 0 while unreachable.
func (h *harness) loaded() uint64 {
	var n uint64
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.openCH().QueryRow(ctx, "SELECT uniqExact(raw_id) FROM "+h.db+".v_articles").Scan(&n); err != nil {
		return 0
	}
	return n
}

// outcome is what a fault test reports.
type outcome struct {
	Test         string            `json:"test"`
	Articles     int               `json:"articles"`
	Through      uint64            `json:"through"`
	Lost         int               `json:"lost"`
	Duplicated   uint64            `json:"duplicated"`
	ExtraRows    uint64            `json:"extra_rows_absorbed"`
	DeadLetters  map[string]uint64 `json:"dead_letters"`
	Recovery     map[string]string `json:"recovery"`
	PeakRSSMB    map[string]int64  `json:"peak_rss_mb"`
	PeakAckPend  map[string]int    `json:"peak_ack_pending"`
	MaxAckPend   int               `json:"max_ack_pending"`
	Facts        uint64            `json:"facts"`
	FactsInTable uint64            `json:"distinct_facts_in_table"`
	FactsHash    uint64            `json:"facts_hash"`
	Elapsed      string            `json:"elapsed"`
}

// verify is the end of every fault test: every input article in ClickHouse
// exactly once, nothing pending or redelivering, no dead letters.
func (h *harness) verify(o *outcome, started time.Time) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := h.openCH()
	o.Articles = len(h.ids)
	var rawRows, rawDistinct uint64
	if err := conn.QueryRow(ctx, "SELECT count(), uniqExact(article_id) FROM "+h.db+".articles").Scan(&rawRows, &rawDistinct); err != nil {
		h.t.Fatal(err)
	}
	// One query answers both questions, so that they see the same data.
	rows, err := conn.Query(ctx, "SELECT raw_id, count(), uniqExact(article_id) FROM "+h.db+".v_articles GROUP BY raw_id")
	if err != nil {
		h.t.Fatal(err)
	}
	got := map[string]uint64{}
	var total, distinct, split uint64
	for rows.Next() {
		var id string
		var n, d uint64
		if err := rows.Scan(&id, &n, &d); err != nil {
			h.t.Fatal(err)
		}
		got[id] = n
		total += n
		distinct += d
		// One input, two different articles: processed into two results.
		split += d - 1
	}
	if err := rows.Err(); err != nil {
		h.t.Fatalf("read v_articles: %v", err)
	}
	rows.Close()
	var missing []string
	for _, id := range h.ids {
		if got[id] == 0 {
			missing = append(missing, id)
		}
	}
	want := map[string]bool{}
	for _, id := range h.ids {
		want[id] = true
	}
	for id := range got {
		if !want[id] {
			h.t.Errorf("v_articles holds raw id %s that was never published", id)
		}
	}
	o.Through = uint64(len(h.ids) - len(missing))
	o.Lost = len(missing)
	o.Duplicated = total - distinct + split
	o.ExtraRows = rawRows - rawDistinct
	if err := conn.QueryRow(ctx, "SELECT count(), sum(cityHash64(fact_id, article_id, indicator, toString(value), unit)) FROM "+h.db+".v_facts").Scan(&o.Facts, &o.FactsHash); err != nil {
		h.t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT uniqExact(fact_id) FROM "+h.db+".facts").Scan(&o.FactsInTable); err != nil {
		h.t.Fatal(err)
	}
	if o.FactsInTable != o.Facts {
		h.t.Errorf("v_facts shows %d facts, the facts table holds %d distinct ones", o.Facts, o.FactsInTable)
		h.explainHiddenFacts(ctx, conn)
	}
	dl, err := deadletter.Count(ctx, h.js)
	if err != nil {
		h.t.Fatal(err)
	}
	o.DeadLetters = dl
	rss, ack := h.peaks()
	o.PeakRSSMB = map[string]int64{}
	for k, v := range rss {
		o.PeakRSSMB[k] = v / 1024
	}
	o.PeakAckPend = ack
	o.MaxAckPend = h.cfg.Streams.MaxAckPending
	o.Elapsed = time.Since(started).Round(100 * time.Millisecond).String()

	if len(missing) > 0 {
		sort.Strings(missing)
		h.t.Errorf("%d of %d articles lost, e.g. %v", len(missing), len(h.ids), missing[:min(5, len(missing))])
	}
	if o.Duplicated != 0 {
		h.t.Errorf("%d duplicated articles in v_articles", o.Duplicated)
	}
	if distinct != uint64(len(h.ids)) {
		h.t.Errorf("v_articles holds %d articles, want %d", distinct, len(h.ids))
	}
	if ok, err := pipeline.Idle(ctx, h.js); err != nil || !ok {
		h.t.Errorf("pipeline not idle at the end: %v %v", ok, err)
	}
	for st, n := range dl {
		if n > 0 {
			h.t.Errorf("%d dead letters of %s", n, st)
		}
	}
	for c, n := range ack {
		if n > o.MaxAckPend {
			h.t.Errorf("consumer %s had %d unacknowledged messages, above max_ack_pending %d", c, n, o.MaxAckPend)
		}
	}
	h.report(*o)
}

// report logs the outcome and, with CASEWIRE_FAULTS_REPORT set, appends it as
// a JSON line to that file (REPORT.md is written from it).
func (h *harness) report(o outcome) {
	b, _ := json.Marshal(o)
	h.t.Logf("outcome: %s", b)
	path := os.Getenv("CASEWIRE_FAULTS_REPORT")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		h.t.Errorf("report: %v", err)
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s\n", b)
}

// sharedExtractor builds the extractor once per test binary: seconds and a
// few hundred MB each time.
var extractorOnce = sync.OnceValues(func() (*extract.Extractor, error) {
	x, _, err := extract.FromConfig(config.Extract{})
	return x, err
})

func sharedExtractor() (*extract.Extractor, error) { return extractorOnce() }

// explainHiddenFacts logs, for a few facts the table holds but v_facts does
// not show, every version of the fact, the one FINAL keeps, and every version
// of its article, so a failure says which side lost a load.
func (h *harness) explainHiddenFacts(ctx context.Context, conn driver.Conn) {
	type hidden struct {
		fact, article string
		versions      []uint64
	}
	rows, err := conn.Query(ctx, fmt.Sprintf(`
SELECT fact_id, article_id, groupArray(version)
FROM %[1]s.facts
WHERE fact_id NOT IN (SELECT fact_id FROM %[1]s.v_facts)
GROUP BY fact_id, article_id
ORDER BY fact_id
LIMIT 5`, h.db))
	if err != nil {
		h.t.Logf("explain hidden facts: %v", err)
		return
	}
	var hs []hidden
	for rows.Next() {
		var x hidden
		if err := rows.Scan(&x.fact, &x.article, &x.versions); err != nil {
			h.t.Logf("explain hidden facts: %v", err)
			break
		}
		hs = append(hs, x)
	}
	rows.Close()
	for _, x := range hs {
		var final, articleVersions []uint64
		if err := conn.QueryRow(ctx, fmt.Sprintf("SELECT groupArray(version) FROM %s.facts FINAL WHERE fact_id = '%s'", h.db, x.fact)).Scan(&final); err != nil {
			h.t.Logf("explain hidden facts: %v", err)
		}
		if err := conn.QueryRow(ctx, fmt.Sprintf("SELECT groupArray(version) FROM %s.articles WHERE article_id = '%s'", h.db, x.article)).Scan(&articleVersions); err != nil {
			h.t.Logf("explain hidden facts: %v", err)
		}
		h.t.Logf("hidden fact %s: fact versions %v, FINAL keeps %v; article %s versions %v", x.fact, x.versions, final, x.article, articleVersions)
	}
}
