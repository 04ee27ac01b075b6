package fetch

import (
	"bytes"
	"fmt"

	"github.com/casewire/casewire/pkg/article"
)

var (
	docOpen  = []byte("<doc>")
	docClose = []byte("</doc>")
)

// isDump reports a Sogou news dump: <doc> records, optionally inside <doclist>.
func isDump(data []byte) bool {
	head := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	return bytes.HasPrefix(head, docOpen) || bytes.HasPrefix(head, []byte("<doclist>"))
}

// splitDump cuts a dump into one raw article per <doc> record. The tags are
// ASCII, so the split works on the bytes whatever the encoding (UTF-8 or GBK:
// no GBK trail byte is below 0x40, so '<' never occurs inside a character).
// A record is kept whole; clean parses its fields after decoding.
func splitDump(src Source, uri string, data []byte, o Options) (raws []article.Raw, rejected []Rejected) {
	n := 0
	for {
		start := bytes.Index(data, docOpen)
		if start < 0 {
			return raws, rejected
		}
		n++
		recURI := fmt.Sprintf("%s#%d", uri, n)
		rest := data[start:]
		end := bytes.Index(rest[len(docOpen):], docClose)
		next := bytes.Index(rest[len(docOpen):], docOpen)
		var rec []byte
		switch {
		case end < 0 && next < 0:
			rec, data = rest, nil
		case end < 0 || (next >= 0 && next < end):
			// A record cut short: it runs up to the next <doc>.
			rec, data = rest[:len(docOpen)+next], rest[len(docOpen)+next:]
		default:
			stop := len(docOpen) + end + len(docClose)
			rec, data = rest[:stop], rest[stop:]
		}
		if int64(len(rec)) > o.maxBytes() {
			rejected = append(rejected, Rejected{URI: recURI, Err: fmt.Errorf("record %w (%d bytes)", ErrTooLarge, o.maxBytes())})
			continue
		}
		raws = append(raws, newRaw(src, recURI, article.FormatSogou, rec, o))
	}
}
