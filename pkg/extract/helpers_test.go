package extract

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/gazetteer"
)

// One Extractor per test binary: loading the segmenter takes seconds.
var (
	sharedOnce sync.Once
	sharedX    *Extractor
	sharedErr  error
)

func testExtractor(t testing.TB) *Extractor {
	t.Helper()
	sharedOnce.Do(func() {
		g, err := gazetteer.Load()
		if err != nil {
			sharedErr = err
			return
		}
		sharedX, sharedErr = New(Options{Places: g})
	})
	if sharedErr != nil {
		t.Fatalf("New: %v", sharedErr)
	}
	return sharedX
}

// loadArticle reads testdata/<name>.txt: "key: value" lines (title,
// region_hint, published), a "---" line, then the body as clean would give it.
func loadArticle(t testing.TB, name string) article.Clean {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".txt"))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	head, body, ok := strings.Cut(string(b), "\n---\n")
	if !ok {
		t.Fatalf("%s: no --- line", name)
	}
	c := article.Clean{V: article.Version, ID: name, RawID: name, Source: "testdata", URI: "testdata/" + name + ".txt"}
	for _, l := range strings.Split(head, "\n") {
		k, v, _ := strings.Cut(l, ":")
		v = strings.TrimSpace(v)
		switch k {
		case "title":
			c.Title = v
		case "region_hint":
			c.RegionHint = v
		case "published":
			c.Published = v
		}
	}
	c.Body = strings.TrimRight(body, "\n")
	return c
}

// articleNames lists the test articles, sorted.
func articleNames(t testing.TB) []string {
	t.Helper()
	fs, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, strings.TrimSuffix(filepath.Base(f), ".txt"))
	}
	sort.Strings(out)
	return out
}
