// Package overview tells what the warehouse holds at a glance: article and
// fact counts, the newest article, and facts by indicator and region. It reads
// the analysts' views, so what it shows is what they see.
package overview

import (
	"context"
	"fmt"
	"io"
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

// Overview is the summary.
type Overview struct {
	Database     string
	Articles     uint64
	Facts        uint64
	Entities     uint64
	NewestLoaded time.Time
	ByIndicator  []Row
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
	return o, rows.Err()
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
}
