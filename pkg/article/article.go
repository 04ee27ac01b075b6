// Package article is casewire's message contract: the payloads that pass between
// the fetch, clean, extract and load stages over NATS JetStream.
//
// Every payload is JSON and carries its schema version in the field "v". The
// version is also part of every subject name (see package topology), so a v2
// contract can run beside v1 during an upgrade. A decoder refuses a payload of
// any other version with ErrUnsupportedVersion: a stage must dead-letter such a
// message, never guess at it.
//
// Ids are deterministic, so a redelivery at any hop produces the same ids, the
// same Nats-Msg-Id on publish and the same replacing key in ClickHouse:
//   - a raw article's id is a hash of its source identity (source name and URI)
//     and its bytes (RawID);
//   - a clean article split out of a page is the page's id plus its index
//     (CleanID: "<raw id>-<index>");
//   - a fact's id is the clean article's id plus the fact's span in the clean
//     body, in characters, and an ordinal when several facts share one number
//     (FactID: "<article id>:<start>-<end>[.<n>]").
//
// Offsets are counted in Unicode code points ("characters") of the clean
// article's Body, the way analysts count them with substringUTF8 in ClickHouse.
package article

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// Version is the schema version this package writes and the only one it reads.
const Version = 1

// Formats a raw article's bytes can be in; clean picks its parser from it.
const (
	FormatText       = "text"        // plain text, possibly Markdown-ish print-layout text
	FormatArticleTxt = "article-txt" // "key: value" header lines, a "---" line, then the body
	FormatHTML       = "html"        // a web page or an HTML fragment
	FormatSogou      = "sogou"       // one <doc> record of a Sogou news dump: Meta holds url, docno, title
)

// Raw is a page or record as fetched: the bytes untouched, with what the source
// says about them. Published subject: topology.SubjectRaw.
type Raw struct {
	V          int       `json:"v"`
	ID         string    `json:"id"`
	Source     string    `json:"source"`                // configured source name, e.g. "sample" or "乌海公安"
	Outlet     string    `json:"outlet,omitempty"`      // publisher when the source knows it
	RegionHint string    `json:"region_hint,omitempty"` // the source's default region, a hint for place resolution
	URI        string    `json:"uri"`                   // URL, file path, or "path#n" for the n-th record of a dump
	Format     string    `json:"format"`                // one of the Format constants
	FetchedAt  time.Time `json:"fetched_at"`
	// Charset as declared by the transport (HTTP header, dump encoding), empty if none.
	Charset     string            `json:"charset,omitempty"`
	ContentType string            `json:"content_type,omitempty"`
	Body        []byte            `json:"body"`           // base64 in JSON; any encoding
	Meta        map[string]string `json:"meta,omitempty"` // e.g. title, published, url, docno
}

// Quality is what clean found about an article's text. Articles below the
// thresholds still flow, carrying Flags; an article with no text at all is a
// dead letter instead.
type Quality struct {
	Charset          string   `json:"charset"`                  // the charset actually used to decode
	CharsetSource    string   `json:"charset_source,omitempty"` // declared, bom, meta, detected, default
	Chars            int      `json:"chars"`                    // length of Body in characters
	ReplacementShare float64  `json:"replacement_share"`        // share of characters that are U+FFFD or mis-decoded runs
	HanShare         float64  `json:"han_share"`                // share of Han characters among letters
	Flags            []string `json:"flags,omitempty"`          // e.g. "invalid-bytes", "mojibake", "not-chinese", "short"
	Edits            int      `json:"edits,omitempty"`          // normalisation edits applied (full-width, whitespace, joins)
}

// Section is a heading inside an article (a "###" subtitle on a print page)
// and the character offset in Body where the section starts.
type Section struct {
	Heading string `json:"heading"`
	Offset  int    `json:"offset"`
}

