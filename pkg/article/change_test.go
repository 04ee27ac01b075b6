package article_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/casewire/casewire/pkg/article"
)

// TestChangeOnlyFact pins how a change stated alone travels: value null, the
// change with both its forms, and back again unchanged.
func TestChangeOnlyFact(t *testing.T) {
	count := -12.0
	e := article.Extracted{
		Clean: article.Clean{V: article.Version, ID: "r-0", RawID: "r", Source: "s", URI: "u", Body: "火灾同比减少12起，下降12.1%。"},
		Facts: []article.Fact{{
			ID: article.FactID("r-0", 8, 13, 0), Subject: "火灾", Indicator: "接报",
			Change: &article.Change{Basis: "同比", Direction: "down", Value: -12.1, Unit: "%", CountValue: &count, CountUnit: "起"},
		}},
		Entities: []article.Entity{},
	}
	b, err := article.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"value":null`, `"change":{"basis":"同比","direction":"down","value":-12.1,"unit":"%","count_value":-12,"count_unit":"起"}`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("encoding %s lacks %s", b, want)
		}
	}
	var back article.Extracted
	if err := article.Decode(b, &back); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if !reflect.DeepEqual(back.Facts, e.Facts) {
		t.Errorf("decoded facts %+v, want %+v", back.Facts, e.Facts)
	}
	// A change with one form encodes as before: no count fields.
	e.Facts[0].Change.CountValue, e.Facts[0].Change.CountUnit = nil, ""
	if b, _ := article.Encode(e); bytes.Contains(b, []byte("count_")) {
		t.Errorf("a one-form change encodes count fields: %s", b)
	}
}
