package clean

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/article"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode gbk: %v", err)
	}
	return b
}

func cleanOne(t *testing.T, raw article.Raw) article.Clean {
	t.Helper()
	as, err := New(Options{}).Clean(raw)
	if err != nil {
		t.Fatalf("clean: %v", err)
	}
	if len(as) != 1 {
		t.Fatalf("got %d articles, want 1", len(as))
	}
	return as[0]
}

func TestNormalisation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
		minEdits       int
	}{
		{"full-width digits", "公安机关２０１２年缉枪制爆专项行动启动。", "公安机关2012年缉枪制爆专项行动启动。", 4},
		{"full-width letters", "深圳将设地铁ＶＩＰ头等车厢。", "深圳将设地铁VIP头等车厢。", 3},
		{"ideographic space", "跨国武器走私渐起　主犯系美国士兵。", "跨国武器走私渐起 主犯系美国士兵。", 1},
		{"chinese punctuation kept", "他说：“好！”（完）、？；，。", "他说：“好！”（完）、？；，。", 0},
		{"full-width percent and dot", "同比增长２９．５％。", "同比增长29.5%。", 5},
		{"crlf and blank lines", "第一段文字。\r\n\r\n第二段文字。\r\n", "第一段文字。\n第二段文字。", 2},
		{"zero-width and control", "警方\u200b通报\u0007了案情\ufeff。", "警方通报了案情。", 3},
		{"whitespace runs", "  警方   通报\t了案情。  ", "警方 通报 了案情。", 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := cleanOne(t, article.Raw{ID: "n", Format: article.FormatText, Body: []byte(tc.in)})
			if a.Body != tc.want {
				t.Errorf("body %q, want %q", a.Body, tc.want)
			}
			if a.Quality.Edits < tc.minEdits {
				t.Errorf("edits %d, want at least %d", a.Quality.Edits, tc.minEdits)
			}
		})
	}
}

