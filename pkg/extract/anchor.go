package extract

import "github.com/casewire/casewire/pkg/article"

// anchorDate is the day relative dates (今天, 昨日, 当天, 今年) count from:
// the day the dateline names (新华社北京3月2日电 … 今天上午 is 3 March)
// when there is one, else the published date.
func anchorDate(c article.Clean) string {
	if c.DatelineDate != "" {
		return c.DatelineDate
	}
	return c.Published
}
