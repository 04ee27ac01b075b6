package extract

import (
	"slices"
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
		if f.Indicator == fallbackIndicator {
			if ind := laterToll(d, f.Evidence.Start, f.Evidence.End); ind != "" {
				f.Indicator = ind
			}
		}
	}
	for i := len(d.facts) - 2; i >= 0; i-- {
		// 近50名儿童和3名老师…中毒: a count listed with a toll shares it.
		f, g := &d.facts[i], d.facts[i+1]
		if f.Indicator != fallbackIndicator || !tollIndicators[g.Indicator] || g.Unit != f.Unit {
			continue
		}
		if between := d.str(f.Evidence.End, g.Evidence.Start); len([]rune(between)) <= 6 && endsWithAny(between, listJoins) {
			f.Indicator = g.Indicator
		}
	}
	x.unreadTolls(d)
	x.menAndWomen(d)
	x.compactTolls(d)
}

// listJoins join the items of a list of counts: 50名儿童和3名老师.
var listJoins = []string{"和", "及", "、", "与"}

// laterTolls are words that, later in a number's clause, say what befell the
// people it counts even across a verb (40名小学生疑似食物中毒, 6人出现疑似中毒症状,
// 100余名学生被劫持，目前下落不明).
var laterTolls = []struct{ word, indicator string }{
	{"中毒", "中毒"}, {"下落不明", "失踪"}, {"失踪", "失踪"},
}

// laterToll reads a toll word after a count of people at [s, e), before any
// other number.
func laterToll(d *doc, s, e int) string {
	sent := d.sentenceOf(s)
	c := clauseAround(d.text, sent, s)
	end := min(sent.End, e+20)
	for k := e; k < end; k++ {
		if isDigit(d.text[k]) {
			return ""
		}
		for _, t := range laterTolls {
			// 中毒 within the clause; 下落不明 may follow in the next one
			// (100余名学生被劫持，目前下落不明).
			if hasRunesAt(d.text, k, t.word) && (k < c.End && k < e+14 || t.indicator == "失踪") {
				return t.indicator
			}
		}
	}
	return ""
}

// unreadTolls makes facts of counts of people no rule read whose clause
// later says what befell them: 有6人出现疑似中毒症状, 129员工食物中毒 (a count
// written without its unit before a word for people).
func (x *Extractor) unreadTolls(d *doc) {
	have := make(map[int]bool, len(d.facts))
	for _, f := range d.facts {
		have[f.Evidence.Start] = true
	}
	for _, n := range d.numbers {
		if have[n.Start] || n.Chinese || n.Value < 1 {
			continue
		}
		e := n.End
		switch {
		case n.Skip == "" && (n.Unit == "人" || n.UnitText == "名"):
		case n.Skip == skipNoUnit:
			// 129员工: a short noun for people right after the digits.
			k := personNounEnd(d.text, n.End)
			if k < 0 {
				continue
			}
			e = k
		default:
			continue
		}
		ind := laterToll(d, n.Start, e)
		if ind == "" {
			continue
		}
		s := d.sentenceOf(n.Start)
		f := x.newFact(d, s, n, 0)
		f.Indicator, f.Unit = ind, "人"
		f.Subject = x.cleanSubject(d.str(n.End, e), false)
		if f.Subject == "" {
			f.Subject = ind + "人员"
		}
		f.Evidence.End, f.Evidence.Text = e, d.str(n.Start, e)
		f.ID = article.FactID(d.c.ID, n.Start, e, 0)
		f.Category = x.factCategory(d, s, n, f.Subject, true)
		d.facts = append(d.facts, f)
	}
}

// compactTolls reads N死M伤 written in Chinese numerals (三死两伤) and a
// compact toll after a verb of causing (致一死): the number scanner leaves
// Chinese numerals without a unit aside.
func (x *Extractor) compactTolls(d *doc) {
	text := d.text
	var have map[int]bool
	for k := 1; k < len(text); k++ {
		// Found from the 死, 亡 or 伤 back to its numeral: one cheap test per
		// character.
		if r := text[k]; r != '死' && r != '亡' && r != '伤' {
			continue
		}
		e := k
		if text[k] == '伤' && k > 1 && (text[k-1] == '重' || text[k-1] == '轻') {
			e = k - 1 // 两重伤: a degree between the numeral and 伤
		}
		if !isCnNumeral(text[e-1]) {
			continue
		}
		i := e - 1
		for i > 0 && e-i < 4 && isCnNumeral(text[i-1]) {
			i--
		}
		if i > 0 && isDigit(text[i-1]) {
			continue
		}
		v, j := numeralRun(text, i)
		if j != e {
			continue
		}
		ind := compactWord(text, j)
		if text[j] == '重' || text[j] == '轻' {
			ind = "受伤"
		}
		if ind == "" {
			continue
		}
		pair := false
		if ind == "死亡" {
			if _, k := numeralRun(text, j+1); k > j+1 && compactWord(text, k) == "受伤" {
				pair = true
			}
		} else if i >= 1 && compactWord(text, i-1) == "死亡" {
			pair = true // the 伤 half of 三死两伤, 两死两重伤
		}
		cause := i > 0 && strings.ContainsRune("致成", text[i-1])
		if !pair && !cause {
			continue
		}
		if have == nil {
			have = make(map[int]bool, len(d.facts))
			for _, f := range d.facts {
				have[f.Evidence.Start] = true
			}
		}
		if have[i] {
			continue
		}
		d.facts = append(d.facts, x.spanFact(d, i, j, 0, ind, ind+"人员", "", v, "人"))
	}
}

// compactWord reads the 死 or 伤 of a compact toll at text[j].
func compactWord(text []rune, j int) string {
	switch runeAt(text, j) {
	case '死', '亡':
		if n := runeAt(text, j+1); n == '亡' || n == '者' || n == '去' || n == '了' {
			return ""
		}
		return "死亡"
	case '伤':
		if n := runeAt(text, j+1); n == '亡' || n == '者' || n == '员' || n == '势' || n == '害' || n == '心' {
			return ""
		}
		return "受伤"
	}
	return ""
}

// menAndWomen reads 两男一女当场死亡 as a toll of 3, unless a count follows
// that states the sum (六男四女共十人当场死亡).
func (x *Extractor) menAndWomen(d *doc) {
	if !slices.Contains(d.text, '男') || !slices.Contains(d.text, '女') {
		return
	}
	text := d.text
	for i := 0; i < len(text); i++ {
		if !isDigit(text[i]) && !isCnNumeral(text[i]) {
			continue
		}
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
			d.facts = append(d.facts, x.spanFact(d, i, end, 0, h.rule.Indicator, h.rule.Subject, "", a+b, "人"))
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

// personNounEnd reads a word for people of up to four Han characters at
// text[i:] (员工, 学生, 乌克兰人) and returns where it ends, -1 when none.
func personNounEnd(text []rune, i int) int {
	for k := i; k < len(text) && k-i < 4 && isHan(text[k]); k++ {
		if strings.ContainsRune(personEnds, text[k]) && !strings.ContainsRune(personEnds, runeAt(text, k+1)) {
			return k + 1
		}
	}
	return -1
}

func endsWithAny(s string, words []string) bool {
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}
