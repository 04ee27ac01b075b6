package gazetteer

import "strings"

// unitWords end the name of a police or judicial unit after a place:
// 阿鲁科尔沁旗公安局, 乌兰浩特市拘留所. Longest first.
var unitWords = []string{
	"强制隔离戒毒所", "人民检察院", "人民法院", "公安分局", "公安局", "公安厅", "公安处",
	"交警支队", "交警大队", "刑警支队", "刑警大队", "特警支队", "巡警大队",
	"派出所", "拘留所", "看守所", "戒毒所", "警务室", "检察院", "法院",
	"分局", "支队", "大队", "中队",
}

// subUnitWords may follow a few characters of a unit's own name inside an
// organisation already started: 公安局 + 海勃湾分局, 公安局 + 监管支队,
// 分局 + 海北派出所.
var subUnitWords = []string{"派出所", "拘留所", "看守所", "戒毒所", "警务室", "分局", "支队", "大队", "中队"}

// maxUnitGap is how many characters of a sub-unit's own name (海北, 监管,
// 刑侦) may stand before its unit word.
const maxUnitGap = 4

// conjunctions end an organisation's name: 市公安局与城关区分局 is two units.
const conjunctions = "与和及或、"

func wordAt(t *runeText, i int, words []string) int {
	for _, w := range words {
		if t.hasAt(i, w) {
			return len([]rune(w))
		}
	}
	return 0
}

// findOrgs turns a place followed by unit words, possibly with nested
// places and sub-units, into an organisation whose jurisdiction is its most
// specific place: 乌海市公安局海勃湾分局 -> 海勃湾区. A place inside the name
// that is not within the place before it is a unit's own name, not a place
// (海北 in 海勃湾分局海北派出所 is no 海北州).
func (g *Gazetteer) findOrgs(t *runeText, fs []found) []found {
	var orgs []found
	for i := 0; i < len(fs); i++ {
		if fs[i].kind != KindPlace || fs[i].drop {
			continue
		}
		chain := []int{i}
		pos, end, j := fs[i].end, -1, i+1
		sub := int32(-1) // a district named by its short form in a sub-unit
		for {
			if w := wordAt(t, pos, unitWords); w > 0 {
				pos += w
				end = pos
				continue
			}
			if j < len(fs) && fs[j].start == pos && fs[j].kind == KindPlace && !fs[j].drop {
				if g.narrow(&fs[j], &fs[chain[len(chain)-1]]) {
					chain = append(chain, j)
					pos = fs[j].end
					j++
					continue
				}
				if end < 0 {
					break
				}
			}
			if end < 0 {
				break
			}
			name, gap := g.subUnitGap(t, pos)
			if gap == 0 {
				break
			}
			// A place inside the gap that lies within the organisation's
			// place starts a new unit (兰州市公安局与城关区分局); one that
			// does not is part of a sub-unit's name.
			k, nested := j, false
			for ; k < len(fs) && fs[k].start < pos+gap; k++ {
				if fs[k].kind == KindPlace && !fs[k].drop && g.within(&fs[k], &fs[chain[len(chain)-1]]) {
					nested = true
					break
				}
			}
			if nested {
				break
			}
			for ; j < k; j++ {
				if fs[j].kind == KindPlace {
					fs[j].drop = true
				}
			}
			if d := g.childByShortName(t.sub(pos, pos+name), fs[chain[len(chain)-1]].node); d >= 0 && sub < 0 {
				sub = d
			}
			pos += gap
			end = pos
		}
		if end < 0 {
			continue
		}
		o := found{start: fs[i].start, end: end, text: t.sub(fs[i].start, end), kind: KindOrg, node: -1, status: StatusAmbiguous}
		last := &fs[chain[len(chain)-1]]
		switch {
		case sub >= 0:
			o.node, o.status = sub, StatusResolved
		case last.node >= 0:
			o.node, o.status = last.node, StatusResolved
		}
		orgs = append(orgs, o)
		i = j - 1
	}
	return orgs
}

// within reports whether some candidate of next lies inside prev's division.
func (g *Gazetteer) within(next, prev *found) bool {
	if prev.node < 0 {
		return false
	}
	for _, c := range next.cands {
		if c.node != prev.node && g.under(c.node, prev.node) {
			return true
		}
	}
	return false
}

// subUnitGap returns the length of a sub-unit's own name and of the name
// with its unit word, starting at pos (海北派出所: 2, 5), or 0, 0.
func (g *Gazetteer) subUnitGap(t *runeText, pos int) (name, total int) {
	for gap := 1; gap <= maxUnitGap && pos+gap <= t.n(); gap++ {
		r := t.rune(pos + gap - 1)
		if !isHan(r) || strings.ContainsRune(conjunctions, r) {
			return 0, 0
		}
		if w := wordAt(t, pos+gap, subUnitWords); w > 0 {
			return gap, gap + w
		}
	}
	return 0, 0
}

// countySuffixes turn a sub-unit's name into a county's full name.
var countySuffixes = [...]string{"区", "县", "市", "旗"}

// childByShortName finds the county inside parent that a sub-unit is named
// after by its two-character short form, which the index does not take in
// running text (来宾市公安局兴宾分局 -> 兴宾区); -1 if none.
func (g *Gazetteer) childByShortName(name string, parent int32) int32 {
	if parent < 0 || name == "" {
		return -1
	}
	for _, suf := range countySuffixes {
		k, ok := g.ix.keys[name+suf]
		if !ok || k < 0 {
			continue
		}
		for _, c := range g.ix.entries[k].cands {
			if !c.alias && c.node != parent && g.under(c.node, parent) {
				return c.node
			}
		}
	}
	return -1
}

// narrow keeps only the candidates of next that lie inside prev's division
// and reports whether any remain; next is then resolved if one does.
func (g *Gazetteer) narrow(next, prev *found) bool {
	if prev.node < 0 {
		return false
	}
	var keep []cand
	for _, c := range next.cands {
		if g.under(c.node, prev.node) && c.node != prev.node {
			keep = append(keep, c)
		}
	}
	if len(keep) == 0 {
		return false
	}
	next.cands = keep
	if len(keep) == 1 {
		next.node, next.status = keep[0].node, StatusResolved
	} else if next.node >= 0 && !containsNode(keep, next.node) {
		next.node, next.status = -1, StatusAmbiguous
	}
	return true
}

func containsNode(cs []cand, n int32) bool {
	for _, c := range cs {
		if c.node == n {
			return true
		}
	}
	return false
}
