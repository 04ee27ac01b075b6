package extract

import (
	"sort"
	"strings"
	"unicode"

	"github.com/casewire/casewire/pkg/article"
)

// Common Chinese surnames: a person's name must start with one.
const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝福樊"

// Words that may follow a person's name: speech verbs and particles. A name
// found after a title must be followed by one, or by punctuation.
const nameFollowers = "说介讲表称告指在一等和与及被将已驾系因交逼诱便又均仍于从向为是也则拔对到带开接率主立赶随现即经"

// titleWords are written before a name: 队长福晓, 局长刘绍武, 驾驶人杜中伟.
var titleWords = []string{"副大队长", "大队长", "副支队长", "支队长", "中队长", "副局长", "局长", "副部长", "部长", "队长", "副队长", "所长", "副所长", "政委", "教导员", "民警", "警官", "记者", "驾驶人", "司机", "书记", "市长", "副市长", "主任", "县长", "厅长", "处长", "科长", "负责人", "嫌疑人", "犯罪嫌疑人", "死者", "伤者", "男子", "女子"}

// notName are words the segmenter tags as names that are not: they start with
// a surname character.
var notName = map[string]bool{"连夜": true, "高度": true, "常常": true, "何时": true, "万一": true, "成功": true, "方便": true, "于是": true, "江湖": true, "安全": true, "金额": true, "时间": true, "文明": true, "和平": true, "明显": true}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// orgStop are tokens that end an organisation's name on the left: they are
// words around a name, never part of it.
var orgAcceptPOS = map[string]bool{"n": true, "nr": true, "nrt": true, "nrfg": true, "ns": true, "nt": true, "nz": true, "s": true, "j": true, "zg": true, "ng": true, "vn": true, "b": true, "l": true, "an": true, "f": true}

// findOrgs finds police and emergency organisations: a suffix from
// rules/orgs.tsv with the name written before it, and chains of them
// (乌海市公安局海勃湾分局海北派出所) merged into one.
func (x *Extractor) findOrgs(d *doc) []article.Entity {
	var out []article.Entity
	text := d.text
	for i := 0; i < len(text); {
		w, _, ok := x.rules.orgs.matchAt(text, i)
		if !ok {
			i++
			continue
		}
		end := i + len([]rune(w))
		if runeAt(text, end) == '长' { // 大队长, 所长: a title, not a unit
			i = end
			continue
		}
		start := x.orgNameStart(d, i)
		if n := len(out); n > 0 && out[n-1].End == start {
			out[n-1].End = end
			out[n-1].Text = d.str(out[n-1].Start, end)
		} else if i-start >= 2 || n > 0 && out[n-1].End == i {
			out = append(out, article.Entity{Kind: "org", Text: d.str(start, end), Start: start, End: end})
		}
		i = end
	}
	return out
}

// orgNameStart walks back from a suffix at i over the tokens of its name.
func (x *Extractor) orgNameStart(d *doc, i int) int {
	start := i
	// A quoted name: “敖特尔”骑警队.
	if runeAt(d.text, i-1) == '”' {
		for k := i - 2; k >= 0 && k >= i-12; k-- {
			if d.text[k] == '“' {
				return k
			}
			if isClauseBreak(d.text[k]) {
				break
			}
		}
	}
	taken := 0
	for taken < 3 && start > 0 {
		k := d.tokenAt(start - 1)
		if k < 0 {
			break
		}
		t := d.tokens[k]
		if t.End > i { // the token runs into the suffix (市公安局): keep its head
			start = t.Start
			taken++
			continue
		}
		if !orgAcceptPOS[t.POS] || start-t.Start > 6 || i-t.Start > 12 {
			break
		}
		if _, _, ok := x.rules.orgs.matchEnd(d.text, t.End); ok && t.End == start {
			break // the previous unit of a chain: merged by findOrgs
		}
		if !isHan(d.text[t.Start]) || genericOrgWord(d.str(t.Start, t.End)) {
			break
		}
		start = t.Start
		taken++
	}
	return start
}

