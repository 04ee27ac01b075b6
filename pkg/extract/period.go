package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casewire/casewire/pkg/article"
)

// periodMention is a time expression in the body and what it resolves to.
type periodMention struct {
	Start, End int // rune offsets
	Period     article.Period
	// News is set when the expression dates the report (11月8日，记者…获悉):
	// it then dates no figure outside Clause.
	News   bool
	Clause span
}

// Time expressions, longest alternatives first. D is a digit of either width;
// Chinese month numerals (六月中下旬) are read too.
// It is anchored and tried only where a time expression can start: run over
// a whole body, an unanchored pattern costs more than the segmenter.
var periodRE = regexp.MustCompile(strings.NewReplacer("D", `[0-9０-９]`, "C", `[一二三四五六七八九十]`).Replace(
	`^(?:自(?:今年|去年|D{4}年)[^，。,;；\n]{0,12}?以来` +
		`|截至(?:今年|去年|本年|D{4}年|年)?(?:(?:D{1,2}|C{1,2})月)?(?:底|末)` +
		`|截至(?:今年|去年|本年|D{4}年)?D{1,2}月D{1,2}日` +
		`|(?:今年|去年|前年|本年|D{4}年)?(?:D{1,2}|C{1,2})(?:月份?)?(?:至|到|-|—|－|~|～)(?:D{1,2}|C{1,2})月份?(?:底|末|中旬|上旬|下旬)?` +
		`|(?:今年|去年|前年|本年|D{4}年)?前(?:D{1,2}|C{1,3}|两)个月` +
		`|(?:今年|去年|本年|D{4}年)?(?:D{1,2}月)?D{1,2}日(?:至|到|-|—|－)(?:D{1,2}月)?D{1,2}日` +
		`|(?:今年|去年|本年|D{4}年)?(?:D{1,2}月)?D{1,2}(?:日|号)(?:凌晨|早上|早晨|清晨|上午|中午|下午|傍晚|晚上|晚间|夜间|深夜|晚|夜|早)?` +
		`|(?:今年|去年|前年|本年|D{4}年)?(?:D{1,2}|C{1,2})月份?(?:上中旬|中下旬|上旬|中旬|下旬|初|底|末)?` +
		`|(?:今年|去年|前年|D{4}年)(?:以来|上半年|下半年|前三季度|第一季度|一季度|第二季度|二季度|第三季度|三季度|第四季度|四季度)?` +
		`|(?:上半年|下半年|前三季度|第?[一二三四]季度)` +
		`|现有` +
		`|(?:昨天|昨日|今天|今日|前天|当天|当日|次日|今晨|昨晨|昨晚|今晚|昨夜|当晚)(?:凌晨|早上|早晨|清晨|上午|中午|下午|傍晚|晚上|晚|夜)?` +
		`|截至目前|近日|日前)`))

// periodSecond maps the first character of a worded time expression to the
// characters that may follow it; digits start the others.
var periodSecond = map[rune]string{
	'自': "今去0123456789０１２３４５６７８９", '今': "年天日晨晚", '去': "年", '前': "年天三0123456789０１２３４５６７８９一二四五六七八九十两", '本': "年",
	'上': "半", '下': "半", '昨': "天日晚晨夜", '当': "天日晚", '次': "日", '截': "至", '近': "日", '日': "前",
	'第': "一二三四", '现': "有",
}

// mayStartPeriod is a cheap test run before the regular expression: most
// characters cannot start a time expression.
func mayStartPeriod(text []rune, i int) bool {
	r := text[i]
	if isDigit(r) {
		return true
	}
	if _, ok := cnDigits[r]; ok || r == '十' {
		// 六月, 十二月, 一至六月: a month within five characters; 一季度.
		for k := i + 1; k < len(text) && k <= i+5; k++ {
			if text[k] == '月' || text[k] == '季' && k == i+1 {
				return true
			}
		}
		return false
	}
	next, ok := periodSecond[r]
	return ok && i+1 < len(text) && strings.ContainsRune(next, text[i+1])
}

// maxPeriodRunes bounds a time expression's length, and so each match attempt.
const maxPeriodRunes = 24

var (
	yearOnlyRE   = regexp.MustCompile(`^[0-9０-９]{4}年$`)
	yearPrefixRE = regexp.MustCompile(`^([0-9０-９]{4})年|^(今年|去年|前年|本年)`)
	rangeSepRE   = regexp.MustCompile(`至|到|-|—|－|~|～`)
)

