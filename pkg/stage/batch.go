package stage

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/config"
)

// BatchHandler writes a batch of decoded messages to a sink. err non-nil is a
// failure of the whole batch: transient unless marked Permanent. rejected maps
// a batch index to why that one item was refused as bad data (it will be
// dead-lettered while the rest is acked).
type BatchHandler[In any] func(ctx context.Context, batch []In) (rejected map[int]error, err error)

// BatchPolicy says when a batch is flushed: at MaxRows messages, MaxBytes of
// payload, or MaxWait after its first message, whichever comes first.
type BatchPolicy struct {
	MaxRows  int
	MaxBytes int
	MaxWait  time.Duration
}

// DefaultBatchPolicy is the load settings' default (config.Default).
func DefaultBatchPolicy() BatchPolicy { return BatchPolicyOf(config.Default().Load) }

// BatchPolicyOf maps the load settings onto a policy.
func BatchPolicyOf(l config.Load) BatchPolicy {
	return BatchPolicy{MaxRows: l.BatchRows, MaxBytes: l.BatchBytes, MaxWait: l.BatchWait}
}

// BatchWorker runs a BatchHandler against a durable consumer. A handler that
// panics on a batch is called again on each of its messages alone, and the
// messages that panic alone are dead-lettered with ReasonPanic. A transient
// failure is retried in the process with a growing delay, the messages kept
// alive with InProgress, and at most one more batch is collected meanwhile:
// JetStream holds the backlog while the sink is down, and the delivery count
// does not climb towards MaxDeliver for a failure that is not the messages'
// fault.
type BatchWorker[In any] struct {
	Stage      string
	JS         jetstream.JetStream
	Consumer   jetstream.Consumer
	Handle     BatchHandler[In]
	Policy     BatchPolicy
	AckWait    time.Duration // the consumer's AckWait: InProgress is sent well within it
	MaxDeliver int
	Backoff    Backoff
	Log        *slog.Logger
	Metrics    *Metrics
}

type pending[In any] struct {
	msgs []jetstream.Msg
	ins  []In
	size int
}

// Run consumes until ctx ends; then the batch being filled is flushed and
// acked before Run returns. One batch is flushed while the next is collected,
// so the sink's round trip overlaps decoding, and a batch that is due while
// the flusher is busy keeps growing until the flusher is free (up to MaxRows
// and MaxBytes): under load, batches grow to what the sink can take, while a
// quiet feed is still flushed MaxWait after its first message. At most two
// batches are held.
func (w *BatchWorker[In]) Run(ctx context.Context) error {
	p := w.policy()
	src := &source{stage: w.Stage, consumer: w.Consumer, buffer: p.MaxRows, log: w.log(), metrics: w.Metrics}
	msgs := make(chan jetstream.Msg)
	srcErr := make(chan error, 1)
	go func() { srcErr <- src.run(ctx, msgs) }()
	work := context.WithoutCancel(ctx)
	batches := make(chan pending[In])
	// idle holds a token while the flusher waits for a batch.
	idle := make(chan struct{}, 1)
	idle <- struct{}{}
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		for b := range batches {
			w.flush(ctx, work, b)
			idle <- struct{}{}
		}
	}()
	defer func() {
		close(batches)
		<-flushed
	}()
	for {
		b, closed := w.collect(ctx, msgs, p, idle)
		if len(b.msgs) > 0 {
			w.handOver(batches, idle, b)
		}
		if closed {
			// The source has closed msgs: after ctx ended and the
			// iterator drained, or with an error.
			return <-srcErr
		}
	}
}

// handOver gives a collected batch to the flusher once it is idle, keeping
// the batch's messages alive with InProgress meanwhile (a sink that is down
// holds the flusher for as long as it is down).
func (w *BatchWorker[In]) handOver(batches chan<- pending[In], idle <-chan struct{}, b pending[In]) {
	tick := time.NewTicker(w.ackWait() / 3)
	defer tick.Stop()
	for {
		select {
		case <-idle:
			batches <- b
			return
		case <-tick.C:
			keepAlive(b.msgs)
		}
	}
}

func keepAlive(msgs []jetstream.Msg) {
	for _, m := range msgs {
		_ = m.InProgress()
	}
}

func (w *BatchWorker[In]) ackWait() time.Duration {
	if w.AckWait <= 0 {
		return config.Default().Streams.AckWait
	}
	return w.AckWait
}

func (w *BatchWorker[In]) policy() BatchPolicy {
	p, d := w.Policy, DefaultBatchPolicy()
	if p.MaxRows <= 0 {
		p.MaxRows = d.MaxRows
	}
	if p.MaxBytes <= 0 {
		p.MaxBytes = d.MaxBytes
	}
	if p.MaxWait <= 0 {
		p.MaxWait = d.MaxWait
	}
	return p
}

func (w *BatchWorker[In]) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}

func (w *BatchWorker[In]) failures() failures {
	return failures{log: w.log(), metrics: w.Metrics, stage: w.Stage, js: w.JS, maxDeliver: w.MaxDeliver, backoff: w.Backoff}
}

