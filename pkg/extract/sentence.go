package extract

// span is a stretch of the body in rune offsets, [Start, End).
type span struct{ Start, End int }

// isSentenceEnd tells the punctuation that ends a sentence. Semicolons do not:
// "立案131起,同比下降68.05%;破案91起" is one statement whose parts share a subject.
func isSentenceEnd(r rune) bool {
	switch r {
	case '。', '！', '？', '!', '?', '\n':
		return true
	}
	return false
}

// isClauseBreak tells the punctuation between clauses, ASCII included because
// print-layout text uses "," and ";" for "，" and "；".
func isClauseBreak(r rune) bool {
	switch r {
	case '，', ',', '；', ';', '：', ':', '。', '！', '？', '!', '?', '\n', '（', '(', '）', ')':
		return true
	}
	return false
}

// isCloser is punctuation that stays with the sentence before it: 。” ）
func isCloser(r rune) bool {
	switch r {
	case '”', '’', '」', '』', '）', ')', '"':
		return true
	}
	return false
}

// splitSentences cuts text into sentences; every rune belongs to exactly one.
func splitSentences(text []rune) []span {
	var out []span
	start := 0
	for i := 0; i < len(text); i++ {
		if !isSentenceEnd(text[i]) {
			continue
		}
		end := i + 1
		for end < len(text) && (isCloser(text[end]) || text[end] != '\n' && isSentenceEnd(text[end])) {
			end++
		}
		out = append(out, span{start, end})
		start = end
		i = end - 1
	}
	if start < len(text) {
		out = append(out, span{start, len(text)})
	}
	return out
}

// clauseAround returns the clause of sentence s that contains offset i.
func clauseAround(text []rune, s span, i int) span {
	c := span{s.Start, s.End}
	for k := i - 1; k >= s.Start; k-- {
		if isClauseBreak(text[k]) {
			c.Start = k + 1
			break
		}
	}
	for k := i; k < s.End; k++ {
		if isClauseBreak(text[k]) {
			c.End = k
			break
		}
	}
	return c
}
