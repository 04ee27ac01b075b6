package extract

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/article"
)

// extractText runs the extractor on a title and body written in the test.
func extractText(t *testing.T, title, body string) article.Extracted {
	t.Helper()
	x := testExtractor(t)
	c := article.Clean{V: article.Version, ID: "t", RawID: "t", Source: "test", URI: "test", Title: title, Body: body, Published: "2024-05-02"}
	got, err := x.Extract(c)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// sums is what an analyst gets: the sum of the total facts per indicator,
// written "死亡=3 受伤=0" in indicator order.
func sums(e article.Extracted) string {
	s := map[string]float64{}
	for _, f := range e.Facts {
		if f.Role == article.RoleTotal && f.Value != nil {
			s[f.Indicator] += *f.Value
		}
	}
	var keys []string
	for k := range s {
		if tollIndicators[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%s=%g", k, s[k]))
	}
	return strings.Join(out, " ")
}

// roleOf is the role of the first fact whose evidence text is ev; "title:9人"
// looks among the title's facts.
func roleOf(e article.Extracted, ind, ev string) string {
	title := strings.HasPrefix(ev, "title:")
	ev = strings.TrimPrefix(ev, "title:")
	for _, f := range e.Facts {
		if f.Indicator == ind && f.Evidence.Text == ev && isTitleFact(f) == title {
			return f.Role
		}
	}
	return "-"
}

func TestRoles(t *testing.T) {
	cases := []struct {
		name, title, body string
		sums              string
		ind, ev, role     string // one fact's role to check, when ind is set
	}{
		{name: "total", body: "昨日下午，某市一辆货车与客车相撞，造成3人死亡，5人受伤。交警正在调查事故原因。",
			sums: "受伤=5 死亡=3", ind: "死亡", ev: "3人", role: article.RoleTotal},
		{name: "repeat lead and end", body: "5日凌晨，某县发生一起交通事故，造成7人死亡。\n交警介绍，事故共造成7人死亡，目前事故原因正在调查中。",
			sums: "死亡=7"},
		{name: "repeat in title", title: "某县客车侧翻致9人死亡", body: "3日上午，某县一辆客车侧翻，已造成9人死亡，公安交警正在调查。",
			sums: "死亡=9", ind: "死亡", ev: "title:9人", role: article.RoleRepeat},
		{name: "part by place", body: "地震共造成38人死亡，其中甲县27人死亡，乙县11人死亡。救援仍在进行。",
			sums: "死亡=38", ind: "死亡", ev: "27人", role: article.RolePart},
		{name: "part by group", body: "事故造成13人死亡。据悉，遇难者中有8名男性和5名女性死亡。",
			sums: "死亡=13", ind: "死亡", ev: "8名", role: article.RolePart},
		{name: "severity is a part", body: "两车相撞造成52人受伤，其中9人伤势严重，已送医院救治。",
			sums: "受伤=52", ind: "受伤", ev: "9人", role: article.RolePart},
		{name: "severity alone counts", body: "事故造成10人死亡，2人受重伤，警方已控制肇事司机。",
			sums: "受伤=2 死亡=10"},
		{name: "context yearly", body: "30日中午，某国发生一起车祸，已确认14人死亡。据统计，该国每年约有1800人死于道路交通事故。",
			sums: "死亡=14", ind: "死亡", ev: "约有1800人", role: article.RoleContext},
		{name: "context history", body: "袭击造成47人死亡。自1947年以来，该地区冲突已有5万多人丧生。",
			sums: "死亡=47"},
		{name: "context earlier event", body: "某国北部10日晚发生6.2级地震，目前尚无人员伤亡报告。\n本月1日，该国北部地区发生8.2级地震，造成6人死亡。",
			sums: "受伤=0 死亡=0", ind: "死亡", ev: "6人", role: article.RoleContext},
		{name: "superseded", body: "地震死亡人数已升至12人。此前报道称，地震造成8人死亡。",
			sums: "死亡=12", ind: "死亡", ev: "8人", role: article.RoleSuperseded},
		{name: "superseded by a correction", body: "工厂发生食物中毒事件，知情人士透露中毒人数约700人，但街道办统计的中毒人数为308人。",
			sums: "中毒=308", ind: "中毒", ev: "约700人", role: article.RoleSuperseded},
		{name: "subsets stated later are parts", body: "面包车起火，车内10名木工不同程度烧伤受伤。医院介绍，送到该院的有9名伤者，4人受伤较重。",
			sums: "受伤=10"},
		{name: "context other month", body: "多哥中部27日发生一起交通事故，造成47人死亡、16人重伤。\n今年2月，该国北部发生客车与卡车相撞事故，造成至少19人丧生、50多人受伤。",
			sums: "受伤=16 死亡=47", ind: "死亡", ev: "至少19人", role: article.RoleContext},
		{name: "body figures add up to the title", title: "某县发生食物中毒6人死亡", body: "8名工人吃完午饭后出现食物中毒，两人当场死亡，另6人被送往医院，其中4人因抢救无效死亡。",
			sums: "中毒=8 死亡=6", ind: "死亡", ev: "title:6人", role: article.RoleRepeat},
		{name: "only parts", body: "事故中，轿车上有2人死亡，摩托车上的另外3人也当场死亡。",
			sums: "死亡=5"},
		{name: "zero of another group beside a toll", body: "市场发生火灾，造成2人死亡，无中方人员伤亡。",
			sums: "受伤=0 死亡=2", ind: "死亡", ev: "无中方人员伤亡", role: article.RoleContext},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := extractText(t, tc.title, tc.body)
			if s := sums(got); s != tc.sums {
				t.Errorf("sums %q, want %q", s, tc.sums)
				dumpFacts(t, got)
			}
			if tc.ind != "" {
				if r := roleOf(got, tc.ind, tc.ev); r != tc.role {
					t.Errorf("role of %s %s = %s, want %s", tc.ind, tc.ev, r, tc.role)
				}
			}
			checkRoleInvariants(t, got)
		})
	}
}

