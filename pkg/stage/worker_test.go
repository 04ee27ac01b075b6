package stage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

const maxDeliver = 3

type harness struct {
	t       *testing.T
	js      jetstream.JetStream
	metrics *stage.Metrics
	cfg     topology.Config
	logs    *syncBuffer // what the workers log
}

// syncBuffer is a log sink the worker goroutines may write concurrently.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (h *harness) log() *slog.Logger { return slog.New(slog.NewTextHandler(h.logs, nil)) }

func newHarness(t *testing.T) *harness {
	t.Helper()
	srv := natstest.Start(t)
	_, js := natstest.Connect(t, srv.URL)
	cfg := topology.Config{MemoryStorage: true, MaxDeliver: maxDeliver, AckWait: 2 * time.Second}
	if err := topology.Ensure(natstest.Context(t), js, cfg); err != nil {
		t.Fatal(err)
	}
	m, err := stage.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, js: js, metrics: m, cfg: cfg, logs: &syncBuffer{}}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// runClean starts a clean-stage worker with handler h until the test ends.
func (h *harness) runClean(handle stage.Handler[article.Raw, article.Clean]) (stop func()) {
	h.t.Helper()
	return h.runCleanTo(topology.SubjectClean, handle)
}

// runCleanTo is runClean publishing its outputs to output.
func (h *harness) runCleanTo(output string, handle stage.Handler[article.Raw, article.Clean]) (stop func()) {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cons, err := topology.Consumer(ctx, h.js, topology.StageClean)
	if err != nil {
		h.t.Fatal(err)
	}
	w := &stage.Worker[article.Raw, article.Clean]{
		Stage: topology.StageClean, JS: h.js, Consumer: cons, Output: output,
		Handle: handle, Concurrency: 2, MaxDeliver: maxDeliver, PubAckWait: time.Second,
		Backoff: stage.Backoff{Base: 10 * time.Millisecond, Max: 50 * time.Millisecond},
		Log:     h.log(), Metrics: h.metrics,
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				h.t.Errorf("worker: %v", err)
			}
		})
	}
	h.t.Cleanup(stop)
	return stop
}

func (h *harness) publish(subject string, data []byte, id string) {
	h.t.Helper()
	var opts []jetstream.PublishOpt
	if id != "" {
		opts = append(opts, jetstream.WithMsgID(id))
	}
	if _, err := h.js.PublishMsg(context.Background(), &nats.Msg{Subject: subject, Data: data}, opts...); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) publishRaw(r article.Raw) {
	h.t.Helper()
	b, err := article.Encode(r)
	if err != nil {
		h.t.Fatal(err)
	}
	h.publish(topology.SubjectRaw, b, r.MessageID())
}

// streamMsgs returns how many messages a stream holds.
func (h *harness) streamMsgs(name string) uint64 {
	h.t.Helper()
	s, err := h.js.Stream(context.Background(), name)
	if err != nil {
		h.t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return info.State.Msgs
}

// settled reports whether the clean consumer has nothing pending or in flight.
func (h *harness) settled(stageName string) bool {
	hop, _ := topology.HopFor(stageName)
	c, err := h.js.Consumer(context.Background(), hop.Stream, hop.Durable)
	if err != nil {
		return false
	}
	info, err := c.Info(context.Background())
	if err != nil {
		return false
	}
	return info.NumPending == 0 && info.NumAckPending == 0 && info.NumRedelivered == 0
}

// deadLetters reads every dead letter of a stage.
func (h *harness) deadLetters(stageName string) []*nats.Msg {
	h.t.Helper()
	s, err := h.js.Stream(context.Background(), topology.StreamDeadLetter)
	if err != nil {
		h.t.Fatal(err)
	}
	info, _ := s.Info(context.Background())
	var out []*nats.Msg
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := s.GetMsg(context.Background(), seq)
		if err != nil {
			continue
		}
		if m.Subject == topology.DeadLetterSubject(stageName) {
			out = append(out, &nats.Msg{Subject: m.Subject, Data: m.Data, Header: m.Header})
		}
	}
	return out
}

