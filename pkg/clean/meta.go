package clean

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// dateRe finds a date with an optional time in the forms Chinese news uses:
// 2008年04月05日 09:12, 2011-11-9 14:16:52, 2009/05/22, 2014年4月11日07:00.
var dateRe = regexp.MustCompile(`(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?(?:\s*(?:星期|周)[一二三四五六日天])?(?:[\sT]*(\d{1,2})\s*[:：时点]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?`)

// urlDateRe finds the date news sites put in article paths: /20120612/.
var urlDateRe = regexp.MustCompile(`/(20\d{2}|19\d{2})[-/]?(\d{2})[-/]?(\d{2})/`)

// parseDate returns the first valid date in s as YYYY-MM-DD or, with a time,
// YYYY-MM-DDTHH:MM:SS.
func parseDate(s string) string {
	for _, m := range dateRe.FindAllStringSubmatch(s, 4) {
		if d := formatDate(m[1], m[2], m[3], m[4], m[5], m[6]); d != "" {
			return d
		}
	}
	return ""
}

func urlDate(u string) string {
	if m := urlDateRe.FindStringSubmatch(u); m != nil {
		return formatDate(m[1], m[2], m[3], "", "", "")
	}
	return ""
}

func formatDate(y, mo, d, h, mi, s string) string {
	yi, _ := strconv.Atoi(y)
	moi, _ := strconv.Atoi(mo)
	di, _ := strconv.Atoi(d)
	if yi < 1900 || yi > 2100 || moi < 1 || moi > 12 || di < 1 || di > daysIn(yi, moi) {
		return ""
	}
	date := fmt.Sprintf("%04d-%02d-%02d", yi, moi, di)
	if h == "" || mi == "" {
		return date
	}
	hi, _ := strconv.Atoi(h)
	mii, _ := strconv.Atoi(mi)
	si, _ := strconv.Atoi(s) // empty seconds read as 0
	if hi > 23 || mii > 59 || si > 59 {
		return date
	}
	return fmt.Sprintf("%sT%02d:%02d:%02d", date, hi, mii, si)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// reportLabels are the words a report-time line carries beside the date.
var reportLabels = regexp.MustCompile(`发布时间|更新时间|时间|来源|日期|作者|责任编辑|编辑|责编|星期[一二三四五六日天]|左右|[\s:：|｜/]`)

// reportLine: a short line that is a report time, possibly with the outlet's
// name ("嘉兴在线新闻网 2013年07月13日 13:41:01", "... 来源： 宁夏日报").
func reportLine(s string) bool {
	if utf8.RuneCountInString(s) > 60 {
		return false
	}
	loc := dateRe.FindStringIndex(s)
	if loc == nil || parseDate(s[loc[0]:loc[1]]) == "" {
		return false
	}
	if utf8.RuneCountInString(s[:loc[0]]) > 20 {
		return false
	}
	rest := reportLabels.ReplaceAllString(s[:loc[0]]+" "+s[loc[1]:], "")
	return utf8.RuneCountInString(rest) <= 16 && !strings.ContainsAny(rest, "，。；！？,;")
}

// reportOutlet is the outlet a report line names: after "来源", else before
// the date.
func reportOutlet(s string) string {
	if strings.Contains(s, "来源") {
		return sourceOf(s)
	}
	loc := dateRe.FindStringIndex(s)
	if loc == nil || strings.Contains(s[:loc[0]], "作者") || strings.Contains(s[:loc[0]], "编辑") {
		return "" // a name before the date is a person's, not the outlet's
	}
	pre := strings.TrimSpace(reportLabels.ReplaceAllString(s[:loc[0]], " "))
	if f := strings.Fields(pre); len(f) > 0 {
		return f[0]
	}
	// After the date only an outlet's name is taken ("2023-08-15 兴安日报"):
	// other words there may be anything.
	post := strings.TrimSpace(reportLabels.ReplaceAllString(s[loc[1]:], " "))
	if f := strings.Fields(post); len(f) > 0 && wholeOutlet(f[0]) {
		return f[0]
	}
	return ""
}

// Bylines.
var (
	// "(张学俭)", "（包俊）", "（记者 张三 通讯员 李四）" closing a paragraph.
	trailingByline = regexp.MustCompile(`[（(]\s*((?:(?:本报)?(?:记者|通讯员|实习生|特约记者|见习记者|摄影|文/图|文)\s*)?[\p{Han}·]{2,4}(?:[\s、，,/]+(?:(?:记者|通讯员|实习生|摄影)\s*)?[\p{Han}·]{2,4}){0,5})\s*[)）]$`)
	// "（记者汤一亮　庄胜春）" right after a dateline.
	leadingBracketByline = regexp.MustCompile(`^[（(]\s*((?:本报|特约|见习)?(?:记者|通讯员|实习生)[^）)]{1,40})[)）][\s:：，,]*`)
	roleWord             = regexp.MustCompile(`(记者|通讯员|实习生|摄影)\s*`)
	// "作者：张江元 李楠" in a source note.
	authorNote = regexp.MustCompile(`作者[:：]\s*([\p{Han}·]{2,4}(?:\s+[\p{Han}·]{2,4}){0,4})`)
	// Editorial trailers of web pages: not article text.
	editorTrailer = regexp.MustCompile(`(?:责任编辑|编辑|责编)[:：]\s*[\p{Han}A-Za-z0-9_]{1,12}|[（(]?\s*(?:本文)?来源[:：][^（()）]{0,60}[)）]?`)
)

// terminalBefore: text before a trailing byline must end a sentence, so that
// "嫌疑人（张某）" inside a sentence is not taken for an author.
func terminalBefore(s string) bool {
	s = strings.TrimRight(s, " ")
	if s == "" {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("。！？!?…”’」』）)", r)
}

// tidyByline spaces names as printed: "记者汤一亮　庄胜春" -> "记者 汤一亮 庄胜春".
func tidyByline(s string) string {
	s = roleWord.ReplaceAllString(s, "$1 ")
	s = strings.NewReplacer("、", " ", "，", " ", ",", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// leadingByline reads "记者刘凡 周昌和 任笑一 " opening a paragraph: a role
// word, then names of two to four characters each followed by a space; the
// names end where a longer run of text starts. Returns the byline and the
// number of runes it takes.
func leadingByline(s []rune) (string, int) {
	var parts, pending []string
	i, consumed := 0, 0
	for {
		role := roleAt(s, i)
		if role == "" {
			break
		}
		j := skipSeps(s, i+utf8.RuneCountInString(role))
		if j < len(s) && (s[j] == ':' || s[j] == '：') { // "通讯员：包文静"
			j = skipSeps(s, j+1)
		}
		var names []string
		for {
			k := j
			for k < len(s) && (isHan(s[k]) || s[k] == '·') {
				k++
			}
			if n := k - j; n < 2 || n > 4 || (k < len(s) && s[k] != ' ' && s[k] != '、') || roleAt(s, j) != "" {
				break
			}
			if string(s[j:k]) == "报道" {
				break // "记者 张三 报道：" closes the byline
			}
			names = append(names, string(s[j:k]))
			j = skipSeps(s, k)
		}
		if len(names) == 0 && roleAt(s, j) != "" && j > i+utf8.RuneCountInString(role) {
			pending = append(pending, role) // "文/图 特约记者 赵明": two roles, one name
			i = j
			continue
		}
		if len(names) == 0 {
			break // "记者从...获悉": a role word in a sentence
		}
		parts = append(parts, pending...)
		parts = append(parts, role)
		parts = append(parts, names...)
		pending = nil
		i, consumed = j, j
	}
	// The verb after the names belongs to the byline, not to the text.
	if consumed > 0 && hasPrefixRunes(s[consumed:], []rune("报道")) {
		k := consumed + 2
		if k == len(s) || strings.ContainsRune(" :：，,", s[k]) {
			consumed = skipSeps(s, k)
			for consumed < len(s) && strings.ContainsRune(":：，,", s[consumed]) {
				consumed = skipSeps(s, consumed+1)
			}
		}
	}
	return strings.Join(parts, " "), consumed
}

var roleWords = [][]rune{[]rune("本报记者"), []rune("特约记者"), []rune("见习记者"), []rune("实习记者"), []rune("首席记者"),
	[]rune("记者"), []rune("特约通讯员"), []rune("通讯员"), []rune("实习生"), []rune("文/图")}

func roleAt(s []rune, i int) string {
	for _, w := range roleWords {
		if i <= len(s) && hasPrefixRunes(s[i:], w) {
			return string(w)
		}
	}
	return ""
}

func skipSeps(s []rune, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '、') {
		i++
	}
	return i
}

func hasPrefixRunes(s, p []rune) bool {
	if len(s) < len(p) {
		return false
	}
	for i := range p {
		if s[i] != p[i] {
			return false
		}
	}
	return true
}
