// Package benchcorpus generates benchmark input: any number of unique
// articles built from a few hundred real ones (embedded, see samples/),
// written as JSON Lines files that the fetch worker reads like any dump.
//
// Article i is a pure function of i and the options, so a corpus of a
// million is streamed to disk, never held in memory, and two runs with the
// same options produce the same bytes (and so the same raw ids).
package benchcorpus

import (
	"bufio"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

//go:embed samples/articles/*.txt samples/cec/*.txt samples/cec-titles.tsv
var samplesFS embed.FS

// Sample is one real article the generator builds from.
type Sample struct {
	Title     string
	Published string
	Paras     []string
}

// Size is the sample's body length in bytes, paragraph breaks included.
func (s Sample) Size() int {
	n := 0
	for _, p := range s.Paras {
		n += len(p) + 1
	}
	return n
}

// Samples parses the embedded samples, in a fixed order.
func Samples() ([]Sample, error) {
	// CEC titles are file names that go:embed refuses (full-width
	// punctuation), so the files are numbered and the titles listed.
	titles := map[string]string{}
	tsv, err := samplesFS.ReadFile("samples/cec-titles.tsv")
	if err != nil {
		return nil, fmt.Errorf("read CEC titles: %w", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(tsv)), "\n") {
		if num, title, ok := strings.Cut(line, "\t"); ok {
			titles[num] = title
		}
	}
	var out []Sample
	for _, dir := range []string{"samples/articles", "samples/cec"} {
		names, err := fs.Glob(samplesFS, dir+"/*.txt")
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", dir, err)
		}
		sort.Strings(names)
		for _, name := range names {
			data, err := samplesFS.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("read sample %s: %w", name, err)
			}
			var s Sample
			if dir == "samples/cec" {
				s = parseCEC(titles[strings.TrimSuffix(path.Base(name), ".txt")], string(data))
			} else {
				s = parseArticle(string(data))
			}
			if len(s.Paras) > 0 {
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("benchcorpus: no samples embedded")
	}
	return out, nil
}

// parseArticle reads the "key: value" header, "---", body layout.
func parseArticle(text string) Sample {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	head, body, ok := strings.Cut(text, "\n---\n")
	if !ok {
		return Sample{Paras: paras(text)}
	}
	var s Sample
	for _, line := range strings.Split(head, "\n") {
		k, v, _ := strings.Cut(line, ":")
		switch strings.TrimSpace(k) {
		case "title":
			s.Title = strings.TrimSpace(v)
		case "date":
			s.Published = strings.TrimSpace(v)
		}
	}
	s.Paras = paras(body)
	return s
}

// parseCEC reads a CEC report: the first line is the report time.
func parseCEC(title, text string) Sample {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	first, body, _ := strings.Cut(text, "\n")
	return Sample{
		Title:     title,
		Published: strings.TrimSpace(first),
		Paras:     paras(body),
	}
}

func paras(body string) []string {
	var out []string
	for _, p := range strings.Split(body, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Options shape a corpus.
type Options struct {
	// Source is the source name the articles are fetched under; it is part
	// of every raw id. Default "bench".
	Source string
	// Bytes, when positive, makes every body about this long: paragraphs of
	// the following samples are appended until it is reached, then the text
	// is cut (on a character boundary). Zero keeps each sample's own length.
	Bytes int
	// Month, as "2006-01", dates every article on a day of that month
	// instead of its sample's own date (2002–2014): the stream a deployment
	// sees day to day. The warehouse partitions by month of publication, so
	// a backfill's spread of dates costs the loader one part per month per
	// batch; empty keeps the samples' dates.
	Month string
	// FileBytes is how large one JSON Lines file grows before the next is
	// started; default 2 MiB, well under fetch's 4 MiB file limit.
	FileBytes int
}

func (o Options) withDefaults() Options {
	if o.Source == "" {
		o.Source = "bench"
	}
	if o.FileBytes <= 0 {
		o.FileBytes = 2 << 20
	}
	return o
}

// Record is one line of the generated dump, in the fields fetch reads
// (fetch.JSONRecord).
type Record struct {
	URL       string `json:"url"`
	Title     string `json:"title"`
	Content   string `json:"content"`
	Published string `json:"published,omitempty"`
}

// Generator builds articles from the samples.
type Generator struct {
	samples []Sample
	opts    Options
}

// New loads the embedded samples.
func New(opts Options) (*Generator, error) {
	if opts.Month != "" {
		if _, err := time.Parse("2006-01", opts.Month); err != nil {
			return nil, fmt.Errorf("benchcorpus: month %q: %w", opts.Month, err)
		}
	}
	s, err := Samples()
	if err != nil {
		return nil, err
	}
	return &Generator{samples: s, opts: opts.withDefaults()}, nil
}

// Source is the source name the corpus is meant to be fetched under.
func (g *Generator) Source() string { return g.opts.Source }

// Record returns article i. Its URL is unique, which makes its raw id
// unique; its paragraphs are the sample's rotated by how many times the
// sample was used before, so repeated samples differ in text too.
func (g *Generator) Record(i int) Record {
	n := len(g.samples)
	s := g.samples[i%n]
	round := i / n
	ps := rotate(s.Paras, round)
	body := strings.Join(ps, "\n")
	for j := 1; g.opts.Bytes > 0 && len(body) < g.opts.Bytes; j++ {
		body += "\n" + strings.Join(g.samples[(i+j)%n].Paras, "\n")
	}
	if g.opts.Bytes > 0 && len(body) > g.opts.Bytes {
		body = cutUTF8(body, g.opts.Bytes)
	}
	published := s.Published
	if g.opts.Month != "" {
		published = fmt.Sprintf("%s-%02d", g.opts.Month, 1+i%28)
	}
	return Record{
		URL:       fmt.Sprintf("https://bench.invalid/%s/%d", g.opts.Source, i),
		Title:     s.Title,
		Content:   body,
		Published: published,
	}
}

func rotate(ps []string, k int) []string {
	if len(ps) < 2 {
		return ps
	}
	k %= len(ps)
	out := make([]string, 0, len(ps))
	return append(append(out, ps[k:]...), ps[:k]...)
}

// cutUTF8 shortens s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Stats describe a written corpus.
type Stats struct {
	Articles  int
	Files     int
	BodyBytes int64 // sum of the articles' content lengths
}

// Write writes articles [0, n) as JSON Lines files named part-NNNNNN.jsonl
// under dir (created), one article at a time.
func (g *Generator) Write(dir string, n int) (Stats, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Stats{}, fmt.Errorf("create corpus folder: %w", err)
	}
	var (
		st   Stats
		f    *os.File
		bw   *bufio.Writer
		size int
	)
	closeFile := func() error {
		if f == nil {
			return nil
		}
		if err := bw.Flush(); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", f.Name(), err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("close %s: %w", f.Name(), err)
		}
		f = nil
		return nil
	}
	for i := range n {
		rec := g.Record(i)
		line, err := json.Marshal(rec)
		if err != nil {
			return st, fmt.Errorf("encode article %d: %w", i, err)
		}
		if f != nil && size+len(line)+1 > g.opts.FileBytes {
			if err := closeFile(); err != nil {
				return st, err
			}
		}
		if f == nil {
			name := filepath.Join(dir, fmt.Sprintf("part-%06d.jsonl", st.Files))
			if f, err = os.Create(name); err != nil {
				return st, fmt.Errorf("create %s: %w", name, err)
			}
			bw, size = bufio.NewWriterSize(f, 256<<10), 0
			st.Files++
		}
		// bufio keeps the first write error; Flush reports it.
		bw.Write(line)
		bw.WriteByte('\n')
		size += len(line) + 1
		st.Articles++
		st.BodyBytes += int64(len(rec.Content))
	}
	return st, closeFile()
}
