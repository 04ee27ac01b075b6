package extract

import (
	"strings"

	"github.com/casewire/casewire/pkg/article"
)

// Reasons a candidate number made no fact, beside the unit-based ones.
const (
	skipNoIndicator = "no-indicator"
)

// fallbackIndicator is the measure of a count whose sentence names no measure
// but does name what was counted: 1200多户牧民 -> 数量.
const fallbackIndicator = "数量"

// hit is an indicator word found near a number.
type hit struct {
	rule       indicatorRule
	start, end int
	after      bool
}

// Limits, in runes, on how far from its number an indicator may stand.
const (
	nearAfter  = 6  // 6人当场死亡: a strong word this close after wins over one before
	farAfter   = 10 // 价值140余万元的商品被大火吞噬
	maxSubject = 20
)

// facts turns the numbers of d into facts, sentence by sentence.
func (x *Extractor) facts(d *doc) {
	ni := 0
	for _, s := range d.sentences {
		var inSentence []int // indices into d.facts
		lastChange := 0      // where the last comparison read in the sentence ends
		for ; ni < len(d.numbers) && d.numbers[ni].Start < s.End; ni++ {
			n := d.numbers[ni]
			o := outcome{Number: n}
			if n.Skip != "" && n.Skip != skipNoUnit {
				o.Reason = n.Skip
				d.outcomes = append(d.outcomes, o)
				continue
			}
			if ch, at, ok := x.changeAt(d, s, n); ok {
				if list := respectively(d, s, ni, at); list != nil && x.distribute(d, s, &inSentence, list, ch, at) {
					for _, k := range list {
						d.outcomes = append(d.outcomes, outcome{Number: d.numbers[k], Change: true})
					}
					ni = list[len(list)-1]
					lastChange = d.numbers[ni].End
					continue
				}
				if len(inSentence) > 0 && lastChange > 0 && secondForm(d.facts[inSentence[len(inSentence)-1]].Change, ch, d.str(lastChange, at)) {
					o.Change = true
					d.outcomes = append(d.outcomes, o)
					lastChange = n.End
					continue
				}
				lastChange = n.End
				if k, ok := x.attachTarget(d, s, inSentence, at); ok {
					d.facts[k].Change = ch
					o.Change = true
					d.outcomes = append(d.outcomes, o)
					continue
				}
				f := x.changeFact(d, s, n, ch, at)
				inSentence = append(inSentence, len(d.facts))
				d.facts = append(d.facts, f)
				o.Facts = 1
				d.outcomes = append(d.outcomes, o)
				continue
			}
			if list, subjects := x.figureList(d, s, ni); list != nil {
				x.listFacts(d, s, list, subjects, &inSentence)
				ni = list[len(list)-1]
				continue
			}
			fs, reason := x.countFacts(d, s, n, inSentence)
			for _, f := range fs {
				inSentence = append(inSentence, len(d.facts))
				d.facts = append(d.facts, f)
			}
			o.Facts, o.Reason = len(fs), reason
			d.outcomes = append(d.outcomes, o)
		}
	}
}

// changeAt reads a comparison ending at n: 同比下降68.05%, 环比增长3个百分点,
// 较去年同期减少20起. It returns where the comparison starts.
func (x *Extractor) changeAt(d *doc, s span, n number) (*article.Change, int, bool) {
	text := d.text
	p := n.Start
	for k := 0; k < 3 && p > s.Start && strings.ContainsRune("了达为至到", text[p-1]); k++ {
		p--
	}
	w, dir, ok := x.rules.direction.matchEnd(text[:p], p)
	if !ok {
		return nil, 0, false
	}
	at := p - len([]rune(w))
	c := clauseAround(text, s, at)
	basis, bAt := "", -1
	for i := c.Start; i < at; i++ {
		if bw, b, ok := x.rules.basis.matchAt(text[:at], i); ok {
			basis, bAt = b.Value, i
			i += len([]rune(bw)) - 1
		}
	}
	if basis == "" {
		basis = x.basisClause(d, s, c) // 与上年相比，火灾起数下降18.2%，伤人数下降28.6%
	}
	percent := n.Kind == "percent" || n.Kind == "pp"
	if !percent && basis == "" {
		return nil, 0, false // 减少20起 alone is a count, not a comparison
	}
	if !percent && n.Kind != "count" && n.Kind != "money" && n.Kind != "measure" {
		return nil, 0, false
	}
	if bAt >= 0 {
		at = bAt
	}
	v := n.Value
	if dir.Value == "down" {
		v = -v
	}
	if dir.Value == "flat" {
		v = 0
	}
	unit := n.Unit
	if n.Kind == "pp" {
		unit = "pp"
	}
	return &article.Change{Basis: basis, Direction: dir.Value, Value: v, Unit: unit}, at, true
}

