package clean

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/casewire/casewire/pkg/article"
)

// largeInputs are the shapes that stressed each stage of the cleaner into
// quadratic time before, at about size bytes each.
func largeInputs(size int) []struct{ name, format, body string } {
	line := "乌海市公安局以做精实战队伍，做强派出所主防队伍为着力\n\n"
	n := size / 50 // element count for the html and dump shapes
	return []struct{ name, format, body string }{
		{"many broken lines", article.FormatText, strings.Repeat(line, size/len(line))},
		{"many captions", article.FormatText, strings.Repeat("会议现场。\n\n\n", size/20)},
		{"many headings", article.FormatText, strings.Repeat("## 标题\n\n### 副题\n\n正文内容，很短。(张三)\n\n", size/60)},
		{"nested html", article.FormatHTML, strings.Repeat("<div><p>", n) + strings.Repeat("警方通报案情。", 1000) + strings.Repeat("</p></div>", n)},
		{"many paragraphs html", article.FormatHTML, "<html><body>" + strings.Repeat("<p>警方通报了一起盗窃案件的侦破情况，追回赃款。</p>", n) + "</body></html>"},
		{"sogou unclosed tags", article.FormatSogou, "<doc>" + strings.Repeat("<content>警方通报", n)},
		{"question marks", article.FormatText, strings.Repeat("销毁。?；泼鳎合?", size/30)},
	}
}

// TestLargeInputs cleans each stress shape and checks the result is sound.
// How long it takes is BenchmarkLargeInputs' business: a wall-clock limit in
// a unit test is flaky on a shared machine; a quadratic path shows there as
// ns/op growing 4x from one size to the next instead of 2x.
func TestLargeInputs(t *testing.T) {
	t.Parallel()
	c := New(Options{})
	for _, tc := range largeInputs(256 << 10 / raceSlowdown) {
		arts, err := c.Clean(article.Raw{ID: "s", Format: tc.format, Body: []byte(tc.body)})
		if err != nil && !errors.Is(err, ErrNoText) {
			t.Errorf("%s: %v", tc.name, err)
		}
		for _, a := range arts {
			if !utf8.ValidString(a.Body) || a.Body == "" {
				t.Errorf("%s: body empty or not UTF-8", tc.name)
			}
		}
	}
}

func BenchmarkLargeInputs(b *testing.B) {
	c := New(Options{})
	for _, size := range []int{256 << 10, 512 << 10, 1 << 20} {
		for _, tc := range largeInputs(size) {
			b.Run(fmt.Sprintf("%s/%dKB", tc.name, size>>10), func(b *testing.B) {
				raw := article.Raw{ID: "s", Format: tc.format, Body: []byte(tc.body)}
				b.SetBytes(int64(len(tc.body)))
				for b.Loop() {
					c.Clean(raw)
				}
			})
		}
	}
}
