package clean

import "strings"

// frontMatter is what the opening lines of an article say about it.
type frontMatter struct {
	published   string   // from a report-time line
	outlet      string   // named on a report-time line
	dateline    string   // "新华社北京6月12日电", "兴安讯"
	leadBylines []string // bylines opening the text
	tailBylines []string // a byline closing what is left of the first paragraph
	dropped     int      // paragraphs removed from the front
}

// takeFront removes report-time lines, the dateline and the bylines that
// open an article, returning the remaining paragraphs.
func takeFront(paras []item) ([]item, frontMatter) {
	var fm frontMatter
	// Report-time lines ahead of the text (CEC reports open with one).
	for len(paras) > 0 && paras[0].t.len() <= 60 && reportLine(paras[0].t.String()) {
		s := paras[0].t.String()
		if fm.published == "" {
			fm.published = parseDate(s)
		}
		if fm.outlet == "" {
			fm.outlet = reportOutlet(s)
		}
		paras = paras[1:]
		fm.dropped++
	}
	if len(paras) == 0 {
		return paras, fm
	}
	// Dateline and the byline that often follows it, in either order.
	first := paras[0]
	for n := 0; n < 3; n++ {
		s := first.t.String()
		if b := datelineAt(s); b > 0 {
			if fm.dateline == "" {
				fm.dateline = datelineText(s)
			}
			first.t = first.t.slice(runeIndex(first.t, b), first.t.len()).trim()
			continue
		}
		if m := leadingBracketByline.FindStringSubmatchIndex(s); m != nil {
			fm.leadBylines = append(fm.leadBylines, tidyByline(s[m[2]:m[3]]))
			first.t = first.t.slice(runeIndex(first.t, m[1]), first.t.len()).trim()
			continue
		}
		if b, n := leadingByline(first.t.r); n > 0 {
			fm.leadBylines = append(fm.leadBylines, b)
			first.t = first.t.slice(n, first.t.len()).trim()
			continue
		}
		break
	}
	// A byline may close what is left of the first paragraph once its
	// dateline is gone ("兴安讯（包俊）").
	if st := stripTrailingBylines(item{t: first.t}); len(st.byline) > 0 {
		fm.tailBylines = st.byline
		first.t = st.t
	}
	rest := paras[1:]
	if first.t.len() == 0 {
		fm.dropped++
		return rest, fm
	}
	return append([]item{first}, rest...), fm
}

// takeTrailer removes editorial trailers of web pages ("责任编辑：",
// "(本文来源：... 作者：...)") from the end of an article and returns the
// author a source note names.
func takeTrailer(paras []item) ([]item, string) {
	author := ""
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
		last.t = last.t.slice(0, runeIndex(last.t, loc)).trim()
		if last.t.len() > 0 {
			paras = append(paras[:len(paras)-1:len(paras)-1], last)
			break
		}
		paras = paras[:len(paras)-1]
	}
	return paras, author
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
