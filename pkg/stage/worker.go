// Package stage is casewire's worker runtime: it consumes a stage's durable
// JetStream consumer, decodes each message, calls the stage's handler, publishes
// the outputs and only then acknowledges the input. The handler is a plain
// function, testable without NATS; the same function also serves the --stdio
// filter mode (see Filter).
//
// Ack rules, the same for every stage:
//   - outputs are published with their deterministic Nats-Msg-Id and each
//     PubAck is awaited before the input is acked, so nothing is acked that was
//     not stored downstream, and a redelivery republishes harmlessly;
//   - a payload that does not decode, or is of another schema version, is
//     dead-lettered and terminated: it will never decode;
//   - a handler error marked Permanent is dead-lettered and terminated;
//   - any other error is transient: NakWithDelay, the delay growing with the
//     delivery count, until the consumer's MaxDeliver is reached, when the
//     message is dead-lettered instead of being dropped by the server;
//   - if the dead letter cannot be published the input is nakked, never
//     terminated: a message is only let go once it is stored somewhere.
package stage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
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
	Log        *slog.Logger
	Metrics    *Metrics // optional
}

// Run consumes until ctx ends, then drains: messages already received are
// finished (published and acked) before Run returns.
func (w *Worker[In, Out]) Run(ctx context.Context) error {
	conc := max(w.Concurrency, 1)
	it, err := w.Consumer.Messages(jetstream.PullMaxMessages(2 * conc))
	if err != nil {
		return fmt.Errorf("%s: consume: %w", w.Stage, err)
	}
	stopped := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			it.Drain()
		case <-stopped:
		}
	}()
	defer close(stopped)

	var wg sync.WaitGroup
	errs := make(chan error, conc)
	for range conc {
		wg.Go(func() {
			for {
				msg, err := it.Next()
				if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
					if ctx.Err() == nil {
						errs <- fmt.Errorf("%s: message iterator closed: %w", w.Stage, err)
					}
					return
				}
				if err != nil {
					// Missed heartbeats and reconnects surface here; the
					// iterator recovers by itself.
					w.log().Warn("next message", "stage", w.Stage, "err", err)
					continue
				}
				// In-flight work finishes even when shutdown has begun.
				w.process(context.WithoutCancel(ctx), msg)
			}
		})
	}
	wg.Wait()
	it.Stop()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func (w *Worker[In, Out]) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}

func (w *Worker[In, Out]) process(ctx context.Context, msg jetstream.Msg) {
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
		return
	}
	start := time.Now()
	outs, err := w.Handle(ctx, in)
	if w.Metrics != nil {
		w.Metrics.Handle.WithLabelValues(w.Stage).Observe(time.Since(start).Seconds())
	}
	if err != nil {
		w.fail(ctx, msg, err)
		return
	}
	for _, out := range outs {
		data, err := article.Encode(out)
		if err != nil {
			w.fail(ctx, msg, Permanent(err))
			return
		}
		pm := &nats.Msg{Subject: w.Output, Data: data}
		if err := w.publish(ctx, pm, out.MessageID()); err != nil {
			w.fail(ctx, msg, fmt.Errorf("publish %s to %s: %w", out.MessageID(), w.Output, err))
			return
		}
		if w.Metrics != nil {
			w.Metrics.Out.WithLabelValues(w.Stage).Inc()
		}
	}
	if err := msg.Ack(); err != nil {
		// The outputs are stored; a lost ack means a harmless redelivery.
		w.log().Warn("ack", "stage", w.Stage, "err", err)
		return
	}
	if w.Metrics != nil {
		w.Metrics.Acked.WithLabelValues(w.Stage).Inc()
	}
}

// publish sends one output and waits at most PubAckWait for its PubAck; a
// timeout is transient, and the retry republishes under the same msg id.
func (w *Worker[In, Out]) publish(ctx context.Context, pm *nats.Msg, id string) error {
	wait := w.PubAckWait
	if wait <= 0 {
		wait = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	_, err := w.JS.PublishMsg(ctx, pm, jetstream.WithMsgID(id))
	return err
}

// fail applies the retry rules to a handler or publish error.
func (w *Worker[In, Out]) fail(ctx context.Context, msg jetstream.Msg, err error) {
	if IsPermanent(err) {
		w.giveUp(ctx, msg, ReasonPermanent, err)
		return
	}
	w.rules().retry(ctx, msg, err)
}

func (w *Worker[In, Out]) giveUp(ctx context.Context, msg jetstream.Msg, reason string, err error) {
	w.rules().giveUp(ctx, msg, reason, err)
}

func (w *Worker[In, Out]) rules() rules {
	return rules{log: w.log(), metrics: w.Metrics, stage: w.Stage, js: w.JS, maxDeliver: w.MaxDeliver, backoff: w.Backoff}
}