var periodPartRE = regexp.MustCompile(`([0-9０-９]{4}年|今年|去年|前年|本年)?(?:([0-9０-９]{1,2}|[一二三四五六七八九十]{1,2})月)?(?:([0-9０-９]{1,2})[日号])?`)

// findPeriods lists the time expressions of a body, resolved against the
// published date where the text leaves the year or day to it.
func findPeriods(text []rune, published string) []periodMention {
	pub, hasPub := parsePublished(published)
	var out []periodMention
	var last time.Time // last resolved day, for 当天/次日
	for i := 0; i < len(text); i++ {
		if !mayStartPeriod(text, i) {
			continue
		}
		if i > 0 && (isDigit(text[i-1]) || isASCIILetter(text[i-1])) {
			continue // inside a number or a code: 皖A10840号 is a plate, not the 40th
		}
		window := string(text[i:min(len(text), i+maxPeriodRunes)])
		m := periodRE.FindStringIndex(window)
		if m == nil {
			continue
		}
		s := window[:m[1]]
		n := utf8.RuneCountInString(s)
		if isComparisonBasis(text, i, i+n, s) {
			i += n - 1
			continue // 较去年同期: what a change compares with, not when a figure holds
		}
		pm := periodMention{Start: i, End: i + n, Period: article.Period{Text: s}}
		resolvePeriod(&pm.Period, s, pub, hasPub, &last)
		out = append(out, pm)
		i += n - 1
	}
	return out
}

// isComparisonBasis tells a bare year that names the basis of a comparison
// (较去年同期提高4.3个百分点, 比去年增加): it dates no figure.
func isComparisonBasis(text []rune, start, end int, s string) bool {
	if s != "去年" && s != "前年" && s != "上年" && !yearOnlyRE.MatchString(s) {
		return false // 较2022年同期 too
	}
	prev := runeAt(text, start-1)
	return prev == '较' || prev == '比' || prev == '与' || prev == '同' || string(text[end:min(len(text), end+2)]) == "同期"
}

// periodAnchor is the date relative time expressions (今年, 昨天, 今年以来)
// are read against.
func periodAnchor(c article.Clean) string { return anchorDate(c) }

