package extract

import (
	"fmt"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/gazetteer"
)

// mention is a place or organisation the place source found in a body.
type mention struct {
	Text       string
	Start, End int
	Kind       string // place, org, anaphor
	Region     article.Region
}

// placeSource finds places in an article; the gazetteer implements it, and
// noPlaces stands in when none is configured.
type placeSource interface {
	scan(body, hint string) placeScan
}

// placeScan is what a place source found in one article.
type placeScan interface {
	mentions() []mention
	at(offset int) article.Region // region in force at a rune offset
	main() article.Region
	org(name string) article.Region
}

type noPlaces struct{}

func (noPlaces) scan(_, hint string) placeScan { return hintOnly(hint) }

// hintOnly answers every question with the source's region hint, unresolved.
type hintOnly string

func (h hintOnly) mentions() []mention { return nil }
func (h hintOnly) at(int) article.Region {
	return h.main()
}
func (h hintOnly) main() article.Region {
	if h == "" {
		return article.Region{Status: "none"}
	}
	return article.Region{Text: string(h), Name: string(h), Status: "unknown"}
}
func (h hintOnly) org(string) article.Region { return h.main() }

// usePlaces wires the gazetteer from opts when there is one and teaches the
// segmenter its place names, so 海勃湾 is one word and not a person.
func (x *Extractor) usePlaces(opts Options) error {
	if opts.Places == nil {
		return nil
	}
	for _, w := range opts.Places.DictWords() {
		if err := x.seg.AddToken(w.Text, w.Freq, w.POS); err != nil {
			return fmt.Errorf("add place %q: %w", w.Text, err)
		}
	}
	x.places = gazPlaces{opts.Places}
	return nil
}

// gazPlaces adapts the gazetteer to placeSource.
type gazPlaces struct{ g *gazetteer.Gazetteer }

func (p gazPlaces) scan(body, hint string) placeScan { return gazScan{p.g.Scan(body, hint)} }

type gazScan struct{ p *gazetteer.Places }

func (s gazScan) mentions() []mention {
	ms := s.p.Mentions()
	out := make([]mention, len(ms))
	for i, m := range ms {
		out[i] = mention{Text: m.Text, Start: m.Start, End: m.End, Kind: m.Kind, Region: m.Region}
	}
	return out
}
func (s gazScan) at(offset int) article.Region   { return s.p.At(offset) }
func (s gazScan) main() article.Region           { return s.p.Main() }
func (s gazScan) org(name string) article.Region { return s.p.Org(name) }
