// Package config is the one configuration every casewire service reads: a
// YAML file, then environment variables, then --set flags, each overriding
// the one before. Every field has a default (Default), a YAML path such as
// "load.batch_rows", an environment variable derived from the path
// (CASEWIRE_LOAD_BATCH_ROWS), and is validated at start with errors that name
// the field. Secrets (passwords, tokens) come from the environment or from
// files only: --set refuses them, and String redacts them.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole configuration.
type Config struct {
	NATS       NATS       `yaml:"nats"`
	ClickHouse ClickHouse `yaml:"clickhouse"`
	Streams    Streams    `yaml:"streams"`
	Fetch      Fetch      `yaml:"fetch"`
	Clean      Clean      `yaml:"clean"`
	Extract    Extract    `yaml:"extract"`
	Load       Load       `yaml:"load"`
	HTTP       HTTP       `yaml:"http"`
	Log        Log        `yaml:"log"`
}

// TLS configures a TLS client.
type TLS struct {
	Enabled            bool   `yaml:"enabled" help:"use TLS"`
	CAFile             string `yaml:"ca_file" help:"CA bundle to verify the server (default: system roots)"`
	CertFile           string `yaml:"cert_file" help:"client certificate for mutual TLS"`
	KeyFile            string `yaml:"key_file" help:"client key for mutual TLS"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify" help:"do not verify the server certificate (tests only)"`
}

// NATS says how to reach JetStream and authenticate.
type NATS struct {
	URL          string `yaml:"url" help:"NATS server URL(s), comma separated; \"embedded\" runs an in-process server (single node)"`
	Listen       string `yaml:"listen" help:"host:port the embedded server listens on (casewire run); port 0 picks a free one"`
	StoreDir     string `yaml:"store_dir" help:"JetStream storage of the embedded server; casewire run also writes its address here (casewire-run.json)"`
	User         string `yaml:"user" help:"user name"`
	Password     string `yaml:"password" secret:"true" help:"password (environment or password_file only)"`
	PasswordFile string `yaml:"password_file" help:"file holding the password"`
	Token        string `yaml:"token" secret:"true" help:"token (environment or token_file only)"`
	TokenFile    string `yaml:"token_file" help:"file holding the token"`
	NKeyFile     string `yaml:"nkey_file" help:"NKey seed file"`
	CredsFile    string `yaml:"creds_file" help:"user credentials file (JWT + NKey)"`
	TLS          TLS    `yaml:"tls"`
}

// ClickHouse says how to reach the warehouse.
type ClickHouse struct {
	Addr         string        `yaml:"addr" help:"native protocol host:port, comma separated for several replicas"`
	Database     string        `yaml:"database" help:"database casewire writes to"`
	Cluster      string        `yaml:"cluster" help:"ClickHouse cluster (remote_servers) whose Distributed and replicated tables load creates and migrates ON CLUSTER; empty: one server"`
	User         string        `yaml:"user" help:"user name"`
	Password     string        `yaml:"password" secret:"true" help:"password (environment or password_file only)"`
	PasswordFile string        `yaml:"password_file" help:"file holding the password"`
	DialTimeout  time.Duration `yaml:"dial_timeout" help:"connect timeout"`
	TLS          TLS           `yaml:"tls"`
}

// Streams tunes the JetStream streams and consumers (see package topology).
type Streams struct {
	Replicas      int           `yaml:"replicas" help:"stream replicas: 1 on one server, 3 on a NATS cluster"`
	MaxAge        time.Duration `yaml:"max_age" help:"how long each hop keeps messages for replay"`
	DeadLetterAge time.Duration `yaml:"dead_letter_age" help:"how long dead letters are kept"`
	Duplicates    time.Duration `yaml:"duplicates" help:"Nats-Msg-Id duplicate window"`
	AckWait       time.Duration `yaml:"ack_wait" help:"redelivery after this long without an ack"`
	MaxDeliver    int           `yaml:"max_deliver" help:"deliveries before a message is dead-lettered"`
	MaxAckPending int           `yaml:"max_ack_pending" help:"messages in flight per consumer (bounds memory)"`
}

