package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/connect"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/process"
	"github.com/casewire/casewire/pkg/status"
)

func dlqCommand(flags *process.Flags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dlq",
		Short: "List, show, replay and delete dead letters",
		Long: "dlq works on the dead letters of a running pipeline: at nats.url, or where a running\n" +
			"\"casewire run\" listens (it writes its address in nats.store_dir).\n" +
			"A replay sends the original payload to the subject it failed on, with a new message id,\n" +
			"and deletes the dead letter once the server stored it. Fetch's dead letters name a file\n" +
			"that could not be read: fix the file, fetch it again, then delete the dead letter.",
	}
	var stageName string
	list := &cobra.Command{
		Use:   "list",
		Short: "List dead letters: sequence, stage, reason, age, error, subject",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, flags, func(ctx context.Context, s *deadletter.Store) error {
				ls, err := s.List(ctx, stageName)
				if err != nil {
					return err
				}
				return printList(cmd.OutOrStdout(), ls, time.Now())
			})
		},
	}
	list.Flags().StringVar(&stageName, "stage", "", "only this stage's dead letters (fetch, clean, extract, load)")

	show := &cobra.Command{
		Use:   "show SEQ",
		Short: "Show one dead letter: headers and a payload summary",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			seq, err := parseSeq(args[0])
			if err != nil {
				return err
			}
			return withStore(cmd, flags, func(ctx context.Context, s *deadletter.Store) error {
				l, err := s.Get(ctx, seq)
				if err != nil {
					return err
				}
				printLetter(cmd.OutOrStdout(), l, time.Now())
				return nil
			})
		},
	}

	var all, force bool
	var replayStage string
	replay := &cobra.Command{
		Use:   "replay SEQ... | --all [--stage S]",
		Short: "Send dead letters down the normal path again after a fix, and delete them (permanent reasons only with --force)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return errors.New("give dead-letter sequences or --all, not both")
			}
			if replayStage != "" && !all {
				return errors.New("--stage goes with --all")
			}
			seqs, err := parseSeqs(args)
			if err != nil {
				return err
			}
			return withStore(cmd, flags, func(ctx context.Context, s *deadletter.Store) error {
				var results []deadletter.Result
				if all {
					if results, err = s.ReplayAll(ctx, replayStage, force); err != nil {
						return err
					}
				}
				for _, seq := range seqs {
					l, err := s.Replay(ctx, seq, force)
					l.Seq = seq
					results = append(results, deadletter.Result{Letter: l, Err: err})
				}
				// Sequences named one by one must all be replayed; --all
				// passes over what cannot be.
				return printResults(cmd.OutOrStdout(), results, len(seqs) > 0)
			})
		},
	}
	replay.Flags().BoolVar(&all, "all", false, "replay every replayable dead letter")
	replay.Flags().StringVar(&replayStage, "stage", "", "with --all: only this stage's dead letters")
	replay.Flags().BoolVar(&force, "force", false, "also replay letters whose reason is permanent (decode, version, conflict), after a fix that changes that")

	del := &cobra.Command{
		Use:   "delete SEQ...",
		Short: "Delete dead letters without replaying them (e.g. a fetch rejection whose file was fixed and fetched again)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			seqs, err := parseSeqs(args)
			if err != nil {
				return err
			}
			return withStore(cmd, flags, func(ctx context.Context, s *deadletter.Store) error {
				var errs []error
				for _, seq := range seqs {
					if err := s.Delete(ctx, seq); err != nil {
						errs = append(errs, err)
						continue
					}
					fmt.Fprintf(cmd.OutOrStdout(), "deleted %d\n", seq)
				}
				return errors.Join(errs...)
			})
		},
	}
	cmd.AddCommand(list, show, replay, del)
	return cmd
}

