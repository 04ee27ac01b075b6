package clean

import (
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/article"
)

// TestMalformedHTML: text a browser shows before markup goes wrong is
// article text. An unclosed comment swallows the rest of the document (HTML
// spec), not what came before it; </head> is optional; an unclosed layout
// element must not hide the article that readability finds in it.
func TestMalformedHTML(t *testing.T) {
	t.Parallel()
	const (
		p1 = "今年1月至4月，该市立案131起，同比下降68.05%。"
		p2 = "警方表示，将继续保持严打高压态势，确保辖区平安。"
		// good is the text of the fault suite's malformed page (pkg/faults).
		good = "2024年5月，乌海市公安局共立刑事案件131起，同比下降68.05%，破获各类案件95起，抓获犯罪嫌疑人60名。\n乌海市公安局表示，将继续保持严打高压态势。\n"
	)
	goodLine := strings.ReplaceAll(strings.TrimSuffix(good, "\n"), "\n", " ")
	cases := []struct {
		name  string
		in    string
		title string
		want  []string // in the body, in this order
		not   []string // not in the body
	}{
		{name: "unclosed comment after the first paragraph",
			in:   `<html><body><p>` + p1 + `</p><!-- unclosed comment <p>more</p></body></html>`,
			want: []string{p1}, not: []string{"more", "unclosed"}},
		{name: "unclosed tags before an unclosed comment",
			in:   `<html><body><div><p>` + p1 + `<p><b><i>未闭合<table><tr><td></p></i></b>>>><<!-- unclosed <p>more</p></body></html>`,
			want: []string{p1, "未闭合"}, not: []string{"more", "unclosed"}},
		{name: "fault suite page: no </head>, unclosed tags and comment",
			in:    "<html><head><title>通报</title><body><p>" + good + "<p><b><i>未闭合<table><tr><td></p></i></b>>>><<!--<script>alert(1)</scr<p>" + good,
			title: "通报", want: []string{goodLine, "未闭合"}, not: []string{"alert", "script"}},
		{name: "no </head>",
			in:    "<html><head><title>通报</title><meta charset=\"utf-8\"><body><p>" + p1 + "</p><p>" + p2 + "</p></body></html>",
			title: "通报", want: []string{p1 + "\n" + p2}},
		{name: "no </head> nor <body>: text ends the head",
			in:    "<html><head><title>通报</title><meta charset=\"utf-8\">\n" + p1 + "<p>" + p2,
			title: "通报", want: []string{p1 + "\n" + p2}},
		{name: "article inside an unclosed nav block",
			in:   `<html><body><div class="nav"><a>首页</a><p>` + p1 + `</p><p>` + p2 + `</p></body></html>`,
			want: []string{p1 + "\n" + p2}},
		{name: "article inside a page-wide form",
			in:   `<html><body><form id="form1"><div class="nav"><a>首页</a> <a>新闻</a></div><div id="content"><p>` + p1 + `</p><p>` + p2 + `</p></div></form></body></html>`,
			want: []string{p1 + "\n" + p2}, not: []string{"首页", "新闻"}},
	}
	c := New(Options{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := c.CleanWithMap(article.Raw{ID: "m", URI: "u", Format: article.FormatHTML, Body: []byte(tc.in)})
			if err != nil {
				t.Fatalf("clean: %v", err)
			}
			if len(res.Articles) != 1 {
				t.Fatalf("got %d articles, want 1", len(res.Articles))
			}
			a := res.Articles[0]
			if hasFlag(a, FlagTitleOnly) {
				t.Fatalf("title only: %q", a.Body)
			}
			at := 0
			for _, w := range tc.want {
				i := strings.Index(a.Body[at:], w)
				if i < 0 {
					t.Fatalf("body %q lacks %q (after offset %d)", a.Body, w, at)
				}
				at += i + len(w)
			}
			for _, n := range tc.not {
				if strings.Contains(a.Body, n) {
					t.Errorf("body %q has %q", a.Body, n)
				}
			}
			if tc.title != "" && a.Title != tc.title {
				t.Errorf("title %q, want %q", a.Title, tc.title)
			}
			checkMap(t, tc.name, res.Decoded, a.Body, res.Maps[0], article.FormatHTML)
		})
	}
}
