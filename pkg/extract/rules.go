package extract

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

//go:embed rules/*.tsv rules/*.txt
var rulesFS embed.FS

// indicatorRule is one line of rules/indicators.tsv.
type indicatorRule struct {
	Word, Indicator string
	Strong          bool
	Before, After   bool // where the word may stand relative to the number
	Subject, Unit   string
	Incident        bool // takes the article's incident type when it names no category
}

// unitRule is one line of rules/units.tsv.
type unitRule struct {
	Text, Kind, Unit string
}

// qualifierRule is one line of rules/qualifiers.tsv.
type qualifierRule struct {
	Text, Position, Canonical string
}

// changeRule is one line of rules/changes.tsv.
type changeRule struct {
	Text, Kind, Value string
}

// ruleSet holds every table the extractor reads; built once by New and never
// changed afterwards, so an Extractor is safe for concurrent use.
type ruleSet struct {
	indicators *lexicon[indicatorRule]
	// byIndicator is the first rule of each indicator, for a part (其中酒驾1320起)
	// counted as its total is.
	byIndicator map[string]indicatorRule
	units       *lexicon[unitRule]
	preQual     *lexicon[qualifierRule]
	postQual    *lexicon[qualifierRule]
	tailQual    *lexicon[qualifierRule]
	basis       *lexicon[changeRule]
	direction   *lexicon[changeRule]
	categories  *lexicon[string]
	police      *lexicon[policeWord]
	orgs        *lexicon[string]
	titles      *lexicon[struct{}]
	trim        []string
	dict        []dictWord
	zeros       zeroRules
	countries   *lexicon[string]
}

// policeWord is one line of rules/police.tsv.
type policeWord struct {
	Weight   int
	Casualty bool // counts only beside a crime or incident word
}

type dictWord struct {
	Text string
	Freq float64
	POS  string
}

// lexicon finds the longest entry starting or ending at a rune offset,
// comparing runes in place: it runs at every character of every article, so
// it must not allocate.
type lexicon[T any] struct {
	byFirst map[rune][]lexEntry[T] // longest first
	byLast  map[rune][]lexEntry[T]
}

type lexEntry[T any] struct {
	runes []rune
	word  string
	v     T
}

func newLexicon[T any]() *lexicon[T] {
	return &lexicon[T]{byFirst: map[rune][]lexEntry[T]{}, byLast: map[rune][]lexEntry[T]{}}
}

func (l *lexicon[T]) add(word string, v T) {
	rs := []rune(word)
	if len(rs) == 0 {
		return
	}
	e := lexEntry[T]{runes: rs, word: word, v: v}
	insert := func(m map[rune][]lexEntry[T], k rune) {
		list := m[k]
		for i := range list {
			if list[i].word == word {
				list[i] = e // a later line overrides an earlier one
				return
			}
		}
		list = append(list, e)
		sort.SliceStable(list, func(a, b int) bool { return len(list[a].runes) > len(list[b].runes) })
		m[k] = list
	}
	insert(l.byFirst, rs[0])
	insert(l.byLast, rs[len(rs)-1])
}

// matchAt returns the longest entry that starts at text[i].
func (l *lexicon[T]) matchAt(text []rune, i int) (string, T, bool) {
	var zero T
	if i < 0 || i >= len(text) {
		return "", zero, false
	}
	for _, e := range l.byFirst[text[i]] {
		if i+len(e.runes) <= len(text) && equalRunes(text[i:i+len(e.runes)], e.runes) {
			return e.word, e.v, true
		}
	}
	return "", zero, false
}

