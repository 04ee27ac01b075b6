// Package quality checks what casewire makes of a folder of inputs without
// running the pipeline: every file is read as fetch reads it, cleaned, and
// (optionally) extracted, and the result is summarised — articles out, errors,
// quality flags, charsets, and what the extractor understood of the numbers.
package quality

import (
	"fmt"
	"io"
	"sort"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/fetch"
)

// CleanSummary counts the cleaning of a set of inputs.
type CleanSummary struct {
	Files, Raws, Articles int
	Errors                []string // "uri: error", one per failed input
	Flags                 map[string]int
	Charsets              map[string]int // "charset (how it was chosen)"
}

// Clean reads and cleans every file under paths ("-" reads stdin).
func Clean(paths []string, stdin io.Reader, src fetch.Source, c *clean.Cleaner) (CleanSummary, []article.Clean, error) {
	s := CleanSummary{Flags: map[string]int{}, Charsets: map[string]int{}}
	var out []article.Clean
	err := fetch.ReadPaths(src, paths, stdin, fetch.Options{}, func(raws []article.Raw, rejected []fetch.Rejected) error {
		s.Files++
		for _, r := range rejected {
			s.Errors = append(s.Errors, fmt.Sprintf("%s: %v", r.URI, r.Err))
		}
		for _, raw := range raws {
			s.Raws++
			arts, err := c.Clean(raw)
			if err != nil {
				s.Errors = append(s.Errors, fmt.Sprintf("%s: %v", raw.URI, err))
				continue
			}
			for _, a := range arts {
				s.Articles++
				for _, fl := range a.Quality.Flags {
					s.Flags[fl]++
				}
				s.Charsets[fmt.Sprintf("%s (%s)", a.Quality.Charset, a.Quality.CharsetSource)]++
			}
			out = append(out, arts...)
		}
		return nil
	})
	if err != nil {
		return s, nil, err
	}
	return s, out, nil
}

// Write prints the summary.
func (s CleanSummary) Write(w io.Writer) {
	fmt.Fprintf(w, "clean: %d files, %d raw articles -> %d clean articles, %d errors\n", s.Files, s.Raws, s.Articles, len(s.Errors))
	writeCounts(w, "  flags raised", s.Flags)
	writeCounts(w, "  charsets", s.Charsets)
	for _, e := range s.Errors {
		fmt.Fprintf(w, "  error: %s\n", e)
	}
}

func writeCounts(w io.Writer, title string, m map[string]int) {
	if len(m) == 0 {
		fmt.Fprintf(w, "%s: none\n", title)
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	fmt.Fprintf(w, "%s:", title)
	for _, k := range keys {
		fmt.Fprintf(w, " %s %d;", k, m[k])
	}
	fmt.Fprintln(w)
}

// Extract runs the extractor's quality report over cleaned articles.
func Extract(x *extract.Extractor, arts []article.Clean) extract.QualityReport {
	return extract.Report(x, arts)
}