// basisClause finds, before clause c in its sentence, a clause that is
// nothing but a comparison's basis (与上年相比，…): it governs the changes of
// the clauses after it.
func (x *Extractor) basisClause(d *doc, s span, c span) string {
	for end := c.Start - 1; end > s.Start; {
		pc := clauseAround(d.text, s, end-1)
		text := []rune(strings.TrimSpace(d.str(pc.Start, pc.End)))
		if w, b, ok := x.rules.basis.matchAt(text, 0); ok && len([]rune(w)) == len(text) {
			return b.Value
		}
		end = pc.Start - 1
	}
	return ""
}

// attachTarget finds the fact a comparison belongs to: the last fact before
// it in the sentence, when no other measure is named in between.
func (x *Extractor) attachTarget(d *doc, s span, inSentence []int, at int) (int, bool) {
	if len(inSentence) == 0 {
		return 0, false
	}
	k := inSentence[len(inSentence)-1]
	f := d.facts[k]
	if f.Change != nil || f.Evidence.End > at {
		return 0, false
	}
	for i := f.Evidence.End; i < at; i++ {
		if _, r, ok := x.rules.indicators.matchAt(d.text[:at], i); ok && r.Strong {
			return 0, false // 破案率同比提高5个百分点: the change is the rate's
		}
	}
	if c := clauseAround(d.text, s, at); c.Start > f.Evidence.End && x.beforeNoun(d, c, at) != "" {
		return 0, false // …损失320万元，火灾起数下降18.2%: the change names its own figure
	}
	return k, true
}

// changeFact makes a fact of a comparison that has no figure before it
// (刑事警情同比下降9.2%): the text gives the change only, so the fact has no
// value, and a change is never summed as a figure.
func (x *Extractor) changeFact(d *doc, s span, n number, ch *article.Change, at int) article.Fact {
	c := clauseAround(d.text, s, at)
	ind, subj := "", ""
	if h, ok := x.before(d, c, at, true); ok {
		ind = h.rule.Indicator
		// 破获刑事案件数同比上升11.2%: what follows the measure; else what
		// precedes it (刑事案件立案数).
		subj = x.cleanSubject(strings.TrimSuffix(d.str(h.end, at), "数"), false)
		if subj == "" {
			subj = x.beforeNoun(d, c, h.start)
		}
		if subj == "" {
			subj = h.rule.Subject
		}
	} else {
		subj = x.beforeNoun(d, c, at)
		ind = x.indicatorIn(subj) // 损失下降9.1%: a weak measure named in the subject
	}
	return x.changeOnly(d, s, n, 0, subj, ind, ch)
}

// changeOnly is a fact with a subject and a change but no value.
func (x *Extractor) changeOnly(d *doc, s span, n number, k int, subj, ind string, ch *article.Change) article.Fact {
	if ind == "" {
		ind = "变化"
		if subj != "" {
			ind = fallbackIndicator // 刑事警情同比下降9.2%: the number of 刑事警情 fell
		}
	}
	f := x.newFact(d, s, n, k)
	f.Subject, f.Indicator = subj, ind
	f.Value, f.Unit, f.Approx, f.Change = nil, "", "", ch
	f.Category = x.factCategory(d, s, n, subj, false)
	return f
}

