package extract

import (
	"fmt"
	"strings"

	"github.com/casewire/casewire/pkg/article"
)

// zeroRule is one harm, event or word line of rules/zeros.tsv.
type zeroRule struct {
	Kind       string
	Indicators []string
	Subjects   []string
}

// zeroRules reads explicit zeros: a negation before a harm (无人员伤亡,
// 所幸没有人员受伤), 未发生 before a kind of case (未发生较大以上火灾), or a
// zero phrase (命案零发案). One mechanism serves incident reports and bulletins.
type zeroRules struct {
	neg    *lexicon[struct{}]
	harm   *lexicon[zeroRule] // harms and events, told apart by Kind
	phrase *lexicon[zeroRule]
	// The first characters of negations and phrases: the scan looks further
	// only at them.
	negFirst, phraseFirst string
}

// add reads one line of rules/zeros.tsv.
func (z *zeroRules) add(c []string) error {
	if z.neg == nil {
		z.neg, z.harm, z.phrase = newLexicon[struct{}](), newLexicon[zeroRule](), newLexicon[zeroRule]()
	}
	r := zeroRule{Kind: c[0], Indicators: strings.Split(c[2], ","), Subjects: strings.Split(c[3], ",")}
	if c[0] != "neg" && (c[2] == "" || len(r.Indicators) != len(r.Subjects)) {
		return fmt.Errorf("%s: %d indicators for %d subjects", c[1], len(r.Indicators), len(r.Subjects))
	}
	switch c[0] {
	case "neg":
		z.neg.add(c[1], struct{}{})
		z.negFirst += string([]rune(c[1])[:1])
	case "harm", "event":
		z.harm.add(c[1], r)
	case "word":
		z.phrase.add(c[1], r)
		z.phraseFirst += string([]rune(c[1])[:1])
	default:
		return fmt.Errorf("%s: kind %q", c[1], c[0])
	}
	return nil
}

// zeroGap is how far, in runes, a negation may stand before what it denies:
// 尚未收到这次地震造成人员伤亡的报告.
const zeroGap = 10

// negationIdioms start with a negation but deny nothing: 抢救无效死亡,
// 无辜群众遇难, 未成年人受伤.
var negationIdioms = []string{"无效", "无辜", "无法", "无数", "无一生还", "未成年", "没能", "未能", "无奈"}

// hedges say casualties are feared or unknown, no zero: 估计有房屋倒塌和人员伤亡,
// 是否有人员伤亡.
var hedges = []string{"估计有", "可能有", "或有", "恐有", "是否", "有无", "不排除"}

// hedgedHarms lists the indicators whose harm d says may have happened:
// a zero of them elsewhere in the report is not what the report settles on.
func (x *Extractor) hedgedHarms(d *doc) map[string]bool {
	out := map[string]bool{}
	for i := 0; i < len(d.text); i++ {
		w, r, ok := x.rules.zeros.harm.matchAt(d.text, i)
		if !ok || r.Kind != "harm" {
			continue
		}
		before := d.str(max(clauseAround(d.text, d.sentenceOf(i), i).Start, i-zeroGap), i)
		if containsAny(before, hedges) {
			for _, ind := range r.Indicators {
				out[ind] = true
			}
		}
		i += len([]rune(w)) - 1
	}
	return out
}

// zeroFacts finds the explicit zeros of d and appends them as facts of value
// 0. A zero's evidence spans the words that state it.
func (x *Extractor) zeroFacts(d *doc) {
	z := x.rules.zeros
	if z.neg == nil {
		return
	}
	text := d.text
	lastEnd, found := -1, false
	for i := 0; i < len(text); i++ {
		r := text[i]
		if strings.ContainsRune(z.phraseFirst, r) {
			if w, rule, ok := z.phrase.matchAt(text, i); ok && i >= lastEnd {
				e := i + len([]rune(w))
				d.facts = append(d.facts, x.zeroFactsAt(d, i, e, rule)...)
				lastEnd, i, found = e, e-1, true
				continue
			}
		}
		if !strings.ContainsRune(z.negFirst, r) {
			continue
		}
		// A negation: what it denies follows within zeroGap characters.
		for k := max(i, lastEnd); k < min(len(text), i+zeroGap+2); k++ {
			w, rule, ok := z.harm.matchAt(text, k)
			if !ok {
				continue
			}
			e := k + len([]rune(w))
			start, ok := x.negationBefore(d, k, rule.Kind == "event")
			if !ok {
				k = e - 1
				continue
			}
			if rule.Kind == "event" {
				subj := x.cleanSubject(strings.TrimLeft(d.str(start, e), "发生过一起次"), false)
				if subj == "" {
					k = e - 1
					continue
				}
				rule.Subjects = []string{subj}
			}
			d.facts = append(d.facts, x.zeroFactsAt(d, start, e, rule)...)
			lastEnd, found = e, true
			i = e - 1
			break
		}
	}
	if found {
		d.hedged = x.hedgedHarms(d)
	}
}

// negationBefore finds the negation that denies the harm at i: within
// zeroGap runes of its clause, no number between. For a kind of case the
// negation must be 未发生 (or 没有发生) and the return is where the case's name
// starts.
func (x *Extractor) negationBefore(d *doc, i int, event bool) (int, bool) {
	text := d.text
	for k := i; k >= 0 && i-k <= zeroGap; k-- {
		if k < i && (isClauseBreak(text[k]) || isDigit(text[k]) || !event && (isCnNumeral(text[k]) || hasRunesAt(text, k, "发生"))) {
			return 0, false // 未发生一次死亡3人以上的事故 denies an accident, not a death
		}
		w, _, ok := x.rules.zeros.neg.matchEnd(text[:k], k)
		if !ok {
			continue
		}
		s := k - len([]rune(w))
		if idiomAt(text, s) || runeAt(text, s-1) == '有' && text[s] == '无' {
			// 有无人员伤亡 asks; it denies nothing.
			return 0, false
		}
		if !event {
			return s, true
		}
		if hasRunesAt(text, k, "发生") {
			return k + 2, true
		}
		return 0, false
	}
	return 0, false
}

func idiomAt(text []rune, s int) bool {
	for _, w := range negationIdioms {
		if hasRunesAt(text, s, w) {
			return true
		}
	}
	return false
}

// zeroFactsAt makes one fact of value 0 per indicator r denies, the text
// [s, e) as evidence.
func (x *Extractor) zeroFactsAt(d *doc, s, e int, r zeroRule) []article.Fact {
	out := make([]article.Fact, 0, len(r.Indicators))
	for k, ind := range r.Indicators {
		unit := "人"
		if r.Kind == "event" || ind == "发案" {
			unit = "起"
		}
		out = append(out, x.spanFact(d, s, e, k, ind, r.Subjects[k], r.Subjects[k], 0, unit))
	}
	return out
}
