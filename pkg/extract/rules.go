package extract

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"io/fs"
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
	units      *lexicon[unitRule]
	preQual    *lexicon[qualifierRule]
	postQual   *lexicon[qualifierRule]
	tailQual   *lexicon[qualifierRule]
	basis      *lexicon[changeRule]
	direction  *lexicon[changeRule]
	categories *lexicon[string]
	police     *lexicon[int]
	orgs       *lexicon[string]
	trim       []string
	dict       []dictWord
}

type dictWord struct {
	Text string
	Freq float64
	POS  string
}

// lexicon finds the longest entry starting at a rune offset.
type lexicon[T any] struct {
	entries map[string]T
	maxLen  int
}

func newLexicon[T any]() *lexicon[T] { return &lexicon[T]{entries: map[string]T{}} }

func (l *lexicon[T]) add(word string, v T) {
	l.entries[word] = v
	if n := len([]rune(word)); n > l.maxLen {
		l.maxLen = n
	}
}

// matchAt returns the longest entry that starts at text[i].
func (l *lexicon[T]) matchAt(text []rune, i int) (string, T, bool) {
	var zero T
	for n := min(l.maxLen, len(text)-i); n > 0; n-- {
		w := string(text[i : i+n])
		if v, ok := l.entries[w]; ok {
			return w, v, true
		}
	}
	return "", zero, false
}

// matchEnd returns the longest entry that ends just before text[end].
func (l *lexicon[T]) matchEnd(text []rune, end int) (string, T, bool) {
	var zero T
	for n := min(l.maxLen, end); n > 0; n-- {
		w := string(text[end-n : end])
		if v, ok := l.entries[w]; ok {
			return w, v, true
		}
	}
	return "", zero, false
}

func loadRules() (*ruleSet, error) {
	rs := &ruleSet{
		indicators: newLexicon[indicatorRule](),
		units:      newLexicon[unitRule](),
		preQual:    newLexicon[qualifierRule](),
		postQual:   newLexicon[qualifierRule](),
		tailQual:   newLexicon[qualifierRule](),
		basis:      newLexicon[changeRule](),
		direction:  newLexicon[changeRule](),
		categories: newLexicon[string](),
		police:     newLexicon[int](),
		orgs:       newLexicon[string](),
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
		{"police.tsv", 2, func(c []string) error {
			w, err := strconv.Atoi(c[1])
			if err != nil {
				return fmt.Errorf("%s: weight: %w", c[0], err)
			}
			rs.police.add(c[0], w)
			return nil
		}},
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
func readDictFile(fsys fs.FS, name string) ([]dictWord, error) {
	f, err := fsys.Open(name)
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
