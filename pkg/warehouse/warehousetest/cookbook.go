package warehousetest

import (
	"fmt"
	"slices"
	"strings"
)

// AnyValue matches every value: for columns that depend on the clock.
const AnyValue = "*"

// CookbookWant returns what each cookbook query gives on Batch with
// Divisions, loaded once or more, worked out by hand from the fixtures.
// facts-with-evidence has no fixed answer: check it with CheckEvidence.
func CookbookWant() map[string][][]string {
	return map[string][][]string{
		"filings-by-region-month": {
			{"2023-05-01 00:00:00", "1503", "乌海市", "theft-robbery-fraud", "410", "1", "1"},
			{"2024-05-01 00:00:00", "1501", "呼和浩特市", "theft-robbery-fraud", "300", "1", "1"},
			// Wuhai's 131 filings come from its own paper and a reprint: one statistic, two reports.
			{"2024-05-01 00:00:00", "1503", "乌海市", "theft-robbery-fraud", "131", "1", "2"},
		},
		"clearance-rate-trend": {
			{"1501", "呼和浩特市", "theft-robbery-fraud", "2024-01-01 00:00:00", "2024-05-31 00:00:00", "78.2", "1", "呼和浩特公安", "2024-06-15 00:00:00"},
			{"1503", "乌海市", "theft-robbery-fraud", "2023-01-01 00:00:00", "2023-05-31 00:00:00", "80", "1", "乌海公安", "2023-06-10 00:00:00"},
			{"1503", "乌海市", "theft-robbery-fraud", "2024-01-01 00:00:00", "2024-05-31 00:00:00", "85.5", "2", "乌海公安", "2024-06-12 00:00:00"},
		},
		"year-on-year": {
			{"1503", "乌海市", "破案率", "盗抢骗案件", "theft-robbery-fraud", "%", "2024-01-01 00:00:00", "2024-05-31 00:00:00", "85.5", "80", "6.88", "5.5"},
			// (131-410)/410 is the -68.05% the article reports itself.
			{"1503", "乌海市", "立案", "盗抢骗案件", "theft-robbery-fraud", "起", "2024-01-01 00:00:00", "2024-05-31 00:00:00", "131", "410", "-68.05", "0"},
		},
		"reported-changes": {
			{"2024-06-12 00:00:00", "1503", "乌海市", "立案", "盗抢骗案件", "131", "起", "同比", "down", "-68.05", "%", "NULL", "", "本报讯 1-5月，全市共立案盗抢骗案件131起，同比下降68.05%。"},
			{"2024-06-13 00:00:00", "1503", "乌海市", "立案", "盗抢骗案件", "131", "起", "同比", "down", "-68.05", "%", "NULL", "", "乌海讯 1-5月，乌海市共立案盗抢骗案件131起，同比下降68.05%，破案率达到85.5%。"},
		},
		"top-categories": {
			{"theft-robbery-fraud", "7", "9", "2"},
			{"telecom-fraud", "3", "3", "1"},
			{"traffic-accident", "2", "2", "1"},
		},
		"feed-freshness": {
			{"乌海公安", "4", "2024-06-20 00:00:00", "2024-07-01 00:00:01", AnyValue, "0", "10"},
			{"内蒙古新闻网", "2", "2024-06-13 00:00:00", "2024-07-01 00:00:01", AnyValue, "1", "2"},
			{"呼和浩特公安", "1", "2024-06-15 00:00:00", "2024-07-01 00:00:01", AnyValue, "0", "2"},
		},
		"facts-by-province": {
			{"内蒙古自治区", "12", "0", "7", "5", "14", "4"},
		},
		"filings-by-prefecture": {
			{"2023-05-01 00:00:00", "乌海市", "410", "0"},
			{"2024-05-01 00:00:00", "乌海市", "131", "0"},
			{"2024-05-01 00:00:00", "呼和浩特市", "300", "0"},
		},
		"prefecture-counties": {
			{"150302", "海勃湾区", "3", "3", "抓获,挽回,破获"},
			{"150303", "海南区", "0", "0", ""},
			{"150304", "乌达区", "2", "2", "发生,死亡"},
		},
		"reprinted-statistics": {
			{"乌海市", "破案率", "盗抢骗案件", "85.5", "%", "1-5月", "2", "乌海公安", "乌海日报", "2024-06-12 00:00:00"},
			{"乌海市", "立案", "盗抢骗案件", "131", "起", "1-5月", "2", "乌海公安", "乌海日报", "2024-06-12 00:00:00"},
		},
		"latest-rates": {
			{"2023-05-01 00:00:00", "1503", "乌海市", "破案率", "theft-robbery-fraud", "80", "1"},
			{"2024-05-01 00:00:00", "1501", "呼和浩特市", "破案率", "theft-robbery-fraud", "78.2", "1"},
			{"2024-05-01 00:00:00", "1503", "乌海市", "破案率", "theft-robbery-fraud", "85.5", "1"},
		},
		"tolls-by-province-month": {
			// Wuda's 2 dead: the one toll in the feed.
			{"2024-06-01 00:00:00", "内蒙古自治区", "死亡", "2", "1"},
		},
		"report-totals-with-facts": {
			{"21836501dd6a815c34b87edc-0", "抓获", "20", "21836501dd6a815c34b87edc-0:34-37", "20", "20人", "本报讯 5月，海勃湾分局共破获电信网络诈骗案件12起，抓获犯罪嫌疑人20人，为群众挽回经济损失35.6万元。"},
			{"6f6987e138c09f91c8d0de0c-0", "抓获", "56", "6f6987e138c09f91c8d0de0c-0:54-57", "56", "56人", "破案率达到85.5%，抓获犯罪嫌疑人56人。"},
			{"a2b0a681333ff39632b4bf70-0", "死亡", "2", "a2b0a681333ff39632b4bf70-0:23-25", "2", "2人", "本报讯 5月，乌达区发生道路交通事故3起，死亡2人。"},
		},
		"articles-by-incident-type": {
			{"2023-06-01 00:00:00", "statistics", "1", "2"},
			{"2024-06-01 00:00:00", "statistics", "4", "10"},
			{"2024-06-01 00:00:00", "traffic-accident", "1", "2"},
		},
		"top-outlets": {
			// 乌海公安's four articles, all printed by 乌海日报; the notice with no outlet is left out.
			{"乌海日报", "4", "10", "4", "2023-06-10 00:00:00", "2024-06-20 00:00:00"},
			{"内蒙古日报", "1", "2", "1", "2024-06-13 00:00:00", "2024-06-13 00:00:00"},
			{"呼和浩特日报", "1", "2", "1", "2024-06-15 00:00:00", "2024-06-15 00:00:00"},
		},
	}
}