func parsePublished(p string) (time.Time, bool) {
	if len(p) < 10 {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", p[:10])
	return t, err == nil
}

const day = "2006-01-02"

// relativeDays are words for a day counted from the published date.
var relativeDays = map[string]int{"昨天": -1, "昨日": -1, "昨晚": -1, "昨晨": -1, "昨夜": -1, "今天": 0, "今日": 0, "今晨": 0, "今晚": 0, "前天": -2}

// resolvePeriod fills Start and End when the text and the published date fix
// them, and leaves them empty otherwise.
func resolvePeriod(p *article.Period, s string, pub time.Time, hasPub bool, last *time.Time) {
	set := func(a, b time.Time) {
		p.Start, p.End = a.Format(day), b.Format(day)
		*last = b
	}
	setDay := func(t time.Time) { set(t, t) }
	switch {
	case s == "截至目前":
		if hasPub {
			p.End = pub.Format(day)
		}
		return
	case strings.HasPrefix(s, "截至"):
		// 截至去年底, 截至6月30日: a stock at one day.
		if t, ok := pointDay(strings.TrimPrefix(s, "截至"), pub, hasPub); ok {
			setDay(t)
		}
		return
	case s == "现有":
		if hasPub {
			setDay(pub) // 现有吸毒人员: a stock on the day of the report
		}
		return
	case s == "近日" || s == "日前":
		return
	case strings.HasPrefix(s, "自"):
		// 自今年侦查中心成立以来: runs to publication from a start the text does not date.
		if hasPub {
			p.End = pub.Format(day)
		}
		return
	}
	for w, off := range relativeDays {
		if strings.HasPrefix(s, w) {
			if hasPub {
				setDay(pub.AddDate(0, 0, off))
			}
			return
		}
	}
	for _, w := range []string{"当天", "当日", "当晚"} {
		if strings.HasPrefix(s, w) {
			if !last.IsZero() {
				setDay(*last)
			}
			return
		}
	}
	if strings.HasPrefix(s, "次日") {
		if !last.IsZero() {
			setDay(last.AddDate(0, 0, 1))
		}
		return
	}
	// Year: explicit, relative, or inferred from the published date.
	year, yearText := yearPrefix(s, pub, hasPub)
	rest := strings.TrimPrefix(s, yearText)
	thisYear := year
	if thisYear == 0 && hasPub && yearText == "" {
		thisYear = pub.Year() // 上半年, 前8个月, 一季度 alone: this year
	}
	if m := firstMonthsRE.FindStringSubmatch(rest); m != nil {
		// 前8个月: January to the end of the eighth month.
		if n := monthNumber(m[1]); thisYear != 0 && n >= 1 && n <= 12 {
			set(date(thisYear, 1, 1), date(thisYear, n+1, 1).AddDate(0, 0, -1))
		}
		return
	}
	if rest == "" || rest == "以来" || strings.Contains(rest, "季度") || strings.Contains(rest, "半年") {
		year = thisYear
		if year == 0 {
			return
		}
		a, b := date(year, 1, 1), date(year, 12, 31)
		switch {
		case rest == "以来" || rest == "" && (yearText == "今年" || yearText == "本年"):
			// 今年以来, and 今年 alone in a report: this year up to the report.
			if hasPub && pub.Year() == year {
				b = pub
			} else {
				p.Start = a.Format(day)
				return
			}
		case strings.Contains(rest, "上半年"):
			b = date(year, 6, 30)
		case strings.Contains(rest, "下半年"):
			a = date(year, 7, 1)
		case strings.Contains(rest, "前三季度"):
			b = date(year, 9, 30)
		case strings.Contains(rest, "一季度"):
			b = date(year, 3, 31)
		case strings.Contains(rest, "二季度"):
			a, b = date(year, 4, 1), date(year, 6, 30)
		case strings.Contains(rest, "三季度"):
			a, b = date(year, 7, 1), date(year, 9, 30)
		case strings.Contains(rest, "四季度"):
			a = date(year, 10, 1)
		}
		set(a, b)
		return
	}
	// Split a range at its connector; each side is month and/or day.
	parts := rangeSepRE.Split(rest, 2)
	if len(parts) == 2 && !strings.ContainsAny(parts[0], "月日号") {
		parts[0] += "月" // 1—7月, 一至六月: the first month shares the second's 月
	}
	m1, d1 := monthDay(parts[0])
	m2, d2 := m1, d1
	if len(parts) == 2 {
		m2, d2 = monthDay(parts[1])
		if m2 == 0 {
			m2 = m1
		}
	}
	if m1 == 0 && d1 == 0 {
		return
	}
	if m1 == 0 { // 11日晚: the month of publication, or the one before
		if !hasPub {
			return
		}
		m1, m2 = int(pub.Month()), int(pub.Month())
		if d1 > pub.Day() {
			m1, m2 = m1-1, m2-1
		}
	}
	if year == 0 {
		if !hasPub {
			return
		}
		year = pub.Year()
		if date(year, m1, max(d1, 1)).After(pub) {
			year-- // a date after publication is last year's
		}
	}
	if m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12 || d1 > 31 || d2 > 31 {
		return
	}
	a := date(year, m1, max(d1, 1))
	var b time.Time
	if d2 == 0 {
		b = date(year, m2+1, 1).AddDate(0, 0, -1) // end of month
		switch {
		case strings.HasSuffix(rest, "上旬"):
			b = date(year, m2, 10)
		case strings.HasSuffix(rest, "中旬") && !strings.HasSuffix(rest, "中下旬"):
			a, b = date(year, m1, 11), date(year, m2, 20)
		case strings.HasSuffix(rest, "中下旬"):
			a = date(year, m1, 11)
		case strings.HasSuffix(rest, "下旬"):
			a = date(year, m1, 21)
		}
	} else {
		b = date(year, m2, d2)
	}
	if b.Before(a) {
		return
	}
	set(a, b)
}

var firstMonthsRE = regexp.MustCompile(`^前([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}|两)个月$`)

// monthNumber reads a month count in digits or numerals: 8, 十二.
func monthNumber(s string) int {
	if v := atoiWide(s); v != 0 {
		return v
	}
	v, _ := parseChinese([]rune(s))
	return int(v)
}

// yearPrefix reads the year s starts with: 2023年, or 今年/本年/去年/前年
// counted from the published date (year 0 when there is none). yearText is
// the prefix as written, empty when s names no year.
func yearPrefix(s string, pub time.Time, hasPub bool) (year int, yearText string) {
	m := yearPrefixRE.FindStringSubmatch(s)
	if m == nil {
		return 0, ""
	}
	switch {
	case m[1] != "":
		year = atoiWide(m[1])
	case hasPub:
		year = pub.Year() - map[string]int{"今年": 0, "本年": 0, "去年": 1, "前年": 2}[m[2]]
	}
	return year, m[0]
}

// pointDay resolves the day of a stock: 去年底, 6月底, 2022年末, 6月30日.
func pointDay(s string, pub time.Time, hasPub bool) (time.Time, bool) {
	year, yearText := yearPrefix(s, pub, hasPub)
	rest := strings.TrimPrefix(strings.TrimPrefix(s, yearText), "年")
	if year == 0 {
		if !hasPub {
			return time.Time{}, false
		}
		year = pub.Year()
	}
	if rest == "底" || rest == "末" {
		return date(year, 12, 31), true
	}
	m, d := monthDay(rest)
	if m < 1 || m > 12 || d > 31 {
		return time.Time{}, false
	}
	t := date(year, m+1, 1).AddDate(0, 0, -1)
	if d > 0 {
		t = date(year, m, d)
	}
	if yearText == "" && hasPub && t.After(pub) && t.Year() == pub.Year() && t.Sub(pub) > 31*24*time.Hour {
		t = t.AddDate(-1, 0, 0) // 截至12月底 read in March: last December
	}
	return t, true
}

func monthDay(s string) (int, int) {
	m := periodPartRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0
	}
	mo, d := 0, 0
	if m[2] != "" {
		mo = atoiWide(m[2])
		if mo == 0 {
			v, _ := parseChinese([]rune(m[2]))
			mo = int(v)
		}
	}
	if m[3] != "" {
		d = atoiWide(m[3])
	}
	return mo, d
}

