package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/process"
)

func configCommand(flags *process.Flags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show the effective configuration (secrets redacted), or every setting with --fields",
		Args:  cobra.NoArgs,
	}
	fields := cmd.Flags().Bool("fields", false, "list every setting: YAML path, environment variable, default, meaning")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		out := cmd.OutOrStdout()
		if *fields {
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PATH\tENVIRONMENT\tDEFAULT\tMEANING")
			for _, f := range config.Fields() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Path, f.Env, f.Default, f.Help)
			}
			return tw.Flush()
		}
		cfg, err := flags.Load(config.Default())
		if err != nil {
			return err
		}
		fmt.Fprint(out, cfg.String())
		return nil
	}
	return cmd
}
