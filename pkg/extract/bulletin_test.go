package extract

import (
	"testing"

	"github.com/casewire/casewire/pkg/article"
)

// Sentences of the kind public-security bulletins use, one per rule of how
// an analyst reads them.

// TestVerbLedIndicators: the verb of the sentence names the measure.
func TestVerbLedIndicators(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, text  string
		indicator, unit   string
		value             float64
		subjectOrEmptyAny string
	}{
		{"共立 is 立案", "今年以来，全市共立刑事案件2.4万起。", "2.4万起", "立案", "起", 24000, "刑事案件"},
		{"立 alone is 立案", "去年该县立盗窃案件316起。", "316起", "立案", "起", 316, "盗窃案件"},
		{"接报", "全区共接报火灾310起。", "310起", "接报", "起", 310, "火灾"},
		{"止付冻结", "民警及时止付冻结涉案资金1.8亿元。", "1.8亿元", "止付冻结", "元", 1.8e8, "涉案资金"},
		{"挽回 is never a loss", "今年以来为群众挽回经济损失2300余万元。", "2300余万元", "挽回", "元", 2.3e7, "经济损失"},
		{"损失 is a loss", "火灾造成直接财产损失41.3万元。", "41.3万元", "经济损失", "元", 413000, ""},
		{"盘查", "全市共盘查可疑车辆860辆。", "860辆", "盘查", "辆", 860, ""},
		{"打掉 a gang", "专项行动中打掉犯罪团伙12个。", "12个", "打掉", "个", 12, "犯罪团伙"},
		{"缴获 in 千克", "行动中缴获冰毒3.5千克。", "3.5千克", "缴获", "千克", 3.5, "冰毒"},
		{"公斤 as written", "行动中缴获冰毒2.3公斤。", "2.3公斤", "缴获", "公斤", 2.3, "冰毒"},
		{"出动", "全县共出动警力3200人次。", "3200人次", "出动", "人次", 3200, "警力"},
		{"查处", "交警部门共查处各类交通违法行为9.8万起。", "9.8万起", "查处", "起", 98000, ""},
		{"查处率 is a rate of its own", "全市治安案件查处率达96.5%。", "96.5%", "查处率", "%", 96.5, ""},
		{"发案率 is a rate of its own", "全市命案发案率为0.3%。", "0.3%", "发案率", "%", 0.3, ""},
		{"a share", "电信诈骗案件占全部刑事案件的35.6%。", "35.6%", "占比", "%", 35.6, ""},
		{"发生 counts cases", "上半年全市共发生道路交通事故215起。", "215起", "发案", "起", 215, "道路交通事故"},
		{"a plain count of a named noun", "辖区共有1200多户牧民。", "1200多户", "数量", "户", 1200, "牧民"},
		{"a stock counts the noun, not 现有", "全市现有社区民警520名。", "520名", "数量", "人", 520, "社区民警"},
		{"a part counted as its total", "共查处交通违法行为2万起，其中酒驾1320起、醉驾406起。", "406起", "查处", "起", 406, "醉驾"},
		{"the next item of a list of clauses", "全年查处酒驾违法行为1560起，醉驾386起。", "386起", "查处", "起", 386, "醉驾"},
		{"亡 before the number", "全年共接报火灾1260起，亡2人，伤5人。", "2人", "死亡", "人", 2, ""},
		{"伤 before the number", "全年共接报火灾1260起，亡2人，伤5人。", "5人", "受伤", "人", 5, ""},
		{"辆次 is a unit", "共出动消防车辆2.1万辆次。", "2.1万辆次", "出动", "辆次", 21000, ""},
		{"被困人员 keeps its 被", "营救被困人员860人。", "860人", "救出", "人", 860, "被困人员"},
		{"a rate names itself", "全区调解矛盾纠纷3260起，调解成功率达98.2%。", "98.2%", "调解成功率", "%", 98.2, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := extractBody(t, tc.body, "2024-07-15")
			f := factFor(got, tc.text)
			if f == nil {
				t.Fatalf("no fact for %q: %+v", tc.text, got.Facts)
			}
			if f.Indicator != tc.indicator || f.Unit != tc.unit || f.ValueOr(-1) != tc.value {
				t.Errorf("%q: indicator %q unit %q value %v, want %q %q %v", tc.text, f.Indicator, f.Unit, f.ValueOr(-1), tc.indicator, tc.unit, tc.value)
			}
			if tc.subjectOrEmptyAny != "" && f.Subject != tc.subjectOrEmptyAny {
				t.Errorf("%q: subject %q, want %q", tc.text, f.Subject, tc.subjectOrEmptyAny)
			}
		})
	}
}

