package extract

import (
	"sort"
	"strings"

	"github.com/casewire/casewire/pkg/article"
)

// The event's place. The gazetteer's main place is the division named most
// often, which in an incident report can be a road's, a company's, a
// speaker's or a victim's home town. The place of the event is read first
// where the report tells it: the lead sentence (the first that tells an
// event: 在X发生, X境内, 位于X). Mentions that do not name where something
// happened are left out of that reading (notEventPlace).

// leadSentence is the first sentence that tells an event, else the first.
func leadSentence(d *doc) span {
	for _, s := range d.sentences {
		if tellsEvent(d, s) {
			return s
		}
	}
	if len(d.sentences) > 0 {
		return d.sentences[0]
	}
	return span{}
}

// tellsEvent tells whether a sentence tells an event.
func tellsEvent(d *doc, s span) bool {
	sent := d.text[s.Start:s.End]
	for i, r := range sent {
		if !strings.ContainsRune(leadVerbFirsts, r) {
			continue // most characters start no verb: skip the word loop
		}
		for _, v := range leadVerbs {
			if hasRunesAt(sent, i, v) {
				return true
			}
		}
	}
	return false
}

// leadVerbFirsts are the first characters of leadVerbs.
const leadVerbFirsts = "发遭相起爆袭坠翻中死受杀"

// titleCountry reads a country in the title; the title is segmented only
// when it holds a country's name at all.
func (x *Extractor) titleCountry(d *doc) (countryMention, bool) {
	t := []rune(d.c.Title)
	named := false
	for i := range t {
		if _, _, ok := x.rules.countries.matchAt(t, i); ok {
			named = true
			break
		}
	}
	if !named {
		return countryMention{}, false
	}
	return x.countryIn(x.segment(t, []span{{0, len(t)}}), t, -1)
}

// leadVerbs tell an event in a lead sentence.
var leadVerbs = []string{"发生", "遭", "相撞", "起火", "爆炸", "袭击", "坠", "翻", "中毒", "死亡", "受伤", "杀"}

// Words around a place name that say it is not where the event happened.
var (
	placeNotBefore = []string{"从", "往", "向", "开往", "驶往", "飞往", "来自", "老家", "返回", "前往", "回到", "赶往", "送往", "转往", "籍贯"}
	placeOrigin    = []string{"开往", "驶往", "前往", "发往", "飞往"}
	placeNotAfter  = []string{"时间", "籍", "男", "女", "小伙", "方向", "人氏", "高速", "国道", "省道", "公路", "铁路", "表示", "说", "称", "介绍", "指出", "电", "网友", "方面", "警方", "网", "日报", "晚报", "电台", "电视", "卫视", "至"}
)

// notEventPlace tells a mention that names no place of the event: 北京时间,
// 往漳州方向, a road (合（合肥）宁（南京）高速), an origin (河南籍, 来自, 老家), a
// speaker (在北京表示), a dateline (新华社北京6月12日电).
func notEventPlace(text []rune, m mention) bool {
	before := string(text[max(0, m.Start-3):m.Start])
	for _, w := range placeNotBefore {
		// 记者从赤峰市公安局获悉: a police unit is where the figures come
		// from, and its area is theirs; 从 marks an origin only for a place.
		if strings.HasSuffix(before, w) && (m.Kind != "org" || w != "从") {
			return true
		}
	}
	after := string(text[m.End:min(len(text), m.End+4)])
	for _, w := range placeOrigin {
		if strings.HasPrefix(after, w) {
			return true // 从贵州开往广东: where the vehicle came from
		}
	}
	if runeAt(text, m.End) == '人' && runeAt(text, m.End+1) != '民' {
		return true // 湖北人: where someone comes from
	}
	if m.Kind != "org" {
		for _, w := range placeNotAfter {
			if strings.HasPrefix(after, w) {
				return true
			}
		}
	}
	if strings.ContainsRune("（(", runeAt(text, m.Start-1)) && strings.ContainsRune("）)", runeAt(text, m.End)) && isHan(runeAt(text, m.Start-2)) &&
		(strings.ContainsRune("（(", runeAt(text, m.End+2)) || hasRunesAt(text, m.End+1, "高速") || hasRunesAt(text, m.End+1, "铁路") || hasRunesAt(text, m.End+1, "公路")) {
		return true // 合（合肥）宁（南京）高速: a road's abbreviation spelled out
	}
	// 新华社北京6月12日电: a dateline's city, then a date and 电.
	k := m.End
	for k < len(text) && k-m.End < 12 && (isDigit(text[k]) || isCnNumeral(text[k]) || text[k] == '〇' || text[k] == '月' || text[k] == '日') {
		k++
	}
	return k > m.End && (runeAt(text, k) == '电' || hasRunesAt(text, k, "消息") || runeAt(text, k) == '讯')
}

