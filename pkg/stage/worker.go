// Package stage is casewire's worker runtime: it consumes a stage's durable
// JetStream consumer, decodes each message, calls the stage's handler, publishes
// the outputs and only then acknowledges the input. The handler is a plain
// function, testable without NATS; the same function also serves the --stdio
// filter mode (see Filter).
//
// Ack rules, the same for every stage:
//   - outputs are published with their deterministic Nats-Msg-Id and each
//     PubAck is awaited before the input is acked, so nothing is acked that was
//     not stored downstream, and a redelivery republishes harmlessly; the
//     PubAcks are awaited off the handler goroutines, a bounded window of
//     messages at a time, so handling never waits on a round trip;
//   - a payload that does not decode, or is of another schema version, is
//     dead-lettered and terminated: it will never decode;
//   - a handler error marked Permanent is dead-lettered and terminated;
//   - a handler that panics is treated as one that returned a permanent
//     error: dead-lettered with ReasonPanic and the stack, and the worker
//     goes on with the next message;
//   - any other error is transient: NakWithDelay, the delay growing with the
//     delivery count, until the consumer's MaxDeliver is reached, when the
//     message is dead-lettered instead of being dropped by the server;
//   - if the dead letter cannot be published the input is nakked, never
//     terminated: a message is only let go once it is stored somewhere.
package stage

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/article"
)

// Handler turns one input message into its outputs. It must be deterministic
// for the same input (ids included) so that a redelivery is harmless. Return
// an error wrapped with Permanent for input that can never succeed.
type Handler[In, Out any] func(ctx context.Context, in In) ([]Out, error)

// Keyed is an output message: it knows its Nats-Msg-Id.
type Keyed interface{ MessageID() string }

// Worker runs a Handler against a durable consumer.
type Worker[In any, Out Keyed] struct {
	Stage       string
	JS          jetstream.JetStream
	Consumer    jetstream.Consumer
	Output      string // subject outputs are published to
	Handle      Handler[In, Out]
	Concurrency int           // messages handled at once; default 1
	MaxDeliver  int           // the consumer's MaxDeliver; at this delivery a failing message is dead-lettered
	Backoff     Backoff       // delay of a nak after a transient failure
	Timeout     time.Duration // per-message limit on handling and publishing; default 2m
	// PubAckWait bounds the wait for each output's PubAck; default 10s. A
	// PubAck lost in a server restart never comes: without this bound the
	// message would hold its place until Timeout, stalling the ack floor.
	PubAckWait time.Duration
	// Window bounds the handled messages whose outputs await their PubAcks;
	// default 64. Handlers block when it is full, so memory stays bounded.
	Window  int
	Log     *slog.Logger
	Metrics *Metrics // optional

	// failingSince is when transient failures began (Unix nanoseconds), 0
	// while none is outstanding: the first ack after them logs the recovery.
	failingSince atomic.Int64
}

// inflight is a handled message whose outputs are published and whose PubAcks
// are awaited before it is acked.
type inflight struct {
	msg      jetstream.Msg
	acks     []jetstream.PubAckFuture
	ids      []string
	deadline time.Time
}

// Run consumes until ctx ends, then drains: messages already received are
// finished (published and acked) before Run returns.
func (w *Worker[In, Out]) Run(ctx context.Context) error {
	conc := max(w.Concurrency, 1)
	window := w.Window
	if window <= 0 {
		window = 64
	}
	// Enough buffered that the handlers never wait on a pull round trip.
	src := &source{stage: w.Stage, consumer: w.Consumer, buffer: max(2*conc, 16), log: w.log(), metrics: w.Metrics}
	msgs := make(chan jetstream.Msg)
	srcErr := make(chan error, 1)
	go func() { srcErr <- src.run(ctx, msgs) }()

	// In-flight work finishes even when shutdown has begun.
	work := context.WithoutCancel(ctx)
	pending := make(chan inflight, window)
	acked := make(chan struct{})
	go func() {
		defer close(acked)
		for f := range pending {
			w.settle(work, f)
		}
	}()

	// The source closes msgs after ctx ends and the iterator is drained.
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for msg := range msgs {
				if f, ok := w.process(work, msg); ok {
					pending <- f
				}
			}
		})
	}
	wg.Wait()
	close(pending)
	<-acked
	return <-srcErr
}

