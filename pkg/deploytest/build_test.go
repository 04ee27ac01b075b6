package deploytest

import (
	"github.com/casewire/casewire/pkg/servicetest"

	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// binary builds a service the way deployments/docker/Dockerfile does
// (static, CGO_ENABLED=0, -trimpath) and returns the path of the binary.
func binary(t testing.TB, name string) string {
	t.Helper()
	return servicetest.Binary(t, name)
}

func TestMain(m *testing.M) {
	code := m.Run()
	servicetest.Cleanup()
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
