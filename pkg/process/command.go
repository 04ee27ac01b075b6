package process

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/connect"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

// Flags are the options every casewire binary takes.
type Flags struct {
	ConfigFile string
	Sets       []string
}

// Bind adds --config and --set to a command.
func (f *Flags) Bind(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.ConfigFile, "config", os.Getenv("CASEWIRE_CONFIG"), "YAML configuration file (env CASEWIRE_CONFIG)")
	cmd.PersistentFlags().StringArrayVar(&f.Sets, "set", nil, "override a setting, path=value (e.g. --set load.batch_rows=5000); repeatable; secrets only from the environment")
}

// Load reads the configuration the flags point at, with the process
// environment, on top of base (config.Default() for most commands).
func (f *Flags) Load(base config.Config) (config.Config, error) {
	return config.ReadFrom(base, f.ConfigFile, os.LookupEnv, f.Sets)
}

// LoadFor is Load validating only the given sections.
func (f *Flags) LoadFor(sections []config.Section, base config.Config) (config.Config, error) {
	return config.ReadFor(sections, base, f.ConfigFile, os.LookupEnv, f.Sets)
}

// Runtime is what a running worker gets: configuration, logger, metrics, and
// its JetStream connection.
type Runtime struct {
	stage.Env
	NC       *nats.Conn
	URL      string // the NATS server's URL (the embedded server's own when nats.url is "embedded")
	Registry *prometheus.Registry
	Checks   map[string]Check
}

// HTTPHandler is what the service serves on http.addr: metrics, health and
// readiness, and the profiles when http.pprof is on.
func (rt *Runtime) HTTPHandler() http.Handler {
	h := Handler(rt.Registry, rt.Checks)
	if rt.Config.HTTP.Pprof {
		h = Profiling(h)
	}
	return h
}

// WorkerSpec describes one stage binary.
type WorkerSpec struct {
	Name  string
	Short string
	Long  string
	// Stdio runs the stage as a Unix filter (no NATS); nil if it has none.
	Stdio func(ctx context.Context, cfg config.Config, args []string, in io.Reader, out, errw io.Writer) error
	// Run runs the stage against JetStream until ctx ends.
	Run func(ctx context.Context, rt *Runtime, args []string) error
	// Args validates positional arguments (default: none allowed).
	Args cobra.PositionalArgs
	// Uses are the configuration sections of the stage beyond those of
	// every worker (config.WorkerSections): only these are validated, so a
	// mistake in another stage's section does not stop this one.
	Uses []config.Section
	// Checks adds readiness checks beyond NATS (load: ClickHouse); the
	// returned function releases what they hold. Optional.
	Checks func(ctx context.Context, cfg config.Config) (map[string]Check, func(), error)
}

// WorkerCommand builds the cobra command of a stage binary.
func WorkerCommand(spec WorkerSpec) *cobra.Command {
	var flags Flags
	var stdio bool
	cmd := &cobra.Command{
		Use:           spec.Name,
		Short:         spec.Short,
		Long:          spec.Long,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          spec.Args,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := flags.LoadFor(config.WorkerSections(spec.Uses...), config.Default())
			if err != nil {
				return err
			}
			ctx, stop := SignalContext(cmd.Context())
			defer stop()
			if stdio {
				if spec.Stdio == nil {
					return fmt.Errorf("%s has no --stdio mode", spec.Name)
				}
				return spec.Stdio(ctx, cfg, args, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
			}
			if len(args) > 0 && spec.Args == nil {
				return fmt.Errorf("unexpected arguments %q (paths are for --stdio)", args)
			}
			log, err := NewLogger(cfg.Log, os.Stderr)
			if err != nil {
				return err
			}
			log = log.With("service", spec.Name)
			rt, cleanup, err := StartRuntime(ctx, cfg, spec.Name, log)
			if err != nil {
				return err
			}
			defer cleanup()
			if spec.Checks != nil {
				checks, release, err := spec.Checks(ctx, cfg)
				if err != nil {
					return err
				}
				defer release()
				for n, c := range checks {
					rt.Checks[n] = c
				}
			}
			go func() {
				if err := Serve(ctx, cfg.HTTP.HTTPAddr(spec.Name), rt.HTTPHandler(), log, nil); err != nil {
					log.Error("metrics server", "err", err)
				}
			}()
			log.Info("started", "nats", redactURL(cfg.NATS.URL))
			err = spec.Run(ctx, rt, args)
			log.Info("stopped", "err", err)
			return err
		},
	}
	if spec.Stdio != nil {
		cmd.Flags().BoolVar(&stdio, "stdio", false, "run as a Unix filter: JSON Lines in on stdin, out on stdout, errors on stderr; no NATS")
	}
	flags.Bind(cmd)
	cmd.AddCommand(healthcheckCommand(spec.Name, config.WorkerSections(spec.Uses...), &flags))
	return cmd
}

