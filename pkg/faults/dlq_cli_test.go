package faults

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/servicetest"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

// TestDLQCommand drives `casewire dlq` as an operator would: list, show,
// replay one and all, and delete, against dead letters made by the real
// clean stage and by fetch.
func TestDLQCommand(t *testing.T) {
	srv := natstest.Start(t)
	_, js := natstest.Connect(t, srv.URL)
	ctx := natstest.Context(t)
	cfg := config.Default()
	if err := topology.Ensure(ctx, js, topology.FromSettings(cfg.Streams)); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- clean.Run(sctx, stage.Env{JS: js, Config: cfg, Log: quietLog()}, clean.New(clean.Options{}))
	}()
	t.Cleanup(func() { cancel(); <-done })

	// Two messages clean cannot decode and a file fetch cannot read.
	for i, payload := range []string{"garbage one", `{"v":9}`} {
		if _, err := js.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectRaw, Data: []byte(payload)}, jetstream.WithMsgID("cli:"+string(rune('a'+i)))); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dlq := func(args ...string) (string, error) {
		t.Helper()
		cctx, ccancel := context.WithTimeout(ctx, time.Minute)
		defer ccancel()
		cmd := exec.CommandContext(cctx, servicetest.Binary(t, "casewire"), append([]string{"dlq"}, args...)...)
		cmd.Env = append(os.Environ(), "CASEWIRE_NATS_URL="+srv.URL, "CASEWIRE_LOG_LEVEL=error")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	fetchCmd := exec.CommandContext(ctx, servicetest.Binary(t, "fetch"), "--once", dir)
	fetchCmd.Env = append(os.Environ(), "CASEWIRE_NATS_URL="+srv.URL, "CASEWIRE_LOG_LEVEL=error")
	if out, err := fetchCmd.CombinedOutput(); err != nil && !errors.Is(err, context.Canceled) {
		t.Logf("fetch --once: %v\n%s", err, out) // it reports the rejection; the dead letter is what counts
	}

	var out string
	natstest.Eventually(t, 20*time.Second, "three dead letters listed", func() bool {
		out, _ = dlq("list")
		return strings.Contains(out, "3 dead letters")
	})
	t.Logf("dlq list:\n%s", out)
	for _, want := range []string{"SEQ", "STAGE", "REASON", "AGE", "clean", "decode", "version", "fetch", "empty file", topology.SubjectRaw} {
		if !strings.Contains(out, want) {
			t.Errorf("dlq list lacks %q", want)
		}
	}
	seqOf := func(list, stage, reason string) string {
		m := regexp.MustCompile(`(?m)^(\d+)\s+` + stage + `\s+` + reason).FindStringSubmatch(list)
		if m == nil {
			t.Fatalf("no %s/%s line in:\n%s", stage, reason, list)
		}
		return m[1]
	}
	decodeSeq := seqOf(out, "clean", "decode")
	fetchSeq := seqOf(out, "fetch", "permanent")

	if out, err := dlq("list", "--stage", "fetch"); err != nil || !strings.Contains(out, "1 dead letters (fetch 1)") {
		t.Errorf("dlq list --stage fetch: %v\n%s", err, out)
	}
	show, err := dlq("show", decodeSeq)
	if err != nil {
		t.Fatalf("dlq show: %v\n%s", err, show)
	}
	for _, want := range []string{"stage:      clean", "reason:     decode", "Casewire-Error", "Casewire-Msg-Id: cli:a", "not a casewire message", "garbage one"} {
		if !strings.Contains(show, want) {
			t.Errorf("dlq show lacks %q:\n%s", want, show)
		}
	}
	if out, err := dlq("replay", fetchSeq); err == nil || !strings.Contains(out, "not replayable") {
		t.Errorf("replaying a fetch dead letter: %v\n%s", err, out)
	}
	// A letter that cannot decode would bounce straight back: refused,
	// with the reason, unless forced; --all keeps it too.
	if out, err := dlq("replay", decodeSeq); err == nil || !strings.Contains(out, "reason decode") || !strings.Contains(out, "--force") {
		t.Errorf("dlq replay %s of a decode letter without --force: %v\n%s", decodeSeq, err, out)
	}
	if out, err := dlq("replay", "--all", "--stage", "clean"); err != nil || !strings.Contains(out, "0 replayed, 2 kept") {
		t.Errorf("dlq replay --all --stage clean without --force: %v\n%s", err, out)
	}
	if out, _ := dlq("list"); !regexp.MustCompile(`(?m)^` + decodeSeq + `\s`).MatchString(out) {
		t.Errorf("the refused letter %s is gone:\n%s", decodeSeq, out)
	}
	// Forced, the garbage goes down the normal path and is dead-lettered
	// again (as a new letter): the path is the normal one.
	if out, err := dlq("replay", "--force", decodeSeq); err != nil || !strings.Contains(out, "1 replayed") {
		t.Fatalf("dlq replay --force %s: %v\n%s", decodeSeq, err, out)
	}
	natstest.Eventually(t, 20*time.Second, "the replay dead-lettered anew", func() bool {
		out, _ = dlq("list")
		return strings.Contains(out, "3 dead letters") && !regexp.MustCompile(`(?m)^`+decodeSeq+`\s`).MatchString(out)
	})
	if out, err := dlq("replay", "--all", "--force", "--stage", "clean"); err != nil || !strings.Contains(out, "2 replayed, 0 kept") {
		t.Errorf("dlq replay --all --force --stage clean: %v\n%s", err, out)
	}
	if out, err := dlq("delete", fetchSeq); err != nil || !strings.Contains(out, "deleted "+fetchSeq) {
		t.Errorf("dlq delete: %v\n%s", err, out)
	}
	if out, err := dlq("replay", "--all", "7"); err == nil {
		t.Errorf("replay with both --all and a sequence accepted:\n%s", out)
	}
}
