package gazetteer

import (
	"github.com/casewire/casewire/pkg/article"
)

// Levels of the division hierarchy, as written in article.Region.Level.
const (
	LevelProvince   = "province"
	LevelPrefecture = "prefecture"
	LevelCounty     = "county"
	LevelTownship   = "township"
)

// Region statuses.
const (
	StatusResolved  = "resolved"
	StatusAmbiguous = "ambiguous"
	StatusUnknown   = "unknown"
	StatusNone      = "none"
)

// levelNames is indexed by the numeric level used internally.
var levelNames = [...]string{LevelProvince, LevelPrefecture, LevelCounty, LevelTownship}

const (
	lvProvince = iota
	lvPrefecture
	lvCounty
	lvTownship
)

// Division is one administrative division with its chain of ancestors'
// names, flat so it loads straight into a ClickHouse table.
//
// Municipalities (北京市, 上海市, 天津市, 重庆市) are both province and
// prefecture: their placeholder cities (市辖区, 县) carry the municipality's
// name, so a district's Prefecture is 北京市. Counties directly under a
// province (省直辖县级行政区划) have an empty Prefecture.
type Division struct {
	Code, Name, Level, ParentCode, Province, Prefecture, County, Township string
}

// node is a division as the resolver sees it.
type node struct {
	div Division
	lv  int
	// anc holds the index of the ancestor at each level (itself at its own
	// level), -1 below its level.
	anc [4]int32
	// placeholder marks the 市辖区 / 省直辖县级行政区划 rows: they exist for
	// the code chain and are never a name in text.
	placeholder bool
}

func (n *node) region(text, status string) article.Region {
	return article.Region{
		Text:       text,
		Name:       n.div.Name,
		Code:       n.div.Code,
		Level:      n.div.Level,
		Province:   n.div.Province,
		Prefecture: n.div.Prefecture,
		County:     n.div.County,
		Township:   n.div.Township,
		Status:     status,
	}
}

// shared counts the levels, from the province down, on which two divisions
// have the same ancestor: 1 for the same province, 2 for the same
// prefecture, and so on.
func shared(a, b *node) int {
	n := 0
	for l := 0; l < 4; l++ {
		if a.anc[l] < 0 || a.anc[l] != b.anc[l] {
			break
		}
		n++
	}
	return n
}