func raw(n int) article.Raw {
	body := []byte(fmt.Sprintf("今年1月至4月，该市立案%d起。", n))
	r := article.Raw{V: article.Version, Source: "test", URI: fmt.Sprintf("mem://%d", n), Format: article.FormatText, Body: body}
	r.ID = article.RawID(r.Source, r.URI, r.Body)
	return r
}

// split is a deterministic handler: one clean article per raw.
func split(_ context.Context, r article.Raw) ([]article.Clean, error) {
	return []article.Clean{{V: article.Version, ID: article.CleanID(r.ID, 0), RawID: r.ID, Source: r.Source, URI: r.URI, Body: string(r.Body)}}, nil
}

func TestWorkerPublishesThenAcks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runClean(split)
	for i := range 20 {
		h.publishRaw(raw(i))
	}
	natstest.Eventually(t, 10*time.Second, "20 clean articles and an idle consumer", func() bool {
		return h.streamMsgs(topology.StreamClean) == 20 && h.settled(topology.StageClean)
	})
	if got := testutil.ToFloat64(h.metrics.Acked.WithLabelValues(topology.StageClean)); got != 20 {
		t.Errorf("acked = %v, want 20", got)
	}
	if n := len(h.deadLetters(topology.StageClean)); n != 0 {
		t.Errorf("dead letters = %d, want 0", n)
	}
}

// TestWorkerPublishRefusedIsRetried: outputs no stream stores (here: a
// subject no stream listens on) never get a PubAck, so the input is never
// acked; it is retried and, at MaxDeliver, dead-lettered with the cause.
func TestWorkerPublishRefusedIsRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var calls atomic.Int32
	h.runCleanTo("casewire.v1.nowhere", func(ctx context.Context, r article.Raw) ([]article.Clean, error) {
		calls.Add(1)
		return split(ctx, r)
	})
	h.publishRaw(raw(3))
	var dl []*nats.Msg
	natstest.Eventually(t, 20*time.Second, "one dead letter", func() bool {
		dl = h.deadLetters(topology.StageClean)
		return len(dl) == 1 && h.settled(topology.StageClean)
	})
	if got := dl[0].Header.Get(stage.HeaderReason); got != stage.ReasonMaxDeliver {
		t.Errorf("reason = %q, want %q", got, stage.ReasonMaxDeliver)
	}
	if got := dl[0].Header.Get(stage.HeaderError); !strings.Contains(got, "publish") || !strings.Contains(got, "casewire.v1.nowhere") {
		t.Errorf("error header %q does not name the failed publish", got)
	}
	if calls.Load() != maxDeliver {
		t.Errorf("handler calls = %d, want %d", calls.Load(), maxDeliver)
	}
	if got := testutil.ToFloat64(h.metrics.Acked.WithLabelValues(topology.StageClean)); got != 0 {
		t.Errorf("acked = %v, want 0", got)
	}
}

func TestWorkerRedeliveryIsHarmless(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// The first delivery publishes its output but "crashes" before acking: the
	// nak stands in for a lost ack. The redelivery publishes the same msg id.
	var calls atomic.Int32
	h.runClean(func(ctx context.Context, r article.Raw) ([]article.Clean, error) {
		out, _ := split(ctx, r)
		if calls.Add(1) == 1 {
			b, _ := article.Encode(out[0])
			if _, err := h.js.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectClean, Data: b}, jetstream.WithMsgID(out[0].MessageID())); err != nil {
				return nil, stage.Permanent(err)
			}
			return nil, errors.New("simulated crash after publish")
		}
		return out, nil
	})
	h.publishRaw(raw(1))
	natstest.Eventually(t, 10*time.Second, "input acked after retry", func() bool {
		return calls.Load() >= 2 && h.settled(topology.StageClean)
	})
	if n := h.streamMsgs(topology.StreamClean); n != 1 {
		t.Errorf("clean stream holds %d messages, want 1 (duplicate dropped)", n)
	}
}

