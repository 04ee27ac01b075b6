package gazetteer

// mainNode picks the article's main place: every resolved place and
// organisation votes for its division and all its ancestors (the hint gets
// one vote too); from the province with most votes it descends to the
// child with most votes while that child holds at least half of its
// parent's, so a city named throughout wins over a district named once.
func (g *Gazetteer) mainNode(fs, orgs []found, hint []int32) int32 {
	votes := map[int32]int{}
	first := map[int32]int{}
	vote := func(d int32, at int) {
		n := &g.nodes[d]
		for l := 0; l <= n.lv; l++ {
			a := n.anc[l]
			if a < 0 || g.nodes[a].placeholder {
				continue
			}
			votes[a]++
			if _, ok := first[a]; !ok {
				first[a] = at
			}
		}
	}
	for _, h := range hint {
		vote(h, -1)
	}
	for _, set := range [][]found{fs, orgs} {
		for i := range set {
			if f := &set[i]; f.node >= 0 && !f.drop && f.kind != KindAnaphor {
				vote(f.node, f.start)
			}
		}
	}
	if len(votes) == 0 {
		return -1
	}
	cur := int32(-1)
	for {
		best, bestV, tie := int32(-1), 0, false
		for d, v := range votes {
			if g.parentOf(d) != cur {
				continue
			}
			switch {
			case v > bestV || (v == bestV && cur < 0 && first[d] < first[best]):
				best, bestV, tie = d, v, false
			case v == bestV && cur >= 0:
				tie = true
			}
		}
		if best < 0 || tie || (cur >= 0 && 2*bestV < votes[cur]) {
			return cur
		}
		cur = best
	}
}

// parentOf is the nearest ancestor that is not a placeholder city, -1 for
// a province.
func (g *Gazetteer) parentOf(d int32) int32 {
	n := &g.nodes[d]
	for l := n.lv - 1; l >= 0; l-- {
		if a := n.anc[l]; a >= 0 && !g.nodes[a].placeholder {
			return a
		}
	}
	return -1
}
