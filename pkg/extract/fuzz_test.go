package extract

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/casewire/casewire/pkg/article"
)

// FuzzExtract feeds arbitrary bodies to Extract. Invariants:
//   - no panic;
//   - every fact's evidence lies inside the body: 0 <= Start < End <= chars;
//   - Evidence.Text is exactly the body's characters [Start, End);
//   - the evidence sentence starts at or before the number;
//   - entities lie inside the body and their Text is their slice;
//   - fact ids are unique; every fact has a role, a part's PartOf names a
//     total of the article and no other fact has a PartOf;
//   - a title fact's evidence is the title, its Text a piece of it.
func FuzzExtract(f *testing.F) {
	x := testExtractor(f)
	for _, name := range []string{"seed-wuhai", "cec-r00", "sogou-001", "finance-032"} {
		f.Add(loadArticle(f, name).Body, "2012-06-12")
	}
	for _, s := range []string{
		"立案131起,同比下降68.05%;破案91起,破案率达69.47%。",
		"造成6人死亡，3人重伤，1死7伤，百余辆车相撞，近１０万余元",
		"“1234”组合拳，第3次，电话13912345678，皖A6A843号，6月26日至27日",
		"同比", "%", "万", "百余", "１２.", "数十人", "十几名儿童", "3.", "1,2", "“", "\n\n",
	} {
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, body, published string) {
		if !utf8.ValidString(body) {
			if _, err := x.Extract(article.Clean{ID: "f", Body: body}); err == nil {
				t.Fatalf("invalid UTF-8 accepted")
			}
			return
		}
		// The body's opening doubles as the title, so title facts are read too.
		title := []rune(body)
		title = title[:min(len(title), 24)]
		c := article.Clean{ID: "f", Body: body, Title: string(title), Published: published}
		done := make(chan error, 1)
		go func() { _, err := x.Extract(c); done <- err }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Extract did not return in 10s on %q", body)
		}
		// Check the facts before the public-security gate, so a random body
		// exercises the fact rules too.
		d := x.analyse(c)
		rs := []rune(body)
		checkRoles(t, d.facts)
		for _, fa := range d.facts {
			e := fa.Evidence
			if isTitleFact(fa) {
				if e.Sentence != strings.TrimSpace(c.Title) || !strings.Contains(e.Sentence, e.Text) {
					t.Fatalf("title fact %s: evidence %+v, title %q", fa.ID, e, c.Title)
				}
				continue
			}
			if e.Start < 0 || e.End > len(rs) || e.Start >= e.End {
				t.Fatalf("evidence [%d,%d) outside body of %d chars", e.Start, e.End, len(rs))
			}
			if string(rs[e.Start:e.End]) != e.Text {
				t.Fatalf("evidence text %q, body has %q", e.Text, string(rs[e.Start:e.End]))
			}
			if e.SentenceStart < 0 || e.SentenceStart > e.Start {
				t.Fatalf("sentence starts at %d after the number at %d", e.SentenceStart, e.Start)
			}
		}
		for _, en := range d.entities {
			if en.Start < 0 || en.End > len(rs) || en.Start >= en.End || string(rs[en.Start:en.End]) != en.Text {
				t.Fatalf("entity %+v does not match the body", en)
			}
		}
	})
}

// checkRoles: unique ids, a known role on every fact, and every part's
// PartOf a total of the same article.
func checkRoles(t *testing.T, fs []article.Fact) {
	t.Helper()
	byID := map[string]article.Fact{}
	for _, f := range fs {
		if _, dup := byID[f.ID]; dup {
			t.Fatalf("fact id %s twice", f.ID)
		}
		byID[f.ID] = f
	}
	for _, f := range fs {
		switch f.Role {
		case article.RolePart:
			if byID[f.PartOf].Role != article.RoleTotal {
				t.Fatalf("part %s of %q, which is no total", f.ID, f.PartOf)
			}
		case article.RoleTotal, article.RoleRepeat, article.RoleContext, article.RoleSuperseded:
			if f.PartOf != "" {
				t.Fatalf("%s %s has part_of %s", f.Role, f.ID, f.PartOf)
			}
		default:
			t.Fatalf("fact %s has role %q", f.ID, f.Role)
		}
	}
}
