package stage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

func extracted(n int, title string) article.Extracted {
	e := article.Extracted{Extractor: "test"}
	e.V = article.Version
	e.RawID = fmt.Sprintf("raw%d", n)
	e.ID = article.CleanID(e.RawID, 0)
	e.Title = title
	return e
}

func (h *harness) runLoad(policy stage.BatchPolicy, handle stage.BatchHandler[article.Extracted]) (stop func()) {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cons, err := topology.Consumer(ctx, h.js, topology.StageLoad)
	if err != nil {
		h.t.Fatal(err)
	}
	w := &stage.BatchWorker[article.Extracted]{
		Stage: topology.StageLoad, JS: h.js, Consumer: cons, Handle: handle, Policy: policy,
		AckWait: h.cfg.AckWait, MaxDeliver: maxDeliver,
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
				h.t.Errorf("batch worker: %v", err)
			}
		})
	}
	h.t.Cleanup(stop)
	return stop
}

func (h *harness) publishExtracted(e article.Extracted) {
	h.t.Helper()
	b, err := article.Encode(e)
	if err != nil {
		h.t.Fatal(err)
	}
	h.publish(topology.SubjectExtracted, b, e.MessageID())
}

// sink records what a batch handler stored, by article id.
type sink struct {
	mu      sync.Mutex
	stored  map[string]int
	batches []int
}

func newSink() *sink { return &sink{stored: map[string]int{}} }

func (s *sink) write(batch []article.Extracted) map[int]error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rejected := map[int]error{}
	for i, e := range batch {
		if e.Title == "bad" {
			rejected[i] = errors.New("Cannot parse input: expected Date")
			continue
		}
		s.stored[e.ID]++
	}
	s.batches = append(s.batches, len(batch))
	return rejected
}

func (s *sink) count() (articles, writes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.stored {
		writes += n
	}
	return len(s.stored), writes
}

