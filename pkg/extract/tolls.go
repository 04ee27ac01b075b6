package extract

import (
	"strings"

	"github.com/casewire/casewire/pkg/article"
)

// harmSubjects name people by what befell them: a count of them is that toll
// even when no verb says so (当地医院已接收伤员105人).
var harmSubjects = []struct{ suffix, indicator string }{
	{"伤员", "受伤"}, {"伤者", "受伤"}, {"受伤者", "受伤"}, {"受伤人员", "受伤"},
	{"死者", "死亡"}, {"遇难者", "死亡"}, {"罹难者", "死亡"}, {"遇难人员", "死亡"}, {"死难者", "死亡"},
	{"中毒者", "中毒"}, {"中毒人员", "中毒"}, {"中毒患者", "中毒"},
	{"失踪者", "失踪"}, {"失踪人员", "失踪"},
}

// allDied say that every one of a group counted before died: 车上7人…全部遇难.
var allDied = []string{"全部遇难", "全部死亡", "全部身亡", "全部罹难", "均已死亡", "均死亡", "均遇难", "均身亡", "全部丧生", "无一生还", "全部中毒", "均中毒"}

// tollForms reads the tolls the indicator rules cannot: a count of victims
// named by a noun, a group that all died, and 两男一女当场死亡.
func (x *Extractor) tollForms(d *doc) {
	for i := range d.facts {
		f := &d.facts[i]
		if f.Indicator != fallbackIndicator || f.Value == nil {
			continue
		}
		for _, h := range harmSubjects {
			if strings.HasSuffix(f.Subject, h.suffix) {
				f.Indicator = h.indicator
				break
			}
		}
		if f.Indicator != fallbackIndicator || f.Unit != "人" {
			continue
		}
		// 车上7人…全部遇难: the rest of the sentence says all of them died.
		s := d.sentenceOf(f.Evidence.Start)
		rest := d.str(f.Evidence.End, min(s.End, f.Evidence.End+20))
		for _, w := range allDied {
			if strings.Contains(rest, w) {
				f.Indicator = "死亡"
				if strings.HasSuffix(w, "中毒") {
					f.Indicator = "中毒"
				}
				break
			}
		}
	}
	x.menAndWomen(d)
}

// menAndWomen reads 两男一女当场死亡 as a toll of 3, unless a count follows
// that states the sum (六男四女共十人当场死亡).
func (x *Extractor) menAndWomen(d *doc) {
	text := d.text
	for i := 0; i < len(text); i++ {
		a, ae := numeralRun(text, i)
		if ae == i || runeAt(text, ae) != '男' {
			continue
		}
		b, be := numeralRun(text, ae+1)
		if be == ae+1 || runeAt(text, be) != '女' {
			i = ae
			continue
		}
		end := be + 1
		c := clauseAround(text, d.sentenceOf(i), i)
		h, ok := x.after(d, c, number{Start: i, End: end, NumStart: i, NumEnd: be}, true)
		if !ok || !tollIndicators[h.rule.Indicator] || h.start-end > nearAfter {
			i = be
			continue
		}
		stated := false
		for _, m := range d.numbers {
			if m.Start >= end && m.End <= h.start {
				stated = true // 六男四女共十人: the sum is written
			}
		}
		if !stated {
			s := d.sentenceOf(i)
			f := article.Fact{
				ID: article.FactID(d.c.ID, i, end, 0), Subject: h.rule.Subject, Indicator: h.rule.Indicator,
				Value: article.Num(a + b), Unit: "人",
				Category: x.factCategory(d, s, number{Start: i, End: end, NumStart: i}, "", true),
				Period:   d.periodFor(i), Region: d.places.at(i),
				Evidence: article.Evidence{
					Sentence: strings.TrimRight(d.str(s.Start, s.End), "\n"), SentenceStart: s.Start,
					Start: i, End: end, Text: d.str(i, end),
				},
			}
			d.facts = append(d.facts, f)
		}
		i = be
	}
}

// numeralRun reads the number written at text[i:] in digits or Chinese
// numerals; it returns where the run ends (i when there is none).
func numeralRun(text []rune, i int) (float64, int) {
	j := i
	for j < len(text) && j-i < 4 && (isDigit(text[j]) || isCnNumeral(text[j])) {
		j++
	}
	if j == i {
		return 0, i
	}
	if isDigit(text[i]) {
		v := 0.0
		for k := i; k < j; k++ {
			if !isDigit(text[k]) {
				return 0, i
			}
			v = v*10 + float64(digitValue(text[k]))
		}
		return v, j
	}
	v, ok := parseChinese(text[i:j])
	if !ok {
		return 0, i
	}
	return v, j
}
