package clean

import "unicode"

// keptFullWidth is the full-width punctuation Chinese prose uses as its own;
// folding it to ASCII would change the text's meaning for readers and for
// sentence splitting downstream.
var keptFullWidth = map[rune]bool{
	'！': true, '（': true, '）': true, '，': true, '：': true, '；': true, '？': true,
}

// fold maps one input rune to its normalised form. keep is false for runes
// that are dropped (zero-width and control characters).
func fold(r rune) (out rune, keep bool) {
	switch {
	case r == '\n':
		return r, true
	case r >= 0xFF01 && r <= 0xFF5E:
		if keptFullWidth[r] {
			return r, true
		}
		return r - 0xFEE0, true
	case r == '\u3000' || r == '\u00A0' || r == '\t' || r == '\v' || r == '\f':
		return ' ', true
	case r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\u2060' || r == '\uFEFF' || r == '\u00AD':
		return 0, false
	case r == '\u2028' || r == '\u2029' || r == '\u0085':
		return '\n', true
	case unicode.Is(unicode.Zs, r):
		return ' ', true
	case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		return 0, false
	case r >= 0xD800 && r <= 0xDFFF:
		return '\uFFFD', true
	}
	return r, true
}

// splitLines normalises the tracked input rune by rune and cuts it into
// lines: CRLF and lone CR end a line, whitespace runs become one space, lines
// are trimmed. edits counts every rune changed or dropped.
func splitLines(in tstr) (lines []tstr, edits []int) {
	var cur tstr
	ed := 0
	flush := func() {
		t := cur.trim()
		ed += cur.len() - t.len()
		lines = append(lines, t.clone())
		edits = append(edits, ed)
		cur = tstr{}
		ed = 0
	}
	for i := 0; i < in.len(); i++ {
		r := in.r[i]
		if r == '\r' {
			if i+1 < in.len() && in.r[i+1] == '\n' {
				ed++ // the CR of a CRLF is dropped
				continue
			}
			ed++
			flush()
			continue
		}
		o, keep := fold(r)
		if !keep {
			ed++
			continue
		}
		if o != r {
			ed++
		}
		if o == '\n' {
			flush()
			continue
		}
		if o == ' ' && cur.len() > 0 && cur.last() == ' ' {
			ed++
			continue
		}
		cur.add(o, in.p[i])
	}
	flush()
	return lines, edits
}
