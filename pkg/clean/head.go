package clean

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// frontMatter is what the opening lines of an article say about it.
type frontMatter struct {
	title, subtitle string   // a plain-text headline over a date line
	published       string   // from a report-time line
	outlet          string   // named on a report-time line (来源)
	author          string   // named on a report-time line (作者)
	dateline        string   // "新华社北京6月12日电", "兴安讯"
	leadBylines     []string // bylines opening the text
	tailBylines     []string // a byline closing what is left of the first paragraph
	dropped         int      // paragraphs removed from the front
}

// takeFront removes the headline, report-time lines, the dateline and the
// bylines that open an article, returning the remaining paragraphs.
func takeFront(paras []item) ([]item, frontMatter) {
	var fm frontMatter
	n := frontLines(paras, &fm)
	paras = paras[n:]
	fm.dropped += n
	if fm.title == "" && headlineOverDateline(paras) {
		fm.title = paras[0].t.String()
		paras = paras[1:]
		fm.dropped++
		n++
	}
	// A line holding only a dateline or a byline ("记者 李明 通讯员 王方")
	// leaves the text; the paragraph after it may hold the rest.
	for k := 0; k < 2 && len(paras) > 1; k++ {
		probe := fm
		probe.leadBylines = append([]string(nil), fm.leadBylines...)
		if rest, took := takeOpening(paras[0].t, &probe, n > 0); !took || rest.len() > 0 {
			break
		}
		fm = probe
		paras = paras[1:]
		fm.dropped++
		n++
	}
	if len(paras) == 0 {
		return paras, fm
	}
	at := 0
	first, took := takeOpening(paras[0].t, &fm, n > 0)
	// A lead paragraph may stand between the date line and the dateline
	// (a summary, then "本报讯（记者…）"): only under a date line, so that a
	// body cleaned once reads the same when cleaned again.
	if !took && n > 0 && len(paras) > 1 && paras[0].t.len() <= 200 && datelineAt(paras[1].t.String()) > 0 {
		at = 1
		first, took = takeOpening(paras[1].t, &fm, false)
	}
	if !took {
		first = paras[at].t
	}
	if len(fm.leadBylines) == 0 {
		var b string
		if first, b = takeInnerByline(first); b != "" {
			fm.leadBylines = append(fm.leadBylines, b)
		}
	}
	// A byline may close what is left of the first paragraph once its
	// dateline is gone ("兴安讯（包俊）").
	if st := stripTrailingBylines(item{t: first}); len(st.byline) > 0 {
		fm.tailBylines = st.byline
		first = st.t
	}
	out := append([]item(nil), paras[:at]...)
	if first.len() > 0 {
		it := paras[at]
		it.t = first
		out = append(out, it)
	} else {
		fm.dropped++
	}
	return append(out, paras[at+1:]...), fm
}

// frontLines reads the report-time lines ahead of the text (CEC reports open
// with one) and a plain-text headline, with its subtitle, over such a line.
// It returns how many paragraphs they take. A second headline over a date
// line right after the first means neither is one (a list of dated items):
// the text is then left as it is, so cleaning a body again changes nothing.
func frontLines(paras []item, fm *frontMatter) int {
	i := reportLines(paras, 0, fm)
	h := headlineAt(paras[i:])
	if h == 0 {
		return i
	}
	var probe frontMatter
	k := reportLines(paras, i+h, &probe)
	if headlineAt(paras[k:]) > 0 {
		return i
	}
	fm.title = paras[i].t.String()
	if h == 2 {
		fm.subtitle = paras[i+1].t.String()
	}
	return reportLines(paras, i+h, fm)
}

// headlineOverDateline: a headline-shaped line right over a paragraph that
// opens with a dateline ("兴安盟交警整治酒驾\n本报讯（记者…）…") is the
// headline, unless what the dateline leaves would read the same way again.
func headlineOverDateline(paras []item) bool {
	if len(paras) < 2 || !headlineShape(paras[0]) || datelineAt(paras[1].t.String()) == 0 {
		return false
	}
	var probe frontMatter
	rest, _ := takeOpening(paras[1].t, &probe, false)
	if rest.len() == 0 {
		return false
	}
	again := item{kind: kindPara, t: rest}
	return !(headlineShape(again) && len(paras) > 2 && datelineAt(paras[2].t.String()) > 0)
}

// reportLines reads the report-time lines from paras[i] on and returns the
// index after them.
func reportLines(paras []item, i int, fm *frontMatter) int {
	for ; i < len(paras) && isReportLine(paras[i]); i++ {
		s := paras[i].t.String()
		if fm.published == "" {
			fm.published = parseDate(s)
		}
		if fm.outlet == "" {
			fm.outlet = reportOutlet(s)
		}
		if m := authorNote.FindStringSubmatch(s); m != nil && fm.author == "" {
			fm.author = tidyByline(m[1])
		}
	}
	return i
}

func isReportLine(it item) bool {
	return it.kind == kindPara && it.t.len() <= 60 && reportLine(it.t.String())
}