func TestCharsets(t *testing.T) {
	t.Parallel()
	const text = "乌海市公安局聚焦入室盗窃等传统侵财类案件，今年1月至4月立案131起。"
	utf8BOM := append([]byte{0xEF, 0xBB, 0xBF}, text...)
	htmlGBK := gbk(t, `<html><head><meta charset="gb2312"><title>t</title></head><body><p>`+text+`</p></body></html>`)
	cases := []struct {
		name       string
		body       []byte
		format     string
		declared   string
		charset    string
		source     string
		flags      []string
		bodySubstr string
	}{
		{"declared gbk", gbk(t, text), article.FormatText, "gbk", "gb18030", srcDeclared, nil, text},
		{"declared gb2312 read as gb18030", gbk(t, text+"镕"), article.FormatText, "GB2312", "gb18030", srcDeclared, nil, "镕"},
		{"undeclared gbk detected", gbk(t, text), article.FormatText, "", "gb18030", srcDetected, nil, text},
		{"utf-8 detected", []byte(text), article.FormatText, "", "utf-8", srcDetected, nil, text},
		{"bom wins", utf8BOM, article.FormatText, "gbk", "utf-8", srcBOM, nil, text},
		{"wrong declaration rejected", []byte(text), article.FormatText, "gbk", "utf-8", srcDetected, []string{FlagCharsetMismatch}, text},
		{"wrong utf-8 declaration rejected", gbk(t, text), article.FormatText, "utf-8", "gb18030", srcDetected, []string{FlagCharsetMismatch}, text},
		{"html meta charset", htmlGBK, article.FormatHTML, "", "gb18030", srcMeta, nil, text},
		{"wrong meta charset rejected", []byte(`<html><head><meta charset="gbk"></head><body><p>` + text + `</p></body></html>`), article.FormatHTML, "", "utf-8", srcDetected, []string{FlagCharsetMismatch}, text},
		{"invalid bytes flagged", append([]byte(text), 0xFF, 0xFE, 0xFD), article.FormatText, "utf-8", "utf-8", srcDeclared, []string{FlagInvalidBytes}, "\uFFFD\uFFFD\uFFFD"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := cleanOne(t, article.Raw{ID: "c", Format: tc.format, Charset: tc.declared, Body: tc.body})
			if a.Quality.Charset != tc.charset || a.Quality.CharsetSource != tc.source {
				t.Errorf("charset %s/%s, want %s/%s", a.Quality.Charset, a.Quality.CharsetSource, tc.charset, tc.source)
			}
			for _, f := range tc.flags {
				if !hasFlag(a, f) {
					t.Errorf("flags %v lack %s", a.Quality.Flags, f)
				}
			}
			if !strings.Contains(a.Body, tc.bodySubstr) {
				t.Errorf("body %q lacks %q", a.Body, tc.bodySubstr)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"2008年04月05日 09:12":             "2008-04-05T09:12:00",
		"2011-11-9 14:16:52":            "2011-11-09T14:16:52",
		"嘉兴在线新闻网 2013年07月13日 13:41:01":  "2013-07-13T13:41:01",
		"2014年03月19日 12:17:48 来源： 宁夏日报": "2014-03-19T12:17:48",
		"2009/05/22":                       "2009-05-22",
		"2014年4月11日07:00":                  "2014-04-11T07:00:00",
		"2014年03月03日 星期一":                  "2014-03-03",
		"2012-06-12T10:30:00+08:00":        "2012-06-12T10:30:00",
		"2011-02-30":                       "",
		"2018 (crawl; exact date unknown)": "",
		"包头新闻网 发布时间： 2013年08月01日 10:52": "2013-08-01T10:52:00",
	}
	for in, want := range cases {
		if got := parseDate(in); got != want {
			t.Errorf("parseDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDatelineAndByline(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, dateline, byline, starts string
	}{
		{"bold dateline", "**兴安讯** 6月26日至27日,交流会在兴安盟成功举办。", "兴安讯", "", "6月26日"},
		{"benbao", "本报讯7月8日晚上7点左右，市区发生一起事故。", "本报讯", "", "7月8日"},
		{"xinhua", "新华社北京6月12日电 公安部今天通报了案情。", "新华社北京6月12日电", "", "公安部"},
		{"radio with bracket byline", "中广网唐山６月１２日消息（记者汤一亮　庄胜春）据中国之声报道，活动启动。", "中广网唐山6月12日消息", "记者 汤一亮 庄胜春", "据中国之声"},
		{"unbracketed reporters", "南都讯　记者刘凡　周昌和　任笑一　继推出日票后，深圳将设头等车厢。", "南都讯", "记者 刘凡 周昌和 任笑一", "继推出"},
		{"reporter and correspondent", "记者 张三 通讯员 李四 昨日，警方破获一起案件。", "", "记者 张三 通讯员 李四", "昨日"},
		{"reporter in a sentence is text", "记者从广西桂林市公安局获悉，案件已告破。", "", "", "记者从"},
		{"trailing byline", "警方破获一起盗窃案，追回全部赃款。（包俊）", "", "包俊", "警方"},
		{"standalone byline", "警方破获一起盗窃案，追回全部赃款。\n\n(张学俭)", "", "张学俭", "警方"},
		{"bracket inside sentence kept", "犯罪嫌疑人（张某）已被刑拘，案件正在审理中。", "", "", "犯罪嫌疑人（张某）"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := cleanOne(t, article.Raw{ID: "d", Format: article.FormatText, Body: []byte(tc.body)})
			if a.Dateline != tc.dateline || a.Byline != tc.byline || !strings.HasPrefix(a.Body, tc.starts) {
				t.Errorf("dateline %q byline %q body %q; want %q %q %q...", a.Dateline, a.Byline, a.Body, tc.dateline, tc.byline, tc.starts)
			}
		})
	}
}

func TestLayoutRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		body     string
		want     string
		captions []string
	}{
		{"join across blank line", "今年以来，该局依照全市所\n\n有派出所管辖范围规划建立了必巡点。", "今年以来，该局依照全市所有派出所管辖范围规划建立了必巡点。", nil},
		{"join across caption", "该局以做精实战队伍，做强主防队伍为着力\n\n\n\n常态化巡逻。\n\n点，切实做到聚焦实战。", "该局以做精实战队伍，做强主防队伍为着力点，切实做到聚焦实战。", []string{"常态化巡逻。"}},
		{"no join after full stop", "警方接到报警后赶到现场。\n\n嫌疑人已被控制。", "警方接到报警后赶到现场。\n嫌疑人已被控制。", nil},
		{"no join into a new sentence", "吊车正在对事故车辆进行清障处理\n\n因为事故路段距离居民点较远，没有造成影响。", "吊车正在对事故车辆进行清障处理\n因为事故路段距离居民点较远，没有造成影响。", nil},
		{"no join of a title line", "交通事故通报\n\n昨日凌晨，一辆货车侧翻。", "交通事故通报\n昨日凌晨，一辆货车侧翻。", nil},
		{"latin lines keep breaks", "id, name, value\nfoo bar baz, qux", "id, name, value\nfoo bar baz, qux", nil},
		{"short closing line is text", "警方破获一起盗窃案，追回全部赃款。\n\n\n案件告破。", "警方破获一起盗窃案，追回全部赃款。\n案件告破。", nil},
		{"hard-wrapped lines join", "乌海市公安局针对侵财类案件发案特点和规律，建立了会商\n研判机制。", "乌海市公安局针对侵财类案件发案特点和规律，建立了会商研判机制。", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := cleanOne(t, article.Raw{ID: "l", Format: article.FormatText, Body: []byte(tc.body)})
			if a.Body != tc.want {
				t.Errorf("body %q, want %q", a.Body, tc.want)
			}
			if !reflect.DeepEqual(a.Captions, tc.captions) {
				t.Errorf("captions %q, want %q", a.Captions, tc.captions)
			}
		})
	}
}

