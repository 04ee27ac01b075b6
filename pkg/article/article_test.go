package article_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/article"
)

var update = flag.Bool("update", false, "rewrite golden payloads")

func examples() map[string]any {
	fetched := time.Date(2024, 7, 2, 8, 30, 0, 0, time.UTC)
	body := []byte("今年1月至4月，该市“盗抢骗”案件立案131起，同比下降68.05%。")
	raw := article.Raw{
		V: article.Version, Source: "乌海公安", Outlet: "内蒙古法制报", RegionHint: "乌海市",
		URI: "file:///feed/seed.txt", Format: article.FormatText, FetchedAt: fetched,
		Charset: "utf-8", ContentType: "text/plain", Body: body,
		Meta: map[string]string{"published": "2024-07-01"},
	}
	raw.ID = article.RawID(raw.Source, raw.URI, raw.Body)
	clean := article.Clean{
		V: article.Version, ID: article.CleanID(raw.ID, 0), RawID: raw.ID, Index: 0,
		Source: raw.Source, Outlet: raw.Outlet, RegionHint: raw.RegionHint, URI: raw.URI, FetchedAt: fetched,
		Title: "乌海公安:聚焦“小案件” 服务“大民生”", Byline: "张学俭", Published: "2024-07-01",
		Sections: []article.Section{{Heading: "建好用好“1个中心”", Offset: 36}},
		Captions: []string{"常态化巡逻。"},
		Body:     string(body),
		Quality:  article.Quality{Charset: "utf-8", CharsetSource: "declared", Chars: 36, HanShare: 0.9},
	}
	wuhai := article.Region{Text: "该市", Name: "乌海市", Code: "1503", Level: "prefecture", Province: "内蒙古自治区", Prefecture: "乌海市", Status: "resolved"}
	ex := article.Extracted{
		Clean: clean, Extractor: "1.0.0", ExtractedAt: fetched.Add(90 * time.Second), PublicSecurity: true, IncidentType: "theft-robbery-fraud", Region: wuhai,
		Facts: []article.Fact{{
			ID: article.FactID(clean.ID, 23, 27, 0), Subject: "盗抢骗案件", Indicator: "立案", Category: "theft-robbery-fraud",
			Value: article.Num(131), Unit: "起", Change: &article.Change{Basis: "同比", Direction: "down", Value: -68.05, Unit: "%"},
			Period: article.Period{Text: "今年1月至4月", Start: "2024-01-01", End: "2024-04-30"},
			Region: wuhai, Org: "乌海市公安局",
			Evidence: article.Evidence{Sentence: clean.Body, SentenceStart: 0, Start: 23, End: 27, Text: "131起"},
		}},
		Entities: []article.Entity{{Kind: "place", Text: "该市", Start: 7, End: 9, Region: &wuhai}},
	}
	return map[string]any{"raw.json": raw, "clean.json": clean, "extracted.json": ex}
}

// TestGoldenV1 pins the v1 wire format: a renamed or retyped field changes
// the encoding and fails here, and every golden payload must decode back to
// the same value.
func TestGoldenV1(t *testing.T) {
	for name, msg := range examples() {
		t.Run(name, func(t *testing.T) {
			got, err := article.Encode(msg)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "v1", name)
			if *update {
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create)", err)
			}
			if !bytes.Equal(bytes.TrimSpace(want), got) {
				t.Errorf("encoding changed; v1 payloads must stay stable\n got: %s\nwant: %s", got, want)
			}
			back := reflect.New(reflect.TypeOf(msg))
			if err := article.Decode(want, back.Interface()); err != nil {
				t.Fatalf("decode golden: %v", err)
			}
			if !reflect.DeepEqual(back.Elem().Interface(), msg) {
				t.Errorf("golden payload decodes to a different value")
			}
		})
	}
}