// countFacts makes the facts of a count, amount or rate.
func (x *Extractor) countFacts(d *doc, s span, n number, inSentence []int) ([]article.Fact, string) {
	c := clauseAround(d.text, s, n.NumStart)
	if hasRune(d.text[c.Start:n.Start], '未', '没') && negated(d.str(c.Start, n.Start)) {
		return nil, skipNegated // 未发生一次死亡3人以上的事故: a threshold, not a count
	}
	h, ok := x.pickIndicator(d, c, n)
	if !ok && len(inSentence) > 0 {
		// 查处…12.6万起，其中酒驾1320起: a part is counted as its total is;
		// 查获酒驾1560起，醉驾386起: so is the next item of a list of clauses.
		prev := d.facts[inSentence[len(inSentence)-1]]
		partOf := strings.HasPrefix(d.str(c.Start, c.End), "其中")
		next := strings.Trim(d.str(prev.Evidence.End, c.Start), "，,；; ") == ""
		short := len([]rune(d.str(c.Start, n.Start))) <= 4 // 醉驾386起, not 公安局奖励群众500余名
		// Not for people (其中5名儿童 of a death toll): a toll's parts are the
		// business of whoever adds it up, and summed with it they count twice.
		if r, found := x.indicatorRuleFor(prev.Indicator); found && prev.Unit == n.Unit && n.Unit != "人" && (partOf || next && short) && x.namesPart(d, c, n) {
			h, ok = hit{rule: r, start: c.Start, end: c.Start}, true
		}
	}
	if !ok && n.Kind == "percent" {
		if name, at := rateBefore(d, c, n); name != "" {
			// 调解成功率达98.2%: a rate names itself.
			h, ok = hit{rule: indicatorRule{Word: name, Indicator: name, Strong: true, Before: true, Unit: "%"}, start: at, end: at + len([]rune(name))}, true
		}
	}
	unit := n.Unit
	if n.Skip == skipNoUnit {
		// 1死7伤, 11受伤, 骗钱15万: the measure supplies the unit.
		if !ok || h.rule.Unit == "" || !(h.after && h.start == n.End || !h.after && n.Value >= 1e4 && strings.TrimSpace(d.str(h.end, n.Start)) == "") {
			return nil, skipNoUnit
		}
		unit = h.rule.Unit
	}
	if !ok {
		if n.Chinese && n.Value <= 2 {
			return nil, skipIndef
		}
		if n.Chinese || n.Kind == "percent" || n.Kind == "pp" {
			return nil, skipNoIndicator
		}
	} else if n.Chinese && (!h.rule.Strong || !h.after && n.Start-h.end > nearAfter || n.Value == 1 && !(h.after && h.start-n.End <= 4) ||
		h.after && n.UnitText == "类" || isMoney(n.Unit) && h.rule.Unit != "元") {
		// Numerals in words are common (来源于三个方面): a measure must be close.
		// 八类严重暴力犯罪案件立案…: a kind, not a count; 接报称在三元里: a place,
		// not money.
		return nil, skipIndef
	}
	inherited := ""
	if len(inSentence) > 0 {
		// 破案91起 takes 盗抢骗案件 from 立案131起; an amount never takes the
		// subject of a count, nor a count that of an amount.
		if prev := d.facts[inSentence[len(inSentence)-1]]; isMoney(prev.Unit) == isMoney(unit) {
			inherited = prev.Subject
		}
	}
	subj := x.subjectOf(d, c, n, h, ok, inherited)
	ind, incident := fallbackIndicator, false
	if ok {
		ind, incident = h.rule.Indicator, h.rule.Incident
		if subj == "" {
			subj = h.rule.Subject
		}
	} else if subj == "" {
		return nil, skipNoIndicator
	}
	subjects := []string{subj}
	if n.Kind == "percent" {
		// A rate applies to each of coordinated subjects; a count is their sum.
		subjects = splitCoordination(subj)
	}
	var out []article.Fact
	for k, sj := range subjects {
		f := x.newFact(d, s, n, k)
		f.Subject, f.Indicator, f.Unit = sj, ind, unit
		if ind != fallbackIndicator && strings.HasPrefix(f.Period.Text, "截至") {
			// 截至9月底共破获…: a count of events up to that day from a start the
			// text does not give; only a stock (共有, 现有) is counted at the day.
			f.Period.Start = ""
		}
		f.Category = x.factCategory(d, s, n, sj, incident)
		out = append(out, f)
	}
	return out, ""
}

