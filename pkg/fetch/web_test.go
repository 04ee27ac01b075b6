package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/fetch"
)

func TestWebGet(t *testing.T) {
	t.Parallel()
	var flaky atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n\nUser-agent: otherbot\nDisallow: /otherbot/\n")
	})
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != "casewire/test (+https://example.invalid/casewire)" {
			http.Error(w, "who are you", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=GBK")
		fmt.Fprint(w, "<p>ok</p>")
	})
	mux.HandleFunc("/etag", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 01 Jul 2024 00:00:00 GMT")
		fmt.Fprint(w, "v1")
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/flaky", func(w http.ResponseWriter, r *http.Request) {
		if flaky.Add(1) <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "finally")
	})
	mux.HandleFunc("/down", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) })
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select { // answers long after the client's timeout, or when it hangs up
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 100<<10)) })
	mux.HandleFunc("/private/x", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "secret") })
	mux.HandleFunc("/otherbot/x", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "for casewire") })
	s := newSite(t, mux)
	web := quickWeb()

	cases := []struct {
		name        string
		path        string
		v           fetch.Validators
		wantBody    string
		wantURL     string // suffix of the final URL
		wantCharset string
		wantNotMod  bool
		wantErr     error
		wantStatus  int // of an *HTTPError
		wantHits    int // requests the server saw for path
	}{
		{name: "ok with charset", path: "/ok", wantBody: "<p>ok</p>", wantCharset: "gbk", wantHits: 1},
		{name: "first fetch gets validators", path: "/etag", wantBody: "v1", wantHits: 1},
		{name: "etag gives 304", path: "/etag", v: fetch.Validators{ETag: `"v1"`}, wantNotMod: true, wantHits: 2},
		{name: "redirect followed", path: "/redirect", wantBody: "<p>ok</p>", wantURL: "/ok", wantHits: 1},
		{name: "redirect loop stops", path: "/loop", wantErr: fetch.ErrTooManyRedirects},
		{name: "redirect to file scheme", path: "/to-file", wantErr: fetch.ErrScheme, wantHits: 1},
		{name: "5xx retried", path: "/flaky", wantBody: "finally", wantHits: 3},
		{name: "5xx gives up after retries", path: "/down", wantStatus: 500, wantHits: 3},
		{name: "404 not retried", path: "/missing", wantStatus: 404, wantHits: 1},
		{name: "slow response times out, retried", path: "/slow", wantErr: context.DeadlineExceeded, wantHits: 3},
		{name: "too large", path: "/big", wantErr: fetch.ErrTooLarge, wantHits: 1},
		{name: "robots.txt disallows all agents", path: "/private/x", wantErr: fetch.ErrDisallowed, wantHits: 0},
		{name: "robots.txt group of another agent", path: "/otherbot/x", wantBody: "for casewire", wantHits: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := web.Get(context.Background(), s.URL+tc.path, true, tc.v)
			switch {
			case tc.wantStatus != 0:
				var he *fetch.HTTPError
				if !errors.As(err, &he) || he.Status != tc.wantStatus {
					t.Fatalf("err = %v, want HTTP %d", err, tc.wantStatus)
				}
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) && !(tc.wantErr == context.DeadlineExceeded && isTimeout(err)) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			default:
				if string(res.Body) != tc.wantBody || res.NotModified != tc.wantNotMod || (tc.wantCharset != "" && res.Charset != tc.wantCharset) {
					t.Errorf("got body %q notModified %v charset %q", res.Body, res.NotModified, res.Charset)
				}
				if tc.wantURL != "" && !strings.HasSuffix(res.URL, tc.wantURL) {
					t.Errorf("final URL %q, want ...%s", res.URL, tc.wantURL)
				}
			}
			if tc.wantHits > 0 || tc.wantErr == fetch.ErrDisallowed {
				if got := s.hit(tc.path); got != tc.wantHits {
					t.Errorf("server saw %d requests for %s, want %d", got, tc.path, tc.wantHits)
				}
			}
		})
	}
	if n := s.hit("/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times, want once (cached)", n)
	}
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

func TestWebRefusesInternalAddressesByDefault(t *testing.T) {
	t.Parallel()
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hello") }))
	web := quickWeb()
	port := s.Listener.Addr().(*net.TCPAddr).Port
	cases := []struct {
		name string
		url  string
	}{
		{"loopback literal", s.URL + "/"},
		// A name resolving to loopback: the check is on the dialled address,
		// after resolution, so no name can smuggle an internal address in.
		{"name resolving to loopback", fmt.Sprintf("http://localhost:%d/", port)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := web.Get(context.Background(), tc.url, false, fetch.Validators{})
			if !errors.Is(err, fetch.ErrPrivateAddress) {
				t.Fatalf("err = %v, want ErrPrivateAddress", err)
			}
			if !fetch.Permanent(err) {
				t.Error("a refused address must not be retried")
			}
		})
	}
	if n := s.hit("/") + s.hit("/robots.txt"); n != 0 {
		t.Errorf("server saw %d requests; the refusal must come before any byte is sent", n)
	}
	if _, err := web.Get(context.Background(), "ftp://example.org/x", false, fetch.Validators{}); !errors.Is(err, fetch.ErrScheme) {
		t.Errorf("ftp: err = %v, want ErrScheme", err)
	}
}

func TestInternalAddresses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		ip       string
		internal bool
	}{
		{"127.0.0.1", true}, {"::1", true}, {"10.1.2.3", true}, {"172.16.0.1", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"fe80::1", true}, {"fc00::1", true}, {"0.0.0.0", true}, {"100.64.0.1", true},
		{"::ffff:127.0.0.1", true}, {"224.0.0.1", true},
		{"8.8.8.8", false}, {"202.108.22.5", false}, {"2001:4860:4860::8888", false},
	}
	for _, tc := range cases {
		t.Run(tc.ip, func(t *testing.T) {
			if got := fetch.Internal(netip.MustParseAddr(tc.ip)); got != tc.internal {
				t.Errorf("Internal(%s) = %v, want %v", tc.ip, got, tc.internal)
			}
		})
	}
}