// reporterWords tell where the reporter went, not where the event was:
// 记者在位于山东济南的中铁十四局办公大楼前看到.
var reporterWords = []string{"记者在", "记者来到", "记者赶到", "记者赶赴", "记者走进"}

// reporterSentence tells a sentence about the reporter's whereabouts.
func reporterSentence(d *doc, s span) bool {
	return containsAny(d.str(s.Start, s.End), reporterWords)
}

// leadSentences is how many opening sentences may hold the lead.
const leadSentences = 4

// datelineWords end a dateline after its date: 新华社北京6月12日电,
// 中广网梧州7月15日消息, 新华网呼和浩特9月6日信息.
var datelineWords = []string{"日电", "日消息", "日信息", "日讯", "日报道"}

// datelineEnd is where the dateline ends in the opening of text (0 when
// there is none): its city is where the report was filed, not the event.
func datelineEnd(text []rune) int {
	limit := min(len(text), 60)
	for i := 0; i < limit; i++ {
		for _, w := range datelineWords {
			if hasRunesAt(text, i, w) {
				return i + len([]rune(w))
			}
		}
	}
	return 0
}

// marksEventPlace tells a place the words around it mark as the event's:
// 在X, 于X, 位于X, X境内, X发生.
func marksEventPlace(text []rune, m mention) bool {
	p := runeAt(text, m.Start-1)
	return p == '在' || p == '于' || hasRunesAt(text, m.End, "境内") || hasRunesAt(text, m.End, "发生")
}

// eventFollows tells whether an event verb follows a place in its sentence
// before an arrest is told: 在桂林一酒店…发生争执, not 在深圳将该男青年抓获.
func eventFollows(text []rune, from, end int) bool {
	for k := from; k < end; k++ {
		for _, w := range []string{"抓获", "归案", "抓捕", "控制", "将"} {
			if hasRunesAt(text, k, w) {
				return false
			}
		}
		for _, v := range leadVerbs {
			if hasRunesAt(text, k, v) {
				return true
			}
		}
	}
	return false
}

// eventRegion is the article's region: abroad when the title or the lead
// names a country before any place in China; else the lead's place, made
// finer by a division under it named later; else the gazetteer's main place
// when a mention that names an event place supports it; else unknown.
func (x *Extractor) eventRegion(d *doc) article.Region {
	main := d.places.main()
	ms := d.places.mentions()
	var kept []mention
	dl := datelineEnd(d.text)
	for _, m := range ms {
		if m.Region.Status == "resolved" && m.Region.Code != "" && m.Kind != "anaphor" && m.End > dl && !notEventPlace(d.text, m) {
			kept = append(kept, m)
		}
	}
	lead, firstInLead := span{}, -1
	for k, s := range d.sentences {
		if k >= leadSentences {
			break // a place first named further on is no lead's
		}
		if !tellsEvent(d, s) || reporterSentence(d, s) {
			continue
		}
		for k, m := range kept {
			if m.Start < s.Start || m.End > s.End {
				continue
			}
			if firstInLead < 0 {
				lead, firstInLead = s, k
			}
			if marksEventPlace(d.text, m) && eventFollows(d.text, m.End, s.End) {
				firstInLead = k // 广西来宾民警陆某在桂林一酒店: 在X outranks
				break
			}
		}
		if firstInLead >= 0 {
			break
		}
	}
	if c, ok := x.titleCountry(d); ok && titleEvent(d.c.Title, c) {
		return foreign(c)
	}
	if firstInLead < 0 {
		lead = leadSentence(d)
	}
	limit := lead.End
	if firstInLead >= 0 {
		limit = kept[firstInLead].Start
	}
	if lead.End > lead.Start {
		if c, ok := x.countryIn(d.tokens, d.text[:limit], max(lead.Start, dl)); ok {
			return foreign(c)
		}
	}
	if firstInLead >= 0 {
		r := kept[firstInLead].Region
		leadText := d.str(lead.Start, lead.End)
		for _, m := range kept {
			// 四川汶川发生7.8级地震 … 汶川县: a division under the lead's place,
			// named in the lead by its short name.
			if len(m.Region.Code) > len(r.Code) && strings.HasPrefix(m.Region.Code, r.Code) && strings.Contains(leadText, shortPlace(m.Region.Name)) {
				r = m.Region
			}
		}
		if main.Status == "resolved" && len(main.Code) > len(r.Code) && strings.HasPrefix(main.Code, r.Code) {
			r = main // the place named most often lies inside the lead's
		}
		return r
	}
	if main.Status != "resolved" {
		return main
	}
	for _, m := range kept {
		if strings.HasPrefix(m.Region.Code, main.Code) || strings.HasPrefix(main.Code, m.Region.Code) {
			return main
		}
	}
	if len(ms) == 0 {
		return main // the source's hint alone
	}
	return article.Region{Text: main.Text, Status: "unknown"}
}

