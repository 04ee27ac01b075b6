package extract

import "strings"

// What a clause says about the numbers in it, beyond its measure words.

// namesPart tells whether a noun stands right before n in a 其中 clause
// (其中酒驾1320起、醉驾406起), not a predicate after it (其中1人为婴儿).
func (x *Extractor) namesPart(d *doc, c span, n number) bool {
	from := c.Start
	if strings.HasPrefix(d.str(c.Start, c.End), "其中") {
		from += 2
	}
	for _, m := range d.numbers {
		if m.Start >= from && m.End <= n.Start {
			from = m.End
		}
	}
	for _, m := range d.places.mentions() {
		if m.Start >= from && m.End <= n.Start {
			return false // 其中四川32人: a breakdown by place, not a kind
		}
	}
	return x.cleanSubject(strings.TrimLeft(d.str(from, n.Start), "、和及与"), false) != ""
}

// rateLinks stand between a rate's name and its figure: 成功率达98.2%.
var rateLinks = []string{"达到", "保持", "为", "达", "是", "约"}

// rateBefore reads the name of a rate written before a percentage in its
// clause (调解成功率达98.2%), and where it starts; a rate of change
// (增长率) is no rate of its own.
func rateBefore(d *doc, c span, n number) (string, int) {
	before := d.str(c.Start, n.Start)
	for _, w := range rateLinks {
		before = strings.TrimSuffix(before, w)
	}
	if !strings.HasSuffix(before, "率") {
		return "", 0
	}
	rs := []rune(before)
	k := len(rs)
	for k > 0 && len(rs)-k < 6 && isHan(rs[k-1]) {
		k--
	}
	name := string(rs[k:])
	for _, w := range []string{"增长", "下降", "增幅", "降幅", "变化", "上升"} {
		if strings.Contains(name, w) {
			return "", 0
		}
	}
	if len([]rune(name)) < 2 {
		return "", 0
	}
	return name, c.Start + k
}

// hasRune tells whether any of rs occurs in text: a cheap test before a
// search that allocates.
func hasRune(text []rune, rs ...rune) bool {
	for _, r := range text {
		for _, want := range rs {
			if r == want {
				return true
			}
		}
	}
	return false
}

// negations that deny a whole clause: 未发生, 没有发生.
var clauseNegations = []string{"未发生", "没有发生", "未出现", "没有出现", "未造成"}

// negated tells a clause that states no event happened.
func negated(before string) bool {
	for _, w := range clauseNegations {
		if strings.Contains(before, w) {
			return true
		}
	}
	return false
}
