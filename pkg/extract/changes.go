package extract

import (
	"strings"

	"github.com/casewire/casewire/pkg/article"
)

// isRelative tells the units of a relative change: percent and percentage points.
func isRelative(unit string) bool { return unit == "%" || unit == "pp" }

// secondForm puts a comparison that restates the one before in the other
// form (同比减少12起，下降12.1%) on the change that already holds the first:
// the relative form goes in Value and Unit, the absolute in CountValue and
// CountUnit. gap is the text between the two comparisons.
func secondForm(prev *article.Change, ch *article.Change, gap string) bool {
	if prev == nil || prev.CountValue != nil || isRelative(prev.Unit) == isRelative(ch.Unit) || prev.Direction != ch.Direction {
		return false
	}
	if strings.Trim(gap, "，, 、") != "" {
		return false
	}
	if isRelative(ch.Unit) {
		v := prev.Value
		prev.CountValue, prev.CountUnit = &v, prev.Unit
		prev.Value, prev.Unit = ch.Value, ch.Unit
	} else {
		v := ch.Value
		prev.CountValue, prev.CountUnit = &v, ch.Unit
	}
	return true
}

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
	out := []int{ni}
	last := n
	for k := ni + 1; k < len(d.numbers) && d.numbers[k].End <= s.End; k++ {
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

// distribute gives the changes of a 分别 list, in order, to the subjects
// named before the comparison (盗窃、抢劫警情同比分别下降…), or, when it names
// none, to the figures before it in the sentence (立案612起，破案455起，同比分别
// 上升…). It returns false when the lists do not pair up.
func (x *Extractor) distribute(d *doc, s span, inSentence *[]int, list []int, first *article.Change, at int) bool {
	changes := make([]*article.Change, len(list))
	for j, k := range list {
		m := d.numbers[k]
		ch := *first
		ch.Value = m.Value
		if first.Value < 0 {
			ch.Value = -m.Value
		}
		if first.Direction == "flat" {
			ch.Value = 0
		}
		if m.Kind == "pp" {
			ch.Unit = "pp"
		} else {
			ch.Unit = m.Unit
		}
		changes[j] = &ch
	}
	c := clauseAround(d.text, s, at)
	p := at
	if d.str(at-2, at) == "分别" {
		p = at - 2
	}
	subj := x.listBefore(d, c, p, len(list))
	open := func() []int { // figures before in the sentence with no change yet
		var out []int
		for _, k := range *inSentence {
			if d.facts[k].Change == nil && d.facts[k].Value != nil {
				out = append(out, k)
			}
		}
		return out
	}
	if subj == "" {
		figs := open()
		if len(figs) < len(list) {
			return false
		}
		for j, k := range figs[len(figs)-len(list):] {
			d.facts[k].Change = changes[j]
		}
		return true
	}
	parts := listSubjects(subj)
	if len(parts) != len(list) {
		return false
	}
	for j, part := range parts {
		if k, ok := x.figureNamed(d, open(), part); ok {
			d.facts[k].Change = changes[j] // 起数和死亡人数同比分别下降…: the figures named before
			continue
		}
		f := x.changeOnly(d, s, d.numbers[list[j]], 0, part, x.indicatorIn(part), changes[j])
		*inSentence = append(*inSentence, len(d.facts))
		d.facts = append(d.facts, f)
	}
	return true
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

// figureNamed finds, among facts ks, the figure a list item names: 死亡人数
// names the 死亡 fact, 起数 the count of cases.
func (x *Extractor) figureNamed(d *doc, ks []int, part string) (int, bool) {
	for _, k := range ks {
		f := d.facts[k]
		if f.Indicator != fallbackIndicator && strings.Contains(part, f.Indicator) || strings.HasSuffix(part, "起数") && f.Unit == "起" {
			return k, true
		}
	}
	return 0, false
}

// indicatorIn is the measure a subject names (死亡人数 -> 死亡, 直接财产损失
// -> 经济损失), a strong word before a weak one, or "".
func (x *Extractor) indicatorIn(subj string) string {
	rs := []rune(subj)
	weak := ""
	for i := range rs {
		if _, r, ok := x.rules.indicators.matchAt(rs, i); ok {
			if r.Strong {
				return r.Indicator
			}
			if weak == "" {
				weak = r.Indicator
			}
		}
	}
	return weak
}
