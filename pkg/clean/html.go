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

// layoutTags are the skipped tags that hold page layout around the article
// rather than non-text content. Unclosed, one of them (or a boilerplate
// class on a <div>) swallows the rest of the page, article included; the
// lenient walk keeps their text and leaves the choice to readability.
var layoutTags = map[string]bool{
	"nav": true, "header": true, "footer": true, "aside": true, "form": true,
}

// headContent are the start tags that may stand in <head>. Any other start
// tag, or text that is not whitespace, ends an unclosed <head> (HTML
// "in head" insertion mode): </head> is optional, the page's body follows.
var headContent = map[string]bool{
	"html": true, "head": true, "base": true, "basefont": true, "bgsound": true,
	"link": true, "meta": true, "title": true, "noscript": true, "noframes": true,
	"style": true, "script": true, "template": true,
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
//
// The walk skips layout and boilerplate elements until their end tag. When
// what it keeps is nothing, or covers too little of readability's article,
// malformed markup has most likely hidden the article inside a skipped
// element (an unclosed <div class="nav">, a page-wide <form>), so a lenient
// walk that skips only non-text elements is tried too, and kept when more of
// its text is readability's article. Without an article from readability
// nothing confirms the lenient text: a page of navigation stays textless.
func parseHTML(src string) htmlPage {
	pg := walkHTML(src, false)
	main := readMain(src, &pg)
	kept, cover := selectMain(main, pg.blocks)
	pg.blocks = kept
	if main == "" || hasText(kept) && cover >= minCover {
		return pg
	}
	lp := walkHTML(src, true)
	lkept, lcover := selectMain(main, lp.blocks)
	if lcover > cover && hasText(lkept) {
		lp.rtitle, lp.published, lp.byline = pg.rtitle, pg.published, pg.byline
		lp.blocks = lkept
		return lp
	}
	return pg
}

// minCover is the share of readability's article text the strict walk must
// keep; below it the lenient walk is tried. Deliberate drops (captions, a
// share bar inside the article) cost far less than this.
const minCover = 0.25

// walkHTML is the token walk of parseHTML: every block of text outside
// skipped elements, in order, with page metadata. Lenient keeps the text of
// layout elements and boilerplate classes.
func walkHTML(src string, lenient bool) htmlPage {
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
	headAt := -1 // the open <head>'s index in stack
	// popFrom closes stack[i] and everything opened inside it.
	popFrom := func(i int) {
		for _, o := range stack[i:] {
			if o.skip {
				skipping--
			}
		}
		stack = stack[:i]
		if headAt >= i {
			headAt = -1
		}
	}
	// endHead closes an open <head> whose end tag was left out.
	endHead := func() {
		if headAt >= 0 {
			popFrom(headAt)
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
			if headAt >= 0 && headAt == len(stack)-1 && strings.Trim(raw, " \t\n\f\r") != "" {
				endHead()
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
			if !headContent[tag] {
				endHead()
			}
			skip := skippedTags[tag] && !(lenient && layoutTags[tag])
			var metaName, metaContent string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "class", "id":
					if !lenient && boilerplateAttr.Match(v) {
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
			if tag == "head" {
				if headAt >= 0 {
					continue // a second <head> inside the first is ignored
				}
				headAt = len(stack)
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
					popFrom(i)
					break
				}
			}
		}
	}
	endBlock()
	return pg
}

// readMain runs readability on src, records the metadata it finds in pg and
// returns the article's text compacted, or "" when readability finds no
// article worth the name.
func readMain(src string, pg *htmlPage) string {
	art, err := runReadability(src)
	if err != nil || art.Node == nil {
		return ""
	}
	if t, err := art.PublishedTime(); err == nil {
		pg.published = t.In(chinaTime).Format("2006-01-02T15:04:05")
	}
	pg.rtitle = art.Title()
	pg.byline = strings.TrimSpace(art.Byline())
	main := compact(render.InnerText(art.Node))
	if utf8.RuneCountInString(main) < 20 {
		return ""
	}
	return main
}

// selectMain keeps the blocks readability considers the article, and says
// what share of the article's text they hold. Readability works on its own
// DOM, so its text is matched back to our tracked blocks; a fragment
// readability cannot handle (main is "") keeps every non-boilerplate block.
func selectMain(main string, blocks []tstr) ([]tstr, float64) {
	if main == "" {
		return blocks, 1
	}
	var kept []tstr
	n := 0
	for _, b := range blocks {
		c := compact(b.String())
		if c == "" {
			continue
		}
		if strings.Contains(main, c) {
			kept = append(kept, b)
			n += utf8.RuneCountInString(c)
		}
	}
	if len(kept) == 0 {
		return blocks, 0
	}
	return kept, float64(n) / float64(utf8.RuneCountInString(main))
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
