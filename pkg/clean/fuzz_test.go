package clean

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
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
		[]byte("全市上半年刑事警情下降\n——副题\n2024年7月2日 来源：北疆日报 作者：李明\n本报讯（记者王利通讯员郭如亮刘丽叶）今年上半年，警情下降。\n2024年6月，全市开展专项行动。"),
		[]byte("2004年9月4日\n导语一句。\n\n新华网莫斯科9月4日电（记者张金海）：人质事件结束。据新华社报道，伤亡统计中。据草原电视台综合"),
		[]byte("标题一\n2024年4月2日\n标题二\n2024年7月2日\n厦门网-厦门日报讯(李映民李获)正文。"),
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

// FuzzByline checks the byline reader on any text: no panic, valid UTF-8
// out, and nothing lost or invented: a byline read is the input's
// characters in order, less separators and a closing 报道/报导/摄.
func FuzzByline(f *testing.F) {
	for _, s := range []string{"记者王利通讯员郭如亮刘丽叶", "张飞记者良保实习生夏娅", "李映民李获", "记者 张扬 通讯员 殷莉红、刘永慧", "通讯员 王金虎报道", "国家统计局", "北疆晚报记者李明", "文/图 赵明"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := parseByline(in)
		if !ok {
			if got != "" {
				t.Fatalf("not a byline but got %q", got)
			}
			return
		}
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		keep := func(s string) string {
			return strings.Map(func(r rune) rune {
				if unicode.IsSpace(r) || strings.ContainsRune("、，,/:：", r) {
					return -1
				}
				return r
			}, s)
		}
		want := strings.TrimSpace(in)
		for _, verb := range []string{"报道", "报导", "摄"} {
			want = strings.TrimSuffix(want, verb)
		}
		if keep(got) != keep(want) {
			t.Fatalf("parseByline(%q) = %q: characters lost or added", in, got)
		}
	})
}

// FuzzDateline checks the dateline reader on any text: no panic; a
// dateline found opens the text, its length stays inside it, its outlet
// is part of it (or 本报/本网/本台) and its day, if any, is a real date.
func FuzzDateline(f *testing.F) {
	for _, s := range []string{"新华社北京3月2日电 公安部通报。", "本报讯（记者 李明）", "据新华社电，", "厦门网-厦门日报讯(", "北疆网5月6日哈密讯 ", "经审讯，", "据北疆晚报报道，", "今视网3月12日南昌讯"} {
		f.Add(s, "2014-03-03")
	}
	f.Fuzz(func(t *testing.T, s, published string) {
		text, n := matchDateline(s)
		if n == 0 {
			if text != "" {
				t.Fatalf("text %q without a length", text)
			}
			return
		}
		if n > len(s) || !strings.HasPrefix(s, text) || !utf8.ValidString(text) {
			t.Fatalf("matchDateline(%q) = %q, %d", s, text, n)
		}
		if o := datelineOutlet(text); o != "" && !strings.Contains(text, o) {
			t.Fatalf("outlet %q not in dateline %q", o, text)
		}
		if d := datelineDate(text, published); d != "" {
			if _, err := time.Parse("2006-01-02", d); err != nil {
				t.Fatalf("dateline date %q: %v", d, err)
			}
		}
	})
}
