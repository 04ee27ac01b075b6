// Package overview tells what the warehouse holds at a glance: article and
// fact counts, the newest article, facts by indicator and region, and the
// totals an analyst sums. It reads the analysts' views, so what it shows is
// what they see.
package overview

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/casewire/casewire/pkg/warehouse"
)

// Row is one line of the facts-by-indicator-and-region table.
type Row struct {
	Indicator string
	Region    string
	Facts     uint64
	Articles  uint64
}

// Total is one line of the totals table: the sum of the total facts of one
// indicator and unit over every article (v_totals).
type Total struct {
	Indicator string
	Unit      string
	Total     float64
	Articles  uint64
}

// Overview is the summary.
type Overview struct {
	Database     string
	Articles     uint64
	Facts        uint64
	Entities     uint64
	NewestLoaded time.Time
	ByIndicator  []Row
	Totals       []Total
}

// Read queries the views of db.
func Read(ctx context.Context, conn driver.Conn, db string, top int) (Overview, error) {
	o := Overview{Database: db}
	q := warehouse.QuoteIdent(db)
	counts := []struct {
		sql string
		dst *uint64
	}{
		{"SELECT count() FROM " + q + ".v_articles", &o.Articles},
		{"SELECT count() FROM " + q + ".v_facts", &o.Facts},
		{"SELECT count() FROM " + q + ".v_entities", &o.Entities},
	}
	for _, c := range counts {
		if err := conn.QueryRow(ctx, c.sql).Scan(c.dst); err != nil {
			return o, fmt.Errorf("overview: %s: %w", c.sql, err)
		}
	}
	if o.Articles > 0 {
		if err := conn.QueryRow(ctx, "SELECT max(ingested_at) FROM "+q+".v_articles").Scan(&o.NewestLoaded); err != nil {
			return o, fmt.Errorf("overview: newest article: %w", err)
		}
	}
	rows, err := conn.Query(ctx, fmt.Sprintf(`
SELECT indicator, if(region_name = '', '(unresolved)', region_name) AS region, count() AS facts, uniqExact(article_id) AS articles
FROM %s.v_facts
WHERE indicator != ''
GROUP BY indicator, region
ORDER BY facts DESC, indicator, region
LIMIT %d`, q, top))
	if err != nil {
		return o, fmt.Errorf("overview: facts by indicator and region: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.Indicator, &r.Region, &r.Facts, &r.Articles); err != nil {
			return o, fmt.Errorf("overview: scan: %w", err)
		}
		o.ByIndicator = append(o.ByIndicator, r)
	}
	if err := rows.Err(); err != nil {
		return o, fmt.Errorf("overview: facts by indicator and region: %w", err)
	}
	o.Totals, err = readTotals(ctx, conn, q, top)
	return o, err
}

// readTotals sums v_totals per indicator and unit: a toll told in the title,
// the lead and the end counts once, its parts and background not at all.
func readTotals(ctx context.Context, conn driver.Conn, q string, top int) ([]Total, error) {
	rows, err := conn.Query(ctx, fmt.Sprintf(`
SELECT indicator, unit, sum(total) AS total, uniqExact(article_id) AS articles
FROM %s.v_totals
WHERE indicator != ''
GROUP BY indicator, unit
ORDER BY articles DESC, indicator, unit
LIMIT %d`, q, top))
	if err != nil {
		return nil, fmt.Errorf("overview: totals: %w", err)
	}
	defer rows.Close()
	var out []Total
	for rows.Next() {
		var t Total
		if err := rows.Scan(&t.Indicator, &t.Unit, &t.Total, &t.Articles); err != nil {
			return nil, fmt.Errorf("overview: scan totals: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Write prints the overview as a small report.
func (o Overview) Write(w io.Writer) {
	fmt.Fprintf(w, "ClickHouse database %s: %d articles, %d facts, %d entities", o.Database, o.Articles, o.Facts, o.Entities)
	if !o.NewestLoaded.IsZero() {
		fmt.Fprintf(w, " (newest loaded %s)", o.NewestLoaded.UTC().Format(time.RFC3339))
	}
	fmt.Fprintln(w)
	if len(o.ByIndicator) == 0 {
		return
	}
	fmt.Fprintf(w, "\nFacts by indicator and region (top %d, from v_facts):\n", len(o.ByIndicator))
	rows := make([][]string, len(o.ByIndicator))
	for i, r := range o.ByIndicator {
		rows[i] = []string{r.Indicator, r.Region, fmt.Sprint(r.Facts), fmt.Sprint(r.Articles)}
	}
	writeTable(w, "  ", []string{"indicator", "region", "facts", "articles"}, rows, []bool{false, false, true, true})
	if len(o.Totals) == 0 {
		return
	}
	fmt.Fprintf(w, "\nTotals an analyst sums (top %d, from v_totals: the facts whose role is total):\n", len(o.Totals))
	rows = make([][]string, len(o.Totals))
	for i, t := range o.Totals {
		rows[i] = []string{t.Indicator, t.Unit, strconv.FormatFloat(t.Total, 'f', -1, 64), fmt.Sprint(t.Articles)}
	}
	writeTable(w, "  ", []string{"indicator", "unit", "total", "articles"}, rows, []bool{false, false, true, true})
}
