// Package warehousetest holds realistic extracted articles and the answers
// the warehouse's views and cookbook give on them, for tests of the warehouse
// on any ClickHouse (the local 18.16 server, chdb) and of the pipeline.
package warehousetest

import (
	"time"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/warehouse"
)

// Regions as the extractor resolves them (GB/T 2260 codes).
var (
	regionNeimenggu = article.Region{Text: "内蒙古", Name: "内蒙古自治区", Code: "15", Level: "province", Province: "内蒙古自治区", Status: "resolved"}
	regionWuhai     = article.Region{Text: "乌海市", Name: "乌海市", Code: "1503", Level: "prefecture", Province: "内蒙古自治区", Prefecture: "乌海市", Status: "resolved"}
	regionHaibowan  = article.Region{Text: "海勃湾区", Name: "海勃湾区", Code: "150302", Level: "county", Province: "内蒙古自治区", Prefecture: "乌海市", County: "海勃湾区", Status: "resolved"}
	regionWuda      = article.Region{Text: "乌达区", Name: "乌达区", Code: "150304", Level: "county", Province: "内蒙古自治区", Prefecture: "乌海市", County: "乌达区", Status: "resolved"}
	regionHohhot    = article.Region{Text: "呼和浩特市", Name: "呼和浩特市", Code: "1501", Level: "prefecture", Province: "内蒙古自治区", Prefecture: "呼和浩特市", Status: "resolved"}
)

// Divisions covers the regions above and one county with no facts.
func Divisions() []warehouse.Division {
	return []warehouse.Division{
		{Code: "15", Name: "内蒙古自治区", Level: "province", Province: "内蒙古自治区"},
		{Code: "1501", Name: "呼和浩特市", Level: "prefecture", ParentCode: "15", Province: "内蒙古自治区", Prefecture: "呼和浩特市"},
		{Code: "1503", Name: "乌海市", Level: "prefecture", ParentCode: "15", Province: "内蒙古自治区", Prefecture: "乌海市"},
		{Code: "150302", Name: "海勃湾区", Level: "county", ParentCode: "1503", Province: "内蒙古自治区", Prefecture: "乌海市", County: "海勃湾区"},
		{Code: "150303", Name: "海南区", Level: "county", ParentCode: "1503", Province: "内蒙古自治区", Prefecture: "乌海市", County: "海南区"},
		{Code: "150304", Name: "乌达区", Level: "county", ParentCode: "1503", Province: "内蒙古自治区", Prefecture: "乌海市", County: "乌达区"},
	}
}

// fact builds a fact whose evidence is the first occurrence of text in body,
// a total unless f says otherwise. A text missing from the body is a mistake
// in the fixtures: it panics.
func fact(a *article.Extracted, n int, text string, f article.Fact) article.Fact {
	if f.Role == "" {
		f.Role = article.RoleTotal
	}
	body := []rune(a.Body)
	needle := []rune(text)
	start := -1
	for i := 0; i+len(needle) <= len(body); i++ {
		if string(body[i:i+len(needle)]) == text {
			start = i
			break
		}
	}
	if start < 0 {
		panic("fixture: " + text + " not in body of " + a.ID)
	}
	sentStart := start
	for sentStart > 0 && body[sentStart-1] != '。' && body[sentStart-1] != '\n' {
		sentStart--
	}
	sentEnd := start
	for sentEnd < len(body) && body[sentEnd] != '。' {
		sentEnd++
	}
	if sentEnd < len(body) {
		sentEnd++
	}
	f.ID = article.FactID(a.ID, start, start+len(needle), n)
	f.Evidence = article.Evidence{
		Sentence: string(body[sentStart:sentEnd]), SentenceStart: sentStart,
		Start: start, End: start + len(needle), Text: text,
	}
	return f
}

func newArticle(source, outlet, uri, published, title, body string, region article.Region) article.Extracted {
	raw := article.RawID(source, uri, []byte(body))
	return article.Extracted{
		Clean: article.Clean{
			V: article.Version, ID: article.CleanID(raw, 0), RawID: raw, Source: source, Outlet: outlet,
			URI: uri, FetchedAt: time.Date(2024, 7, 1, 2, 0, 0, 0, time.UTC),
			Title: title, Dateline: "本报讯", Published: published, Body: body,
			Quality: article.Quality{Charset: "utf-8", CharsetSource: "declared", Chars: len([]rune(body)), HanShare: 0.93},
		},
		Extractor: "1.0.0", PublicSecurity: true, IncidentType: "statistics", Region: region,
	}
}