// Source is one configured input of fetch. A source lists local paths, feeds,
// web pages, or any mix; its name is part of every article id.
type Source struct {
	Name    string `yaml:"name"`
	Outlet  string `yaml:"outlet"`
	Region  string `yaml:"region"`  // default region: 乌海市 for 乌海公安
	Charset string `yaml:"charset"` // declared encoding of local files
	// Paths are files, folders (watched) and dumps (Sogou <doc>, JSON Lines);
	// "-" is standard input.
	Paths []string `yaml:"paths"`
	Feeds []string `yaml:"feeds"` // RSS and Atom URLs
	// Pages are web pages fetched as articles, or listing pages whose links
	// matching LinkPattern are fetched (one level).
	Pages       []string `yaml:"pages"`
	LinkPattern string   `yaml:"link_pattern"`
	// FeedContent takes the article from the feed item instead of fetching
	// the page it links to: for full-text feeds.
	FeedContent bool          `yaml:"feed_content"`
	Interval    time.Duration `yaml:"interval"` // between polls of feeds and pages; 0: fetch.poll_interval
	// AllowPrivate lets this source reach private, loopback and link-local
	// addresses (an intranet site, tests); refused by default.
	AllowPrivate bool `yaml:"allow_private"`
}

// Fetch configures the fetch stage.
type Fetch struct {
	Sources       []Source      `yaml:"sources"`
	WatchInterval time.Duration `yaml:"watch_interval" help:"time between rescans of watched folders (changes are also picked up at once by file notifications)"`
	MaxBytes      int64         `yaml:"max_bytes" help:"largest file, dump record or web response accepted"`
	PollInterval  time.Duration `yaml:"poll_interval" help:"default time between polls of a source's feeds and pages"`
	UserAgent     string        `yaml:"user_agent" help:"User-Agent of web requests; empty: casewire/<version> (+contact_url)"`
	ContactURL    string        `yaml:"contact_url" help:"page telling site owners what casewire is and how to reach its operator (in the User-Agent)"`
	Timeout       time.Duration `yaml:"timeout" help:"time limit of one web request, body included"`
	Retries       int           `yaml:"retries" help:"retries of a web request after a 5xx, 429 or network error, with backoff"`
	HostDelay     time.Duration `yaml:"host_delay" help:"least time between two requests to the same host"`
	MaxRedirects  int           `yaml:"max_redirects" help:"redirects followed per request"`
}

// Clean configures the clean stage.
type Clean struct {
	Concurrency int `yaml:"concurrency" help:"messages cleaned at once"`
}

// Extract configures the extract stage.
type Extract struct {
	Concurrency    int      `yaml:"concurrency" help:"messages extracted at once"`
	DictFiles      []string `yaml:"dict_files" help:"extra dictionary files (word, frequency, POS per line)"`
	MemoryLimitMiB int64    `yaml:"memory_limit_mib" help:"soft memory limit of the extract service in MiB (Go GC target; GOMEMLIMIT wins; 0 none)"`
}

// Load configures the load stage's batching.
type Load struct {
	BatchRows  int           `yaml:"batch_rows" help:"flush after this many articles"`
	BatchBytes int           `yaml:"batch_bytes" help:"flush after this many payload bytes"`
	BatchWait  time.Duration `yaml:"batch_wait" help:"flush this long after a batch's first article"`
}

// HTTP configures the metrics and health endpoint.
type HTTP struct {
	// "auto" gives each binary its own documented port (see DefaultHTTPAddr)
	// so that all of them can run on one machine.
	Addr string `yaml:"addr" help:"listen address of /metrics, /healthz, /readyz; auto: the binary's own port (run 9460, fetch 9461, clean 9462, extract 9463, load 9464) on 127.0.0.1; off disables"`
	// Off by default: profiles reveal internals and cost CPU while taken.
	Pprof bool `yaml:"pprof" help:"also serve Go's /debug/pprof/ profiles on the same address"`
}

// Log configures logging.
type Log struct {
	Format string `yaml:"format" help:"text, json, or auto (text on a terminal, json otherwise)"`
	Level  string `yaml:"level" help:"debug, info, warn, error"`
}

// DefaultNATSURL is where the tools look for NATS when nothing is set: the
// address the embedded server of casewire run listens on by default, and the
// nats command-line client's default too.
const DefaultNATSURL = "nats://127.0.0.1:4222"

// HTTPAuto and HTTPOff are the special values of http.addr.
const (
	HTTPAuto = "auto"
	HTTPOff  = "off"
)

