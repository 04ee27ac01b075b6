package extract

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/casewire/casewire/pkg/article"
)

// policeLead makes a sentence public-security news, so a table case tests
// one rule and not the gate.
const policeLead = "公安局民警介绍，犯罪嫌疑人已被警方抓获。\n"

func extractBody(t *testing.T, body, published string) article.Extracted {
	t.Helper()
	got, err := testExtractor(t).Extract(article.Clean{ID: "t", Body: policeLead + body, Published: published})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return got
}

func factFor(got article.Extracted, text string) *article.Fact {
	for i := range got.Facts {
		if got.Facts[i].Evidence.Text == text {
			return &got.Facts[i]
		}
	}
	return nil
}

// TestNumberRules: scaling, approximation, numerals and units, each on a
// sentence from the corpus.
func TestNumberRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, text string
		value            float64
		unit, approx     string
		indicator        string
	}{
		{"multiplier 万 with decimal", "辖区1200多户牧民赶着12.8万头牲畜从冬营地出发。", "12.8万头", 128000, "头", "", "数量"},
		{"余 before 万元", "价值140余万元的商品被大火吞噬，所幸无人员伤亡。", "140余万元", 1400000, "元", "余", "财产损失"},
		{"多 after digits", "辖区1200多户牧民赶着牲畜出发。", "1200多户", 1200, "户", "多", "数量"},
		{"近 before", "北京幼儿园校餐致近50名儿童中毒。", "近50名", 50, "人", "近", "中毒"},
		{"百余 alone", "因大雪相撞，百余辆车相撞。", "百余辆", 100, "辆", "余", "相撞"},
		{"Chinese numerals", "造成三人死亡三人重伤。", "三人", 3, "人", "", "死亡"},
		{"full-width digits", "在中国抓获犯罪嫌疑人２３名，缴获各类枪支９３支、子弹５万余发。", "５万余发", 50000, "发", "余", "缴获"},
		{"至少 before", "发生两起恶性爆炸事件，造成至少42人死亡，70多人受伤。", "至少42人", 42, "人", "至少", "死亡"},
		{"超过 with decimal 万", "另有超过1.8万人受伤。", "超过1.8万人", 18000, "人", "超过", "受伤"},
		{"death and injury without unit", "两车追尾当场1死7伤。", "7", 7, "人", "", "受伤"},
		{"measure supplies unit", "假扮警察骗钱15万。", "15万", 150000, "元", "", "诈骗金额"},
		{"negation idiom", "假酒中毒事件已造成32人不治身亡。", "32人", 32, "人", "", "死亡"},
		{"area", "火灾过火面积约700平方米。", "约700平方米", 700, "平方米", "约", "过火面积"},
		{"a word about people does not count money", "逼迫被害人张某从银行提取现金人民币10万元交纳罚款。", "10万元", 100000, "元", "", "数量"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := extractBody(t, tc.body, "")
			f := factFor(got, tc.text)
			if f == nil {
				t.Fatalf("no fact for %q in %+v", tc.text, got.Facts)
			}
			if f.ValueOr(-1) != tc.value || f.Unit != tc.unit || f.Approx != tc.approx || f.Indicator != tc.indicator {
				t.Errorf("got %v %s approx %q indicator %q, want %v %s approx %q indicator %q", f.ValueOr(-1), f.Unit, f.Approx, f.Indicator, tc.value, tc.unit, tc.approx, tc.indicator)
			}
		})
	}
}

// TestNotFacts: numbers that must never become facts.
func TestNotFacts(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, body, text string }{
		{"label in quotes", "凝心聚力打好“1234”组合拳。", "1234"},
		{"year", "2014年6月，警务室应运而生。", "2014年"},
		{"date", "6月26日至27日，交流会在兴安盟举办。", "26日"},
		{"phone", "举报电话13912345678，民警24小时值守。", "13912345678"},
		{"emergency number", "接110指挥中心指示后赶往现场。", "110"},
		{"plate", "驾驶皖A6A843号货车。", "843"},
		{"case number", "案件编号2012-0345号已移送。", "0345号"},
		{"ordinal", "这是他第3次被抓获。", "3次"},
		{"age", "嫌疑人王某（男，32岁）被抓获。", "32岁"},
		{"duration", "民警仅用10小时就找回了被盗的现金。", "10小时"},
		{"road", "在国道324线发生事故。", "324线"},
		{"indefinite article", "一名酒驾男子开车发生交通事故。", "一名"},
		{"negated measure", "目前两名打人者还未抓获。", "两名"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := extractBody(t, tc.body, "")
			if f := factFor(got, tc.text); f != nil {
				t.Errorf("%q became a fact: %+v", tc.text, *f)
			}
		})
	}
}

