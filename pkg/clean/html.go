package clean

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"codeberg.org/readeck/go-readability/v2/render"
	"golang.org/x/net/html"
)

// skippedTags never hold article text.
var skippedTags = map[string]bool{
	"script": true, "style": true, "iframe": true, "noscript": true, "nav": true,
	"header": true, "footer": true, "aside": true, "form": true, "button": true,
	"select": true, "textarea": true, "svg": true, "object": true, "embed": true,
	"template": true, "head": true, "figcaption": true, "video": true, "audio": true,
	"canvas": true, "map": true,
}

// blockTags end a paragraph where they open or close.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"tr": true, "td": true, "th": true, "table": true, "section": true,
	"article": true, "blockquote": true, "pre": true, "dd": true, "dt": true,
	"dl": true, "hr": true, "center": true, "body": true, "html": true, "main": true,
}

var voidTags = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "param": true,
	"source": true, "track": true, "wbr": true,
}

// boilerplateAttr matches class or id values of navigation, ads, sharing and
// comment widgets.
var boilerplateAttr = regexp.MustCompile(`(?i)(^|[\s_-])(ad|ads|advert\w*|banner|gg\d*\w*|nav\w*|menu|footer|header|sidebar|share\w*|comments?|related|recommend\w*|breadcrumbs?|copyright|social|toolbar|pager?)([\s_-]|\d|$)`)

// htmlPage is what an HTML page yields: text blocks with input positions, and
// page metadata.
type htmlPage struct {
	blocks    []tstr
	title     string // <title>
	rtitle    string // readability's title: <title> without the site name
	h1        string
	published string
	// metaPublished is read from <meta> names Chinese sites use that
	// readability does not know (publishdate, ptime ...).
	metaPublished string
	byline        string
}

// publishedMeta are <meta> names and properties that carry the publication time.
var publishedMeta = map[string]bool{
	"article:published_time": true, "og:release_date": true, "publishdate": true,
	"pubdate": true, "ptime": true, "publish_time": true, "publishtime": true,
	"datepublished": true, "weibo:article:create_at": true, "dc.date.issued": true,
	"dcterms.created": true, "date": true,
}

type openTag struct {
	name string
	skip bool
}

// parseHTML walks the tokens of src keeping track of every text token's rune
// offset, so body text can be mapped back into the page; readability decides
// which blocks are the article.
func parseHTML(src string) htmlPage {
	var pg htmlPage
	z := html.NewTokenizer(strings.NewReader(src))
	var stack []openTag
	skipping := 0
	var cur tstr
	inTitle, inH1 := false, false
	off := 0
	endBlock := func() {
		if cur.len() > 0 {
			pg.blocks = append(pg.blocks, cur)
			cur = tstr{}
		}
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := string(z.Raw())
		start := off
		off += utf8.RuneCountInString(raw)
		switch tt {
		case html.TextToken:
			if inTitle {
				pg.title += html.UnescapeString(raw)
				continue
			}
			if skipping > 0 {
				continue
			}
			if inH1 {
				pg.h1 += html.UnescapeString(raw)
			}
			cur.appendT(unescapeTracked(raw, start, true))
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			skip := skippedTags[tag]
			var metaName, metaContent string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "class", "id":
					if boilerplateAttr.Match(v) {
						skip = true
					}
				case "name", "property", "itemprop":
					metaName = strings.ToLower(string(v))
				case "content":
					metaContent = string(v)
				}
			}
			if tag == "meta" && pg.metaPublished == "" && publishedMeta[metaName] {
				pg.metaPublished = parseDate(metaContent)
			}
			if tag == "title" && tt == html.StartTagToken {
				inTitle = true
				continue
			}
			if blockTags[tag] {
				endBlock()
			}
			if tag == "h1" && tt == html.StartTagToken && pg.h1 == "" {
				inH1 = true
			}
			if tt == html.SelfClosingTagToken || voidTags[tag] {
				continue
			}
			stack = append(stack, openTag{name: tag, skip: skip})
			if skip {
				skipping++
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tag == "title" {
				inTitle = false
				continue
			}
			if tag == "h1" {
				inH1 = false
			}
			if blockTags[tag] {
				endBlock()
			}
			// Pop to the matching open tag; a stray end tag changes nothing.
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].name == tag {
					for _, o := range stack[i:] {
						if o.skip {
							skipping--
						}
					}
					stack = stack[:i]
					break
				}
			}
		}
	}
	endBlock()
	pg.blocks = selectMain(src, pg.blocks, &pg)
	return pg
}

// selectMain keeps the blocks readability considers the article. Readability
// works on its own DOM, so its text is matched back to our tracked blocks; a
// fragment readability cannot handle keeps every non-boilerplate block.
func selectMain(src string, blocks []tstr, pg *htmlPage) []tstr {
	art, err := runReadability(src)
	if err != nil || art.Node == nil {
		return blocks
	}
	if t, err := art.PublishedTime(); err == nil {
		pg.published = t.In(chinaTime).Format("2006-01-02T15:04:05")
	}
	pg.rtitle = art.Title()
	pg.byline = strings.TrimSpace(art.Byline())
	main := compact(render.InnerText(art.Node))
	if utf8.RuneCountInString(main) < 20 {
		return blocks
	}
	var kept []tstr
	for _, b := range blocks {
		c := compact(b.String())
		if c == "" {
			continue
		}
		if strings.Contains(main, c) {
			kept = append(kept, b)
		}
	}
	if len(kept) == 0 {
		return blocks
	}
	return kept
}

// chinaTime is UTC+8 without a tz database lookup, which may be absent in a
// minimal container.
var chinaTime = time.FixedZone("CST", 8*3600)

// runReadability guards the third-party parser: a panic inside it on hostile
// markup must become an error, the cleaner never panics.
func runReadability(src string) (art readability.Article, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("readability panicked: %v", r)
		}
	}()
	p := readability.NewParser()
	p.DisableJSONLD = false
	return p.Parse(strings.NewReader(src), nil)
}

func compact(s string) string {
	var sb strings.Builder
	for _, r := range s {
		o, keep := fold(r)
		if !keep || unicode.IsSpace(o) {
			continue
		}
		sb.WriteRune(o)
	}
	return sb.String()
}

// unescapeTracked decodes character references in a raw text token; the
// runes of a reference all map to its '&'.
func unescapeTracked(raw string, start int, markup bool) tstr {
	var t tstr
	rs := []rune(raw)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '&' {
			j := i + 1
			for j < len(rs) && j-i <= 32 && rs[j] != ';' && rs[j] != '&' && rs[j] != '<' && !unicode.IsSpace(rs[j]) {
				j++
			}
			if j < len(rs) && rs[j] == ';' {
				ref := string(rs[i : j+1])
				if u := html.UnescapeString(ref); u != ref {
					for _, r := range u {
						t.add(r, start+i)
					}
					i = j
					continue
				}
			}
		}
		r := rs[i]
		if markup && (r == '\n' || r == '\r') {
			r = ' ' // a line break in markup is only whitespace
		}
		t.add(r, start+i)
	}
	return t
}
