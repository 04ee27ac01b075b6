package gazetteer

import (
	"strings"
	"unicode"
)

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// suffixMatch returns the division in d's chain, from d upwards, whose name
// ends with the anaphor's suffix (该市 after 海勃湾区 is 乌海市), or -1. 区
// means a district: the autonomous region is 自治区's business.
func (g *Gazetteer) suffixMatch(d int32, suffix string) int32 {
	n := &g.nodes[d]
	for l := n.lv; l >= 0; l-- {
		a := n.anc[l]
		if a < 0 {
			continue
		}
		an := &g.nodes[a]
		if an.placeholder {
			continue
		}
		if suffix == "区" && l != lvCounty {
			continue
		}
		if strings.HasSuffix(an.div.Name, suffix) {
			return a
		}
	}
	return -1
}

// resolveAnaphors points each 该市, 全县, 全区 ... at the nearest division of
// the right kind named before it; failing that, the hint's, then the
// article's main place. 全区 and 自治区 with no district named before mean
// the autonomous region the article is in (the usage of Inner Mongolia's,
// Guangxi's ... press).
func (g *Gazetteer) resolveAnaphors(t *runeText, fs []found, hint []int32, main int32) {
	for i := range fs {
		a := &fs[i]
		if a.kind != KindAnaphor {
			continue
		}
		suffix := g.ix.entries[a.entry].anaphor
		a.node, a.status = g.lookBack(fs, i, suffix, limit(t, a))
		if a.status != "" {
			continue
		}
		if suffix == "区" || suffix == "自治区" {
			if p := g.regionProvince(fs, i, hint, main); p >= 0 {
				a.node, a.status = p, StatusResolved
				continue
			}
			a.status = StatusUnknown
			continue
		}
		a.status = StatusUnknown
		for _, h := range append(append([]int32(nil), hint...), main) {
			if h < 0 {
				continue
			}
			if d := g.suffixMatch(h, suffix); d >= 0 {
				a.node, a.status = d, StatusResolved
				break
			}
		}
	}
}

// lookBack walks back from mention i to the nearest place or organisation
// that can be meant. An undecided name that could be meant makes the
// anaphor undecided too, rather than skipping to an older place.
//
// With paraOnly (全区, 本区, 我区) only the same paragraph is searched: in an
// autonomous region's press these mean the region unless a district was
// just named.
func (g *Gazetteer) lookBack(fs []found, i int, suffix string, paraOnly int) (int32, string) {
	if suffix == "自治区" {
		return -1, ""
	}
	for j := i - 1; j >= 0; j-- {
		f := &fs[j]
		if f.drop || f.kind == KindAnaphor {
			continue
		}
		if f.end <= paraOnly {
			break
		}
		if f.node >= 0 {
			if d := g.suffixMatch(f.node, suffix); d >= 0 {
				return d, StatusResolved
			}
			continue
		}
		for _, c := range f.cands {
			if g.suffixMatch(c.node, suffix) >= 0 {
				return -1, StatusAmbiguous
			}
		}
	}
	return -1, ""
}

// regionProvince is the autonomous region an article is in: the province
// of the nearest resolved place before i, else the hint's, else the main
// place's, when that province is an autonomous region.
func (g *Gazetteer) regionProvince(fs []found, i int, hint []int32, main int32) int32 {
	tries := append(append([]int32(nil), hint...), main)
	for j := i - 1; j >= 0; j-- {
		if fs[j].node >= 0 && !fs[j].drop && fs[j].kind != KindAnaphor {
			tries = append(tries, fs[j].node)
			break
		}
	}
	for _, d := range tries {
		if d < 0 {
			continue
		}
		p := g.nodes[d].anc[lvProvince]
		if strings.HasSuffix(g.nodes[p].div.Name, "自治区") {
			return p
		}
		return -1
	}
	return -1
}

// limit is where the look-back of an anaphor stops: the start of its
// paragraph for the whole-region forms 全区, 本区, 我区, else -1.
func limit(t *runeText, a *found) int {
	if a.text == "该区" || !strings.HasSuffix(a.text, "区") {
		return -1
	}
	for i := a.start - 1; i >= 0; i-- {
		if t.runes[i] == '\n' {
			return i
		}
	}
	return -1
}