func TestTollForms(t *testing.T) {
	cases := []struct{ name, title, body, sums string }{
		{"compact digits", "轿车撞房1死3伤", "事故发生后，伤者被送往医院。", "受伤=3 死亡=1"},
		{"compact numerals", "", "某地两车相撞致三死两伤，交警已到场处置。", "受伤=2 死亡=3"},
		{"men and women", "", "事故造成两男一女当场死亡，交警正在调查。", "死亡=3"},
		{"all died", "", "车上7人，在事故中全部遇难，交警正在调查。", "死亡=7"},
		{"身亡", "", "一辆货车冲入人群，事故造成4人身亡。", "死亡=4"},
		{"遇难", "", "矿井透水事故已有11人遇难。", "死亡=11"},
		{"丧生", "", "大火已造成23人丧生。", "死亡=23"},
		{"罹难", "", "客轮沉没事故已有9人罹难。", "死亡=9"},
		{"牺牲", "", "在扑救这起火灾中，3名消防员牺牲。", "死亡=3"},
		{"抢救无效", "", "车祸伤者中2人经抢救无效死亡，警方已刑拘司机。", "死亡=2"},
		{"被击毙", "", "袭击发生后的交火中，5名武装分子被击毙。", "死亡=5"},
		{"victims named by a noun", "", "地震造成12人死亡，当地医院已接收伤员105人。", "受伤=105 死亡=12"},
		{"poisoning", "", "某小学40名小学生疑似食物中毒，已送医院治疗。", "中毒=40"},
		{"poisoning without a unit", "", "某鞋厂129员工食物中毒，卫生部门正在调查。", "中毒=129"},
		{"poisoning symptoms", "", "当天下午，有6人出现疑似中毒症状被送院治疗，公安机关介入调查。", "中毒=6"},
		{"number only in the title", "某工厂24人中毒", "工厂员工午餐后出现呕吐症状，已送医院，警方介入调查。", "中毒=24"},
		{"no casualties", "", "仓库发生火灾，消防赶到后扑灭明火，无人员伤亡。", "受伤=0 死亡=0"},
		{"no casualties reported", "", "地震发生后，目前暂无人员伤亡报告，当地消防已出动。", "受伤=0 死亡=0"},
		{"nobody injured", "", "车辆撞上护栏，所幸没有人员受伤，交警到场处置。", "受伤=0"},
		{"not a zero", "", "伤者经抢救无效死亡，交警到场处置。", ""},
		{"a question is no zero", "", "地震发生后，当地正在核实有无人员伤亡。", ""},
		{"a hedged toll is no zero", "", "地震已造成房屋垮塌，尚未接到人员伤亡报告，但沿江一带估计有人员伤亡。", ""},
		{"an event count is no toll", "", "经调查，认定是一起细菌性食物中毒事件，公安机关介入。", ""},
		{"missing in the next clause", "", "学校遭武装分子袭击，100余名学生被劫持，目前下落不明。", "失踪=100"},
		{"list items", "", "幼儿园近50名儿童和3名老师因食用未煮熟的扁豆而中毒，公安机关介入。", "中毒=53"},
		{"degree in a compact toll", "", "客车与轿车相撞致两死两重伤，交警正在调查。", "受伤=2 死亡=2"},
		{"窒息死亡", "", "作坊发生火灾，致11人窒息死亡。", "死亡=11"},
		{"arrests kept apart", "", "警方抓获犯罪嫌疑人5名，其中刑事拘留3人。", "刑事拘留=3 抓获=5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := extractText(t, tc.title, tc.body)
			if s := sums(got); s != tc.sums {
				t.Errorf("sums %q, want %q", s, tc.sums)
				dumpFacts(t, got)
			}
			checkRoleInvariants(t, got)
		})
	}
}

