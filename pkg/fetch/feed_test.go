package fetch_test

import (
	"fmt"
	"hash/crc32"
	"net/http"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/topology"
)

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serveETag serves body with an ETag derived from it and answers 304 to a
// request that already has it.
func serveETag(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	etag := fmt.Sprintf(`"%x"`, crc32.ChecksumIEEE(body))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", contentType)
	w.Write(body)
}

const rss = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>乌海公安</title><link>/</link>
<item><title>海勃湾分局破获盗窃案</title><link>/a/1.html</link><pubDate>Mon, 01 Jul 2024 02:30:00 GMT</pubDate></item>
<item><title>乌达区交通事故通报</title><link>/a/2.html</link><pubDate>Tue, 02 Jul 2024 08:00:00 +0800</pubDate></item>
</channel></rss>`

const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>警情通报</title><id>urn:x</id><updated>2024-07-02T08:00:00+08:00</updated>
<entry><title>7月警情</title><id>urn:x:1</id><link href="/n/1"/><published>2024-07-02T08:00:00+08:00</published><updated>2024-07-03T08:00:00+08:00</updated>
<content type="html">&lt;p&gt;7月共接报警情131起。&lt;/p&gt;</content></entry>
<entry><title>6月警情</title><id>urn:x:2</id><link href="/n/2"/><updated>2024-06-02T00:00:00Z</updated>
<content type="html">&lt;p&gt;6月共接报警情120起。&lt;/p&gt;</content></entry>
</feed>`

const gbkRSS = `<?xml version="1.0" encoding="GBK"?>
<rss version="2.0"><channel><title>公安要闻</title>
<item><title>刑事案件同比下降</title><guid>gbk-1</guid><description>全市刑事案件同比下降12%。</description></item>
</channel></rss>`

func page(title, published string) string {
	return `<html><head><meta charset="utf-8"><title>` + title + `_乌海公安</title>` +
		`<meta name="publishdate" content="` + published + `"></head><body><p>` + title + `。正文。</p></body></html>`
}

func TestFeedSources(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/rss.xml", func(w http.ResponseWriter, r *http.Request) {
		serveETag(w, r, "application/rss+xml; charset=utf-8", []byte(rss))
	})
	mux.HandleFunc("/atom.xml", func(w http.ResponseWriter, r *http.Request) {
		serveETag(w, r, "application/atom+xml", []byte(atom))
	})
	mux.HandleFunc("/gbk.xml", func(w http.ResponseWriter, r *http.Request) {
		serveETag(w, r, "application/xml", gbk(t, gbkRSS))
	})
	mux.HandleFunc("/a/1.html", func(w http.ResponseWriter, r *http.Request) {
		serveETag(w, r, "text/html; charset=utf-8", []byte(page("海勃湾分局破获盗窃案", "2024-06-30")))
	})
	mux.HandleFunc("/a/2.html", func(w http.ResponseWriter, r *http.Request) {
		serveETag(w, r, "text/html; charset=utf-8", []byte(page("乌达区交通事故通报", "")))
	})
	s := newSite(t, mux)

	type want struct {
		uri, title, published, format string
	}
	cases := []struct {
		name        string
		feed        string
		feedContent bool
		want        []want
	}{
		{name: "rss links fetched", feed: "/rss.xml", want: []want{
			// The feed's date wins over the page's meta.
			{"/a/1.html", "海勃湾分局破获盗窃案", "2024-07-01T10:30:00", article.FormatHTML},
			{"/a/2.html", "乌达区交通事故通报", "2024-07-02T08:00:00", article.FormatHTML},
		}},
		{name: "atom full text", feed: "/atom.xml", feedContent: true, want: []want{
			{"/n/1", "7月警情", "2024-07-02T08:00:00", article.FormatHTML},
			{"/n/2", "6月警情", "2024-06-02T08:00:00", article.FormatHTML},
		}},
		{name: "gbk rss", feed: "/gbk.xml", feedContent: true, want: []want{
			{"gbk-1", "刑事案件同比下降", "", article.FormatHTML},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBus(t)
			run := func() fetch.Stats {
				t.Helper()
				// A fresh publisher, web client and runner: a restart.
				r := &fetch.Runner{Source: src, Feeds: []string{s.URL + tc.feed}, FeedContent: tc.feedContent,
					AllowPrivate: true, Web: quickWeb(), Pub: newPub(t, b.ctx, b.js)}
				st, err := r.Poll(b.ctx)
				if err != nil {
					t.Fatal(err)
				}
				return st
			}
			if st := run(); st.Published != len(tc.want) || st.Errors != 0 {
				t.Fatalf("first poll: %+v, want %d published", st, len(tc.want))
			}
			raws := b.raws(t)
			for i, w := range tc.want {
				r := raws[i]
				if !strings.HasSuffix(r.URI, w.uri) || r.Meta["title"] != w.title || r.Meta["published"] != w.published || r.Format != w.format {
					t.Errorf("item %d: uri %q meta %v format %q; want %+v", i, r.URI, r.Meta, r.Format, w)
				}
				if r.Source != src.Name || r.RegionHint != src.Region || r.ID != article.RawID(r.Source, r.URI, r.Body) {
					t.Errorf("item %d: source fields or id wrong: %+v", i, r)
				}
			}
			if tc.feed == "/gbk.xml" && !strings.Contains(string(raws[0].Body), "同比下降12%") {
				t.Errorf("GBK item body not decoded: %q", raws[0].Body)
			}
			pages := s.hit("/a/1.html")
			if st := run(); st.Published != 0 || st.NotModified != 1 {
				t.Errorf("poll after restart: %+v, want the feed not modified and nothing published", st)
			}
			if s.hit("/a/1.html") != pages {
				t.Error("an article page was fetched again")
			}
		})
	}
}

