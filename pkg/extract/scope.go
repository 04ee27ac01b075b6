package extract

import (
	"strings"

	"github.com/casewire/casewire/pkg/article"
)

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
