package gazetteer

import (
	"strings"
	"unicode/utf8"
)

// cand is one division a written name may stand for.
type cand struct {
	node  int32
	alias bool // matched a short form, not the full name
	weak  bool // short form that is also an ordinary word
}

// entry is what a key of the index means: divisions, or an anaphor.
type entry struct {
	cands []cand
	// anaphor is the division suffix an anaphor refers back to ("市" for
	// 该市, "区" for 全区); empty for names.
	anaphor string
	// shortFull marks two-character full names (涉县, 沛县): they need a
	// word boundary on the left, as 成县 hides in 形成县域.
	shortFull bool
}

// index maps every name, alias and anaphor, and every prefix of them, to an
// entry (-1 for a prefix that is not itself a key). Walking the text rune by
// rune and stopping at the first miss gives longest match in a few lookups
// per position, with no allocation.
type index struct {
	keys    map[string]int32
	entries []entry
	maxLen  int // in runes
	// first has a bit for every BMP character that starts a key, so most
	// positions of a text are passed over without hashing.
	first [1 << 16 / 64]uint64
}

// starts reports whether some key begins with r.
func (ix *index) starts(r rune) bool {
	return r < 1<<16 && ix.first[r>>6]&(1<<(r&63)) != 0
}

// anaphors maps the expressions that refer back to a division named earlier
// to the suffix of that division's name.
var anaphors = map[string]string{
	"该市": "市", "全市": "市", "本市": "市", "我市": "市",
	"该县": "县", "全县": "县", "本县": "县", "我县": "县",
	"该旗": "旗", "全旗": "旗", "本旗": "旗", "我旗": "旗",
	"该盟": "盟", "全盟": "盟", "本盟": "盟", "我盟": "盟",
	"该区": "区", "全区": "区", "本区": "区", "我区": "区",
	"该省": "省", "全省": "省", "本省": "省", "我省": "省",
	"该州": "州", "本州": "州", "该镇": "镇", "全镇": "镇", "本镇": "镇",
	"该乡": "乡", "全乡": "乡", "本乡": "乡", "该苏木": "苏木", "全苏木": "苏木",
	// In a region's own press 自治区 alone (自治区公安厅) is that region.
	"自治区": "自治区",
}

func buildIndex(nodes []node) index {
	ix := index{keys: make(map[string]int32, 200000)}
	put := func(key string, c cand) {
		k, ok := ix.keys[key]
		if !ok || k < 0 {
			k = int32(len(ix.entries))
			ix.entries = append(ix.entries, entry{shortFull: false})
			ix.keys[key] = k
		}
		e := &ix.entries[k]
		for _, have := range e.cands {
			if have.node == c.node {
				return
			}
		}
		e.cands = append(e.cands, c)
		if !c.alias && utf8.RuneCountInString(key) == 2 {
			e.shortFull = true
		}
	}
	for i := range nodes {
		n := &nodes[i]
		if n.placeholder {
			continue
		}
		name := n.div.Name
		runes := utf8.RuneCountInString(name)
		if n.lv == lvTownship && !isTownshipName(name) {
			continue
		}
		if !genericNames[name] && !(n.lv == lvTownship && runes < 3) && !strings.ContainsAny(name, "（()") {
			put(name, cand{node: int32(i)})
		}
		if s := shortForm(name, n.lv); s != "" && !genericNames[s] {
			put(s, cand{node: int32(i), alias: true, weak: weakAliases[s]})
		}
	}
	for a, suf := range anaphors {
		k := int32(len(ix.entries))
		ix.entries = append(ix.entries, entry{anaphor: suf})
		// An anaphor never shares a key with a name: 自治区 is no division.
		ix.keys[a] = k
	}
	var prefixes []string
	for key := range ix.keys {
		if r, _ := utf8.DecodeRuneInString(key); r < 1<<16 {
			ix.first[r>>6] |= 1 << (r & 63)
		}
		n := 0
		for i := range key {
			if i > 0 {
				prefixes = append(prefixes, key[:i])
			}
			n++
		}
		if n > ix.maxLen {
			ix.maxLen = n
		}
	}
	for _, p := range prefixes {
		if _, ok := ix.keys[p]; !ok {
			ix.keys[p] = -1
		}
	}
	return ix
}
