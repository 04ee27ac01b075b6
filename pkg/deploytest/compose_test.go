package deploytest

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/process"
)

// composeServices reads the services of a compose file (merge keys resolved
// by the YAML decoder).
func composeServices(t *testing.T, file string) map[string]map[string]any {
	t.Helper()
	docs := yamlDocs(t, deployments(t, "compose", file))
	raw, ok := docs[0]["services"].(map[string]any)
	if !ok {
		t.Fatalf("%s has no services", file)
	}
	out := map[string]map[string]any{}
	for name, v := range raw {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: service %s is not a map", file, name)
		}
		out[name] = m
	}
	return out
}

// environment returns a service's environment as a map.
func environment(t *testing.T, svc map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch env := svc["environment"].(type) {
	case nil:
	case map[string]any:
		for k, v := range env {
			out[k] = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(fmtScalar(v), "\""), "\""))
		}
	case []any:
		for _, e := range env {
			k, v, _ := strings.Cut(e.(string), "=")
			out[k] = v
		}
	default:
		t.Fatalf("environment of type %T", env)
	}
	return out
}

func fmtScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	default:
		b, _ := yamlMarshal(x)
		return strings.TrimSpace(b)
	}
}

// interpolate resolves ${VAR:-default} as compose does with VAR unset.
func interpolate(s string) string {
	return regexp.MustCompile(`\$\{\w+:-([^}]*)\}`).ReplaceAllString(s, "$1")
}

// envFields is every environment variable the configuration reads.
func envFields() map[string]bool {
	out := map[string]bool{"CASEWIRE_CONFIG": true}
	for _, f := range config.Fields() {
		out[f.Env] = true
	}
	return out
}

// checkWorkerConfig loads the configuration a worker would see: the mounted
// file and its environment. It must pass validation.
func checkWorkerConfig(t *testing.T, file string, env map[string]string) config.Config {
	t.Helper()
	known := envFields()
	for k := range env {
		if strings.HasPrefix(k, "CASEWIRE_") && !known[k] {
			t.Errorf("environment %s is not a configuration setting", k)
		}
	}
	cfg, err := config.Read(file, func(k string) (string, bool) {
		v, ok := env[k]
		return interpolate(v), ok
	}, nil)
	if err != nil {
		t.Errorf("configuration does not load: %v", err)
	}
	return cfg
}