// entities lists the places, organisations and people of an article.
func (x *Extractor) entities(d *doc) []article.Entity {
	var out []article.Entity
	for _, m := range d.places.mentions() {
		if m.Kind == "anaphor" {
			continue
		}
		r := m.Region
		out = append(out, article.Entity{Kind: m.Kind, Text: m.Text, Start: m.Start, End: m.End, Region: &r})
	}
	seen := map[span]bool{}
	for _, e := range out {
		seen[span{e.Start, e.End}] = true
	}
	for _, o := range d.orgs {
		if seen[span{o.Start, o.End}] {
			continue
		}
		r := d.places.org(o.Text)
		if r.Status != "" && r.Status != "none" {
			o.Region = &r
		}
		out = append(out, o)
		seen[span{o.Start, o.End}] = true
	}
	if len(d.places.mentions()) == 0 {
		out = append(out, x.segmenterPlaces(d, seen)...)
	}
	out = append(out, x.persons(d, seen)...)
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Start != out[b].Start {
			return out[a].Start < out[b].Start
		}
		return out[a].End > out[b].End
	})
	return out
}

// segmenterPlaces stands in for the gazetteer: place-name tokens ending in an
// administrative suffix.
func (x *Extractor) segmenterPlaces(d *doc, seen map[span]bool) []article.Entity {
	var out []article.Entity
	for _, t := range d.tokens {
		if t.POS != "ns" || t.End-t.Start < 3 || seen[span{t.Start, t.End}] {
			continue
		}
		if !strings.ContainsRune("省市县区旗盟镇乡村州", d.text[t.End-1]) {
			continue
		}
		out = append(out, article.Entity{Kind: "place", Text: d.str(t.Start, t.End), Start: t.Start, End: t.End})
		seen[span{t.Start, t.End}] = true
	}
	return out
}

// persons finds people: 杨某 and 叶某某 (names withheld by the press), a name
// after a title (局长刘绍武介绍), and person-name tokens that look like names.
func (x *Extractor) persons(d *doc, seen map[span]bool) []article.Entity {
	text := d.text
	var out []article.Entity
	inOrg := func(s, e int) bool {
		for _, o := range d.orgs {
			if s < o.End && e > o.Start {
				return true
			}
		}
		return false
	}
	add := func(s, e int) {
		if s < 0 || e > len(text) || seen[span{s, e}] || inOrg(s, e) || notName[d.str(s, e)] {
			return
		}
		for _, o := range out {
			if s < o.End && e > o.Start {
				return
			}
		}
		seen[span{s, e}] = true
		out = append(out, article.Entity{Kind: "person", Text: d.str(s, e), Start: s, End: e})
	}
	followsName := func(i int) bool {
		r := runeAt(text, i)
		return r == 0 || !isHan(r) || strings.ContainsRune(nameFollowers, r)
	}
	for i := 1; i < len(text); i++ {
		if text[i] != '某' || !strings.ContainsRune(surnames, text[i-1]) {
			continue
		}
		e := i + 1
		if runeAt(text, e) == '某' {
			e++
		} else if !followsName(e) {
			continue // 某酒店: "a certain hotel"
		}
		add(i-1, e)
	}
	for i := 0; i < len(text); i++ {
		if t, _, ok := x.rules.titles.matchAt(text, i); ok {
			s := i + len([]rune(t))
			if !strings.ContainsRune(surnames, runeAt(text, s)) || runeAt(text, s+1) == '某' {
				continue
			}
			for _, n := range []int{2, 3} {
				e := s + n
				if e <= len(text) && allHan(text[s:e]) && followsName(e) {
					add(s, e)
					break
				}
			}
		}
	}
	for _, t := range d.tokens {
		n := t.End - t.Start
		if !strings.HasPrefix(t.POS, "nr") || n < 2 || n > 3 || !allHan(text[t.Start:t.End]) {
			continue
		}
		if !strings.ContainsRune(surnames, text[t.Start]) || !followsName(t.End) || !isBoundaryBefore(text, t.Start) || notName[d.str(t.Start, t.End)] {
			continue
		}
		add(t.Start, t.End)
	}
	return out
}

func allHan(rs []rune) bool {
	for _, r := range rs {
		if !isHan(r) {
			return false
		}
	}
	return len(rs) > 0
}

// isBoundaryBefore tells a name start: after punctuation, or after a word
// that introduces a name (女子, 民警, 司机 are handled as titles).
func isBoundaryBefore(text []rune, i int) bool {
	r := runeAt(text, i-1)
	return r == 0 || !isHan(r) || strings.ContainsRune("人警长者和与及、", r)
}

// genericOrgWord tells words that make a unit generic rather than named:
// 全市所有派出所, 各区分局, 基层所队.
func genericOrgWord(w string) bool {
	for _, p := range []string{"全", "各", "所有", "该", "本", "基层", "辖区", "其他", "相关", "有关", "专职", "义务"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}
