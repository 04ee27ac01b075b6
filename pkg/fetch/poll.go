package fetch

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/topology"
)

// Poll fetches the source's feeds and pages once and publishes what is new.
// A feed or page that fails is counted in Errors, logged and tried again on
// the next poll; err is for failures of NATS, which stop the pass.
func (r *Runner) Poll(ctx context.Context) (st Stats, err error) {
	r.webMu.Lock()
	defer r.webMu.Unlock()
	if r.Web == nil {
		return st, errors.New("fetch: a source with feeds or pages needs Runner.Web")
	}
	defer func() { r.lastPoll = time.Now() }()
	defer func() { r.observe(st, err) }()
	for _, u := range r.Feeds {
		if err := r.pollFeed(ctx, u, &st); err != nil {
			return st, err
		}
	}
	for _, u := range r.Pages {
		var err error
		if r.LinkPattern != nil {
			err = r.pollListing(ctx, u, &st)
		} else {
			_, err = r.fetchArticle(ctx, u, nil, &st, false)
		}
		if err != nil {
			return st, err
		}
	}
	return st, nil
}

// natsError marks a failure of the publisher, which ends a pass, as opposed
// to a failure of a site, which is logged and retried next poll.
type natsError struct{ error }

func (e natsError) Unwrap() error { return e.error }

// fetchConditional GETs u with the validators the bucket holds for it.
// res.NotModified says nothing changed since.
func (r *Runner) fetchConditional(ctx context.Context, u string, st *Stats) (*Response, error) {
	v, err := r.Pub.Validators(ctx, r.Source.Name, u)
	if err != nil {
		return nil, natsError{err}
	}
	res, err := r.Web.Get(ctx, u, r.AllowPrivate, v)
	if err != nil {
		return nil, err
	}
	st.Requests++
	if res.NotModified {
		st.NotModified++
	} else {
		st.Bytes += int64(len(res.Body))
	}
	return res, nil
}

// siteFailed logs a feed or listing that could not be fetched; it is tried
// again next poll.
func (r *Runner) siteFailed(u string, err error, st *Stats) error {
	var ne natsError
	if errors.As(err, &ne) {
		return ne.error
	}
	st.Errors++
	r.log().Warn("fetch failed", "stage", topology.StageFetch, "source", r.Source.Name, "url", u, "err", err)
	return nil
}

// fetchArticle fetches one article page and publishes it if new or changed.
// m carries what a feed said about it (title, published). discovered pages
// (links of feeds and listings) are given up after a permanent failure;
// configured pages are retried every poll. ok is false when the page must be
// tried again later, so the feed or listing keeps its validators unsaved.
func (r *Runner) fetchArticle(ctx context.Context, u string, m map[string]string, st *Stats, discovered bool) (ok bool, err error) {
	res, err := r.fetchConditional(ctx, u, st)
	switch {
	case err != nil && discovered && Permanent(err):
		st.Rejected++
		if err := r.Pub.GiveUp(ctx, r.Source.Name, u, err); err != nil {
			return false, err
		}
		return true, nil
	case err != nil:
		return false, r.siteFailed(u, err, st)
	case res.NotModified:
		return true, nil
	}
	raw := r.webRaw(u, res, m)
	st.Articles++
	published, err := r.Pub.Publish(ctx, raw)
	if err != nil {
		return false, err
	}
	if published {
		st.Published++
	}
	// After the publish: a crash in between fetches the page again, and its
	// id makes that harmless.
	if err := r.Pub.SaveValidators(ctx, r.Source.Name, u, res.Validators); err != nil {
		return false, err
	}
	return true, nil
}

// webRaw makes a raw article of a fetched page. Its URI is the URL asked
// for, stable across redirects; Meta["url"] is where the page was found.
func (r *Runner) webRaw(u string, res *Response, m map[string]string) article.Raw {
	format := article.FormatHTML
	if strings.HasPrefix(res.ContentType, "text/plain") {
		format = article.FormatText
	}
	src := r.Source
	src.Charset = res.Charset
	raw := newRaw(src, u, format, res.Body, r.Options)
	raw.ContentType = res.ContentType
	pm := map[string]string{}
	if format == article.FormatHTML {
		pm = pageMeta(res.Body, res.ContentType, res.Charset)
	}
	// The feed's word first: its title has no site name glued on.
	raw.Meta = meta("title", firstOf(m["title"], pm["title"]), "published", firstOf(m["published"], pm["published"]), "url", res.URL)
	return raw
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// pollListing fetches a listing page and each new article it links to that
// matches LinkPattern.
func (r *Runner) pollListing(ctx context.Context, u string, st *Stats) error {
	res, err := r.fetchConditional(ctx, u, st)
	if err != nil {
		return r.siteFailed(u, err, st)
	}
	if res.NotModified {
		return nil
	}
	base, err := url.Parse(res.URL)
	if err != nil {
		return r.siteFailed(u, err, st)
	}
	complete := true
	for _, link := range pageLinks(res.Body, res.ContentType, res.Charset, base) {
		if !r.LinkPattern.MatchString(link) {
			continue
		}
		ok, err := r.fetchNew(ctx, link, nil, st)
		if err != nil {
			return err
		}
		complete = complete && ok
	}
	if !complete {
		return nil // validators unsaved: next poll looks at the listing again
	}
	return r.Pub.SaveValidators(ctx, r.Source.Name, u, res.Validators)
}

// fetchNew fetches a discovered link unless the source already has it.
func (r *Runner) fetchNew(ctx context.Context, link string, m map[string]string, st *Stats) (bool, error) {
	known, err := r.Pub.Known(ctx, r.Source.Name, link)
	if err != nil {
		return false, err
	}
	if known {
		st.NotModified++
		return true, nil
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return r.fetchArticle(ctx, link, m, st, true)
}
