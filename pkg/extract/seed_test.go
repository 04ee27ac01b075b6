package extract

import (
	"testing"

	"github.com/casewire/casewire/pkg/article"
)

// TestSeedFacts checks the statistics of the seed page's Wuhai article field
// by field: the page the product was designed from.
func TestSeedFacts(t *testing.T) {
	x := testExtractor(t)
	c := loadArticle(t, "seed-wuhai")
	got, err := x.Extract(c)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if !got.PublicSecurity || got.IncidentType != "theft-robbery-fraud" {
		t.Errorf("public security %v, incident %q", got.PublicSecurity, got.IncidentType)
	}
	if got.Region.Name != "乌海市" {
		t.Errorf("article region %q, want 乌海市", got.Region.Name)
	}
	type want struct {
		text, subject, indicator, category string
		value                              float64
		unit, period, org                  string
		change                             *article.Change
	}
	cases := []struct {
		name string
		n    int // which fact with this evidence text, for coordination
		want want
	}{
		{"filed cases with change", 0, want{"131起", "盗抢骗案件", "立案", "theft-robbery-fraud", 131, "起", "今年1月至4月", "", &article.Change{Basis: "同比", Direction: "down", Value: -68.05, Unit: "%"}}},
		{"solved cases inherit subject", 0, want{"91起", "盗抢骗案件", "破案", "theft-robbery-fraud", 91, "起", "今年1月至4月", "", nil}},
		{"clearance rate", 0, want{"69.47%", "盗抢骗案件", "破案率", "theft-robbery-fraud", 69.47, "%", "今年1月至4月", "", nil}},
		{"coordination first", 0, want{"100%", "掩饰隐瞒犯罪所得收益案", "破案率", "handling-stolen-goods", 100, "%", "今年1月至4月", "", nil}},
		{"coordination second", 1, want{"100%", "盗窃非机动车案", "破案率", "vehicle-theft", 100, "%", "今年1月至4月", "", nil}},
		{"theft from vehicles", 0, want{"90%", "盗窃车内财物案", "破案率", "theft-from-vehicle", 90, "%", "今年1月至4月", "", nil}},
		{"staff selected", 0, want{"28人", "专业骨干力量", "选拔", "", 28, "人", "", "乌海市公安局", nil}},
		{"instructions", 0, want{"300条", "侵财类案件工作指令", "下发", "theft-robbery-fraud", 300, "条", "自今年侦查中心成立以来", "", nil}},
		{"cases handled", 0, want{"57起", "跨地区案件", "侦办", "theft-robbery-fraud", 57, "起", "自今年侦查中心成立以来", "", nil}},
		{"patrol points", 0, want{"163个", "必巡点", "巡逻", "", 163, "个", "", "乌海市公安局", nil}},
		{"patrol routes", 0, want{"43条", "必巡路线", "巡逻", "", 43, "条", "", "乌海市公安局", nil}},
		{"meetings", 0, want{"15次", "会商研判会", "召开", "", 15, "次", "截至目前", "乌海市公安局", nil}},
		{"batons", 0, want{"100支", "电警棍", "配备", "", 100, "支", "", "乌海市公安局", nil}},
		{"stun guns in a list", 0, want{"27把", "电击枪", "配备", "", 27, "把", "", "乌海市公安局", nil}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var f *article.Fact
			seen := 0
			for i := range got.Facts {
				if got.Facts[i].Evidence.Text == tc.want.text {
					if seen == tc.n {
						f = &got.Facts[i]
						break
					}
					seen++
				}
			}
			if f == nil {
				t.Fatalf("no fact #%d for %q", tc.n, tc.want.text)
			}
			w := tc.want
			if f.Subject != w.subject || f.Indicator != w.indicator || f.Category != w.category {
				t.Errorf("subject/indicator/category = %q/%q/%q, want %q/%q/%q", f.Subject, f.Indicator, f.Category, w.subject, w.indicator, w.category)
			}
			if f.ValueOr(-1) != w.value || f.Unit != w.unit {
				t.Errorf("value %v %s, want %v %s", f.ValueOr(-1), f.Unit, w.value, w.unit)
			}
			if f.Period.Text != w.period {
				t.Errorf("period %q, want %q", f.Period.Text, w.period)
			}
			if f.Org != w.org {
				t.Errorf("org %q, want %q", f.Org, w.org)
			}
			if f.Region.Name != "乌海市" || f.Region.Code == "" {
				t.Errorf("region %+v, want 乌海市 resolved", f.Region)
			}
			switch {
			case w.change == nil && f.Change != nil:
				t.Errorf("unexpected change %+v", *f.Change)
			case w.change != nil && (f.Change == nil || *f.Change != *w.change):
				t.Errorf("change %+v, want %+v", f.Change, *w.change)
			}
			body := []rune(c.Body)
			if string(body[f.Evidence.Start:f.Evidence.End]) != f.Evidence.Text {
				t.Errorf("evidence [%d,%d) is %q in the body, text says %q", f.Evidence.Start, f.Evidence.End, string(body[f.Evidence.Start:f.Evidence.End]), f.Evidence.Text)
			}
		})
	}
	// What must not become a fact on this page: a label, dates, a duration.
	for _, f := range got.Facts {
		switch f.Evidence.Text {
		case "1234", "1月", "4月", "10小时", "两项", "三项", "四项":
			t.Errorf("%q became a fact: %+v", f.Evidence.Text, f)
		}
	}
	if len(got.Facts) != 18 {
		t.Errorf("%d facts, want 18", len(got.Facts))
	}
}

// TestSeedOtherArticles checks the counts of the page's other two articles.
func TestSeedOtherArticles(t *testing.T) {
	x := testExtractor(t)
	cases := []struct {
		name, article, text, subject, indicator string
		value                                   float64
		unit, approx                            string
	}{
		{"teams competing", "seed-xingan", "17支", "代表队", "参加", 17, "支", ""},
		{"experts invited", "seed-xingan", "7名", "信息化专家", "邀请", 7, "人", ""},
		{"approximate attendance", "seed-xingan", "80余人", "参加者", "参加", 80, "人", "余"},
		{"households", "seed-alukeerqin", "1200多户", "牧民", "数量", 1200, "户", "多"},
		{"scaled livestock", "seed-alukeerqin", "12.8万头", "牲畜", "数量", 128000, "头", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := x.Extract(loadArticle(t, tc.article))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range got.Facts {
				if f.Evidence.Text != tc.text {
					continue
				}
				if f.Subject != tc.subject || f.Indicator != tc.indicator || f.ValueOr(-1) != tc.value || f.Unit != tc.unit || f.Approx != tc.approx {
					t.Errorf("got %s %s %v %s %s, want %s %s %v %s %s", f.Subject, f.Indicator, f.ValueOr(-1), f.Unit, f.Approx, tc.subject, tc.indicator, tc.value, tc.unit, tc.approx)
				}
				return
			}
			t.Errorf("no fact for %q", tc.text)
		})
	}
}
