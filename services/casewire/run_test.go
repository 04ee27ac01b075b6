package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/servicetest"
)

// TestRunOnce runs the main job as a user does (casewire run --once on a
// feed folder, embedded NATS, real ClickHouse) and checks its report.
func TestRunOnce(t *testing.T) {
	addr := chtest.Addr(t)
	_, db := chtest.Open(t)
	t.Setenv("CLICKHOUSE_ADDR", addr)
	t.Setenv("CASEWIRE_CONFIG", "")
	var out bytes.Buffer
	cmd := rootCommand()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"run", "--once",
		"--set", "nats.store_dir=" + t.TempDir(),
		"--set", "nats.listen=127.0.0.1:0",
		"--set", "http.addr=off",
		"--set", "clickhouse.database=" + db,
		"--set", "log.level=warn",
		"--set", "load.batch_wait=100ms",
		"testdata/feed"})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("casewire run: %v\n%s", err, out.String())
	}
	report := out.String()
	for _, want := range []string{
		"pipeline caught up",
		"1 raw articles, 1 new, 0 rejected",
		"dead letters: none",
		"ClickHouse database " + db + ": 3 articles",
		"立案", "乌海市",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

// TestStdioPipeline runs the documented Unix-filter chain of the real
// binaries: fetch --stdio FILE | clean --stdio | extract --stdio.
func TestStdioPipeline(t *testing.T) {
	bin := filepath.Dir(servicetest.Binary(t, "fetch"))
	servicetest.Binary(t, "clean")
	servicetest.Binary(t, "extract")
	sh := exec.Command("bash", "-c", `set -o pipefail; "$1/fetch" --stdio testdata/feed | "$1/clean" --stdio | "$1/extract" --stdio`, "pipe", bin)
	var stderr bytes.Buffer
	sh.Stderr = &stderr
	out, err := sh.Output()
	if err != nil {
		t.Fatalf("pipe: %v\n%s", err, stderr.String())
	}
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	if len(lines) != 3 {
		t.Fatalf("got %d extracted articles, want the seed page's 3\n%s", len(lines), stderr.String())
	}
	var first struct {
		V     int    `json:"v"`
		Title string `json:"title"`
		Facts []struct {
			Indicator string  `json:"indicator"`
			Value     float64 `json:"value"`
		} `json:"facts"`
	}
	if err := json.Unmarshal(lines[0], &first); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range first.Facts {
		found = found || (f.Indicator == "立案" && f.Value == 131)
	}
	if first.V != 1 || !strings.HasPrefix(first.Title, "乌海公安") || !found {
		t.Errorf("first article: v=%d title=%q, 立案 131 found=%v", first.V, first.Title, found)
	}
}
