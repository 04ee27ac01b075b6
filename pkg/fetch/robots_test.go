package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/fetch"
)

func TestRobots(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		status  int
		robots  string
		path    string
		allowed bool
	}{
		{name: "casewire group overrides *", status: 200, robots: "User-agent: *\nDisallow: /\n\nUser-agent: casewire\nDisallow: /admin/\n", path: "/news/1.html", allowed: true},
		{name: "casewire group disallows", status: 200, robots: "User-agent: *\nDisallow: /\n\nUser-agent: casewire\nDisallow: /admin/\n", path: "/admin/x", allowed: false},
		{name: "allow inside a disallowed folder", status: 200, robots: "User-agent: *\nDisallow: /a/\nAllow: /a/open/\n", path: "/a/open/1.html", allowed: true},
		{name: "query matched", status: 200, robots: "User-agent: *\nDisallow: /*?print=\n", path: "/a.html?print=1", allowed: false},
		{name: "no robots.txt allows all", status: 404, path: "/x", allowed: true},
		{name: "failing robots.txt allows nothing", status: 503, path: "/x", allowed: false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					w.WriteHeader(tc.status)
					fmt.Fprint(w, tc.robots)
					return
				}
				fmt.Fprint(w, "page")
			}))
			_, err := quickWeb().Get(context.Background(), s.URL+tc.path, true, fetch.Validators{})
			if got := !errors.Is(err, fetch.ErrDisallowed); got != tc.allowed || (tc.allowed && err != nil) {
				t.Errorf("err = %v, want allowed %v", err, tc.allowed)
			}
		})
	}
}

// TestHostDelay measures the spacing of requests to one host.
func TestHostDelay(t *testing.T) {
	t.Parallel()
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "x") }))
	web := fetch.NewWeb(fetch.WebOptions{HostDelay: 100 * time.Millisecond, Timeout: time.Second}, nil)
	start := time.Now()
	for i := range 3 {
		if _, err := web.Get(context.Background(), fmt.Sprintf("%s/%d", s.URL, i), true, fetch.Validators{}); err != nil {
			t.Fatal(err)
		}
	}
	// robots.txt and three pages: four requests, three gaps.
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("4 requests took %s, want at least 300ms at one per 100ms", took)
	}
}
