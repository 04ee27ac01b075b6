package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// WebOptions configure fetching over HTTP.
type WebOptions struct {
	UserAgent    string        // default: DefaultUserAgent("")
	Timeout      time.Duration // one request, body included; default 30s
	Retries      int           // after a 5xx, 429 or network error; negative: none
	Backoff      time.Duration // first retry delay, doubled each time; default 1s
	HostDelay    time.Duration // least time between two requests to one host; 0: no limit
	MaxRedirects int           // default 5; negative: none followed
	MaxBytes     int64         // largest response body; default DefaultMaxBytes
	RobotsTTL    time.Duration // how long a robots.txt is trusted; default 1h
}

// DefaultUserAgent names casewire, its version and a page for site owners.
func DefaultUserAgent(contactURL string) string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	if contactURL == "" {
		contactURL = "https://example.invalid/casewire"
	}
	return fmt.Sprintf("casewire/%s (+%s)", v, contactURL)
}

func (o WebOptions) withDefaults() WebOptions {
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent("")
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = 5
	} else if o.MaxRedirects < 0 {
		o.MaxRedirects = 0
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.RobotsTTL <= 0 {
		o.RobotsTTL = time.Hour
	}
	return o
}

// Web fetches pages politely: one per process, shared by every source so the
// per-host rate limit and the robots.txt cache hold across sources.
type Web struct {
	opt    WebOptions
	strict *http.Client // refuses internal addresses
	open   *http.Client // for sources with allow_private
	robots *robotsCache
	log    *slog.Logger

	mu    sync.Mutex
	hosts map[string]*rate.Limiter
}

// NewWeb builds the HTTP clients.
func NewWeb(o WebOptions, log *slog.Logger) *Web {
	o = o.withDefaults()
	if log == nil {
		log = slog.Default()
	}
	w := &Web{opt: o, strict: newClient(o, false), open: newClient(o, true), log: log, hosts: map[string]*rate.Limiter{}}
	w.robots = newRobotsCache(w, o.RobotsTTL)
	return w
}

// Validators are the conditional-GET state of a URL.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// Response is a fetched page.
type Response struct {
	URL         string // after redirects
	Status      int
	NotModified bool // 304: the validators still hold, Body is empty
	Body        []byte
	ContentType string // media type, lower case
	Charset     string // from the Content-Type header, empty if none
	Validators  Validators
}

// HTTPError is a response status fetch does not accept.
type HTTPError struct {
	URL    string
	Status int
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("GET %s: %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// Temporary reports statuses worth retrying: server errors and rate limiting.
func (e *HTTPError) Temporary() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout
}

// ErrDisallowed is returned for a URL robots.txt forbids.
var ErrDisallowed = errors.New("disallowed by robots.txt")

// Permanent reports an error that fetching again will not fix (a 404, a
// refused address, robots.txt): the URL is given up rather than retried.
func Permanent(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return !he.Temporary()
	}
	return errors.Is(err, ErrTooLarge) || errors.Is(err, ErrDisallowed) || permanentNetError(err)
}

// Get fetches rawURL after checking robots.txt, honouring the host's rate
// limit, sending the validators, and retrying temporary failures with
// exponential backoff.
func (w *Web) Get(ctx context.Context, rawURL string, allowPrivate bool, v Validators) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", rawURL, err)
	}
	if err := checkScheme(u); err != nil {
		return nil, err
	}
	ok, err := w.robots.allowed(ctx, u, allowPrivate)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", rawURL, ErrDisallowed)
	}
	return w.getRetry(ctx, u, allowPrivate, v)
}

func (w *Web) getRetry(ctx context.Context, u *url.URL, allowPrivate bool, v Validators) (*Response, error) {
	delay := w.opt.Backoff
	for attempt := 0; ; attempt++ {
		resp, err := w.get(ctx, u, allowPrivate, v)
		if err == nil || Permanent(err) || attempt >= w.opt.Retries || ctx.Err() != nil {
			return resp, err
		}
		wait := delay + rand.N(delay/2+1) // jitter so instances do not retry in step
		if ra := retryAfter(err); ra > wait {
			wait = min(ra, 10*delay)
		}
		w.log.Debug("retry", "url", u.Redacted(), "attempt", attempt+1, "in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		delay *= 2
	}
}

// retryErr carries a server's Retry-After with the status.
type retryErr struct {
	*HTTPError
	after time.Duration
}

func (e *retryErr) Unwrap() error { return e.HTTPError }

func retryAfter(err error) time.Duration {
	var re *retryErr
	if errors.As(err, &re) {
		return re.after
	}
	return 0
}

// get is one request.
func (w *Web) get(ctx context.Context, u *url.URL, allowPrivate bool, v Validators) (*Response, error) {
	if err := w.limiter(u.Host).Wait(ctx); err != nil {
		return nil, fmt.Errorf("rate limit %s: %w", u.Host, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", u.Redacted(), err)
	}
	req.Header.Set("User-Agent", w.opt.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	client := w.strict
	if allowPrivate {
		client = w.open
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	defer res.Body.Close()
	out := &Response{URL: res.Request.URL.String(), Status: res.StatusCode}
	switch {
	case res.StatusCode == http.StatusNotModified:
		out.NotModified, out.Validators = true, v
		return out, nil
	case res.StatusCode < 200 || res.StatusCode > 299:
		io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10)) // lets the connection be reused
		he := &HTTPError{URL: u.Redacted(), Status: res.StatusCode}
		if s := res.Header.Get("Retry-After"); s != "" {
			if n, err := strconv.Atoi(s); err == nil && n >= 0 {
				return nil, &retryErr{HTTPError: he, after: time.Duration(n) * time.Second}
			}
		}
		return nil, he
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, w.opt.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", u.Redacted(), err)
	}
	if int64(len(body)) > w.opt.MaxBytes {
		return nil, fmt.Errorf("%s: %w (%d bytes)", u.Redacted(), ErrTooLarge, w.opt.MaxBytes)
	}
	out.Body = body
	out.ContentType, out.Charset = mediaType(res.Header.Get("Content-Type"))
	out.Validators = Validators{ETag: res.Header.Get("ETag"), LastModified: res.Header.Get("Last-Modified")}
	return out, nil
}

// mediaType splits a Content-Type header into the media type and charset.
func mediaType(h string) (typ, charset string) {
	if h == "" {
		return "", ""
	}
	t, params, err := mime.ParseMediaType(h)
	if err != nil {
		t, _, _ = strings.Cut(h, ";")
		return strings.ToLower(strings.TrimSpace(t)), ""
	}
	return t, strings.ToLower(strings.Trim(params["charset"], `"' `))
}

// limiter returns the host's limiter: one request per HostDelay, so several
// sources on one site share its budget.
func (w *Web) limiter(host string) *rate.Limiter {
	w.mu.Lock()
	defer w.mu.Unlock()
	l, ok := w.hosts[host]
	if !ok {
		every := rate.Inf
		if w.opt.HostDelay > 0 {
			every = rate.Every(w.opt.HostDelay)
		}
		l = rate.NewLimiter(every, 1)
		w.hosts[host] = l
	}
	return l
}
