package gazetteer

import (
	"os"
	"strings"
	"sync"
	"testing"
)

// loaded shares one gazetteer between the tests: Load is the expensive part
// and the result is immutable.
var loaded = sync.OnceValues(Load)

func gaz(t testing.TB) *Gazetteer {
	t.Helper()
	g, err := loaded()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return g
}

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("read testdata: %v", err)
	}
	return string(b)
}

// runeIndex is the rune offset of the first occurrence of sub in s.
func runeIndex(t testing.TB, s, sub string) int {
	t.Helper()
	i := strings.Index(s, sub)
	if i < 0 {
		t.Fatalf("%q not in text", sub)
	}
	return len([]rune(s[:i]))
}

// find returns the first mention with the given kind and text.
func find(p *Places, kind, text string) (Mention, bool) {
	for _, m := range p.Mentions() {
		if m.Kind == kind && m.Text == text {
			return m, true
		}
	}
	return Mention{}, false
}
