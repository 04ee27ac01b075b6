package warehouse

import (
	"strconv"
	"strings"
	"time"
)

// ExtractorRank orders extractor versions: "1.2.3" -> 1_002_003. Components
// above 999 are capped; a version that is not dotted numbers ("dev") ranks 0,
// below every release. A leading "v" and a "-suffix" or "+suffix" are ignored.
func ExtractorRank(version string) uint32 {
	v := strings.TrimPrefix(strings.TrimSpace(version), "v")
	if i := strings.IndexAny(v, "-+ "); i >= 0 {
		v = v[:i]
	}
	parts := strings.Split(v, ".")
	if len(parts) == 0 || len(parts) > 3 {
		return 0
	}
	var rank uint32
	for i := 0; i < 3; i++ {
		rank *= 1000
		if i >= len(parts) {
			continue
		}
		n, err := strconv.ParseUint(parts[i], 10, 32)
		if err != nil {
			return 0
		}
		rank += uint32(min(n, 999))
	}
	return rank
}

// RowVersion is the ReplacingMergeTree version of the rows of one extraction
// of an article: the extractor's rank in the high 32 bits and the extraction
// time in seconds in the low 32. A newer extractor always wins, so replaying an
// old extraction after a newer one changes nothing; among extractions by the
// same extractor, whose output is the same, the latest wins. Every load of one
// message writes the same version, so a load cut short between tables (its
// facts in, its article row not) cannot hide what another load of the same
// message completed.
func RowVersion(extractorRank uint32, extractedAt time.Time) uint64 {
	secs := extractedAt.Unix()
	if secs < 0 {
		secs = 0
	}
	return uint64(extractorRank)<<32 | uint64(uint32(secs))
}
