package deploytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/topology"
)

// k8sObjects reads every manifest kustomization.yaml lists, keyed by
// kind/name.
func k8sObjects(t *testing.T) map[string]map[string]any {
	t.Helper()
	kust := yamlDocs(t, deployments(t, "kubernetes", "kustomization.yaml"))[0]
	res, _ := kust["resources"].([]any)
	if len(res) == 0 {
		t.Fatal("kustomization.yaml lists no resources")
	}
	listed := map[string]bool{}
	out := map[string]map[string]any{}
	for _, r := range res {
		listed[r.(string)] = true
		for _, d := range yamlDocs(t, deployments(t, "kubernetes", r.(string))) {
			key := str(d, "kind") + "/" + str(d, "metadata", "name")
			if _, dup := out[key]; dup {
				t.Errorf("%s defined twice", key)
			}
			out[key] = d
		}
	}
	// No manifest is left out of the kustomization by mistake.
	files, _ := filepath.Glob(deployments(t, "kubernetes", "*.yaml"))
	for _, f := range files {
		if b := filepath.Base(f); b != "kustomization.yaml" && !listed[b] {
			t.Errorf("%s is not in kustomization.yaml", b)
		}
	}
	return out
}

func TestKubernetes(t *testing.T) {
	objs := k8sObjects(t)
	cm, ok := objs["ConfigMap/casewire-config"]
	if !ok {
		t.Fatal("no ConfigMap casewire-config")
	}
	secret, ok := objs["Secret/casewire-secrets"]
	if !ok {
		t.Fatal("no Secret casewire-secrets")
	}
	// The configuration the workers mount loads and validates.
	cfgFile := filepath.Join(t.TempDir(), "casewire.yaml")
	if err := os.WriteFile(cfgFile, []byte(str(cm, "data", "casewire.yaml")), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Read(cfgFile, nil, nil)
	if err != nil {
		t.Fatalf("ConfigMap casewire.yaml: %v", err)
	}
	if cfg.Streams.Replicas != 3 {
		t.Errorf("streams.replicas %d: a cluster deployment replicates streams three times", cfg.Streams.Replicas)
	}
	if cfg.HTTP.Addr != ":9090" {
		t.Errorf("http.addr %q, containers expose 9090", cfg.HTTP.Addr)
	}

	natsUsers := map[string]bool{}
	for _, u := range natsOptions(t, deployments(t, "nats", "casewire.conf"), map[string]string{
		"CASEWIRE_NATS_FETCH_PASSWORD": "x", "CASEWIRE_NATS_CLEAN_PASSWORD": "x", "CASEWIRE_NATS_EXTRACT_PASSWORD": "x",
		"CASEWIRE_NATS_LOAD_PASSWORD": "x", "CASEWIRE_NATS_OPERATOR_PASSWORD": "x", "CASEWIRE_NATS_MONITOR_PASSWORD": "x",
	}).Users {
		natsUsers[u.Username] = true
	}
	// The ClickHouse user is one deployments/clickhouse defines.
	if users := string(readFile(t, deployments(t, "clickhouse", "rbac.sql"))); !strings.Contains(users, "USER IF NOT EXISTS "+cfg.ClickHouse.User) {
		t.Errorf("clickhouse.user %q is not a user of deployments/clickhouse/rbac.sql", cfg.ClickHouse.User)
	}

	for _, name := range workerNames {
		t.Run(name, func(t *testing.T) {
			d, ok := objs["Deployment/casewire-"+name]
			if !ok {
				t.Fatalf("no Deployment casewire-%s", name)
			}
			pod, _ := get(d, "spec", "template", "spec")
			if v, _ := get(pod, "securityContext", "runAsNonRoot"); v != true {
				t.Errorf("pod securityContext.runAsNonRoot is not true")
			}
			if v, _ := get(pod, "securityContext", "runAsUser"); v == 0 || v == nil {
				t.Errorf("pod runs as uid %v", v)
			}
			containers, _ := get(pod, "containers")
			cs, _ := containers.([]any)
			if len(cs) != 1 {
				t.Fatalf("%d containers", len(cs))
			}
			c := cs[0]
			if img := str(c, "image"); !strings.HasPrefix(img, "casewire/"+name+":") || !serviceExists(t, name) {
				t.Errorf("image %s: want casewire/%s, built from services/%s", img, name, name)
			}
			for _, probe := range []struct{ kind, path string }{
				{"livenessProbe", "/healthz"}, {"readinessProbe", "/readyz"}, {"startupProbe", "/healthz"},
			} {
				if got := str(c, probe.kind, "httpGet", "path"); got != probe.path {
					t.Errorf("%s path %q, want %s", probe.kind, got, probe.path)
				}
				if got := str(c, probe.kind, "httpGet", "port"); got != "metrics" {
					t.Errorf("%s port %q, want the metrics port", probe.kind, got)
				}
			}
			if port, _ := get(c, "ports", 0, "containerPort"); port != 9090 || str(c, "ports", 0, "name") != "metrics" {
				t.Errorf("container port %v %q", port, str(c, "ports", 0, "name"))
			}
			for _, r := range []string{"requests", "limits"} {
				for _, k := range []string{"cpu", "memory"} {
					if _, ok := get(c, "resources", r, k); !ok {
						t.Errorf("no resources.%s.%s", r, k)
					}
				}
			}
			sc, _ := get(c, "securityContext")
			for k, want := range map[string]any{"runAsNonRoot": true, "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true} {
				if v, _ := get(sc, k); v != want {
					t.Errorf("container securityContext.%s = %v, want %v", k, v, want)
				}
			}
			if v, _ := get(sc, "capabilities", "drop", 0); v != "ALL" {
				t.Errorf("capabilities not dropped")
			}

			// Environment: real settings; the config and secret files are
			// where the volumes put them.
			env := map[string]string{}
			envList, _ := get(c, "env")
			for _, e := range envList.([]any) {
				env[str(e, "name")] = str(e, "value")
			}
			known := envFields()
			for k := range env {
				if !known[k] {
					t.Errorf("env %s is not a configuration setting", k)
				}
			}
			mounts := map[string]string{}
			ms, _ := get(c, "volumeMounts")
			for _, m := range ms.([]any) {
				mounts[str(m, "name")] = str(m, "mountPath")
			}
			vols := map[string]any{}
			vs, _ := get(pod, "volumes")
			for _, v := range vs.([]any) {
				vols[str(v, "name")] = v
			}
			if filepath.Dir(env["CASEWIRE_CONFIG"]) != mounts["config"] || str(vols["config"], "configMap", "name") != "casewire-config" ||
				filepath.Base(env["CASEWIRE_CONFIG"]) != "casewire.yaml" {
				t.Errorf("CASEWIRE_CONFIG %s is not the ConfigMap's casewire.yaml", env["CASEWIRE_CONFIG"])
			}
			pw := env["CASEWIRE_CLICKHOUSE_PASSWORD_FILE"]
			if filepath.Dir(pw) != mounts["secrets"] || str(vols["secrets"], "secret", "secretName") != "casewire-secrets" {
				t.Errorf("CASEWIRE_CLICKHOUSE_PASSWORD_FILE %s is not in the mounted Secret", pw)
			}
			if str(secret, "stringData", filepath.Base(pw)) == "" {
				t.Errorf("Secret has no key %s", filepath.Base(pw))
			}
			// The NATS user is one of the least-privilege users of
			// deployments/nats/casewire.conf, its password in the Secret.
			if user := env["CASEWIRE_NATS_USER"]; user != name || !natsUsers[user] {
				t.Errorf("NATS user %q: want %q, a user of deployments/nats/casewire.conf", user, name)
			}
			npw := env["CASEWIRE_NATS_PASSWORD_FILE"]
			if filepath.Dir(npw) != mounts["secrets"] || str(secret, "stringData", filepath.Base(npw)) == "" {
				t.Errorf("CASEWIRE_NATS_PASSWORD_FILE %s is not a key of the mounted Secret", npw)
			}
		})
	}

	t.Run("scaling on consumer lag", func(t *testing.T) {
		for _, h := range topology.Hops() {
			so, ok := objs["ScaledObject/casewire-"+h.Stage]
			if !ok {
				t.Errorf("no ScaledObject for %s", h.Stage)
				continue
			}
			if target := str(so, "spec", "scaleTargetRef", "name"); objs["Deployment/"+target] == nil || target != "casewire-"+h.Stage {
				t.Errorf("%s scales %q", h.Stage, target)
			}
			trig, _ := get(so, "spec", "triggers", 0)
			if str(trig, "type") != "nats-jetstream" {
				t.Errorf("%s trigger %q", h.Stage, str(trig, "type"))
			}
			if str(trig, "metadata", "stream") != h.Stream || str(trig, "metadata", "consumer") != h.Durable {
				t.Errorf("%s watches %s/%s, want the stage's consumer %s/%s", h.Stage,
					str(trig, "metadata", "stream"), str(trig, "metadata", "consumer"), h.Stream, h.Durable)
			}
			if str(trig, "metadata", "lagThreshold") == "" {
				t.Errorf("%s has no lagThreshold", h.Stage)
			}
			if n, _ := get(so, "spec", "minReplicaCount"); n == nil || n.(int) < 1 {
				t.Errorf("%s minReplicaCount %v", h.Stage, n)
			}
		}
	})

	t.Run("kustomize builds", func(t *testing.T) {
		if _, err := exec.LookPath("kubectl"); err != nil {
			t.Skip("kubectl not installed: kustomize output not checked (the YAML checks above ran)")
		}
		out, err := exec.Command("kubectl", "kustomize", deployments(t, "kubernetes")).CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl kustomize: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "namespace: casewire") {
			t.Errorf("kustomize output is not in the casewire namespace")
		}
	})
}
