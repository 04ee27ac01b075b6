package fetch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/casewire/casewire/pkg/article"
)

// JSONRecord is one line of a JSON Lines dump. Content is required; the rest
// is optional. Unknown fields are ignored, so exports from other tools load
// as they are.
type JSONRecord struct {
	URL       string          `json:"url"`       // the article's address: its identity when present
	Title     string          `json:"title"`     // goes to Meta["title"]
	Content   string          `json:"content"`   // the article: plain text, or HTML with "format": "html"
	Published json.RawMessage `json:"published"` // "2024-07-01", "2024-07-01T08:30:00+08:00", "2024年7月1日", or Unix seconds
	Format    string          `json:"format"`    // "text" (default) or "html"
	Outlet    string          `json:"outlet"`    // overrides the source's outlet
	Region    string          `json:"region"`    // overrides the source's default region
}

// isJSONL reports a JSON Lines dump: by its extension, or a first line that
// is a JSON object.
func isJSONL(path string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return true
	}
	head := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	return json.Valid(bytes.TrimSpace(line))
}

// splitJSONL turns each non-blank line into a raw article. A line's URI is
// its url, else the file's URI with "#L<line number>".
func splitJSONL(src Source, uri string, data []byte, o Options) (raws []article.Raw, rejected []Rejected) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for n := 1; len(data) > 0; n++ {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte("\n"))
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		lineURI := fmt.Sprintf("%s#L%d", uri, n)
		r, err := jsonRaw(src, lineURI, line, o)
		if err != nil {
			rejected = append(rejected, Rejected{URI: lineURI, Err: err})
			continue
		}
		raws = append(raws, r)
	}
	return raws, rejected
}

func jsonRaw(src Source, lineURI string, line []byte, o Options) (article.Raw, error) {
	var rec JSONRecord
	if err := json.Unmarshal(line, &rec); err != nil {
		return article.Raw{}, fmt.Errorf("json line: %w", err)
	}
	if strings.TrimSpace(rec.Content) == "" {
		return article.Raw{}, fmt.Errorf("json line: no content")
	}
	if int64(len(rec.Content)) > o.maxBytes() {
		return article.Raw{}, fmt.Errorf("json line content %w (%d bytes)", ErrTooLarge, o.maxBytes())
	}
	format := article.FormatText
	switch strings.ToLower(rec.Format) {
	case "", "text":
	case "html":
		format = article.FormatHTML
	default:
		return article.Raw{}, fmt.Errorf("json line: format %q is neither text nor html", rec.Format)
	}
	if rec.Outlet != "" {
		src.Outlet = rec.Outlet
	}
	if rec.Region != "" {
		src.Region = rec.Region
	}
	src.Charset = "utf-8" // JSON text is UTF-8
	uri := lineURI
	if u := strings.TrimSpace(rec.URL); u != "" {
		uri = u
	}
	r := newRaw(src, uri, format, []byte(rec.Content), o)
	r.Meta = meta("title", strings.TrimSpace(rec.Title), "published", jsonPublished(rec.Published), "url", strings.TrimSpace(rec.URL))
	return r, nil
}

// jsonPublished accepts a string or Unix seconds.
func jsonPublished(m json.RawMessage) string {
	if len(m) == 0 || string(m) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(m, &s) == nil {
		return normalisePublished(s)
	}
	if n, err := strconv.ParseInt(string(m), 10, 64); err == nil && n > 0 {
		return chinaTime(time.Unix(n, 0))
	}
	return ""
}

// chinaZone is UTC+8 all year: China has no daylight saving, so a fixed zone
// needs no time-zone database on the host.
var chinaZone = time.FixedZone("CST", 8*3600)

// chinaTime is the form clean reads for Meta["published"]: local time in
// China, since that is the calendar day the article reports on.
func chinaTime(t time.Time) string {
	return t.In(chinaZone).Format("2006-01-02T15:04:05")
}

// normalisePublished converts machine timestamps with a zone to China time and
// leaves anything else (2024年7月1日) for clean to read.
func normalisePublished(s string) string {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, time.RFC1123Z, time.RFC1123, "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05 -0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return chinaTime(t)
		}
	}
	return s
}

// meta builds Raw.Meta from key, value pairs, leaving out empty values.
func meta(kv ...string) map[string]string {
	var m map[string]string
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if m == nil {
			m = map[string]string{}
		}
		m[kv[i]] = kv[i+1]
	}
	return m
}
