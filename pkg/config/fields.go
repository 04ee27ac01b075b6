package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Field describes one setting, for --help and the documentation.
type Field struct {
	Path    string // yaml path: load.batch_rows
	Env     string // CASEWIRE_LOAD_BATCH_ROWS
	Default string
	Help    string
	Secret  bool
}

// EnvPrefix starts every environment variable casewire reads.
const EnvPrefix = "CASEWIRE_"

// aliases are the conventional names users already have set.
var aliases = map[string]string{
	"NATS_URL":            "nats.url",
	"CLICKHOUSE_ADDR":     "clickhouse.addr",
	"CLICKHOUSE_DATABASE": "clickhouse.database",
	"CLICKHOUSE_USER":     "clickhouse.user",
	"CLICKHOUSE_PASSWORD": "clickhouse.password",
}

// Fields lists every scalar setting with its default.
func Fields() []Field {
	var out []Field
	walk(reflect.ValueOf(Default()), "", func(path string, v reflect.Value, sf reflect.StructField) {
		out = append(out, Field{
			Path: path, Env: envName(path), Default: format(v),
			Help: sf.Tag.Get("help"), Secret: sf.Tag.Get("secret") == "true",
		})
	})
	return out
}

func envName(path string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
}

// walk visits the scalar fields of a struct value; lists of structs (sources)
// are YAML-only and skipped.
func walk(v reflect.Value, prefix string, fn func(path string, v reflect.Value, sf reflect.StructField)) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		name := strings.Split(sf.Tag.Get("yaml"), ",")[0]
		if name == "" || name == "-" {
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		fv := v.Field(i)
		switch {
		case fv.Kind() == reflect.Struct && fv.Type() != reflect.TypeOf(time.Duration(0)):
			walk(fv, path, fn)
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct:
			continue
		default:
			fn(path, fv, sf)
		}
	}
}

func applyEnv(c *Config, lookup func(string) (string, bool)) error {
	for alias, path := range aliases {
		if v, ok := lookup(alias); ok && v != "" {
			if err := set(c, path, v, true); err != nil {
				return fmt.Errorf("environment %s: %w", alias, err)
			}
		}
	}
	var err error
	walk(reflect.ValueOf(c).Elem(), "", func(path string, _ reflect.Value, _ reflect.StructField) {
		if err != nil {
			return
		}
		if v, ok := lookup(envName(path)); ok {
			if serr := set(c, path, v, true); serr != nil {
				err = fmt.Errorf("environment %s: %w", envName(path), serr)
			}
		}
	})
	return err
}

// set assigns one field by its path. Secrets are only accepted from the
// environment: a command line is visible to every user of the machine.
func set(c *Config, path, value string, fromEnv bool) error {
	var found bool
	var err error
	walk(reflect.ValueOf(c).Elem(), "", func(p string, fv reflect.Value, sf reflect.StructField) {
		if p != path {
			return
		}
		found = true
		if sf.Tag.Get("secret") == "true" && !fromEnv {
			err = fmt.Errorf("%s is a secret: set it with %s or %s_file", path, envName(path), path)
			return
		}
		err = parseInto(fv, value)
	})
	if !found {
		return fmt.Errorf("no setting %q", path)
	}
	return err
}

func parseInto(fv reflect.Value, s string) error {
	switch fv.Interface().(type) {
	case time.Duration:
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		fv.SetInt(int64(d))
		return nil
	}
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(s)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("want a whole number, got %q", s)
		}
		fv.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", s)
		}
		fv.SetBool(b)
	case reflect.Slice:
		var parts []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		fv.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("unsupported type %s", fv.Type())
	}
	return nil
}

func format(v reflect.Value) string {
	if d, ok := v.Interface().(time.Duration); ok {
		return d.String()
	}
	if v.Kind() == reflect.Slice {
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = fmt.Sprint(v.Index(i).Interface())
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v.Interface())
}

// String renders the configuration as YAML-like lines with secrets redacted,
// safe to log.
func (c Config) String() string {
	var b strings.Builder
	walk(reflect.ValueOf(c), "", func(path string, v reflect.Value, sf reflect.StructField) {
		val := format(v)
		if sf.Tag.Get("secret") == "true" && val != "" {
			val = "<redacted>"
		}
		fmt.Fprintf(&b, "%s: %s\n", path, val)
	})
	for i, s := range c.Fetch.Sources {
		fmt.Fprintf(&b, "fetch.sources[%d]: %s %v\n", i, s.Name, s.Paths)
	}
	return b.String()
}
