package clean

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// outletSuffix ends the name of a news outlet: a paper (日报, 晚报, 报), a
// site (网, 在线), an agency (社), a broadcaster (电视台, 电台), an app
// (新闻, 客户端). Longer words come first so that 新闻网 wins over 新闻.
const outletSuffix = `(?:广播电视台|电视台|广播电台|电台|新闻网|新闻社|通讯社|日报|晚报|早报|晨报|时报|商报|周报|周刊|在线|客户端|新闻|报|网|社)`

// outletRe reads the shortest outlet name opening a text: "新华网" of
// "新华网宜昌", "广西新闻网" of "广西新闻网象州".
var outletRe = regexp.MustCompile(`^[\p{Han}A-Za-z]{1,10}?` + outletSuffix)

// outletSeps join the outlets of one dateline: 厦门网-厦门日报讯, 沈阳晚报、沈阳网讯.
var outletSeps = regexp.MustCompile(`[-－—、]`)

// outletName is the outlet opening s, or "". A 日报 or 网 right after the
// shortest name belongs to it (中国日报网).
func outletName(s string) string {
	loc := outletRe.FindStringIndex(s)
	if loc == nil {
		return ""
	}
	end := loc[1]
	for _, ext := range []string{"网", "社"} {
		if strings.HasPrefix(s[end:], ext) {
			end += len(ext)
			break
		}
	}
	return s[:end]
}

// ourOutlet: 本报, 本网, 本台 name the publishing outlet itself, whose name
// only the source's configuration knows.
func ourOutlet(s string) string {
	for _, w := range []string{"本报", "本网", "本台"} {
		if strings.HasPrefix(s, w) {
			return w
		}
	}
	return ""
}

// wholeOutlet: s, without a leading 据, is one outlet's name and nothing else.
func wholeOutlet(s string) bool {
	s = strings.TrimPrefix(s, "据")
	return utf8.RuneCountInString(s) >= 3 && outletName(s) == s
}

// datelineOutlet is the outlet a dateline names: "新华社" of
// "新华社北京3月2日电", "厦门日报" of "厦门网-厦门日报讯" (the paper rather
// than its site), "本报" of "本报讯"; "" for a place only (兴安讯).
func datelineOutlet(d string) string {
	d = strings.TrimPrefix(d, "据")
	if i := strings.IndexAny(d, "0123456789"); i >= 0 {
		d = d[:i]
	}
	for _, end := range []string{"电", "讯", "消息", "信息", "报道"} {
		if strings.HasSuffix(d, end) {
			d = strings.TrimSuffix(d, end)
			break
		}
	}
	var names []string
	for _, part := range outletSeps.Split(d, -1) {
		if ours := ourOutlet(part); ours != "" {
			names = append(names, ours)
			continue
		}
		if n := outletName(part); utf8.RuneCountInString(n) >= 3 {
			names = append(names, n)
		}
	}
	for _, n := range names {
		if !strings.HasSuffix(n, "网") {
			return n
		}
	}
	if len(names) > 0 {
		return names[0]
	}
	return ""
}

// sourceMention reads a closing attribution, "据苏州电视台综合" or
// "（据新华社报道）", near the end of the last paragraph: the outlet the
// text was compiled from.
var sourceMention = regexp.MustCompile(`(?:^|[。！？”」\s?（(])据([\p{Han}A-Za-z]{2,14}?)(?:综合|报道|消息|电)(?:[。?？！）)\s]|$)`)

func mentionedOutlet(last string) string {
	r := []rune(last)
	if len(r) > 80 {
		last = string(r[len(r)-80:])
	}
	ms := sourceMention.FindAllStringSubmatch(last, -1)
	if len(ms) == 0 {
		return ""
	}
	if name := ms[len(ms)-1][1]; wholeOutlet(name) {
		return name
	}
	return ""
}

// sourceNote reads "来源：宁夏日报" in a report line or an editorial
// trailer: the name up to a space, a bracket or the next label.
var sourceNote = regexp.MustCompile(`来源\s*[:：]?\s*([^\s|｜/（()）:：]{2,30})`)

var noteLabels = regexp.MustCompile(`(?:作者|编辑|责任编辑|责编|记者|浏览|点击|阅读|字号).*$`)

func sourceOf(s string) string {
	m := sourceNote.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	name := noteLabels.ReplaceAllString(m[1], "")
	if utf8.RuneCountInString(name) < 2 {
		return ""
	}
	return name
}

// pickOutlet chooses the article's outlet, most trusted first: the dateline, the 来源 line, the 本文来源 note, a closing
// attribution, then the source's configured outlet. "本报" (our paper) is
// the configured outlet when there is one; nothing is guessed.
func pickOutlet(dateline, reportLine, note, mention, configured string) string {
	if ourOutlet(dateline) != "" {
		dateline = configured
	}
	return firstNonEmpty(dateline, reportLine, note, mention, configured)
}
