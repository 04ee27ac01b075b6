package gazetteer

import "sort"

// DictWord is a word for the segmenter's user dictionary (gse AddToken).
type DictWord struct {
	Text string
	Freq float64
	POS  string
}

// Frequencies given to the segmenter: high enough that a place name beats
// the split the base dictionary would choose (海勃湾 as a person name, 海勃湾区
// cut in two), full names above short forms.
const (
	freqFullName = 2000
	freqAlias    = 1000
)

func buildDict(ix index) []DictWord {
	out := make([]DictWord, 0, len(ix.entries))
	for key, k := range ix.keys {
		if k < 0 {
			continue
		}
		e := &ix.entries[k]
		if e.anaphor != "" || len(e.cands) == 0 {
			continue
		}
		freq, keep := 0.0, false
		for _, c := range e.cands {
			switch {
			case !c.alias:
				freq, keep = freqFullName, true
			case !c.weak:
				freq, keep = max(freq, freqAlias), true
			}
		}
		// Weak short forms stay out: tagging 来宾 ("guest") as a place
		// everywhere would hurt more than it helps.
		if keep {
			out = append(out, DictWord{Text: key, Freq: freq, POS: "ns"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Text < out[j].Text })
	return out
}

// DictWords returns every place name and short form with POS "ns", sorted,
// for the segmenter's dictionary. The slice is shared: do not modify it.
func (g *Gazetteer) DictWords() []DictWord { return g.dict }