// CheckEvidence checks the rows of the facts-with-evidence query against the
// fixtures' bodies: every fact is there, and its number's text is where its
// offsets say.
func CheckEvidence(rows [][]string) error {
	bodies := map[string][]rune{}
	facts := 0
	for _, a := range Batch() {
		bodies[a.ID] = []rune(a.Body)
		facts += len(a.Facts)
	}
	if len(rows) != facts {
		return fmt.Errorf("facts-with-evidence returned %d rows, want %d", len(rows), facts)
	}
	for _, r := range rows {
		// published, source, region_name, indicator, subject, value, unit,
		// evidence_text, evidence_start, evidence_end, sentence, title, uri, fact_id
		factID := r[13]
		articleID, _, _ := strings.Cut(factID, ":")
		body := bodies[articleID]
		var start, end int
		if _, err := fmt.Sscan(r[8], &start); err != nil {
			return fmt.Errorf("evidence_start %q: %w", r[8], err)
		}
		if _, err := fmt.Sscan(r[9], &end); err != nil {
			return fmt.Errorf("evidence_end %q: %w", r[9], err)
		}
		if start < 0 || start > end || end > len(body) || string(body[start:end]) != r[7] {
			return fmt.Errorf("fact %s: body[%d:%d] is not %q", factID, start, end, r[7])
		}
	}
	return nil
}

// MatchRows compares query rows with wanted ones; AnyValue matches any value,
// and a wanted "YYYY-MM-DD 00:00:00" matches a got "YYYY-MM-DD" (clients print
// Date columns either way).
func MatchRows(got, want [][]string) bool {
	return slices.EqualFunc(got, want, func(g, w []string) bool {
		return slices.EqualFunc(g, w, func(gv, wv string) bool { return wv == AnyValue || gv == wv || gv+" 00:00:00" == wv })
	})
}
