package clean

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Datelines open a news text and name who filed it, from where and when:
//
//	dated:  新华社北京3月2日电, 本报北京1月9日讯, 今视网3月12日南昌讯, 据新华网4月1日信息
//	source: 据新华社电, 央视网消息, 据新华网报道 (an outlet's name, then 电/消息/信息/报道)
//	named:  本报讯, 兴安讯, 厦门网-厦门日报讯, 沈阳晚报、沈阳网讯, 羊城晚报梅州信息
//
// Each must be followed by a separator, a bracket, a digit or a byline word,
// so that a sentence that happens to start the same way is not taken.
var (
	datelineDated   = regexp.MustCompile(`^(据?[\p{Han}A-Za-z\-－—、]{1,14}?` + datelineDay + `(\p{Han}{0,4}?)(?:电|讯|消息|信息))`)
	followsDateline = regexp.MustCompile(`^` + datelineFollow)
	datelineSource  = regexp.MustCompile(`^((据?)([\p{Han}A-Za-z]{1,10}?` + outletSuffix + `)(电|消息|信息|报道))`)
	// "据新华社报道，…" opens a sentence: with 据 and no date, only 电 or a
	// colon or bracket after the words makes a dateline (or its place, see
	// readDateline).
	attributionFollow = regexp.MustCompile(`^[ ]*[:：（(]`)
	datelineNamed     = regexp.MustCompile(`^(\p{Han}[\p{Han}\-－—、]{0,12}?(讯|消息|信息))`)
)

// datelineDay is the day a dateline names, in figures or in Chinese
// numerals (中新社北京六月十四日电), with the year at times
// (人民网杭州2008年5月12日电).
const datelineDay = `(?:(\d{4})年)?(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十廿卅]{1,4})日`

// notAfterDateline: runes that make 电 or 讯 the start of a word (新华社电视台,
// 讯问) when no separator follows.
const notAfterDateline = "视话台报子脑力梯影商讯信线池器网问息号"

const datelineFollow = `(?:[ :：，,]|$|[（(\d]|记者|通讯员|据)`

// timeWords in what precedes a date mean the date is part of a sentence
// ("今年6月5日电话报警"), not a dateline.
var timeWords = regexp.MustCompile(`[年月日至到从自]|截止|截至|于`)

// notDatelineEnds: words ending in 讯 that are not a dateline (经审讯, 通讯, 资讯).
const notDatelineEnds = "审通资传提侦质问喜简"

// matchDateline returns the dateline opening s and the length in bytes it
// takes with its trailing separators; "" and 0 when s opens with none.
func matchDateline(s string) (string, int) {
	return readDateline(s, false)
}

// readDateline is matchDateline that, with lead, also takes an attribution
// before a comma ("据巴彦淖尔日报报道，"): right under an article's date line
// or headline it stands for the dateline.
func readDateline(s string, lead bool) (string, int) {
	// "【本报讯】": a dateline in lenticular brackets.
	if inner, ok := strings.CutPrefix(s, "【"); ok {
		if i := strings.Index(inner, "】"); i > 0 && i <= 60 {
			if text, n := readDateline(inner[:i], lead); n > 0 && strings.TrimSpace(inner[:i][n:]) == "" {
				return text, skipDatelineSeps(s, len("【")+i+len("】"))
			}
		}
		return "", 0
	}
	return readBareDateline(s, lead)
}

