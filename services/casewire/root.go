package main

import (
	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/process"
)

func rootCommand() *cobra.Command {
	var flags process.Flags
	root := &cobra.Command{
		Use:           "casewire",
		Short:         "casewire turns Chinese public-security news into statistics in ClickHouse",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	flags.Bind(root)
	root.AddCommand(runCommand(&flags), migrateCommand(&flags), configCommand(&flags), statusCommand(&flags))
	root.AddCommand(dlqCommand(&flags), publishCommand(&flags))
	root.AddCommand(benchCommand(&flags))
	root.AddCommand(qualityCommand(&flags))
	return root
}
