package stage

import (
	"context"
	"fmt"
	"runtime/debug"
)

// recovered turns a handler's panic into a permanent error with ReasonPanic,
// its stack in the text: one poisonous message is dead-lettered with the
// evidence instead of crash-looping the worker until the server gives up.
func recovered(v any) error {
	return permanentError{err: fmt.Errorf("panic: %v\n%s", v, debug.Stack()), reason: ReasonPanic}
}

// call runs h on one input, a panic becoming a permanent error.
func call[In, Out any](ctx context.Context, h Handler[In, Out], in In) (outs []Out, err error) {
	defer func() {
		if v := recover(); v != nil {
			outs, err = nil, recovered(v)
		}
	}()
	return h(ctx, in)
}

// callBatch runs h on a batch, a panic becoming a permanent error.
func callBatch[In any](ctx context.Context, h BatchHandler[In], batch []In) (rejected map[int]error, err error) {
	defer func() {
		if v := recover(); v != nil {
			rejected, err = nil, recovered(v)
		}
	}()
	return h(ctx, batch)
}

// isPanic tells whether err came from a handler's panic.
func isPanic(err error) bool { return IsPermanent(err) && permanentReason(err) == ReasonPanic }
