package fetch

import (
	"bytes"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// publishedMeta are the <meta> names and properties Chinese news and
// government sites put the publication time in.
var publishedMeta = map[string]bool{
	"article:published_time": true, "og:release_date": true, "publishdate": true,
	"pubdate": true, "ptime": true, "publish_time": true, "publishtime": true,
	"datepublished": true, "dc.date.issued": true, "dcterms.created": true,
	"firstpublishedtime": true, "maketime": true,
}

// titleMeta carry a page's title without the site name <title> often adds.
var titleMeta = map[string]bool{"og:title": true, "articletitle": true}

// utf8Tokens tokenises a page after decoding it from the charset of the
// Content-Type, a <meta> declaration or a guess, so titles and dates of GBK
// pages come out right.
func utf8Tokens(body []byte, contentType, cs string) *html.Tokenizer {
	ct := contentType
	if cs != "" {
		ct += "; charset=" + cs
	}
	var r io.Reader = bytes.NewReader(body)
	if dec, err := charset.NewReader(r, ct); err == nil {
		r = dec
	}
	return html.NewTokenizer(r)
}

// pageMeta reads the title and publication time a page declares in <meta>.
// Only the head is read.
func pageMeta(body []byte, contentType, cs string) map[string]string {
	out := map[string]string{}
	z := utf8Tokens(body, contentType, cs)
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "head" {
				return out
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) == "body" {
				return out
			}
			if string(name) != "meta" || !hasAttr {
				continue
			}
			var key, content string
			for {
				k, v, more := z.TagAttr()
				switch string(k) {
				case "name", "property", "itemprop":
					key = strings.ToLower(strings.TrimSpace(string(v)))
				case "content":
					content = strings.TrimSpace(string(v))
				}
				if !more {
					break
				}
			}
			switch {
			case content == "":
			case publishedMeta[key] && out["published"] == "":
				out["published"] = normalisePublished(content)
			case titleMeta[key] && out["title"] == "":
				out["title"] = content
			}
		}
	}
}

// pageLinks lists the absolute http(s) links of a page, each once, in order.
func pageLinks(body []byte, contentType, cs string, base *url.URL) []string {
	var out []string
	seen := map[string]bool{}
	z := utf8Tokens(body, contentType, cs)
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch {
			case !hasAttr:
				continue
			case string(name) == "base":
				// <base href> changes what relative links mean.
				for {
					k, v, more := z.TagAttr()
					if string(k) == "href" {
						if b, err := url.Parse(resolve(base, string(v))); err == nil && b.Host != "" {
							base = b
						}
					}
					if !more {
						break
					}
				}
				continue
			case string(name) != "a":
				continue
			}
			for {
				k, v, more := z.TagAttr()
				if string(k) == "href" {
					if l := resolve(base, string(v)); l != "" && !seen[l] {
						seen[l] = true
						out = append(out, l)
					}
				}
				if !more {
					break
				}
			}
		}
	}
}
