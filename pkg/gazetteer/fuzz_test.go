package gazetteer

import (
	"testing"
	"unicode/utf8"
)

// FuzzScan checks, for any text and hint:
//   - Scan does not panic;
//   - every mention lies inside the text: 0 <= Start < End <= rune count;
//   - a mention's Text is the text at its offsets (for valid UTF-8);
//   - a resolved region has a code, any other has none;
//   - mentions come in text order, and At answers for every offset.
func FuzzScan(f *testing.F) {
	f.Add("今年1月至4月，该市“盗抢骗”案件立案131起", "内蒙古自治区")
	f.Add("乌海市公安局海勃湾分局海北派出所", "")
	f.Add("赤峰市阿鲁科尔沁旗巴彦温都尔苏木", "乌海公安")
	f.Add("全区公安监管部门在兴安盟成功举办，自治区公安厅", "")
	f.Add("朝阳区新华街道，该区", "北京")
	f.Add("阿鲁\n\n科尔沁旗公安局", "")
	f.Add("\xff乌海\xfe市", "\x00")
	g := gaz(f)
	f.Fuzz(func(t *testing.T, text, hint string) {
		p := g.Scan(text, hint)
		n := utf8.RuneCountInString(text)
		runes := []rune(text)
		prev := -1
		for _, m := range p.Mentions() {
			if m.Start < 0 || m.Start >= m.End || m.End > n {
				t.Fatalf("mention %+v outside [0,%d)", m, n)
			}
			if m.Start < prev {
				t.Fatalf("mention %+v out of order", m)
			}
			prev = m.Start
			if utf8.ValidString(text) && string(runes[m.Start:m.End]) != m.Text {
				t.Fatalf("mention %+v: offsets give %q", m, string(runes[m.Start:m.End]))
			}
			if (m.Region.Status == StatusResolved) != (m.Region.Code != "") {
				t.Fatalf("mention %+v: status and code disagree", m)
			}
		}
		for off := -1; off <= n+1; off++ {
			if r := p.At(off); r.Status == "" {
				t.Fatalf("At(%d) has no status", off)
			}
		}
		_ = p.Org(text)
	})
}
