package fetch

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/stage"
)

// Runners builds one runner per configured source. The web client is
// shared, so the per-host rate limit and robots.txt cache span sources.
func Runners(ctx context.Context, env stage.Env) ([]*Runner, error) {
	pub, err := NewPublisher(ctx, env.JS, env.Config.Streams.Replicas, env.Log)
	if err != nil {
		return nil, err
	}
	fc := env.Config.Fetch
	var web *Web
	progress := NewProgress(os.Stderr, env.Log)
	var rs []*Runner
	for i, s := range fc.Sources {
		pattern, err := s.LinkRegexp()
		if err != nil {
			return nil, fmt.Errorf("fetch.sources[%d].link_pattern: %w", i, err)
		}
		if len(s.Feeds)+len(s.Pages) > 0 && web == nil {
			web = NewWeb(WebOptionsOf(fc), env.Log)
		}
		interval := s.Interval
		if interval <= 0 {
			interval = fc.PollInterval
		}
		env.Metrics.InitSource(s.Name)
		rs = append(rs, &Runner{
			Source:       Source{Name: s.Name, Outlet: s.Outlet, Region: s.Region, Charset: s.Charset},
			Paths:        s.Paths,
			Feeds:        s.Feeds,
			Pages:        s.Pages,
			LinkPattern:  pattern,
			FeedContent:  s.FeedContent,
			AllowPrivate: s.AllowPrivate,
			Web:          web,
			Options:      Options{MaxBytes: fc.MaxBytes},
			Pub:          pub,
			Interval:     fc.WatchInterval,
			PollInterval: interval,
			Progress:     progress,
			Log:          env.Log,
			Observe:      observeFetch(env.Metrics),
		})
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("fetch.sources: no source configured")
	}
	return rs, nil
}

// observeFetch counts fetch's passes. Seen are the articles read again
// whose version was published before, and pages that answered 304 or links
// already known.
func observeFetch(m *stage.Metrics) func(string, Stats, error) {
	if m == nil {
		return nil
	}
	return func(source string, st Stats, err error) {
		m.ObserveFetch(source, st.Published, st.Articles-st.Published+st.NotModified, st.Rejected, st.Errors, err)
	}
}

// WebOptionsOf maps the fetch configuration onto the web client's options.
func WebOptionsOf(fc config.Fetch) WebOptions {
	ua := fc.UserAgent
	if ua == "" {
		ua = DefaultUserAgent(fc.ContactURL)
	}
	retries := fc.Retries
	if retries == 0 {
		retries = -1 // configured 0 means none, not the default
	}
	redirects := fc.MaxRedirects
	if redirects == 0 {
		redirects = -1
	}
	return WebOptions{
		UserAgent: ua, Timeout: fc.Timeout, Retries: retries, HostDelay: fc.HostDelay,
		MaxRedirects: redirects, MaxBytes: fc.MaxBytes,
	}
}

// ScanAll runs one pass over every source.
func ScanAll(ctx context.Context, rs []*Runner) (Stats, error) {
	var total Stats
	for _, r := range rs {
		st, err := r.Scan(ctx)
		total = total.Add(st)
		if err != nil {
			return total, fmt.Errorf("source %s: %w", r.Source.Name, err)
		}
	}
	return total, nil
}

// WatchAll watches every source until ctx ends.
func WatchAll(ctx context.Context, env stage.Env, rs []*Runner) {
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Go(func() {
			r.Watch(ctx, func(st Stats) {
				env.Log.Info("fetched", "stage", "fetch", "source", r.Source.Name, "files", st.Files,
					"articles", st.Articles, "published", st.Published, "rejected", st.Rejected,
					"requests", st.Requests, "not_modified", st.NotModified, "errors", st.Errors)
			})
		})
	}
	wg.Wait()
}

// SourceFromArgs is the source used when paths are given on the command line.
func SourceFromArgs(name string, paths []string) config.Source {
	return config.Source{Name: name, Paths: paths}
}