// TestChanges: comparisons attach to the count before them, or stand alone.
func TestChanges(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, text string
		want             article.Change
	}{
		{"percent on the count before", "该市案件立案131起,同比下降68.05%;破案91起。", "131起", article.Change{Basis: "同比", Direction: "down", Value: -68.05, Unit: "%"}},
		{"percentage points kept apart", "全市刑事案件破案率达45%，同比提高3个百分点。", "45%", article.Change{Basis: "同比", Direction: "up", Value: 3, Unit: "pp"}},
		{"count change", "全市共立案100起，较去年同期减少20起。", "100起", article.Change{Basis: "较去年同期", Direction: "down", Value: -20, Unit: "起"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := extractBody(t, tc.body, "")
			f := factFor(got, tc.text)
			if f == nil || f.Change == nil || *f.Change != tc.want {
				t.Fatalf("fact for %q: %+v, want change %+v", tc.text, f, tc.want)
			}
		})
	}
	// A rate's own change, with the measure named in between, stands alone,
	// and the fact has no value: the change is never a rate.
	got := extractBody(t, "破案率同比提高5个百分点。", "")
	f := factFor(got, "5个百分点")
	if f == nil || f.Indicator != "破案率" || f.Change == nil || f.Change.Unit != "pp" || f.Change.Value != 5 || f.Value != nil {
		t.Errorf("standalone change: %+v", f)
	}
}

// TestPeriods: resolution against the published date, and open ends.
func TestPeriods(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, published, text string
		want                        article.Period
	}{
		{"month range this year", "今年1月至4月，该市案件立案131起。", "2024-06-10", "131起", article.Period{Text: "今年1月至4月", Start: "2024-01-01", End: "2024-04-30"}},
		{"day range", "6月26日至27日，共抓获犯罪嫌疑人17名。", "2024-07-02", "17名", article.Period{Text: "6月26日至27日", Start: "2024-06-26", End: "2024-06-27"}},
		{"yesterday afternoon", "昨天下午，两车相撞，造成2人死亡。", "2011-12-09", "2人", article.Period{Text: "昨天下午", Start: "2011-12-08", End: "2011-12-08"}},
		{"day of month", "11日晚，事故造成3人受伤。", "2014-03-13", "3人", article.Period{Text: "11日晚", Start: "2014-03-11", End: "2014-03-11"}},
		{"last year's date", "12月30日，事故造成4人受伤。", "2014-01-05", "4人", article.Period{Text: "12月30日", Start: "2013-12-30", End: "2013-12-30"}},
		{"first half", "上半年，全市抓获犯罪嫌疑人80名。", "2024-07-20", "80名", article.Period{Text: "上半年", Start: "2024-01-01", End: "2024-06-30"}},
		{"unresolved without a date", "今年1月至4月，该市案件立案131起。", "", "131起", article.Period{Text: "今年1月至4月"}},
		{"up to now", "截至目前，已抓获犯罪嫌疑人15名。", "2024-05-01", "15名", article.Period{Text: "截至目前", End: "2024-05-01"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := extractBody(t, tc.body, tc.published)
			f := factFor(got, tc.text)
			if f == nil {
				t.Fatalf("no fact for %q: %+v", tc.text, got.Facts)
			}
			if f.Period != tc.want {
				t.Errorf("period %+v, want %+v", f.Period, tc.want)
			}
		})
	}
}

// TestNotPublicSecurity: a finance story's 同比增长29% is no crime statistic.
func TestNotPublicSecurity(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"finance-032", "finance-033", "finance-035", "sport-038"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := testExtractor(t).Extract(loadArticle(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if got.PublicSecurity || len(got.Facts) != 0 {
				t.Errorf("public security %v with %d facts", got.PublicSecurity, len(got.Facts))
			}
		})
	}
}

// TestEntities: organisations as chains, people by the press's conventions.
func TestEntities(t *testing.T) {
	t.Parallel()
	got, err := testExtractor(t).Extract(loadArticle(t, "news163-039"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"来宾市公安局兴宾分局城北派出所": "org", "陆某": "person", "桂林市公安局": "org"}
	for _, e := range got.Entities {
		if k, ok := want[e.Text]; ok && k == e.Kind {
			delete(want, e.Text)
		}
	}
	if len(want) > 0 {
		t.Errorf("entities missing: %v (got %+v)", want, got.Entities)
	}
}

// TestDictFiles: a user dictionary loads at start-up, and a bad one fails New.
func TestDictFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "words.txt")
	if err := os.WriteFile(good, []byte("# places\n巴彦温都尔苏木 2000 ns\n敖特尔\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	words, err := readDictFile(good)
	if err != nil || len(words) != 2 || words[0].POS != "ns" || words[1].Freq != 1000 {
		t.Fatalf("readDictFile: %+v, %v", words, err)
	}
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("词 notanumber n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readDictFile(bad); err == nil {
		t.Error("bad frequency accepted")
	}
	if _, err := New(Options{DictFiles: []string{filepath.Join(dir, "missing.txt")}}); err == nil {
		t.Error("missing dictionary file accepted")
	}
}
