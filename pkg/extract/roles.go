package extract

import (
	"sort"
	"strings"

	"github.com/casewire/casewire/pkg/article"
)

// tollIndicators are the counts of an event's people that an analyst sums
// per report; their facts get roles by the toll rules below. Every other
// fact is a total unless it states the same figure again.
var tollIndicators = map[string]bool{
	"死亡": true, "受伤": true, "失踪": true, "被困": true, "中毒": true, "伤亡": true,
	"抓获": true, "刑事拘留": true, "逮捕": true, "拘留": true,
}

// severities are injuries of one degree: a part of the injured, and the
// injured themselves when the report gives no other count of them.
var severities = map[string]bool{"重伤": true, "轻伤": true, "轻微伤": true}

// assignRoles gives every fact of d its role, so that summing the total
// facts of an indicator gives the report's figure once:
//   - background (annual or national figures, history, earlier events) is
//     context;
//   - per indicator, the largest figure of the report's event is the total;
//     the same figure again is a repeat, smaller ones stated with it are its
//     parts, or superseded when the report says the toll rose;
//   - smaller figures before a largest one that says it adds to them
//     (另有3人受伤) are separate quantities, each a total;
//   - a title figure is a total only when the body has none larger.
func assignRoles(d *doc) {
	for i := range d.facts {
		f := &d.facts[i]
		f.Role, f.PartOf = article.RoleTotal, ""
		if severities[f.Indicator] {
			// 重伤 counts the injured, at one degree: 受伤 with its subject.
			if f.Subject == "" {
				f.Subject = f.Indicator + "人员"
			}
			f.Indicator = "受伤"
		}
	}
	var ev *event // read once, at the first toll
	groups := map[string][]int{}
	var order []string
	for i := range d.facts {
		f := &d.facts[i]
		if !tollIndicators[f.Indicator] {
			continue
		}
		if f.Value == nil || !countsPeople(f.Unit) {
			// A change alone is no count to add; nor 一起食物中毒事件, a count
			// of events under a measure of people.
			f.Role = article.RoleContext
			continue
		}
		if ev == nil {
			e := leadEvent(d)
			ev = &e
		}
		if isBackground(d, f, *ev) {
			f.Role = article.RoleContext
			continue
		}
		if _, ok := groups[f.Indicator]; !ok {
			order = append(order, f.Indicator)
		}
		groups[f.Indicator] = append(groups[f.Indicator], i)
	}
	for _, ind := range order {
		rolesOfToll(d, groups[ind])
	}
	markRepeats(d)
}

// rolesOfToll sets the roles of one indicator's facts (in text order, title
// first).
func rolesOfToll(d *doc, idx []int) {
	var nonzero, zeros []int
	for _, i := range idx {
		if d.facts[i].ValueOr(0) == 0 {
			zeros = append(zeros, i)
		} else {
			nonzero = append(nonzero, i)
		}
	}
	// An explicit zero counts only when nobody is counted: 无中方人员伤亡
	// beside a toll speaks of a group, not of the event.
	for k, i := range zeros {
		switch {
		case len(nonzero) > 0 || d.hedged[d.facts[i].Indicator]:
			// 尚未接到人员伤亡报告 beside 估计有人员伤亡: the report settles on no zero.
			d.facts[i].Role = article.RoleContext
		case k > 0:
			d.facts[i].Role = article.RoleRepeat
		}
	}
	if len(nonzero) == 0 {
		return
	}
	nonzero = dropCorrected(d, nonzero)
	// The total: the largest figure, first stated in the body; a title's
	// figure only when the body states none (a title misread must not
	// outweigh the body).
	top, body := -1, false
	for _, i := range nonzero {
		if !isTitleFact(d.facts[i]) {
			body = true
		}
	}
	for _, i := range nonzero {
		if body && isTitleFact(d.facts[i]) {
			continue
		}
		if v := d.facts[i].ValueOr(0); top < 0 || v > d.facts[top].ValueOr(0) {
			top = i
		}
	}
	if addsToTitle(d, nonzero) {
		return // 两人当场死亡…其中4人因抢救无效死亡 under a title of 6 dead
	}
	m := d.facts[top].ValueOr(0)
	topSent := d.facts[top].Evidence.SentenceStart
	seen := map[float64]bool{}
	var smaller []int
	sum := 0.0
	for _, i := range nonzero {
		f := &d.facts[i]
		switch v := f.ValueOr(0); {
		case i == top:
		case v == m || isTitleFact(*f):
			f.Role = article.RoleRepeat // a title rounds what the body tells
		case listItem(d, d.facts[top], *f):
			// 近50名儿童和3名老师…中毒: another item of a list, counted apart.
		case !isTitleFact(d.facts[top]) && f.Evidence.SentenceStart == topSent && f.Evidence.Start > d.facts[top].Evidence.Start:
			f.Role, f.PartOf = article.RolePart, d.facts[top].ID // 10人受伤，其中一人伤势严重
		default:
			smaller = append(smaller, i)
			if !seen[v] {
				seen[v] = true
				sum += v
			}
		}
	}
	update := false
	for _, i := range nonzero {
		if saysUpdate(d, d.facts[i]) {
			update = true
		}
	}
	if !update && addsTo(d, d.facts[top]) {
		// 两人在车内死亡，另外3人也当场死亡: figures that add up.
		counted := map[float64]bool{m: true}
		for _, i := range smaller {
			if v := d.facts[i].ValueOr(0); counted[v] {
				d.facts[i].Role = article.RoleRepeat
			} else {
				counted[v] = true
			}
		}
		return
	}
	for _, i := range smaller {
		f := &d.facts[i]
		if update {
			f.Role = article.RoleSuperseded
			continue
		}
		f.Role, f.PartOf = article.RolePart, d.facts[top].ID
	}
}

// additiveWords before a figure say it adds to those told before it:
// 另有3人受伤, 另外3人也当场死亡.
var additiveWords = []string{"另有", "另外", "另", "还有", "此外"}

// addsTo tells whether f's clause says it adds to the figures before it.
func addsTo(d *doc, f article.Fact) bool {
	if isTitleFact(f) {
		return false
	}
	c := clauseAround(d.text, d.sentenceOf(f.Evidence.Start), f.Evidence.Start)
	return containsAny(d.str(c.Start, f.Evidence.Start), additiveWords)
}

// updateWords say a toll was revised: 死亡人数升至12人.
var updateWords = []string{"升至", "增至", "上升至", "上升到", "增加到", "增加至", "攀升至", "升到", "增到", "已增加"}

// saysUpdate tells whether the clause of f says its figure is an update.
func saysUpdate(d *doc, f article.Fact) bool {
	if isTitleFact(f) {
		return containsAny(f.Evidence.Sentence, updateWords)
	}
	c := clauseAround(d.text, span{f.Evidence.SentenceStart, f.Evidence.SentenceStart + len([]rune(f.Evidence.Sentence))}, f.Evidence.Start)
	return containsAny(d.str(c.Start, f.Evidence.Start), updateWords)
}

// markRepeats makes a repeat of every other total that states the same
// figure of the same thing again (a lead and a conclusion).
func markRepeats(d *doc) {
	type key struct {
		ind, subj, unit, period string
		v                       float64
	}
	first := map[key]bool{}
	order := make([]int, len(d.facts))
	for i := range order {
		order[i] = i
	}
	// Title facts are read first: they are what the body repeats.
	sort.SliceStable(order, func(a, b int) bool {
		return isTitleFact(d.facts[order[a]]) && !isTitleFact(d.facts[order[b]])
	})
	for _, i := range order {
		f := &d.facts[i]
		if f.Role != article.RoleTotal || f.Value == nil || f.Change != nil || tollIndicators[f.Indicator] {
			continue
		}
		k := key{f.Indicator, f.Subject, f.Unit, f.Period.Text, *f.Value}
		if first[k] {
			f.Role = article.RoleRepeat
		}
		first[k] = true
	}
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// uniqueFacts drops a fact whose id an earlier one has: two readings of one
// span (a toll form over a number already read) must not both be stored.
func uniqueFacts(fs []article.Fact) []article.Fact {
	seen := make(map[string]bool, len(fs))
	out := fs[:0]
	for _, f := range fs {
		if !seen[f.ID] {
			seen[f.ID] = true
			out = append(out, f)
		}
	}
	return out
}

// countsPeople tells the units of a count of people.
func countsPeople(unit string) bool {
	switch unit {
	case "人", "名", "位", "人次", "":
		return true
	}
	return false
}

// contrastWords open a clause that corrects the figure before it:
// 知情人士透露中毒人数约700人，但街道办统计的中毒人数为308人.
var contrastWords = []string{"但", "但是", "不过", "然而", "而"}

// dropCorrected marks superseded a figure that a later clause of its
// sentence corrects with 但, and returns the figures left.
func dropCorrected(d *doc, idx []int) []int {
	var out []int
	for k, i := range idx {
		f := &d.facts[i]
		corrected := false
		for _, j := range idx[k+1:] {
			g := d.facts[j]
			if isTitleFact(*f) || isTitleFact(g) || g.Evidence.SentenceStart != f.Evidence.SentenceStart {
				continue
			}
			c := clauseAround(d.text, d.sentenceOf(g.Evidence.Start), g.Evidence.Start)
			if c.Start > f.Evidence.End && startsWithAny(d.str(c.Start, g.Evidence.Start), contrastWords) {
				corrected = true
			}
		}
		if corrected {
			f.Role = article.RoleSuperseded
			continue
		}
		out = append(out, i)
	}
	return out
}

func startsWithAny(s string, words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// addsToTitle tells figures of the body that add up exactly to a larger
// figure in the title: they are each a total (two died at the scene, four
// in hospital, under a title of 6 dead), and the title repeats their sum.
func addsToTitle(d *doc, idx []int) bool {
	title, sum, body := -1, 0.0, 0
	for _, i := range idx {
		if isTitleFact(d.facts[i]) {
			title = i
			continue
		}
		sum += d.facts[i].ValueOr(0)
		body++
	}
	if title < 0 || body < 2 || sum != d.facts[title].ValueOr(0) {
		return false
	}
	for _, i := range idx {
		d.facts[i].Role, d.facts[i].PartOf = article.RoleTotal, ""
	}
	d.facts[title].Role = article.RoleRepeat
	return true
}

// listItem tells a figure that follows another as the next item of a list
// in the same clause: 50名儿童和3名老师.
func listItem(d *doc, prev, f article.Fact) bool {
	if isTitleFact(prev) || isTitleFact(f) || f.Evidence.Start < prev.Evidence.End {
		return false
	}
	between := d.str(prev.Evidence.End, f.Evidence.Start)
	return len([]rune(between)) <= 6 && !strings.ContainsAny(between, "，,；;：:。") && endsWithAny(between, listJoins)
}
