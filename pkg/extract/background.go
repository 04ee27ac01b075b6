package extract

import (
	"strings"

	"github.com/casewire/casewire/pkg/article"
)

// backgroundWords mark a sentence about figures other than the report's
// event: yearly or historical counts, earlier events.
var backgroundWords = []string{
	"每年", "年均", "平均每年", "历史上", "有史以来", "去年", "前年", "曾经", "此前发生", "上一次", "上次",
	"近年来", "多年来", "近几年", "以往", "往年", "迄今最", "最严重的一次", "最为严重的一次",
}

// event is the report's own event as its lead sentence states it.
type event struct {
	day   int // the day of the month the lead gives for it, 0 when none
	month int // its month, 0 when the lead gives none
	// months a sentence may name for the event when the lead names none: the
	// month of publication and the one before.
	pubMonth, prevMonth int
}

// eventVerbs introduce an event in a sentence: 10日晚发生6.2级地震.
var eventVerbs = []string{"发生", "遭到", "遭遇", "遭", "相撞", "爆炸", "起火", "坠", "侧翻", "翻车", "袭击"}

// leadEvent reads the day and month of the first sentence that tells an
// event.
func leadEvent(d *doc) event {
	var ev event
	pubDay := 0
	if p := d.c.Published; len(p) >= 10 {
		if m := atoiRunes([]rune(p[5:7])); m >= 1 && m <= 12 {
			ev.pubMonth, ev.prevMonth = m, (m+10)%12+1
			pubDay = atoiRunes([]rune(p[8:10]))
		}
	}
	for _, s := range d.sentences {
		if day, ok := eventDay(d, s); ok {
			ev.day, ev.month = day, eventMonth(d, s)
			if ev.month == 0 && pubDay > 0 {
				// 14日 in a report published on the 16th is this month's.
				ev.month = ev.pubMonth
				if day > pubDay {
					ev.month = ev.prevMonth
				}
			}
			return ev
		}
	}
	return ev
}

// otherMonth tells a sentence whose event verb follows a month other than
// the lead event's: 今年２月，…发生客车与卡车相撞事故 in a report of an accident
// in May.
func (ev event) otherMonth(m int) bool {
	switch {
	case m == 0 || ev.day == 0:
		// Only a report of an event on a day has one event to tell others
		// from: a bulletin's months are its periods.
		return false
	case ev.month != 0:
		return m != ev.month
	case ev.pubMonth != 0:
		return m != ev.pubMonth && m != ev.prevMonth
	}
	return false
}

// eventMonth is the month (N月) written before the sentence's first event
// verb, 0 when none.
func eventMonth(d *doc, s span) int {
	return monthBefore(d.text[s.Start:s.End], firstEventVerb(d.text[s.Start:s.End]))
}

// monthBefore is the month (N月) written nearest before sent[at], 0 when
// none or when it ends a period (1-5月).
func monthBefore(sent []rune, at int) int {
	for i := at - 1; i > 0; i-- {
		if sent[i] == '月' && isDigit(sent[i-1]) {
			k := i - 1
			for k > 0 && i-k < 2 && isDigit(sent[k-1]) {
				k--
			}
			if k > 0 && strings.ContainsRune("-—~至到", sent[k-1]) {
				return 0 // 1-5月: a period, not an event's month
			}
			return atoiRunes(sent[k:i])
		}
	}
	return 0
}

// firstEventVerb is where the sentence's first event verb stands, -1 when
// it has none.
func firstEventVerb(sent []rune) int {
	for i := range sent {
		for _, v := range eventVerbs {
			if hasRunesAt(sent, i, v) {
				return i
			}
		}
	}
	return -1
}

// atoiRunes reads half- or full-width digits; 0 when there are none.
func atoiRunes(rs []rune) int {
	n := 0
	for _, r := range rs {
		if !isDigit(r) {
			return 0
		}
		n = n*10 + digitValue(r)
	}
	return n
}

// eventDay is the day (N日) written nearest before the sentence's first
// event verb.
func eventDay(d *doc, s span) (int, bool) {
	sent := d.text[s.Start:s.End]
	at := -1
	for i := range sent {
		for _, v := range eventVerbs {
			if hasRunesAt(sent, i, v) {
				at = i
				break
			}
		}
		if at >= 0 {
			break
		}
	}
	if at < 0 {
		return 0, false
	}
	for i := at - 1; i > 0; i-- {
		if sent[i] != '日' || !isDigit(sent[i-1]) {
			continue
		}
		day, mul := 0, 1
		for j := i - 1; j >= 0 && isDigit(sent[j]) && mul <= 10; j-- {
			day += digitValue(sent[j]) * mul
			mul *= 10
		}
		return day, true
	}
	return 0, false
}

// isBackground tells a toll that is not the report's event's: a yearly or
// historical figure (加纳每年约有1800人死于道路交通事故, 自1947年以来), or the
// toll of an event on another day (本月1日，智利北部地区发生8.2级地震，造成6人死亡
// in a report of the 10th's aftershock).
func isBackground(d *doc, f *article.Fact, ev event) bool {
	// Only words before the number: 较去年同期 after a count compares it.
	before := f.Evidence.Sentence
	if !isTitleFact(*f) {
		before = d.str(f.Evidence.SentenceStart, f.Evidence.Start)
	}
	if containsAny(before, backgroundWords) || sinceYear(before) {
		return true
	}
	if isTitleFact(*f) {
		return false
	}
	s := d.sentenceOf(f.Evidence.Start)
	if day, ok := eventDay(d, s); ok && ev.day != 0 && day != ev.day {
		return true
	}
	return ev.otherMonth(monthBefore(d.text[s.Start:f.Evidence.Start], f.Evidence.Start-s.Start))
}

// sinceYear finds 自1947年以来 and 自1947年印度独立以来: a count over years
// of history (a four-digit year, then 以来).
func sinceYear(s string) bool {
	i := strings.Index(s, "以来")
	if i < 0 {
		return false
	}
	rs := []rune(s[:i])
	for k := 0; k+4 < len(rs); k++ {
		if rs[k+4] == '年' && isDigit(rs[k]) && isDigit(rs[k+1]) && isDigit(rs[k+2]) && isDigit(rs[k+3]) && (k == 0 || !isDigit(rs[k-1])) {
			return true
		}
	}
	return false
}

// hasRunesAt tells whether w is written at text[i:].
func hasRunesAt(text []rune, i int, w string) bool {
	for _, r := range w {
		if i >= len(text) || text[i] != r {
			return false
		}
		i++
	}
	return true
}