// shortPlace drops a division's suffix: 汶川县 -> 汶川 (kept when that leaves
// one character).
func shortPlace(name string) string {
	rs := []rune(name)
	if len(rs) > 4 && (strings.HasSuffix(name, "自治县") || strings.HasSuffix(name, "自治州") || strings.HasSuffix(name, "自治旗")) {
		return string(rs[:2]) // 天祝藏族自治县 -> 天祝
	}
	for _, suf := range []string{"自治县", "自治州", "县", "市", "区", "省", "镇", "乡"} {
		if s := strings.TrimSuffix(name, suf); s != name && len([]rune(s)) >= 2 {
			return s
		}
	}
	return name
}

// countryNotAfter follow a country that speaks or measures, not where the
// event is: 美国地质勘探局, 美国政府, 日本气象厅.
var countryNotAfter = []string{"地质", "政府", "总统", "官方", "媒体", "外交", "国防", "军方", "当局", "驻", "大使", "使馆", "气象", "新闻", "通讯社", "有线", "广播", "电视", "专家", "科学"}

// countryMention is a country named in a text; country is empty for a list
// of countries.
type countryMention struct{ text, country string }

// countryIn finds the first country in text[from:] (from < 0: all of it)
// that names where something is, not where people come from (乌克兰人,
// 美国籍) or a government speaking (美方). The name must start a word of
// tokens (the text's segmentation): 江苏丹阳 holds no 苏丹.
func (x *Extractor) countryIn(tokens []token, text []rune, from int) (countryMention, bool) {
	for i := max(0, from); i < len(text); i++ {
		w, c, ok := x.rules.countries.matchAt(text, i)
		if !ok || !startsToken(tokens, i) {
			continue
		}
		e := i + len([]rune(w))
		if next := runeAt(text, e); strings.ContainsRune("人籍裔方士兵军公游男女《", next) || strings.ContainsRune("系是为据", runeAt(text, i-1)) || containsAny(string(text[e:min(len(text), e+3)]), countryNotAfter) {
			i = e - 1
			continue
		}
		if strings.ContainsRune("、和与及", runeAt(text, e)) {
			// 法国、西班牙和希腊等多国: a list names no one place.
			return countryMention{text: w}, true
		}
		return countryMention{text: w, country: c}, true
	}
	return countryMention{}, false
}

// eventFactRegions gives the tolls of the report's event its place: a toll
// happened where the event did, not at the last place named before it.
// Background figures keep the place their sentence names.
func eventFactRegions(d *doc) {
	if d.region.Status != "resolved" && d.region.Status != "foreign" {
		return
	}
	for i := range d.facts {
		f := &d.facts[i]
		if tollIndicators[f.Indicator] && f.Role != article.RoleContext {
			f.Region = d.region
		}
	}
}

// titleEvent tells whether a title tells an event after the country it
// names (巴基斯坦伊斯兰堡恐怖袭击事件), so the country is where it happened.
func titleEvent(title string, c countryMention) bool {
	i := strings.Index(title, c.text)
	return i >= 0 && containsAny(title[i:], append(append([]string{}, leadVerbs...), emergencyWords...))
}

// foreign is the region of an event abroad; several countries named as a
// list leave it ambiguous, still with no Chinese code.
func foreign(c countryMention) article.Region {
	if c.country == "" {
		return article.Region{Text: c.text, Status: "ambiguous"}
	}
	return article.Region{Text: c.text, Name: c.country, Country: c.country, Status: "foreign"}
}

// startsToken tells whether a token of tokens (in text order) starts at i.
func startsToken(tokens []token, i int) bool {
	k := sort.Search(len(tokens), func(k int) bool { return tokens[k].Start >= i })
	return k < len(tokens) && tokens[k].Start == i
}
