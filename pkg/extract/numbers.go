package extract

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Reasons a number is not a fact. Numbers with a reason in notStatistic are
// explained (a year, a date, a label); the others are left for the quality
// report as unexplained.
const (
	skipYear      = "year"
	skipDate      = "date"
	skipTime      = "time"
	skipDuration  = "duration"
	skipAge       = "age"
	skipDistance  = "distance"
	skipRank      = "rank"
	skipMagnitude = "magnitude"
	skipRatio     = "ratio"
	skipOrdinal   = "ordinal"
	skipLabel     = "label"
	skipCode      = "code"
	skipPhone     = "phone"
	skipVague     = "vague"
	skipNoUnit    = "no-unit"
	skipIndef     = "indefinite" // 一名男子, 一辆车: an article, not a count
	skipNegated   = "negated"    // 未发生死亡3人以上的事故: a threshold of what did not happen
)

// notStatistic lists the reasons that say what a number is, as opposed to the
// ones that only say it was not understood.
var notStatistic = map[string]bool{
	skipYear: true, skipDate: true, skipTime: true, skipDuration: true, skipAge: true,
	skipDistance: true, skipRank: true, skipMagnitude: true, skipRatio: true,
	skipOrdinal: true, skipLabel: true, skipCode: true, skipPhone: true, skipVague: true,
	skipIndef: true,
}

