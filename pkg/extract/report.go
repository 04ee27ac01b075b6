package extract

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/casewire/casewire/pkg/article"
)

// QualityReport says how much of the numbers in a set of articles the
// extractor understood, and lists the ones it did not, with their context.
type QualityReport struct {
	Articles       int
	PublicSecurity int // articles judged public-security news
	Facts          int
	// Numbers in public-security articles, split three ways: those that are
	// not statistics (a year, a date, a label: Explained), those that became
	// facts or changes (Covered), and the rest (Unexplained).
	Numbers, Explained, Covered int
	// Coverage is Covered / (Numbers - Explained): the share of the numbers
	// that could be statistics which became facts.
	Coverage    float64
	Reasons     map[string]int // why numbers were not facts, by reason
	PerArticle  []ArticleQuality
	Unexplained []Unexplained
}

// ArticleQuality is one article's line in the report.
type ArticleQuality struct {
	ID, Title      string
	PublicSecurity bool
	Facts          int
	Numbers        int // numbers that could be statistics
	Covered        int
}

// Unexplained is a number that may be a statistic but made no fact.
type Unexplained struct {
	ArticleID string
	Text      string // the number as written
	Reason    string // no-unit, no-indicator, indefinite ...
	Context   string // up to contextRunes characters either side
	Start     int
}

const contextRunes = 15

// Report extracts every article and measures the result. Articles that fail
// to extract are counted with no facts.
func Report(ex *Extractor, arts []article.Clean) QualityReport {
	r := QualityReport{Reasons: map[string]int{}}
	for _, c := range arts {
		r.Articles++
		d := ex.analyse(c)
		aq := ArticleQuality{ID: c.ID, Title: c.Title, PublicSecurity: d.publicSecurity}
		if d.publicSecurity {
			r.PublicSecurity++
			aq.Facts = len(d.facts)
		}
		r.Facts += aq.Facts
		for _, o := range d.outcomes {
			if !d.publicSecurity {
				continue // facts are withheld from other news by design
			}
			r.Numbers++
			if o.Facts > 0 || o.Change {
				r.Covered++
				aq.Numbers++
				aq.Covered++
				continue
			}
			r.Reasons[o.Reason]++
			if notStatistic[o.Reason] {
				r.Explained++
				continue
			}
			aq.Numbers++
			n := o.Number
			r.Unexplained = append(r.Unexplained, Unexplained{
				ArticleID: c.ID, Text: d.str(n.Start, n.End), Reason: o.Reason, Start: n.Start,
				Context: d.str(n.Start-contextRunes, n.End+contextRunes),
			})
		}
		r.PerArticle = append(r.PerArticle, aq)
	}
	if cand := r.Numbers - r.Explained; cand > 0 {
		r.Coverage = float64(r.Covered) / float64(cand)
	}
	return r
}

// Write prints the report as plain text: totals, reasons, one line per
// article, then every unexplained number with its context.
func (r QualityReport) Write(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("articles %d (public-security %d), facts %d\n", r.Articles, r.PublicSecurity, r.Facts)
	ew.printf("numbers in public-security articles %d: not statistics %d, became facts %d, unexplained %d\n",
		r.Numbers, r.Explained, r.Covered, r.Numbers-r.Explained-r.Covered)
	ew.printf("coverage (facts / numbers that could be statistics): %.1f%%\n\n", 100*r.Coverage)
	reasons := make([]string, 0, len(r.Reasons))
	for k := range r.Reasons {
		reasons = append(reasons, k)
	}
	sort.Slice(reasons, func(i, j int) bool {
		return r.Reasons[reasons[i]] > r.Reasons[reasons[j]] || r.Reasons[reasons[i]] == r.Reasons[reasons[j]] && reasons[i] < reasons[j]
	})
	ew.printf("not a fact, by reason:\n")
	for _, k := range reasons {
		kind := "unexplained"
		if notStatistic[k] {
			kind = "not a statistic"
		}
		ew.printf("  %-14s %4d  %s\n", k, r.Reasons[k], kind)
	}
	ew.printf("\n")
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "article\tpublic-security\tfacts\tcandidates\tcovered\ttitle\n")
	for _, a := range r.PerArticle {
		fmt.Fprintf(tw, "%s\t%v\t%d\t%d\t%d\t%s\n", a.ID, a.PublicSecurity, a.Facts, a.Numbers, a.Covered, a.Title)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	ew.printf("\nunexplained numbers:\n")
	for _, u := range r.Unexplained {
		ew.printf("  %s @%d %-10s %-13s …%s…\n", u.ArticleID, u.Start, u.Text, u.Reason, u.Context)
	}
	if ew.err != nil {
		return fmt.Errorf("write report: %w", ew.err)
	}
	return nil
}

// errWriter keeps the first write error so Write can report it once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}
