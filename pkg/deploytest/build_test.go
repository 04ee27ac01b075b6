package deploytest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// workerNames are the stage binaries the deployments run.
var workerNames = []string{"fetch", "clean", "extract", "load"}

// serviceExists tells whether services/<name> is a buildable main package.
func serviceExists(t testing.TB, name string) bool {
	_, err := os.Stat(filepath.Join(repoRoot(t), "services", name, "main.go"))
	return err == nil
}

// built holds the binaries, each built once per test binary: building
// them takes a while.
var built struct {
	mu   sync.Mutex
	dir  string
	done map[string]error
}

// binary builds a service the way deployments/docker/Dockerfile does
// (static, CGO_ENABLED=0, -trimpath) and returns the path of the binary.
func binary(t testing.TB, name string) string {
	t.Helper()
	built.mu.Lock()
	defer built.mu.Unlock()
	if built.dir == "" {
		dir, err := os.MkdirTemp("", "casewire-deploytest-bin-")
		if err != nil {
			t.Fatal(err)
		}
		built.dir, built.done = dir, map[string]error{}
	}
	path := filepath.Join(built.dir, name)
	err, ok := built.done[name]
	if !ok {
		cmd := exec.Command("go", "build", "-trimpath", "-o", path, "./services/"+name)
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, berr := cmd.CombinedOutput(); berr != nil {
			err = fmt.Errorf("go build ./services/%s: %w\n%s", name, berr, out)
		}
		built.done[name] = err
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// TestBinaries checks that every binary builds static, answers --help, and
// that every worker has the healthcheck the container healthchecks call.
func TestBinaries(t *testing.T) {
	for _, name := range append([]string{"casewire"}, workerNames...) {
		t.Run(name, func(t *testing.T) {
			bin := binary(t, name)
			out, err := exec.Command(bin, "--help").CombinedOutput()
			if err != nil {
				t.Fatalf("%s --help: %v\n%s", name, err, out)
			}
			if !strings.Contains(string(out), "--config") || !strings.Contains(string(out), "--set") {
				t.Errorf("%s --help does not show --config and --set:\n%s", name, out)
			}
			if name != "casewire" && !strings.Contains(string(out), "healthcheck") {
				t.Errorf("%s has no healthcheck subcommand:\n%s", name, out)
			}
			// A dynamically linked binary names its interpreter; distroless
			// static has none.
			b, err := os.ReadFile(bin)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b[:min(len(b), 4096)]), "ld-linux") {
				t.Errorf("%s is dynamically linked", name)
			}
		})
	}
}
