package fetch

import (
	"context"
	"os"
	"slices"
	"time"
)

type fileState struct {
	size int64
	mod  time.Time
}

// scanFiles reads standard input (first pass only) and every file that is new
// or changed since its last complete read, in this process or, through the
// bucket, in any earlier one.
func (r *Runner) scanFiles(ctx context.Context) (st Stats, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	defer func() { r.observe(st, err) }()
	if r.known == nil {
		r.known = map[string]fileState{}
	}
	if slices.Contains(r.Paths, StdinPath) && !r.stdinRead {
		r.stdinRead = true
		raws, rejected, err := ReadStdin(r.Source, r.stdin(), r.Options)
		if err != nil {
			rejected = append(rejected, Rejected{URI: StdinURI, Err: err})
		}
		if err := r.publishAll(ctx, &st, nil, raws, rejected); err != nil {
			return st, err
		}
	}
	files, err := Files(r.Paths...)
	if err != nil {
		return st, err
	}
	type todo struct {
		path string
		fs   fileState
	}
	var list []todo
	var total int64
	for _, path := range files {
		info, err := os.Stat(path)
		if err != nil {
			continue // removed since listed
		}
		fs := fileState{size: info.Size(), mod: info.ModTime()}
		if r.known[path] == fs {
			continue
		}
		list = append(list, todo{path, fs})
		total += fs.size
	}
	m := r.Progress.start(r.Source.Name, len(list), total)
	defer m.finish()
	for _, f := range list {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		done, err := r.Pub.fileDone(ctx, r.Source.Name, f.path, f.fs)
		if err != nil {
			return st, err
		}
		if done {
			st.Skipped++
			st.SkippedBytes += f.fs.size
			r.known[f.path] = f.fs
			m.file(f.fs.size, 0, true)
			continue
		}
		st.Files++
		st.Bytes += f.fs.size
		raws, rejected, err := ReadFile(r.Source, f.path, r.Options)
		if err != nil {
			rejected = append(rejected, Rejected{URI: fileURI(f.path), Err: err})
		}
		var counted int64
		if err := r.publishAll(ctx, &st, func(n int64, published bool) {
			counted += n
			m.article(n, published)
		}, raws, rejected); err != nil {
			return st, err
		}
		m.file(f.fs.size, counted, false)
		// Only a file read to its end is marked: an interrupted dump is read
		// again on resume, and its published records are skipped by id.
		if err := r.Pub.markFile(ctx, r.Source.Name, f.path, f.fs); err != nil {
			return st, err
		}
		r.known[f.path] = f.fs
	}
	return st, nil
}