// TestLegalSteps: each step of a list keeps its own measure.
func TestLegalSteps(t *testing.T) {
	t.Parallel()
	got := extractBody(t, "共抓获犯罪嫌疑人156名，其中刑事拘留87人、逮捕41人。", "")
	for text, want := range map[string]string{"156名": "抓获", "87人": "刑事拘留", "41人": "逮捕"} {
		if f := factFor(got, text); f == nil || f.Indicator != want {
			t.Errorf("%s: %+v, want indicator %s", text, f, want)
		}
	}
}

// TestKindNumeral: a numeral that names a kind (八类严重暴力犯罪案件) is no
// count of the measure after it.
func TestKindNumeral(t *testing.T) {
	t.Parallel()
	got := extractBody(t, "其中八类严重暴力犯罪案件立案2.3万起。", "")
	if f := factFor(got, "八类"); f != nil {
		t.Errorf("八类 became a fact: %+v", *f)
	}
	if f := factFor(got, "2.3万起"); f == nil || f.Indicator != "立案" {
		t.Errorf("2.3万起: %+v, want 立案", f)
	}
}

// TestNotCounts: words of the new vocabulary that must not make counts.
func TestNotCounts(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, body, text string }{
		{"伤 far from the number", "34名伤者中除两人送往医院外，其他全部就近救治。", "两人"},
		{"a place is no money", "昨日凌晨，119接报称在三元里大道一栋民宅发生火灾。", "三元"},
		{"发生 counts events only", "发生的6.6级地震已造成15.5万人受灾。", "15.5万人"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := extractBody(t, tc.body, "")
			if f := factFor(got, tc.text); f != nil && f.Indicator != fallbackIndicator && f.Indicator != "受灾" {
				t.Errorf("%q became a %s fact: %+v", tc.text, f.Indicator, *f)
			}
		})
	}
	// A toll's parts keep no measure of their own: 其中四川32人 is no second toll.
	got := extractBody(t, "地震已造成38人死亡（其中四川32人，云南6人）。", "")
	if f := factFor(got, "32人"); f != nil && f.Indicator == "死亡" {
		t.Errorf("a part of the toll became a 死亡 fact: %+v", *f)
	}
}

// TestNegatedClause: what did not happen is no count.
func TestNegatedClause(t *testing.T) {
	t.Parallel()
	got := extractBody(t, "全年未发生一次死亡3人以上的道路交通事故。", "")
	if f := factFor(got, "3人"); f != nil {
		t.Errorf("a threshold of what did not happen became a fact: %+v", *f)
	}
}

// TestChangeOnly: a change stated alone makes a fact with no value; the change
// keeps its indicator and subject.
func TestChangeOnly(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, text   string
		subject, indicator string
		want               article.Change
	}{
		{"percent", "全市刑事警情同比下降9.2%。", "9.2%", "刑事警情", "数量", article.Change{Basis: "同比", Direction: "down", Value: -9.2, Unit: "%"}},
		{"the noun after the measure", "破获刑事案件数同比上升11.2%。", "11.2%", "刑事案件", "破案", article.Change{Basis: "同比", Direction: "up", Value: 11.2, Unit: "%"}},
		{"measure named", "全市道路交通事故死亡人数同比下降16%。", "16%", "", "死亡", article.Change{Basis: "同比", Direction: "down", Value: -16, Unit: "%"}},
		{"percentage points of a rate", "全市发案率同比下降2.7个百分点。", "2.7个百分点", "", "发案率", article.Change{Basis: "同比", Direction: "down", Value: -2.7, Unit: "pp"}},
		{"a count change", "全盟道路交通事故死亡人数较去年同期减少3人。", "3人", "", "死亡", article.Change{Basis: "较去年同期", Direction: "down", Value: -3, Unit: "人"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := extractBody(t, tc.body, "")
			f := factFor(got, tc.text)
			if f == nil {
				t.Fatalf("no fact for %q: %+v", tc.text, got.Facts)
			}
			if f.Value != nil || f.Unit != "" {
				t.Errorf("%q: value %v unit %q, want none: the text gives only the change", tc.text, *f.Value, f.Unit)
			}
			if f.Change == nil || *f.Change != tc.want {
				t.Errorf("%q: change %+v, want %+v", tc.text, f.Change, tc.want)
			}
			if f.Indicator != tc.indicator || tc.subject != "" && f.Subject != tc.subject {
				t.Errorf("%q: subject %q indicator %q, want %q %q", tc.text, f.Subject, f.Indicator, tc.subject, tc.indicator)
			}
		})
	}
}

