// Package clean is the clean stage's logic: it turns one fetched article.Raw
// into one or more article.Clean. It decodes the bytes (declared, BOM, meta
// or detected charset; GB2312/GBK read as GB18030), takes the text out of the
// raw format (plain or Markdown-ish print text, "article-txt", HTML, one
// Sogou dump record), normalises it (full-width ASCII to half-width, one
// kind of whitespace, no zero-width or control characters), repairs print
// layout (a page split into its articles, sections, photo captions out of
// the text, words broken across columns joined again), reads the metadata
// as the page prints it (a plain-text headline over its date line, title,
// byline, dateline and its day, published date, outlet) and measures the
// text's quality.
//
// Clean is deterministic and never panics; an input without text is an error.
package clean

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/casewire/casewire/pkg/article"
)

// Options tunes the cleaner; zero fields take the defaults.
type Options struct {
	MaxBytes        int     // input beyond this is cut and flagged; default 8 MiB
	MinChars        int     // bodies shorter are flagged "short"; default 50
	MinHanShare     float64 // below, flagged "not-chinese"; default 0.5
	MojibakeShare   float64 // garbled share from which "mojibake" is flagged; default 0 (any)
	MaxCaptionChars int     // longest photo caption, in characters; default 16
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = 8 << 20
	}
	if o.MinChars <= 0 {
		o.MinChars = 50
	}
	if o.MinHanShare <= 0 {
		o.MinHanShare = 0.5
	}
	if o.MaxCaptionChars <= 0 {
		o.MaxCaptionChars = 16
	}
	return o
}

// Cleaner cleans raw articles. It holds no mutable state: safe for
// concurrent use.
type Cleaner struct {
	opts Options
}

// New returns a Cleaner with opts, defaults filled in.
func New(opts Options) *Cleaner {
	return &Cleaner{opts: opts.withDefaults()}
}

// ErrNoText is wrapped by the error for an input that yields no article text.
var ErrNoText = errors.New("no article text")

// Result is a cleaning with the maps from each body back into the input.
type Result struct {
	// Decoded is the raw body decoded to UTF-8, before any other change:
	// what the offset maps point into, in characters.
	Decoded  string
	Articles []article.Clean
	Maps     []OffsetMap // Maps[i] maps Articles[i].Body
}

// Clean turns raw into its articles.
func (c *Cleaner) Clean(raw article.Raw) ([]article.Clean, error) {
	res, err := c.CleanWithMap(raw)
	if err != nil {
		return nil, err
	}
	return res.Articles, nil
}

// CleanWithMap is Clean that also returns, per article, the map from body
// character offsets to decoded-input character offsets.
func (c *Cleaner) CleanWithMap(raw article.Raw) (res Result, err error) {
	defer func() {
		// Clean must never take the worker down; a bug on some input becomes
		// a dead letter with the reason instead.
		if r := recover(); r != nil {
			res, err = Result{}, fmt.Errorf("clean %s: internal error: %v", raw.URI, r)
		}
	}()
	body := raw.Body
	truncated := false
	if len(body) > c.opts.MaxBytes {
		body, truncated = body[:c.opts.MaxBytes], true
	}
	if len(body) == 0 {
		return Result{}, fmt.Errorf("clean %s: empty body: %w", raw.URI, ErrNoText)
	}
	dec := decodeBody(body, raw.Charset, raw.Format == article.FormatHTML)
	res.Decoded = dec.text
	pg := parseFormat(raw.Format, dec.text)
	items := buildItems(pg)
	markCaptions(items, c.opts.MaxCaptionChars)
	items = joinBroken(items)
	drafts := splitArticles(items)

	single := len(drafts) == 1
	for _, d := range drafts {
		a, m, ok := c.finish(raw, pg, d, single)
		if !ok {
			continue
		}
		a.Quality.Charset = dec.charset
		a.Quality.CharsetSource = dec.source
		if dec.mismatch {
			a.Quality.Flags = append([]string{FlagCharsetMismatch}, a.Quality.Flags...)
		}
		if truncated {
			a.Quality.Flags = append(a.Quality.Flags, FlagTruncated)
		}
		a.Index = len(res.Articles)
		a.ID = article.CleanID(raw.ID, a.Index)
		res.Articles = append(res.Articles, a)
		res.Maps = append(res.Maps, m)
	}
	if len(res.Articles) == 0 {
		// A record with a title and no text (feeds do ship empty <content>)
		// still says what happened: the title becomes the body, flagged.
		if t := titleText(raw, pg); t.len() > 0 {
			d := &draft{paras: []item{{kind: kindPara, t: t}}}
			if a, m, ok := c.finish(raw, pg, d, true); ok {
				a.Quality.Charset, a.Quality.CharsetSource = dec.charset, dec.source
				a.Quality.Flags = append([]string{FlagTitleOnly}, a.Quality.Flags...)
				a.ID = article.CleanID(raw.ID, 0)
				return Result{Decoded: dec.text, Articles: []article.Clean{a}, Maps: []OffsetMap{m}}, nil
			}
		}
		why := "no paragraph of text after layout"
		if strings.TrimSpace(dec.text) == "" {
			why = "decoded body is blank"
		} else if !hasText(pg.text) {
			why = "no text content in " + raw.Format + " input"
		}
		return Result{}, fmt.Errorf("clean %s (%s, %s): %s: %w", raw.URI, raw.Format, dec.charset, why, ErrNoText)
	}
	return res, nil
}

