package clean

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/casewire/casewire/pkg/article"
)

var fuzzFormats = []string{article.FormatText, article.FormatArticleTxt, article.FormatHTML, article.FormatSogou}

func fuzzSeeds() [][]byte {
	return [][]byte{
		[]byte("# 标题\n\n## 小节\n\n### 副题\n\n乌海市公安局以做精实战队伍，做强队伍为着力\n\n\n\n常态化巡逻。\n\n点，切实做到聚焦实战。(张学俭)\n\n## 第二篇\n\n**兴安讯** 6月26日，会议举办。（包俊）"),
		[]byte("2008年04月05日 09:12\r\n\r\n昨天下午1点多，两车相撞，造成３人死亡。\r\n"),
		[]byte("source: x\ntitle: 标题\ndate: 2012-06-12\n---\n中广网唐山６月１２日消息（记者汤一亮　庄胜春）据报道，销毁。?；泼鳎合衷谖倚?布"),
		[]byte(`<html><head><meta charset="gbk"><title>t</title></head><body><div class="nav">首页</div><p>记者从&amp;公安局获悉&#x4e00;案件告破。</p><script>x</script></body></html>`),
		[]byte("<doc>\n<url>http://news.sohu.com/20120612/n1.shtml</url>\n<contenttitle>标题</contenttitle>\n<content>南都讯　记者刘凡　周昌和　继推出日票后，深圳将设ＶＩＰ车厢。</content>\n</doc>"),
		{0xb9, 0xab, 0xb0, 0xb2, 0xbb, 0xfa, 0xb9, 0xd8, 0x3f, 0xa3, 0xbb, 0xff},
		[]byte("\ufeff\u200b\x00\r\r\n\u3000"),
	}
}

// FuzzClean checks, for any bytes in any format with any declared charset:
//   - Clean never panics: a recovered internal error is a failure too;
//   - it returns either an error wrapping ErrNoText or at least one article;
//   - every article has a non-empty, valid UTF-8 Body, Chars equal to its
//     length in characters, the schema version and deterministic ids;
//   - every body character maps back into the decoded input, in order, and
//     a mapped character is the input character normalised (or, in markup,
//     comes from a character reference);
//   - cleaning the same input twice gives the same output.
func FuzzClean(f *testing.F) {
	for i, s := range fuzzSeeds() {
		f.Add(s, uint8(i), "")
		f.Add(s, uint8(i+1), "gbk")
	}
	c := New(Options{})
	f.Fuzz(func(t *testing.T, body []byte, format uint8, charset string) {
		raw := article.Raw{ID: "f", URI: "fuzz", Format: fuzzFormats[int(format)%len(fuzzFormats)], Charset: charset, Body: body}
		res, err := c.CleanWithMap(raw)
		if err != nil {
			if !errors.Is(err, ErrNoText) {
				t.Fatalf("error not ErrNoText: %v", err)
			}
			return
		}
		if len(res.Articles) == 0 || len(res.Maps) != len(res.Articles) {
			t.Fatalf("%d articles, %d maps", len(res.Articles), len(res.Maps))
		}
		for i, a := range res.Articles {
			if a.Body == "" || !utf8.ValidString(a.Body) || !utf8.ValidString(a.Title) || !utf8.ValidString(a.Byline) {
				t.Fatalf("[%d] empty or invalid text: %q", i, a.Body)
			}
			if a.Quality.Chars != utf8.RuneCountInString(a.Body) || a.V != article.Version || a.ID != article.CleanID("f", i) {
				t.Fatalf("[%d] chars %d v %d id %s", i, a.Quality.Chars, a.V, a.ID)
			}
			if hasFlag(a, FlagTitleOnly) {
				continue // a title from raw.Meta has no input position
			}
			checkFuzzMap(t, res.Decoded, a.Body, res.Maps[i])
		}
		again, err := c.CleanWithMap(raw)
		if err != nil || !reflect.DeepEqual(again.Articles, res.Articles) {
			t.Fatalf("not deterministic: %v", err)
		}
	})
}

func checkFuzzMap(t *testing.T, decoded, body string, m OffsetMap) {
	in := []rune(decoded)
	br := []rune(body)
	if m.Len() != len(br) {
		t.Fatalf("map covers %d, body has %d", m.Len(), len(br))
	}
	prev := -1
	for i, r := range br {
		p, ok := m.Exact(i)
		if !ok {
			if r != '\n' && r != ' ' {
				t.Fatalf("body[%d]=%q unmapped", i, r)
			}
			continue
		}
		if p < prev || p >= len(in) {
			t.Fatalf("body[%d] maps to %d after %d (input %d)", i, p, prev, len(in))
		}
		f, _ := fold(in[p])
		if f != r && in[p] != '&' && !(r == ' ' && (in[p] == '\n' || in[p] == '\r')) {
			t.Fatalf("body[%d]=%q maps to input[%d]=%q", i, r, p, in[p])
		}
		if s, e := m.Span(i, i+1); s != p || e != p+1 {
			t.Fatalf("Span(%d) = %d,%d want %d", i, s, e, p)
		}
		prev = p
	}
}

// FuzzIdempotent checks that cleaning clean text changes nothing: the Body
// of every article cleaned from any text input, fed back as a "text" raw,
// comes out as exactly one article with the same Body.
func FuzzIdempotent(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	c := New(Options{})
	f.Fuzz(func(t *testing.T, body []byte) {
		as, err := c.Clean(article.Raw{ID: "f", Format: article.FormatText, Body: body})
		if err != nil {
			return
		}
		for _, a := range as {
			checkIdempotent(t, c, a.Body)
		}
	})
}

func checkIdempotent(t testing.TB, c *Cleaner, body string) {
	t.Helper()
	again, err := c.Clean(article.Raw{ID: "g", Format: article.FormatText, Body: []byte(body)})
	if err != nil {
		t.Fatalf("re-clean of %q: %v", body, err)
	}
	if len(again) != 1 || again[0].Body != body {
		var got []string
		for _, a := range again {
			got = append(got, a.Body)
		}
		t.Fatalf("re-clean changed the body:\n was %q\n now %q", body, strings.Join(got, " | "))
	}
}

// TestIdempotentCorpus re-cleans every corpus article's body as text.
func TestIdempotentCorpus(t *testing.T) {
	t.Parallel()
	c := New(Options{})
	for _, raw := range corpusRaws(t) {
		as, err := c.Clean(raw)
		if err != nil {
			continue // TestCorpus reports it
		}
		for _, a := range as {
			checkIdempotent(t, c, a.Body)
		}
	}
}
