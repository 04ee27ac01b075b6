package stage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/article"
)

// failures applies the retry and dead-letter policy shared by Worker and
// BatchWorker to a message that failed.
type failures struct {
	log        *slog.Logger
	metrics    *Metrics
	stage      string
	js         jetstream.JetStream
	maxDeliver int
	backoff    Backoff
}

// retry naks a message after a transient failure with a delay growing with its
// delivery count, or dead-letters it on its last allowed delivery: the server
// would otherwise stop delivering it and it would be lost to the pipeline.
func (r failures) retry(ctx context.Context, msg jetstream.Msg, err error) {
	var delivered uint64 = 1
	if md, mdErr := msg.Metadata(); mdErr == nil {
		delivered = md.NumDelivered
	}
	if r.maxDeliver > 0 && delivered >= uint64(r.maxDeliver) {
		r.giveUp(ctx, msg, ReasonMaxDeliver, fmt.Errorf("after %d deliveries: %w", delivered, err))
		return
	}
	delay := r.backoff.Delay(delivered)
	r.log.Warn("transient failure, retrying", "stage", r.stage, "err", err, "delivered", delivered, "delay", delay, msgAttrs(msg))
	if r.metrics != nil {
		r.metrics.Retried.WithLabelValues(r.stage).Inc()
	}
	if nerr := msg.NakWithDelay(delay); nerr != nil {
		r.log.Error("nak", "stage", r.stage, "err", nerr)
	}
}

// giveUp dead-letters msg and terminates it; if the dead letter cannot be
// stored, msg is nakked so that it is not lost.
func (r failures) giveUp(ctx context.Context, msg jetstream.Msg, reason string, err error) {
	if dlErr := deadLetter(ctx, r.js, r.stage, msg, reason, err); dlErr != nil {
		r.log.Error("dead letter failed, will retry", "stage", r.stage, "err", errors.Join(err, dlErr), msgAttrs(msg))
		if nerr := msg.NakWithDelay(r.backoff.Delay(1)); nerr != nil {
			r.log.Error("nak", "stage", r.stage, "err", nerr)
		}
		return
	}
	r.log.Warn("dead-lettered", "stage", r.stage, "reason", reason, "err", err, msgAttrs(msg))
	if r.metrics != nil {
		r.metrics.DeadLettered.WithLabelValues(r.stage, reason).Inc()
	}
	if terr := msg.TermWithReason(reason); terr != nil {
		r.log.Error("term", "stage", r.stage, "err", terr)
	}
}

// decodeReason classifies a decode failure for the dead-letter header.
func decodeReason(err error) string {
	if errors.Is(err, article.ErrUnsupportedVersion) {
		return ReasonVersion
	}
	return ReasonDecode
}

// msgAttrs names a message in a log line: its Nats-Msg-Id and the article it
// carries, so a search by article id finds every line about it.
func msgAttrs(msg jetstream.Msg) slog.Attr {
	id := msg.Headers().Get(jetstream.MsgIDHeader)
	attrs := []any{"msg_id", id}
	if a := article.IDOfMessage(id); a != "" {
		attrs = append(attrs, "article_id", a)
	}
	return slog.Group("", attrs...)
}
