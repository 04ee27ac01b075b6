package gazetteer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cecFloor is the share of CEC reports with at least one resolved place,
// measured at 77.7% (title and body) when the test was written, rounded
// down; most misses are foreign news (埃及, 莫斯科) or name only a district by
// its two-character short form (武昌, 大兴), which the gazetteer does not
// take without its suffix.
const cecFloor = 0.75

// TestCECCoverage scans the 332 reports of the CEC emergency corpus and
// reports how many name at least one place the gazetteer resolves.
func TestCECCoverage(t *testing.T) {
	t.Parallel()
	g := gaz(t)
	files, err := filepath.Glob("testdata/cec/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 332 {
		t.Fatalf("%d CEC reports in testdata, want 332", len(files))
	}
	withPlace, bodyOnly, ambiguous, mentions := 0, 0, 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if hasResolved(g.Scan(string(b), "")) {
			bodyOnly++
		}
		// The file name is the report's title; the extractor scans title
		// and body together.
		title := strings.TrimSuffix(filepath.Base(f), ".txt")
		found := false
		for _, m := range g.Scan(title+"\n"+string(b), "").Mentions() {
			if m.Kind == KindAnaphor {
				continue
			}
			mentions++
			switch m.Region.Status {
			case StatusResolved:
				found = true
			case StatusAmbiguous:
				ambiguous++
			}
		}
		if found {
			withPlace++
		} else if testing.Verbose() {
			t.Logf("no resolved place: %s", filepath.Base(f))
		}
	}
	share := float64(withPlace) / float64(len(files))
	t.Logf("CEC: %d/%d reports (%.1f%%) with at least one resolved place in title and body (%d, %.1f%%, in the body alone); %d place/org mentions, %d ambiguous",
		withPlace, len(files), 100*share, bodyOnly, 100*float64(bodyOnly)/float64(len(files)), mentions, ambiguous)
	if share < cecFloor {
		t.Errorf("share %.3f below the measured floor %.2f", share, cecFloor)
	}
}

func hasResolved(p *Places) bool {
	for _, m := range p.Mentions() {
		if m.Kind != KindAnaphor && m.Region.Status == StatusResolved {
			return true
		}
	}
	return false
}
