package clean

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// Where the charset used to decode came from (Quality.CharsetSource).
const (
	srcDeclared = "declared"
	srcBOM      = "bom"
	srcMeta     = "meta"
	srcDetected = "detected"
	srcDefault  = "default"
)

// decoded is an input body as UTF-8 text with how it was obtained.
type decoded struct {
	text     string
	charset  string
	source   string
	invalid  int  // bytes the charset could not decode, now U+FFFD
	mismatch bool // a declared or meta charset was rejected for another
}

// metaCharset finds <meta charset=...> or the http-equiv content form; the
// HTML spec says to look only near the top of the document.
var metaCharset = regexp.MustCompile(`(?i)<meta[^>]*?charset\s*=\s*["']?\s*([-\w.:]+)`)

// lookupCharset resolves a charset label. Every GB label decodes as GB18030:
// it is a superset of GB2312 and GBK, and pages labelled GB2312 routinely use
// GBK-only characters.
func lookupCharset(label string) (encoding.Encoding, string) {
	l := strings.ToLower(strings.TrimSpace(label))
	l = strings.Trim(l, `"'`)
	switch l {
	case "":
		return nil, ""
	case "gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "csgb2312", "gb_2312-80", "windows-936", "ms936":
		return simplifiedchinese.GB18030, "gb18030"
	case "utf8", "utf-8":
		return unicode.UTF8, "utf-8"
	}
	e, name := charset.Lookup(l)
	if e == nil {
		return nil, ""
	}
	if name == "gbk" {
		return simplifiedchinese.GB18030, "gb18030"
	}
	return e, name
}

// decodeBody turns body into UTF-8. Order: BOM, the declared charset, a
// <meta> charset (HTML only), then detection. A declared or meta charset is
// rejected when it leaves undecodable bytes that another charset decodes, or
// when the bytes are plainly UTF-8 while the label says otherwise.
func decodeBody(body []byte, declared string, html bool) decoded {
	if d, ok := decodeBOM(body); ok {
		return d
	}
	mismatch := false
	if e, name := lookupCharset(declared); e != nil {
		d := decodeWith(body, e, name, srcDeclared)
		if plausible(body, d) {
			return d
		}
		mismatch = true
	}
	if html {
		head := body
		if len(head) > 2048 {
			head = head[:2048]
		}
		if m := metaCharset.FindSubmatch(head); m != nil {
			if e, name := lookupCharset(string(m[1])); e != nil {
				d := decodeWith(body, e, name, srcMeta)
				if plausible(body, d) {
					d.mismatch = mismatch
					return d
				}
				mismatch = true
			}
		}
	}
	d := detect(body)
	d.mismatch = mismatch
	return d
}

func decodeBOM(body []byte) (decoded, bool) {
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		d := decodeWith(body[3:], unicode.UTF8, "utf-8", srcBOM)
		return d, true
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		return decodeWith(body[2:], unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", srcBOM), true
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		return decodeWith(body[2:], unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", srcBOM), true
	}
	return decoded{}, false
}

// plausible tells whether a decoding with a declared charset can stand.
func plausible(body []byte, d decoded) bool {
	if d.charset == "utf-8" {
		return d.invalid == 0 || utf8Share(body) >= 0.9
	}
	// Non-UTF-8 labels on bytes that are valid multi-byte UTF-8: the label is
	// stale (a page re-encoded without updating it). Legacy CJK text is
	// virtually never valid UTF-8 beyond a handful of characters.
	if utf8.Valid(body) && multibyteRunes(body) >= 4 {
		return false
	}
	if d.invalid == 0 {
		return true
	}
	alt := detect(body)
	return alt.invalid >= d.invalid
}

// detect picks a charset for unlabelled bytes: UTF-8 when the bytes are
// (nearly all) valid UTF-8, else the candidate legacy Chinese charset that
// leaves the fewest undecodable bytes, GB18030 first since the sources are
// mainland Chinese.
func detect(body []byte) decoded {
	if utf8.Valid(body) {
		src := srcDetected
		if multibyteRunes(body) == 0 {
			src = srcDefault
		}
		return decodeWith(body, unicode.UTF8, "utf-8", src)
	}
	if utf8Share(body) >= 0.9 {
		return decodeWith(body, unicode.UTF8, "utf-8", srcDetected)
	}
	best := decodeWith(body, simplifiedchinese.GB18030, "gb18030", srcDetected)
	if best.invalid > 0 {
		if b5 := decodeWith(body, traditionalchinese.Big5, "big5", srcDetected); b5.invalid < best.invalid {
			best = b5
		}
	}
	return best
}

// decodeWith decodes body, turning every undecodable byte into U+FFFD and
// counting them.
func decodeWith(body []byte, e encoding.Encoding, name, source string) decoded {
	var text string
	if name == "utf-8" {
		text = validUTF8(body)
	} else {
		out, err := e.NewDecoder().Bytes(body)
		if err != nil {
			// x/text decoders replace bad input themselves; an error here
			// means a transformer failure, so fall back to lossy UTF-8.
			text = validUTF8(body)
		} else {
			text = validUTF8(out)
		}
	}
	// U+FFFD already present in valid UTF-8 input is not a decoding failure
	// of ours, but it is still text lost upstream: count it as invalid too.
	return decoded{text: text, charset: name, source: source, invalid: strings.Count(text, "\uFFFD")}
}

// validUTF8 replaces each invalid byte with U+FFFD, one for one, so that no
// byte is silently lost.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + 16)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			sb.WriteRune(utf8.RuneError)
			b = b[1:]
			continue
		}
		sb.WriteRune(r)
		b = b[n:]
	}
	return sb.String()
}

// utf8Share is the share of non-ASCII byte sequences that are valid UTF-8.
func utf8Share(b []byte) float64 {
	good, bad := 0, 0
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			bad++
			b = b[1:]
			continue
		}
		good++
		b = b[n:]
	}
	if good+bad == 0 {
		return 1
	}
	return float64(good) / float64(good+bad)
}

func multibyteRunes(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if size > 1 && r != utf8.RuneError {
			n++
		}
		b = b[size:]
	}
	return n
}
