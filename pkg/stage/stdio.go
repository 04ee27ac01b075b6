package stage

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/casewire/casewire/pkg/article"
)

// MaxLine is the longest JSON line the stdio filters read (a raw article with
// a large page inside, base64-encoded).
const MaxLine = 64 << 20

// FilterStats counts what a stdio filter did.
type FilterStats struct {
	In, Out, Failed int
}

// ErrSomeFailed is returned by the filters when at least one line failed; the
// others were still processed.
var ErrSomeFailed = errors.New("some messages failed")

// Filter runs h as a Unix filter: JSON Lines of In on r, JSON Lines of Out on
// w, one line per error on errw. A bad line is reported and skipped: the
// stream goes on, like the NATS runtime's dead-lettering.
func Filter[In, Out any](ctx context.Context, r io.Reader, w io.Writer, errw io.Writer, h Handler[In, Out]) (FilterStats, error) {
	var st FilterStats
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	err := eachLine(r, func(n int, line []byte) error {
		st.In++
		var in In
		if err := article.Decode(line, &in); err != nil {
			st.Failed++
			fmt.Fprintf(errw, "line %d: decode: %v\n", n, err)
			return nil
		}
		outs, err := call(ctx, h, in)
		if err != nil {
			st.Failed++
			fmt.Fprintf(errw, "line %d: %v\n", n, err)
			return nil
		}
		for _, o := range outs {
			b, err := article.Encode(o)
			if err != nil {
				return err
			}
			bw.Write(b)
			if err := bw.WriteByte('\n'); err != nil {
				return fmt.Errorf("write output: %w", err)
			}
			st.Out++
		}
		return ctx.Err()
	})
	if err != nil {
		return st, err
	}
	if st.Failed > 0 {
		return st, fmt.Errorf("%w: %d of %d", ErrSomeFailed, st.Failed, st.In)
	}
	return st, nil
}

// BatchFilter runs a BatchHandler over JSON Lines on r in batches of size rows.
func BatchFilter[In any](ctx context.Context, r io.Reader, errw io.Writer, size int, h BatchHandler[In]) (FilterStats, error) {
	var st FilterStats
	var batch []In
	var lines []int
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		rejected, err := callBatch(ctx, h, batch)
		if err != nil {
			return fmt.Errorf("write batch ending at line %d: %w", lines[len(lines)-1], err)
		}
		for i, rerr := range rejected {
			st.Failed++
			fmt.Fprintf(errw, "line %d: rejected: %v\n", lines[i], rerr)
		}
		st.Out += len(batch) - len(rejected)
		batch, lines = batch[:0], lines[:0]
		return nil
	}
	err := eachLine(r, func(n int, line []byte) error {
		st.In++
		var in In
		if err := article.Decode(line, &in); err != nil {
			st.Failed++
			fmt.Fprintf(errw, "line %d: decode: %v\n", n, err)
			return nil
		}
		batch = append(batch, in)
		lines = append(lines, n)
		if len(batch) >= max(size, 1) {
			return flush()
		}
		return ctx.Err()
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return st, err
	}
	if st.Failed > 0 {
		return st, fmt.Errorf("%w: %d of %d", ErrSomeFailed, st.Failed, st.In)
	}
	return st, nil
}

// WriteLines writes messages as JSON Lines.
func WriteLines[T any](w io.Writer, msgs []T) error {
	bw := bufio.NewWriter(w)
	for _, m := range msgs {
		b, err := article.Encode(m)
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

func eachLine(r io.Reader, fn func(n int, line []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), MaxLine)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read input after line %d: %w", n, err)
	}
	return nil
}
