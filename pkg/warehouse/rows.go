package warehouse

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/casewire/casewire/pkg/article"
)

// UnknownDate is stored for a date the source or the extractor did not give:
// ClickHouse's day zero, not NULL. Views and cookbook queries test
// "> '1970-01-01'".
const UnknownDate = "1970-01-01"

func unknown() time.Time { return time.Unix(0, 0).UTC() }

// lastDate is the last day every supported release can compute with in a Date.
func lastDate() time.Time { return time.Date(2105, 12, 31, 0, 0, 0, 0, time.UTC) }

// chinaTime is the zone of the contract's publication times.
func chinaTime() *time.Location { return time.FixedZone("CST", 8*3600) }

// ErrBadData marks rows refused before they reach ClickHouse; they are
// returned in Write's rejected map like the rows the server refuses.
var ErrBadData = errors.New("bad data")

// Column lists, in the order the values functions produce them. Every INSERT
// names its columns: ClickHouse 18.16 over the native protocol needs that.
var (
	articleColumns = []string{
		"article_id", "raw_id", "article_index", "source", "outlet", "uri", "fetched_at",
		"title", "subtitle", "byline", "dateline", "published", "published_at", "published_text",
		"section_headings", "section_offsets", "captions",
		"region_text", "region_name", "region_code", "region_level", "region_province",
		"region_prefecture", "region_county", "region_township", "region_status",
		"incident_type", "public_security", "charset", "charset_source", "chars",
		"replacement_share", "han_share", "quality_flags", "edits", "body",
		"fact_count", "entity_count", "extractor", "extractor_rank", "ingested_at", "version",
	}
	factColumns = []string{
		"fact_id", "article_id", "subject", "indicator", "category", "value", "unit", "approx",
		"has_change", "change_basis", "change_direction", "change_value", "change_unit",
		"change_count_value", "change_count_unit",
		"period_text", "period_start", "period_end",
		"region_text", "region_name", "region_code", "region_level", "region_province",
		"region_prefecture", "region_county", "region_township", "region_status",
		"org", "evidence_sentence", "evidence_sentence_start", "evidence_start", "evidence_end", "evidence_text",
		"extractor", "ingested_at", "version", "published", "source", "outlet",
		"role", "part_of",
	}
	entityColumns = []string{
		"article_id", "kind", "text", "start_pos", "end_pos", "has_region",
		"region_text", "region_name", "region_code", "region_level", "region_province",
		"region_prefecture", "region_county", "region_township", "region_status",
		"extractor", "ingested_at", "version", "published", "source",
	}
)

// rowSet is one article turned into table rows, ready to append.
type rowSet struct {
	article  []any
	facts    [][]any
	entities [][]any
}

// toRows converts one extracted article into rows for a load at loadedAt. It
// refuses what ClickHouse would store wrongly or not at all: dates it cannot
// hold, malformed dates, negative offsets, non-finite numbers, duplicate fact
// ids.
func toRows(e *article.Extracted, loadedAt time.Time) (rowSet, error) {
	if e.ID == "" {
		return rowSet{}, fmt.Errorf("%w: article has no id", ErrBadData)
	}
	published, publishedAt, err := parsePublished(e.Published)
	if err != nil {
		return rowSet{}, fmt.Errorf("%w: article %s: %w", ErrBadData, e.ID, err)
	}
	rank := ExtractorRank(e.Extractor)
	// Messages from extractors that predate extracted_at fall back to the
	// load time; then two loads of one message differ in version.
	extractedAt := e.ExtractedAt
	if extractedAt.IsZero() {
		extractedAt = loadedAt
	}
	version := RowVersion(rank, extractedAt)
	ingested := loadedAt.UTC().Truncate(time.Second)

	headings := make([]string, len(e.Sections))
	offsets := make([]uint32, len(e.Sections))
	for i, s := range e.Sections {
		headings[i] = s.Heading
		if offsets[i], err = offset(s.Offset, "section offset"); err != nil {
			return rowSet{}, fmt.Errorf("%w: article %s: %w", ErrBadData, e.ID, err)
		}
	}
	chars, err := offset(e.Quality.Chars, "quality chars")
	if err != nil {
		return rowSet{}, fmt.Errorf("%w: article %s: %w", ErrBadData, e.ID, err)
	}
	edits, err := offset(e.Quality.Edits, "quality edits")
	if err != nil {
		return rowSet{}, fmt.Errorf("%w: article %s: %w", ErrBadData, e.ID, err)
	}
	index, err := offset(e.Index, "index")
	if err != nil || index > math.MaxUint16 {
		return rowSet{}, fmt.Errorf("%w: article %s: index %d out of range", ErrBadData, e.ID, e.Index)
	}

	var rs rowSet
	seen := make(map[string]bool, len(e.Facts))
	for i := range e.Facts {
		f := &e.Facts[i]
		if seen[f.ID] {
			return rowSet{}, fmt.Errorf("%w: article %s: fact id %q twice", ErrBadData, e.ID, f.ID)
		}
		seen[f.ID] = true
		row, err := factRow(f, e, published, ingested, version)
		if err != nil {
			return rowSet{}, fmt.Errorf("%w: article %s: fact %q: %w", ErrBadData, e.ID, f.ID, err)
		}
		rs.facts = append(rs.facts, row)
	}
	for i := range e.Entities {
		row, err := entityRow(&e.Entities[i], e, published, ingested, version)
		if err != nil {
			return rowSet{}, fmt.Errorf("%w: article %s: entity %d: %w", ErrBadData, e.ID, i, err)
		}
		rs.entities = append(rs.entities, row)
	}

	r := e.Region
	rs.article = []any{
		e.ID, e.RawID, uint16(index), e.Source, e.Outlet, e.URI, clampDateTime(e.FetchedAt),
		e.Title, e.Subtitle, e.Byline, e.Dateline, published, publishedAt, e.Published,
		headings, offsets, nonNil(e.Captions),
		r.Text, r.Name, r.Code, r.Level, r.Province,
		r.Prefecture, r.County, r.Township, r.Status,
		e.IncidentType, boolUint8(e.PublicSecurity), e.Quality.Charset, e.Quality.CharsetSource, chars,
		finite32(e.Quality.ReplacementShare), finite32(e.Quality.HanShare), nonNil(e.Quality.Flags), edits, e.Body,
		uint32(len(rs.facts)), uint32(len(rs.entities)), e.Extractor, rank, ingested, version,
	}
	return rs, nil
}

