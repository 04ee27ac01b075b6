package stage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// How a source watches its iterator. The server sends a heartbeat every
// pullHeartbeat while a pull request waits, so two missed ones (the iterator's
// own check) reveal a lost request within seconds rather than the default
// 30s; a request expires after pullExpiry and is renewed by the iterator.
const (
	pullHeartbeat = 2 * time.Second
	pullExpiry    = 10 * time.Second
	// idleCheck is how long a source waits for a message before it asks
	// the server whether the consumer has messages it is not delivering.
	idleCheck = 10 * time.Second
)

// source hands a stage the messages of its durable consumer, read from a
// Consumer.Messages iterator by one goroutine, and replaces the iterator when
// it stops delivering.
//
// Why: after a JetStream leader change (the node leading the stream or the
// consumer shut down) the iterator's pull request can be lost with the old
// leader, or land while the consumer has no leader yet and be answered "no
// responders", which the iterator ignores. The iterator then waits for
// heartbeats that never come, and in the cluster fault test a worker
// stopped consuming for good after "no heartbeat received". A new iterator
// sends a new pull request to the consumer's current leader. Messages the old
// iterator had buffered but not handed out are redelivered after AckWait;
// messages already handed out are acked as usual (an ack goes to the
// message's reply subject, not through the iterator).
//
// The goroutine also keeps the iterator's heartbeat check working for
// callers that wait with short timeouts (load's batching), since the check
// only runs while Next waits.
type source struct {
	stage    string
	consumer jetstream.Consumer
	buffer   int // messages the iterator pulls ahead
	log      *slog.Logger
	metrics  *Metrics
	// idle is how long without a message before the consumer is checked;
	// idleCheck when zero.
	idle time.Duration
}

// run sends messages on out until ctx ends, then drains the iterator (the
// messages it already holds are sent too) and closes out. The caller must
// keep receiving until out is closed. It returns an error when the iterator
// is closed under it (the connection closed, the consumer deleted).
func (s *source) run(ctx context.Context, out chan<- jetstream.Msg) error {
	defer close(out)
	it, err := s.open()
	if err != nil {
		return err
	}
	idle := s.idle
	if idle <= 0 {
		idle = idleCheck
	}
	for {
		nctx, cancel := context.WithTimeout(ctx, idle)
		msg, err := it.Next(jetstream.NextContext(nctx))
		cancel()
		switch {
		case err == nil:
			out <- msg
		case ctx.Err() != nil:
			s.drain(it, out)
			return nil
		case errors.Is(err, jetstream.ErrMsgIteratorClosed):
			return fmt.Errorf("%s: message iterator closed: %w", s.stage, err)
		case errors.Is(err, jetstream.ErrNoHeartbeat):
			it = s.reopen(ctx, it, "missed heartbeats: the pull request is lost", slog.Any("err", err))
		case errors.Is(err, context.DeadlineExceeded):
			// Nothing for a while: normal when the consumer is empty, a lost
			// pull request when it has messages to deliver.
			if pending, ok := s.undelivered(ctx); ok {
				it = s.reopen(ctx, it, "no message while the consumer has undelivered ones", slog.Uint64("pending", pending))
			}
		default:
			// Statuses the iterator handles itself (a leader change, a
			// reconnect): reported, nothing to do.
			s.log.Warn("next message", "stage", s.stage, "err", err)
		}
		if it == nil { // ctx ended while reopening
			return nil
		}
	}
}

func (s *source) open() (jetstream.MessagesContext, error) {
	it, err := s.consumer.Messages(jetstream.PullMaxMessages(s.buffer),
		jetstream.PullExpiry(pullExpiry), jetstream.PullHeartbeat(pullHeartbeat))
	if err != nil {
		return nil, fmt.Errorf("%s: consume: %w", s.stage, err)
	}
	return it, nil
}

// reopen stops it and opens a new iterator, retrying until ctx ends (then it
// returns nil).
func (s *source) reopen(ctx context.Context, it jetstream.MessagesContext, why string, attr slog.Attr) jetstream.MessagesContext {
	it.Stop()
	s.log.Warn("restarting the message iterator", "stage", s.stage, "why", why, attr)
	if s.metrics != nil {
		s.metrics.Restarts.WithLabelValues(s.stage).Inc()
	}
	for delay := 100 * time.Millisecond; ; delay = min(2*delay, 5*time.Second) {
		next, err := s.open()
		if err == nil {
			return next
		}
		s.log.Warn("reopen message iterator", "stage", s.stage, "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(delay):
		}
	}
}

// undelivered reports whether the consumer has messages it could deliver but
// does not: pending ones while fewer than MaxAckPending are unacknowledged
// (at the limit the server rightly holds them back).
func (s *source) undelivered(ctx context.Context) (uint64, bool) {
	ictx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	info, err := s.consumer.Info(ictx)
	if err != nil {
		// No answer (no leader yet, or no connection): the heartbeat check
		// covers a lost pull request meanwhile.
		return 0, false
	}
	limit := info.Config.MaxAckPending
	if info.NumPending == 0 || (limit > 0 && info.NumAckPending >= limit) {
		return 0, false
	}
	return info.NumPending, true
}

// drain hands out what the iterator holds and closes it.
func (s *source) drain(it jetstream.MessagesContext, out chan<- jetstream.Msg) {
	it.Drain()
	for {
		msg, err := it.Next(jetstream.NextMaxWait(time.Second))
		if err != nil {
			it.Stop()
			return
		}
		out <- msg
	}
}