func (w *Worker[In, Out]) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}

// process decodes and handles one message and publishes its outputs without
// waiting for their PubAcks. ok is false when the message is already settled
// (dead-lettered, or nakked for a retry).
func (w *Worker[In, Out]) process(ctx context.Context, msg jetstream.Msg) (f inflight, ok bool) {
	timeout := w.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if w.Metrics != nil {
		w.Metrics.In.WithLabelValues(w.Stage).Inc()
	}
	var in In
	if err := article.Decode(msg.Data(), &in); err != nil {
		w.giveUp(ctx, msg, decodeReason(err), fmt.Errorf("decode: %w", err))
		return f, false
	}
	start := time.Now()
	outs, err := call(ctx, w.Handle, in)
	if w.Metrics != nil {
		w.Metrics.Handle.WithLabelValues(w.Stage).Observe(time.Since(start).Seconds())
	}
	if err != nil {
		w.fail(ctx, msg, err)
		return f, false
	}
	wait := w.PubAckWait
	if wait <= 0 {
		wait = 10 * time.Second
	}
	f = inflight{msg: msg, deadline: time.Now().Add(wait)}
	for _, out := range outs {
		data, err := article.Encode(out)
		if err != nil {
			w.fail(ctx, msg, Permanent(err))
			return f, false
		}
		pm := &nats.Msg{Subject: w.Output, Data: data}
		fut, err := w.JS.PublishMsgAsync(pm, jetstream.WithMsgID(out.MessageID()))
		if err != nil {
			// Outputs already sent are stored once more on the retry, under
			// the same msg ids: the stream's duplicate window drops them.
			w.fail(ctx, msg, fmt.Errorf("publish %s to %s: %w", out.MessageID(), w.Output, err))
			return f, false
		}
		f.acks = append(f.acks, fut)
		f.ids = append(f.ids, out.MessageID())
	}
	return f, true
}

// settle waits for a message's PubAcks, at most until its deadline (a PubAck
// lost in a server restart never comes, and the message must not hold its
// place until the ack wait), then acks it, or applies the retry rules.
func (w *Worker[In, Out]) settle(ctx context.Context, f inflight) {
	for i, fut := range f.acks {
		timer := time.NewTimer(time.Until(f.deadline))
		var err error
		select {
		case <-fut.Ok():
		case err = <-fut.Err():
		case <-timer.C:
			err = fmt.Errorf("no PubAck: %w", context.DeadlineExceeded)
		}
		timer.Stop()
		if err != nil {
			w.fail(ctx, f.msg, fmt.Errorf("publish %s to %s: %w", f.ids[i], w.Output, err))
			return
		}
		if w.Metrics != nil {
			w.Metrics.Out.WithLabelValues(w.Stage).Inc()
		}
	}
	if err := f.msg.Ack(); err != nil {
		// The outputs are stored; a lost ack means a harmless redelivery.
		w.log().Warn("ack", "stage", w.Stage, "err", err)
		return
	}
	w.recovered()
	if w.Metrics != nil {
		w.Metrics.Acked.WithLabelValues(w.Stage).Inc()
	}
}

// fail applies the retry rules to a handler or publish error.
func (w *Worker[In, Out]) fail(ctx context.Context, msg jetstream.Msg, err error) {
	if IsPermanent(err) {
		w.giveUp(ctx, msg, permanentReason(err), err)
		return
	}
	w.failingSince.CompareAndSwap(0, time.Now().UnixNano())
	w.failures().retry(ctx, msg, err)
}

// recovered logs, once, that messages are acked again after transient failures.
func (w *Worker[In, Out]) recovered() {
	if since := w.failingSince.Swap(0); since != 0 {
		w.log().Info("recovered: messages acked again after transient failures", "stage", w.Stage,
			"failing_for", time.Since(time.Unix(0, since)).Round(time.Millisecond))
	}
}

func (w *Worker[In, Out]) giveUp(ctx context.Context, msg jetstream.Msg, reason string, err error) {
	w.failures().giveUp(ctx, msg, reason, err)
}

func (w *Worker[In, Out]) failures() failures {
	return failures{log: w.log(), metrics: w.Metrics, stage: w.Stage, js: w.JS, maxDeliver: w.MaxDeliver, backoff: w.Backoff}
}