func TestCompose(t *testing.T) {
	services := composeServices(t, "compose.yaml")
	for _, need := range append([]string{"nats", "clickhouse", "grafana", "prometheus"}, workerNames...) {
		if _, ok := services[need]; !ok {
			t.Errorf("compose.yaml has no %s service", need)
		}
	}
	for _, name := range []string{"nats", "clickhouse"} {
		if _, ok := services[name]["healthcheck"]; !ok {
			t.Errorf("%s has no healthcheck: workers wait for it", name)
		}
	}

	for _, name := range workerNames {
		t.Run(name, func(t *testing.T) {
			svc := services[name]
			if got := str(svc, "build", "args", "SERVICE"); got != name || !serviceExists(t, name) {
				t.Errorf("build arg SERVICE=%q: want %q, a folder under services/", got, name)
			}
			if str(svc, "build", "dockerfile") != "deployments/docker/Dockerfile" || str(svc, "build", "context") != "../.." {
				t.Errorf("build %v: want the repository root and deployments/docker/Dockerfile", svc["build"])
			}
			for _, dep := range []string{"nats", "clickhouse"} {
				if str(svc, "depends_on", dep, "condition") != "service_healthy" {
					t.Errorf("does not wait for %s to be healthy", dep)
				}
			}
			env := environment(t, svc)
			// The configuration file is mounted where CASEWIRE_CONFIG says.
			mounted := false
			for _, v := range svc["volumes"].([]any) {
				src, dst, _ := strings.Cut(v.(string), ":")
				dst = strings.TrimSuffix(dst, ":ro")
				if strings.HasPrefix(src, ".") {
					if _, err := os.Stat(filepath.Join(deployments(t, "compose"), src)); err != nil {
						t.Errorf("volume %s: %v", v, err)
					}
				}
				if dst == env["CASEWIRE_CONFIG"] && filepath.Clean(filepath.Join(deployments(t, "compose"), src)) == deployments(t, "casewire.yaml") {
					mounted = true
				}
			}
			if !mounted {
				t.Errorf("deployments/casewire.yaml is not mounted at CASEWIRE_CONFIG %q", env["CASEWIRE_CONFIG"])
			}
			cfg := checkWorkerConfig(t, deployments(t, "casewire.yaml"), env)
			if cfg.NATS.URL != "nats://nats:4222" || cfg.ClickHouse.Addr != "clickhouse:9000" {
				t.Errorf("connects to %s and %s, not the compose services", cfg.NATS.URL, cfg.ClickHouse.Addr)
			}
			if cfg.Log.Format != "json" {
				t.Errorf("log.format %q: JSON in containers", cfg.Log.Format)
			}
			// The healthcheck runs the binary's own probe against http.addr.
			test, _ := get(svc, "healthcheck", "test")
			parts, _ := test.([]any)
			if len(parts) != 3 || parts[0] != "CMD" || parts[1] != dockerEntrypoint || parts[2] != "healthcheck" {
				t.Errorf("healthcheck %v, want [CMD %s healthcheck]", test, dockerEntrypoint)
			}
			if _, err := process.ProbeURL(cfg.HTTP.Addr, "/readyz"); err != nil {
				t.Errorf("healthcheck cannot probe: %v", err)
			}
			if svc["read_only"] != true {
				t.Errorf("root file system is writable")
			}
		})
	}

	t.Run("nats cluster override", func(t *testing.T) {
		over := composeServices(t, "compose.nats-cluster.yaml")
		for _, name := range workerNames {
			env := environment(t, services[name])
			maps.Copy(env, environment(t, over[name]))
			cfg := checkWorkerConfig(t, deployments(t, "casewire.yaml"), env)
			if cfg.Streams.Replicas != 3 || strings.Count(cfg.NATS.URL, "nats://") != 3 {
				t.Errorf("%s: replicas %d, url %s", name, cfg.Streams.Replicas, cfg.NATS.URL)
			}
			for _, u := range strings.Split(cfg.NATS.URL, ",") {
				host := strings.Split(strings.TrimPrefix(u, "nats://"), ":")[0]
				if _, ok := over[host]; !ok {
					t.Errorf("%s: %s is not a service of the override", name, u)
				}
			}
		}
	})

	t.Run("grafana", func(t *testing.T) {
		g := services["grafana"]
		env := environment(t, g)
		if !strings.Contains(env["GF_INSTALL_PLUGINS"], "grafana-clickhouse-datasource") {
			t.Errorf("the ClickHouse data source plugin is not installed")
		}
		var provisioning string
		for _, v := range g["volumes"].([]any) {
			src, dst, _ := strings.Cut(v.(string), ":")
			if !strings.HasPrefix(src, ".") {
				continue
			}
			path := filepath.Join(deployments(t, "compose"), src)
			if _, err := os.Stat(path); err != nil {
				t.Errorf("volume %s: %v", v, err)
			}
			if strings.HasPrefix(dst, "/etc/grafana/provisioning") {
				provisioning = path
			}
		}
		if provisioning == "" {
			t.Fatal("deployments/grafana provisioning is not mounted")
		}
		// Every variable the provisioning files read is set (or defaulted).
		files, _ := filepath.Glob(filepath.Join(provisioning, "*", "*.yaml"))
		if len(files) == 0 {
			t.Fatalf("no provisioning files under %s", provisioning)
		}
		for _, f := range files {
			for _, m := range regexp.MustCompile(`\$\{(\w+)(:-[^}]*)?\}`).FindAllStringSubmatch(string(readFile(t, f)), -1) {
				if _, ok := env[m[1]]; !ok && m[2] == "" {
					t.Errorf("%s reads %s, which grafana's environment does not set", filepath.Base(f), m[1])
				}
			}
		}
		// The dashboard provider's path is where the dashboards are mounted.
		for _, f := range files {
			for _, d := range yamlDocs(t, f) {
				provs, _ := d["providers"].([]any)
				for _, p := range provs {
					want := str(p, "options", "path")
					found := false
					for _, v := range g["volumes"].([]any) {
						if strings.Contains(v.(string), ":"+want) {
							found = true
						}
					}
					if !found {
						t.Errorf("dashboard provider reads %s, which nothing mounts", want)
					}
				}
			}
		}
	})

	t.Run("prometheus", func(t *testing.T) {
		prom := yamlDocs(t, deployments(t, "compose", "prometheus.yml"))[0]
		names, _ := get(prom, "scrape_configs", 0, "dns_sd_configs", 0, "names")
		var got []string
		for _, n := range names.([]any) {
			got = append(got, n.(string))
		}
		if !slices.Equal(got, workerNames) {
			t.Errorf("scrapes %v, want %v", got, workerNames)
		}
		port, _ := get(prom, "scrape_configs", 0, "dns_sd_configs", 0, "port")
		if port != 9090 {
			t.Errorf("scrapes port %v, workers serve :9090", port)
		}
	})
}
