package warehouse

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/casewire/casewire/pkg/article"
)

func validArticle() article.Extracted {
	return article.Extracted{
		Clean: article.Clean{ID: "a-0", RawID: "a", Source: "乌海公安", Published: "2024-06-12", Body: "全市共立案131起。"},
		Facts: []article.Fact{{
			ID: "a-0:5-9", Indicator: "立案", Value: article.Num(131), Unit: "起",
			Period:   article.Period{Text: "1-5月", Start: "2024-01-01", End: "2024-05-31"},
			Evidence: article.Evidence{Sentence: "全市共立案131起。", Start: 5, End: 9, Text: "131起"},
		}},
		Entities: []article.Entity{{Kind: "place", Text: "全市", Start: 0, End: 2}},
	}
}

func TestToRowsRefusesBadData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*article.Extracted)
	}{
		{name: "no id", modify: func(e *article.Extracted) { e.ID = "" }},
		{name: "malformed published", modify: func(e *article.Extracted) { e.Published = "2024年6月12日" }},
		{name: "impossible published", modify: func(e *article.Extracted) { e.Published = "2024-13-45" }},
		{name: "published before 1970", modify: func(e *article.Extracted) { e.Published = "1965-03-01" }},
		{name: "published after 2105", modify: func(e *article.Extracted) { e.Published = "2207-01-01" }},
		{name: "malformed period start", modify: func(e *article.Extracted) { e.Facts[0].Period.Start = "2024-1-1" }},
		{name: "negative evidence offset", modify: func(e *article.Extracted) { e.Facts[0].Evidence.Start = -1 }},
		{name: "value NaN", modify: func(e *article.Extracted) { e.Facts[0].Value = article.Num(math.NaN()) }},
		{name: "change infinite", modify: func(e *article.Extracted) {
			e.Facts[0].Change = &article.Change{Basis: "同比", Value: math.Inf(-1)}
		}},
		{name: "fact without id", modify: func(e *article.Extracted) { e.Facts[0].ID = "" }},
		{name: "duplicate fact id", modify: func(e *article.Extracted) { e.Facts = append(e.Facts, e.Facts[0]) }},
		{name: "negative entity offset", modify: func(e *article.Extracted) { e.Entities[0].End = -2 }},
		{name: "index beyond UInt16", modify: func(e *article.Extracted) { e.Index = 70000 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := validArticle()
			tt.modify(&e)
			if _, err := toRows(&e, time.Now()); !errors.Is(err, ErrBadData) {
				t.Errorf("toRows: err = %v, want ErrBadData", err)
			}
		})
	}
}

func TestToRowsDates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		published     string
		wantDay       string
		wantAtUnixUTC string
	}{
		{name: "unknown", published: "", wantDay: UnknownDate, wantAtUnixUTC: "1970-01-01T00:00:00Z"},
		{name: "date only is midnight China time", published: "2024-06-12", wantDay: "2024-06-12", wantAtUnixUTC: "2024-06-11T16:00:00Z"},
		{name: "date and time in China time", published: "2024-06-12T09:30:00", wantDay: "2024-06-12", wantAtUnixUTC: "2024-06-12T01:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := validArticle()
			e.Published = tt.published
			rs, err := toRows(&e, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			day := rs.article[slices.Index(articleColumns, "published")].(time.Time)
			at := rs.article[slices.Index(articleColumns, "published_at")].(time.Time)
			if got := day.Format("2006-01-02"); got != tt.wantDay {
				t.Errorf("published = %s, want %s", got, tt.wantDay)
			}
			if got := at.UTC().Format(time.RFC3339); got != tt.wantAtUnixUTC {
				t.Errorf("published_at = %s, want %s", got, tt.wantAtUnixUTC)
			}
		})
	}
}

func TestRowsMatchColumnLists(t *testing.T) {
	t.Parallel()
	e := validArticle()
	e.Entities[0].Region = &article.Region{Code: "1503"}
	rs, err := toRows(&e, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		table   string
		columns []string
		row     []any
	}{
		{"articles", articleColumns, rs.article},
		{"facts", factColumns, rs.facts[0]},
		{"entities", entityColumns, rs.entities[0]},
	} {
		if len(c.row) != len(c.columns) {
			t.Errorf("%s: %d values for %d columns", c.table, len(c.row), len(c.columns))
		}
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want failure
	}{
		{name: "throwIf validation", err: &clickhouse.Exception{Code: 395}, want: badData},
		{name: "constraint", err: fmt.Errorf("insert: %w", &clickhouse.Exception{Code: 469}), want: badData},
		{name: "cannot parse date", err: &clickhouse.Exception{Code: 38}, want: badData},
		{name: "too many partitions", err: &clickhouse.Exception{Code: 252}, want: tooBig},
		{name: "unknown table", err: &clickhouse.Exception{Code: 60}, want: transient},
		{name: "memory limit", err: &clickhouse.Exception{Code: 241}, want: transient},
		{name: "network", err: errors.New("read: connection reset by peer"), want: transient},
		{name: "cancelled", err: fmt.Errorf("send: %w", context.Canceled), want: transient},
		{name: "driver refused a value", err: &appendError{table: "facts", err: errors.New("converting")}, want: badData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := classify(tt.err); got != tt.want {
				t.Errorf("classify(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}
