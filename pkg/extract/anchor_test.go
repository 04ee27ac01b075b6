package extract

import (
	"testing"

	"github.com/casewire/casewire/pkg/article"
)

// TestAnchorDate: relative dates count from the dateline's day when the
// dateline names one, else from the published date.
func TestAnchorDate(t *testing.T) {
	t.Parallel()
	const body = policeLead + "今天上午，两车相撞，造成2人死亡。"
	cases := []struct {
		name, published, datelineDate, want string
	}{
		{"dateline's day", "2014-03-03", "2014-03-02", "2014-03-02"},
		{"published without a dateline date", "2014-03-03", "", "2014-03-03"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := article.Clean{ID: "t", Body: body, Published: tc.published, DatelineDate: tc.datelineDate}
			if got := anchorDate(c); got != tc.want {
				t.Fatalf("anchorDate = %q, want %q", got, tc.want)
			}
			got, err := testExtractor(t).Extract(c)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			f := factFor(got, "2人")
			if f == nil {
				t.Fatalf("no fact for 2人: %+v", got.Facts)
			}
			if f.Period.Start != tc.want || f.Period.End != tc.want {
				t.Errorf("period %+v, want %s", f.Period, tc.want)
			}
		})
	}
}
