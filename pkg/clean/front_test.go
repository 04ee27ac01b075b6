package clean

import (
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/article"
)

// TestDatelineForms: one sentence per dateline form; the dateline leaves the
// body and names its outlet and day.
func TestDatelineForms(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, dateline, outlet, date, starts string
	}{
		{"our paper", "本报讯 记者日前从市公安局获悉，全市警情下降。", "本报讯", "", "", "记者日前"},
		{"our paper with place and date", "本报呼和浩特5月6日讯（记者 白雪）全区破获案件120起。", "本报呼和浩特5月6日讯", "", "2024-05-06", "全区破获"},
		{"paper", "北方晨报讯（记者 李明）昨日，一辆货车侧翻。", "北方晨报讯", "北方晨报", "", "昨日"},
		{"site, place, date, 电", "草原网包头5月6日电 警方通报了一起案件。", "草原网包头5月6日电", "草原网", "2024-05-06", "警方通报"},
		{"agency, no separator", "新华社北京5月6日电公安部今天发布通报。", "新华社北京5月6日电", "新华社", "2024-05-06", "公安部今天"},
		{"place after the date", "北疆网5月6日哈密讯 一起事故造成2人受伤。", "北疆网5月6日哈密讯", "北疆网", "2024-05-06", "一起事故"},
		{"据 agency 电", "据新华社电，一架飞机紧急迫降。", "据新华社电", "新华社", "", "一架飞机"},
		{"据 site, date, 信息", "据草原网5月6日信息：(王小明)一起火灾被扑灭。", "据草原网5月6日信息", "草原网", "2024-05-06", "一起火灾"},
		{"site 消息", "北疆网消息（记者 张华）一名男子被抓获。", "北疆网消息", "北疆网", "", "一名男子"},
		{"broadcaster 报道", "草原广播电视台报道：两车相撞。", "草原广播电视台报道", "草原广播电视台", "", "两车相撞"},
		{"paper and its site", "北疆网-北疆日报讯（记者 刘强）警方破获一起诈骗案。", "北疆网-北疆日报讯", "北疆日报", "", "警方破获"},
		{"two outlets", "北疆晚报、北疆网讯（记者 刘强）警方破获一起诈骗案。", "北疆晚报、北疆网讯", "北疆晚报", "", "警方破获"},
		{"place only", "兴安讯 警方破获一起盗窃案。", "兴安讯", "", "", "警方破获"},
		{"in lenticular brackets", "【本报讯】警方破获一起盗窃案。", "本报讯", "", "", "警方破获"},
		{"other words in lenticular brackets are text", "【图】警方破获一起盗窃案。", "", "", "", "【图】"},
		{"Chinese numerals", "中新社包头五月六日电 一座仓库起火。", "中新社包头五月六日电", "中新社", "2024-05-06", "一座仓库"},
		{"with its year", "草原网包头2023年12月30日电 一座仓库起火。", "草原网包头2023年12月30日电", "草原网", "2023-12-30", "一座仓库"},
		{"outlet's 讯 running on", "北疆新闻网讯昨日下午，一座仓库起火。", "北疆新闻网讯", "北疆新闻网", "", "昨日下午"},
		{"our paper running on", "本报讯昨日下午，一座仓库起火。", "本报讯", "", "", "昨日下午"},
		{"agency 电 running on", "据新华社电西班牙发生爆炸事件。", "据新华社电", "新华社", "", "西班牙"},
		{"outlet and place, 信息", "北疆晚报包头信息：一座仓库起火。", "北疆晚报包头信息", "北疆晚报", "", "一座仓库"},
		{"最新消息 is text", "最新消息：一座仓库起火。", "", "", "", "最新消息"},
		{"电视台 is not 电", "新华社电视台播出了这起案件。", "", "", "", "新华社电视台"},
		{"据X报道 in a sentence is text", "据北疆晚报报道，警方破获一起诈骗案。", "", "", "", "据北疆晚报报道，"},
		{"经审讯 is text", "经审讯，犯罪嫌疑人交代了作案经过。", "", "", "", "经审讯，"},
		{"a date in a sentence is text", "今年5月6日晚上他得知消息，立即报警。", "", "", "", "今年5月6日"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := cleanOne(t, article.Raw{ID: "d", Format: article.FormatText, Body: []byte(tc.body),
				Meta: map[string]string{"published": "2024-05-07"}})
			if a.Dateline != tc.dateline || a.Outlet != tc.outlet || a.DatelineDate != tc.date || !strings.HasPrefix(a.Body, tc.starts) {
				t.Errorf("dateline %q outlet %q date %q body %q; want %q %q %q %q...",
					a.Dateline, a.Outlet, a.DatelineDate, a.Body, tc.dateline, tc.outlet, tc.date, tc.starts)
			}
		})
	}
}

