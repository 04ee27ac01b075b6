package gazetteer

import (
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/article"
)

func TestSeedWuhai(t *testing.T) {
	t.Parallel()
	g := gaz(t)
	text := readTestdata(t, "seed-wuhai.txt")
	for _, hint := range []string{"", "内蒙古自治区", "乌海公安"} {
		t.Run("hint="+hint, func(t *testing.T) {
			p := g.Scan(text, hint)
			off := runeIndex(t, text, "该市“盗抢骗”案件立案131起")
			// The statistic's number, where the extractor asks.
			num := runeIndex(t, text, "131起")
			for _, at := range []int{off, num} {
				r := p.At(at)
				if r.Code != "1503" || r.Name != "乌海市" || r.Province != "内蒙古自治区" || r.Status != StatusResolved {
					t.Errorf("At(%d) = %+v, want 乌海市 1503 in 内蒙古自治区", at, r)
				}
			}
			if m, ok := find(p, KindAnaphor, "该市"); !ok || m.Region.Code != "1503" || m.Start != off {
				t.Errorf("该市: %+v %v", m, ok)
			}
			if r := p.Main(); r.Code != "1503" {
				t.Errorf("Main = %+v, want 乌海市", r)
			}
			if m, ok := find(p, KindOrg, "乌海市公安局海勃湾分局海北派出所"); !ok || m.Region.Code != "150302" {
				t.Errorf("org: %+v %v", m, ok)
			}
			for _, m := range p.Mentions() {
				if m.Text == "海北" {
					t.Errorf("海北 of 海北派出所 taken as a place: %+v", m)
				}
			}
		})
	}
}

func TestSeedContest(t *testing.T) {
	t.Parallel()
	g := gaz(t)
	text := readTestdata(t, "seed-contest.txt")
	for _, hint := range []string{"", "内蒙古自治区"} {
		t.Run("hint="+hint, func(t *testing.T) {
			p := g.Scan(text, hint)
			checks := []struct{ kind, text, code string }{
				{KindPlace, "兴安盟", "1522"},
				{KindPlace, "乌兰浩特市", "152201"},
				{KindOrg, "兴安盟乌兰浩特市拘留所", "152201"},
				{KindOrg, "兴安盟公安局监管支队", "1522"},
				{KindPlace, "北京市", "11"},
				{KindAnaphor, "全区", "15"},
				{KindAnaphor, "自治区", "15"},
			}
			for _, c := range checks {
				m, ok := find(p, c.kind, c.text)
				if !ok || m.Region.Code != c.code {
					t.Errorf("%s %s: got %+v (found %v), want code %s", c.kind, c.text, m.Region, ok, c.code)
				}
			}
			if r := p.Main(); !strings.HasPrefix(r.Code, "1522") {
				t.Errorf("Main = %+v, want in 兴安盟", r)
			}
		})
	}
}

func TestSeedMounted(t *testing.T) {
	t.Parallel()
	g := gaz(t)
	text := readTestdata(t, "seed-mounted.txt")
	p := g.Scan(text, "")
	checks := []struct{ kind, text, code, prefecture string }{
		{KindPlace, "阿鲁科尔沁旗", "150421", "赤峰市"},
		{KindPlace, "巴彦温都尔苏木", "150421206", "赤峰市"},
		{KindPlace, "巴彦温都尔", "150421206", "赤峰市"},
		{KindOrg, "巴彦温都尔派出所", "150421206", "赤峰市"},
	}
	for _, c := range checks {
		m, ok := find(p, c.kind, c.text)
		if !ok || m.Region.Code != c.code || m.Region.Prefecture != c.prefecture || m.Region.Province != "内蒙古自治区" {
			t.Errorf("%s %s: got %+v (found %v)", c.kind, c.text, m.Region, ok)
		}
	}
	if r := p.Main(); !strings.HasPrefix(r.Code, "150421") {
		t.Errorf("Main = %+v, want in 阿鲁科尔沁旗", r)
	}
}

// TestPageAsOneText scans the whole page: the three articles' places must
// not bleed into each other's anaphors (全区 is the region, not the district
// named in the Wuhai article).
func TestPageAsOneText(t *testing.T) {
	t.Parallel()
	p := gaz(t).Scan(readTestdata(t, "seed-page.txt"), "")
	for _, m := range p.Mentions() {
		if m.Text == "全区" && m.Region.Code != "15" {
			t.Errorf("全区 at %d = %+v, want 内蒙古自治区", m.Start, m.Region)
		}
	}
}

