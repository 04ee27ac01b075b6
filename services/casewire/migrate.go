package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/process"
	"github.com/casewire/casewire/pkg/warehouse"
)

func migrateCommand(flags *process.Flags) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the ClickHouse schema and load the divisions table (load does this at start too)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := flags.Load(config.Default())
			if err != nil {
				return err
			}
			w, err := warehouse.Open(cmd.Context(), cfg, nil)
			if err != nil {
				return err
			}
			if err := w.Close(); err != nil {
				return fmt.Errorf("close ClickHouse connection: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "schema of %s at %s is up to date\n", cfg.ClickHouse.Database, cfg.ClickHouse.Addr)
			return nil
		},
	}
}
