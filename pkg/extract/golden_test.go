package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/casewire/casewire/pkg/article"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current output")

// goldenView is what the golden files record: the extraction without the
// clean article it repeats.
type goldenView struct {
	Extractor      string           `json:"extractor"`
	PublicSecurity bool             `json:"public_security"`
	IncidentType   string           `json:"incident_type,omitempty"`
	Region         article.Region   `json:"region"`
	Facts          []article.Fact   `json:"facts"`
	Entities       []article.Entity `json:"entities"`
}

// TestGolden compares every test article's extraction with its golden file;
// run with -update to accept a change, then review the diff.
func TestGolden(t *testing.T) {
	x := testExtractor(t)
	for _, name := range articleNames(t) {
		t.Run(name, func(t *testing.T) {
			c := loadArticle(t, name)
			got, err := x.Extract(c)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			b, err := json.MarshalIndent(goldenView{got.Extractor, got.PublicSecurity, got.IncidentType, got.Region, got.Facts, got.Entities}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, '\n')
			path := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if !bytes.Equal(want, b) {
				t.Errorf("%s differs from the extraction; run go test -run TestGolden -update and review the diff", path)
			}
		})
	}
}