func TestListingSource(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	links := []string{"/jwzx/1001.html", "/jwzx/1002.html", "/jwzx/1003.html", "/about.html"}
	listing := func() []byte {
		mu.Lock()
		defer mu.Unlock()
		var b strings.Builder
		b.WriteString(`<html><head><title>警务资讯</title></head><body><ul>`)
		for _, l := range links {
			fmt.Fprintf(&b, `<li><a href="%s">新闻</a></li>`, strings.TrimPrefix(l, "/jwzx/"))
		}
		b.WriteString(`</ul></body></html>`)
		return gbk(t, b.String())
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", http.NotFound)
	mux.HandleFunc("/jwzx/", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/jwzx/":
			serveETag(w, r, "text/html; charset=gbk", listing())
		case "/jwzx/1003.html":
			http.NotFound(w, r)
		default:
			id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/jwzx/"), ".html")
			body := `<html><head><title>第` + id + `号通报_乌海市公安局</title>` +
				`<meta property="og:title" content="第` + id + `号通报"><meta name="PubDate" content="2024年07月01日 09:30">` +
				`</head><body><p>抓获犯罪嫌疑人3名。</p></body></html>`
			serveETag(w, r, "text/html; charset=gbk", gbk(t, body))
		}
	})
	mux.HandleFunc("/about.html", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "about") })
	s := newSite(t, mux)
	b := newBus(t)
	web := quickWeb()
	poll := func() fetch.Stats {
		t.Helper()
		r := &fetch.Runner{Source: src, Pages: []string{s.URL + "/jwzx/"}, LinkPattern: regexpMust(`/jwzx/\d+\.html$`),
			AllowPrivate: true, Web: web, Pub: newPub(t, b.ctx, b.js)}
		st, err := r.Poll(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := poll(); st.Published != 2 || st.Rejected != 1 {
		t.Fatalf("first poll: %+v, want 2 published and the 404 dead-lettered", st)
	}
	raws := b.raws(t)
	r := raws[0]
	if r.Charset != "gbk" || r.ContentType != "text/html" || r.Meta["title"] != "第1001号通报" || r.Meta["published"] != "2024年07月01日 09:30" {
		t.Errorf("page raw: charset %q type %q meta %v", r.Charset, r.ContentType, r.Meta)
	}
	if s.hit("/about.html") != 0 {
		t.Error("a link not matching link_pattern was fetched")
	}
	if st := poll(); st.Published != 0 || st.NotModified != 1 {
		t.Errorf("unchanged listing: %+v, want 304 and nothing else", st)
	}
	mu.Lock()
	links = append(links, "/jwzx/1004.html")
	mu.Unlock()
	if st := poll(); st.Published != 1 || st.Rejected != 0 {
		t.Errorf("listing with one new link: %+v, want 1 published, the 404 not tried again", st)
	}
	if got := s.hit("/jwzx/1003.html"); got != 1 {
		t.Errorf("gone link fetched %d times, want 1", got)
	}
	if got := b.count(t, topology.StreamDeadLetter); got != 1 {
		t.Errorf("%d dead letters, want the one 404", got)
	}
}

func TestConfiguredPageVersions(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	text := "第一版"
	s := newSite(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		body := []byte(page(text, "2024-07-01 08:00"))
		mu.Unlock()
		serveETag(w, r, "text/html; charset=utf-8", body)
	}))
	b := newBus(t)
	cases := []struct {
		name          string
		change        string
		allowPrivate  bool
		wantPublished int
		wantErrors    int
	}{
		{name: "loopback refused by default", wantErrors: 1},
		{name: "first fetch", allowPrivate: true, wantPublished: 1},
		{name: "unchanged: 304", allowPrivate: true},
		{name: "changed: new version", change: "第二版", allowPrivate: true, wantPublished: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.change != "" {
				mu.Lock()
				text = tc.change
				mu.Unlock()
			}
			r := &fetch.Runner{Source: src, Pages: []string{s.URL + "/jwzx/1.html"}, AllowPrivate: tc.allowPrivate,
				Web: quickWeb(), Pub: newPub(t, b.ctx, b.js)}
			st, err := r.Poll(b.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Published != tc.wantPublished || st.Errors != tc.wantErrors {
				t.Errorf("stats %+v, want %d published, %d errors", st, tc.wantPublished, tc.wantErrors)
			}
		})
	}
	raws := b.raws(t)
	if len(raws) != 2 || raws[0].URI != raws[1].URI || raws[0].ID == raws[1].ID || raws[1].Meta["published"] != "2024-07-01 08:00" {
		t.Errorf("want two versions of one page, got %d: %+v", len(raws), raws)
	}
}