// withStore connects to NATS as configured and opens the dead-letter stream.
func withStore(cmd *cobra.Command, flags *process.Flags, f func(context.Context, *deadletter.Store) error) error {
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
	// A bounded wait: an operator's command must not hang on a wrong URL
	// (connecting gives up within seconds; this bounds the work after).
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	nc, js, err := connect.NATSTool(ctx, cfg.NATS, cfg.Streams, "dlq", true, log)
	if err != nil {
		return err
	}
	defer nc.Close()
	s, err := deadletter.Open(ctx, js)
	if err != nil {
		return err
	}
	return f(ctx, s)
}

func parseSeq(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("dead-letter sequence %q: want a positive number (see dlq list)", s)
	}
	return n, nil
}

func parseSeqs(args []string) ([]uint64, error) {
	out := make([]uint64, 0, len(args))
	for _, a := range args {
		n, err := parseSeq(a)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func printList(w io.Writer, ls []deadletter.Letter, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tSTAGE\tREASON\tAGE\tERROR\tSUBJECT")
	for _, l := range ls {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", l.Seq, l.Stage, l.Reason, age(l.Age(now)), deadletter.Excerpt(l.Error, 60), l.Origin())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	counts := deadletter.Counts(ls)
	parts := make([]string, 0, len(counts))
	for _, st := range deadletter.Stages(ls) {
		parts = append(parts, fmt.Sprintf("%s %d", st, counts[st]))
	}
	_, err := fmt.Fprintf(w, "%d dead letters%s\n", len(ls), strings.TrimSuffix(" ("+strings.Join(parts, ", ")+")", " ()"))
	return err
}

func printLetter(w io.Writer, l deadletter.Letter, now time.Time) {
	fmt.Fprintf(w, "seq:        %d\nstage:      %s\nreason:     %s\nage:        %s\n", l.Seq, l.Stage, l.Reason, age(l.Age(now)))
	if l.Subject != "" {
		fmt.Fprintf(w, "subject:    %s\n", l.Subject)
	}
	if l.URI != "" {
		fmt.Fprintf(w, "uri:        %s\n", l.URI)
	}
	fmt.Fprintf(w, "error:      %s\n", l.Error)
	if err := l.Replayable(); err != nil {
		fmt.Fprintf(w, "replay:     %v\n", err)
	} else if err := l.Permanent(); err != nil {
		fmt.Fprintf(w, "replay:     %v\n", err)
	} else {
		fmt.Fprintf(w, "replay:     casewire dlq replay %d (msg id %s)\n", l.Seq, l.ReplayID())
	}
	keys := make([]string, 0, len(l.Header))
	for k := range l.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintln(w, "headers:")
	for _, k := range keys {
		fmt.Fprintf(w, "  %s: %s\n", k, strings.Join(l.Header[k], ", "))
	}
	fmt.Fprintf(w, "payload:    %s\n", l.Summary())
}

func printResults(w io.Writer, rs []deadletter.Result, strict bool) error {
	var failed, skipped, replayed int
	for _, r := range rs {
		switch {
		case r.Err == nil:
			replayed++
			fmt.Fprintf(w, "replayed %d (%s) to %s as %s\n", r.Letter.Seq, r.Letter.Stage, r.Letter.Subject, r.Letter.ReplayID())
		case errors.Is(r.Err, deadletter.ErrNotReplayable):
			skipped++
			fmt.Fprintf(w, "kept %d: %v\n", r.Letter.Seq, r.Err)
		default:
			failed++
			fmt.Fprintf(w, "failed %d: %v\n", r.Letter.Seq, r.Err)
		}
	}
	fmt.Fprintf(w, "%d replayed, %d kept (not replayable; see why above), %d failed\n", replayed, skipped, failed)
	if failed > 0 || (strict && skipped > 0) {
		return fmt.Errorf("%d dead letters could not be replayed", failed+skipped)
	}
	return nil
}

// age is a dead letter's age as status writes durations: 42s, 3m 5s, 5d 2h.
func age(d time.Duration) string { return status.Human(d) }