func atoiWide(s string) int {
	var b strings.Builder
	for _, r := range s {
		if isDigit(r) {
			b.WriteByte(byte('0' + digitValue(r)))
		}
	}
	v, _ := strconv.Atoi(b.String())
	return v
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// clauseOfPeriod is the clause a time expression belongs to: its own, or,
// when it stands alone before a comma (11月8日，记者…获悉), the next one too.
func (d *doc) clauseOfPeriod(pm *periodMention) span {
	s := d.sentenceOf(pm.Start)
	c := clauseAround(d.text, s, pm.Start)
	if strings.TrimSpace(d.str(pm.End, c.End)) == "" && c.End < s.End {
		c.End = clauseAround(d.text, s, c.End+1).End
	}
	return c
}

// markNews sets News on the time expressions that date the report.
func (d *doc) markNews() {
	for k := range d.periods {
		pm := &d.periods[k]
		if r := runeAt(d.text, pm.End); r == '讯' || r == '电' {
			// 本报北京1月9日讯, 新华社北京6日电: the dateline's day.
			pm.News, pm.Clause = true, span{pm.Start, pm.End}
			continue
		}
		pm.Clause = d.clauseOfPeriod(pm)
		pm.News = reportsNews(d.str(pm.Clause.Start, pm.Clause.End))
	}
}

// reportingVerbs say when and from whom the news came.
var reportingVerbs = []string{"获悉", "了解到", "发布会", "通报会"}

// reportsNews tells a clause that dates the report rather than a statistic.
func reportsNews(clause string) bool {
	for _, w := range reportingVerbs {
		if strings.Contains(clause, w) {
			return true
		}
	}
	return false
}

// periodFor picks the period of a fact at rune offset i: the nearest time
// expression before it in its sentence, else earlier in its paragraph.
func (d *doc) periodFor(i int) article.Period {
	s := d.sentenceOf(i)
	p := d.paragraphOf(i)
	var best *periodMention
	for k := range d.periods {
		pm := &d.periods[k]
		if pm.End > i || pm.Start < p.Start {
			continue
		}
		if pm.News && (i < pm.Clause.Start || i >= pm.Clause.End) {
			continue // 11月8日，记者从市公安局获悉: the day of the news, not of its figures
		}
		best = pm
	}
	if best == nil {
		return article.Period{}
	}
	if best.Start < s.Start && (best.Period.Text == "近日" || best.Period.Text == "日前") {
		return article.Period{}
	}
	return best.Period
}