// TestChangeNamesItsFigure: a change whose clause names another figure is
// not the change of the figure before it, and a clause that is only a basis
// (与上年相比，…) governs the changes after it.
func TestChangeNamesItsFigure(t *testing.T) {
	t.Parallel()
	got := extractBody(t, "全年直接财产损失320万元，与上年相比，火灾起数下降18.2%，损失下降9.1%。", "")
	if f := factFor(got, "320万元"); f == nil || f.Change != nil {
		t.Errorf("320万元: %+v, want no change", f)
	}
	for text, want := range map[string]string{"18.2%": "火灾起数", "9.1%": "损失"} {
		f := factFor(got, text)
		if f == nil || f.Value != nil || f.Subject != want || f.Change == nil || f.Change.Basis != "较上年" {
			t.Errorf("%s: %+v, want a change of %s against 较上年", text, f, want)
		}
	}
}

// TestBothForms: 同比减少12起，下降12.1% is one change in two forms.
func TestBothForms(t *testing.T) {
	t.Parallel()
	got := extractBody(t, "今年一季度，全市共接报火灾87起，同比减少12起，下降12.1%。", "2024-04-10")
	if len(got.Facts) != 1 {
		t.Fatalf("facts %+v, want one", got.Facts)
	}
	ch := got.Facts[0].Change
	if ch == nil || ch.Value != -12.1 || ch.Unit != "%" || ch.CountValue == nil || *ch.CountValue != -12 || ch.CountUnit != "起" {
		t.Errorf("change %+v, want -12.1%% and -12起", ch)
	}
}

// TestRespectively: 分别 pairs a list of changes with the subjects or the
// figures before it, in order.
func TestRespectively(t *testing.T) {
	t.Parallel()
	type want struct {
		subject, indicator string
		change             float64
	}
	cases := []struct {
		name, body string
		want       map[string]want // by the change's text, or the figure's
	}{
		{"over figures named by their measure", "全市共发生火灾310起，造成5人死亡，起数和死亡人数同比分别下降5.1%和7.9%。",
			map[string]want{"310起": {"火灾", "发案", -5.1}, "5人": {"", "死亡", -7.9}}},
		{"over the figures before", "1—7月，全区立案612起，破案455起，同比分别上升4.2%、7.7%。",
			map[string]want{"612起": {"", "立案", 4.2}, "455起": {"", "破案", 7.7}}},
		{"over coordinated subjects", "今年前4个月，全省盗窃、抢劫警情同比分别下降8.1%、13.5%。",
			map[string]want{"8.1%": {"盗窃警情", "", -8.1}, "13.5%": {"抢劫警情", "", -13.5}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := extractBody(t, tc.body, "2024-08-10")
			for text, w := range tc.want {
				f := factFor(got, text)
				if f == nil {
					t.Fatalf("no fact for %q: %+v", text, got.Facts)
				}
				if f.Change == nil || f.Change.Value != w.change {
					t.Errorf("%q: change %+v, want %v", text, f.Change, w.change)
				}
				if w.subject != "" && f.Subject != w.subject || w.indicator != "" && f.Indicator != w.indicator {
					t.Errorf("%q: subject %q indicator %q, want %q %q", text, f.Subject, f.Indicator, w.subject, w.indicator)
				}
			}
		})
	}
}

// TestRespectivelyFigures: 分别 pairs a list of figures with the subjects
// before it.
func TestRespectivelyFigures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body string
		want       map[string][2]string // figure -> subject, indicator
	}{
		{"subjects of one measure", "今年1至4月，全县盗窃、诈骗案件分别立案120起、86起。",
			map[string][2]string{"120起": {"盗窃案件", "立案"}, "86起": {"诈骗案件", "立案"}}},
		{"subjects that name the measure", "事故造成的死亡、受伤人数分别为3人和5人。",
			map[string][2]string{"3人": {"死亡人数", "死亡"}, "5人": {"受伤人数", "受伤"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := extractBody(t, tc.body, "2024-05-10")
			for text, w := range tc.want {
				f := factFor(got, text)
				if f == nil || f.Subject != w[0] || f.Indicator != w[1] {
					t.Errorf("%q: %+v, want subject %q indicator %q", text, f, w[0], w[1])
				}
			}
		})
	}
}

