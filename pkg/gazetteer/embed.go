package gazetteer

import "embed"

// dataFS holds the division CSVs; embedding them keeps a deployed binary free
// of data files next to it.
//
//go:embed data/*.csv data/LICENSE
var dataFS embed.FS
