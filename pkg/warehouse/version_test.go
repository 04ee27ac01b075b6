package warehouse_test

import (
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/warehouse"
)

func TestExtractorRank(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		version string
		want    uint32
	}{
		{name: "semver", version: "1.2.3", want: 1_002_003},
		{name: "leading v", version: "v2.0.1", want: 2_000_001},
		{name: "pre-release suffix ignored", version: "1.1.0-rc1", want: 1_001_000},
		{name: "build suffix ignored", version: "1.1.0+abc", want: 1_001_000},
		{name: "major.minor", version: "3.4", want: 3_004_000},
		{name: "component capped", version: "1.2000.0", want: 1_999_000},
		{name: "not a version", version: "dev", want: 0},
		{name: "empty", version: "", want: 0},
		{name: "too many parts", version: "1.2.3.4", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := warehouse.ExtractorRank(tt.version); got != tt.want {
				t.Errorf("ExtractorRank(%q) = %d, want %d", tt.version, got, tt.want)
			}
		})
	}
}

func TestRowVersionOrders(t *testing.T) {
	t.Parallel()
	early := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	late := early.Add(365 * 24 * time.Hour)
	tests := []struct {
		name         string
		older, newer uint64
	}{
		{name: "newer extractor beats a later extraction by an older one", older: warehouse.RowVersion(1_000_000, late), newer: warehouse.RowVersion(1_001_000, early)},
		{name: "same extractor: later extraction wins", older: warehouse.RowVersion(1_000_000, early), newer: warehouse.RowVersion(1_000_000, late)},
		{name: "unversioned extractor loses to any release", older: warehouse.RowVersion(0, late), newer: warehouse.RowVersion(1, early)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.older >= tt.newer {
				t.Errorf("version %d should be below %d", tt.older, tt.newer)
			}
		})
	}
}
