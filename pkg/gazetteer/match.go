package gazetteer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mention kinds.
const (
	KindPlace   = "place"
	KindOrg     = "org"
	KindAnaphor = "anaphor"
)

// found is a mention while it is being resolved.
type found struct {
	start, end int // runes
	text       string
	kind       string
	entry      int32  // index entry, for places and anaphors
	cands      []cand // divisions still possible
	node       int32  // resolved division, -1 if none
	status     string
	drop       bool
}

// runeText is a text with the byte offset of every rune, so rune offsets
// and substrings cost nothing during the scan.
type runeText struct {
	s     string
	at    []int // byte offset of rune i; at[n] == len(s)
	runes []rune
}

func newRuneText(s string) runeText {
	n := utf8.RuneCountInString(s)
	t := runeText{s: s, at: make([]int, 0, n+1), runes: make([]rune, 0, n)}
	for i, r := range s {
		t.at = append(t.at, i)
		t.runes = append(t.runes, r)
	}
	t.at = append(t.at, len(s))
	return t
}

func (t *runeText) n() int { return len(t.runes) }

func (t *runeText) sub(i, j int) string { return t.s[t.at[i]:t.at[j]] }

func (t *runeText) rune(i int) rune {
	if i < 0 || i >= len(t.runes) {
		return 0
	}
	return t.runes[i]
}

// hasAt reports whether word is written at rune offset i.
func (t *runeText) hasAt(i int, word string) bool {
	return i <= len(t.runes) && strings.HasPrefix(t.s[t.at[i]:], word)
}

// nameContinues holds characters that, right after a short form, show the
// short form is part of a longer name: 科尔沁 in 科尔沁旗 is not 科尔沁区,
// 长春 in 长春路 is a street, 乌海 in 乌海湖 a lake, 蒙古 in 蒙古族 a people.
const nameContinues = "市县区旗盟州镇乡村族路街巷屯庄湖江河山岛港"

// leftBoundary holds function characters after which a two-character full
// name (涉县, 沛县) may start; elsewhere a Han character before it probably
// belongs to the same word (形成县域).
const leftBoundary = "在于到至从往赴的和与及、是里位将对向由自经赶去来"

// Characters that make 全/该 + 市/区 part of another word: 健全市场,
// 安全区域, 该区域, 区别.
const (
	anaphorBadBefore = "健完安齐周保万成顾俱两双十"
	anaphorBadAfterM = "场"
	anaphorBadAfterQ = "域别分间划块"
)

// match finds the longest acceptable name or anaphor at every position, left
// to right, without overlaps.
func (g *Gazetteer) match(t *runeText) []found {
	var out []found
	lastEnd := -1
	n := t.n()
	for i := 0; i < n; {
		if !g.ix.starts(t.runes[i]) {
			i++
			continue
		}
		best, bestEnd := int32(-1), 0
		for j := i + 1; j <= n && j-i <= g.ix.maxLen; j++ {
			k, ok := g.ix.keys[t.sub(i, j)]
			if !ok {
				break
			}
			if k >= 0 && g.accept(t, k, i, j, lastEnd) {
				best, bestEnd = k, j
			}
		}
		if best < 0 {
			i++
			continue
		}
		e := &g.ix.entries[best]
		f := found{start: i, end: bestEnd, text: t.sub(i, bestEnd), entry: best, node: -1, kind: KindPlace, cands: e.cands}
		if e.anaphor != "" {
			f.kind, f.cands = KindAnaphor, nil
		}
		out = append(out, f)
		lastEnd, i = bestEnd, bestEnd
	}
	return out
}

// accept applies the boundary rules to a key matched at [i, j).
func (g *Gazetteer) accept(t *runeText, k int32, i, j, lastEnd int) bool {
	e := &g.ix.entries[k]
	before, after := t.rune(i-1), t.rune(j)
	if e.anaphor != "" {
		if strings.ContainsRune(anaphorBadBefore, before) && t.runes[i] == '全' {
			return false
		}
		switch e.anaphor {
		case "市":
			return !strings.ContainsRune(anaphorBadAfterM, after)
		case "区", "自治区":
			return !strings.ContainsRune(anaphorBadAfterQ, after)
		}
		return true
	}
	allAlias := true
	for _, c := range e.cands {
		if !c.alias {
			allAlias = false
			break
		}
	}
	if allAlias && after != 0 && strings.ContainsRune(nameContinues, after) {
		return false
	}
	if e.shortFull && allAliasOr(e, false) && lastEnd != i && unicode.Is(unicode.Han, before) &&
		!strings.ContainsRune(leftBoundary, before) {
		return false
	}
	return true
}

// allAliasOr reports whether every candidate's alias flag equals want.
func allAliasOr(e *entry, want bool) bool {
	for _, c := range e.cands {
		if c.alias != want {
			return false
		}
	}
	return true
}
