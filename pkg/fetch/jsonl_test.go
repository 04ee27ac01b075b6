package fetch_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/fetch"
)

func TestReadJSONLines(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "feed", "articles.jsonl")
	raws, rejected, err := fetch.ReadFile(src, path, fetch.Options{Now: fixed})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		uriSuffix, title, published, format, region string
	}
	wants := []want{
		{"news.sohu.com/20120612/n345428229.shtml", "公安机关销毁１０余万非法枪支　跨国武器走私渐起", "2012-06-12T08:00:00", article.FormatText, "乌海市"},
		{"articles.jsonl#L2", "湖北致16死客车坠崖系司机责任事故", "2011-11-9 14:16:52", article.FormatText, "湖北省"},
		{"example.invalid/jx/013.html", "涉嫌骑车逃逸的男子今天上午已归案", "2013-07-13T13:41:01", article.FormatHTML, "乌海市"},
	}
	if len(raws) != len(wants) {
		t.Fatalf("%d raw articles, want %d", len(raws), len(wants))
	}
	for i, w := range wants {
		t.Run(w.title, func(t *testing.T) {
			r := raws[i]
			if !strings.HasSuffix(r.URI, w.uriSuffix) || r.Meta["title"] != w.title || r.Meta["published"] != w.published ||
				r.Format != w.format || r.RegionHint != w.region || r.Charset != "utf-8" {
				t.Errorf("got uri %q meta %v format %q region %q charset %q; want %+v", r.URI, r.Meta, r.Format, r.RegionHint, r.Charset, w)
			}
			if r.ID != article.RawID(src.Name, r.URI, r.Body) {
				t.Error("id is not the deterministic raw id")
			}
		})
	}
	wantRejected := map[string]string{"#L4": "no content", "#L5": "json line"}
	if len(rejected) != len(wantRejected) {
		t.Fatalf("rejected %v, want lines 4 and 5", rejected)
	}
	for _, rej := range rejected {
		frag := rej.URI[strings.LastIndex(rej.URI, "#"):]
		if !strings.Contains(rej.Err.Error(), wantRejected[frag]) {
			t.Errorf("%s: %v", rej.URI, rej.Err)
		}
	}
}

func TestReadStdin(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		in         string
		wantN      int
		wantFormat string
		wantURI    string
	}{
		{name: "plain text", in: "乌海市公安局破获盗窃案件131起。", wantN: 1, wantFormat: article.FormatText, wantURI: fetch.StdinURI},
		{name: "html", in: "<!DOCTYPE html><html><body>正文</body></html>", wantN: 1, wantFormat: article.FormatHTML, wantURI: fetch.StdinURI},
		{name: "sogou dump", in: "<doc><url>u</url><content>一</content></doc>\n<doc><content>二</content></doc>", wantN: 2, wantFormat: article.FormatSogou, wantURI: fetch.StdinURI + "#1"},
		{name: "json lines", in: `{"content":"一"}` + "\n" + `{"url":"https://example.invalid/2","content":"二"}`, wantN: 2, wantFormat: article.FormatText, wantURI: fetch.StdinURI + "#L1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raws, rejected, err := fetch.ReadStdin(src, strings.NewReader(tc.in), fetch.Options{})
			if err != nil || len(rejected) > 0 {
				t.Fatalf("ReadStdin: %v %v", err, rejected)
			}
			if len(raws) != tc.wantN || raws[0].Format != tc.wantFormat || raws[0].URI != tc.wantURI {
				t.Errorf("got %d raws, first %q %q; want %d %q %q", len(raws), raws[0].Format, raws[0].URI, tc.wantN, tc.wantFormat, tc.wantURI)
			}
		})
	}
}

func TestRunnerReadsStdinOnce(t *testing.T) {
	t.Parallel()
	b := newBus(t)
	r := &fetch.Runner{Source: src, Paths: []string{fetch.StdinPath}, Stdin: strings.NewReader(`{"content":"一"}` + "\n" + `{"content":"二"}`), Pub: b.pub}
	for i, want := range []int{2, 0} {
		st, err := r.Scan(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Published != want {
			t.Errorf("scan %d published %d, want %d (standard input is read once)", i, st.Published, want)
		}
	}
}
