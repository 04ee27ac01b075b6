package gazetteer

import "testing"

func TestLoadCounts(t *testing.T) {
	t.Parallel()
	g := gaz(t)
	got := map[string]int{}
	for _, d := range g.Divisions() {
		got[d.Level]++
	}
	want := map[string]int{LevelProvince: 31, LevelPrefecture: 342, LevelCounty: 2978, LevelTownship: 41352}
	for lv, n := range want {
		if got[lv] != n {
			t.Errorf("%s: %d divisions, want %d", lv, got[lv], n)
		}
	}
}

func TestDivisionChains(t *testing.T) {
	t.Parallel()
	g := gaz(t)
	byCode := map[string]Division{}
	for _, d := range g.Divisions() {
		byCode[d.Code] = d
	}
	tests := []struct {
		name string
		code string
		want Division
	}{
		{"township in a banner", "150421206", Division{Code: "150421206", Name: "巴彦温都尔苏木", Level: LevelTownship, ParentCode: "150421",
			Province: "内蒙古自治区", Prefecture: "赤峰市", County: "阿鲁科尔沁旗", Township: "巴彦温都尔苏木"}},
		{"league", "1522", Division{Code: "1522", Name: "兴安盟", Level: LevelPrefecture, ParentCode: "15", Province: "内蒙古自治区", Prefecture: "兴安盟"}},
		{"municipality is province and prefecture", "11", Division{Code: "11", Name: "北京市", Level: LevelProvince, Province: "北京市", Prefecture: "北京市"}},
		{"municipality placeholder city takes its name", "1101", Division{Code: "1101", Name: "北京市", Level: LevelPrefecture, ParentCode: "11", Province: "北京市", Prefecture: "北京市"}},
		{"district of a municipality", "110105", Division{Code: "110105", Name: "朝阳区", Level: LevelCounty, ParentCode: "1101", Province: "北京市", Prefecture: "北京市", County: "朝阳区"}},
		{"Chongqing county placeholder", "500229", Division{Code: "500229", Name: "城口县", Level: LevelCounty, ParentCode: "5002", Province: "重庆市", Prefecture: "重庆市", County: "城口县"}},
		{"county under a province directly", "419001", Division{Code: "419001", Name: "济源市", Level: LevelCounty, ParentCode: "4190", Province: "河南省", County: "济源市"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := byCode[tt.code]; got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestShortForm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		lv       int
		want     string
	}{
		{"prefecture city", "乌海市", lvPrefecture, "乌海"},
		{"league", "兴安盟", lvPrefecture, "兴安"},
		{"region keeps 内蒙古 whole", "内蒙古自治区", lvProvince, "内蒙古"},
		{"zhuang region", "广西壮族自治区", lvProvince, "广西"},
		{"hui region", "宁夏回族自治区", lvProvince, "宁夏"},
		{"uyghur region", "新疆维吾尔自治区", lvProvince, "新疆"},
		{"province", "黑龙江省", lvProvince, "黑龙江"},
		{"municipality", "北京市", lvProvince, "北京"},
		{"autonomous prefecture", "延边朝鲜族自治州", lvPrefecture, "延边"},
		{"two nationalities", "湘西土家族苗族自治州", lvPrefecture, "湘西"},
		{"nationality without 族", "博尔塔拉蒙古自治州", lvPrefecture, "博尔塔拉"},
		{"prefecture area", "大兴安岭地区", lvPrefecture, "大兴安岭"},
		{"banner", "阿鲁科尔沁旗", lvCounty, "阿鲁科尔沁"},
		{"district", "海勃湾区", lvCounty, "海勃湾"},
		{"autonomous banner named for its people", "鄂伦春自治旗", lvCounty, "鄂伦春"},
		{"two-character county short form is dropped", "朝阳区", lvCounty, ""},
		{"two-character street short form is dropped", "新华街道", lvTownship, ""},
		{"sumu", "巴彦温都尔苏木", lvTownship, "巴彦温都尔"},
		{"development zone has none", "北京经济技术开发区", lvTownship, ""},
		{"special district", "六枝特区", lvCounty, ""},
		{"forest district", "神农架林区", lvCounty, "神农架"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shortForm(tt.in, tt.lv); got != tt.want {
				t.Errorf("shortForm(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDictWords(t *testing.T) {
	t.Parallel()
	words := map[string]DictWord{}
	for _, w := range gaz(t).DictWords() {
		words[w.Text] = w
	}
	for _, in := range []string{"海勃湾区", "巴彦温都尔苏木", "乌海", "阿鲁科尔沁", "内蒙古", "兴安盟"} {
		if w, ok := words[in]; !ok || w.POS != "ns" || w.Freq <= 0 {
			t.Errorf("%s: got %+v, %v", in, w, ok)
		}
	}
	for _, out := range []string{"来宾", "全市", "该市", "城区", "市辖区"} {
		if _, ok := words[out]; ok {
			t.Errorf("%s should not be a place word", out)
		}
	}
}

func TestShortFormFacilities(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"road", "中山路街道", ""},
		{"station", "火车站街道", ""},
		{"number", "四十八镇", ""},
		{"real township", "四季青镇", "四季青"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shortForm(tt.in, lvTownship); got != tt.want {
				t.Errorf("shortForm(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
