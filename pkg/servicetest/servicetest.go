// Package servicetest builds casewire's service binaries for tests that run
// them as real processes (the stdio chain, kill -9, deployments). Each binary
// is built once per test binary, static and trimmed like the container image,
// and always in the workspace: scripts/test.sh tests every module with
// GOWORK=off, where a service could not be built from another module.
package servicetest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var built struct {
	mu   sync.Mutex
	dir  string
	errs map[string]error
}

// RepoRoot finds the repository root: the folder holding go.work, walking up
// from the working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("servicetest: no go.work above the working directory")
		}
		dir = parent
	}
}

// Binary returns the path of the named service's binary (fetch, clean,
// extract, load, casewire), building it on first use.
func Binary(t testing.TB, name string) string {
	t.Helper()
	built.mu.Lock()
	defer built.mu.Unlock()
	if built.dir == "" {
		// Not t.TempDir: the binaries outlive the first test that asks.
		dir, err := os.MkdirTemp("", "casewire-bin-")
		if err != nil {
			t.Fatal(err)
		}
		built.dir, built.errs = dir, map[string]error{}
	}
	path := filepath.Join(built.dir, name)
	err, done := built.errs[name]
	if !done {
		root := RepoRoot(t)
		cmd := exec.Command("go", "build", "-trimpath", "-o", path, "./services/"+name)
		cmd.Dir = root
		cmd.Env = append(without(os.Environ(), "GOWORK", "CGO_ENABLED"), "GOWORK="+filepath.Join(root, "go.work"), "CGO_ENABLED=0")
		if out, berr := cmd.CombinedOutput(); berr != nil {
			err = fmt.Errorf("go build ./services/%s: %w\n%s", name, berr, out)
		}
		built.errs[name] = err
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// Cleanup removes the built binaries; call it from TestMain after m.Run.
func Cleanup() {
	built.mu.Lock()
	defer built.mu.Unlock()
	if built.dir != "" {
		os.RemoveAll(built.dir)
		built.dir = ""
	}
}

func without(env []string, names ...string) []string {
	out := env[:0:0]
outer:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue outer
			}
		}
		out = append(out, kv)
	}
	return out
}