// indicatorRuleFor finds the rule of an indicator by its name.
func (x *Extractor) indicatorRuleFor(ind string) (indicatorRule, bool) {
	r, ok := x.rules.byIndicator[ind]
	return r, ok
}

// isMoney tells currency units.
func isMoney(unit string) bool {
	switch unit {
	case "元", "美元", "欧元", "港元", "卢比", "英镑", "日元", "美分":
		return true
	}
	return false
}

// negations before a measure deny it: 两名打人者还未抓获.
var negations = []rune("未没无不")

// personEnds end words for people: 警察, 学员, 伤者, 民警, 学生, 民工.
const personEnds = "察员者人警民生工师客手"

// isNegationIdiom tells words with a negation character that deny nothing:
// 32人不治身亡, 抢救无效死亡, 不同程度受伤, 不幸遇难.
func isNegationIdiom(text []rune, j int) bool {
	w := string(text[j:min(len(text), j+2)])
	return w == "不治" || w == "无效" || w == "不同" || w == "不幸"
}

// pickIndicator chooses the measure of n within its clause c.
func (x *Extractor) pickIndicator(d *doc, c span, n number) (hit, bool) {
	afterStrong, okAS := x.after(d, c, n, true)
	beforeStrong, okBS := x.before(d, c, n.Start, true)
	if okBS && (!countsThis(beforeStrong.rule, n) || isOneCharPeople(beforeStrong.rule) && beforeStrong.end != n.Start) {
		okBS = false // 伤5人 counts; 伤者中除两人 does not
	}
	switch {
	case okAS && afterStrong.start-n.End <= nearAfter:
		return afterStrong, true
	case okBS:
		return beforeStrong, true
	case okAS:
		return afterStrong, true
	}
	if h, ok := x.before(d, c, n.Start, false); ok && countsThis(h.rule, n) && (h.rule.Unit != "起" || n.Unit == "起") {
		return h, true // a generic verb of events counts events: 发生火灾3起, not 发生…地震…15.5万人受灾
	}
	return x.after(d, c, n, false)
}

// isOneCharPeople tells a one-character measure of people (伤, 亡): it
// counts only the number right after it.
func isOneCharPeople(r indicatorRule) bool {
	return len([]rune(r.Word)) == 1 && r.Unit == "人"
}

// countsThis tells whether a measure written before a number can count it: a
// word about people counts only people (遇难家庭提供50万卢比, 被害人…10万元).
func countsThis(r indicatorRule, n number) bool {
	if len([]rune(r.Word)) == 1 {
		return n.Unit == r.Unit // 共立刑事案件4127起, 占…的35%: a one-character verb is ambiguous
	}
	return r.Unit != "人" || n.Kind == "" || n.Unit == "人" || n.Unit == "人次"
}