// TestCumulativePeriods: ranges from January, quarters, halves, 今年以来 and
// stocks at a day, against the published date.
func TestCumulativePeriods(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, published, text string
		start, end                  string
	}{
		{"1至6月", "今年1至6月，全市共立刑事案件3100起。", "2024-07-15", "3100起", "2024-01-01", "2024-06-30"},
		{"1—7月", "1—7月，全市共立刑事案件3100起。", "2024-08-15", "3100起", "2024-01-01", "2024-07-31"},
		{"前4个月", "今年前4个月，全市共立刑事案件3100起。", "2024-05-10", "3100起", "2024-01-01", "2024-04-30"},
		{"前八个月", "前八个月，全市共立刑事案件3100起。", "2024-09-10", "3100起", "2024-01-01", "2024-08-31"},
		{"前两个月", "今年前两个月，全市共立刑事案件3100起。", "2024-03-10", "3100起", "2024-01-01", "2024-02-29"},
		{"1-5月份", "1-5月份，全市共立刑事案件3100起。", "2024-06-10", "3100起", "2024-01-01", "2024-05-31"},
		{"一至五月", "一至五月，全市共立刑事案件3100起。", "2024-06-10", "3100起", "2024-01-01", "2024-05-31"},
		{"一季度", "一季度，全市共立刑事案件3100起。", "2024-04-10", "3100起", "2024-01-01", "2024-03-31"},
		{"上半年", "今年上半年，全市共立刑事案件3100起。", "2024-07-10", "3100起", "2024-01-01", "2024-06-30"},
		{"前三季度", "前三季度，全市共立刑事案件3100起。", "2024-10-10", "3100起", "2024-01-01", "2024-09-30"},
		{"今年以来", "今年以来，全市共立刑事案件3100起。", "2024-08-15", "3100起", "2024-01-01", "2024-08-15"},
		{"a stock at the end of last year", "截至去年底，全市共有登记吸毒人员1200名。", "2024-03-01", "1200名", "2023-12-31", "2023-12-31"},
		{"a stock at a day", "截至6月30日，全市共有登记吸毒人员1200名。", "2024-07-05", "1200名", "2024-06-30", "2024-06-30"},
		{"a stock now", "全市现有登记吸毒人员1200名。", "2024-07-05", "1200名", "2024-07-05", "2024-07-05"},
		{"open when the text does not fix it", "全市共立刑事案件3100起。", "2024-07-05", "3100起", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := extractBody(t, tc.body, tc.published)
			f := factFor(got, tc.text)
			if f == nil {
				t.Fatalf("no fact for %q: %+v", tc.text, got.Facts)
			}
			if f.Period.Start != tc.start || f.Period.End != tc.end {
				t.Errorf("period %+v, want %s .. %s", f.Period, tc.start, tc.end)
			}
		})
	}
}

// TestComparisonBasisDatesNothing: 较去年同期 names what a change compares
// with; a later figure does not take 去年 from it.
func TestComparisonBasisDatesNothing(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"全市破案率为82.3%，较去年同期提高4.3个百分点，抓获犯罪嫌疑人560名。", "全市破案率为82.3%，比2023年同期提高4.3个百分点，抓获犯罪嫌疑人560名。"} {
		got := extractBody(t, body, "2024-07-05")
		f := factFor(got, "560名")
		if f == nil {
			t.Fatalf("no fact: %+v", got.Facts)
		}
		if f.Period != (article.Period{}) {
			t.Errorf("%s: period %+v, want none: the year dates the comparison, not the figure", body, f.Period)
		}
	}
}

// TestReportingDateDatesNothing: the day the news was given dates no figure.
func TestReportingDateDatesNothing(t *testing.T) {
	t.Parallel()
	got := extractBody(t, "11月8日，记者从市公安局获悉，全市共立刑事案件4127起。", "2023-11-09")
	f := factFor(got, "4127起")
	if f == nil {
		t.Fatalf("no fact: %+v", got.Facts)
	}
	if f.Period != (article.Period{}) {
		t.Errorf("period %+v, want none: 11月8日 is when the news was given", f.Period)
	}
	for _, body := range []string{"本报北京1月9日讯 全国公安机关共立刑事案件2.4万起。", "公安部9日召开新闻发布会。全国公安机关共立刑事案件2.4万起。"} {
		got := extractBody(t, body, "2023-01-10")
		if f := factFor(got, "2.4万起"); f == nil || f.Period != (article.Period{}) {
			t.Errorf("%s: %+v, want no period", body, f)
		}
	}
}

// TestNationalScope: a statistic of 全国 is the country's, whatever the
// dateline names.
func TestNationalScope(t *testing.T) {
	t.Parallel()
	got := extractBody(t, "新华社北京1月6日电 2023年，全国公安机关共立刑事案件2.4万起，抓获犯罪嫌疑人1.8万名。", "2024-01-06")
	for _, text := range []string{"2.4万起", "1.8万名"} {
		f := factFor(got, text)
		if f == nil {
			t.Fatalf("no fact for %q: %+v", text, got.Facts)
		}
		if f.Region.Level != "country" || f.Region.Name != "中国" || f.Region.Code != "" || f.Region.Status != "resolved" {
			t.Errorf("%q: region %+v, want the country", text, f.Region)
		}
	}
	// A place named after 全国 wins.
	got = extractBody(t, "全国公安机关开展专项行动，乌海市共立案131起。", "2024-01-06")
	if f := factFor(got, "131起"); f == nil || f.Region.Code != "1503" {
		t.Errorf("131起: %+v, want 乌海市", f)
	}
}
