package extract

// publicSecurityThreshold is the police-vocabulary weight (rules/police.tsv)
// an article needs to count as public-security news. A finance story with
// 同比增长29% scores 0; a police report scores well above 10.
const publicSecurityThreshold = 6

// isPublicSecurity scores the title and body against the police vocabulary.
func (x *Extractor) isPublicSecurity(title string, text []rune) bool {
	score := 0
	// Police words by their weight; every crime or incident word counts one.
	count := func(t []rune) {
		for i := 0; i < len(t); {
			if w, v, ok := x.rules.police.matchAt(t, i); ok {
				score += v
				i += len([]rune(w))
				continue
			}
			if w, _, ok := x.rules.categories.matchAt(t, i); ok {
				score++
				i += len([]rune(w))
				continue
			}
			i++
		}
	}
	count([]rune(title))
	count(text)
	return score >= publicSecurityThreshold
}

// incidentType is the category named most often, the title counting three
// times; ties go to the category named first.
func (x *Extractor) incidentType(title string, text []rune) string {
	counts := map[string]int{}
	first := map[string]int{}
	pos := 0
	add := func(t []rune, weight int) {
		for i := 0; i < len(t); {
			if w, cat, ok := x.rules.categories.matchAt(t, i); ok {
				if _, seen := first[cat]; !seen {
					first[cat] = pos + i
				}
				counts[cat] += weight
				i += len([]rune(w))
				continue
			}
			i++
		}
		pos += len(t)
	}
	add([]rune(title), 3)
	add(text, 1)
	best := ""
	for cat, n := range counts {
		if best == "" || n > counts[best] || n == counts[best] && first[cat] < first[best] {
			best = cat
		}
	}
	return best
}

// categoryIn returns the category of the most specific (longest) category
// word in text[s:e], the last one on a tie because in Chinese the head of a
// phrase comes last (盗窃非机动车案 ... 案).
func (x *Extractor) categoryIn(text []rune, s, e int) string {
	best, bestLen := "", 0
	for i := max(0, s); i < e && i < len(text); i++ {
		if w, cat, ok := x.rules.categories.matchAt(text[:e], i); ok {
			if n := len([]rune(w)); n >= bestLen {
				best, bestLen = cat, n
			}
		}
	}
	return best
}
