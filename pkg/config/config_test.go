package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/config"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "casewire.yaml")
	os.WriteFile(file, []byte("load:\n  batch_rows: 500\n  batch_wait: 2s\nclickhouse:\n  database: fromfile\nfetch:\n  sources:\n    - name: 乌海公安\n      region: 乌海市\n      paths: [feed]\n"), 0o644)
	c, err := config.Read(file, env(map[string]string{
		"CASEWIRE_LOAD_BATCH_ROWS": "700",
		"CLICKHOUSE_ADDR":          "ch:9000",
	}), []string{"load.batch_rows=900", "extract.dict_files=a.txt, b.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Load.BatchRows != 900 {
		t.Errorf("batch_rows = %d: --set must win over env and file", c.Load.BatchRows)
	}
	if c.Load.BatchWait != 2*time.Second || c.ClickHouse.Database != "fromfile" {
		t.Errorf("file values lost: %+v %+v", c.Load, c.ClickHouse)
	}
	if c.ClickHouse.Addr != "ch:9000" {
		t.Errorf("CLICKHOUSE_ADDR alias not applied: %q", c.ClickHouse.Addr)
	}
	if len(c.Extract.DictFiles) != 2 || c.Extract.DictFiles[1] != "b.txt" {
		t.Errorf("list from --set: %v", c.Extract.DictFiles)
	}
	if len(c.Fetch.Sources) != 1 || c.Fetch.Sources[0].Region != "乌海市" {
		t.Errorf("sources: %+v", c.Fetch.Sources)
	}
	if c.Streams.MaxDeliver != config.Default().Streams.MaxDeliver {
		t.Errorf("untouched default changed")
	}
}

func TestErrorsNameTheField(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		yaml string
		env  map[string]string
		sets []string
		want string
	}{
		{name: "unknown yaml key", yaml: "load:\n  batch_rowz: 1\n", want: "batch_rowz"},
		{name: "bad number in env", env: map[string]string{"CASEWIRE_LOAD_BATCH_ROWS": "many"}, want: "CASEWIRE_LOAD_BATCH_ROWS"},
		{name: "bad duration", sets: []string{"streams.ack_wait=soon"}, want: "streams.ack_wait"},
		{name: "unknown --set", sets: []string{"load.rows=1"}, want: `no setting "load.rows"`},
		{name: "secret on command line", sets: []string{"clickhouse.password=hunter2"}, want: "clickhouse.password is a secret"},
		{name: "out of range", sets: []string{"streams.replicas=9"}, want: "streams.replicas"},
		{name: "batch wait vs ack wait", sets: []string{"load.batch_wait=1m"}, want: "load.batch_wait"},
		{name: "bad database", sets: []string{"clickhouse.database=a;drop"}, want: "clickhouse.database"},
		{name: "source without paths", yaml: "fetch:\n  sources:\n    - name: x\n", want: "fetch.sources[0].paths"},
		{name: "feed not http", yaml: "fetch:\n  sources:\n    - name: x\n      feeds: [file:///etc/passwd]\n", want: "fetch.sources[0].feeds[0]"},
		{name: "page without host", yaml: "fetch:\n  sources:\n    - name: x\n      pages: ['https:///a']\n", want: "fetch.sources[0].pages[0]"},
		{name: "bad link pattern", yaml: "fetch:\n  sources:\n    - name: x\n      pages: [https://a.cn/]\n      link_pattern: '('\n", want: "fetch.sources[0].link_pattern"},
		{name: "link pattern without pages", yaml: "fetch:\n  sources:\n    - name: x\n      feeds: [https://a.cn/rss]\n      link_pattern: a\n", want: "needs pages"},
		{name: "feed content without feeds", yaml: "fetch:\n  sources:\n    - name: x\n      paths: [a]\n      feed_content: true\n", want: "fetch.sources[0].feed_content"},
		{name: "interval too short", yaml: "fetch:\n  sources:\n    - name: x\n      feeds: [https://a.cn/rss]\n      interval: 10ms\n", want: "fetch.sources[0].interval"},
		{name: "duplicate source name", yaml: "fetch:\n  sources:\n    - name: x\n      paths: [a]\n    - name: x\n      paths: [b]\n", want: "fetch.sources[1].name"},
		{name: "retries out of range", sets: []string{"fetch.retries=99"}, want: "fetch.retries"},
		{name: "zero timeout", sets: []string{"fetch.timeout=0s"}, want: "fetch.timeout"},
		{name: "contact url scheme", sets: []string{"fetch.contact_url=mailto:a@b.c"}, want: "fetch.contact_url"},
		{name: "log format", env: map[string]string{"CASEWIRE_LOG_FORMAT": "xml"}, want: "log.format"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.yaml != "" {
				path = filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".yaml")
				os.WriteFile(path, []byte(tc.yaml), 0o644)
			}
			_, err := config.Read(path, env(tc.env), tc.sets)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
}

