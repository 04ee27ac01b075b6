package gazetteer

import (
	"sort"

	"github.com/casewire/casewire/pkg/article"
)

// Mention is a place, police unit or anaphor found in a text.
type Mention struct {
	Text       string         // as written
	Start, End int            // offsets in characters (runes) of the scanned text
	Kind       string         // "place", "org" (police unit / organisation with a jurisdiction), "anaphor" (该市, 全市 ...)
	Region     article.Region // resolved (Status "resolved"), or Status "ambiguous"/"unknown" with Code empty
}

// Places is what Scan found in one text. It is immutable.
type Places struct {
	g        *Gazetteer
	mentions []Mention
	resolved []int // indexes of resolved mentions, by Start
	main     article.Region
	ctx      []int32 // hint and resolved divisions, to read organisation names in context
}

// Scan finds and resolves the places of one article. hint is the source's
// default region or outlet name (内蒙古自治区, 乌海公安), read for place
// names itself; it may be "".
func (g *Gazetteer) Scan(text, hint string) *Places {
	var hintNodes []int32
	if hint != "" {
		hintNodes = g.hintNodes(hint)
	}
	return g.scan(text, hintNodes)
}

// hintNodes reads the places in a hint: a region name or an outlet.
func (g *Gazetteer) hintNodes(hint string) []int32 {
	p := g.scan(hint, nil)
	var out []int32
	for _, m := range p.mentions {
		if m.Region.Status == StatusResolved && m.Kind != KindAnaphor {
			out = append(out, g.byCode[m.Region.Code])
		}
	}
	return out
}

func (g *Gazetteer) scan(text string, hint []int32) *Places {
	t := newRuneText(text)
	fs := g.match(&t)
	g.resolvePlaces(fs, hint)
	orgs := g.findOrgs(&t, fs)
	main := g.mainNode(fs, orgs, hint)
	all := make([]found, 0, len(fs)+len(orgs))
	for _, f := range fs {
		if !f.drop {
			all = append(all, f)
		}
	}
	all = append(all, orgs...)
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].start != all[j].start {
			return all[i].start < all[j].start
		}
		return all[i].end > all[j].end
	})
	g.resolveAnaphors(&t, all, hint, main)

	p := &Places{g: g, mentions: make([]Mention, len(all)), ctx: append([]int32(nil), hint...)}
	for i := range all {
		f := &all[i]
		m := Mention{Text: f.text, Start: f.start, End: f.end, Kind: f.kind}
		if f.node >= 0 {
			m.Region = g.nodes[f.node].region(f.text, StatusResolved)
			p.resolved = append(p.resolved, i)
			p.ctx = append(p.ctx, f.node)
		} else {
			st := f.status
			if st == "" {
				st = StatusUnknown
			}
			m.Region = article.Region{Text: f.text, Status: st}
		}
		p.mentions[i] = m
	}
	if main >= 0 {
		p.main = g.nodes[main].region(g.nodes[main].div.Name, StatusResolved)
	} else {
		p.main = article.Region{Status: StatusNone}
	}
	return p
}

// Mentions returns the mentions in text order; an organisation comes before
// the places inside its name. The slice is shared: do not modify it.
func (p *Places) Mentions() []Mention { return p.mentions }

// At returns the region in force at a character offset: the nearest
// resolved mention starting at or before it, else Main.
func (p *Places) At(offset int) article.Region {
	k := sort.Search(len(p.resolved), func(i int) bool {
		return p.mentions[p.resolved[i]].Start > offset
	})
	if k > 0 {
		return p.mentions[p.resolved[k-1]].Region
	}
	return p.main
}

// Main returns the article's main place: Status "none" when it names no
// place and the hint names none either.
func (p *Places) Main() article.Region { return p.main }

// Org returns the jurisdiction of a police unit's name, read in the
// article's context (分局 names resolve against the article's places).
func (p *Places) Org(name string) article.Region {
	for _, m := range p.mentions {
		if m.Kind == KindOrg && m.Text == name {
			return m.Region
		}
	}
	q := p.g.scan(name, p.ctx)
	var best article.Region
	for _, m := range q.mentions {
		if m.Kind == KindOrg && m.Start == 0 {
			return withText(m.Region, name)
		}
		if m.Kind == KindPlace && m.Region.Status == StatusResolved {
			best = m.Region
		}
	}
	if best.Status == StatusResolved {
		return withText(best, name)
	}
	return article.Region{Text: name, Status: StatusUnknown}
}

func withText(r article.Region, text string) article.Region {
	r.Text = text
	return r
}
