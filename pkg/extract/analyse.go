package extract

import (
	"sort"
	"unicode/utf8"

	"github.com/casewire/casewire/pkg/article"
)

// token is one segmenter word, in rune offsets of the body.
type token struct {
	Start, End int
	POS        string
}

// doc is everything found in one article while extracting it.
type doc struct {
	c         article.Clean
	text      []rune
	sentences []span
	paras     []span
	tokens    []token
	numbers   []number
	periods   []periodMention
	orgs      []article.Entity
	places    placeScan
	region    article.Region  // where the event happened (eventplace.go)
	hedged    map[string]bool // indicators whose harm the report says may have happened (zeros.go)

	publicSecurity bool
	incident       string
	facts          []article.Fact
	entities       []article.Entity
	outcomes       []outcome // one per number, for the quality report
}

// outcome says what became of one number.
type outcome struct {
	Number number
	Facts  int    // facts made from it
	Reason string // why none was, when Facts == 0
	Change bool   // it was a change attached to another fact
}

func (x *Extractor) analyse(c article.Clean) *doc {
	d := &doc{c: c, text: []rune(c.Body)}
	d.sentences = splitSentences(d.text)
	d.paras = splitParagraphs(d.text)
	d.tokens = x.segment(d.text, d.sentences)
	d.numbers = x.scanNumbers(d.text)
	d.periods = findPeriods(d.text, anchorDate(c))
	d.markNews()
	d.places = x.places.scan(c.Body, c.RegionHint)
	d.publicSecurity = x.isPublicSecurity(c.Title, d.text)
	d.incident = x.incidentType(c.Title, d.text)
	d.orgs = x.findOrgs(d)
	d.entities = x.entities(d)
	x.facts(d)
	x.tollForms(d)
	x.zeroFacts(d)
	d.facts = append(d.facts, x.titleFacts(d)...)
	d.facts = uniqueFacts(d.facts)
	assignRoles(d)
	d.region = x.eventRegion(d)
	eventFactRegions(d)
	if !d.publicSecurity && tollInScope(d) {
		d.publicSecurity = true
	}
	return d
}

// segment cuts each sentence apart (the segmenter is twice as fast on short
// input) and maps the tokens back to body rune offsets.
func (x *Extractor) segment(text []rune, sentences []span) []token {
	var out []token
	for _, s := range sentences {
		str := string(text[s.Start:s.End])
		b := []byte(str)
		pos, at := 0, s.Start // byte position and its rune offset
		for _, sg := range x.seg.Segment(b) {
			if sg.Start() < pos || sg.End() > len(b) {
				continue
			}
			at += utf8.RuneCount(b[pos:sg.Start()])
			n := utf8.RuneCount(b[sg.Start():sg.End()])
			out = append(out, token{Start: at, End: at + n, POS: sg.Token().Pos()})
			at += n
			pos = sg.End()
		}
	}
	return out
}

// tokenAt returns the index of the token covering rune offset i, or -1.
func (d *doc) tokenAt(i int) int {
	k := sort.Search(len(d.tokens), func(k int) bool { return d.tokens[k].End > i })
	if k < len(d.tokens) && d.tokens[k].Start <= i {
		return k
	}
	return -1
}

func (d *doc) sentenceOf(i int) span {
	k := sort.Search(len(d.sentences), func(k int) bool { return d.sentences[k].End > i })
	if k < len(d.sentences) {
		return d.sentences[k]
	}
	return span{len(d.text), len(d.text)}
}

func (d *doc) paragraphOf(i int) span {
	k := sort.Search(len(d.paras), func(k int) bool { return d.paras[k].End > i })
	if k < len(d.paras) {
		return d.paras[k]
	}
	return span{len(d.text), len(d.text)}
}

func (d *doc) str(s, e int) string {
	s, e = max(0, s), min(len(d.text), e)
	if s >= e {
		return ""
	}
	return string(d.text[s:e])
}

// splitParagraphs cuts text at newlines.
func splitParagraphs(text []rune) []span {
	var out []span
	start := 0
	for i, r := range text {
		if r == '\n' {
			out = append(out, span{start, i + 1})
			start = i + 1
		}
	}
	if start < len(text) {
		out = append(out, span{start, len(text)})
	}
	return out
}
