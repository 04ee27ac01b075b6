package clean

import (
	"math"
	"unicode"

	"github.com/casewire/casewire/pkg/article"
)

// Quality flags.
const (
	FlagInvalidBytes    = "invalid-bytes"    // bytes the charset could not decode (U+FFFD)
	FlagMojibake        = "mojibake"         // runs of text broken by an upstream conversion
	FlagNotChinese      = "not-chinese"      // too few Han characters among letters
	FlagShort           = "short"            // body shorter than Options.MinChars
	FlagCharsetMismatch = "charset-mismatch" // declared charset contradicted by the bytes
	FlagTruncated       = "truncated"        // input cut at Options.MaxBytes
	FlagTitleOnly       = "title-only"       // no text but a title: the title is the body
)

// brokenAfterQuestion: after a lost byte turned into '?', a legacy-charset
// conversion pairs the wrong bytes and yields full-width forms (folded to
// ASCII by normalisation) or Chinese punctuation where Han text belongs.
func brokenAfterQuestion(r rune) bool {
	switch r {
	case '；', '：', '，', '！', '？', '（', '）', '=', '+', '<', '>', '@', '#', '$', '^', '_', '`', '|', '~', '\\', '[', ']', '{', '}', '%', '&', '*', '\'', '"', '-', '.', '/':
		return true
	}
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isCJKPunct(r rune) bool {
	return (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF) || r == '“' || r == '”' || r == '…' || r == '—'
}

// misdecoded counts characters lost or garbled upstream: U+FFFD, a '?' that
// stands for a character between Han characters, and runs that start with
// '?' plus a broken pair and last until the conversion recovers at the next
// '?' (as in "?；泼鳎合衷谖倚?布").
func misdecoded(rs []rune) int {
	n := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '\uFFFD' {
			n++
			continue
		}
		if r != '?' {
			continue
		}
		inChinese := i == 0 || isHan(rs[i-1]) || isCJKPunct(rs[i-1])
		if !inChinese || i+1 >= len(rs) {
			continue
		}
		nx := rs[i+1]
		if brokenAfterQuestion(nx) {
			j := i + 1
			for j < len(rs) && j-i <= 24 && rs[j] != '?' && rs[j] != '\n' {
				j++
			}
			if j < len(rs) && rs[j] == '?' {
				n += j - i
				i = j - 1 // the closing '?' may open the next run
				continue
			}
			n += 2
			i++
			continue
		}
		if isHan(nx) && i > 0 && isHan(rs[i-1]) {
			n++
		}
	}
	return n
}

// assess fills the quality signals of a finished body.
func (c *Cleaner) assess(body []rune, q *article.Quality) {
	q.Chars = len(body)
	letters, han := 0, 0
	for _, r := range body {
		if unicode.IsLetter(r) {
			letters++
			if isHan(r) {
				han++
			}
		}
	}
	if letters > 0 {
		q.HanShare = round4(float64(han) / float64(letters))
	}
	bad := misdecoded(body)
	if len(body) > 0 {
		q.ReplacementShare = round4(float64(bad) / float64(len(body)))
	}
	fffd := 0
	for _, r := range body {
		if r == '\uFFFD' {
			fffd++
		}
	}
	if fffd > 0 {
		q.Flags = append(q.Flags, FlagInvalidBytes)
	}
	if bad-fffd > 0 && q.ReplacementShare >= c.opts.MojibakeShare {
		q.Flags = append(q.Flags, FlagMojibake)
	}
	if q.HanShare < c.opts.MinHanShare {
		q.Flags = append(q.Flags, FlagNotChinese)
	}
	if q.Chars < c.opts.MinChars {
		q.Flags = append(q.Flags, FlagShort)
	}
}

// round4 keeps shares stable and readable in golden files.
func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }
