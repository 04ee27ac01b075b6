package extract

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/article"
)

// TestReport runs the quality report over every test article; with -v it
// prints the report so anyone can see what the extractor misses.
func TestReport(t *testing.T) {
	x := testExtractor(t)
	var arts []article.Clean
	for _, name := range articleNames(t) {
		arts = append(arts, loadArticle(t, name))
	}
	r := Report(x, arts)
	if r.Articles != len(arts) || r.Facts == 0 {
		t.Fatalf("report over %d articles: %+v", len(arts), r)
	}
	if r.Explained+r.Covered > r.Numbers {
		t.Errorf("numbers do not add up: %d explained + %d covered > %d", r.Explained, r.Covered, r.Numbers)
	}
	// A floor, not a target: a change that loses many facts should fail here.
	if r.Coverage < 0.6 {
		t.Errorf("coverage %.2f, want at least 0.6", r.Coverage)
	}
	for _, a := range r.PerArticle {
		if strings.HasPrefix(a.ID, "finance-") && (a.PublicSecurity || a.Facts > 0) {
			t.Errorf("%s: finance story judged public-security with %d facts", a.ID, a.Facts)
		}
	}
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"coverage", "unexplained numbers:", "seed-wuhai"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if testing.Verbose() {
		os.Stdout.Write(buf.Bytes())
	}
}