// after finds the first indicator word after n in its clause, before the next
// number. Words used as modifiers (被困人员, 伤者) are skipped.
func (x *Extractor) after(d *doc, c span, n number, strong bool) (hit, bool) {
	text := d.text
	limit := min(c.End, n.End+farAfter+4)
	for k := n.End; k < limit; k++ {
		if isDigit(text[k]) || k > n.End && isCnNumeral(text[k]) && k+1 < len(text) && x.isUnitAt(text, k+1) {
			break
		}
		if text[k] == '、' {
			break // 刑事拘留87人、逮捕41人: the next item's measure
		}
		w, r, ok := x.rules.indicators.matchAt(text[:c.End], k)
		if !ok || !r.After {
			continue
		}
		e := k + len([]rune(w))
		if isModifier(text, e) && !(k == n.End && strong && !x.hasBefore(d, c, n)) {
			// 救出5名被困人员: 被困 describes; 4名受伤人员正在救治: it counts.
			k = e - 1
			continue
		}
		if r.Strong != strong || k-n.End > farAfter {
			continue
		}
		if d.hasVerb(n.End, k) {
			return hit{}, false // 3名刑警又前往南昌开展抓捕: another verb rules the number
		}
		for j := max(n.End, k-3); j < k; j++ {
			if strings.ContainsRune(string(negations), text[j]) && !isNegationIdiom(text, j) {
				return hit{}, false // 两名打人者还未抓获: not a count of arrests
			}
		}
		return hit{rule: r, start: k, end: e, after: true}, true
	}
	return hit{}, false
}

// hasBefore tells whether a strong measure stands before n in its clause.
func (x *Extractor) hasBefore(d *doc, c span, n number) bool {
	_, ok := x.before(d, c, n.Start, true)
	return ok
}

func (x *Extractor) isUnitAt(text []rune, i int) bool {
	_, _, ok := x.rules.units.matchAt(text, i)
	return ok
}

// isModifier tells an indicator word used to describe people: 被困人员, 伤者.
// 4人死亡的事故 still counts the dead, so 的 does not make a modifier.
func isModifier(text []rune, e int) bool {
	r := runeAt(text, e)
	return r == '者' || r == '员' || r == '人' && runeAt(text, e+1) == '员'
}

// before finds the nearest indicator word before offset p in clause c.
func (x *Extractor) before(d *doc, c span, p int, strong bool) (hit, bool) {
	for k := p; k > c.Start; k-- {
		w, r, ok := x.rules.indicators.matchEnd(d.text[c.Start:k], k-c.Start)
		if !ok || !r.Before || r.Strong != strong {
			continue
		}
		if !d.listContinues(k, p) {
			return hit{}, false
		}
		return hit{rule: r, start: k - len([]rune(w)), end: k}, true
	}
	return hit{}, false
}

// listContinues tells whether a measure ending at from still governs a number
// at p: yes when no other number stands between them, or when the numbers
// form a list (电警棍100支、电击枪27把; 子弹5万余发及大量枪支配件).
func (d *doc) listContinues(from, p int) bool {
	last := -1
	for _, m := range d.numbers {
		if m.Start >= from && m.End <= p && m.Skip == "" {
			last = m.End
		}
	}
	if last < 0 || last == p {
		return true // 搭建了5大类48种实战模型: nested counts
	}
	between := d.str(last, p)
	if !strings.ContainsAny(between, "、和及与,，") || d.hasVerb(last, p) {
		return false
	}
	for k := d.tokenAt(last); k >= 0 && k < len(d.tokens) && d.tokens[k].Start < p; k++ {
		if d.tokens[k].POS == "p" {
			return false // 15万元由阿玲、李某明等4人分占
		}
	}
	return true
}

