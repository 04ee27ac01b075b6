package warehousetest

import (
	"maps"
	"slices"

	"github.com/casewire/casewire/pkg/article"
)

// ChangeOnly is a bulletin with a figure and its change in both forms
// (接报火灾87起，同比减少12起，下降12.1%), a change stated alone (刑事警情同比
// 下降9.2%: no value) and a rate, for the first quarter of 2024 in 乌海市 (a
// month Batch has no figures for).
func ChangeOnly() article.Extracted {
	body := "本报讯 今年一季度，全市共接报火灾87起，同比减少12起，下降12.1%；刑事警情同比下降9.2%；破案率为80%。"
	region := regionWuhai
	region.Text = "全市"
	a := newArticle("乌海公安", "乌海日报", "https://www.wuhai.gov.cn/ga/2024/0410.html", "2024-04-10",
		"乌海市一季度火灾形势平稳", body, region)
	period := article.Period{Text: "今年一季度", Start: "2024-01-01", End: "2024-03-31"}
	count := -12.0
	a.Facts = []article.Fact{
		fact(&a, 0, "87起", article.Fact{Subject: "火灾", Indicator: "接报", Category: "fire", Value: article.Num(87), Unit: "起", Period: period, Region: region,
			Change: &article.Change{Basis: "同比", Direction: "down", Value: -12.1, Unit: "%", CountValue: &count, CountUnit: "起"}}),
		fact(&a, 0, "9.2%", article.Fact{Subject: "刑事警情", Indicator: "数量", Period: period, Region: region,
			Change: &article.Change{Basis: "同比", Direction: "down", Value: -9.2, Unit: "%"}}),
		fact(&a, 0, "80%", article.Fact{Subject: "案件", Indicator: "破案率", Value: article.Num(80), Unit: "%", Period: period, Region: region}),
	}
	return a
}

// ChangeOnlyWant returns, for ChangeOnly loaded alone or beside Batch, queries
// and their answers: the change alone has a NULL value and reaches neither
// the statistics nor the monthly aggregate.
func ChangeOnlyWant() map[string][][]string {
	id := ChangeOnly().ID
	return map[string][][]string{
		"SELECT subject, value, unit, change_value, change_unit, change_count_value, change_count_unit FROM v_facts WHERE article_id = '" + id + "' ORDER BY subject": {
			{"刑事警情", "NULL", "", "-9.2", "%", "NULL", ""},
			{"案件", "80", "%", "0", "", "NULL", ""},
			{"火灾", "87", "起", "-12.1", "%", "-12", "起"},
		},
		"SELECT subject, value FROM v_statistics WHERE first_article_id = '" + id + "' ORDER BY subject": {
			{"案件", "80"},
			{"火灾", "87"},
		},
		"SELECT indicator, unit, total, latest FROM v_facts_monthly WHERE month = toDate('2024-03-01') ORDER BY indicator": {
			{"接报", "起", "87", "87"},
			{"破案率", "%", "NULL", "80"},
		},
	}
}

// ChangeOnlyQueries lists ChangeOnlyWant's queries in a fixed order.
func ChangeOnlyQueries() []string {
	return slices.Sorted(maps.Keys(ChangeOnlyWant()))
}
