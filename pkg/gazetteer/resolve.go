package gazetteer

// support scores a candidate division against the context: the deepest
// ancestry it shares with any context division (1 same province, 2 same
// prefecture ...), then how many context divisions share anything with it.
func (g *Gazetteer) support(c int32, ctx []int32) (best, count int) {
	a := &g.nodes[c]
	for _, o := range ctx {
		if o == c {
			continue
		}
		s := shared(a, &g.nodes[o])
		if s > best {
			best = s
		}
		if s > 0 {
			count++
		}
	}
	return best, count
}

// resolvePlaces decides every place mention: a name with one division is
// resolved; a name shared by several is decided by the divisions the other
// mentions and the hint stand for, repeating while decisions feed others.
// Weak short forms need support from the same province or are dropped.
func (g *Gazetteer) resolvePlaces(fs []found, hint []int32) {
	ctx := func(skip int) []int32 {
		out := append([]int32(nil), hint...)
		for i := range fs {
			f := &fs[i]
			if i == skip || f.kind != KindPlace || f.node < 0 || f.drop || g.isWeak(f) {
				continue
			}
			out = append(out, f.node)
		}
		return out
	}
	for i := range fs {
		f := &fs[i]
		if f.kind == KindPlace && len(f.cands) == 1 && !g.isWeak(f) {
			f.node, f.status = f.cands[0].node, StatusResolved
		}
	}
	for round := 0; round < 4; round++ {
		changed := false
		for i := range fs {
			f := &fs[i]
			if f.kind != KindPlace || f.node >= 0 || f.drop {
				continue
			}
			if c := g.decide(f.cands, ctx(i)); c >= 0 {
				f.node, f.status, changed = c, StatusResolved, true
			}
		}
		if !changed {
			break
		}
	}
	for i := range fs {
		f := &fs[i]
		if f.kind != KindPlace || f.node >= 0 {
			continue
		}
		if g.isWeak(f) {
			f.drop = true
			continue
		}
		if c := fallback(g, f.cands); c >= 0 {
			f.node, f.status = c, StatusResolved
			continue
		}
		f.status = StatusAmbiguous
	}
}

// decide picks the candidate the context supports best, or -1 when no
// candidate is supported or two are supported equally.
func (g *Gazetteer) decide(cands []cand, ctx []int32) int32 {
	best, bestN, bestC, tie := 0, 0, int32(-1), false
	for _, c := range cands {
		s, n := g.support(c.node, ctx)
		switch {
		case s > best || (s == best && s > 0 && n > bestN):
			best, bestN, bestC, tie = s, n, c.node, false
		case s == best && n == bestN && s > 0:
			tie = true
		}
	}
	if tie || best == 0 {
		return -1
	}
	return bestC
}

// fallback applies the conventions that decide a name without context: a
// full name beats short forms that happen to be spelt the same, and a short
// form shared by divisions of different levels means the highest one
// (吉林 is 吉林省 before 吉林市, 乌鲁木齐 the city before its county).
// Divisions of the same level stay undecided.
func fallback(g *Gazetteer, cands []cand) int32 {
	full, nFull := int32(-1), 0
	top, nTop, topLv := int32(-1), 0, 4
	for _, c := range cands {
		if !c.alias {
			full, nFull = c.node, nFull+1
			continue
		}
		switch lv := g.nodes[c.node].lv; {
		case lv < topLv:
			top, nTop, topLv = c.node, 1, lv
		case lv == topLv:
			nTop++
		}
	}
	switch {
	case nFull == 1 && len(cands) > 1:
		return full
	case nFull == 0 && nTop == 1:
		return top
	}
	return -1
}

// isWeak reports whether a mention needs support from the context to count
// as a place: weak short forms, and townships' short forms, which are
// often the names of villages, roads or areas elsewhere (五里铺).
func (g *Gazetteer) isWeak(f *found) bool {
	for _, c := range f.cands {
		if !c.weak && !(c.alias && g.nodes[c.node].lv == lvTownship) {
			return false
		}
	}
	return len(f.cands) > 0
}

// under reports whether division d is a or lies inside a.
func (g *Gazetteer) under(d, a int32) bool {
	an := &g.nodes[a]
	return g.nodes[d].anc[an.lv] == a
}