// collect fills one batch. It returns when the batch is full, or due
// (MaxWait after its first message) and the flusher idle, or when msgs is
// closed (closed=true: ctx ended and the source drained its iterator, or the
// source failed). The caller hands the batch over once the flusher is idle.
func (w *BatchWorker[In]) collect(ctx context.Context, msgs <-chan jetstream.Msg, p BatchPolicy, idle <-chan struct{}) (b pending[In], closed bool) {
	var deadline, kept time.Time
	for len(b.msgs) < p.MaxRows && b.size < p.MaxBytes {
		due := !deadline.IsZero() && !time.Now().Before(deadline)
		stopping := ctx.Err() != nil
		if due && !stopping {
			// Only this goroutine takes the token, so one seen here is
			// still there for handOver.
			if len(idle) > 0 {
				return b, false
			}
			// Still growing while the flusher is busy: keep the held
			// messages alive as handOver would.
			if time.Since(kept) > w.ackWait()/3 {
				keepAlive(b.msgs)
				kept = time.Now()
			}
		}
		// Wait for the next message until the batch is due, or at most a
		// second when it is empty, or 20 ms when it is due and waits for
		// the flusher (a sink that is down must not make this a busy loop);
		// shutdown interrupts the wait at once, and then the source hands
		// out what its iterator holds and closes msgs.
		limit := deadline
		switch {
		case stopping || limit.IsZero():
			limit = time.Now().Add(time.Second)
		case due:
			limit = time.Now().Add(20 * time.Millisecond)
		}
		var done <-chan struct{}
		if !stopping {
			done = ctx.Done()
		}
		timer := time.NewTimer(time.Until(limit))
		var msg jetstream.Msg
		select {
		case m, open := <-msgs:
			timer.Stop()
			if !open {
				return b, true
			}
			msg = m
		case <-timer.C:
			if stopping && len(b.msgs) > 0 {
				return b, false // flushed while the source drains
			}
			continue
		case <-done:
			timer.Stop()
			continue
		}
		if w.Metrics != nil {
			w.Metrics.In.WithLabelValues(w.Stage).Inc()
		}
		var in In
		if err := article.Decode(msg.Data(), &in); err != nil {
			w.failures().giveUp(context.WithoutCancel(ctx), msg, decodeReason(err), fmt.Errorf("decode: %w", err))
			continue
		}
		if deadline.IsZero() {
			// The batch's messages were delivered about now: the first
			// keep-alive is due a third of the ack wait from here.
			kept = time.Now()
			deadline = kept.Add(p.MaxWait)
		}
		b.msgs = append(b.msgs, msg)
		b.ins = append(b.ins, in)
		b.size += len(msg.Data())
	}
	return b, false
}

// flush writes a batch, retrying transient failures until it succeeds or the
// worker is stopped (then the batch is nakked for another instance), and acks
// or dead-letters every message.
func (w *BatchWorker[In]) flush(ctx, work context.Context, b pending[In]) {
	start := time.Now()
	r := w.failures()
	if w.Metrics != nil {
		w.Metrics.BatchRows.WithLabelValues(w.Stage).Observe(float64(len(b.msgs)))
	}
	var rejected map[int]error
	var failedSince time.Time
	for attempt := uint64(1); ; attempt++ {
		hstart := time.Now()
		var err error
		rejected, err = callBatch(work, w.Handle, b.ins)
		if w.Metrics != nil {
			w.Metrics.Handle.WithLabelValues(w.Stage).Observe(time.Since(hstart).Seconds())
		}
		if err == nil {
			if attempt > 1 {
				w.log().Info("recovered: batch written after retries", "stage", w.Stage, "attempts", attempt,
					"messages", len(b.msgs), "failing_for", time.Since(failedSince).Round(time.Millisecond))
			}
			break
		}
		if attempt == 1 {
			failedSince = hstart
		}
		if isPanic(err) && len(b.msgs) > 1 {
			// Which message is poisonous is unknown: each is written alone,
			// so only the one that panics by itself is dead-lettered.
			w.log().Warn("batch handler panicked, writing its messages one by one", "stage", w.Stage, "messages", len(b.msgs))
			for i := range b.msgs {
				w.flush(ctx, work, pending[In]{msgs: b.msgs[i : i+1], ins: b.ins[i : i+1], size: len(b.msgs[i].Data())})
			}
			return
		}
		if IsPermanent(err) {
			rejected = make(map[int]error, len(b.msgs))
			for i := range b.msgs {
				rejected[i] = err
			}
			break
		}
		delay := r.backoff.Delay(attempt)
		w.log().Warn("batch failed, retrying", "stage", w.Stage, "err", err, "attempt", attempt, "messages", len(b.msgs), "delay", delay)
		if w.Metrics != nil {
			w.Metrics.Retried.WithLabelValues(w.Stage).Inc()
		}
		if !w.wait(ctx, b.msgs, delay) {
			// Stopping: give the batch back at once rather than hold it.
			for _, m := range b.msgs {
				_ = m.Nak()
			}
			return
		}
	}
	for i, m := range b.msgs {
		if rerr, ok := rejected[i]; ok {
			reason := ReasonRejected
			if isPanic(rerr) {
				reason = ReasonPanic
			}
			r.giveUp(work, m, reason, rerr)
			continue
		}
		if err := m.Ack(); err != nil {
			w.log().Warn("ack", "stage", w.Stage, "err", err)
			continue
		}
		if w.Metrics != nil {
			w.Metrics.Acked.WithLabelValues(w.Stage).Inc()
		}
	}
	if w.Metrics != nil {
		w.Metrics.Flush.WithLabelValues(w.Stage).Observe(time.Since(start).Seconds())
	}
}

// wait sleeps for d while telling the server the messages are still being
// worked on. It returns false if ctx ended first.
func (w *BatchWorker[In]) wait(ctx context.Context, msgs []jetstream.Msg, d time.Duration) bool {
	tick := time.NewTicker(w.ackWait() / 3)
	defer tick.Stop()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-timer.C:
			return true
		case <-tick.C:
			keepAlive(msgs)
		}
	}
}