// TestSeedPage pins the print page the product was designed from: exactly
// three articles, their titles, bylines, dateline, captions and the joins.
func TestSeedPage(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", "seed-page.txt"))
	if err != nil {
		t.Fatal(err)
	}
	as, err := New(Options{}).Clean(article.Raw{ID: "seed", Format: article.FormatText, Body: b})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		title, byline, dateline string
		captions                []string
		sections                int
		joins                   []string
	}{
		{"乌海公安:聚焦“小案件” 服务“大民生”", "张学俭", "", []string{"常态化巡逻。"}, 4, []string{"着力点", "全市所有派出所", "调度通报"}},
		{"“数智赋能”提升战斗力 “智慧监管”再上新台阶", "包俊", "兴安讯", []string{"会议现场。"}, 0, []string{"当日下午"}},
		{"“敖特尔”骑警队 守护草原新生活", "樊琨", "", []string{"骑警队员。"}, 0, []string{"阿鲁科尔沁旗公安局"}},
	}
	if len(as) != len(want) {
		t.Fatalf("got %d articles, want %d", len(as), len(want))
	}
	for i, w := range want {
		a := as[i]
		if a.Title != w.title || a.Byline != w.byline || a.Dateline != w.dateline {
			t.Errorf("[%d] title %q byline %q dateline %q", i, a.Title, a.Byline, a.Dateline)
		}
		if !reflect.DeepEqual(a.Captions, w.captions) {
			t.Errorf("[%d] captions %q, want %q", i, a.Captions, w.captions)
		}
		if len(a.Sections) != w.sections {
			t.Errorf("[%d] %d sections, want %d", i, len(a.Sections), w.sections)
		}
		for _, j := range w.joins {
			if !strings.Contains(a.Body, j) {
				t.Errorf("[%d] body lacks joined %q", i, j)
			}
		}
		for _, c := range w.captions {
			if strings.Contains(a.Body, c) {
				t.Errorf("[%d] caption %q left in body", i, c)
			}
		}
		if strings.ContainsAny(a.Body, "#*") || strings.Contains(a.Body, "("+w.byline) || strings.Contains(a.Body, "（"+w.byline) {
			t.Errorf("[%d] markup or byline left in body", i)
		}
		if a.ID != article.CleanID("seed", i) || a.Index != i || a.V != article.Version {
			t.Errorf("[%d] id %q index %d v %d", i, a.ID, a.Index, a.V)
		}
	}
	// Sections point at the first paragraph under their heading.
	s := as[0].Sections[0]
	if !strings.HasPrefix(string([]rune(as[0].Body)[s.Offset:]), "乌海市公安局组建了全市侦查中心") {
		t.Errorf("section %q offset %d points elsewhere", s.Heading, s.Offset)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, format string
		body         []byte
		why          string
	}{
		{"empty", article.FormatText, nil, "empty body"},
		{"blank", article.FormatText, []byte(" \r\n\u3000\n"), "blank"},
		{"html without text", article.FormatHTML, []byte("<html><script>var a=1;</script><div class=nav><a>首页</a></div></html>"), "no text content"},
		{"html with only an unclosed nav", article.FormatHTML, []byte("<html><head><body><div class=nav><a>首页</a> <a>新闻</a>"), "no text content"},
		{"sogou record without content or title", article.FormatSogou, []byte("<doc><url>http://x/</url><content></content></doc>"), "no text content"},
		{"only controls", article.FormatText, []byte("\x00\x01\u200b"), "no paragraph"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(Options{}).Clean(article.Raw{ID: "e", URI: "u", Format: tc.format, Body: tc.body})
			if err == nil || !errors.Is(err, ErrNoText) || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("err %v, want ErrNoText saying %q", err, tc.why)
			}
		})
	}
}

