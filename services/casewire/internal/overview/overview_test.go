package overview

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteAlignsChinese(t *testing.T) {
	o := Overview{Database: "casewire", Articles: 3, Facts: 12, ByIndicator: []Row{
		{Indicator: "立案", Region: "乌海市", Facts: 4, Articles: 1},
		{Indicator: "破案率", Region: "(unresolved)", Facts: 12, Articles: 3},
	}}
	var b bytes.Buffer
	o.Write(&b)
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	table := lines[len(lines)-4:]
	o.Totals = []Total{{Indicator: "死亡", Unit: "人", Total: 14, Articles: 2}, {Indicator: "挽回", Unit: "元", Total: 1.8e7, Articles: 1}}
	b.Reset()
	o.Write(&b)
	if !strings.Contains(b.String(), "18000000") {
		t.Errorf("a total is printed in full, not in exponent form:\n%s", b.String())
	}
	lines = strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	totals := lines[len(lines)-4:]
	if w := displayWidth(totals[0]); displayWidth(totals[1]) != w || displayWidth(totals[3]) != w {
		t.Errorf("totals table not aligned:\n%s", b.String())
	}
	// Every row ends at the same terminal column: the numbers line up.
	want := displayWidth(table[0])
	for _, l := range table[1:] {
		if got := displayWidth(l); got != want {
			t.Errorf("row %q is %d columns wide, header %d\n%s", l, got, want, b.String())
		}
	}
	if !strings.Contains(lines[0], "3 articles, 12 facts") {
		t.Errorf("summary line: %q", lines[0])
	}
}

func TestDisplayWidth(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{{"abc", 3}, {"乌海市", 6}, {"立案131起", 9}, {"（）", 4}, {"", 0}} {
		if got := displayWidth(tc.s); got != tc.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}