func TestZeros(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"bulletin no homicide", "今年以来，全市公安机关破案率上升，命案零发案，刑事案件立案同比下降12%。", "发案 命案 0"},
		{"bulletin no fire", "上半年，全县公安消防部门加强检查，未发生较大以上火灾，消防安全形势平稳。", "发案 较大以上火灾 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := extractText(t, "", tc.body)
			var fs []string
			for _, f := range got.Facts {
				if f.Value != nil && *f.Value == 0 {
					fs = append(fs, fmt.Sprintf("%s %s %g", f.Indicator, f.Subject, *f.Value))
				}
			}
			if g := strings.Join(fs, "; "); g != tc.want {
				t.Errorf("zeros %q, want %q", g, tc.want)
				dumpFacts(t, got)
			}
		})
	}
}

// checkRoleInvariants: every fact has a known role, and every part names a
// total of its article.
func checkRoleInvariants(t *testing.T, e article.Extracted) {
	t.Helper()
	totals := map[string]bool{}
	for _, f := range e.Facts {
		if f.Role == article.RoleTotal {
			totals[f.ID] = true
		}
	}
	for _, f := range e.Facts {
		switch f.Role {
		case article.RoleTotal, article.RoleRepeat, article.RoleContext, article.RoleSuperseded:
			if f.PartOf != "" {
				t.Errorf("%s: %s with part_of %s", f.ID, f.Role, f.PartOf)
			}
		case article.RolePart:
			if !totals[f.PartOf] {
				t.Errorf("%s: part of %q, not a total of the article", f.ID, f.PartOf)
			}
		default:
			t.Errorf("%s: role %q", f.ID, f.Role)
		}
	}
}

func dumpFacts(t *testing.T, e article.Extracted) {
	t.Helper()
	t.Logf("public_security %v incident %q", e.PublicSecurity, e.IncidentType)
	if !e.PublicSecurity {
		e.Facts = testExtractor(t).analyse(e.Clean).facts
	}
	for _, f := range e.Facts {
		t.Logf("  %s %s %s=%v %s [%s] part_of=%s", f.ID, f.Role, f.Indicator, f.ValueOr(-1), f.Subject, f.Evidence.Text, f.PartOf)
	}
}