func TestCarriesRawFieldsAndIsDeterministic(t *testing.T) {
	t.Parallel()
	raw := article.Raw{ID: "r1", Source: "乌海公安", Outlet: "北方新报", RegionHint: "150300", URI: "http://x/a.html",
		Format: article.FormatText, Body: []byte("警方破获一起盗窃案，追回全部赃款。"),
		Meta: map[string]string{"title": "破案", "published": "2024-06-27"}}
	c := New(Options{})
	a1, err1 := c.Clean(raw)
	a2, err2 := c.Clean(raw)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(a1, a2) {
		t.Fatalf("not deterministic: %v %v", err1, err2)
	}
	a := a1[0]
	if a.Source != raw.Source || a.Outlet != raw.Outlet || a.RegionHint != raw.RegionHint || a.URI != raw.URI ||
		a.RawID != raw.ID || a.ID != "r1-0" || a.Title != "破案" || a.Published != "2024-06-27" {
		t.Errorf("fields not carried: %+v", a)
	}
	if !hasFlag(a, FlagShort) {
		t.Errorf("short body not flagged: %v", a.Quality.Flags)
	}
}

func TestMisdecoded(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want int
	}{
		{"clean", "警方破获一起盗窃案。", 0},
		{"broken run", "销毁。?；泼鳎合衷谖倚?布，行动开始！", 9},
		{"lost character", "全国缉枪制爆统一销毁行动开始，公?安部通报。", 1},
		{"question in latin text", "What? OK.", 0},
		{"replacement", "警方\uFFFD通报", 1},
	}
	for _, tc := range cases {
		if got := misdecoded([]rune(tc.in)); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestPageSplitting(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		body     string
		titles   []string
		bylines  []string
		captions []string
	}{
		{"teaser kept when not echoed", "一段与下文无关的导读文字，介绍本版内容。\n\n# 标题甲\n\n警方破获一起盗窃案，追回全部赃款。",
			[]string{"", "标题甲"}, []string{"", ""}, nil},
		{"teaser dropped when echoed", "警方破获一起盗窃案，追回全部赃款。\n\n# 标题甲\n\n警方破获一起盗窃案，追回全部赃款。",
			[]string{"标题甲"}, []string{""}, nil},
		{"## without ### is an article", "# 甲\n\n第一篇的正文内容，写得很完整。\n\n## 乙\n\n第二篇的正文内容，也很完整。",
			[]string{"甲", "乙"}, []string{"", ""}, nil},
		{"## after byline is an article even with ###", "# 甲\n\n第一篇的正文内容，写得很完整。（张三）\n\n## 乙\n\n### 副题\n\n第二篇的正文内容，也很完整。",
			[]string{"甲", "乙"}, []string{"张三", ""}, nil},
		{"byline line under a heading is no caption", "# 甲\n\n记者 张三\n\n警方破获一起盗窃案，追回全部赃款。",
			[]string{"甲"}, []string{"记者 张三"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			as, err := New(Options{}).Clean(article.Raw{ID: "p", Format: article.FormatText, Body: []byte(tc.body)})
			if err != nil {
				t.Fatal(err)
			}
			var titles, bylines []string
			var captions []string
			for _, a := range as {
				titles = append(titles, a.Title)
				bylines = append(bylines, a.Byline)
				captions = append(captions, a.Captions...)
			}
			if !reflect.DeepEqual(titles, tc.titles) || !reflect.DeepEqual(bylines, tc.bylines) || !reflect.DeepEqual(captions, tc.captions) {
				t.Errorf("titles %q bylines %q captions %q; want %q %q %q", titles, bylines, captions, tc.titles, tc.bylines, tc.captions)
			}
		})
	}
}

