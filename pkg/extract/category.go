package extract

// publicSecurityThreshold is the police-vocabulary weight (rules/police.tsv)
// an article needs to count as public-security news. A finance story with
// 同比增长29% scores 0; a police report scores well above 10.
const publicSecurityThreshold = 6

// isPublicSecurity scores the title and body against the police vocabulary.
// Casualty words (死亡, 受伤) count only when a crime or incident is named.
func (x *Extractor) isPublicSecurity(title string, text []rune) bool {
	police, casualty, incidents := 0, 0, 0
	count := func(t []rune) {
		for i := 0; i < len(t); {
			step := 1
			// Both tables are read at every place: 恐怖袭击 is an incident and
			// 恐怖 a police word.
			if w, v, ok := x.rules.police.matchAt(t, i); ok {
				if v.Casualty {
					casualty += v.Weight
				} else {
					police += v.Weight
				}
				step = len([]rune(w))
			}
			if w, _, ok := x.rules.categories.matchAt(t, i); ok {
				incidents++
				step = max(step, len([]rune(w)))
			}
			i += step
		}
	}
	count([]rune(title))
	count(text)
	score := police + incidents
	if incidents > 0 {
		score += casualty
	}
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