// number is one numeric expression in the body: the qualifiers, the number,
// its multiplier and its unit, all in rune offsets.
type number struct {
	Start, End       int // the whole expression: 近50名, 140余万元, 12.8万头
	NumStart, NumEnd int // the digits or numerals themselves
	Value            float64
	Approx           string
	UnitText         string // as written: 名, 万元 -> 元, 个百分点
	Unit             string // canonical
	Kind             string // unit kind from units.tsv; "" when there is none
	Chinese          bool   // written in Chinese numerals (三人, 百余辆)
	Skip             string // why this is not a statistic, "" when it may be one
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

func digitValue(r rune) int {
	if r >= '０' && r <= '９' {
		return int(r - '０')
	}
	return int(r - '0')
}

func isASCIILetter(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 'ａ' && r <= 'ｚ' || r >= 'Ａ' && r <= 'Ｚ'
}

var cnDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
var cnMults = map[rune]float64{'十': 10, '百': 100, '千': 1000, '万': 1e4, '亿': 1e8}

func isCnNumeral(r rune) bool {
	_, d := cnDigits[r]
	_, m := cnMults[r]
	return d || m
}

// scanNumbers finds every numeric expression in text.
func (x *Extractor) scanNumbers(text []rune) []number {
	var out []number
	for i := 0; i < len(text); {
		r := text[i]
		var n number
		var ok bool
		switch {
		case isDigit(r):
			n, ok = x.scanArabic(text, i)
		case isCnNumeral(r):
			n, ok = x.scanChinese(text, i)
		}
		if !ok {
			i++
			continue
		}
		out = append(out, n)
		i = max(n.End, i+1)
	}
	return out
}

// scanArabic reads a number written in digits starting at i.
func (x *Extractor) scanArabic(text []rune, i int) (number, bool) {
	j := i
	var b strings.Builder
	for j < len(text) && isDigit(text[j]) {
		b.WriteByte(byte('0' + digitValue(text[j])))
		j++
	}
	intDigits := j - i
	// Thousands separators: "1,200" but not "131起,同比".
	for j+3 < len(text) && (text[j] == ',' || text[j] == '，') && allDigits(text, j+1, j+4) && (j+4 == len(text) || !isDigit(text[j+4])) {
		for k := j + 1; k < j+4; k++ {
			b.WriteByte(byte('0' + digitValue(text[k])))
		}
		j += 4
		intDigits += 3
	}
	if j+1 < len(text) && (text[j] == '.' || text[j] == '．') && isDigit(text[j+1]) {
		b.WriteByte('.')
		j++
		for j < len(text) && isDigit(text[j]) {
			b.WriteByte(byte('0' + digitValue(text[j])))
			j++
		}
	}
	v, err := strconv.ParseFloat(b.String(), 64)
	if err != nil {
		return number{}, false
	}
	n := number{NumStart: i, NumEnd: j, Start: i, Value: v}
	// Letters or digit-joining symbols around it make it part of a code:
	// a plate (皖A6A843), a model (Mate20), a score (24+11), a km post (75km+300m).
	prev, next := runeAt(text, i-1), runeAt(text, j)
	if isASCIILetter(prev) || isASCIILetter(next) && !startsUnit(text, j, "km") || isBroken(prev) || isBroken(next) || prev == '-' && isDigit(runeAt(text, i-2)) || prev == '+' || next == '+' || prev == '/' || next == '/' || prev == '#' {
		n.End = j
		n.Skip = skipCode
		return n, true
	}
	x.finishNumber(text, &n, j)
	if n.Kind == "" && (n.Skip == "" || n.Skip == skipNoUnit) {
		switch {
		case intDigits >= 7:
			n.Skip = skipPhone
		case isEmergencyNumber(text, i, j):
			n.Skip = skipPhone
		}
	}
	return n, true
}

// isBroken tells the marks a failed charset conversion leaves (?９?安部): a
// digit beside them is debris, not a number.
func isBroken(r rune) bool { return r == '?' || r == '\uFFFD' }

func allDigits(text []rune, from, to int) bool {
	if to > len(text) {
		return false
	}
	for k := from; k < to; k++ {
		if !isDigit(text[k]) {
			return false
		}
	}
	return true
}

func startsUnit(text []rune, i int, s string) bool {
	return strings.HasPrefix(strings.ToLower(string(text[i:min(len(text), i+len(s))])), s)
}

// isEmergencyNumber tells 110, 119, 120 and 122 used as service names.
func isEmergencyNumber(text []rune, i, j int) bool {
	v := 0
	for _, r := range text[i:j] {
		v = v*10 + digitValue(r)
	}
	s := strconv.Itoa(v)
	if s != "110" && s != "119" && s != "120" && s != "122" && s != "12110" {
		return false
	}
	return true
}

// scanChinese reads a number in Chinese numerals starting at i: 三, 十六,
// 两, 百余, 1200 is handled by scanArabic.
func (x *Extractor) scanChinese(text []rune, i int) (number, bool) {
	j := i
	for j < len(text) && isCnNumeral(text[j]) {
		j++
	}
	// A run that is only a multiplier (万, 千万) is a word, not a number, unless
	// an approximation or a unit follows: 百余辆, 千余人.
	digits := 0
	for _, r := range text[i:j] {
		if _, ok := cnDigits[r]; ok {
			digits++
		}
	}
	if digits == 0 {
		if j-i != 1 || text[i] == '十' {
			// 十 alone (十人) is fine; 千万 is an adverb.
			if !(j-i == 1 && text[i] == '十') {
				return number{}, false
			}
		}
		if _, _, ok := x.rules.postQual.matchAt(text, j); !ok && text[i] != '十' {
			if _, _, ok := x.rules.units.matchAt(text, j); !ok {
				return number{}, false
			}
		}
	}
	v, ok := parseChinese(text[i:j])
	if !ok {
		return number{}, false
	}
	n := number{NumStart: i, NumEnd: j, Start: i, Value: v, Chinese: true}
	prev := runeAt(text, i-1)
	switch {
	case prev == '第':
		n.End = j
		n.Skip = skipOrdinal
		return n, true
	case prev == '数' || prev == '几':
		// 数十人, 几百辆: no number an analyst could add up.
		n.Start = i - 1
		n.End = j
		n.Skip = skipVague
		return n, true
	}
	x.finishNumber(text, &n, j)
	if n.Kind == "" {
		// A Chinese numeral with no unit is almost always part of a word
		// (一起, 三方面, 十分); drop it rather than report it.
		return number{}, false
	}
	return n, true
}

// parseChinese converts 十六, 一百二十, 两, 三万五千 to a value.
func parseChinese(rs []rune) (float64, bool) {
	var total, section, digit float64
	seen := false
	for _, r := range rs {
		if d, ok := cnDigits[r]; ok {
			digit = float64(d)
			seen = true
			continue
		}
		m := cnMults[r]
		switch {
		case m >= 1e4:
			section += digit
			if section == 0 {
				section = 1
			}
			total += section * m
			section, digit = 0, 0
		default:
			if digit == 0 && !seen {
				digit = 1 // 十六, 百余
			}
			section += digit * m
			digit = 0
		}
		seen = true
	}
	v := total + section + digit
	if !seen || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// finishNumber reads what follows the digits ending at j: approximation,
// multiplier, unit, tail approximation; and the pre-qualifier before them.
func (x *Extractor) finishNumber(text []rune, n *number, j int) {
	rs := x.rules
	// 上 qualifies only a round numeral (上百公里), not 车上两名.
	if w, q, ok := rs.preQual.matchEnd(text, n.NumStart); ok && (q.Text != "上" || n.Chinese && strings.ContainsRune("百千万", text[n.NumStart])) {
		n.Approx = q.Canonical
		n.Start = n.NumStart - len([]rune(w))
	}
	if w, q, ok := rs.postQual.matchAt(text, j); ok && !(w == "多" && isDigit(runeAt(text, j+1))) {
		n.Approx = q.Canonical
		j += len([]rune(w))
	}
	for j < len(text) {
		m, ok := cnMults[text[j]]
		if !ok || m < 100 || n.Chinese {
			break
		}
		// 百 after digits only counts before 万/亿 or a unit (3百人 is rare; 2百分点 is not a multiplier).
		if text[j] == '百' && strings.HasPrefix(string(text[j:]), "百分点") {
			break
		}
		if text[j] == '千' && x.isUnitAt(text, j) {
			break // 1.2千克, 5千米: 千 is part of the unit
		}
		// 1.1亿 is 110000000, not 110000000.00000001: the digits have at
		// most a few decimals, so round off the binary noise.
		n.Value = math.Round(n.Value*m*1e4) / 1e4
		j++
	}
	if w, q, ok := rs.postQual.matchAt(text, j); ok && n.Approx == "" || ok && w == "余" {
		n.Approx = q.Canonical
		j += len([]rune(w))
	}
	n.End = j
	if w, u, ok := rs.units.matchAt(text, j); ok {
		n.UnitText, n.Unit, n.Kind = w, u.Unit, u.Kind
		j += len([]rune(w))
		n.End = j
	}
	if n.Kind != "" {
		if w, q, ok := rs.tailQual.matchAt(text, j); ok {
			if n.Approx == "" {
				n.Approx = q.Canonical
			}
			n.End = j + len([]rune(w))
		}
	}
	x.classify(text, n)
}

// classify sets Skip from the unit and the words around the number.
func (x *Extractor) classify(text []rune, n *number) {
	if n.Skip != "" {
		return
	}
	switch n.Kind {
	case "duration":
		n.Skip = skipDuration
	case "time":
		n.Skip = skipTime
	case "age":
		n.Skip = skipAge
	case "distance":
		n.Skip = skipDistance
	case "rank":
		n.Skip = skipRank
	case "magnitude":
		n.Skip = skipMagnitude
	case "ratio":
		n.Skip = skipRatio
	case "code":
		n.Skip = skipCode
	case "date":
		n.Skip = skipDate
		if n.UnitText == "年" {
			after := runeAt(text, n.End)
			switch {
			case n.Value >= 1000:
				n.Skip = skipYear
			case after == '来' || after == '内' || after == '间' || after == '多' || after == '前' || after == '后' || after == '半':
				n.Skip = skipDuration
			case n.Value < 100:
				n.Skip = skipDuration
			}
		}
		if n.UnitText == "月" && n.Value > 12 {
			n.Skip = skipDuration
		}
	case "":
		if inShortQuote(text, n.Start, n.End) {
			n.Skip = skipLabel
		} else if runeAt(text, n.NumStart-1) == '第' {
			n.Skip = skipOrdinal
		} else {
			n.Skip = skipNoUnit
		}
	}
	if n.Skip == "" && runeAt(text, n.NumStart-1) == '第' {
		n.Skip = skipOrdinal
	}
	if n.Skip == "" && inShortQuote(text, n.Start, n.End) {
		n.Skip = skipLabel
	}
	if n.Skip == "" && n.Kind == "count" && isOrdinalContext(text, n) {
		n.Skip = skipOrdinal
	}
}

// inShortQuote tells a number inside a short quoted label: “1234”组合拳,
// “1个中心”, “两项要求”. A statistic is never written in quotes that short.
func inShortQuote(text []rune, start, end int) bool {
	const maxLabel = 10
	open := -1
	for k := start - 1; k >= 0 && k >= start-maxLabel; k-- {
		r := text[k]
		if r == '“' || r == '「' || r == '"' || r == '『' {
			open = k
			break
		}
		if r == '”' || r == '」' || r == '』' || isClauseBreak(r) {
			return false
		}
	}
	if open < 0 {
		return false
	}
	for k := end; k < len(text) && k <= open+maxLabel+1; k++ {
		r := text[k]
		if r == '”' || r == '」' || r == '"' || r == '』' {
			return true
		}
		if r == '“' || isClauseBreak(r) {
			return false
		}
	}
	return false
}

// isOrdinalContext tells 三等奖-like ranks written without 第: "二、三等奖" is
// handled by the rank unit; this catches 1号 and similar that slipped through.
func isOrdinalContext(text []rune, n *number) bool {
	return runeAt(text, n.End) == '号'
}

func runeAt(text []rune, i int) rune {
	if i < 0 || i >= len(text) {
		return 0
	}
	return text[i]
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' }
