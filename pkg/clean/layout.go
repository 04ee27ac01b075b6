package clean

import (
	"regexp"
	"strings"
	"unicode"
)

type itemKind int

const (
	kindPara itemKind = iota
	kindHeading
)

// item is one line of laid-out text: a heading or a paragraph.
type item struct {
	kind    itemKind
	level   int // heading level, 1 for "#"
	t       tstr
	blank   int // blank lines before it
	edits   int
	caption bool
	byline  []string // bylines stripped from this paragraph
}

var headingLine = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*$`)

// buildItems splits the page's text into lines and classifies them. Every
// line is its own paragraph; lines broken mid-sentence are joined later by
// the same rule that repairs column breaks, so hard-wrapped text and a
// clean body re-read as text come out the same.
func buildItems(pg page) []item {
	var items []item
	for pi, piece := range pg.text {
		lines, edits := splitLines(piece)
		blank := 0
		if pi > 0 {
			blank = 1
		}
		for i, ln := range lines {
			if ln.len() == 0 {
				blank++
				continue
			}
			it := item{kind: kindPara, t: ln, blank: blank, edits: edits[i]}
			if pg.markdown {
				// Emphasis markers go first so that what remains reads the
				// same when the clean body is read again.
				ln = stripEmphasis(ln, &it.edits)
				it.t = ln
				if m := headingLine.FindStringSubmatchIndex(ln.String()); m != nil {
					it.kind = kindHeading
					it.level = m[3] - m[2]
					s, e := runeIndex(ln, m[4]), runeIndex(ln, m[5])
					it.t = ln.slice(s, e).trim()
				}
				if it.t.len() == 0 {
					blank++
					continue
				}
			}
			items = append(items, it)
			blank = 0
		}
	}
	return items
}

// runeIndex converts a byte index into t's string to a rune index.
func runeIndex(t tstr, b int) int {
	n := 0
	for i, r := range t.r {
		if n >= b {
			return i
		}
		n += len(string(r))
	}
	return len(t.r)
}

// stripEmphasis drops Markdown "**" markers: layout, not text.
func stripEmphasis(t tstr, edits *int) tstr {
	var out tstr
	for i := 0; i < t.len(); i++ {
		if t.r[i] == '*' && i+1 < t.len() && t.r[i+1] == '*' {
			*edits += 2
			i++
			continue
		}
		if t.r[i] == ' ' && out.last() == ' ' {
			*edits++ // the markers' removal left two spaces side by side
			continue
		}
		out.add(t.r[i], t.p[i])
	}
	return out.trim()
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// unterminated: the paragraph stops where a sentence cannot end, on a word
// character or a comma.
func unterminated(t tstr) bool {
	r := t.last()
	return isWord(r) || r == '，' || r == ',' || r == '、'
}

// prose: long enough and punctuated like running text (or simply long),
// unlike a title, a caption or a date line, which legitimately end without
// punctuation.
func prose(t tstr) bool {
	if t.len() < 12 {
		return false
	}
	if t.len() >= 30 {
		return true
	}
	for _, r := range t.r {
		switch r {
		case '，', ',', '。', '；', ';', '、', '：', '！', '？':
			return true
		}
	}
	return false
}

// sentenceOpeners are words that open a sentence (connectives, sourcing,
// time adverbs): a fragment starting with one is not the tail of a sentence
// cut by a column break, even if the paragraph before lacks its full stop.
var sentenceOpeners = regexp.MustCompile(`^(?:据悉|据了解|据介绍|据报道|据统计|据称|另据|记者|因为|由于|接报后|接警后|事发后|目前|随后|此外|同时|另外|但是|然而|不过|因此|所以|近日|昨天|昨日|今天|今日|日前|截至|与此同时)`)

var listMarker = regexp.MustCompile(`^(?:[一二三四五六七八九十]+[、.]|\d{1,2}[、.．)）]|第[一二三四五六七八九十\d]+[、条章节部])`)

// startsSentence: the fragment opens a sentence of its own, so a preceding
// unterminated paragraph is not its beginning.
func startsSentence(t tstr) bool {
	if !isWord(t.first()) {
		return true
	}
	s := t.String()
	return listMarker.MatchString(s) || sentenceOpeners.MatchString(s) || datelineAt(s) > 0 || reportLine(s)
}

// continues: next is the rest of prev's sentence, cut by a column or page
// break.
func continues(prev, next tstr) bool {
	if !prose(prev) || !unterminated(prev) || startsSentence(next) || (prev.len() <= 60 && reportLine(prev.String())) {
		return false
	}
	// The cut falls inside Chinese text: Latin lines (tables, code, English)
	// keep their breaks.
	l := prev.last()
	return isHan(l) || isHan(next.first()) || l == '，' || l == ','
}

// captionShape: a photo caption is a few words of Han text, no inner
// punctuation, at most a final full stop.
func captionShape(t tstr, max int) bool {
	n := t.len()
	if n == 0 || n > max {
		return false
	}
	han := 0
	for i, r := range t.r {
		switch {
		case isHan(r):
			han++
		case r == '。' && i == n-1:
		case isWord(r):
		default:
			return false
		}
	}
	return han >= 2
}

// markCaptions finds photo captions dropped into the text flow: a short
// standalone paragraph set apart by extra blank lines, placed right under a
// heading, or sitting inside a sentence broken around it.
func markCaptions(items []item, max int) {
	prev := -1 // the last item that is not a caption
	for i := range items {
		it := &items[i]
		if it.kind != kindPara || !captionShape(it.t, max) || bylineOrDateline(it.t) {
			prev = i
			continue
		}
		next := nextPara(items, i)
		if next < 0 {
			prev = i
			continue // a closing short line is text, not a caption
		}
		switch {
		case it.blank >= 2:
			it.caption = true
		case prev >= 0 && items[prev].kind == kindHeading:
			it.caption = true
		case prev >= 0 && items[prev].kind == kindPara && continues(items[prev].t, items[next].t):
			it.caption = true
		}
		if !it.caption {
			prev = i
		}
	}
}

// bylineOrDateline: short lines that carry metadata, not photo captions.
func bylineOrDateline(t tstr) bool {
	s := t.String()
	return roleAt(t.r, 0) != "" || datelineAt(s) > 0 || strings.HasSuffix(strings.TrimSuffix(s, "。"), "讯")
}

func nextPara(items []item, i int) int {
	for j := i + 1; j < len(items); j++ {
		switch {
		case items[j].kind == kindHeading:
			return -1
		case !items[j].caption:
			return j
		}
	}
	return -1
}

// joinBroken merges every paragraph that continues the previous text
// paragraph, skipping captions in between; headings stop it.
func joinBroken(items []item) []item {
	var out []item
	last := -1 // index in out of the last text paragraph since a heading
	for _, it := range items {
		switch {
		case it.kind == kindHeading:
			last = -1
		case it.caption:
		case last >= 0 && continues(out[last].t, it.t):
			p := &out[last]
			// p.t owns its array (lines are cloned), so appending in place
			// is safe and keeps long runs of joins linear.
			joined := p.t
			if isLatin(joined.last()) && isLatin(it.t.first()) {
				joined.add(' ', -1) // Latin words keep their space
			}
			joined.appendT(it.t)
			p.t = joined
			p.edits += it.edits + 1
			continue
		}
		out = append(out, it)
		if it.kind == kindPara && !it.caption {
			last = len(out) - 1
		}
	}
	return out
}

func isLatin(r rune) bool { return r < 0x2E80 && isWord(r) }