// TestBylineForms: brackets and lines of roles and names; names printed
// without separators split where the role words and surnames allow.
func TestBylineForms(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"reporter", "记者 张三", "记者 张三", true},
		{"reporter and correspondents", "记者　刘强　通讯员　王方　李平", "记者 刘强 通讯员 王方 李平", true},
		{"no separators", "记者王利通讯员郭如亮刘丽叶", "记者 王利 通讯员 郭如亮 刘丽叶", true},
		{"two and three characters", "记者应洁曾晓艳", "记者 应洁 曾晓艳", true},
		{"three and two characters", "李映民李获", "李映民 李获", true},
		{"name before the role", "张飞记者良保实习生夏娅", "张飞 记者 良保 实习生 夏娅", true},
		{"one character after a role", "记者王通讯员交宣", "记者 王 通讯员 交宣", true},
		{"special correspondent and photos", "特约记者 赵明 文/图", "特约记者 赵明 文/图", true},
		{"enumeration mark", "记者张扬 通讯员殷莉红、刘永慧", "记者 张扬 通讯员 殷莉红 刘永慧", true},
		{"verb after the name", "通讯员 王金虎报道", "通讯员 王金虎", true},
		{"role after the name", "记者 苏日娜/文 李明/图", "记者 苏日娜 文 李明 图", true},
		{"outlet before the role", "北疆晚报记者李明", "北疆晚报 记者 李明", true},
		{"not names without a role", "国家统计局", "", false},
		{"not a byline", "见附件2", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := parseByline(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("parseByline(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestBylineInText: bylines as articles print them, around datelines.
func TestBylineInText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, byline, starts string
	}{
		{"names bracket after a dateline", "中新网包头5月6日电(李映民李获)一座仓库起火。", "李映民 李获", "一座仓库"},
		{"roles without separators", "本报讯（记者王利通讯员郭如亮刘丽叶）一辆油罐车起火。", "记者 王利 通讯员 郭如亮 刘丽叶", "一辆油罐车"},
		{"bracket after a dateline inside the paragraph", "现场图片。?5月31日曲阜讯（记者 刘强 通讯员 王方）近日，一男子被抓获。", "记者 刘强 通讯员 王方", "现场图片。?5月31日曲阜讯"},
		{"unbracketed with colons", "本报讯 文/图 特约记者：赵明 通讯员：包文静 今年以来，全盟破案120起。", "文/图 特约记者 赵明 通讯员 包文静", "今年以来"},
		{"closed by 报道 and a colon", "北疆晚报包头信息：记者黄蔚山、通讯员连乐报道：一座仓库起火。", "记者 黄蔚山 通讯员 连乐", "一座仓库"},
		{"unbracketed, closed by 报道", "本报讯 记者 张三 通讯员 李四 报道：今年以来，全盟破案120起。", "记者 张三 通讯员 李四", "今年以来"},
		{"a bracket of other words stays", "新华社北京5月6日电（国家统计局）数据显示，案件下降。", "", "（国家统计局）"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := cleanOne(t, article.Raw{ID: "b", Format: article.FormatText, Body: []byte(tc.body)})
			if a.Byline != tc.byline || !strings.HasPrefix(a.Body, tc.starts) {
				t.Errorf("byline %q body %q; want %q %q...", a.Byline, a.Body, tc.byline, tc.starts)
			}
		})
	}
}