// subjectOf finds what was counted. inherited is the subject of the fact
// before in the sentence (破案91起 after 盗抢骗案件立案131起).
func (x *Extractor) subjectOf(d *doc, c span, n number, h hit, ok bool, inherited string) string {
	if ok && h.after {
		// 163个必巡点: the measure is part of the noun after the number.
		if sj := x.afterNoun(d, c, n.End); sj != "" && h.start < n.End+len([]rune(sj)) {
			return sj
		}
		// 13名女工被毒烟熏死: between the number and the measure; else the
		// measure's own subject (6人死亡 -> 死亡人员), never the one before.
		if sj := x.cleanSubject(d.str(n.End, h.start), true); sj != "" {
			return sj
		}
		return h.rule.Subject
	}
	if sj := x.afterNoun(d, c, n.End); sj != "" {
		return sj // 163个必巡点, 8个中队13台消防车
	}
	for _, m := range d.numbers {
		if m.Start == n.End && m.Kind == "count" {
			if sj := x.afterNoun(d, c, m.End); sj != "" {
				return sj // 5大类48种实战模型: the inner count names the thing
			}
		}
	}
	if ok {
		// 抓获犯罪嫌疑人23名, 配备新式电警棍100支、电击枪27把.
		from := h.end
		for _, m := range d.numbers {
			if m.Start >= from && m.End <= n.Start {
				from = m.End
			}
		}
		if sj := x.cleanSubject(d.str(from, n.Start), false); sj != "" && (!d.hasVerb(from, n.Start) || isCaseName(sj) || d.endsWithNoun(n.Start) && len([]rune(sj)) <= 8) {
			return sj
		}
	}
	p := n.Start
	if ok {
		p = h.start
		if strings.HasSuffix(d.str(h.start, h.end), h.rule.Subject) {
			return h.rule.Subject // 为群众挽回经济损失2300余万元: the measure names its object
		}
	}
	if sj := x.beforeNoun(d, c, p); sj != "" {
		return sj // “盗抢骗”案件立案131起
	}
	if !ok {
		return "" // a bare count takes nothing from its neighbours
	}
	return inherited
}

// endsWithNoun tells whether the word just before p is a noun: 盘查可疑人员1500人
// and 劝阻潜在受害群众2.1万人次 name what they count, verbs and all.
func (d *doc) endsWithNoun(p int) bool {
	k := d.tokenAt(p - 1)
	return k >= 0 && d.tokens[k].End == p && nounPOS[d.tokens[k].POS] && d.tokens[k].End-d.tokens[k].Start > 1
}