// matchEnd returns the longest entry that ends just before text[end].
func (l *lexicon[T]) matchEnd(text []rune, end int) (string, T, bool) {
	var zero T
	if end <= 0 || end > len(text) {
		return "", zero, false
	}
	for _, e := range l.byLast[text[end-1]] {
		if n := len(e.runes); n <= end && equalRunes(text[end-n:end], e.runes) {
			return e.word, e.v, true
		}
	}
	return "", zero, false
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func loadRules() (*ruleSet, error) {
	rs := &ruleSet{
		indicators:  newLexicon[indicatorRule](),
		byIndicator: map[string]indicatorRule{},
		units:       newLexicon[unitRule](),
		preQual:     newLexicon[qualifierRule](),
		postQual:    newLexicon[qualifierRule](),
		tailQual:    newLexicon[qualifierRule](),
		basis:       newLexicon[changeRule](),
		direction:   newLexicon[changeRule](),
		categories:  newLexicon[string](),
		police:      newLexicon[policeWord](),
		orgs:        newLexicon[string](),
		titles:      newLexicon[struct{}](),
		countries:   newLexicon[string](),
	}
	for _, t := range titleWords {
		rs.titles.add(t, struct{}{})
	}
	load := func(name string, cols int, fn func([]string) error) error {
		f, err := rulesFS.Open("rules/" + name)
		if err != nil {
			return fmt.Errorf("open rules %s: %w", name, err)
		}
		defer f.Close()
		if err := readTable(f, cols, fn); err != nil {
			return fmt.Errorf("rules %s: %w", name, err)
		}
		return nil
	}
	steps := []struct {
		name string
		cols int
		fn   func([]string) error
	}{
		{"indicators.tsv", 7, func(c []string) error {
			r := indicatorRule{Word: c[0], Indicator: c[1], Strong: c[2] == "strong", Subject: c[4], Unit: c[5], Incident: c[6] == "incident"}
			switch c[3] {
			case "before":
				r.Before = true
			case "after":
				r.After = true
			case "any":
				r.Before, r.After = true, true
			default:
				return fmt.Errorf("%s: position %q", c[0], c[3])
			}
			rs.indicators.add(c[0], r)
			if _, ok := rs.byIndicator[r.Indicator]; !ok {
				rs.byIndicator[r.Indicator] = r
			}
			return nil
		}},
		{"units.tsv", 3, func(c []string) error {
			u := unitRule{Text: c[0], Kind: c[1], Unit: c[2]}
			if u.Unit == "" {
				u.Unit = u.Text
			}
			rs.units.add(c[0], u)
			return nil
		}},
		{"qualifiers.tsv", 3, func(c []string) error {
			q := qualifierRule{Text: c[0], Position: c[1], Canonical: c[2]}
			switch q.Position {
			case "pre":
				rs.preQual.add(q.Text, q)
			case "post":
				rs.postQual.add(q.Text, q)
			case "tail":
				rs.tailQual.add(q.Text, q)
			default:
				return fmt.Errorf("%s: position %q", q.Text, q.Position)
			}
			return nil
		}},
		{"changes.tsv", 3, func(c []string) error {
			r := changeRule{Text: c[0], Kind: c[1], Value: c[2]}
			switch r.Kind {
			case "basis":
				rs.basis.add(r.Text, r)
			case "dir":
				rs.direction.add(r.Text, r)
			default:
				return fmt.Errorf("%s: kind %q", r.Text, r.Kind)
			}
			return nil
		}},
		{"categories.tsv", 2, func(c []string) error { rs.categories.add(c[0], c[1]); return nil }},
		{"police.tsv", 3, func(c []string) error {
			w, err := strconv.Atoi(c[1])
			if err != nil {
				return fmt.Errorf("%s: weight: %w", c[0], err)
			}
			rs.police.add(c[0], policeWord{Weight: w, Casualty: c[2] == "casualty"})
			return nil
		}},
		{"zeros.tsv", 4, rs.zeros.add},
		{"countries.tsv", 2, func(c []string) error { rs.countries.add(c[0], c[1]); return nil }},
		{"orgs.tsv", 1, func(c []string) error { rs.orgs.add(c[0], c[0]); return nil }},
		{"subject_trim.txt", 1, func(c []string) error { rs.trim = append(rs.trim, c[0]); return nil }},
		{"dict.txt", 1, func(c []string) error {
			w, err := parseDictLine(c)
			if err != nil {
				return err
			}
			rs.dict = append(rs.dict, w)
			return nil
		}},
	}
	for _, s := range steps {
		if err := load(s.name, s.cols, s.fn); err != nil {
			return nil, err
		}
	}
	// Longest first, so "各式各样的" is trimmed before "各".
	sort.Slice(rs.trim, func(i, j int) bool { return len(rs.trim[i]) > len(rs.trim[j]) })
	return rs, nil
}

// readTable reads a tab-separated table: '#' comments and blank lines are
// skipped, short lines padded to cols columns.
func readTable(r io.Reader, cols int, fn func([]string) error) error {
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		for len(c) < cols {
			c = append(c, "")
		}
		for i := range c {
			c[i] = strings.TrimSpace(c[i])
		}
		if c[0] == "" {
			return fmt.Errorf("line %d: empty first column", n)
		}
		if err := fn(c); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
	return sc.Err()
}

// parseDictLine reads "word [freq [pos]]", tab- or space-separated.
func parseDictLine(c []string) (dictWord, error) {
	f := strings.Fields(strings.Join(c, " "))
	w := dictWord{Text: f[0], Freq: 1000, POS: "n"}
	if len(f) > 1 {
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return w, fmt.Errorf("%s: freq: %w", f[0], err)
		}
		w.Freq = v
	}
	if len(f) > 2 {
		w.POS = f[2]
	}
	return w, nil
}

// readDictFile reads a user dictionary file in the dict.txt format.
func readDictFile(name string) ([]dictWord, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open dictionary %s: %w", name, err)
	}
	defer f.Close()
	var out []dictWord
	err = readTable(f, 1, func(c []string) error {
		w, err := parseDictLine(c)
		if err == nil {
			out = append(out, w)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dictionary %s: %w", name, err)
	}
	return out, nil
}
