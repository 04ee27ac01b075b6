package clean

import "strings"

// draft is an article being assembled from the page's items.
type draft struct {
	title, subtitle string
	titled          bool
	paras           []item
	secs            []secMark
	captions        []string
	bylines         []string
	closed          bool // a byline ended the article's text
	awaitingSub     bool // a section heading waits for its "###" subtitle
}

type secMark struct {
	heading string
	para    int // index of the section's first paragraph
}

// splitArticles cuts the items into articles. A "#" heading starts an
// article. A "##" heading starts one too, except inside an open article (no
// byline yet) when a "###" subtitle follows it: then it is a section of that
// article, as print pages set sections. A byline closes an article's text, so
// the next "##" title is a new article even if a subtitle follows it.
func splitArticles(items []item) []*draft {
	var out []*draft
	var cur *draft
	start := func(title string) {
		cur = &draft{title: title, titled: title != ""}
		out = append(out, cur)
	}
	for i, it := range items {
		switch {
		case it.kind == kindHeading && it.level == 1:
			start(it.t.String())
		case it.kind == kindHeading && it.level == 2:
			switch {
			case cur != nil && !cur.closed && len(cur.paras) > 0 && nextIsSubheading(items, i):
				cur.secs = append(cur.secs, secMark{heading: it.t.String(), para: len(cur.paras)})
				cur.awaitingSub = true
			case cur != nil && cur.titled && len(cur.paras) == 0 && cur.subtitle == "" && len(cur.secs) == 0:
				cur.subtitle = it.t.String()
			default:
				start(it.t.String())
			}
		case it.kind == kindHeading:
			switch {
			case cur == nil:
				start(it.t.String())
			case cur.awaitingSub:
				s := &cur.secs[len(cur.secs)-1]
				s.heading += "——" + it.t.String()
				cur.awaitingSub = false
			case cur.titled && len(cur.paras) == 0 && cur.subtitle == "" && len(cur.secs) == 0:
				cur.subtitle = it.t.String()
			default:
				cur.secs = append(cur.secs, secMark{heading: it.t.String(), para: len(cur.paras)})
			}
		case it.caption:
			if cur == nil {
				start("")
			}
			cur.captions = append(cur.captions, it.t.String())
		default:
			if cur == nil {
				start("")
			}
			cur.awaitingSub = false
			p := stripTrailingBylines(it)
			if len(p.byline) > 0 {
				cur.bylines = append(cur.bylines, p.byline...)
				cur.closed = true
			}
			if p.t.len() > 0 {
				cur.paras = append(cur.paras, p)
			}
		}
	}
	return dropEchoedPreamble(out)
}

func nextIsSubheading(items []item, i int) bool {
	for j := i + 1; j < len(items); j++ {
		if items[j].caption {
			continue
		}
		return items[j].kind == kindHeading && items[j].level >= 3
	}
	return false
}

// stripTrailingBylines removes "(张学俭)"-style bylines closing a paragraph;
// a paragraph that is only a byline ends up empty.
func stripTrailingBylines(it item) item {
	for n := 0; n < 4; n++ {
		s := it.t.String()
		m := trailingByline.FindStringSubmatchIndex(s)
		if m == nil || !terminalBefore(s[:m[0]]) {
			break
		}
		it.byline = append([]string{tidyByline(s[m[2]:m[3]])}, it.byline...)
		it.t = it.t.slice(0, runeIndex(it.t, m[0])).trim()
	}
	return it
}

// dropEchoedPreamble drops untitled text ahead of the first titled article
// when that article repeats it (a page-top teaser of the lead story).
func dropEchoedPreamble(ds []*draft) []*draft {
	if len(ds) < 2 || ds[0].titled {
		return ds
	}
	next := compactParas(ds[1].paras)
	for _, p := range ds[0].paras {
		if !strings.Contains(next, compact(p.t.String())) {
			return ds
		}
	}
	return ds[1:]
}

func compactParas(ps []item) string {
	var sb strings.Builder
	for _, p := range ps {
		sb.WriteString(compact(p.t.String()))
	}
	return sb.String()
}