// Clean is one article, cleaned: decoded, normalised, split out of its page.
// Published subject: topology.SubjectClean.
type Clean struct {
	V          int       `json:"v"`
	ID         string    `json:"id"`
	RawID      string    `json:"raw_id"`
	Index      int       `json:"index"` // position in the page, from 0
	Source     string    `json:"source"`
	Outlet     string    `json:"outlet,omitempty"`
	RegionHint string    `json:"region_hint,omitempty"` // the source's default region, carried for extract
	URI        string    `json:"uri"`
	FetchedAt  time.Time `json:"fetched_at"`
	Title      string    `json:"title,omitempty"`
	Subtitle   string    `json:"subtitle,omitempty"`
	Byline     string    `json:"byline,omitempty"`   // authors as printed: "张学俭", "记者 汤一亮 庄胜春"
	Dateline   string    `json:"dateline,omitempty"` // "兴安讯", "本报讯", "新华社北京6月12日电"
	// DatelineDate is the day the dateline names (新华社北京3月2日电), as
	// YYYY-MM-DD, its year taken from Published; empty when it names none.
	// Relative dates (今天上午) are read against it before Published.
	DatelineDate string `json:"dateline_date,omitempty"`
	// Published is the publication date as YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS
	// in China time when the source gives a time; empty when unknown.
	Published string    `json:"published,omitempty"`
	Sections  []Section `json:"sections,omitempty"`
	Captions  []string  `json:"captions,omitempty"`
	Body      string    `json:"body"` // paragraphs separated by "\n"
	Quality   Quality   `json:"quality"`
}

// Region is a place resolved to China's administrative divisions (GB/T 2260).
// Code is empty when the text named a place that could not be decided; Status
// says why.
type Region struct {
	Text       string `json:"text,omitempty"`  // as written: "该市", "乌海", "海勃湾分局"
	Name       string `json:"name,omitempty"`  // canonical: "乌海市"
	Code       string `json:"code,omitempty"`  // "1503"
	Level      string `json:"level,omitempty"` // province, prefecture, county, township
	Province   string `json:"province,omitempty"`
	Prefecture string `json:"prefecture,omitempty"`
	County     string `json:"county,omitempty"`
	Township   string `json:"township,omitempty"`
	Status     string `json:"status,omitempty"` // resolved, ambiguous, unknown, none, foreign
	// Country is the country of a place abroad (Status "foreign"): such a
	// region never carries a Chinese division code.
	Country string `json:"country,omitempty"`
}

