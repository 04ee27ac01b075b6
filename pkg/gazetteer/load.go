package gazetteer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Gazetteer is the immutable division table with its name index. It is safe
// for concurrent use by many goroutines.
type Gazetteer struct {
	nodes  []node
	byCode map[string]int32
	ix     index
	dict   []DictWord
}

// placeholder city names in the data: municipalities list their counties
// under 市辖区 (and Chongqing also under 县); some provinces keep counties
// directly under them in 省直辖县级行政区划.
var placeholderCities = map[string]bool{
	"市辖区":         true,
	"县":           true,
	"省直辖县级行政区划":   true,
	"自治区直辖县级行政区划": true,
}

// csvFile describes one embedded table: its path and which columns hold the
// code, the name and the parent code.
type csvFile struct {
	path   string
	lv     int
	parent int // column of the parent code, -1 for provinces
}

var csvFiles = [...]csvFile{
	{"data/provinces.csv", lvProvince, -1},
	{"data/cities.csv", lvPrefecture, 2},
	{"data/areas.csv", lvCounty, 2},
	{"data/streets.csv", lvTownship, 2},
}

// Load builds the gazetteer from the embedded data. It takes tens of
// milliseconds: build it once per process and share it.
func Load() (*Gazetteer, error) {
	g := &Gazetteer{byCode: make(map[string]int32, 45000)}
	g.nodes = make([]node, 0, 45000)
	for _, f := range csvFiles {
		if err := g.loadFile(f); err != nil {
			return nil, fmt.Errorf("gazetteer: load %s: %w", f.path, err)
		}
	}
	g.ix = buildIndex(g.nodes)
	g.dict = buildDict(g.ix)
	return g, nil
}

func (g *Gazetteer) loadFile(f csvFile) error {
	rc, err := dataFS.Open(f.path)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer rc.Close()
	r := csv.NewReader(rc)
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return fmt.Errorf("read header: %w", err)
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		parent := ""
		if f.parent >= 0 {
			if len(rec) <= f.parent {
				return fmt.Errorf("line %v: %d columns", rec, len(rec))
			}
			parent = rec[f.parent]
		}
		if err := g.add(strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), parent, f.lv); err != nil {
			return err
		}
	}
}

// add appends one division, filling its chain from its parent, which the
// file order guarantees is already loaded.
func (g *Gazetteer) add(code, name, parentCode string, lv int) error {
	n := node{lv: lv, anc: [4]int32{-1, -1, -1, -1}}
	n.div = Division{Code: code, Name: name, Level: levelNames[lv], ParentCode: parentCode}
	if lv > lvProvince {
		pi, ok := g.byCode[parentCode]
		if !ok {
			return fmt.Errorf("division %s %s: unknown parent %q", code, name, parentCode)
		}
		p := &g.nodes[pi]
		n.anc = p.anc
		n.div.Province, n.div.Prefecture, n.div.County = p.div.Province, p.div.Prefecture, p.div.County
	}
	if lv == lvPrefecture && placeholderCities[name] {
		n.placeholder = true
		prov := g.nodes[n.anc[lvProvince]].div
		// A municipality's placeholder city stands for the municipality
		// itself; other placeholders group counties under no prefecture.
		if name == "市辖区" || name == "县" {
			n.div.Name = prov.Name
		}
	}
	idx := int32(len(g.nodes))
	n.anc[lv] = idx
	switch lv {
	case lvProvince:
		n.div.Province = name
	case lvPrefecture:
		if !n.placeholder || n.div.Name == g.nodes[n.anc[lvProvince]].div.Name {
			n.div.Prefecture = n.div.Name
		}
	case lvCounty:
		n.div.County = name
	case lvTownship:
		n.div.Township = name
	}
	if _, dup := g.byCode[code]; dup {
		return fmt.Errorf("division %s %s: duplicate code", code, name)
	}
	g.byCode[code] = idx
	g.nodes = append(g.nodes, n)
	if lv == lvPrefecture && n.placeholder && n.div.Prefecture != "" {
		// The municipality's own row is a province; as it is also a
		// prefecture, its Region names itself as both.
		g.nodes[n.anc[lvProvince]].div.Prefecture = n.div.Prefecture
	}
	return nil
}

// Divisions returns every division (a copy), provinces first, for loading a
// dimension table.
func (g *Gazetteer) Divisions() []Division {
	out := make([]Division, len(g.nodes))
	for i := range g.nodes {
		out[i] = g.nodes[i].div
	}
	return out
}