func TestWorkerDeadLetters(t *testing.T) {
	t.Parallel()
	future := []byte(`{"v":2,"id":"x","source":"s","uri":"u"}`)
	cases := []struct {
		name       string
		payload    []byte
		handle     stage.Handler[article.Raw, article.Clean]
		wantReason string
		wantErr    string
		wantCalls  int32 // handler calls; -1: not checked
	}{
		{name: "not json", payload: []byte("\x00\x01 not a message"), handle: split, wantReason: stage.ReasonDecode, wantErr: "invalid message", wantCalls: -1},
		{name: "future version", payload: future, handle: split, wantReason: stage.ReasonVersion, wantErr: "unsupported schema version: 2", wantCalls: -1},
		{name: "unknown field", payload: []byte(`{"v":1,"id":"x","source":"s","uri":"u","bogus":1}`), handle: split, wantReason: stage.ReasonDecode, wantErr: "bogus", wantCalls: -1},
		{name: "permanent", handle: func(context.Context, article.Raw) ([]article.Clean, error) {
			return nil, stage.Permanent(errors.New("empty article: no text after cleaning"))
		}, wantReason: stage.ReasonPermanent, wantErr: "empty article", wantCalls: 1},
		{name: "transient until max deliver", handle: func(context.Context, article.Raw) ([]article.Clean, error) {
			return nil, errors.New("downstream unavailable")
		}, wantReason: stage.ReasonMaxDeliver, wantErr: "after 3 deliveries: downstream unavailable", wantCalls: maxDeliver},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			var calls atomic.Int32
			h.runClean(func(ctx context.Context, r article.Raw) ([]article.Clean, error) {
				calls.Add(1)
				return tc.handle(ctx, r)
			})
			payload := tc.payload
			if payload == nil {
				payload, _ = article.Encode(raw(7))
			}
			h.publish(topology.SubjectRaw, payload, "in-1")
			var dl []*nats.Msg
			natstest.Eventually(t, 10*time.Second, "one dead letter", func() bool {
				dl = h.deadLetters(topology.StageClean)
				return len(dl) == 1 && h.settled(topology.StageClean)
			})
			m := dl[0]
			if got := m.Header.Get(stage.HeaderReason); got != tc.wantReason {
				t.Errorf("reason = %q, want %q", got, tc.wantReason)
			}
			if got := m.Header.Get(stage.HeaderError); !strings.Contains(got, tc.wantErr) {
				t.Errorf("error header %q does not contain %q", got, tc.wantErr)
			}
			if got := m.Header.Get(stage.HeaderSubject); got != topology.SubjectRaw {
				t.Errorf("subject header = %q", got)
			}
			if got := m.Header.Get(stage.HeaderStage); got != topology.StageClean {
				t.Errorf("stage header = %q", got)
			}
			if got := m.Header.Get(stage.HeaderMsgID); got != "in-1" {
				t.Errorf("msg id header = %q", got)
			}
			if string(m.Data) != string(payload) {
				t.Errorf("dead letter payload changed")
			}
			if tc.wantCalls >= 0 && calls.Load() != tc.wantCalls {
				t.Errorf("handler calls = %d, want %d", calls.Load(), tc.wantCalls)
			}
			if n := h.streamMsgs(topology.StreamClean); n != 0 {
				t.Errorf("clean stream holds %d, want 0", n)
			}
		})
	}
}

func TestWorkerPipelineKeepsGoingAfterBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runClean(split)
	h.publish(topology.SubjectRaw, []byte("garbage"), "")
	for i := range 5 {
		h.publishRaw(raw(i))
	}
	natstest.Eventually(t, 10*time.Second, "good messages through, bad one dead-lettered", func() bool {
		return h.streamMsgs(topology.StreamClean) == 5 && len(h.deadLetters(topology.StageClean)) == 1 && h.settled(topology.StageClean)
	})
}

func TestWorkerShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	started := make(chan struct{})
	release := make(chan struct{})
	stop := h.runClean(func(ctx context.Context, r article.Raw) ([]article.Clean, error) {
		close(started)
		<-release
		return split(ctx, r)
	})
	h.publishRaw(raw(1))
	<-started
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	close(release)
	<-stopped
	// After Run returned, the in-flight message was published and acked.
	if n := h.streamMsgs(topology.StreamClean); n != 1 {
		t.Errorf("clean stream holds %d, want 1", n)
	}
	natstest.Eventually(t, 5*time.Second, "input acked", func() bool { return h.settled(topology.StageClean) })
}

// TestWorkerLogsRecovery: after transient failures, the first message acked
// again is logged as the stage's recovery, once.
func TestWorkerLogsRecovery(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var calls atomic.Int32
	h.runClean(func(ctx context.Context, r article.Raw) ([]article.Clean, error) {
		if calls.Add(1) <= 2 {
			return nil, errors.New("dial tcp: connection refused")
		}
		return split(ctx, r)
	})
	h.publishRaw(raw(1))
	natstest.Eventually(t, 10*time.Second, "the recovery logged", func() bool {
		return strings.Contains(h.logs.String(), "recovered") && h.settled(topology.StageClean)
	})
	h.publishRaw(raw(2))
	natstest.Eventually(t, 10*time.Second, "the next message acked", func() bool {
		return testutil.ToFloat64(h.metrics.Acked.WithLabelValues(topology.StageClean)) == 2
	})
	if n := strings.Count(h.logs.String(), "recovered"); n != 1 {
		t.Errorf("recovery logged %d times, want once:\n%s", n, h.logs.String())
	}
}

// TestWorkerPanicIsDeadLettered: a handler that panics on one message
// dead-letters it with ReasonPanic and the stack, once, and the worker goes on
// with the next messages.
func TestWorkerPanicIsDeadLettered(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	poison := raw(99)
	var calls atomic.Int32
	h.runClean(func(ctx context.Context, r article.Raw) ([]article.Clean, error) {
		if r.ID == poison.ID {
			calls.Add(1)
			var m map[string]int
			m["boom"]++ // a nil map write: a real runtime panic
		}
		return split(ctx, r)
	})
	h.publishRaw(poison)
	for i := range 5 {
		h.publishRaw(raw(i))
	}
	var dl []*nats.Msg
	natstest.Eventually(t, 10*time.Second, "5 clean articles and the poison dead-lettered", func() bool {
		dl = h.deadLetters(topology.StageClean)
		return h.streamMsgs(topology.StreamClean) == 5 && len(dl) == 1 && h.settled(topology.StageClean)
	})
	if got := dl[0].Header.Get(stage.HeaderReason); got != stage.ReasonPanic {
		t.Errorf("reason = %q, want %q", got, stage.ReasonPanic)
	}
	if got := dl[0].Header.Get(stage.HeaderError); !strings.Contains(got, "assignment to entry in nil map") || !strings.Contains(got, "worker_test.go") {
		t.Errorf("error header %q lacks the panic value or its stack", got)
	}
	if calls.Load() != 1 {
		t.Errorf("poison handled %d times, want 1 (a panic is not retried)", calls.Load())
	}
	if !strings.Contains(h.logs.String(), "article_id="+poison.ID) {
		t.Errorf("the dead letter's log line does not name the article %s:\n%s", poison.ID, h.logs.String())
	}
	if got := testutil.ToFloat64(h.metrics.DeadLettered.WithLabelValues(topology.StageClean, stage.ReasonPanic)); got != 1 {
		t.Errorf("dead-lettered{panic} = %v, want 1", got)
	}
}