func TestResolveInContext(t *testing.T) {
	t.Parallel()
	g := gaz(t)
	tests := []struct {
		name, text, hint, mention string
		wantCode, wantStatus      string
	}{
		{"shared district without context", "朝阳区发生一起交通事故。", "", "朝阳区", "", StatusAmbiguous},
		{"shared district after its city", "长春市朝阳区发生一起交通事故。", "", "朝阳区", "220104", StatusResolved},
		{"shared district with a province named elsewhere", "吉林省公安厅通报，朝阳区发生一起交通事故。", "", "朝阳区", "220104", StatusResolved},
		{"shared district by hint", "朝阳区发生一起交通事故。", "北京市", "朝阳区", "110105", StatusResolved},
		{"shared district by outlet hint", "朝阳区发生一起交通事故。", "长春晚报", "朝阳区", "220104", StatusResolved},
		{"text beats a far hint", "北京市朝阳区发生一起交通事故。", "吉林省", "朝阳区", "110105", StatusResolved},
		{"shared street without context", "新华街道开展反诈宣传。", "", "新华街道", "", StatusAmbiguous},
		{"shared street in its district", "海勃湾区新华街道开展反诈宣传。", "", "新华街道", "150302003", StatusResolved},
		{"shared street in its city", "乌海市新华街道开展反诈宣传。", "", "新华街道", "150302003", StatusResolved},
		{"province short form means the province", "吉林警方破获一起案件。", "", "吉林", "22", StatusResolved},
		{"weak short form with support", "广西来宾警方破获一起案件。", "", "来宾", "4513", StatusResolved},
		{"anaphor after an ambiguous name", "朝阳区发生一起交通事故，该区交警赶到现场。", "", "该区", "", StatusAmbiguous},
		{"anaphor climbs to the city", "海勃湾区发生一起盗窃案，全市共立案10起。", "", "全市", "1503", StatusResolved},
		{"county anaphor", "甘肃省环县发生地震，全县受灾。", "", "全县", "621022", StatusResolved},
		{"banner anaphor", "阿鲁科尔沁旗开展巡逻，全旗治安稳定。", "", "全旗", "150421", StatusResolved},
		{"league anaphor", "兴安盟举办比武，全盟公安参加。", "", "全盟", "1522", StatusResolved},
		{"全区 names the district just named", "海勃湾区开展巡逻，全区发案下降。", "", "全区", "150302", StatusResolved},
		{"全区 is the region when no district was named", "赤峰市开展巡逻。全区发案下降。", "", "全区", "15", StatusResolved},
		{"全区 outside an autonomous region", "郑州市开展巡逻。\n全区发案下降。", "", "全区", "", StatusUnknown},
		{"anaphor from the hint", "该市开展巡逻。", "乌海市", "该市", "1503", StatusResolved},
		{"municipality district", "北京市朝阳区发生一起火灾。", "", "朝阳区", "110105", StatusResolved},
		{"municipality anaphor", "北京市发生一起火灾，全市消防出动。", "", "全市", "11", StatusResolved},
		{"city named like its county", "乌鲁木齐发生一起火灾。", "", "乌鲁木齐", "6501", StatusResolved},
		{"same-level short forms stay undecided", "通州区发生一起火灾。", "", "通州区", "", StatusAmbiguous},
		{"anaphor with nothing before", "该市开展巡逻。", "", "该市", "", StatusUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := g.Scan(tt.text, tt.hint)
			var got *Mention
			for _, m := range p.Mentions() {
				if m.Text == tt.mention {
					got = &m
					break
				}
			}
			if got == nil {
				t.Fatalf("%s not found in %+v", tt.mention, p.Mentions())
			}
			if got.Region.Code != tt.wantCode || got.Region.Status != tt.wantStatus {
				t.Errorf("%s = %+v, want code %q status %s", tt.mention, got.Region, tt.wantCode, tt.wantStatus)
			}
		})
	}
}

