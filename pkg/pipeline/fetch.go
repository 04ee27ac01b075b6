package pipeline

import (
	"context"
	"fmt"
	"sync"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/fetch"
)

// FetchRunners builds one runner per configured source.
func FetchRunners(ctx context.Context, env Env) ([]*fetch.Runner, error) {
	pub, err := fetch.NewPublisher(ctx, env.JS, env.Config.Streams.Replicas, env.Log)
	if err != nil {
		return nil, err
	}
	var rs []*fetch.Runner
	for _, s := range env.Config.Fetch.Sources {
		rs = append(rs, &fetch.Runner{
			Source:   fetch.Source{Name: s.Name, Outlet: s.Outlet, Region: s.Region, Charset: s.Charset},
			Paths:    s.Paths,
			Options:  fetch.Options{MaxBytes: env.Config.Fetch.MaxBytes},
			Pub:      pub,
			Interval: env.Config.Fetch.WatchInterval,
			Log:      env.Log,
		})
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("fetch.sources: no source configured")
	}
	return rs, nil
}

// ScanAll runs one pass over every source.
func ScanAll(ctx context.Context, rs []*fetch.Runner) (fetch.Stats, error) {
	var total fetch.Stats
	for _, r := range rs {
		st, err := r.Scan(ctx)
		total = add(total, st)
		if err != nil {
			return total, fmt.Errorf("source %s: %w", r.Source.Name, err)
		}
	}
	return total, nil
}

// WatchAll watches every source until ctx ends.
func WatchAll(ctx context.Context, env Env, rs []*fetch.Runner) {
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Go(func() {
			r.Watch(ctx, func(st fetch.Stats) {
				env.Log.Info("fetched", "stage", "fetch", "source", r.Source.Name, "files", st.Files,
					"articles", st.Articles, "published", st.Published, "rejected", st.Rejected)
			})
		})
	}
	wg.Wait()
}

func add(a, b fetch.Stats) fetch.Stats {
	return fetch.Stats{Files: a.Files + b.Files, Articles: a.Articles + b.Articles, Published: a.Published + b.Published, Rejected: a.Rejected + b.Rejected, Bytes: a.Bytes + b.Bytes}
}

// SourceFromArgs is the source used when paths are given on the command line.
func SourceFromArgs(name string, paths []string) config.Source {
	return config.Source{Name: name, Paths: paths}
}
