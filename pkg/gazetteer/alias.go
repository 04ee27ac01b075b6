package gazetteer

import (
	"strings"
	"unicode/utf8"
)

// suffixes stripped from a division's name to get the short form people
// write (乌海市 -> 乌海, 兴安盟 -> 兴安, 内蒙古自治区 -> 内蒙古), longest first
// within each level. The ones marked autonomous are followed by ethnic names
// that are stripped too (延边朝鲜族自治州 -> 延边).
var levelSuffixes = [4][]struct {
	s          string
	autonomous bool
}{
	lvProvince:   {{"自治区", true}, {"省", false}, {"市", false}},
	lvPrefecture: {{"自治州", true}, {"地区", false}, {"盟", false}, {"市", false}},
	lvCounty: {{"自治县", true}, {"自治旗", true}, {"特区", false}, {"林区", false},
		{"县", false}, {"区", false}, {"旗", false}, {"市", false}},
	lvTownship: {{"民族乡", true}, {"民族镇", true}, {"街道", false}, {"苏木", false}, {"镇", false}, {"乡", false}},
}

// minAlias is the shortest short form kept per level. Two-character county
// and township short forms (新华, 城关, 和平, 鼓楼, 开发, 东方 ...) are
// ordinary words or shared by dozens of divisions, so counties and townships
// need at least three characters (海勃湾, 阿鲁科尔沁, 巴彦温都尔); provinces
// and prefectures are few and their two-character forms (乌海, 兴安) are how
// the press names them.
var minAlias = [4]int{lvProvince: 2, lvPrefecture: 2, lvCounty: 3, lvTownship: 3}

// ethnicNames are the 56 nationalities as they appear inside autonomous
// divisions' names, longest first so 维吾尔 is tried before 回.
var ethnicNames = []string{
	"柯尔克孜", "乌孜别克", "维吾尔", "哈萨克", "达斡尔", "塔吉克", "俄罗斯", "鄂温克",
	"塔塔尔", "鄂伦春", "蒙古", "布依", "朝鲜", "土家", "哈尼", "傈僳", "高山", "拉祜",
	"东乡", "纳西", "景颇", "仫佬", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌",
	"普米", "德昂", "保安", "裕固", "独龙", "赫哲", "门巴", "珞巴", "基诺",
	"汉", "回", "藏", "苗", "彝", "壮", "满", "侗", "瑶", "白", "傣", "黎", "佤", "畲",
	"水", "土", "羌", "怒", "京",
}

// weakAliases are short forms that are also everyday words or other things'
// names (来宾 "guest", 安康 "well-being", 大同 "great harmony", 白银 "silver",
// 阿里 as in 阿里巴巴, 普洱 tea, 朝阳 "morning sun", 长治 in 长治久安). A weak
// match counts as a place only when another place of the same province
// supports it.
var weakAliases = map[string]bool{
	"来宾": true, "安康": true, "大同": true, "白银": true, "阿里": true, "普洱": true,
	"朝阳": true, "长治": true, "三明": true, "中山": true, "北海": true, "东方": true,
}

// noAlias marks names that are not proper names with a generic suffix but
// descriptions (经济技术开发区, 管理区, 农场): their "short forms" would be
// generic words.
var noAlias = []string{"开发", "新区", "管理区", "园区", "高新", "工业", "经济", "示范", "农场",
	"林场", "牧场", "管委会", "办事处", "监狱", "矿区", "城区", "郊区"}

// genericNames are full names that are ordinary words (城区 "urban area",
// 矿区 "mining area"): never taken as a place.
var genericNames = map[string]bool{
	"城区": true, "矿区": true, "郊区": true, "东区": true, "西区": true, "新区": true,
	"新县": true, "南县": true, "古县": true,
}

// shortForm returns the alias of a division's name, or "" when the rules
// give none: the suffix of its level stripped, then ethnic names for
// autonomous divisions, keeping at least minAlias characters.
func shortForm(name string, lv int) string {
	for _, bad := range noAlias {
		if strings.Contains(name, bad) {
			return ""
		}
	}
	for _, suf := range levelSuffixes[lv] {
		base, ok := strings.CutSuffix(name, suf.s)
		if !ok {
			continue
		}
		if suf.autonomous {
			base = stripEthnic(base)
		}
		if utf8.RuneCountInString(base) < minAlias[lv] || !properName(base) {
			return ""
		}
		return base
	}
	return ""
}

// stripEthnic removes trailing nationalities (苗族侗族, 蒙古, 哈萨克) while
// at least two characters remain, so 内蒙古 stays and 鄂伦春 is kept whole.
func stripEthnic(s string) string {
	for {
		t := strings.TrimSuffix(s, "族")
		cut := false
		for _, e := range ethnicNames {
			if base, ok := strings.CutSuffix(t, e); ok && utf8.RuneCountInString(base) >= 2 {
				s, cut = base, true
				break
			}
		}
		if !cut {
			return s
		}
	}
}

// facilityEnds are last characters that make a short form the name of a
// road, station or ground (中山路街道 -> 中山路, 火车站街道 -> 火车站): such
// a word in text is the facility far more often than the township.
const facilityEnds = "路街站场园区局所厂"

// numerals make up short forms such as 四十八 (四十八镇) that are numbers in text.
const numerals = "〇零一二三四五六七八九十百千万两"

func properName(s string) bool {
	last, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune(facilityEnds, last) {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(numerals, r) {
			return true
		}
	}
	return false
}

// townshipSuffixes are the endings of real townships; township-level rows
// without one are development zones, farms, forestry bureaus, prisons
// (开发区, 工业园区, 林业局), whose names are generic words in text.
var townshipSuffixes = []string{"街道", "镇", "乡", "苏木"}

func isTownshipName(name string) bool {
	for _, s := range townshipSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}
