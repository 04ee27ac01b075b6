package extract

import (
	"fmt"
	"unicode/utf8"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/gazetteer"
	"github.com/go-ego/gse"
)

// Version is the extractor's version, written into Extracted.Extractor. Bump
// it when the output for the same input changes.
const Version = "0.2.0"

// Options configures an Extractor.
type Options struct {
	// DictFiles are user dictionary files ("word [freq [pos]]" per line, '#'
	// comments) added to the segmenter at start-up, so places, units and terms
	// can be taught without rebuilding.
	DictFiles []string
	// Places resolves place names and police units to administrative
	// divisions; without it facts carry the source's region hint, unresolved.
	Places *gazetteer.Gazetteer
}

// Extractor turns clean articles into facts. Build one per process with New
// (it loads the segmenter's dictionary, about two seconds) and share it: Extract
// only reads it and is safe for concurrent use.
type Extractor struct {
	seg    *gse.Segmenter
	rules  *ruleSet
	places placeSource
}

// New builds the segmenter from its embedded dictionary, adds the project's
// words and the user's, and loads the rule tables.
func New(opts Options) (*Extractor, error) {
	rules, err := loadRules()
	if err != nil {
		return nil, fmt.Errorf("extract: load rules: %w", err)
	}
	// User files first: a bad one should fail before the slow part.
	words := append([]dictWord(nil), rules.dict...)
	for _, f := range opts.DictFiles {
		ws, err := readDictFile(f)
		if err != nil {
			return nil, fmt.Errorf("extract: %w", err)
		}
		words = append(words, ws...)
	}
	seg, err := gse.NewEmbed("zh_s")
	if err != nil {
		return nil, fmt.Errorf("extract: load segmenter dictionary: %w", err)
	}
	x := &Extractor{seg: &seg, rules: rules, places: noPlaces{}}
	for _, w := range words {
		if err := x.seg.AddToken(w.Text, w.Freq, w.POS); err != nil {
			return nil, fmt.Errorf("extract: add word %q: %w", w.Text, err)
		}
	}
	if err := x.usePlaces(opts); err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	return x, nil
}

// Extract reads one clean article. It never fails on odd text; the error is
// for input it cannot read at all (invalid UTF-8 that clean should have fixed).
func (x *Extractor) Extract(c article.Clean) (article.Extracted, error) {
	out := article.Extracted{Clean: c, Extractor: Version, Facts: []article.Fact{}, Entities: []article.Entity{}}
	if !utf8.ValidString(c.Body) {
		return out, fmt.Errorf("extract %s: body is not valid UTF-8", c.ID)
	}
	d := x.analyse(c)
	out.PublicSecurity = d.publicSecurity
	out.IncidentType = d.incident
	out.Region = d.region
	if d.entities != nil {
		out.Entities = d.entities
	}
	if d.publicSecurity && d.facts != nil {
		out.Facts = d.facts
	}
	return out, nil
}