// TestExtractedAtIsOptional: extracted messages written before extracted_at
// existed still decode, with a zero time (the warehouse then versions by load
// time).
func TestExtractedAtIsOptional(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "v1", "extracted.json"))
	if err != nil {
		t.Fatal(err)
	}
	old := regexp.MustCompile(`"extracted_at":"[^"]*",`).ReplaceAll(golden, nil)
	if bytes.Equal(old, golden) {
		t.Fatal("the golden extracted payload has no extracted_at to remove")
	}
	var e article.Extracted
	if err := article.Decode(old, &e); err != nil {
		t.Fatalf("decode a payload without extracted_at: %v", err)
	}
	if !e.ExtractedAt.IsZero() {
		t.Errorf("ExtractedAt = %v, want zero", e.ExtractedAt)
	}
	again, err := article.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(again, []byte("extracted_at")) {
		t.Errorf("a zero ExtractedAt is encoded: %s", again)
	}
}

func TestDecodeRejects(t *testing.T) {
	cases := []struct {
		name    string
		payload string
		want    error
	}{
		{"empty", ``, article.ErrInvalid},
		{"not json", `<doc>`, article.ErrInvalid},
		{"array", `[1,2]`, article.ErrInvalid},
		{"no version", `{"id":"a","source":"s","uri":"u"}`, article.ErrInvalid},
		{"future version", `{"v":2,"id":"a","source":"s","uri":"u"}`, article.ErrUnsupportedVersion},
		{"version zero", `{"v":0}`, article.ErrUnsupportedVersion},
		{"unknown field", `{"v":1,"id":"a","source":"s","uri":"u","extra":true}`, article.ErrInvalid},
		{"missing id", `{"v":1,"source":"s","uri":"u"}`, article.ErrInvalid},
		{"wrong type", `{"v":1,"id":5,"source":"s","uri":"u"}`, article.ErrInvalid},
		{"trailing garbage", `{"v":1,"id":"a","source":"s","uri":"u"}}`, article.ErrInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r article.Raw
			err := article.Decode([]byte(tc.payload), &r)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode(%q) = %v, want %v", tc.payload, err, tc.want)
			}
		})
	}
}

func TestIDsAreDeterministic(t *testing.T) {
	a := article.RawID("src", "file:///a.txt", []byte("正文"))
	if a != article.RawID("src", "file:///a.txt", []byte("正文")) {
		t.Fatal("same input, different raw id")
	}
	for _, other := range []string{
		article.RawID("src2", "file:///a.txt", []byte("正文")),
		article.RawID("src", "file:///b.txt", []byte("正文")),
		article.RawID("src", "file:///a.txt", []byte("正文。")),
		// The separator keeps ("ab","c") apart from ("a","bc").
		article.RawID("sr", "cfile:///a.txt", []byte("正文")),
	} {
		if other == a {
			t.Errorf("different input gave the same raw id %s", a)
		}
	}
	if got := article.CleanID("abc", 2); got != "abc-2" {
		t.Errorf("CleanID = %q", got)
	}
	if got := article.FactID("abc-2", 10, 14, 0); got != "abc-2:10-14" {
		t.Errorf("FactID = %q", got)
	}
	if got := article.FactID("abc-2", 10, 14, 1); got != "abc-2:10-14.1" {
		t.Errorf("FactID n=1 = %q", got)
	}
}

// FuzzDecode: Decode never panics, and whatever it accepts re-encodes to a
// payload it accepts again.
func FuzzDecode(f *testing.F) {
	for _, msg := range examples() {
		b, _ := article.Encode(msg)
		f.Add(b)
	}
	f.Add([]byte(`{"v":2}`))
	f.Add([]byte(`{"v":1,"id":"a","source":"s","uri":"u","body":"!!"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r article.Raw
		if err := article.Decode(data, &r); err != nil {
			return
		}
		b, err := article.Encode(r)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		var again article.Raw
		if err := article.Decode(b, &again); err != nil {
			t.Fatalf("re-decode of accepted payload: %v", err)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "v1", "extracted.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var e article.Extracted
		if err := article.Decode(data, &e); err != nil {
			b.Fatal(err)
		}
	}
}
