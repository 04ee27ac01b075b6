package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/chconn"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/connect"
	"github.com/casewire/casewire/pkg/process"
	"github.com/casewire/casewire/pkg/status"
)

func statusCommand(flags *process.Flags) *cobra.Command {
	var sample, timeout time.Duration
	var asJSON, noClickHouse bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show each stage's backlog, in-flight messages, redeliveries, dead letters and rate, and how fresh ClickHouse is",
		Long: "status reads the stages' JetStream consumers twice, --sample apart, and prints\n" +
			"per stage: pending (stored, not yet delivered), unacked (delivered, in flight), redelivered,\n" +
			"dead letters, the rate messages arrive and are acknowledged, and idle pull requests (idle\n" +
			"workers). NATS is nats.url, or where a running \"casewire run\" listens (it writes its address\n" +
			"in nats.store_dir). Then the newest article in ClickHouse at clickhouse.addr and its lag: how long\n" +
			"since anything was loaded, and how old the newest news is.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := flags.Load(config.Default())
			if err != nil {
				return err
			}
			ctx, stop := process.SignalContext(cmd.Context())
			defer stop()
			ctx, cancel := context.WithTimeout(ctx, timeout+sample)
			defer cancel()
			log, err := process.NewLogger(cfg.Log, os.Stderr)
			if err != nil {
				return err
			}
			r, err := readStatus(ctx, cfg, sample, !noClickHouse, log)
			if err != nil {
				return err
			}
			if asJSON {
				return r.WriteJSON(cmd.OutOrStdout())
			}
			return r.Write(cmd.OutOrStdout())
		},
	}
	cmd.Flags().DurationVar(&sample, "sample", 2*time.Second, "time between the two readings the rates come from")
	cmd.Flags().DurationVar(&timeout, "timeout", 15*time.Second, "give up if NATS or ClickHouse do not answer within this")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	cmd.Flags().BoolVar(&noClickHouse, "no-clickhouse", false, "skip ClickHouse")
	return cmd
}

func readStatus(ctx context.Context, cfg config.Config, sample time.Duration, withClickHouse bool, log *slog.Logger) (status.Report, error) {
	// Read only: a monitoring user needs no right to change the topology.
	nc, js, err := connect.NATSTool(ctx, cfg.NATS, cfg.Streams, "status", false, log)
	if err != nil {
		return status.Report{}, err
	}
	defer nc.Close()
	var conn driver.Conn
	var chErr error
	if withClickHouse {
		conn, chErr = chconn.Open(ctx, cfg.ClickHouse)
		if chErr == nil {
			defer conn.Close()
		}
	}
	r, err := status.Read(ctx, js, conn, cfg.ClickHouse.Database, sample, time.Now, status.Sleep)
	if err != nil {
		return r, fmt.Errorf("status of %s: %w", nc.ConnectedUrlRedacted(), err)
	}
	if withClickHouse {
		if r.Warehouse == nil {
			r.Warehouse = &status.Warehouse{Database: cfg.ClickHouse.Database}
			if chErr != nil {
				r.Warehouse.Err = chErr.Error()
			}
		}
		r.Warehouse.Addr = cfg.ClickHouse.Addr
	}
	return r, nil
}