// TestPlainTextHeadline: a headline (and subtitle) over a date line is the
// title; text without one keeps the file's title; a line that only looks
// like a date stays in the body.
func TestPlainTextHeadline(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, meta                                  string
		title, subtitle, published, outlet, byline, body0 string
	}{
		{"headline and date line", "全市上半年刑事警情下降\n2024年7月2日 来源：北疆日报\n本报讯（记者 李明）今年上半年，全市刑事警情同比下降。",
			"", "全市上半年刑事警情下降", "", "2024-07-02", "北疆日报", "记者 李明", "今年上半年"},
		{"subtitle and time", "全市上半年刑事警情下降\n——电信诈骗案件降幅最大\n2024-07-02 09:30 来源：北疆日报 作者：李明\n今年上半年，全市刑事警情同比下降。",
			"", "全市上半年刑事警情下降", "——电信诈骗案件降幅最大", "2024-07-02T09:30:00", "北疆日报", "李明", "今年上半年"},
		{"no headline keeps the file title", "2024年7月2日\n今年上半年，全市刑事警情同比下降。",
			"文件标题", "文件标题", "", "2024-07-02", "", "", "今年上半年"},
		{"a date in a sentence stays", "全市上半年刑事警情下降\n2024年7月2日，全市召开会议，通报上半年警情，刑事警情同比下降。",
			"文件标题", "文件标题", "", "", "", "", "全市上半年刑事警情下降\n2024年7月2日，"},
		{"dated list items are not headlines", "第一季度警情\n2024年4月2日\n第二季度警情\n2024年7月2日\n全市刑事警情同比下降。",
			"文件标题", "文件标题", "", "", "", "", "第一季度警情"},
		{"headline over the dateline", "兴安盟交警整治酒驾醉驾\n本报讯（记者 李明）今年以来，全盟查处酒驾1320起。",
			"", "兴安盟交警整治酒驾醉驾", "", "", "", "记者 李明", "今年以来"},
		{"date line over the headline", "2024年7月2日 来源：北疆日报\n兴安盟交警整治酒驾醉驾\n本报讯（记者 李明）今年以来，全盟查处酒驾1320起。",
			"", "兴安盟交警整治酒驾醉驾", "", "2024-07-02", "北疆日报", "记者 李明", "今年以来"},
		{"byline on a line of its own", "兴安盟交警整治酒驾醉驾\n2024年7月2日 来源：北疆日报\n记者 李明 通讯员 王方\n本报讯 今年以来，全盟查处酒驾1320起。",
			"", "兴安盟交警整治酒驾醉驾", "", "2024-07-02", "北疆日报", "记者 李明 通讯员 王方", "今年以来"},
		{"outlet after the date", "2024年7月2日 北疆日报\n今年以来，全盟查处酒驾1320起。",
			"文件标题", "文件标题", "", "2024-07-02", "北疆日报", "", "今年以来"},
		{"attribution under the date line", "全市一季度交通事故下降\n2024年4月8日\n据北疆日报报道，一季度，全市共发生道路交通事故56起。",
			"", "全市一季度交通事故下降", "", "2024-04-08", "北疆日报", "", "一季度"},
		{"attribution after a dateline stays", "2024年4月8日\n中新网4月8日电 据北疆日报报道，一季度，全市共发生道路交通事故56起。",
			"文件标题", "文件标题", "", "2024-04-08", "中新网", "", "据北疆日报报道，一季度"},
		{"dateline after a lead paragraph", "2024年7月2日\n全市刑事警情同比下降。\n本报讯（记者 李明）今年上半年，全市刑事警情下降。",
			"", "", "", "2024-07-02", "", "记者 李明", "全市刑事警情同比下降。\n今年上半年"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := article.Raw{ID: "h", Format: article.FormatText, Body: []byte(tc.body)}
			if tc.meta != "" {
				raw.Meta = map[string]string{"title": tc.meta}
			}
			a := cleanOne(t, raw)
			if a.Title != tc.title || a.Subtitle != tc.subtitle || a.Published != tc.published ||
				a.Outlet != tc.outlet || a.Byline != tc.byline || !strings.HasPrefix(a.Body, tc.body0) {
				t.Errorf("got title %q subtitle %q published %q outlet %q byline %q body %q\nwant %q %q %q %q %q %q...",
					a.Title, a.Subtitle, a.Published, a.Outlet, a.Byline, a.Body,
					tc.title, tc.subtitle, tc.published, tc.outlet, tc.byline, tc.body0)
			}
		})
	}
}

// TestOutletOrder: the dateline, then the 来源 line, the 本文来源 note, a
// closing attribution, and the source's configuration last; 本报 is the
// configured outlet.
func TestOutletOrder(t *testing.T) {
	t.Parallel()
	const text = "全市刑事警情同比下降，破案率提高。"
	cases := []struct {
		name, body, configured, want string
	}{
		{"dateline first", "2024年7月2日 来源：北疆日报\n草原网7月1日电 " + text, "北疆晚报", "草原网"},
		{"本报 is the configured outlet", "2024年7月2日 来源：北疆日报\n本报讯 " + text, "北疆晚报", "北疆晚报"},
		{"本报 without configuration: the 来源 line", "2024年7月2日 来源：北疆日报\n本报讯 " + text, "", "北疆日报"},
		{"来源 line before the note", "2024年7月2日 来源：北疆日报\n" + text + "（本文来源：草原网 作者：李明）", "", "北疆日报"},
		{"本文来源 note", text + "（本文来源：草原网 作者：李明）", "北疆晚报", "草原网"},
		{"closing attribution", text + "据草原广播电视台综合", "北疆晚报", "草原广播电视台"},
		{"configuration last", text, "北疆晚报", "北疆晚报"},
		{"never guessed", "兴安讯 " + text, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := cleanOne(t, article.Raw{ID: "o", Format: article.FormatText, Outlet: tc.configured, Body: []byte(tc.body)})
			if a.Outlet != tc.want {
				t.Errorf("outlet %q, want %q (body %q)", a.Outlet, tc.want, a.Body)
			}
		})
	}
}

// TestDatelineDate: the dateline's day takes the published year, the year
// before when it would fall well after publication.
func TestDatelineDate(t *testing.T) {
	t.Parallel()
	cases := []struct{ dateline, published, want string }{
		{"新华社北京3月2日电", "2014-03-03", "2014-03-02"},
		{"新华社北京12月31日电", "2014-01-02T08:00:00", "2013-12-31"},
		{"新华社北京3月2日电", "", ""},
		{"本报讯", "2014-03-03", ""},
		{"新华社北京2月30日电", "2014-03-03", ""},
		{"中新社北京十二月三十一日电", "2014-01-02", "2013-12-31"},
		{"人民网杭州2008年5月12日电", "", "2008-05-12"},
		{"中新社昆明廿三日电", "2014-01-02", ""},
	}
	for _, tc := range cases {
		if got := datelineDate(tc.dateline, tc.published); got != tc.want {
			t.Errorf("datelineDate(%q, %q) = %q, want %q", tc.dateline, tc.published, got, tc.want)
		}
	}
}
