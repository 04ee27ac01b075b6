package extract

import (
	"fmt"
	"os"
	"testing"
)

// TestDump prints the extraction of testdata/$DUMP.txt for a quick look:
// DUMP=seed-wuhai go test -run TestDump -v .
func TestDump(t *testing.T) {
	name := os.Getenv("DUMP")
	if name == "" {
		t.Skip()
	}
	x := testExtractor(t)
	c := loadArticle(t, name)
	got, err := x.Extract(c)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("PS", got.PublicSecurity, "incident", got.IncidentType)
	for _, f := range got.Facts {
		ch := ""
		if f.Change != nil {
			ch = fmt.Sprintf(" CH{%s %s %v %s}", f.Change.Basis, f.Change.Direction, f.Change.Value, f.Change.Unit)
		}
		fmt.Printf("%-10s S=%s I=%s V=%v U=%s A=%s%s P=%q[%s..%s] C=%s O=%s R=%s\n", f.Evidence.Text, f.Subject, f.Indicator, f.ValueOr(-1), f.Unit, f.Approx, ch, f.Period.Text, f.Period.Start, f.Period.End, f.Category, f.Org, f.Region.Name)
	}
	d := x.analyse(c)
	for _, o := range d.outcomes {
		if o.Facts == 0 && !o.Change {
			fmt.Printf("  skip %-12s %s\n", d.str(o.Number.Start, o.Number.End), o.Reason)
		}
	}
	for _, e := range got.Entities {
		fmt.Printf("  E %s %s\n", e.Kind, e.Text)
	}
}