func factRow(f *article.Fact, e *article.Extracted, published, ingested time.Time, version uint64) ([]any, error) {
	if f.ID == "" {
		return nil, errors.New("fact has no id")
	}
	// A fact that states only a change has no value: NULL, never 0 or the
	// change, so sums and latest rates leave it out.
	value := f.Value
	if value != nil && (math.IsNaN(*value) || math.IsInf(*value, 0)) {
		return nil, fmt.Errorf("value %v is not a number", *value)
	}
	var hasChange uint8
	var ch article.Change
	if f.Change != nil {
		hasChange, ch = 1, *f.Change
		if math.IsNaN(ch.Value) || math.IsInf(ch.Value, 0) {
			return nil, fmt.Errorf("change value %v is not a number", ch.Value)
		}
		if c := ch.CountValue; c != nil && (math.IsNaN(*c) || math.IsInf(*c, 0)) {
			return nil, fmt.Errorf("change count value %v is not a number", *c)
		}
	}
	start, err := parseDate(f.Period.Start, "period start")
	if err != nil {
		return nil, err
	}
	end, err := parseDate(f.Period.End, "period end")
	if err != nil {
		return nil, err
	}
	ev := f.Evidence
	var pos [3]uint32
	for i, p := range []struct {
		v    int
		what string
	}{{ev.SentenceStart, "evidence sentence start"}, {ev.Start, "evidence start"}, {ev.End, "evidence end"}} {
		if pos[i], err = offset(p.v, p.what); err != nil {
			return nil, err
		}
	}
	r := f.Region
	return []any{
		f.ID, e.ID, f.Subject, f.Indicator, f.Category, value, f.Unit, f.Approx,
		hasChange, ch.Basis, ch.Direction, ch.Value, ch.Unit,
		ch.CountValue, ch.CountUnit,
		f.Period.Text, start, end,
		r.Text, r.Name, r.Code, r.Level, r.Province,
		r.Prefecture, r.County, r.Township, r.Status,
		f.Org, ev.Sentence, pos[0], pos[1], pos[2], ev.Text,
		e.Extractor, ingested, version, published, e.Source, e.Outlet,
		f.Role, f.PartOf,
	}, nil
}

func entityRow(en *article.Entity, e *article.Extracted, published, ingested time.Time, version uint64) ([]any, error) {
	start, err := offset(en.Start, "start")
	if err != nil {
		return nil, err
	}
	end, err := offset(en.End, "end")
	if err != nil {
		return nil, err
	}
	var r article.Region
	var hasRegion uint8
	if en.Region != nil {
		r, hasRegion = *en.Region, 1
	}
	return []any{
		e.ID, en.Kind, en.Text, start, end, hasRegion,
		r.Text, r.Name, r.Code, r.Level, r.Province,
		r.Prefecture, r.County, r.Township, r.Status,
		e.Extractor, ingested, version, published, e.Source,
	}, nil
}

// parsePublished reads "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (China time)
// into a Date and a DateTime; empty is the unknown date for both.
func parsePublished(s string) (day, at time.Time, err error) {
	if s == "" {
		return unknown(), unknown(), nil
	}
	if len(s) == len("2006-01-02") {
		day, err := parseDate(s, "published")
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		return day, time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, chinaTime()), nil
	}
	at, err = time.ParseInLocation("2006-01-02T15:04:05", s, chinaTime())
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("published %q: want YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS", s)
	}
	day, err = parseDate(s[:10], "published")
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return day, at, nil
}

// parseDate reads YYYY-MM-DD; empty is the unknown date. Dates a Date column cannot
// hold are refused rather than wrapped around.
func parseDate(s, what string) (time.Time, error) {
	if s == "" {
		return unknown(), nil
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want YYYY-MM-DD", what, s)
	}
	if !d.After(unknown()) || d.After(lastDate()) {
		return time.Time{}, fmt.Errorf("%s %s outside 1970-01-02..2105-12-31", what, s)
	}
	return d, nil
}

func offset(v int, what string) (uint32, error) {
	if v < 0 || v > math.MaxUint32 {
		return 0, fmt.Errorf("%s %d out of range", what, v)
	}
	return uint32(v), nil
}

// clampDateTime keeps a timestamp inside DateTime's range; fetched_at is
// informational, so an odd clock is not worth refusing an article for.
func clampDateTime(t time.Time) time.Time {
	switch {
	case t.Before(unknown()):
		return unknown()
	case t.Unix() > math.MaxUint32:
		return time.Unix(math.MaxUint32, 0).UTC()
	}
	return t.UTC()
}

func finite32(v float64) float32 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return float32(v)
}

func boolUint8(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func insertQuery(db, table string, columns []string) string {
	return "INSERT INTO " + db + "." + table + " (" + strings.Join(columns, ", ") + ")"
}
