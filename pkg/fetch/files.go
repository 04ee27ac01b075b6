// Package fetch turns feeds, web pages, local files, folders, dumps and
// standard input into raw articles, published once each. It reads bytes and
// splits dumps into records; decoding and parsing belong to clean, so a raw
// article is exactly what the source held.
package fetch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/casewire/casewire/pkg/article"
)

// Source is a configured source of articles.
type Source struct {
	Name    string // identity: part of every raw id
	Outlet  string // publisher, when the source knows it
	Region  string // default region, a hint for place resolution
	Charset string // declared encoding of the files, empty to let clean detect
}

// Options limit what is read.
type Options struct {
	MaxBytes int64 // largest file or record accepted; default DefaultMaxBytes
	Now      func() time.Time
}

// DefaultMaxBytes keeps a raw article, base64-encoded in JSON, well inside
// the 8 MiB message limit casewire configures on NATS.
const DefaultMaxBytes = 4 << 20

// ErrBinary is returned for a file that is not text in any encoding (an
// image, an archive, an executable): cleaning it would only make garbage.
var ErrBinary = errors.New("binary file, not text")

// looksBinary reports a run of four NUL bytes, or control bytes other than
// whitespace in more than 8% of the first 8 KB. Text in UTF-8, GBK or any
// other ASCII-compatible encoding has next to none (a stray NUL is stripped by
// clean); images, archives and executables have runs of zeros, and random
// bytes are about 11% control bytes.
func looksBinary(data []byte) bool {
	head := data[:min(len(data), 8192)]
	if bytes.Contains(head, []byte{0, 0, 0, 0}) {
		return true
	}
	ctl := 0
	for _, b := range head {
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' && b != 0x1b {
			ctl++
		}
	}
	return ctl*100 > 8*len(head)
}

// ErrTooLarge is returned for a file or record above Options.MaxBytes.
var ErrTooLarge = errors.New("larger than the size limit")

// Rejected is a file or record fetch could not turn into a raw article: it is
// reported (and dead-lettered by the runner), and reading goes on.
type Rejected struct {
	URI string
	Err error
}

func (o Options) maxBytes() int64 {
	if o.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return o.MaxBytes
}

func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now().UTC()
	}
	return o.Now().UTC()
}

// Files lists the regular files under paths (files or folders, walked
// recursively), sorted, skipping hidden files and folders.
func Files(paths ...string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if p == StdinPath {
			continue // read by the runner, not listed
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("stat %s: %w", p, err)
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", p, err)
		}
	}
	sort.Strings(out)
	return out, nil
}

