package bench

import "context"

// StartWorkers exposes start for the package's tests.
func (w Workers) StartWorkers(ctx context.Context, s *Stack, n int) (stop func() error, err error) {
	r, err := w.start(ctx, s, n)
	if err != nil {
		return nil, err
	}
	return r.stop, nil
}
