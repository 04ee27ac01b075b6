package fetch

import (
	"bytes"
	"testing"
)

// FuzzSplitDump: splitting never panics; each record is a slice of the input
// that starts with <doc>, records appear in input order without overlap, and
// there is one per <doc> tag (kept or rejected).
func FuzzSplitDump(f *testing.F) {
	f.Add([]byte("<doc><url>u</url><content>正文</content></doc>"))
	f.Add([]byte("<doclist>\n<doc>a</doc>\n<doc>b"))
	f.Add([]byte("<doc><doc></doc></doc>"))
	f.Add([]byte("\xef\xbb\xbf<doc>\xb0\xb8</doc>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		raws, rejected := splitDump(Source{Name: "f"}, "file:///d", data, Options{MaxBytes: 64})
		if got, want := len(raws)+len(rejected), bytes.Count(data, docOpen); got != want {
			t.Fatalf("%d records for %d <doc> tags", got, want)
		}
		pos := 0
		for _, r := range raws {
			i := bytes.Index(data[pos:], r.Body)
			if i < 0 || !bytes.HasPrefix(r.Body, docOpen) {
				t.Fatalf("record %q is not an in-order slice of the input", r.Body)
			}
			pos += i + len(r.Body)
		}
	})
}
