package extract

import (
	"strings"

	"github.com/casewire/casewire/pkg/article"
)

// nation is the region of a national statistic: the country is a region too,
// with no division code.
var nation = article.Region{Text: "全国", Name: "中国", Level: "country", Status: "resolved"}

// areaScopes are the words that give a statistic the whole area of the
// authority reporting it: 全市共立刑事案件… is the city's figure.
var areaScopes = []string{"全市", "全区", "全省", "全盟", "全州", "全县", "全旗"}

// scopedRegion is the region of a figure at n in sentence s. A statistic of
// 全国 (全国公安机关共立刑事案件…) belongs to the country, not to the place of
// the dateline or the source; one of 全市, 全省 ... that the places did not
// resolve belongs to the area of the police unit that reports it. A place
// named between the scope word and the figure wins over the scope.
func (d *doc) scopedRegion(s span, n number, org string) article.Region {
	r := d.places.at(n.Start)
	if !hasRune(d.text[s.Start:n.Start], '全') {
		return r
	}
	before := d.str(s.Start, n.Start)
	q, word := -1, ""
	if i := strings.LastIndex(before, "全国"); i >= 0 {
		q, word = s.Start+len([]rune(before[:i])), "全国"
	}
	for _, w := range areaScopes {
		if i := strings.LastIndex(before, w); i >= 0 {
			if at := s.Start + len([]rune(before[:i])); at > q {
				q, word = at, w
			}
		}
	}
	if q < 0 {
		return r
	}
	for _, m := range d.places.mentions() {
		if m.Start > q+1 && m.Start < n.Start && m.Kind != "anaphor" && m.Region.Status == "resolved" {
			return r // 全国…内蒙古自治区共立案…: the place named later
		}
	}
	if word == "全国" {
		return nation
	}
	if r.Status != "resolved" && org != "" {
		if o := d.places.org(org); o.Status == "resolved" {
			o.Text = word
			return o
		}
	}
	return r
}

// emergencyWords name an accident, disaster or attack in words the category
// table does not hold as a crime: 矿井透水事故, 客轮沉没, 楼房坍塌.
var emergencyWords = []string{"事故", "事件", "袭击", "灾", "坍塌", "垮塌", "透水", "沉没", "爆炸", "火灾", "大火", "中毒", "地震", "车祸", "相撞", "侧翻", "坠"}

// tollInScope tells whether an article the police vocabulary did not make
// public-security news still is: a report of a traffic accident, fire,
// explosion, poisoning, disaster or attack that gives a toll (people dead,
// hurt, missing, trapped, poisoned or caught, or an explicit zero of them).
// Such reports are what public-security and emergency bulletins count.
func tollInScope(d *doc) bool {
	if !hasToll(d.facts) {
		return false
	}
	if d.incident != "" {
		return true
	}
	return containsAny(d.c.Title, emergencyWords) || containsAny(string(d.text), emergencyWords)
}

// hasToll tells whether a total fact counts people hurt, lost or caught.
func hasToll(fs []article.Fact) bool {
	for _, f := range fs {
		if tollIndicators[f.Indicator] && f.Role == article.RoleTotal && !strings.HasPrefix(f.Subject, "涉案") {
			return true
		}
	}
	return false
}
