package fetch

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Progress shows how a long pass over files and dumps advances: a bar on a
// terminal (articles, bytes, rate, ETA), a log line every Every otherwise, so
// a backfill under a supervisor still says where it is.
type Progress struct {
	Out      io.Writer     // where the bar is drawn
	Terminal bool          // draw a bar; otherwise log lines
	Log      *slog.Logger  // for the lines; default slog.Default()
	Every    time.Duration // between lines; default 10s
	MinBytes int64         // passes smaller than this show nothing
}

// NewProgress reports on f (normally os.Stderr), with a bar when f is a
// terminal. Passes under 4 MiB are silent: a folder rescan is not a backfill.
func NewProgress(f *os.File, log *slog.Logger) *Progress {
	return &Progress{Out: f, Terminal: term.IsTerminal(int(f.Fd())), Log: log, MinBytes: 4 << 20}
}

// meter tracks one pass. A nil meter does nothing, so callers need no checks.
type meter struct {
	p                *Progress
	source           string
	bar              *progressbar.ProgressBar
	start, lastLine  time.Time
	total, done      int64
	files, filesDone int
	skippedFiles     int
	articles, fresh  int
}

func (p *Progress) start(source string, files int, total int64) *meter {
	if p == nil || total < p.MinBytes || files == 0 {
		return nil
	}
	m := &meter{p: p, source: source, total: total, files: files, start: time.Now()}
	m.lastLine = m.start
	if p.Terminal {
		m.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(p.Out),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetWidth(24),
			progressbar.OptionThrottle(150*time.Millisecond),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.Out) }),
			progressbar.OptionSetDescription(m.describe()),
		)
	}
	return m
}

func (m *meter) describe() string {
	return fmt.Sprintf("%s: files %d/%d, %d articles, %d new, %d seen, %d files skipped",
		m.source, m.filesDone+m.skippedFiles, m.files, m.articles, m.fresh, m.articles-m.fresh, m.skippedFiles)
}

// article counts one record; n is its size, so a large dump moves the bar
// record by record.
func (m *meter) article(n int64, published bool) {
	if m == nil {
		return
	}
	m.articles++
	if published {
		m.fresh++
	}
	m.advance(n)
}

// file closes a file of size bytes, of which counted were already advanced.
func (m *meter) file(size, counted int64, skipped bool) {
	if m == nil {
		return
	}
	if skipped {
		m.skippedFiles++
	} else {
		m.filesDone++
	}
	m.advance(max(size-counted, 0))
}

func (m *meter) advance(n int64) {
	m.done += n
	if m.bar != nil {
		m.bar.Describe(m.describe())
		m.bar.Add64(n)
		return
	}
	every := m.p.Every
	if every <= 0 {
		every = 10 * time.Second
	}
	if time.Since(m.lastLine) >= every {
		m.line("progress")
	}
}

func (m *meter) line(msg string) {
	m.lastLine = time.Now()
	elapsed := time.Since(m.start).Seconds()
	rate := float64(m.done) / max(elapsed, 0.001)
	eta := "unknown"
	if rate > 0 {
		eta = (time.Duration(float64(m.total-m.done)/rate) * time.Second).Round(time.Second).String()
	}
	log := m.p.Log
	if log == nil {
		log = slog.Default()
	}
	log.Info(msg, "stage", "fetch", "source", m.source,
		"files", fmt.Sprintf("%d/%d", m.filesDone+m.skippedFiles, m.files), "files_skipped", m.skippedFiles,
		"articles", m.articles, "published", m.fresh, "already_seen", m.articles-m.fresh,
		"mb", fmt.Sprintf("%.1f/%.1f", float64(m.done)/(1<<20), float64(m.total)/(1<<20)),
		"mb_per_s", fmt.Sprintf("%.2f", rate/(1<<20)), "eta", eta)
}

func (m *meter) finish() {
	if m == nil {
		return
	}
	if m.bar != nil {
		m.bar.Describe(m.describe())
		m.bar.Finish()
		return
	}
	m.line("progress done")
}