// isCaseName tells a noun that names cases, reports or people by what they
// did, and keeps its verbs: 盗窃案件, 抢劫警情, 涉毒人员.
func isCaseName(s string) bool {
	for _, w := range []string{"案件", "案", "警情", "人员", "嫌疑人"} {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// cutWords end a subject read after a number: 女工被毒烟熏死 -> 女工.
var cutWords = []string{"被", "当场", "当即", "随即", "立即", "伤势", "均", "仍", "已", "在", "不同程度", "先后", "从", "经", "因", "全部", "相继", "陆续", "分批", "分别"}

// quoteStripper drops quotes and spaces from a subject: “盗抢骗”案件 -> 盗抢骗案件.
var quoteStripper = strings.NewReplacer("“", "", "”", "", "\"", "", "‘", "", "’", "", "「", "", "」", "", " ", "", "\u3000", "")

// cleanSubject trims a subject: quotes, quantifiers, function words.
func (x *Extractor) cleanSubject(s string, cut bool) string {
	s = quoteStripper.Replace(s)
	if cut {
		for _, w := range cutWords {
			if i := strings.Index(s, w); i >= 0 {
				s = s[:i]
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, w := range x.rules.trim {
			if strings.HasPrefix(s, w) && len(s) > len(w) || s == w {
				s = strings.TrimPrefix(s, w)
				changed = true
			}
		}
	}
	for _, w := range []string{"的", "共", "达", "为", "有", "了", "计", "约", "近", "各", "都", "均", "也", "全"} {
		if w == "为" && strings.HasSuffix(s, "行为") {
			continue // 交通违法行为
		}
		s = strings.TrimSuffix(s, w)
	}
	s = strings.Trim(s, "、")
	for _, w := range []string{"由", "被", "向", "从", "对", "将", "把", "给"} {
		if rest := []rune(strings.TrimPrefix(s, w)); w == "被" && len(rest) > 0 && strings.ContainsRune("困害盗骗抢拐", rest[0]) {
			continue // 被困人员, 被害人: the 被 is part of the noun
		}
		s = strings.TrimPrefix(s, w)
	}
	rs := []rune(s)
	if len(rs) > maxSubject || len(rs) < 2 || notSubject[s] {
		return ""
	}
	for _, r := range rs {
		if isDigit(r) || isClauseBreak(r) || !isHan(r) && r != '、' {
			return ""
		}
	}
	return s
}

// notSubject are function words the noun walk may pick up.
var notSubject = map[string]bool{"或者": true, "或是": true, "以上": true, "以下": true, "其中": true, "之后": true, "之前": true, "以后": true, "以前": true, "其余": true, "另外": true}

// nounPOS are the segmenter tags a subject's words may carry.
var nounPOS = map[string]bool{"n": true, "nz": true, "nt": true, "vn": true, "ng": true, "j": true, "an": true, "nr": true, "nrt": true, "b": true, "s": true}

// afterNoun reads the noun right after a number's unit: 163个必巡点.
func (x *Extractor) afterNoun(d *doc, c span, p int) string {
	end := p
	for end < c.End {
		k := d.tokenAt(end)
		if k < 0 {
			break
		}
		t := d.tokens[k]
		if t.Start < end && end == p {
			t.Start = end // 吨炸药 cut as one word: keep the noun part
		}
		if t.Start != end || !nounPOS[t.POS] || t.End-p > 8 {
			break
		}
		// A measure word stops the noun (17支代表队参加), unless the token is a
		// longer noun that contains it (必巡点).
		if w, r, ok := x.rules.indicators.matchAt(d.text[:t.End], t.Start); ok && r.After && len([]rune(w)) == t.End-t.Start && !isModifier(d.text, t.End) {
			break
		}
		end = t.End
	}
	return x.cleanSubject(d.str(p, end), false)
}

// beforeNoun walks back from p over the words of a noun phrase: “盗抢骗”案件,
// 掩饰隐瞒犯罪所得收益案和盗窃非机动车案 (case names keep their verbs).
func (x *Extractor) beforeNoun(d *doc, c span, p int) string {
	caseLike := false
	if p > c.Start && d.text[p-1] == '案' || strings.HasSuffix(d.str(c.Start, p), "案件") {
		caseLike = true
	}
	start := p
	for start > c.Start {
		k := d.tokenAt(start - 1)
		if k < 0 {
			break
		}
		t := d.tokens[k]
		if t.Start < c.Start {
			break
		}
		txt := d.str(t.Start, t.End)
		okTok := nounPOS[t.POS] && t.POS != "nt" || txt == "“" || txt == "”" || txt == "、" || t.POS == "c" && (txt == "和" || txt == "及" || txt == "与" || txt == "以及") || caseLike && (t.POS == "v" || t.POS == "vn" || t.POS == "a" || t.POS == "l" || t.POS == "i" || t.POS == "d" && t.End-t.Start > 1)
		if !okTok || p-t.Start > maxSubject {
			break
		}
		start = t.Start
	}
	if start > c.Start && (d.text[start-1] == '为' || d.text[start-1] == '帮') {
		return "" // 为群众挽回…: whom it was done for, not what was counted
	}
	s := d.str(start, p)
	for _, w := range cutWords {
		if i := strings.LastIndex(s, w); i >= 0 {
			s = s[i+len(w):]
		}
	}
	if !caseLike && len([]rune(s)) > 10 {
		return ""
	}
	for _, w := range []string{"和", "及", "与", "以及", "、"} {
		s = strings.TrimPrefix(s, w)
	}
	return x.cleanSubject(s, false)
}

// splitCoordination splits 掩饰隐瞒犯罪所得收益案和盗窃非机动车案 into its parts.
func splitCoordination(s string) []string {
	parts := strings.FieldsFunc(strings.NewReplacer("以及", "、", "和", "、", "及", "、", "与", "、").Replace(s), func(r rune) bool { return r == '、' })
	for _, p := range parts {
		if len([]rune(p)) < 2 {
			return []string{s}
		}
	}
	if len(parts) == 0 {
		return []string{s}
	}
	return parts
}

// newFact fills what every fact of n shares: value, evidence, period, place.
func (x *Extractor) newFact(d *doc, s span, n number, k int) article.Fact {
	sent := strings.TrimRight(d.str(s.Start, s.End), "\n")
	org := x.orgFor(d, s, n)
	return article.Fact{
		ID:     article.FactID(d.c.ID, n.Start, n.End, k),
		Value:  article.Num(n.Value),
		Unit:   n.Unit,
		Approx: n.Approx,
		Period: d.periodFor(n.Start),
		Region: d.scopedRegion(s, n, org),
		Org:    org,
		Evidence: article.Evidence{
			Sentence: sent, SentenceStart: s.Start,
			Start: n.Start, End: n.End, Text: d.str(n.Start, n.End),
		},
	}
}

// spanFact is a fact read from the words [start, end) rather than from one
// number: a compact toll (三死两伤), a sum of the people listed (两男一女), a
// zero said in words (无人员伤亡). k tells apart facts of one span; the
// category is read from categoryFrom (the subject, or "" to take the
// clause's or the article's).
func (x *Extractor) spanFact(d *doc, start, end, k int, indicator, subject, categoryFrom string, value float64, unit string) article.Fact {
	s := d.sentenceOf(start)
	return article.Fact{
		ID:        article.FactID(d.c.ID, start, end, k),
		Subject:   subject,
		Indicator: indicator,
		Category:  x.factCategory(d, s, number{Start: start, End: end, NumStart: start}, categoryFrom, true),
		Value:     article.Num(value),
		Unit:      unit,
		Period:    d.periodFor(start),
		Region:    d.places.at(start),
		Evidence: article.Evidence{
			Sentence: strings.TrimRight(d.str(s.Start, s.End), "\n"), SentenceStart: s.Start,
			Start: start, End: end, Text: d.str(start, end),
		},
	}
}

// anaphoricOrgs are words that refer back to a unit named earlier.
var anaphoricOrgs = []string{"该局", "本局", "该所", "该支队", "该大队", "警方", "公安机关"}

// orgFor is the police unit nearest to n in its sentence, or the unit an
// anaphor in the sentence (该局) points back to.
func (x *Extractor) orgFor(d *doc, s span, n number) string {
	best, dist := "", -1
	for _, o := range d.orgs {
		if o.Start < s.Start || o.End > s.End {
			continue
		}
		dd := n.Start - o.End
		if o.Start >= n.End {
			dd = o.Start - n.End
		}
		if dist < 0 || dd < dist {
			best, dist = o.Text, dd
		}
	}
	if best != "" {
		return best
	}
	sent := d.str(s.Start, n.Start)
	for _, a := range anaphoricOrgs {
		if strings.Contains(sent, a) {
			for _, o := range d.orgs {
				if o.End <= s.Start {
					best = o.Text
				}
			}
			return best
		}
	}
	return ""
}

// factCategory: the category the subject names, else the clause, else (for
// incident measures) the article's incident type.
func (x *Extractor) factCategory(d *doc, s span, n number, subject string, incident bool) string {
	if c := x.categoryIn([]rune(subject), 0, len([]rune(subject))); c != "" {
		return c
	}
	cl := clauseAround(d.text, s, n.NumStart)
	if c := x.categoryIn(d.text, cl.Start, cl.End); c != "" {
		return c
	}
	if incident {
		return d.incident
	}
	return ""
}

// hasVerb tells whether a verb stands in text[s:e] (刑警又前往南昌开展三名...):
// such a stretch is a clause, not a subject.
func (d *doc) hasVerb(s, e int) bool {
	for k := d.tokenAt(s); k >= 0 && k < len(d.tokens) && d.tokens[k].Start < e; k++ {
		t := d.tokens[k]
		// 有 and 是 do not count, nor words for people the segmenter tags as
		// verbs (警察/v).
		if t.POS == "v" && t.Start >= s && t.End <= e && t.End-t.Start > 1 && !isNegationIdiom(d.text, t.Start) && !strings.ContainsRune(personEnds, d.text[t.End-1]) {
			return true
		}
	}
	return false
}
