package warehouse

import (
	"context"
	"fmt"
	"time"
)

// Division is one administrative division (GB/T 2260) for the divisions
// table: Code "1503", Name "乌海市", Level "prefecture", ParentCode "15",
// Province "内蒙古自治区", Prefecture "乌海市".
type Division struct {
	Code, Name, Level, ParentCode, Province, Prefecture, County, Township string
}

var divisionColumns = []string{
	"code", "name", "level", "parent_code", "province", "prefecture", "county", "township", "loaded_at",
}

// LoadDivisions loads (or reloads) divisions; a division loaded again
// replaces its earlier row in v_divisions.
func (w *Writer) LoadDivisions(ctx context.Context, divisions []Division) error {
	loadedAt := w.now().UTC().Truncate(time.Second)
	rows := make([][]any, 0, len(divisions))
	for _, d := range divisions {
		if d.Code == "" {
			return fmt.Errorf("load divisions: division %q has no code", d.Name)
		}
		rows = append(rows, []any{d.Code, d.Name, d.Level, d.ParentCode, d.Province, d.Prefecture, d.County, d.Township, loadedAt})
	}
	if err := w.send(ctx, "divisions", divisionColumns, rows); err != nil {
		return fmt.Errorf("load divisions: %w", err)
	}
	return nil
}
