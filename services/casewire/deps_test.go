package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestServicesLinkOnlyTheirStage: each worker binary links only what its stage
// needs. gse and its dictionaries weigh tens of MB and seconds of start-up;
// the ClickHouse driver is load's alone. An import that drags either into
// another stage (through shared scaffolding, say) fails here.
func TestServicesLinkOnlyTheirStage(t *testing.T) {
	t.Parallel()
	const (
		gse        = "github.com/go-ego/gse"
		clickhouse = "github.com/ClickHouse/clickhouse-go/v2"
		extract    = "github.com/casewire/casewire/pkg/extract"
		warehouse  = "github.com/casewire/casewire/pkg/warehouse"
		pipeline   = "github.com/casewire/casewire/pkg/pipeline"
	)
	forbidden := map[string][]string{
		"fetch":   {gse, clickhouse, extract, warehouse, pipeline},
		"clean":   {gse, clickhouse, extract, warehouse, pipeline},
		"extract": {clickhouse, warehouse, pipeline},
		"load":    {gse, extract, pipeline},
	}
	for svc, paths := range forbidden {
		t.Run(svc, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("go", "list", "-deps", ".")
			cmd.Dir = filepath.Join("..", svc)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go list -deps in services/%s: %v", svc, err)
			}
			for _, dep := range strings.Fields(string(out)) {
				for _, p := range paths {
					if dep == p || strings.HasPrefix(dep, p+"/") {
						t.Errorf("services/%s links %s", svc, dep)
					}
				}
			}
		})
	}
}
