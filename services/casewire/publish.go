package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/connect"
	"github.com/casewire/casewire/pkg/process"
	"github.com/casewire/casewire/pkg/topology"
)

func publishCommand(flags *process.Flags) *cobra.Command {
	return &cobra.Command{
		Use:   "publish [FILE|-]",
		Short: "Publish raw articles by hand (JSON Lines, as fetch --stdio writes them), refusing id conflicts",
		Long: "publish sends raw articles to casewire.v1.raw, one v1 message per line (standard input\n" +
			"without FILE or with -). Each must carry the id its source, URI and body give: an id\n" +
			"already used with another body is a conflict, refused here with the id to use (published\n" +
			"anyway it would replace that article downstream, or be dropped by the duplicate window\n" +
			"without a word). Each goes with Nats-Msg-Id raw:<id>; one already stored is reported.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := cmd.InOrStdin()
			if len(args) == 1 && args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			cfg, err := flags.Load(config.Default())
			if err != nil {
				return err
			}
			log, err := process.NewLogger(cfg.Log, os.Stderr)
			if err != nil {
				return err
			}
			ctx, stop := process.SignalContext(cmd.Context())
			defer stop()
			nc, js, err := connect.NATSTool(ctx, cfg.NATS, cfg.Streams, "publish", true, log)
			if err != nil {
				return err
			}
			defer nc.Close()
			return publishLines(ctx, js, in, cmd.OutOrStdout())
		},
	}
}

// publishLines publishes each line and prints what became of it.
func publishLines(ctx context.Context, js jetstream.JetStream, in io.Reader, out io.Writer) error {
	var published, stored, conflicts, invalid int
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var r article.Raw
		if err := article.Decode(line, &r); err != nil {
			invalid++
			fmt.Fprintf(out, "line %d: not published: %v\n", n, err)
			continue
		}
		if err := article.CheckRawID(r); err != nil {
			conflicts++
			fmt.Fprintf(out, "line %d: not published: %v\n", n, err)
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		ack, err := js.PublishMsg(pctx, &nats.Msg{Subject: topology.SubjectRaw, Data: line}, jetstream.WithMsgID(r.MessageID()))
		cancel()
		if err != nil {
			return fmt.Errorf("line %d: publish %s: %w", n, r.ID, err)
		}
		if ack.Duplicate {
			stored++
			fmt.Fprintf(out, "line %d: %s already stored (sequence %d): the server kept the first\n", n, r.ID, ack.Sequence)
			continue
		}
		published++
		fmt.Fprintf(out, "line %d: published %s %s\n", n, r.ID, r.URI)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	fmt.Fprintf(out, "%d published, %d already stored, %d conflicts, %d invalid\n", published, stored, conflicts, invalid)
	if conflicts+invalid > 0 {
		return errors.New("some lines were not published")
	}
	return nil
}