func TestSubtitleAndSections(t *testing.T) {
	t.Parallel()
	a := cleanOne(t, article.Raw{ID: "s", Format: article.FormatText, Body: []byte(
		"# 主标题\n\n### 副标题\n\n导语部分，说明情况。\n\n## 一节\n\n### 一节副题\n\n第一节正文，内容充实。\n\n### 单独小节\n\n第二节正文，内容充实。")})
	if a.Title != "主标题" || a.Subtitle != "副标题" {
		t.Errorf("title %q subtitle %q", a.Title, a.Subtitle)
	}
	want := []article.Section{{Heading: "一节——一节副题", Offset: 11}, {Heading: "单独小节", Offset: 23}}
	if !reflect.DeepEqual(a.Sections, want) {
		t.Errorf("sections %+v, want %+v (body %q)", a.Sections, want, a.Body)
	}
}

func TestTruncated(t *testing.T) {
	t.Parallel()
	as, err := New(Options{MaxBytes: 30}).Clean(article.Raw{ID: "t", Format: article.FormatText, Body: []byte("警方破获一起盗窃案，追回全部赃款，并抓获犯罪嫌疑人三名。")})
	if err != nil || len(as) != 1 || !hasFlag(as[0], FlagTruncated) {
		t.Fatalf("err %v articles %+v", err, as)
	}
}

func TestSiteTitle(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"广西一民警因消费时发生争执开枪打伤2人_网易新闻中心": "广西一民警因消费时发生争执开枪打伤2人",
		"警方破获特大盗窃案 | 北方新报":           "警方破获特大盗窃案",
		"新闻_网易":    "新闻_网易",
		"没有分隔符的标题": "没有分隔符的标题",
	}
	for in, want := range cases {
		if got := siteTitle(in); got != want {
			t.Errorf("siteTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHTMLPublishedMeta(t *testing.T) {
	t.Parallel()
	page := `<html><head><meta name="publishdate" content="2012-06-12 10:30:00"><title>警方破获特大盗窃案_北方新报</title></head>
<body><div class="nav">首页</div><p>警方破获一起盗窃案，追回全部赃款，抓获犯罪嫌疑人三名。</p></body></html>`
	a := cleanOne(t, article.Raw{ID: "h", Format: article.FormatHTML, Body: []byte(page)})
	if a.Published != "2012-06-12T10:30:00" || a.Title != "警方破获特大盗窃案" || strings.Contains(a.Body, "首页") {
		t.Errorf("published %q title %q body %q", a.Published, a.Title, a.Body)
	}
}
