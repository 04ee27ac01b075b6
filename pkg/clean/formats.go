package clean

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/casewire/casewire/pkg/article"
)

// page is an input after its format is taken apart: the tracked text to lay
// out, and what the format itself says about the article.
type page struct {
	text      []tstr // text pieces; each is split into lines
	title     string
	titleT    tstr // the title with input positions, when the input holds it
	published string
	byline    string
	url       string
	markdown  bool // "#" headings may split the page into articles
}

// parseFormat dispatches on raw.Format. Unknown formats are read as text:
// fetch may learn new sources before clean learns their format.
func parseFormat(format, src string) page {
	all := fromString(src, 0)
	switch format {
	case article.FormatArticleTxt:
		return parseArticleTxt(src, all)
	case article.FormatSogou:
		return parseSogou(src)
	case article.FormatHTML:
		h := parseHTML(src)
		// <title> usually appends the site name: an <h1> it contains, or
		// readability's trimmed title, is the article's own.
		title := siteTitle(firstNonEmpty(strings.TrimSpace(h.rtitle), strings.TrimSpace(h.title)))
		if h1 := strings.TrimSpace(h.h1); h1 != "" && (title == "" || strings.Contains(h.title, h1)) {
			title = h1
		}
		return page{text: h.blocks, title: title, published: firstNonEmpty(h.published, h.metaPublished), byline: h.byline}
	}
	return page{text: []tstr{all}, markdown: true}
}

var headerLine = regexp.MustCompile(`^([A-Za-z_-]{1,20}):\s?(.*)$`)

// parseArticleTxt reads "key: value" lines up to a "---" line. Without that
// line the whole input is body text.
func parseArticleTxt(src string, all tstr) page {
	pg := page{markdown: true}
	off := 0
	lines := strings.SplitAfter(src, "\n")
	hdr := map[string]string{}
	for i, ln := range lines {
		t := strings.TrimSpace(strings.TrimPrefix(ln, "\uFEFF"))
		off += utf8.RuneCountInString(ln)
		if t == "---" {
			pg.text = []tstr{all.slice(off, all.len())}
			pg.title = hdr["title"]
			pg.published = hdr["date"]
			if pg.published == "" {
				pg.published = hdr["published"]
			}
			pg.url = hdr["url"]
			pg.byline = hdr["author"]
			return pg
		}
		m := headerLine.FindStringSubmatch(t)
		if m != nil && strings.ToLower(m[1]) == "title" {
			vs := strings.Index(ln, m[2])
			if vs >= 0 && m[2] != "" {
				pg.titleT = fromString(ln[vs:vs+len(m[2])], off-utf8.RuneCountInString(ln)+utf8.RuneCountInString(ln[:vs]))
			}
		}
		if m == nil && t != "" || i > 30 {
			break
		}
		if m != nil {
			hdr[strings.ToLower(m[1])] = strings.TrimSpace(m[2])
		}
	}
	pg.text = []tstr{all}
	return pg
}

var (
	sogouTag   = regexp.MustCompile(`(?s)<(url|docno|contenttitle|content)>(.*?)(?:</(?:url|docno|contenttitle|content)>|<(?:url|docno|contenttitle|content|/doc)>|$)`)
	sogouStart = regexp.MustCompile(`<content>`)
)

// parseSogou reads one <doc> record. Records are not well-formed XML (raw
// '&', '<' in text, truncated last records), so fields are cut with
// patterns rather than an XML decoder; content keeps its input positions.
func parseSogou(src string) page {
	pg := page{}
	// Rune offsets are counted incrementally: recounting from the start for
	// every field would be quadratic on a record with many broken tags.
	at, runes := 0, 0
	runeOffset := func(b int) int {
		runes += utf8.RuneCountInString(src[at:b])
		at = b
		return runes
	}
	for _, m := range sogouTag.FindAllStringSubmatchIndex(src, -1) {
		name := src[m[2]:m[3]]
		val := src[m[4]:m[5]]
		switch name {
		case "url":
			pg.url = strings.TrimSpace(val)
		case "contenttitle":
			pg.titleT = unescapeTracked(val, runeOffset(m[4]), true)
			pg.title = strings.TrimSpace(pg.titleT.String())
		case "content":
			pg.text = append(pg.text, unescapeTracked(val, runeOffset(m[4]), false))
		}
	}
	if len(pg.text) == 0 && !sogouStart.MatchString(src) && !strings.Contains(src, "<doc") {
		// Not a record at all: keep the text rather than lose it.
		pg.text = []tstr{fromString(src, 0)}
	}
	return pg
}

// titleSeparators split "文章标题_频道_网站" page titles.
var titleSeparators = regexp.MustCompile(`\s*(?:_|\||｜|\s-\s|\s—\s|\s–\s)\s*`)

// siteTitle keeps the article's part of a page title when the first
// segment is long enough to be a headline rather than a site name.
func siteTitle(t string) string {
	parts := titleSeparators.Split(t, -1)
	if len(parts) > 1 && utf8.RuneCountInString(parts[0]) >= 6 {
		return parts[0]
	}
	return t
}
