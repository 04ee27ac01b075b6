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
