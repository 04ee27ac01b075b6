package stage

import (
	"errors"
	"time"
)

type permanentError struct {
	err    error
	reason string // the dead letter's reason; "" is ReasonPermanent
}

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Permanent marks an error that retrying cannot fix (bad input, a rejected
// row): the runtime dead-letters the message at once instead of retrying.
// Errors not marked are transient and retried with a growing delay.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err: err}
}

// Conflict marks a permanent error as a conflict: the message contradicts
// one already accepted (an id reused with another body). It is
// dead-lettered with ReasonConflict and counted apart.
func Conflict(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err: err, reason: ReasonConflict}
}

// permanentReason is the dead-letter reason of a permanent error.
func permanentReason(err error) string {
	var p permanentError
	if errors.As(err, &p) && p.reason != "" {
		return p.reason
	}
	return ReasonPermanent
}

// IsPermanent tells whether err, or any error it wraps, was marked Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Backoff chooses the redelivery delay of a transient failure from how many
// times the message has been delivered: Base doubled per delivery, capped at Max.
type Backoff struct {
	Base time.Duration
	Max  time.Duration
}

// DefaultBackoff waits 500ms after the first failure, up to 30s.
func DefaultBackoff() Backoff { return Backoff{Base: 500 * time.Millisecond, Max: 30 * time.Second} }

// SinkBackoff is the in-process retry of a batch whose sink is down
// (ClickHouse): capped at 2 s, so the backlog loads within about 2 s of the
// sink's return. A retry is one insert attempt, cheap while the sink is away.
func SinkBackoff() Backoff { return Backoff{Base: 250 * time.Millisecond, Max: 2 * time.Second} }

// Delay returns the delay before delivery number delivered+1.
func (b Backoff) Delay(delivered uint64) time.Duration {
	if b.Base <= 0 {
		b = DefaultBackoff()
	}
	d := b.Base
	for i := uint64(1); i < delivered && d < b.Max; i++ {
		d *= 2
	}
	if b.Max > 0 && d > b.Max {
		d = b.Max
	}
	return d
}
