package fetch

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
)

// FuzzSplitJSONL: never panics; every non-blank line gives exactly one raw
// article or one rejection; a raw article always has content and a URI.
func FuzzSplitJSONL(f *testing.F) {
	f.Add([]byte(`{"url":"https://a.cn/1","title":"标题","content":"正文","published":"2024-07-01T08:00:00+08:00"}`))
	f.Add([]byte("{\"content\":\"一\"}\n\n{\"content\":\"\"}\n{\"published\":1373694061,\"content\":\"x\",\"format\":\"html\"}\n{"))
	f.Add([]byte("\xef\xbb\xbf{\"content\":\"\xb0\xb8\"}\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		raws, rejected := splitJSONL(Source{Name: "f"}, "file:///d.jsonl", data, Options{MaxBytes: 256})
		lines := 0
		for _, l := range bytes.Split(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				lines++
			}
		}
		if len(raws)+len(rejected) != lines {
			t.Fatalf("%d raws + %d rejected for %d lines", len(raws), len(rejected), lines)
		}
		for _, r := range raws {
			if len(bytes.TrimSpace(r.Body)) == 0 || r.URI == "" || r.ID == "" {
				t.Fatalf("raw without content, URI or id: %+v", r)
			}
		}
	})
}

// FuzzPageLinks: never panics or hangs; every link is an absolute http(s)
// URL without fragment, listed once.
func FuzzPageLinks(f *testing.F) {
	f.Add([]byte(`<a href="1.html">一</a><a href="/a/2.html#x">二</a><a href="javascript:void(0)">x</a>`))
	f.Add([]byte(`<base href="https://b.cn/x/"><a href="y.html">`))
	f.Add([]byte("<meta charset=gbk><a href=\"\xb0\xb8.html\">"))
	base, _ := url.Parse("https://a.cn/list/")
	f.Fuzz(func(t *testing.T, data []byte) {
		seen := map[string]bool{}
		for _, l := range pageLinks(data, "text/html", "", base) {
			u, err := url.Parse(l)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Contains(l, "#") || seen[l] {
				t.Fatalf("bad or repeated link %q", l)
			}
			seen[l] = true
		}
		pageMeta(data, "text/html", "")
	})
}
