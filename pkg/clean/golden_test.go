package clean

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/article"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current output")

// goldenCases are real samples (copied under testdata/golden) covering each
// rule; a change in output shows as a reviewed diff of the golden file.
var goldenCases = []struct {
	name    string // golden file testdata/<name>.golden.json
	file    string // input under testdata/golden
	format  string
	charset string
	meta    map[string]string
	covers  string
}{
	{name: "seed-page", file: "seed-page.txt", format: article.FormatText,
		covers: "page split into three articles, ##/### sections, captions, five joins, bylines, **dateline**, echoed teaser dropped"},
	{name: "cec-report", file: "cec-lijing.txt", format: article.FormatText,
		meta:   map[string]string{"title": "丽景北街发生一起交通事故"},
		covers: "CRLF, report-time first line with 来源 outlet, Meta title"},
	{name: "article-txt-fullwidth-mojibake", file: "article-001.txt", format: article.FormatArticleTxt,
		covers: "header block, full-width digits/space, 中广网...消息 dateline, bracketed 记者 byline, mojibake runs"},
	{name: "article-txt-report-line", file: "article-013.txt", format: article.FormatArticleTxt,
		covers: "header date with outlet and time, 本报讯 dateline"},
	{name: "html-fragment", file: "html-039.html", format: article.FormatHTML,
		meta:   map[string]string{"title": "广西一民警因消费时发生争执开枪打伤2人"},
		covers: "HTML fragment: iframe ad dropped, entities, source note 作者 byline, editor trailer dropped"},
	{name: "html-gbk-page", file: "html-gbk-page.html", format: article.FormatHTML,
		covers: "GBK page with <meta> charset gb2312, nav/ad/script/comments/footer dropped, h1 title, published meta"},
	{name: "sogou-gbk", file: "sogou-gbk-0.dat", format: article.FormatSogou, charset: "gbk",
		covers: "GBK Sogou record, declared charset, URL date, mojibake measured"},
	{name: "text-bulletin-headline", file: "bulletin-headline.txt", format: article.FormatText,
		covers: "plain text: headline, subtitle, date line with 来源 and 作者, 本报讯, names split at role words, a dated sentence kept"},
	{name: "cec-hyphen-dateline", file: "cec-xiamen.txt", format: article.FormatText,
		meta:   map[string]string{"title": "厦门货车连撞四车致3死4伤"},
		covers: "厦门网-厦门日报讯 dateline (the paper over its site), names printed without separators"},
	{name: "cec-lead-then-dateline", file: "cec-beslan.txt", format: article.FormatText,
		meta:   map[string]string{"title": "俄罗斯发生别斯兰人质事件"},
		covers: "report line, a lead paragraph, then 新华网莫斯科9月4日电（记者…）: dateline, byline, outlet, dateline_date"},
	{name: "sogou-utf8-undeclared", file: "sogou-utf8-0.dat", format: article.FormatSogou,
		covers: "UTF-8 Sogou record with no declared charset, full-width VIP, 南都讯 dateline, unbracketed 记者 byline"},
}

func TestGolden(t *testing.T) {
	c := New(Options{})
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "golden", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			raw := article.Raw{V: article.Version, Source: "sample", URI: "testdata/golden/" + tc.file,
				Format: tc.format, Charset: tc.charset, Meta: tc.meta, Body: b,
				FetchedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
			raw.ID = article.RawID(raw.Source, raw.URI, b)
			res, err := c.CleanWithMap(raw)
			if err != nil {
				t.Fatalf("clean: %v", err)
			}
			for i, a := range res.Articles {
				checkMap(t, tc.name, res.Decoded, a.Body, res.Maps[i], tc.format)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(res.Articles); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./clean -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("output differs from %s (covers: %s); run go test ./clean -update and review the diff\n%s", path, tc.covers, firstDiff(buf.String(), string(want)))
			}
		})
	}
}

// firstDiff shows where got and want part, for a readable failure.
func firstDiff(got, want string) string {
	g, w := []rune(got), []rune(want)
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	lo := max(i-60, 0)
	return "got:  ..." + string(g[lo:min(i+60, len(g))]) + "\nwant: ..." + string(w[lo:min(i+60, len(w))])
}
