package main

import (
	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/process"
	"github.com/casewire/casewire/services/casewire/internal/quality"
)

func qualityCommand(flags *process.Flags) *cobra.Command {
	var cleanOnly bool
	var region string
	cmd := &cobra.Command{
		Use:   "quality PATH...",
		Short: "Clean and extract files offline and report what came out: errors, quality flags, facts, unexplained numbers",
		Long: "quality reads files and folders as fetch does, cleans every article and, unless\n" +
			"--clean-only, extracts it, then prints: articles out, errors, quality flags raised,\n" +
			"charsets used; facts per article, the share of the numbers in the text that became\n" +
			"facts, and every number left unexplained with its context. No NATS or ClickHouse.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := flags.Load(config.Default())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			sum, arts, err := quality.Clean(args, cmd.InOrStdin(), fetch.Source{Name: "quality", Region: region}, clean.New(clean.Options{}))
			if err != nil {
				return err
			}
			sum.Write(out)
			if cleanOnly {
				return nil
			}
			x, _, err := extract.FromConfig(cfg.Extract)
			if err != nil {
				return err
			}
			return quality.Extract(x, arts).Write(out)
		},
	}
	cmd.Flags().BoolVar(&cleanOnly, "clean-only", false, "stop after cleaning")
	cmd.Flags().StringVar(&region, "region", "", "default region of the inputs (as a source's region)")
	return cmd
}
