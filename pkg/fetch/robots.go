package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// robotsCache keeps each host's robots.txt for a while, so checking a URL
// costs a request only once per host and TTL.
type robotsCache struct {
	web *Web
	ttl time.Duration

	mu       sync.Mutex
	entries  map[string]robotsEntry   // by scheme://host
	inflight map[string]chan struct{} // loads under way, so sources on one host ask once
}

type robotsEntry struct {
	data    *robotstxt.RobotsData
	expires time.Time
}

func newRobotsCache(w *Web, ttl time.Duration) *robotsCache {
	return &robotsCache{web: w, ttl: ttl, entries: map[string]robotsEntry{}, inflight: map[string]chan struct{}{}}
}

// agent is the product token of the User-Agent, the name robots.txt groups
// are matched against ("casewire").
func (c *robotsCache) agent() string {
	a, _, _ := strings.Cut(c.web.opt.UserAgent, "/")
	return strings.TrimSpace(a)
}

// allowed reports whether robots.txt lets casewire fetch u. A missing
// robots.txt (4xx) allows everything; a failing one (5xx) allows nothing,
// the conservative reading robotstxt.FromStatusAndBytes implements.
func (c *robotsCache) allowed(ctx context.Context, u *url.URL, allowPrivate bool) (bool, error) {
	if u.Path == "/robots.txt" {
		return true, nil
	}
	key := u.Scheme + "://" + u.Host
	for {
		c.mu.Lock()
		e, ok := c.entries[key]
		if ok && time.Now().Before(e.expires) {
			c.mu.Unlock()
			return e.data.TestAgent(robotsPath(u), c.agent()), nil
		}
		wait, loading := c.inflight[key]
		if !loading {
			done := make(chan struct{})
			c.inflight[key] = done
			c.mu.Unlock()
			data, ttl, err := c.load(ctx, key, allowPrivate)
			c.mu.Lock()
			delete(c.inflight, key)
			if err == nil {
				c.entries[key] = robotsEntry{data: data, expires: time.Now().Add(ttl)}
			}
			c.mu.Unlock()
			close(done)
			if err != nil {
				return false, err
			}
			return data.TestAgent(robotsPath(u), c.agent()), nil
		}
		c.mu.Unlock()
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-wait:
		}
	}
}

// load fetches and parses a robots.txt. A server error (read as "disallow
// all") is trusted for a shorter time than a real answer.
func (c *robotsCache) load(ctx context.Context, base string, allowPrivate bool) (*robotstxt.RobotsData, time.Duration, error) {
	u, err := url.Parse(base + "/robots.txt")
	if err != nil {
		return nil, 0, fmt.Errorf("robots.txt of %s: %w", base, err)
	}
	status, ttl := 200, c.ttl
	var body []byte
	res, err := c.web.getRetry(ctx, u, allowPrivate, Validators{})
	var he *HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Status
		if he.Temporary() {
			ttl = min(ttl, 10*time.Minute)
		}
	case err != nil:
		return nil, 0, fmt.Errorf("robots.txt of %s: %w", base, err)
	default:
		body = res.Body
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		// An unparsable file or odd status says nothing we can follow:
		// treat it as absent.
		data, _ = robotstxt.FromStatusAndBytes(404, nil)
	}
	return data, ttl, nil
}

// robotsPath is what robots.txt rules match: the path with its query.
func robotsPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}