// ReadFile reads one file into raw articles: one per file, or one per record
// of a Sogou <doc> dump. Problems with single records come back in rejected;
// err is for the file as a whole (unreadable, too large).
func ReadFile(src Source, path string, o Options) (raws []article.Raw, rejected []Rejected, err error) {
	uri := fileURI(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	// Read one byte past the limit to know whether it was exceeded.
	data, err := io.ReadAll(io.LimitReader(f, o.maxBytes()*dumpFactor+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return readData(src, path, uri, data, o)
}

// ReadStdin reads standard input (or any stream) like a file named "-": one
// article, a Sogou dump or JSON Lines.
func ReadStdin(src Source, in io.Reader, o Options) (raws []article.Raw, rejected []Rejected, err error) {
	data, err := io.ReadAll(io.LimitReader(in, o.maxBytes()*dumpFactor+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read standard input: %w", err)
	}
	return readData(src, StdinPath, StdinURI, data, o)
}

// StdinPath is the path that stands for standard input; StdinURI is the URI
// of what is read from it (a JSON Lines record with a url keeps its url).
const (
	StdinPath = "-"
	StdinURI  = "stdin:"
)

func readData(src Source, path, uri string, data []byte, o Options) (raws []article.Raw, rejected []Rejected, err error) {
	dump, jsonl := isDump(data), isJSONL(path, data)
	if dump || jsonl {
		if int64(len(data)) > o.maxBytes()*dumpFactor {
			return nil, nil, fmt.Errorf("%s: dump %w (%d bytes)", path, ErrTooLarge, o.maxBytes()*dumpFactor)
		}
		if dump {
			raws, rejected = splitDump(src, uri, data, o)
		} else {
			raws, rejected = splitJSONL(src, uri, data, o)
		}
		return raws, rejected, nil
	}
	if int64(len(data)) > o.maxBytes() {
		return nil, nil, fmt.Errorf("%s: %w (%d bytes)", path, ErrTooLarge, o.maxBytes())
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, fmt.Errorf("%s: empty file", path)
	}
	if looksBinary(data) {
		return nil, nil, fmt.Errorf("%s: %w", path, ErrBinary)
	}
	r := newRaw(src, uri, detectFormat(path, data), data, o)
	if r.Format == article.FormatText && path != StdinPath {
		if title := titleFromName(path); title != "" {
			r.Meta = map[string]string{"title": title}
		}
	}
	return []article.Raw{r}, nil, nil
}

// dumpFactor lets a dump file be larger than one article: the limit applies
// to each record.
const dumpFactor = 64

func newRaw(src Source, uri, format string, body []byte, o Options) article.Raw {
	r := article.Raw{
		V: article.Version, Source: src.Name, Outlet: src.Outlet, RegionHint: src.Region,
		URI: uri, Format: format, FetchedAt: o.now(), Charset: src.Charset, Body: body,
	}
	r.ID = article.RawID(r.Source, r.URI, r.Body)
	return r
}

func fileURI(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return "file://" + filepath.ToSlash(path)
}

// detectFormat picks the parser clean will use, from the name and the bytes.
func detectFormat(path string, data []byte) string {
	ext := strings.ToLower(filepath.Ext(path))
	head := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case ext == ".html" || ext == ".htm" || ext == ".xhtml":
		return article.FormatHTML
	case hasPrefixFold(head, "<!doctype html") || hasPrefixFold(head, "<html"):
		return article.FormatHTML
	case hasHeaderBlock(head):
		return article.FormatArticleTxt
	}
	return article.FormatText
}

// hasHeaderBlock reports "key: value" lines followed by a "---" line, the
// article file format with a header.
func hasHeaderBlock(data []byte) bool {
	lines := bytes.SplitN(data, []byte("\n"), 12)
	for i, l := range lines {
		l = bytes.TrimRight(l, "\r")
		if string(l) == "---" {
			return i > 0
		}
		k, _, ok := bytes.Cut(l, []byte(":"))
		if !ok || len(k) == 0 || len(k) > 20 {
			return false
		}
		for _, c := range k {
			if !(c >= 'a' && c <= 'z' || c == '_' || c == '-') {
				return false
			}
		}
	}
	return false
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// titleFromName takes a file named for its title ("富阳发生重大交通事故.txt"):
// a name with Han characters is a title; "page-01.txt" is not.
func titleFromName(path string) string {
	stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	for _, r := range stem {
		if unicode.Is(unicode.Han, r) {
			return stem
		}
	}
	return ""
}

// ReadPaths reads paths in order as fetch reads them (standard input for
// "-", every file under the others) and hands each input's raw articles and
// rejections to emit. An input that cannot be read at all is one rejection,
// named by its path; only emit's errors and paths that cannot be listed stop
// it. The continuous Runner keeps its own loop, for its seen state and
// progress; this one serves the one-shot readers (--stdio, quality).
func ReadPaths(src Source, paths []string, stdin io.Reader, o Options, emit func([]article.Raw, []Rejected) error) error {
	pass := func(uri string, raws []article.Raw, rejected []Rejected, err error) error {
		if err != nil {
			rejected = append(rejected, Rejected{URI: uri, Err: err})
		}
		return emit(raws, rejected)
	}
	for _, p := range paths {
		if p == StdinPath {
			raws, rejected, err := ReadStdin(src, stdin, o)
			if err := pass(StdinURI, raws, rejected, err); err != nil {
				return err
			}
			continue
		}
		files, err := Files(p)
		if err != nil {
			return err
		}
		for _, f := range files {
			raws, rejected, err := ReadFile(src, f, o)
			if err := pass(f, raws, rejected, err); err != nil {
				return err
			}
		}
	}
	return nil
}
