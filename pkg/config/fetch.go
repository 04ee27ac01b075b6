package config

import (
	"fmt"
	"net/url"
	"regexp"
	"time"
)

// validate checks the fetch settings and every source.
func (f Fetch) validate(bad func(field, format string, args ...any)) {
	if f.PollInterval < time.Second {
		bad("fetch.poll_interval", "must be at least 1s, got %s", f.PollInterval)
	}
	if f.Timeout <= 0 {
		bad("fetch.timeout", "must be positive")
	}
	if f.Retries < 0 || f.Retries > 10 {
		bad("fetch.retries", "must be 0 to 10, got %d", f.Retries)
	}
	if f.HostDelay < 0 {
		bad("fetch.host_delay", "must not be negative")
	}
	if f.MaxRedirects < 0 || f.MaxRedirects > 20 {
		bad("fetch.max_redirects", "must be 0 to 20, got %d", f.MaxRedirects)
	}
	if f.ContactURL != "" {
		if err := webURL(f.ContactURL); err != nil {
			bad("fetch.contact_url", "%v", err)
		}
	}
	names := map[string]bool{}
	for i, s := range f.Sources {
		field := func(name string) string { return fmt.Sprintf("fetch.sources[%d].%s", i, name) }
		switch {
		case s.Name == "":
			bad(field("name"), "must be set")
		case names[s.Name]:
			// The name is part of every id: two sources sharing one would
			// overwrite each other's seen state.
			bad(field("name"), "%q is used by another source", s.Name)
		}
		names[s.Name] = true
		if len(s.Paths)+len(s.Feeds)+len(s.Pages) == 0 {
			bad(field("paths"), "a source needs paths, feeds or pages")
		}
		for j, u := range s.Feeds {
			if err := webURL(u); err != nil {
				bad(fmt.Sprintf("%s[%d]", field("feeds"), j), "%v", err)
			}
		}
		for j, u := range s.Pages {
			if err := webURL(u); err != nil {
				bad(fmt.Sprintf("%s[%d]", field("pages"), j), "%v", err)
			}
		}
		if s.LinkPattern != "" {
			if _, err := s.LinkRegexp(); err != nil {
				bad(field("link_pattern"), "%v", err)
			}
			if len(s.Pages) == 0 {
				bad(field("link_pattern"), "needs pages to follow links from")
			}
		}
		if s.FeedContent && len(s.Feeds) == 0 {
			bad(field("feed_content"), "needs feeds")
		}
		if s.Interval != 0 && s.Interval < time.Second {
			bad(field("interval"), "must be at least 1s, got %s", s.Interval)
		}
	}
}

// LinkRegexp compiles the source's link_pattern; nil when there is none.
func (s Source) LinkRegexp() (*regexp.Regexp, error) {
	if s.LinkPattern == "" {
		return nil, nil
	}
	return regexp.Compile(s.LinkPattern)
}

// webURL accepts absolute http and https URLs only: fetch never opens file:,
// ftp: or other schemes from configuration.
func webURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: only http and https URLs are fetched", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q: no host", s)
	}
	return nil
}
