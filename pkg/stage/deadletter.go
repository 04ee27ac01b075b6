package stage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/topology"
)

// Headers stamped on a dead letter. The payload is the original message's,
// byte for byte, so a replay after a fix sends exactly what failed.
const (
	HeaderStage     = "Casewire-Stage"      // the stage that gave up
	HeaderError     = "Casewire-Error"      // why, as the error's text
	HeaderReason    = "Casewire-Reason"     // a short class: decode, version, permanent, max-deliver, rejected, conflict, panic
	HeaderSubject   = "Casewire-Subject"    // the subject it was consumed from
	HeaderURI       = "Casewire-URI"        // where fetch found what it could not read
	HeaderStreamSeq = "Casewire-Stream-Seq" // its sequence in the input stream
	HeaderDelivered = "Casewire-Delivered"  // how many times it was delivered
	HeaderFailedAt  = "Casewire-Failed-At"  // RFC 3339 time of the failure
	HeaderMsgID     = "Casewire-Msg-Id"     // its original Nats-Msg-Id, if any
	// HeaderFirstFailedAt is when the message was first dead-lettered. A
	// replay carries it and a new dead letter keeps it, so a letter that
	// fails again after a replay keeps its age.
	HeaderFirstFailedAt = "Casewire-First-Failed-At"
)

// Reasons a message is dead-lettered.
const (
	ReasonDecode     = "decode"
	ReasonVersion    = "version"
	ReasonPermanent  = "permanent"
	ReasonMaxDeliver = "max-deliver"
	ReasonRejected   = "rejected"
	ReasonConflict   = "conflict"
	ReasonPanic      = "panic" // the handler panicked; the stack is in the error
)

// Reasons lists every reason, for metrics initialised at zero.
func Reasons() []string {
	return []string{ReasonDecode, ReasonVersion, ReasonPermanent, ReasonMaxDeliver, ReasonRejected, ReasonConflict, ReasonPanic}
}

// maxErrorHeader keeps a header well under NATS's limits however long an error is.
const maxErrorHeader = 2000

// deadLetter publishes msg to the stage's dead-letter subject with the reason
// and waits for the server to confirm; only then may the caller terminate the
// original. The dead letter's msg id is derived from the input's stream
// sequence, so a retried dead-lettering is not stored twice.
func deadLetter(ctx context.Context, js jetstream.JetStream, stage string, msg jetstream.Msg, reason string, cause error) error {
	h := nats.Header{}
	h.Set(HeaderSubject, msg.Subject())
	h.Set(HeaderFirstFailedAt, msg.Headers().Get(HeaderFirstFailedAt))
	var id string
	if md, err := msg.Metadata(); err == nil {
		h.Set(HeaderStreamSeq, strconv.FormatUint(md.Sequence.Stream, 10))
		h.Set(HeaderDelivered, strconv.FormatUint(md.NumDelivered, 10))
		id = fmt.Sprintf("dlq:%s:%s:%d", stage, md.Stream, md.Sequence.Stream)
	}
	if orig := msg.Headers().Get(jetstream.MsgIDHeader); orig != "" {
		h.Set(HeaderMsgID, orig)
	}
	return publishDeadLetter(ctx, js, stage, reason, cause, h, msg.Data(), id)
}

// Reject dead-letters what a stage could not turn into a message at all
// (fetch: a file or page it could not read), in the same format as any other
// dead letter: uri says where it came from and is the payload, since there
// are no bytes of a message to keep. Its msg id is derived from the uri and
// the cause, so a retried rejection is not stored twice.
func Reject(ctx context.Context, js jetstream.JetStream, stage, uri string, cause error) error {
	h := nats.Header{}
	h.Set(HeaderURI, uri)
	sum := sha256.Sum256([]byte(uri + "\x00" + cause.Error()))
	id := fmt.Sprintf("dlq:%s:%s", stage, hex.EncodeToString(sum[:16]))
	return publishDeadLetter(ctx, js, stage, ReasonPermanent, cause, h, []byte(uri), id)
}

// publishDeadLetter stamps the headers every dead letter has on h and stores
// data on the stage's dead-letter subject, waiting for the server. h may carry
// the first failure time of a replayed message; otherwise it is now.
func publishDeadLetter(ctx context.Context, js jetstream.JetStream, stage, reason string, cause error, h nats.Header, data []byte, id string) error {
	h.Set(HeaderStage, stage)
	h.Set(HeaderReason, reason)
	h.Set(HeaderError, truncate(cause.Error(), maxErrorHeader))
	now := time.Now().UTC().Format(time.RFC3339Nano)
	h.Set(HeaderFailedAt, now)
	if h.Get(HeaderFirstFailedAt) == "" {
		h.Set(HeaderFirstFailedAt, now)
	}
	out := &nats.Msg{Subject: topology.DeadLetterSubject(stage), Data: data, Header: h}
	var opts []jetstream.PublishOpt
	if id != "" {
		opts = append(opts, jetstream.WithMsgID(id))
	}
	if _, err := js.PublishMsg(ctx, out, opts...); err != nil {
		return fmt.Errorf("publish dead letter to %s: %w", out.Subject, err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary so the header stays valid UTF-8.
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}