func TestNotPlaces(t *testing.T) {
	t.Parallel()
	g := gaz(t)
	tests := []struct {
		name, text string
		not        []string // texts that must not be mentions
	}{
		{"market is no city", "要健全市场监管体系。", []string{"全市"}},
		{"area is no district", "该区域内禁止烧烤，安全区域已划定。", []string{"该区", "全区"}},
		{"street named after a city", "他住在长春路12号。", []string{"长春"}},
		{"banner name is not a district's short form", "科尔沁旗公安局", []string{"科尔沁"}},
		{"people is not a place", "蒙古族牧民", []string{"蒙古"}},
		{"common word short form", "欢迎各位来宾。", []string{"来宾"}},
		{"urban area", "城区交通拥堵。", []string{"城区"}},
		{"two-character county inside a word", "逐步形成县域经济。", []string{"成县"}},
		{"township short form without its province", "在五里铺附近发生车祸。", []string{"五里铺"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, m := range g.Scan(tt.text, "").Mentions() {
				for _, n := range tt.not {
					if m.Text == n {
						t.Errorf("%q taken as %s: %+v", n, m.Kind, m)
					}
				}
			}
		})
	}
}

func TestOrg(t *testing.T) {
	t.Parallel()
	g := gaz(t)
	tests := []struct {
		name, context, org, want string
	}{
		{"city bureau's branch", "", "乌海市公安局海勃湾分局", "150302"},
		{"banner bureau", "", "阿鲁科尔沁旗公安局", "150421"},
		{"league and city detention centre", "", "兴安盟乌兰浩特市拘留所", "152201"},
		{"branch read in the article's context", "乌海市公安局通报", "海勃湾分局", "150302"},
		{"police station of a sumu", "赤峰市阿鲁科尔沁旗", "巴彦温都尔派出所", "150421206"},
		{"unit of an undecided district", "", "朝阳区公安分局", ""},
		{"two units joined by 与", "", "甘肃省兰州市公安局与城关区分局", "6201"},
		{"branch named by its district's short form", "", "来宾市公安局兴宾分局城北派出所", "451302"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := g.Scan(tt.context, "").Org(tt.org)
			if r.Code != tt.want || r.Text != tt.org {
				t.Errorf("Org(%q) = %+v, want code %q", tt.org, r, tt.want)
			}
			if tt.want == "" && r.Status == StatusResolved {
				t.Errorf("Org(%q) resolved without context: %+v", tt.org, r)
			}
		})
	}
	// The same units found by Scan in running text.
	text := "阿鲁科尔沁旗公安局牢牢把握主线。兴安盟乌兰浩特市拘留所荣获一等奖。"
	p := g.Scan(text, "")
	for org, code := range map[string]string{"阿鲁科尔沁旗公安局": "150421", "兴安盟乌兰浩特市拘留所": "152201"} {
		if m, ok := find(p, KindOrg, org); !ok || m.Region.Code != code {
			t.Errorf("Scan org %s: %+v %v", org, m, ok)
		}
	}
}

func TestAtAndMain(t *testing.T) {
	t.Parallel()
	g := gaz(t)
	text := "本报讯 近日，赤峰市破获一起盗窃案。阿鲁科尔沁旗公安局抓获嫌疑人3名。"
	p := g.Scan(text, "")
	tests := []struct {
		name   string
		offset int
		want   string
	}{
		{"before any place falls back to Main", 0, p.Main().Code},
		{"after the city", runeIndex(t, text, "破获"), "1504"},
		{"after the banner's bureau", runeIndex(t, text, "3名"), "150421"},
		{"past the end", 1000, "150421"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.At(tt.offset); got.Code != tt.want {
				t.Errorf("At(%d) = %+v, want %s", tt.offset, got, tt.want)
			}
		})
	}
	none := g.Scan("今天天气很好。", "")
	if r := none.At(3); r.Status != StatusNone || r.Code != "" {
		t.Errorf("no place: At = %+v, want status none", r)
	}
	if r := g.Scan("今天天气很好。", "乌海市").Main(); r.Code != "1503" {
		t.Errorf("Main falls back to the hint: %+v", r)
	}
}

func TestMentionsInOrder(t *testing.T) {
	t.Parallel()
	text := readTestdata(t, "seed-page.txt")
	runes := []rune(text)
	ms := gaz(t).Scan(text, "").Mentions()
	for i, m := range ms {
		if got := string(runes[m.Start:m.End]); got != m.Text {
			t.Errorf("mention %d: text %q, offsets give %q", i, m.Text, got)
		}
		if i > 0 && ms[i-1].Start > m.Start {
			t.Errorf("mention %d out of order", i)
		}
		if m.Region.Status == StatusResolved && m.Region.Code == "" || m.Region.Status != StatusResolved && m.Region.Code != "" {
			t.Errorf("mention %d: status %s with code %q", i, m.Region.Status, m.Region.Code)
		}
	}
	var zero article.Region
	if ms[0].Region == zero {
		t.Error("empty region")
	}
}