// HTTPAddr resolves http.addr for the binary name: "auto" becomes its own
// port on the loopback address, "off" (or empty) no endpoint at all.
func (h HTTP) HTTPAddr(name string) string {
	switch h.Addr {
	case HTTPOff, "":
		return ""
	case HTTPAuto:
		// Distinct documented ports, so a whole pipeline runs on one machine.
		switch name {
		case "run":
			return "127.0.0.1:9460"
		case "fetch":
			return "127.0.0.1:9461"
		case "clean":
			return "127.0.0.1:9462"
		case "extract":
			return "127.0.0.1:9463"
		case "load":
			return "127.0.0.1:9464"
		}
		return ""
	}
	return h.Addr
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		NATS:       NATS{URL: DefaultNATSURL, Listen: "127.0.0.1:4222", StoreDir: ".data/nats"},
		ClickHouse: ClickHouse{Addr: "127.0.0.1:19000", Database: "casewire", User: "default", DialTimeout: 5 * time.Second},
		Streams: Streams{
			Replicas: 1, MaxAge: 7 * 24 * time.Hour, DeadLetterAge: 30 * 24 * time.Hour,
			// Long enough to cover a worker's restart and retries; a redelivery
			// inside it publishes the same ids and is dropped by the server.
			Duplicates: 20 * time.Minute, AckWait: 30 * time.Second, MaxDeliver: 8, MaxAckPending: 1024,
		},
		Fetch: Fetch{
			WatchInterval: 2 * time.Second, MaxBytes: 4 << 20, PollInterval: 15 * time.Minute,
			ContactURL: "https://example.invalid/casewire", Timeout: 30 * time.Second,
			Retries: 3, HostDelay: time.Second, MaxRedirects: 5,
		},
		Clean:   Clean{Concurrency: 2},
		Extract: Extract{Concurrency: 2, MemoryLimitMiB: 270},
		// Large, infrequent inserts, as ClickHouse advises: under load a batch
		// fills to batch_rows long before batch_wait, while a quiet feed is
		// flushed after half a second, so an article is visible within about
		// a second of being fetched.
		Load: Load{BatchRows: 1000, BatchBytes: 16 << 20, BatchWait: 500 * time.Millisecond},
		HTTP: HTTP{Addr: HTTPAuto},
		Log:  Log{Format: "auto", Level: "info"},
	}
}

// Read reads the configuration: defaults, then the YAML file (if path is not
// empty), then the environment (lookup, normally os.LookupEnv), then the
// --set assignments "path=value". It validates the result.
func Read(path string, lookup func(string) (string, bool), sets []string) (Config, error) {
	return ReadFrom(Default(), path, lookup, sets)
}

// ReadFrom is Read starting from base instead of Default: a command with
// other defaults (casewire run embeds NATS) passes its own.
func ReadFrom(base Config, path string, lookup func(string) (string, bool), sets []string) (Config, error) {
	return ReadFor(nil, base, path, lookup, sets)
}

// ReadFor is ReadFrom validating only the given sections (nil: all), so a
// binary is not stopped by a mistake in a section it never reads: a bad
// fetch.sources must not stop load.
func ReadFor(sections []Section, base Config, path string, lookup func(string) (string, bool), sets []string) (Config, error) {
	c, err := readFrom(sections, base, path, lookup, sets)
	return c, Invalid(err)
}

func readFrom(sections []Section, base Config, path string, lookup func(string) (string, bool), sets []string) (Config, error) {
	c := base
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		// An empty file stands for "all defaults".
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if lookup != nil {
		if err := applyEnv(&c, lookup); err != nil {
			return c, err
		}
	}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return c, fmt.Errorf("--set %q: want path=value", s)
		}
		if err := set(&c, strings.TrimSpace(k), v, false); err != nil {
			return c, fmt.Errorf("--set %s: %w", k, err)
		}
	}
	if err := c.resolveSecrets(); err != nil {
		return c, err
	}
	if err := c.ValidateFor(sections...); err != nil {
		return c, err
	}
	return c, nil
}

// resolveSecrets reads secrets from their files.
func (c *Config) resolveSecrets() error {
	read := func(field, file string, dst *string) error {
		if file == "" {
			return nil
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("config %s: %w", field, err)
		}
		*dst = strings.TrimSpace(string(b))
		return nil
	}
	return errors.Join(
		read("nats.password_file", c.NATS.PasswordFile, &c.NATS.Password),
		read("nats.token_file", c.NATS.TokenFile, &c.NATS.Token),
		read("clickhouse.password_file", c.ClickHouse.PasswordFile, &c.ClickHouse.Password),
	)
}

// Section is a top-level part of the configuration, named by its YAML key.
type Section string

