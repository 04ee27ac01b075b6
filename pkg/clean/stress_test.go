package clean

import (
	"strings"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/article"
)

// TestLargeInputsStayFast guards against quadratic paths: a megabyte of
// the shapes that stress each stage must clean in well under the worker's
// ack deadline.
func TestLargeInputsStayFast(t *testing.T) {
	t.Parallel()
	size := 1 << 20 / raceSlowdown // a megabyte; less under -race, whose overhead is per byte
	line := "乌海市公安局以做精实战队伍，做强派出所主防队伍为着力\n\n"
	cases := []struct {
		name, format string
		body         string
	}{
		{"many broken lines", article.FormatText, strings.Repeat(line, size/len(line))},
		{"many captions", article.FormatText, strings.Repeat("会议现场。\n\n\n", size/20)},
		{"many headings", article.FormatText, strings.Repeat("## 标题\n\n### 副题\n\n正文内容，很短。(张三)\n\n", size/60)},
		{"nested html", article.FormatHTML, strings.Repeat("<div><p>", 20000/raceSlowdown) + strings.Repeat("警方通报案情。", 1000) + strings.Repeat("</p></div>", 20000/raceSlowdown)},
		{"many paragraphs html", article.FormatHTML, "<html><body>" + strings.Repeat("<p>警方通报了一起盗窃案件的侦破情况，追回赃款。</p>", 20000/raceSlowdown) + "</body></html>"},
		{"sogou unclosed tags", article.FormatSogou, "<doc>" + strings.Repeat("<content>警方通报", 50000/raceSlowdown)},
		{"question marks", article.FormatText, strings.Repeat("销毁。?；泼鳎合?", size/30)},
	}
	c := New(Options{})
	for _, tc := range cases {
		start := time.Now()
		_, err := c.Clean(article.Raw{ID: "s", Format: tc.format, Body: []byte(tc.body)})
		if d := time.Since(start); d > 10*time.Second { // quadratic paths took 20 s and more
			t.Errorf("%s: %v for %d bytes (err %v)", tc.name, d, len(tc.body), err)
		} else {
			t.Logf("%s: %v for %d bytes", tc.name, d, len(tc.body))
		}
	}
}