func readBareDateline(s string, lead bool) (string, int) {
	text, end := "", 0
	if m := datelineDated.FindStringSubmatchIndex(s); m != nil {
		dayStart := m[6] // the month, or the year before it
		if m[4] >= 0 {
			dayStart = m[4]
		}
		prefix := strings.TrimPrefix(s[m[2]:dayStart], "据")
		place := s[m[10]:m[11]]
		// A place after the date (今视网3月12日南昌讯) needs an outlet before
		// it; a time word before the date means a sentence. The text may
		// run on without a separator after an outlet's dateline
		// (新华网北京5月12日电中国地震局…).
		outlet := outletRe.MatchString(prefix)
		follows := followsDateline.MatchString(s[m[3]:]) || outlet && place == "" && runsOn(s[m[3]:])
		if !timeWords.MatchString(prefix) && (place == "" || outlet) && follows {
			text, end = s[m[2]:m[3]], m[3]
		}
	}
	if text == "" {
		m := datelineSource.FindStringSubmatchIndex(s)
		if m != nil && wholeOutlet(s[m[6]:m[7]]) {
			word, rest := s[m[8]:m[9]], s[m[3]:]
			attribution := m[5] > m[4] && word != "电"
			follows := followsDateline.MatchString(rest) || word == "电" && runsOn(rest)
			if follows && !attribution || lead && followsDateline.MatchString(rest) || attributionFollow.MatchString(rest) {
				text, end = s[m[2]:m[3]], m[3]
			}
		}
	}
	if text == "" {
		if m := datelineNamed.FindStringSubmatchIndex(s); m != nil {
			word := s[m[4]:m[5]]
			name := strings.TrimSuffix(s[m[2]:m[3]], word)
			last, _ := utf8.DecodeLastRuneInString(name)
			// An outlet's 讯 may run on into the text (太原新闻网讯昨日下午…).
			follows := followsDateline.MatchString(s[m[3]:]) ||
				word == "讯" && (ourOutlet(name) == name || wholeOutlet(name)) && runsOn(s[m[3]:])
			// 消息 and 信息 name an outlet and at most a place after it
			// (羊城晚报梅州信息), so that "最新消息" stays text.
			// With 据 it is an attribution, read above.
			if word != "讯" {
				o := outletName(name)
				follows = follows && !strings.HasPrefix(name, "据") && utf8.RuneCountInString(o) >= 3 &&
					utf8.RuneCountInString(name)-utf8.RuneCountInString(o) <= 4
			}
			if name != "" && isHan(last) && !strings.ContainsRune(notDatelineEnds, last) && follows {
				text, end = s[m[2]:m[3]], m[3]
			}
		}
	}
	if text == "" {
		return "", 0
	}
	return text, skipDatelineSeps(s, end)
}

// runsOn: the text right after a dateline starts a sentence of its own
// rather than continuing the dateline's last word.
func runsOn(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	return rest != "" && !strings.ContainsRune(notAfterDateline, r)
}

// skipDatelineSeps moves end past the separators after a dateline.
func skipDatelineSeps(s string, end int) int {
	for end < len(s) {
		r, n := utf8.DecodeRuneInString(s[end:])
		if !strings.ContainsRune(" 　:：，,", r) {
			break
		}
		end += n
	}
	return end
}

// datelineAt returns the length in bytes of a dateline opening s, with its
// trailing separators, or 0.
func datelineAt(s string) int {
	_, n := matchDateline(s)
	return n
}

func datelineText(s string) string {
	t, _ := matchDateline(s)
	return t
}

// monthDay reads the day a dateline names.
var monthDay = regexp.MustCompile(datelineDay)

// datelineDate is the day a dateline names as YYYY-MM-DD. Without a year
// of its own it takes the published date's: the year before when the day
// would fall more than a week after publication (a 12月31日 dateline
// published in January).
func datelineDate(dateline, published string) string {
	m := monthDay.FindStringSubmatch(dateline)
	if m == nil {
		return ""
	}
	mo, d := chineseNumber(m[2]), chineseNumber(m[3])
	if m[1] != "" {
		y, _ := strconv.Atoi(m[1])
		return formatDate(strconv.Itoa(y), strconv.Itoa(mo), strconv.Itoa(d), "", "", "")
	}
	if len(published) < 10 {
		return ""
	}
	pub, err := time.Parse("2006-01-02", published[:10])
	if err != nil {
		return ""
	}
	y := pub.Year()
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return ""
	}
	if time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC).After(pub.AddDate(0, 0, 7)) {
		y--
		if d > daysIn(y, mo) {
			return ""
		}
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
}

// chineseNumber reads a month or day in figures or in Chinese numerals up
// to 31 (十四, 二十, 三十一, 廿三); 0 when it is neither.
func chineseNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	digits := map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	n, tens := 0, false
	for _, r := range s {
		switch {
		case r == '十':
			if n == 0 {
				n = 1
			}
			n, tens = n*10, true
		case r == '廿':
			n, tens = 20, true
		case r == '卅':
			n, tens = 30, true
		case digits[r] > 0 && (n == 0 || tens):
			n += digits[r]
			tens = false
		default:
			return 0
		}
	}
	return n
}
