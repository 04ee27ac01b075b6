package clean

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/casewire/casewire/pkg/article"
)

// corpusRaws reads the sample corpus copied under testdata/corpus into raws
// the way fetch produces them: one raw per file, one per <doc> record of a
// dump, CEC-like plain files titled by their file name.
func corpusRaws(t testing.TB) []article.Raw {
	t.Helper()
	root := filepath.Join("testdata", "corpus")
	var raws []article.Raw
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		raw := article.Raw{V: article.Version, Source: "sample", URI: rel, Body: b,
			FetchedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		switch {
		case strings.HasPrefix(rel, "articles/") && strings.HasSuffix(rel, ".txt"):
			raw.Format = article.FormatArticleTxt
		case strings.HasPrefix(rel, "cec/"):
			raw.Format = article.FormatText
			raw.Meta = map[string]string{"title": strings.TrimSuffix(filepath.Base(rel), ".txt")}
		case strings.HasSuffix(rel, ".html"):
			raw.Format = article.FormatHTML
		case strings.HasSuffix(rel, ".dat"):
			charset := ""
			if strings.Contains(rel, "gbk") {
				charset = "gbk"
			}
			for i, rec := range splitRecords(b) {
				r := raw
				r.Format, r.Charset, r.Body = article.FormatSogou, charset, rec
				r.URI = fmt.Sprintf("%s#%d", rel, i)
				r.ID = article.RawID(r.Source, r.URI, rec)
				raws = append(raws, r)
			}
			return nil
		default: // the seed page, README, INDEX.tsv: plain text
			raw.Format = article.FormatText
		}
		raw.ID = article.RawID(raw.Source, raw.URI, b)
		raws = append(raws, raw)
		return nil
	})
	if err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	return raws
}

// splitRecords cuts a Sogou dump into its <doc>...</doc> records in their
// original bytes; a last record without its end tag runs to the end.
func splitRecords(b []byte) [][]byte {
	var recs [][]byte
	for {
		i := bytes.Index(b, []byte("<doc>"))
		if i < 0 {
			return recs
		}
		b = b[i:]
		j := bytes.Index(b, []byte("</doc>"))
		if j < 0 {
			return append(recs, b)
		}
		recs = append(recs, b[:j+len("</doc>")])
		b = b[j+len("</doc>"):]
	}
}

// TestCorpus cleans every file of the sample corpus: none may fail, every
// article must have a valid UTF-8 body. The summary (articles, flags by
// kind) is logged for review.
func TestCorpus(t *testing.T) {
	t.Parallel()
	c := New(Options{})
	raws := corpusRaws(t)
	flags := map[string]int{}
	charsets := map[string]int{}
	articles, errs := 0, 0
	for _, raw := range raws {
		res, err := c.CleanWithMap(raw)
		if err != nil {
			errs++
			t.Errorf("%s: %v", raw.URI, err)
			continue
		}
		for i, a := range res.Articles {
			articles++
			if a.Body == "" || !utf8.ValidString(a.Body) {
				t.Errorf("%s[%d]: empty or invalid body", raw.URI, i)
			}
			if a.Quality.Chars != utf8.RuneCountInString(a.Body) {
				t.Errorf("%s[%d]: chars %d, body has %d", raw.URI, i, a.Quality.Chars, utf8.RuneCountInString(a.Body))
			}
			if !hasFlag(a, FlagTitleOnly) || raw.Meta["title"] == "" {
				checkMap(t, raw.URI, res.Decoded, a.Body, res.Maps[i], raw.Format)
			}
			charsets[a.Quality.Charset+"/"+a.Quality.CharsetSource]++
			for _, f := range a.Quality.Flags {
				flags[f]++
			}
		}
	}
	kinds := make([]string, 0, len(flags))
	for k := range flags {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var sb strings.Builder
	for _, k := range kinds {
		fmt.Fprintf(&sb, " %s=%d", k, flags[k])
	}
	t.Logf("corpus: %d raws, %d articles out, %d errors; flags:%s; charsets: %v", len(raws), articles, errs, sb.String(), charsets)
	if errs != 0 {
		t.Fatalf("%d corpus inputs failed", errs)
	}
}

// checkMap verifies that every body character maps into the decoded input,
// in order, and that a mapped character is the input character normalised.
func checkMap(t testing.TB, name, decoded, body string, m OffsetMap, format string) {
	t.Helper()
	in := []rune(decoded)
	br := []rune(body)
	if m.Len() != len(br) {
		t.Errorf("%s: map covers %d characters, body has %d", name, m.Len(), len(br))
		return
	}
	prev := -1
	for i, r := range br {
		p, ok := m.Exact(i)
		if !ok {
			if r != '\n' && r != ' ' {
				t.Errorf("%s: body[%d]=%q has no input position", name, i, r)
				return
			}
			continue
		}
		if p < 0 || p >= len(in) || p < prev {
			t.Errorf("%s: body[%d] maps to %d (input %d chars, previous %d)", name, i, p, len(in), prev)
			return
		}
		if f, _ := fold(in[p]); f != r && !(format == article.FormatHTML || format == article.FormatSogou) {
			t.Errorf("%s: body[%d]=%q maps to input[%d]=%q", name, i, r, p, in[p])
			return
		}
		if g := m.Input(i); g != p {
			t.Errorf("%s: Input(%d)=%d, Exact=%d", name, i, g, p)
			return
		}
		prev = p
	}
}

func hasFlag(a article.Clean, f string) bool {
	for _, g := range a.Quality.Flags {
		if g == f {
			return true
		}
	}
	return false
}
