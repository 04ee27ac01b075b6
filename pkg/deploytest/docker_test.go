package deploytest

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, COPY...
	args string
}

func parseDockerfile(t *testing.T, path string) []instruction {
	t.Helper()
	var out []instruction
	var cur strings.Builder
	for _, line := range strings.Split(string(readFile(t, path)), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

// goWorkModules lists the folders of the go.work use block.
func goWorkModules(t *testing.T) []string {
	t.Helper()
	text := string(readFile(t, filepath.Join(repoRoot(t), "go.work")))
	m := regexp.MustCompile(`(?s)use \((.*?)\)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("go.work has no use block")
	}
	var mods []string
	for _, l := range strings.Fields(m[1]) {
		mods = append(mods, strings.TrimPrefix(l, "./"))
	}
	return mods
}

// dockerEntrypoint is where the Dockerfile puts the binary; compose's
// healthchecks call it.
const dockerEntrypoint = "/usr/local/bin/casewire-service"

func TestDockerfile(t *testing.T) {
	ins := parseDockerfile(t, deployments(t, "docker", "Dockerfile"))
	var stages [][]instruction
	for _, in := range ins {
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) > 0 {
			stages[len(stages)-1] = append(stages[len(stages)-1], in)
		}
	}
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a multi-stage build", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]

	t.Run("build stage", func(t *testing.T) {
		if !strings.HasPrefix(build[0].args, "golang:") {
			t.Errorf("build stage FROM %s, want golang", build[0].args)
		}
		var copied, run string
		for _, in := range build {
			switch in.cmd {
			case "COPY":
				copied += in.args + "\n"
			case "RUN":
				run += in.args + "\n"
			}
		}
		for _, mod := range goWorkModules(t) {
			if !strings.Contains(copied, mod+"/go.mod") {
				t.Errorf("go.mod of %s (in go.work) is not copied: the workspace would not resolve", mod)
			}
		}
		if !strings.Contains(run, "CGO_ENABLED=0") || !strings.Contains(run, "./services/${SERVICE}") {
			t.Errorf("the build does not make a static binary of ./services/${SERVICE}:\n%s", run)
		}
	})

	t.Run("final stage", func(t *testing.T) {
		base := final[0].args
		if !strings.Contains(base, "distroless/static") && base != "scratch" {
			t.Errorf("final stage FROM %s, want distroless/static or scratch", base)
		}
		var user, entry, copyTo string
		for _, in := range final {
			switch in.cmd {
			case "USER":
				user = in.args
			case "ENTRYPOINT":
				entry = in.args
			case "COPY":
				f := strings.Fields(in.args)
				copyTo = f[len(f)-1]
			}
		}
		uid, _, _ := strings.Cut(user, ":")
		if uid == "" || uid == "0" || uid == "root" {
			t.Errorf("USER %q: the image must run as a non-root user", user)
		}
		if regexp.MustCompile(`^\d+$`).FindString(uid) == "" {
			t.Errorf("USER %q: numeric, so Kubernetes' runAsNonRoot can check it", user)
		}
		if copyTo != dockerEntrypoint || !strings.Contains(entry, `"`+dockerEntrypoint+`"`) {
			t.Errorf("binary copied to %s, ENTRYPOINT %s; want both %s", copyTo, entry, dockerEntrypoint)
		}
	})

	t.Run("dockerignore keeps the sources", func(t *testing.T) {
		ignore := string(readFile(t, deployments(t, "docker", "Dockerfile.dockerignore")))
		for _, need := range []string{"!go.work", "!go.work.sum", "!pkg/", "!services/"} {
			if !strings.Contains(ignore, need+"\n") {
				t.Errorf("Dockerfile.dockerignore does not re-include %s", need)
			}
		}
	})
}
