package deploytest

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/casewire/casewire/pkg/config"
)

// exampleConfig renders every setting of config.Fields with its help text,
// environment variable and default, nested as the YAML file nests them.
func exampleConfig(t *testing.T) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString(`# casewire configuration: one file for every service (fetch, clean, extract,
# load, and the casewire tool). Every value below is the default, so this file
# changes nothing as it is: copy it, keep what you change, delete the rest.
#
# Precedence: defaults < this file (--config FILE or CASEWIRE_CONFIG) <
# environment (CASEWIRE_<PATH>, e.g. CASEWIRE_LOAD_BATCH_ROWS; also NATS_URL,
# CLICKHOUSE_ADDR, CLICKHOUSE_DATABASE, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD) <
# --set path=value. Settings are validated at start; an error names the field.
# Secrets (passwords, tokens) are set only through the environment or a
# *_file setting, never on the command line; they are shown commented out.
#
# Generated from config.Fields() by
#   go test ./pkg/deploytest -run TestExampleConfig -update
# and checked by the same test, so it cannot drift from the code.
`)
	var open []string // the sections currently open
	for _, f := range config.Fields() {
		parts := strings.Split(f.Path, ".")
		sections, key := parts[:len(parts)-1], parts[len(parts)-1]
		common := 0
		for common < len(open) && common < len(sections) && open[common] == sections[common] {
			common++
		}
		for i := common; i < len(sections); i++ {
			indent := strings.Repeat("  ", i)
			if i == 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%s%s:\n", indent, sections[i])
			if i == 0 && sections[i] == "fetch" {
				b.WriteString(fetchSources(t))
			}
		}
		open = sections
		indent := strings.Repeat("  ", len(sections))
		fmt.Fprintf(&b, "%s# %s\n", indent, f.Help)
		fmt.Fprintf(&b, "%s# env %s\n", indent, f.Env)
		if f.Secret {
			fmt.Fprintf(&b, "%s# %s: \"\"  (secret: set %s or %s_file)\n", indent, key, f.Env, key)
			continue
		}
		fmt.Fprintf(&b, "%s%s: %s\n", indent, key, yamlScalar(t, f))
	}
	return []byte(b.String())
}

// sourceKeys gives an example value and a description for each field of
// config.Source (from its comments there); a field missing here fails
// TestExampleConfig.
var sourceKeys = map[string][2]string{
	"name":          {"乌海公安", "required: part of every article id"},
	"outlet":        {"乌海市公安局", "publisher; fills outlet when the text names none, and 本报讯"},
	"region":        {"乌海市", "default region, a hint for place names"},
	"charset":       {"gbk", "declared encoding of local files"},
	"paths":         {"[/feed/wuhai]", `files, folders (watched), dumps; "-" is stdin`},
	"feeds":         {"[https://example.invalid/rss.xml]", "RSS and Atom URLs"},
	"pages":         {"[https://example.invalid/list.html]", "pages, or listings whose links are fetched"},
	"link_pattern":  {"/content/", "links of a listing page to fetch"},
	"feed_content":  {"false", "take the article from the feed item (full-text feeds)"},
	"interval":      {"15m", "between polls of feeds and pages; 0: fetch.poll_interval"},
	"allow_private": {"false", "may reach private and loopback addresses (intranet)"},
}

// sourceExamplePrefix starts each line of the commented source example.
const sourceExamplePrefix = "  #  "

// fetchSources documents the one setting that is a list of records (and so
// has no environment variable), with every field of config.Source.
func fetchSources(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("  # Inputs, each a source whose name becomes part of every article id.\n")
	b.WriteString("  # YAML only (no environment variable). Every field of a source:\n")
	b.WriteString(sourceExamplePrefix + "sources:\n")
	st := reflect.TypeOf(config.Source{})
	for i := range st.NumField() {
		key := strings.Split(st.Field(i).Tag.Get("yaml"), ",")[0]
		kv, ok := sourceKeys[key]
		if !ok {
			t.Errorf("config.Source field %s (%s) is not documented: add it to sourceKeys", st.Field(i).Name, key)
			continue
		}
		lead := "    "
		if i == 0 {
			lead = "  - "
		}
		line := lead + key + ": " + kv[0]
		// Align the descriptions; widths in runes, Han characters count two.
		pad := 48 - width(line)
		if pad < 1 {
			pad = 1
		}
		fmt.Fprintf(&b, "%s%s%s# %s\n", sourceExamplePrefix, line, strings.Repeat(" ", pad), kv[1])
	}
	b.WriteString("  sources: []\n")
	return b.String()
}

func width(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x2E80 {
			n++
		}
	}
	return n
}

// yamlScalar renders a default as YAML of the field's Go type.
func yamlScalar(t *testing.T, f config.Field) string {
	t.Helper()
	if f.Default == "" {
		if strings.HasSuffix(f.Path, "dict_files") {
			return "[]"
		}
		return `""`
	}
	if strings.HasSuffix(f.Path, "dict_files") {
		return "[" + f.Default + "]"
	}
	out, err := yaml.Marshal(f.Default)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSpace(string(out))
	// Numbers and booleans are written bare so they decode as such.
	if strings.Trim(s, `'"`) != s && isBareScalar(f.Default) {
		s = f.Default
	}
	return s
}

func isBareScalar(s string) bool {
	if s == "true" || s == "false" {
		return true
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

func TestExampleConfig(t *testing.T) {
	path := deployments(t, "casewire.yaml")
	golden(t, path, exampleConfig(t))

	// The file as shipped changes nothing: it decodes (unknown keys are
	// errors) to exactly the defaults.
	got, err := config.Read(path, nil, nil)
	if err != nil {
		t.Fatalf("deployments/casewire.yaml does not load: %v", err)
	}
	want := config.Default()
	got.Fetch.Sources, want.Fetch.Sources = nil, nil
	if len(got.Extract.DictFiles) == 0 {
		got.Extract.DictFiles = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("deployments/casewire.yaml is not the defaults:\n got  %s\n want %s", got, want)
	}
	text := string(readFile(t, path))

	// The commented source example, uncommented, is a valid source.
	var example []string
	for _, l := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(l, sourceExamplePrefix); ok {
			example = append(example, "  "+rest)
		}
	}
	file := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(file, []byte("fetch:\n"+strings.Join(example, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := config.Read(file, nil, nil)
	if err != nil {
		t.Errorf("the example source does not load: %v", err)
	} else if len(c.Fetch.Sources) != 1 || c.Fetch.Sources[0].Name != "乌海公安" || c.Fetch.Sources[0].Interval != 15*time.Minute {
		t.Errorf("the example source loads as %+v", c.Fetch.Sources)
	}
	for _, f := range config.Fields() {
		if !strings.Contains(text, "# env "+f.Env+"\n") {
			t.Errorf("deployments/casewire.yaml does not document %s (%s)", f.Path, f.Env)
		}
	}
}
