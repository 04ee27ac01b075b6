package extract

import "strings"

// listSeparators join the items of a 分别 list: 8.1%、13.5%; 5.1%和7.9%.
var listSeparators = map[string]bool{"、": true, "和": true, "及": true, "与": true, "，": true, ",": true}

// respectively reads the list a comparison with 分别 gives (同比分别下降8.1%、
// 13.5%): the numbers from d.numbers[ni] on, of one kind, joined by list
// separators. It returns their indices, or nil when there is no 分别 or no list.
func respectively(d *doc, s span, ni, at int) []int {
	n := d.numbers[ni]
	if !strings.Contains(d.str(max(s.Start, at-2), n.Start), "分别") {
		return nil
	}
	return numberList(d, ni, s.End)
}

// numberList is the list of numbers from d.numbers[ni] on, ending by end, of
// one kind and joined by list separators (8.1%、13.5%): their indices, or nil
// when fewer than two.
func numberList(d *doc, ni, end int) []int {
	n := d.numbers[ni]
	out := []int{ni}
	last := n
	for k := ni + 1; k < len(d.numbers) && d.numbers[k].End <= end; k++ {
		m := d.numbers[k]
		if m.Skip != "" || m.Kind != n.Kind || !listSeparators[d.str(last.End, m.Start)] {
			break
		}
		out = append(out, k)
		last = m
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// listHeads are nouns a coordination shares: 盗窃、诈骗案件 are 盗窃案件 and 诈骗案件.
var listHeads = []string{"案件", "警情", "人数", "起数", "案"}

// listSubjects splits a coordinated subject into its items, giving each the
// head noun the last one carries.
func listSubjects(subj string) []string {
	parts := strings.FieldsFunc(strings.NewReplacer("以及", "、", "和", "、", "及", "、", "与", "、").Replace(subj), func(r rune) bool { return r == '、' })
	if len(parts) < 2 {
		return parts
	}
	head := ""
	for _, h := range listHeads {
		if strings.HasSuffix(parts[len(parts)-1], h) && parts[len(parts)-1] != h {
			head = h
			break
		}
	}
	for i := range parts[:len(parts)-1] {
		has := false
		for _, h := range listHeads {
			has = has || strings.HasSuffix(parts[i], h)
		}
		if head != "" && !has {
			parts[i] += head
		}
	}
	return parts
}

// scopePrefixes open a clause without being part of its subject: 全省盗窃、
// 抢劫警情 lists 盗窃 and 抢劫警情.
var scopePrefixes = []string{"全国", "全省", "全区", "全市", "全盟", "全州", "全县", "全旗", "该市", "该县", "该区", "其中", "今年", "去年"}

// listBefore reads the coordinated subjects a 分别 list pairs with, ending at
// p: the noun phrase before it, or, when that does not hold n items
// (起数和死亡人数: 死亡 is a verb to the segmenter), the whole clause before p
// when it is nothing but short items joined by 、和及与.
func (x *Extractor) listBefore(d *doc, c span, p, n int) string {
	subj := x.beforeNoun(d, c, p)
	if len(listSubjects(subj)) == n {
		return subj
	}
	s := quoteStripper.Replace(d.str(c.Start, p))
	if i := strings.LastIndex(s, "的"); i >= 0 {
		s = s[i+len("的"):] // 事故造成的死亡、受伤人数
	}
	for changed := true; changed; {
		changed = false
		for _, w := range scopePrefixes {
			if strings.HasPrefix(s, w) {
				s, changed = strings.TrimPrefix(s, w), true
			}
		}
	}
	parts := listSubjects(s)
	if len(parts) != n {
		return subj
	}
	for _, part := range parts {
		rs := []rune(part)
		if len(rs) < 2 || len(rs) > 10 {
			return subj
		}
		for _, r := range rs {
			if !isHan(r) {
				return subj
			}
		}
	}
	return s
}

// figureList reads a list of figures after 分别 (盗窃、诈骗案件分别立案120起、
// 86起; 死亡、受伤人数分别为3人和5人) starting at d.numbers[ni], and the
// subjects before 分别 it pairs with, in order. It returns nil when there is
// no 分别 before the number in its clause, or the lists do not pair up.
func (x *Extractor) figureList(d *doc, s span, ni int) ([]int, []string) {
	n := d.numbers[ni]
	c := clauseAround(d.text, s, n.NumStart)
	if !hasRune(d.text[c.Start:n.Start], '别') {
		return nil, nil
	}
	before := d.str(c.Start, n.Start)
	i := strings.LastIndex(before, "分别")
	if i < 0 {
		return nil, nil
	}
	out := numberList(d, ni, c.End)
	if out == nil {
		return nil, nil
	}
	p := c.Start + len([]rune(before[:i]))
	subjects := listSubjects(x.listBefore(d, c, p, len(out)))
	if len(subjects) != len(out) {
		return nil, nil
	}
	return out, subjects
}

// listFacts makes the facts of a 分别 list of figures: each is read as a
// figure of its own, with the subject of its place in the list, and the
// measure that subject names when it names one (死亡人数 -> 死亡).
func (x *Extractor) listFacts(d *doc, s span, list []int, subjects []string, inSentence *[]int) {
	for j, k := range list {
		m := d.numbers[k]
		fs, reason := x.countFacts(d, s, m, *inSentence)
		o := outcome{Number: m, Reason: reason}
		if len(fs) > 0 {
			f := fs[0] // one figure per item, however its subject reads
			f.Subject = subjects[j]
			incident := false
			if ind := x.indicatorIn(subjects[j]); ind != "" {
				f.Indicator = ind
			}
			if r, ok := x.indicatorRuleFor(f.Indicator); ok {
				incident = r.Incident
			}
			f.Category = x.factCategory(d, s, m, f.Subject, incident)
			*inSentence = append(*inSentence, len(d.facts))
			d.facts = append(d.facts, f)
			o.Facts, o.Reason = 1, ""
		}
		d.outcomes = append(d.outcomes, o)
	}
}
