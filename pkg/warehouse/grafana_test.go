package warehouse_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/warehouse"
)

var update = flag.Bool("update", false, "rewrite the Grafana dashboard from the cookbook")

// dashboardPath is the provisioned dashboard, generated from the cookbook.
var dashboardPath = filepath.Join("..", "..", "deployments", "grafana", "dashboards", "casewire-warehouse.json")

// datasourceUID matches deployments/grafana/provisioning/datasources/clickhouse.yaml.
const datasourceUID = "casewire-clickhouse"

// TestGrafanaDashboardMatchesCookbook fails when a cookbook query and its
// dashboard panel drift apart. go test ./warehouse -run Grafana -update
// rewrites the dashboard.
func TestGrafanaDashboardMatchesCookbook(t *testing.T) {
	t.Parallel()
	want, err := dashboardJSON(warehouse.Cookbook())
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(dashboardPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatalf("read dashboard (generate it with -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what the cookbook generates: run go test ./warehouse -run Grafana -update", dashboardPath)
	}
}

type dashboard struct {
	UID           string         `json:"uid"`
	Title         string         `json:"title"`
	Description   string         `json:"description"`
	Tags          []string       `json:"tags"`
	Editable      bool           `json:"editable"`
	SchemaVersion int            `json:"schemaVersion"`
	Time          map[string]any `json:"time"`
	Panels        []panel        `json:"panels"`
}

type panel struct {
	ID          int            `json:"id"`
	Type        string         `json:"type"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	GridPos     map[string]int `json:"gridPos"`
	Datasource  datasource     `json:"datasource"`
	Targets     []target       `json:"targets"`
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type target struct {
	RefID      string     `json:"refId"`
	Datasource datasource `json:"datasource"`
	EditorType string     `json:"editorType"`
	QueryType  string     `json:"queryType"`
	Format     int        `json:"format"` // 1: table
	RawSQL     string     `json:"rawSql"`
}

// dashboardJSON lays the cookbook out two panels a row, one table panel per
// query, the query's leading comment as the panel's description.
func dashboardJSON(queries []warehouse.Query) ([]byte, error) {
	ds := datasource{Type: "grafana-clickhouse-datasource", UID: datasourceUID}
	d := dashboard{
		UID:           "casewire-warehouse",
		Title:         "casewire: public-security statistics",
		Description:   "Generated from pkg/warehouse/cookbook by TestGrafanaDashboardMatchesCookbook; edit the cookbook, not this file.",
		Tags:          []string{"casewire", "clickhouse"},
		Editable:      true,
		SchemaVersion: 39,
		Time:          map[string]any{"from": "now-2y", "to": "now"},
	}
	for i, q := range queries {
		d.Panels = append(d.Panels, panel{
			ID:          i + 1,
			Type:        "table",
			Title:       q.Title,
			Description: leadingComment(q.SQL),
			GridPos:     map[string]int{"x": (i % 2) * 12, "y": (i / 2) * 9, "w": 12, "h": 9},
			Datasource:  ds,
			Targets: []target{{
				RefID: "A", Datasource: ds, EditorType: "sql", QueryType: "table", Format: 1, RawSQL: q.SQL,
			}},
		})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func leadingComment(sql string) string {
	var lines []string
	for _, line := range strings.Split(sql, "\n") {
		if !strings.HasPrefix(line, "-- ") {
			break
		}
		lines = append(lines, strings.TrimPrefix(line, "-- "))
	}
	return strings.Join(lines, " ")
}
