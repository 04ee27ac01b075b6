package fetch

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/casewire/casewire/pkg/topology"
)

// settle is how long a folder must stay quiet after a notification before it
// is scanned, so a file being written is read once, complete.
const settle = 200 * time.Millisecond

// watchFiles scans at once, then on file notifications and every Interval.
// Notifications make pickup prompt; the rescan catches what they miss
// (network file systems, overflowing event queues, folders created later).
func (r *Runner) watchFiles(ctx context.Context, report func(Stats)) {
	interval := r.Interval
	if interval <= 0 {
		interval = 2 * time.Second
	}
	events, stop := r.notifications(ctx)
	defer stop()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var quiet <-chan time.Time
	scan := func() {
		st, err := r.scanFiles(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			// A passing NATS outage: log, and try again on the next event or tick.
			r.log().Error("scan", "stage", topology.StageFetch, "source", r.Source.Name, "err", err)
		}
		if report != nil && st.Files+st.Rejected > 0 {
			report(st)
		}
	}
	scan()
	for {
		select {
		case <-ctx.Done():
			return
		case <-events:
			quiet = time.After(settle)
		case <-quiet:
			quiet = nil
			scan()
		case <-tick.C:
			scan()
		}
	}
}

// notifications watches the folders of r.Paths (and the folders holding the
// files it names) and signals any change. Without fsnotify (no inotify
// instances left) it returns a nil channel and the periodic rescan carries on.
func (r *Runner) notifications(ctx context.Context) (<-chan struct{}, func()) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		r.log().Warn("file notifications unavailable, rescanning only", "source", r.Source.Name, "err", err)
		return nil, func() {}
	}
	add := func(dir string) {
		if err := w.Add(dir); err != nil {
			r.log().Warn("watch folder", "source", r.Source.Name, "dir", dir, "err", err)
		}
	}
	// fsnotify is not recursive: each folder is watched on its own.
	addTree := func(root string) {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				if path != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				add(path)
			}
			return nil
		})
	}
	for _, p := range r.Paths {
		if p == StdinPath {
			continue
		}
		info, err := os.Stat(p)
		switch {
		case err != nil:
			continue
		case !info.IsDir():
			add(filepath.Dir(p))
		default:
			addTree(p)
		}
	}
	out := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if ev.Has(fsnotify.Create) {
					// A whole tree (mkdir -p, a moved-in folder) may appear
					// before its top is watched.
					if info, err := os.Stat(ev.Name); err == nil && info.IsDir() && !strings.HasPrefix(filepath.Base(ev.Name), ".") {
						addTree(ev.Name)
					}
				}
				if ev.Has(fsnotify.Chmod) {
					continue // attribute changes alone do not change content
				}
				select {
				case out <- struct{}{}:
				default: // a scan is already due
				}
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				r.log().Warn("file notifications", "source", r.Source.Name, "err", err)
			}
		}
	}()
	return out, func() {
		w.Close()
		<-done
	}
}