func TestSecretsFromFilesAndRedacted(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("s3cret\n"), 0o600)
	c, err := config.Read("", env(map[string]string{"CASEWIRE_CLICKHOUSE_PASSWORD_FILE": pw, "CASEWIRE_NATS_TOKEN": "tok"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ClickHouse.Password != "s3cret" || c.NATS.Token != "tok" {
		t.Fatalf("secrets not read: %q %q", c.ClickHouse.Password, c.NATS.Token)
	}
	s := c.String()
	if strings.Contains(s, "s3cret") || strings.Contains(s, "tok\n") {
		t.Errorf("String leaks a secret:\n%s", s)
	}
	if !strings.Contains(s, "clickhouse.password: <redacted>") {
		t.Errorf("String does not show the redacted field:\n%s", s)
	}
}

func TestEmptyFileIsDefaults(t *testing.T) {
	p := filepath.Join(t.TempDir(), "empty.yaml")
	os.WriteFile(p, nil, 0o644)
	c, err := config.Read(p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Load != config.Default().Load {
		t.Errorf("empty file changed defaults")
	}
}

func TestFieldsDocumentEverything(t *testing.T) {
	fields := config.Fields()
	if len(fields) < 30 {
		t.Fatalf("only %d fields listed", len(fields))
	}
	for _, f := range fields {
		if f.Help == "" {
			t.Errorf("%s has no help text", f.Path)
		}
		if !strings.HasPrefix(f.Env, "CASEWIRE_") {
			t.Errorf("%s env %q", f.Path, f.Env)
		}
	}
}

func TestWebSources(t *testing.T) {
	p := filepath.Join(t.TempDir(), "web.yaml")
	os.WriteFile(p, []byte(`fetch:
  user_agent: "casewire-test/1"
  host_delay: 2s
  sources:
    - name: 乌海公安
      outlet: 乌海市公安局
      region: 乌海市
      feeds: [https://gaj.wuhai.example/rss.xml]
      interval: 10m
    - name: 乌海公安网站
      pages: [https://gaj.wuhai.example/jwzx/]
      link_pattern: '/jwzx/\d+\.html$'
      allow_private: true
    - name: stdin
      paths: ["-"]
`), 0o644)
	c, err := config.Read(p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Fetch.Sources
	if len(s) != 3 || s[0].Feeds[0] != "https://gaj.wuhai.example/rss.xml" || s[0].Interval != 10*time.Minute {
		t.Errorf("feed source: %+v", s)
	}
	if s[1].LinkPattern != `/jwzx/\d+\.html$` || !s[1].AllowPrivate || s[0].AllowPrivate {
		t.Errorf("page source: %+v", s[1])
	}
	if c.Fetch.UserAgent != "casewire-test/1" || c.Fetch.HostDelay != 2*time.Second || c.Fetch.Timeout != config.Default().Fetch.Timeout {
		t.Errorf("fetch settings: %+v", c.Fetch)
	}
}

func TestHTTPAddr(t *testing.T) {
	cases := []struct {
		addr, name, want string
	}{
		{addr: "auto", name: "run", want: "127.0.0.1:9460"},
		{addr: "auto", name: "fetch", want: "127.0.0.1:9461"},
		{addr: "auto", name: "clean", want: "127.0.0.1:9462"},
		{addr: "auto", name: "extract", want: "127.0.0.1:9463"},
		{addr: "auto", name: "load", want: "127.0.0.1:9464"},
		{addr: "off", name: "load", want: ""},
		{addr: "", name: "load", want: ""},
		{addr: ":9090", name: "load", want: ":9090"},
	}
	for _, c := range cases {
		if got := (config.HTTP{Addr: c.addr}).HTTPAddr(c.name); got != c.want {
			t.Errorf("http.addr %q for %s = %q, want %q", c.addr, c.name, got, c.want)
		}
	}
	if config.Default().HTTP.Addr != config.HTTPAuto {
		t.Error("metrics are not on by default")
	}
}

// TestSectionsValidatedApart: a binary validates only the sections it uses,
// so a mistake in fetch's sources stops fetch (and casewire run, which runs
// everything) but not load.
func TestSectionsValidatedApart(t *testing.T) {
	p := filepath.Join(t.TempDir(), "casewire.yaml")
	if err := os.WriteFile(p, []byte("fetch:\n  sources:\n    - name: broken\n      link_pattern: \"(\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	load := config.WorkerSections(config.SectionClickHouse, config.SectionLoad)
	if _, err := config.ReadFor(load, config.Default(), p, nil, nil); err != nil {
		t.Errorf("load stopped by fetch's section: %v", err)
	}
	for name, sections := range map[string][]config.Section{
		"fetch": config.WorkerSections(config.SectionFetch),
		"all":   nil,
	} {
		_, err := config.ReadFor(sections, config.Default(), p, nil, nil)
		if err == nil || !strings.Contains(err.Error(), "fetch.sources[0]") || !config.IsInvalid(err) {
			t.Errorf("%s: err = %v, want a config error naming fetch.sources[0]", name, err)
		}
	}
	// A section load uses still stops it.
	if _, err := config.ReadFor(load, config.Default(), "", nil, []string{"load.batch_rows=0"}); err == nil {
		t.Errorf("load.batch_rows=0 accepted")
	}
	if err := config.Default().ValidateFor("nope"); err == nil {
		t.Errorf("an unknown section validated")
	}
}