// Batch is a small, realistic feed: Wuhai's mid-year figures for two
// years, a reprint of them by another outlet, two district reports and
// Hohhot's figures.
func Batch() []article.Extracted {
	wuhai := newArticle("乌海公安", "乌海日报", "https://www.wuhai.gov.cn/ga/2024/0612.html", "2024-06-12T09:30:00",
		"我市上半年打击盗抢骗犯罪成效明显",
		"本报讯 1-5月，全市共立案盗抢骗案件131起，同比下降68.05%。\n破案率达到85.5%，抓获犯罪嫌疑人56人。\n乌海市公安局海勃湾分局表示将持续开展专项行动。",
		regionWuhai)
	jan, may := "2024-01-01", "2024-05-31"
	wuhai.Facts = []article.Fact{
		fact(&wuhai, 0, "131起", article.Fact{Subject: "盗抢骗案件", Indicator: "立案", Category: "theft-robbery-fraud", Value: article.Num(131), Unit: "起",
			Change: &article.Change{Basis: "同比", Direction: "down", Value: -68.05, Unit: "%"},
			Period: article.Period{Text: "1-5月", Start: jan, End: may}, Region: regionWuhai, Org: "乌海市公安局"}),
		fact(&wuhai, 0, "85.5%", article.Fact{Subject: "盗抢骗案件", Indicator: "破案率", Category: "theft-robbery-fraud", Value: article.Num(85.5), Unit: "%",
			Period: article.Period{Text: "1-5月", Start: jan, End: may}, Region: regionWuhai, Org: "乌海市公安局"}),
		fact(&wuhai, 0, "56人", article.Fact{Subject: "犯罪嫌疑人", Indicator: "抓获", Category: "theft-robbery-fraud", Value: article.Num(56), Unit: "人",
			Period: article.Period{Text: "1-5月", Start: jan, End: may}, Region: regionWuhai, Org: "乌海市公安局"}),
	}
	wuhai.Entities = []article.Entity{
		{Kind: "org", Text: "乌海市公安局海勃湾分局", Start: 64, End: 75, Region: &regionHaibowan},
	}

	reprint := newArticle("内蒙古新闻网", "内蒙古日报", "https://www.nmg.gov.cn/news/2024/0613/wuhai.html", "2024-06-13",
		"乌海：盗抢骗案件同比下降68.05%",
		"乌海讯 1-5月，乌海市共立案盗抢骗案件131起，同比下降68.05%，破案率达到85.5%。",
		regionWuhai)
	reprint.Facts = []article.Fact{
		fact(&reprint, 0, "131起", article.Fact{Subject: "盗抢骗案件", Indicator: "立案", Category: "theft-robbery-fraud", Value: article.Num(131), Unit: "起",
			Change: &article.Change{Basis: "同比", Direction: "down", Value: -68.05, Unit: "%"},
			Period: article.Period{Text: "1-5月", Start: jan, End: may}, Region: regionWuhai}),
		fact(&reprint, 0, "85.5%", article.Fact{Subject: "盗抢骗案件", Indicator: "破案率", Category: "theft-robbery-fraud", Value: article.Num(85.5), Unit: "%",
			Period: article.Period{Text: "1-5月", Start: jan, End: may}, Region: regionWuhai}),
	}

	lastYear := newArticle("乌海公安", "乌海日报", "https://www.wuhai.gov.cn/ga/2023/0610.html", "2023-06-10",
		"前5个月全市盗抢骗案件立案410起",
		"本报讯 1-5月，全市共立案盗抢骗案件410起，破案率为80%。",
		regionWuhai)
	lastYear.Facts = []article.Fact{
		fact(&lastYear, 0, "410起", article.Fact{Subject: "盗抢骗案件", Indicator: "立案", Category: "theft-robbery-fraud", Value: article.Num(410), Unit: "起",
			Period: article.Period{Text: "1-5月", Start: "2023-01-01", End: "2023-05-31"}, Region: regionWuhai, Org: "乌海市公安局"}),
		fact(&lastYear, 0, "80%", article.Fact{Subject: "盗抢骗案件", Indicator: "破案率", Category: "theft-robbery-fraud", Value: article.Num(80), Unit: "%",
			Period: article.Period{Text: "1-5月", Start: "2023-01-01", End: "2023-05-31"}, Region: regionWuhai, Org: "乌海市公安局"}),
	}

	haibowan := newArticle("乌海公安", "乌海日报", "https://www.wuhai.gov.cn/ga/2024/0620.html", "2024-06-20",
		"海勃湾分局破获电信网络诈骗案件12起",
		"本报讯 5月，海勃湾分局共破获电信网络诈骗案件12起，抓获犯罪嫌疑人20人，为群众挽回经济损失35.6万元。",
		regionHaibowan)
	haibowan.Facts = []article.Fact{
		fact(&haibowan, 0, "12起", article.Fact{Subject: "电信网络诈骗案件", Indicator: "破获", Category: "telecom-fraud", Value: article.Num(12), Unit: "起",
			Period: article.Period{Text: "5月", Start: "2024-05-01", End: may}, Region: regionHaibowan, Org: "乌海市公安局海勃湾分局"}),
		fact(&haibowan, 0, "20人", article.Fact{Subject: "犯罪嫌疑人", Indicator: "抓获", Category: "telecom-fraud", Value: article.Num(20), Unit: "人",
			Period: article.Period{Text: "5月", Start: "2024-05-01", End: may}, Region: regionHaibowan, Org: "乌海市公安局海勃湾分局"}),
		fact(&haibowan, 0, "35.6万元", article.Fact{Subject: "经济损失", Indicator: "挽回", Category: "telecom-fraud", Value: article.Num(356000), Unit: "元",
			Period: article.Period{Text: "5月", Start: "2024-05-01", End: may}, Region: regionHaibowan, Org: "乌海市公安局海勃湾分局"}),
	}
	haibowan.Entities = []article.Entity{
		{Kind: "org", Text: "海勃湾分局", Start: 10, End: 15, Region: &regionHaibowan},
	}

	wuda := newArticle("乌海公安", "乌海日报", "https://www.wuhai.gov.cn/ga/2024/0605.html", "2024-06-05",
		"乌达区5月道路交通事故情况通报",
		"本报讯 5月，乌达区发生道路交通事故3起，死亡2人。\n乌达区交管大队提醒广大驾驶人安全出行。",
		regionWuda)
	wuda.IncidentType = "traffic-accident"
	wuda.Facts = []article.Fact{
		fact(&wuda, 0, "3起", article.Fact{Subject: "道路交通事故", Indicator: "发生", Category: "traffic-accident", Value: article.Num(3), Unit: "起",
			Period: article.Period{Text: "5月", Start: "2024-05-01", End: may}, Region: regionWuda}),
		fact(&wuda, 0, "2人", article.Fact{Subject: "道路交通事故", Indicator: "死亡", Category: "traffic-accident", Value: article.Num(2), Unit: "人",
			Period: article.Period{Text: "5月", Start: "2024-05-01", End: may}, Region: regionWuda}),
	}
	wuda.Entities = []article.Entity{
		{Kind: "place", Text: "乌达区", Start: 10, End: 13, Region: &regionWuda},
		{Kind: "org", Text: "乌达区交管大队", Start: 27, End: 34, Region: &regionWuda},
	}

	hohhot := newArticle("呼和浩特公安", "呼和浩特日报", "https://www.huhhot.gov.cn/ga/2024/0615.html", "2024-06-15",
		"首府1-5月盗抢骗案件立案300起",
		"本报讯 1-5月，呼和浩特市共立案盗抢骗案件300起，破案率为78.2%。",
		regionHohhot)
	hohhot.Facts = []article.Fact{
		fact(&hohhot, 0, "300起", article.Fact{Subject: "盗抢骗案件", Indicator: "立案", Category: "theft-robbery-fraud", Value: article.Num(300), Unit: "起",
			Period: article.Period{Text: "1-5月", Start: jan, End: may}, Region: regionHohhot}),
		fact(&hohhot, 0, "78.2%", article.Fact{Subject: "盗抢骗案件", Indicator: "破案率", Category: "theft-robbery-fraud", Value: article.Num(78.2), Unit: "%",
			Period: article.Period{Text: "1-5月", Start: jan, End: may}, Region: regionHohhot}),
	}

	notice := newArticle("内蒙古新闻网", "", "https://www.nmg.gov.cn/news/2024/0701/notice.html", "",
		"自治区公安厅发布夏季治安提示",
		"内蒙古自治区公安厅提醒群众注意防范电信网络诈骗。",
		regionNeimenggu)
	notice.PublicSecurity = true
	notice.IncidentType = ""
	notice.Entities = []article.Entity{{Kind: "org", Text: "内蒙古自治区公安厅", Start: 0, End: 9, Region: &regionNeimenggu}}

	return []article.Extracted{wuhai, reprint, lastYear, haibowan, wuda, hohhot, notice}
}

// Reextract returns Wuhai's 2024 article as a newer extractor sees it: the
// clearance rate is gone, the arrests now count 57 people, and the
// year-on-year fall is a fact of its own.
func Reextract(batch []article.Extracted) article.Extracted {
	e := batch[0]
	e.Extractor = "1.1.0"
	e.Facts = []article.Fact{batch[0].Facts[0], batch[0].Facts[2]}
	e.Facts[1].Value = article.Num(57)
	e.Facts = append(e.Facts, fact(&e, 0, "68.05%", article.Fact{Subject: "盗抢骗案件", Indicator: "立案同比", Category: "theft-robbery-fraud", Value: article.Num(-68.05), Unit: "%",
		Period: article.Period{Text: "1-5月", Start: "2024-01-01", End: "2024-05-31"}, Region: regionWuhai}))
	return e
}
