// Package bench measures casewire against its own limit: clean + extract in
// one process with no NATS and no ClickHouse (the limit), beside raw gse
// segmentation of the same text, and the whole pipeline (fetch, clean,
// extract and load over JetStream into ClickHouse) on the same corpus in the
// same run, so that the ratio between them survives a noisy machine.
package bench

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/go-ego/gse"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/gazetteer"
)

// Engine is the stages' logic, built once per process: the extractor and
// the bare segmenter take seconds and a few hundred MB each.
type Engine struct {
	Cleaner   *clean.Cleaner
	Extractor *extract.Extractor
	Places    *gazetteer.Gazetteer
	// Segmenter is a bare gse segmenter on the same embedded dictionary,
	// without the extractor's added words: the baseline.
	Segmenter *gse.Segmenter
}

// NewEngine builds the cleaner, the extractor and the baseline segmenter.
func NewEngine() (*Engine, error) {
	// The two dictionaries load side by side: seconds each.
	var (
		seg    gse.Segmenter
		segErr error
		wg     sync.WaitGroup
	)
	wg.Go(func() { seg, segErr = gse.NewEmbed("zh_s") })
	x, gz, err := extract.FromConfig(config.Extract{})
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if segErr != nil {
		return nil, fmt.Errorf("load gse dictionary: %w", segErr)
	}
	return &Engine{Cleaner: clean.New(clean.Options{}), Extractor: x, Places: gz, Segmenter: &seg}, nil
}

// Work is what a limit pass does to each clean article after cleaning.
type Work string

const (
	WorkExtract Work = "extract" // the extractor: the limit
	WorkSegment Work = "segment" // bare gse Segment per sentence: the baseline
)

// LimitResult is one pass over a corpus in one process.
type LimitResult struct {
	Work     Work
	Workers  int
	Raw      int   // raw articles read
	Articles int   // clean articles
	Facts    int   // facts extracted (extract only)
	RawBytes int64 // raw bodies
	Text     int64 // clean bodies, the text segmented or extracted
	Failed   int   // raw articles clean or extract refused
	Wall     time.Duration
	Clean    time.Duration // summed over workers
	Stage    time.Duration // extract or segment, summed over workers
}

// PerSec is raw articles per second of wall time.
func (r LimitResult) PerSec() float64 { return perSec(float64(r.Raw), r.Wall) }

// MBPerSec is raw megabytes per second of wall time.
func (r LimitResult) MBPerSec() float64 { return perSec(float64(r.RawBytes)/1e6, r.Wall) }

// StageMBPerSec is clean text megabytes per second of one worker's time in
// the stage proper (extract or segment), cleaning and reading excluded.
func (r LimitResult) StageMBPerSec() float64 { return perSec(float64(r.Text)/1e6, r.Stage) }

func perSec(n float64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return n / d.Seconds()
}

// Limit reads the corpus files and cleans and extracts (or segments) every
// article with workers goroutines (default GOMAXPROCS). Files are read one
// at a time, so memory does not grow with the corpus.
func (e *Engine) Limit(ctx context.Context, files []string, source string, work Work, workers int) (LimitResult, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	res := LimitResult{Work: work, Workers: workers}
	raws := make(chan article.Raw, 4*workers)
	parts := make([]LimitResult, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range workers {
		wg.Go(func() {
			p := &parts[i]
			for r := range raws {
				e.one(r, work, p)
			}
		})
	}
	var readErr error
	for _, f := range files {
		if ctx.Err() != nil {
			readErr = ctx.Err()
			break
		}
		rs, rejected, err := fetch.ReadFile(fetch.Source{Name: source}, f, fetch.Options{})
		if err != nil {
			readErr = fmt.Errorf("read corpus file %s: %w", f, err)
			break
		}
		res.Failed += len(rejected)
		for _, r := range rs {
			raws <- r
		}
	}
	close(raws)
	wg.Wait()
	res.Wall = time.Since(start)
	for _, p := range parts {
		res.Raw += p.Raw
		res.Articles += p.Articles
		res.Facts += p.Facts
		res.RawBytes += p.RawBytes
		res.Text += p.Text
		res.Failed += p.Failed
		res.Clean += p.Clean
		res.Stage += p.Stage
	}
	return res, readErr
}

func (e *Engine) one(r article.Raw, work Work, p *LimitResult) {
	p.Raw++
	p.RawBytes += int64(len(r.Body))
	t0 := time.Now()
	cs, err := e.Cleaner.Clean(r)
	t1 := time.Now()
	p.Clean += t1.Sub(t0)
	if err != nil {
		p.Failed++
		return
	}
	for _, c := range cs {
		p.Articles++
		p.Text += int64(len(c.Body))
		switch work {
		case WorkSegment:
			segment(e.Segmenter, c.Body)
		default:
			x, err := e.Extractor.Extract(c)
			if err != nil {
				p.Failed++
				continue
			}
			p.Facts += len(x.Facts)
		}
	}
	p.Stage += time.Since(t1)
}

// segment cuts text sentence by sentence, the way the extractor feeds gse
// (a whole article at once is slower, see ENVIRONMENT.md).
func segment(seg *gse.Segmenter, text string) int {
	n, start := 0, 0
	for i, r := range text {
		switch r {
		case '。', '！', '？', '!', '?', '\n':
			if i > start {
				n += len(seg.Segment([]byte(text[start:i])))
			}
			start = i + len(string(r))
		}
	}
	if start < len(text) {
		n += len(seg.Segment([]byte(text[start:])))
	}
	return n
}