// finish turns a draft into an article: metadata out of the first and last
// paragraphs, body assembled with its offset map, quality measured.
func (c *Cleaner) finish(raw article.Raw, pg page, d *draft, single bool) (article.Clean, OffsetMap, bool) {
	a := article.Clean{
		V: article.Version, RawID: raw.ID, Source: raw.Source,
		RegionHint: raw.RegionHint, URI: raw.URI, FetchedAt: raw.FetchedAt,
		Title: d.title, Subtitle: d.subtitle, Captions: d.captions,
	}
	paras := d.paras
	bylines := d.bylines
	edits := 0
	for _, p := range paras {
		edits += p.edits
	}

	paras, fm := takeFront(paras)
	a.Dateline = fm.dateline
	bylines = append(fm.leadBylines, bylines...)
	bylines = append(bylines, fm.tailBylines...)
	paras, note, source := takeTrailer(paras)
	if note != "" && len(bylines) == 0 {
		bylines = append(bylines, note)
	}
	if fm.author != "" && len(bylines) == 0 {
		bylines = append(bylines, fm.author)
	}
	mention := ""
	if len(paras) > 0 {
		mention = mentionedOutlet(paras[len(paras)-1].t.String())
	}
	a.Outlet = pickOutlet(datelineOutlet(fm.dateline), fm.outlet, source, mention, raw.Outlet)

	// Body: paragraphs separated by "\n", which the input did not contain as
	// such (CRLF, blank lines, markup), so they map to no input position.
	var body tstr
	offsets := make([]int, len(paras)+1)
	for i, p := range paras {
		if i > 0 {
			body.add('\n', -1)
		}
		offsets[i] = body.len()
		body.appendT(p.t)
	}
	offsets[len(paras)] = body.len()
	if body.len() == 0 {
		return a, OffsetMap{}, false
	}
	a.Body = body.String()
	for _, s := range d.secs {
		i := s.para - fm.dropped
		if i < 0 {
			i = 0
		}
		if i > len(paras) {
			i = len(paras)
		}
		a.Sections = append(a.Sections, article.Section{Heading: s.heading, Offset: offsets[i]})
	}
	a.Byline = strings.Join(bylines, " ")
	if a.Byline == "" && single {
		a.Byline = tidyByline(pg.byline)
	}
	// A headline printed in plain text is the title unless the format
	// itself gives one (a "#" heading, an article-txt header, a dump title).
	if a.Title == "" && fm.title != "" && (plainText(raw.Format) || firstNonEmpty(raw.Meta["title"], pg.title) == "") {
		a.Title, a.Subtitle = fm.title, firstNonEmpty(a.Subtitle, fm.subtitle)
	}
	if a.Title == "" && (single || raw.Meta["title"] != "") {
		a.Title = firstNonEmpty(raw.Meta["title"], pg.title)
	} else if single && raw.Meta["title"] != "" && raw.Format != article.FormatText {
		a.Title = raw.Meta["title"]
	}
	a.Title = normaliseLine(a.Title)
	a.Subtitle = normaliseLine(a.Subtitle)
	a.Published = firstNonEmpty(parseDate(raw.Meta["published"]), parseDate(pg.published), fm.published,
		urlDate(firstNonEmpty(raw.Meta["url"], pg.url, raw.URI)))
	a.DatelineDate = datelineDate(a.Dateline, a.Published)
	a.Quality.Edits = edits
	c.assess(body.r, &a.Quality)
	return a, OffsetMap{pos: body.p}, true
}

// plainText: formats read as plain text (unknown formats are).
func plainText(format string) bool {
	switch format {
	case article.FormatHTML, article.FormatSogou, article.FormatArticleTxt:
		return false
	}
	return true
}

// titleText is the article title as body text: from the input with its
// positions when the format holds it, else from raw.Meta (unmapped).
func titleText(raw article.Raw, pg page) tstr {
	t := pg.titleT
	if strings.TrimSpace(t.String()) == "" {
		t = fromString(raw.Meta["title"], 0)
		for i := range t.p {
			t.p[i] = -1
		}
	}
	lines, _ := splitLines(t)
	var out tstr
	for _, l := range lines {
		if l.len() == 0 {
			continue
		}
		if out.len() > 0 {
			out.add(' ', -1)
		}
		out.appendT(l)
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// normaliseLine applies the body's character rules to a title line.
func normaliseLine(s string) string {
	if s == "" {
		return ""
	}
	lines, _ := splitLines(fromString(s, 0))
	var parts []string
	for _, l := range lines {
		if l.len() > 0 {
			parts = append(parts, l.String())
		}
	}
	out := strings.Join(parts, " ")
	if !utf8.ValidString(out) {
		return strings.ToValidUTF8(out, "\uFFFD")
	}
	return out
}