// StartRuntime connects to NATS (starting the embedded server if nats.url is
// "embedded"), lays out the topology and creates the metrics.
func StartRuntime(ctx context.Context, cfg config.Config, name string, log *slog.Logger) (*Runtime, func(), error) {
	var cleanups []func()
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	url := cfg.NATS.URL
	if url == connect.EmbeddedURL {
		srv, u, err := connect.StartEmbedded(cfg.NATS, log)
		if err != nil {
			return nil, nil, err
		}
		cleanups = append(cleanups, func() { srv.Shutdown(); srv.WaitForShutdown() })
		url = u
	}
	nc, js, err := connect.NATS(ctx, cfg.NATS, url, name, cfg.Streams, log)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	// Drain rather than close: publishes in flight are flushed first.
	cleanups = append(cleanups, func() { _ = nc.Drain() })
	reg := NewRegistry()
	m, err := stage.NewMetrics(reg)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	hops := lagHops(name)
	for _, h := range hops {
		m.InitStages(h.Stage)
	}
	if err := reg.Register(stage.NewDeadLetterCollector(func(ctx context.Context) (map[string]uint64, error) {
		return deadletter.Count(ctx, js)
	}, topology.Stages(), lagScrapeTimeout)); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("register dead-letter metrics: %w", err)
	}
	if len(hops) > 0 {
		if err := reg.Register(stage.NewLagCollector(stage.JetStreamConsumers(js, hops), lagScrapeTimeout)); err != nil {
			cleanup()
			return nil, nil, fmt.Errorf("register consumer lag metrics: %w", err)
		}
	}
	rt := &Runtime{
		Env:      stage.Env{JS: js, Config: cfg, Log: log, Metrics: m},
		NC:       nc,
		URL:      url,
		Registry: reg,
		Checks:   map[string]Check{"nats": NATSCheck(nc)},
	}
	return rt, cleanup, nil
}

// SignalContext ends on SIGINT or SIGTERM, so workers drain in-flight
// messages before the process exits.
func SignalContext(parent context.Context) (context.Context, context.CancelFunc) {
	if parent == nil {
		parent = context.Background()
	}
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

// Main runs a command and turns its error into an exit status: 2 for a
// configuration that cannot be used (config.Error), 1 for any other failure.
// It is the whole of every binary's main.
func Main(cmd *cobra.Command) int {
	err := cmd.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintf(os.Stderr, "%s: %v\n", cmd.Name(), err)
	return ExitCode(err)
}

// ExitCode is the exit status of a command that failed with err.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case config.IsInvalid(err):
		return 2
	default:
		return 1
	}
}

// redactURL hides credentials a NATS URL may carry (nats://user:pass@host),
// so that a log never shows a secret.
func redactURL(s string) string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if u, err := url.Parse(part); err == nil && u.User != nil {
			u.User = url.User("redacted")
			part = u.String()
		}
		out = append(out, part)
	}
	return strings.Join(out, ",")
}

// lagScrapeTimeout bounds the consumer info requests of one scrape, so a
// scrape while NATS is away answers (with casewire_consumer_info_up 0)
// instead of hanging past Prometheus' own timeout.
const lagScrapeTimeout = 2 * time.Second

// lagHops are the consumers whose lag a process exports: a stage worker its
// own (every replica reports the same numbers, so dashboards take max by
// stage), the all-in-one run every stage, fetch none.
func lagHops(name string) []topology.Hop {
	if h, err := topology.HopFor(name); err == nil {
		return []topology.Hop{h}
	}
	if name == "run" {
		return topology.Hops()
	}
	return nil
}
