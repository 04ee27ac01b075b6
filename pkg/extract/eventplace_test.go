package extract

import "testing"

func TestEventPlace(t *testing.T) {
	cases := []struct {
		name, title, body string
		status, code      string // code prefix; "" for none
		country           string
	}{
		{name: "lead outranks later places", body: "6日上午，合肥市境内发生一起交通事故，造成3人死亡。\n伤者被送往南京市的医院救治，南京市交警也赶到现场。南京市有关部门表示将协助调查。",
			status: "resolved", code: "3401"},
		{name: "road abbreviation is no place", body: "6日上午，一辆货车在合（合肥）宁（南京）高速上发生事故，造成2人死亡，事故地点位于肥东县境内。",
			status: "resolved", code: "3401"},
		{name: "origin and direction are no place", body: "昨日，一辆由福州开往漳州方向的客车在泉州市发生侧翻，造成4人死亡，司机为河南籍。",
			status: "resolved", code: "3505"},
		{name: "dateline city is no place", body: "新华社南宁5月3日电 3日凌晨，柳州市鹿寨县发生一起交通事故，造成5人死亡。",
			status: "resolved", code: "4502"},
		{name: "abroad with Beijing time", title: "智利北部发生6.2级地震", body: "北京时间11日8时，智利北部海域发生6.2级地震，目前尚无人员伤亡报告。",
			status: "foreign", country: "智利"},
		{name: "speaker in Beijing", title: "外交部谴责巴基斯坦恐怖袭击事件", body: "外交部发言人4日在北京表示，中方强烈谴责发生在伊斯兰堡的恐怖袭击，袭击造成11人死亡。",
			status: "foreign", country: "巴基斯坦"},
		{name: "press of a country is no place", body: "中新网5月27日电 据日本《读卖新闻》报道，印度尼西亚爪哇省27日发生强烈地震，已造成300人死亡。",
			status: "foreign", country: "印度尼西亚"},
		{name: "list of countries", title: "法国、西班牙和希腊等多国爆发森林大火", body: "近日，地中海沿岸多国发生森林大火，已造成8人死亡。",
			status: "ambiguous"},
		{name: "the police unit the figures come from", body: "记者从呼伦贝尔市公安局获悉，今年以来，全市共破获盗窃案件210起，抓获犯罪嫌疑人96名。",
			status: "resolved", code: "1507"},
		{name: "undecidable", body: "昨日清晨，一辆卡车与面包车在高速公路上发生追尾，造成1人死亡，7人受伤。",
			status: "none"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := extractText(t, tc.title, tc.body)
			r := got.Region
			if r.Status != tc.status || len(r.Code) < len(tc.code) || r.Code[:len(tc.code)] != tc.code || tc.code == "" && r.Code != "" || r.Country != tc.country {
				t.Errorf("region %+v, want status %s code %q country %q", r, tc.status, tc.code, tc.country)
			}
			for _, f := range got.Facts {
				if tollIndicators[f.Indicator] && f.Role == "total" && f.Region.Code != r.Code {
					t.Errorf("toll %s in %+v, article in %+v", f.ID, f.Region, r)
				}
			}
		})
	}
}