// takeOpening removes the dateline and the byline that often follows it, in
// either order, from the start of t. took is false when t opens with
// neither. lead: t comes right under the article's date line or headline,
// where an attribution (据X报道，) is the dateline; never after another one.
func takeOpening(t tstr, fm *frontMatter, lead bool) (tstr, bool) {
	took, afterDateline := false, false
	for n := 0; n < 3; n++ {
		s := t.String()
		// A second dateline right after the first (a reprint's) is kept
		// with it: cleaning the body again must find nothing more to take.
		if d, b := readDateline(s, lead && !afterDateline); b > 0 {
			fm.dateline = strings.TrimSpace(fm.dateline + " " + d)
			t = t.slice(runeIndex(t, b), t.len()).trim()
			took, afterDateline = true, true
			continue
		}
		if m := leadingBracketByline.FindStringSubmatchIndex(s); m != nil {
			fm.leadBylines = append(fm.leadBylines, readByline(s[m[2]:m[3]]))
			t = t.slice(runeIndex(t, m[1]), t.len()).trim()
			took = true
			continue
		}
		// Right after a dateline a bracket of names is the byline even
		// without a role word: 中新网东莞3月30日电(李映民李获).
		if afterDateline {
			if m := namesBracket.FindStringSubmatchIndex(s); m != nil {
				if b, ok := parseByline(s[m[2]:m[3]]); ok {
					fm.leadBylines = append(fm.leadBylines, b)
					t = t.slice(runeIndex(t, m[1]), t.len()).trim()
					took = true
					continue
				}
			}
		}
		// "记者黄蔚山、通讯员连乐报道：": the verb closes the byline.
		if m := reportedBy.FindStringSubmatchIndex(s); m != nil {
			if b, ok := parseByline(s[m[2]:m[3]]); ok {
				fm.leadBylines = append(fm.leadBylines, b)
				t = t.slice(runeIndex(t, m[1]), t.len()).trim()
				took = true
				continue
			}
		}
		if b, n := leadingByline(t.r); n > 0 {
			fm.leadBylines = append(fm.leadBylines, b)
			t = t.slice(n, t.len()).trim()
			took = true
			continue
		}
		break
	}
	return t, took
}

// reportedBy is a byline closed by 报道 and a colon or space.
var reportedBy = regexp.MustCompile(`^((?:本报|特约|见习)?(?:记者|通讯员|实习生)[^，。；：:（()）]{1,40}?)报道[:：\s]+`)

// namesBracket is a short bracket opening the text: "(李映民李获)".
var namesBracket = regexp.MustCompile(`^[（(]\s*([^（()）]{1,40}?)\s*[)）][\s:：，,]*`)

// innerByline is a reporters' bracket after a dateline that does not open
// the paragraph (text printed ahead of it, or a garbled dateline):
// "…曲阜讯（记者 刘国栋 通讯员 胡勇 孔猛）".
var innerByline = regexp.MustCompile(`(?:讯|电|消息|信息)[ :：]*([（(]\s*((?:本报|特约|见习)?(?:记者|通讯员|实习生)[^（()）]{1,40})[)）])`)

// takeInnerByline takes such a bracket out of the first 150 characters of
// t when it is the only one in t, so that cleaning the body again takes
// nothing more.
func takeInnerByline(t tstr) (tstr, string) {
	s := t.String()
	ms := innerByline.FindAllStringSubmatchIndex(s, 2)
	if len(ms) != 1 || utf8.RuneCountInString(s[:ms[0][2]]) > 150 {
		return t, ""
	}
	m := ms[0]
	a, b := runeIndex(t, m[2]), runeIndex(t, m[3])
	out := t.slice(0, a).clone()
	out.appendT(t.slice(b, t.len()))
	return out, readByline(s[m[4]:m[5]])
}

// readByline spaces a byline's roles and names, splitting names printed
// without separators where it can.
func readByline(s string) string {
	if b, ok := parseByline(s); ok {
		return b
	}
	return tidyByline(s)
}

// takeTrailer removes editorial trailers of web pages ("责任编辑：",
// "(本文来源：... 作者：...)") from the end of an article and returns the
// author and the outlet a source note names.
func takeTrailer(paras []item) (_ []item, author, source string) {
	for len(paras) > 0 {
		last := paras[len(paras)-1]
		s := last.t.String()
		loc := trailerStart(s)
		if loc < 0 {
			break
		}
		if m := authorNote.FindStringSubmatch(s[loc:]); m != nil && author == "" {
			author = tidyByline(m[1])
		}
		if src := sourceOf(s[loc:]); src != "" && source == "" {
			source = src
		}
		last.t = last.t.slice(0, runeIndex(last.t, loc)).trim()
		if last.t.len() > 0 {
			paras = append(paras[:len(paras)-1:len(paras)-1], last)
			break
		}
		paras = paras[:len(paras)-1]
	}
	return paras, author, source
}

// trailerStart is where an editorial trailer starts in s, or -1. The trailer
// must run to the end of s and follow the end of a sentence (or start s).
func trailerStart(s string) int {
	locs := editorTrailer.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return -1
	}
	// Walk back over adjacent trailer matches from the end.
	end := len(s)
	start := -1
	for i := len(locs) - 1; i >= 0; i-- {
		gap := strings.TrimSpace(s[locs[i][1]:end])
		if gap != "" && !(start >= 0 && authorNote.MatchString(gap)) {
			break
		}
		start, end = locs[i][0], locs[i][0]
	}
	if start < 0 || !terminalBefore(s[:start]) {
		return -1
	}
	return start
}

func hasText(ts []tstr) bool {
	for _, t := range ts {
		if strings.TrimSpace(t.String()) != "" {
			return true
		}
	}
	return false
}
