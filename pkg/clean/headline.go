package clean

import (
	"strings"
	"unicode/utf8"
)

// headlineAt reports how many paragraphs opening paras are a plain-text
// headline (1) or a headline and its subtitle (2) printed over a report-time
// line ("2023年8月15日 来源：兴安日报"); 0 when paras do not open so. The
// date line under it is what tells a headline from a short first sentence.
func headlineAt(paras []item) int {
	for n := 1; n <= 2 && n < len(paras); n++ {
		if !headlineShape(paras[n-1]) {
			return 0
		}
		if isReportLine(paras[n]) {
			return n
		}
	}
	return 0
}

// headlineShape: a short line of Han text that does not end a clause, and
// is neither a date line, a dateline nor a byline.
func headlineShape(it item) bool {
	t := it.t
	if it.kind != kindPara || t.len() < 4 || t.len() > 40 {
		return false
	}
	if strings.ContainsRune("。，,；;、：:", t.last()) {
		return false
	}
	s := t.String()
	// A line with an address or a full stop inside is page furniture or
	// a sentence, not a headline.
	if strings.Contains(s, "http") || strings.Contains(s, "www.") || strings.ContainsAny(s, "。；;") {
		return false
	}
	if reportLine(s) || datelineAt(s) > 0 || roleAt(t.r, 0) != "" {
		return false
	}
	han := 0
	for _, r := range t.r {
		if isHan(r) {
			han++
		}
	}
	return han >= 2 && han*2 >= utf8.RuneCountInString(s)
}