// The sections. A binary uses Runtime plus its stage's own.
const (
	SectionNATS       Section = "nats"
	SectionClickHouse Section = "clickhouse"
	SectionStreams    Section = "streams"
	SectionFetch      Section = "fetch"
	SectionClean      Section = "clean"
	SectionExtract    Section = "extract"
	SectionLoad       Section = "load"
	SectionHTTP       Section = "http"
	SectionLog        Section = "log"
)

// WorkerSections are the sections every worker uses (its connection, the
// topology it lays out, its endpoint and its logs), then its stage's own.
func WorkerSections(own ...Section) []Section {
	return append([]Section{SectionNATS, SectionStreams, SectionHTTP, SectionLog}, own...)
}

// Validate checks every field and names the ones that are wrong.
func (c Config) Validate() error { return c.ValidateFor() }

// ValidateFor checks the fields of the given sections (none: every section)
// and names the ones that are wrong.
func (c Config) ValidateFor(sections ...Section) error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config %s: "+format, append([]any{field}, args...)...))
	}
	checks := map[Section]func(){
		SectionNATS: func() {
			if c.NATS.URL == "" {
				bad("nats.url", "must be set")
			}
			if c.NATS.Token != "" && c.NATS.User != "" {
				bad("nats.token", "use either a token or a user, not both")
			}
			if c.NATS.TLS.CertFile != "" && c.NATS.TLS.KeyFile == "" {
				bad("nats.tls.key_file", "needed with cert_file")
			}
		},
		SectionClickHouse: func() {
			if c.ClickHouse.Addr == "" {
				bad("clickhouse.addr", "must be set")
			}
			if c.ClickHouse.Database == "" || strings.ContainsAny(c.ClickHouse.Database, "`\"' ;.") {
				bad("clickhouse.database", "must be a plain identifier, got %q", c.ClickHouse.Database)
			}
		},
		SectionStreams: func() {
			if c.Streams.Replicas < 1 || c.Streams.Replicas > 5 {
				bad("streams.replicas", "must be 1 to 5, got %d", c.Streams.Replicas)
			}
			if c.Streams.MaxDeliver < 2 {
				bad("streams.max_deliver", "must be at least 2, got %d", c.Streams.MaxDeliver)
			}
			if c.Streams.AckWait < time.Second {
				bad("streams.ack_wait", "must be at least 1s, got %s", c.Streams.AckWait)
			}
			if c.Streams.MaxAckPending < 1 {
				bad("streams.max_ack_pending", "must be positive")
			}
		},
		SectionFetch: func() {
			if c.Fetch.MaxBytes < 1 {
				bad("fetch.max_bytes", "must be positive")
			}
			c.Fetch.validate(bad)
		},
		SectionClean: func() {
			if c.Clean.Concurrency < 1 {
				bad("clean.concurrency", "must be positive")
			}
		},
		SectionExtract: func() {
			if c.Extract.Concurrency < 1 {
				bad("extract.concurrency", "must be positive")
			}
			if c.Extract.MemoryLimitMiB < 0 {
				bad("extract.memory_limit_mib", "must be 0 (none) or positive")
			}
		},
		SectionLoad: func() {
			if c.Load.BatchRows < 1 {
				bad("load.batch_rows", "must be positive")
			}
			if c.Load.BatchWait <= 0 {
				bad("load.batch_wait", "must be positive")
			}
			if c.Load.BatchWait >= c.Streams.AckWait {
				bad("load.batch_wait", "must be shorter than streams.ack_wait (%s)", c.Streams.AckWait)
			}
		},
		SectionHTTP: func() {},
		SectionLog: func() {
			switch c.Log.Format {
			case "auto", "text", "json":
			default:
				bad("log.format", "must be auto, text or json, got %q", c.Log.Format)
			}
			switch c.Log.Level {
			case "debug", "info", "warn", "error":
			default:
				bad("log.level", "must be debug, info, warn or error, got %q", c.Log.Level)
			}
		},
	}
	if len(sections) == 0 {
		// Every section, in the order Validate has always reported them.
		sections = []Section{SectionNATS, SectionClickHouse, SectionStreams, SectionClean, SectionExtract, SectionLoad, SectionFetch, SectionHTTP, SectionLog}
	}
	for _, s := range sections {
		check, ok := checks[s]
		if !ok {
			return fmt.Errorf("config: no section %q", s)
		}
		check()
	}
	return errors.Join(errs...)
}