// Period is when a fact holds. Start and End are YYYY-MM-DD, set only when the
// text (with the article's published date) fixes them; otherwise left empty.
type Period struct {
	Text  string `json:"text,omitempty"`
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Change is a comparison attached to a fact: "同比下降68.05%".
type Change struct {
	Basis     string  `json:"basis"`     // 同比, 环比, 较去年同期 ...
	Direction string  `json:"direction"` // up, down, flat
	Value     float64 `json:"value"`     // signed: -68.05
	Unit      string  `json:"unit"`      // "%" or "pp" (percentage points), or a count unit (减少3人)
	// CountValue and CountUnit hold the absolute form when the text gives
	// both (同比减少12起，下降12.1%): Value and Unit are then the relative one.
	CountValue *float64 `json:"count_value,omitempty"` // signed: -12
	CountUnit  string   `json:"count_unit,omitempty"`  // 起
}

// Evidence points a fact at its sentence. Start and End are the character
// offsets of the number's text in the clean Body; SentenceStart is where the
// sentence starts.
type Evidence struct {
	Sentence      string `json:"sentence"`
	SentenceStart int    `json:"sentence_start"`
	Start         int    `json:"start"`
	End           int    `json:"end"`
	Text          string `json:"text"` // the number as written: "131起", "1200多户"
}

// Fact is one number with its meaning.
type Fact struct {
	ID        string `json:"id"`
	Subject   string `json:"subject,omitempty"`   // what was counted: 盗抢骗案件, 犯罪嫌疑人
	Indicator string `json:"indicator,omitempty"` // the measure: 立案, 破案率, 抓获, 死亡
	Category  string `json:"category,omitempty"`  // canonical taxonomy key: theft-robbery-fraud, traffic-accident ...
	// Value is the figure, scaled: 12.8万头 -> 128000. Nil (JSON null) when the
	// text states only a change (刑事警情同比下降9.2%): the change is then in
	// Change, never in Value.
	Value  *float64 `json:"value"`
	Unit   string   `json:"unit,omitempty"`   // 起, 人, %, 元 ...
	Approx string   `json:"approx,omitempty"` // 多, 余, 近, 约, 左右, 超过, 逾
	Change *Change  `json:"change,omitempty"`
	Period Period   `json:"period"`
	Region Region   `json:"region"`
	Org    string   `json:"org,omitempty"` // 乌海市公安局海勃湾分局
	// Role says how the fact adds up with the others of its article (one of
	// the Role constants); empty in messages from extractors that predate it.
	Role string `json:"role,omitempty"`
	// PartOf is the id of the total a part breaks down (Role "part").
	PartOf   string   `json:"part_of,omitempty"`
	Evidence Evidence `json:"evidence"`
}

// Roles of a fact. An analyst sums the facts whose role is RoleTotal.
const (
	RoleTotal      = "total"      // the figure to sum: one per distinct quantity of the report
	RolePart       = "part"       // a breakdown of a total (其中…), PartOf names it
	RoleRepeat     = "repeat"     // the same quantity stated again (title and body, lead and end)
	RoleContext    = "context"    // background: other or earlier events, national or annual figures
	RoleSuperseded = "superseded" // an earlier figure of a toll the report updates
)

// Num returns a pointer to v, for Fact.Value.
func Num(v float64) *float64 { return &v }

// ValueOr returns the fact's value, or def when it has none.
func (f Fact) ValueOr(def float64) float64 {
	if f.Value == nil {
		return def
	}
	return *f.Value
}

// Entity is a place, police organisation or person named in an article.
type Entity struct {
	Kind   string  `json:"kind"` // place, org, person
	Text   string  `json:"text"`
	Start  int     `json:"start"` // character offsets in Body
	End    int     `json:"end"`
	Region *Region `json:"region,omitempty"` // for places and organisations with a jurisdiction
}

// Extracted is a clean article with what extract found in it.
// Published subject: topology.SubjectExtracted.
type Extracted struct {
	Clean
	Extractor string `json:"extractor"` // extractor version, e.g. "1.0.0"
	// ExtractedAt is when extract produced this message (whole seconds, UTC).
	// The warehouse versions rows by it rather than by load time, so every load
	// of one message, complete or cut short, writes the same rows. Zero in
	// messages from extractors that predate it.
	ExtractedAt    time.Time `json:"extracted_at,omitzero"`
	PublicSecurity bool      `json:"public_security"`
	IncidentType   string    `json:"incident_type,omitempty"`
	Region         Region    `json:"region"` // the article's main place
	Facts          []Fact    `json:"facts"`
	Entities       []Entity  `json:"entities"`
}

// RawID is the deterministic id of a raw article: the source identity and the
// bytes, so the same page fetched twice has one id and a changed page a new one.
func RawID(source, uri string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(source))
	h.Write([]byte{0})
	h.Write([]byte(uri))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// CleanID is the id of the index-th article split out of a raw page.
func CleanID(rawID string, index int) string {
	return fmt.Sprintf("%s-%d", rawID, index)
}

// FactID is the id of a fact spanning [start, end) characters of an article's
// body; n tells apart facts that share a span (coordination), 0 for the first.
func FactID(articleID string, start, end, n int) string {
	if n == 0 {
		return fmt.Sprintf("%s:%d-%d", articleID, start, end)
	}
	return fmt.Sprintf("%s:%d-%d.%d", articleID, start, end, n)
}