func TestBatchWorkerRejectsRowsAndLoadsTheRest(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	s := newSink()
	h.runLoad(stage.BatchPolicy{MaxRows: 10, MaxWait: 50 * time.Millisecond}, func(_ context.Context, b []article.Extracted) (map[int]error, error) {
		return s.write(b), nil
	})
	for i := range 25 {
		title := "ok"
		if i%10 == 3 {
			title = "bad"
		}
		h.publishExtracted(extracted(i, title))
	}
	natstest.Eventually(t, 10*time.Second, "22 stored, 3 dead-lettered", func() bool {
		n, _ := s.count()
		return n == 22 && len(h.deadLetters(topology.StageLoad)) == 3 && h.settled(topology.StageLoad)
	})
	for _, m := range h.deadLetters(topology.StageLoad) {
		if m.Header.Get(stage.HeaderReason) != stage.ReasonRejected {
			t.Errorf("reason = %q", m.Header.Get(stage.HeaderReason))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.batches {
		if n > 10 {
			t.Errorf("batch of %d exceeds MaxRows 10", n)
		}
	}
}

func TestBatchWorkerRetriesWholeBatchWithoutRedelivery(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	s := newSink()
	var attempts atomic.Int32
	h.runLoad(stage.BatchPolicy{MaxRows: 100, MaxWait: 100 * time.Millisecond}, func(_ context.Context, b []article.Extracted) (map[int]error, error) {
		if attempts.Add(1) <= 3 {
			return nil, errors.New("dial tcp 127.0.0.1:9000: connection refused")
		}
		return s.write(b), nil
	})
	for i := range 5 {
		h.publishExtracted(extracted(i, "ok"))
	}
	natstest.Eventually(t, 10*time.Second, "all stored after the sink came back", func() bool {
		n, _ := s.count()
		return n == 5 && h.settled(topology.StageLoad)
	})
	if got := testutil.ToFloat64(h.metrics.Retried.WithLabelValues(topology.StageLoad)); got < 3 {
		t.Errorf("retried = %v, want >= 3", got)
	}
	if !strings.Contains(h.logs.String(), "recovered") {
		t.Errorf("the sink's return is not logged:\n%s", h.logs.String())
	}
	// The retries happened in the process: no message was redelivered, and
	// nothing was dead-lettered although attempts exceeded MaxDeliver.
	if n := len(h.deadLetters(topology.StageLoad)); n != 0 {
		t.Errorf("dead letters = %d, want 0", n)
	}
}

func TestBatchWorkerFlushesOnShutdown(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	s := newSink()
	stop := h.runLoad(stage.BatchPolicy{MaxRows: 1000, MaxWait: time.Hour}, func(_ context.Context, b []article.Extracted) (map[int]error, error) {
		return s.write(b), nil
	})
	for i := range 7 {
		h.publishExtracted(extracted(i, "ok"))
	}
	// With an hour's MaxWait nothing flushes until shutdown; wait until the
	// worker holds all seven, then stop it.
	natstest.Eventually(t, 10*time.Second, "messages delivered to the worker", func() bool {
		return testutil.ToFloat64(h.metrics.In.WithLabelValues(topology.StageLoad)) == 7
	})
	stop()
	if n, _ := s.count(); n != 7 {
		t.Errorf("stored %d after shutdown, want 7", n)
	}
	natstest.Eventually(t, 5*time.Second, "all acked", func() bool { return h.settled(topology.StageLoad) })
}

// TestBatchWorkerBatchGrowsWhileTheSinkIsBusy: a batch that is due while the
// previous one is still being written keeps collecting, so under load the
// batches grow to what the sink can take instead of staying at what MaxWait
// lets in.
func TestBatchWorkerBatchGrowsWhileTheSinkIsBusy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	s := newSink()
	started, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	var sizes []int
	h.runLoad(stage.BatchPolicy{MaxRows: 100, MaxWait: time.Millisecond}, func(_ context.Context, b []article.Extracted) (map[int]error, error) {
		mu.Lock()
		sizes = append(sizes, len(b))
		first := len(sizes) == 1
		mu.Unlock()
		if first {
			close(started)
			<-release
		}
		return s.write(b), nil
	})
	// Registered after runLoad, so it runs before the worker is stopped: a
	// failed check below must not leave the first write blocked.
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	t.Cleanup(unblock)
	h.publishExtracted(extracted(0, "first"))
	<-started
	for i := 1; i <= 30; i++ {
		h.publishExtracted(extracted(i, "during"))
	}
	// All thirty reach the worker while the first batch is still being written.
	natstest.Eventually(t, 10*time.Second, "the next batch collected while the sink is busy", func() bool {
		return testutil.ToFloat64(h.metrics.In.WithLabelValues(topology.StageLoad)) == 31
	})
	unblock()
	natstest.Eventually(t, 10*time.Second, "all stored", func() bool {
		n, _ := s.count()
		return n == 31 && h.settled(topology.StageLoad)
	})
	mu.Lock()
	defer mu.Unlock()
	if want := []int{1, 30}; !slices.Equal(sizes, want) {
		t.Errorf("batch sizes = %v, want %v", sizes, want)
	}
}

// TestBatchWorkerPanicIsDeadLettered: a batch handler that panics on one
// message dead-letters only that message, with ReasonPanic and the stack; the
// rest of its batch and the batches after it are stored.
func TestBatchWorkerPanicIsDeadLettered(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	s := newSink()
	h.runLoad(stage.BatchPolicy{MaxRows: 10, MaxWait: 50 * time.Millisecond}, func(_ context.Context, b []article.Extracted) (map[int]error, error) {
		for _, e := range b {
			if e.Title == "poison" {
				panic("cannot load " + e.ID)
			}
		}
		return s.write(b), nil
	})
	for i := range 15 {
		title := "ok"
		if i == 4 {
			title = "poison"
		}
		h.publishExtracted(extracted(i, title))
	}
	var dl = h.deadLetters(topology.StageLoad)
	natstest.Eventually(t, 10*time.Second, "14 stored, the poison dead-lettered", func() bool {
		n, _ := s.count()
		dl = h.deadLetters(topology.StageLoad)
		return n == 14 && len(dl) == 1 && h.settled(topology.StageLoad)
	})
	if got := dl[0].Header.Get(stage.HeaderReason); got != stage.ReasonPanic {
		t.Errorf("reason = %q, want %q", got, stage.ReasonPanic)
	}
	if got := dl[0].Header.Get(stage.HeaderError); !strings.Contains(got, "cannot load "+extracted(4, "").ID) || !strings.Contains(got, "batch_test.go") {
		t.Errorf("error header %q lacks the panic value or its stack", got)
	}
}
