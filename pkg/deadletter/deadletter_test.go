package deadletter_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

func raw(n int) article.Raw {
	body := []byte(fmt.Sprintf("第%d号通报：某县公安局破获盗窃案件%d起。", n, n))
	r := article.Raw{V: article.Version, Source: "dlq-test", URI: fmt.Sprintf("file:///dlq/%d.txt", n), Format: article.FormatText, Body: body, FetchedAt: time.Unix(0, 0).UTC()}
	r.ID = article.RawID(r.Source, r.URI, r.Body)
	return r
}

func publish(t *testing.T, js jetstream.JetStream, r article.Raw) {
	t.Helper()
	data, err := article.Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.PublishMsg(context.Background(), &nats.Msg{Subject: topology.SubjectRaw, Data: data}, jetstream.WithMsgID(r.MessageID())); err != nil {
		t.Fatal(err)
	}
}

// streamCount is how many messages a stream holds.
func streamCount(t *testing.T, js jetstream.JetStream, name string) uint64 {
	t.Helper()
	s, err := js.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// TestReplayAfterFix dead-letters a message with a failing handler, "fixes"
// the handler, replays, and checks the message went through exactly once.
func TestReplayAfterFix(t *testing.T) {
	srv := natstest.Start(t)
	_, js := natstest.Connect(t, srv.URL)
	ctx := natstest.Context(t)
	if err := topology.Ensure(ctx, js, topology.Config{MaxDeliver: 3}); err != nil {
		t.Fatal(err)
	}
	bad := raw(2)
	var fixed atomic.Bool
	handle := func(_ context.Context, r article.Raw) ([]article.Clean, error) {
		if r.ID == bad.ID && !fixed.Load() {
			return nil, stage.Permanent(errors.New("no rule for this page yet"))
		}
		return []article.Clean{{V: article.Version, ID: article.CleanID(r.ID, 0), RawID: r.ID, Body: string(r.Body)}}, nil
	}
	cons, err := topology.Consumer(ctx, js, topology.StageClean)
	if err != nil {
		t.Fatal(err)
	}
	w := &stage.Worker[article.Raw, article.Clean]{
		Stage: topology.StageClean, JS: js, Consumer: cons, Output: topology.SubjectClean, Handle: handle,
		MaxDeliver: 3, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(wctx) }()
	t.Cleanup(func() { cancel(); <-done })

	for i := 1; i <= 3; i++ {
		publish(t, js, raw(i))
	}
	// A fetch rejection too: listed, never replayed.
	pub, err := fetch.NewPublisher(ctx, js, 1, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	// Rejected twice (a retried pass): stored once.
	for range 2 {
		if err := pub.Reject(ctx, "file:///dlq/broken.txt", errors.New("empty file")); err != nil {
			t.Fatal(err)
		}
	}
	store, err := deadletter.Open(ctx, js)
	if err != nil {
		t.Fatal(err)
	}
	var letters []deadletter.Letter
	natstest.Eventually(t, 10*time.Second, "two dead letters", func() bool {
		letters, err = store.List(ctx, "")
		return err == nil && len(letters) == 2
	})
	natstest.Eventually(t, 10*time.Second, "two clean articles", func() bool { return streamCount(t, js, topology.StreamClean) == 2 })

	fetchLetters, err := store.List(ctx, topology.StageFetch)
	if err != nil || len(fetchLetters) != 1 {
		t.Fatalf("fetch dead letters: %v %v", fetchLetters, err)
	}
	if f := fetchLetters[0]; f.URI != "file:///dlq/broken.txt" || f.Subject != "" || f.Reason != stage.ReasonPermanent ||
		f.Error != "empty file" || f.FailedAt.IsZero() || f.FirstFailedAt.IsZero() || f.Origin() != f.URI {
		t.Errorf("fetch letter: %+v", f)
	}
	if counts, err := deadletter.Count(ctx, js); err != nil || counts[topology.StageFetch] != 1 || counts[topology.StageClean] != 1 {
		t.Errorf("Count = %v, %v; want fetch 1, clean 1", counts, err)
	}

	cleanLetters, err := store.List(ctx, topology.StageClean)
	if err != nil || len(cleanLetters) != 1 {
		t.Fatalf("clean dead letters: %v %v", cleanLetters, err)
	}
	l := cleanLetters[0]
	if l.Reason != stage.ReasonPermanent || !strings.Contains(l.Error, "no rule for this page yet") || l.Subject != topology.SubjectRaw || l.MsgID != bad.MessageID() {
		t.Errorf("letter: %+v", l)
	}
	if age := l.Age(time.Now()); age < 0 || age > time.Minute {
		t.Errorf("age %s", age)
	}
	if !strings.Contains(l.Summary(), "id="+bad.ID) {
		t.Errorf("summary %q", l.Summary())
	}
	got, err := store.Get(ctx, l.Seq)
	if err != nil || got.Error != l.Error {
		t.Fatalf("get %d: %+v %v", l.Seq, got, err)
	}

	// Replaying before the fix dead-letters it again; after it, it goes through.
	fixed.Store(true)
	results, err := store.ReplayAll(ctx, "", false)
	if err != nil {
		t.Fatal(err)
	}
	var replayed, skipped int
	for _, r := range results {
		switch {
		case r.Err == nil:
			replayed++
		case errors.Is(r.Err, deadletter.ErrNotReplayable) && r.Letter.Stage == topology.StageFetch:
			skipped++
		default:
			t.Errorf("replay %d: %v", r.Letter.Seq, r.Err)
		}
	}
	if replayed != 1 || skipped != 1 {
		t.Fatalf("replayed %d, skipped %d; want 1 and 1", replayed, skipped)
	}
	natstest.Eventually(t, 10*time.Second, "the replayed article cleaned", func() bool { return streamCount(t, js, topology.StreamClean) == 3 })

	// A second replay of the same letter finds nothing; the fetch one stays.
	if _, err := store.Replay(ctx, l.Seq, false); !errors.Is(err, deadletter.ErrNotFound) {
		t.Errorf("second replay: %v, want ErrNotFound", err)
	}
	left, err := store.List(ctx, "")
	if err != nil || len(left) != 1 || left[0].Stage != topology.StageFetch {
		t.Fatalf("left after replay: %+v %v", left, err)
	}
	// Redelivering everything changes nothing downstream: ids are deterministic.
	if _, err := js.ResetConsumerToSequence(ctx, topology.StreamRaw, topology.StageClean, 1); err != nil {
		t.Fatal(err)
	}
	natstest.Eventually(t, 10*time.Second, "clean idle", func() bool {
		info, err := cons.Info(ctx)
		return err == nil && info.NumPending == 0 && info.NumAckPending == 0
	})
	if n := streamCount(t, js, topology.StreamClean); n != 3 {
		t.Errorf("clean stream holds %d after a redelivery, want 3", n)
	}
	if err := store.Delete(ctx, left[0].Seq); err != nil {
		t.Fatal(err)
	}
	if n := streamCount(t, js, topology.StreamDeadLetter); n != 0 {
		t.Errorf("dead letters left: %d", n)
	}
}

func TestReplayable(t *testing.T) {
	cases := []struct {
		name string
		l    deadletter.Letter
		ok   bool
	}{
		{name: "clean input", l: deadletter.Letter{Stage: topology.StageClean, Subject: topology.SubjectRaw}, ok: true},
		{name: "load input", l: deadletter.Letter{Stage: topology.StageLoad, Subject: topology.SubjectExtracted}, ok: true},
		{name: "fetch file", l: deadletter.Letter{Stage: topology.StageFetch, URI: "file:///x.txt"}},
		{name: "foreign subject", l: deadletter.Letter{Stage: topology.StageClean, Subject: "other.subject"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.l.Replayable()
			if (err == nil) != c.ok {
				t.Errorf("Replayable() = %v, want ok=%v", err, c.ok)
			}
		})
	}
}

func TestReplayID(t *testing.T) {
	cases := []struct {
		name string
		l    deadletter.Letter
		want string
	}{
		{name: "with original id", l: deadletter.Letter{Seq: 7, MsgID: "raw:abc"}, want: "raw:abc:replay:7"},
		{name: "without", l: deadletter.Letter{Seq: 9, Stage: "load"}, want: "dlq:load:replay:9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.l.ReplayID(); got != c.want {
				t.Errorf("ReplayID() = %q, want %q", got, c.want)
			}
		})
	}
}

// TestPermanentLetterKept: a letter that cannot decode is not replayed
// without force; forced, it comes back as a new letter with its first
// failure time, so its age is not reset.
func TestPermanentLetterKept(t *testing.T) {
	srv := natstest.Start(t)
	_, js := natstest.Connect(t, srv.URL)
	ctx := natstest.Context(t)
	if err := topology.Ensure(ctx, js, topology.Config{MaxDeliver: 3}); err != nil {
		t.Fatal(err)
	}
	cons, err := topology.Consumer(ctx, js, topology.StageClean)
	if err != nil {
		t.Fatal(err)
	}
	w := &stage.Worker[article.Raw, article.Clean]{
		Stage: topology.StageClean, JS: js, Consumer: cons, Output: topology.SubjectClean,
		Handle:     func(context.Context, article.Raw) ([]article.Clean, error) { return nil, nil },
		MaxDeliver: 3, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(wctx) }()
	t.Cleanup(func() { cancel(); <-done })
	if _, err := js.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectRaw, Data: []byte("not a message")}, jetstream.WithMsgID("garbage")); err != nil {
		t.Fatal(err)
	}
	store, err := deadletter.Open(ctx, js)
	if err != nil {
		t.Fatal(err)
	}
	var letters []deadletter.Letter
	natstest.Eventually(t, 10*time.Second, "a decode dead letter", func() bool {
		letters, err = store.List(ctx, "")
		return err == nil && len(letters) == 1
	})
	first := letters[0]
	if first.Reason != stage.ReasonDecode {
		t.Fatalf("reason %q, want decode", first.Reason)
	}

	_, err = store.Replay(ctx, first.Seq, false)
	if !errors.Is(err, deadletter.ErrPermanent) || !errors.Is(err, deadletter.ErrNotReplayable) || !strings.Contains(err.Error(), "--force") {
		t.Errorf("replay without force: %v, want a refusal naming the reason and --force", err)
	}
	results, err := store.ReplayAll(ctx, "", false)
	if err != nil || len(results) != 1 || !errors.Is(results[0].Err, deadletter.ErrPermanent) {
		t.Errorf("replay --all without force: %+v %v", results, err)
	}
	if _, err := store.Get(ctx, first.Seq); err != nil {
		t.Fatalf("the refused letter is gone: %v", err)
	}

	time.Sleep(10 * time.Millisecond) // so that a reset age would show
	if _, err := store.Replay(ctx, first.Seq, true); err != nil {
		t.Fatalf("forced replay: %v", err)
	}
	natstest.Eventually(t, 10*time.Second, "the forced replay dead-lettered again", func() bool {
		letters, err = store.List(ctx, "")
		return err == nil && len(letters) == 1 && letters[0].Seq != first.Seq
	})
	again := letters[0]
	if !again.FirstFailedAt.Equal(first.FirstFailedAt) || !again.FailedAt.After(first.FailedAt) {
		t.Errorf("first failed %s then %s, failed %s then %s: want the first kept", first.FirstFailedAt, again.FirstFailedAt, first.FailedAt, again.FailedAt)
	}
	if now := time.Now(); again.Age(now) != first.Age(now) {
		t.Errorf("age %s after the replay, %s before: reset", again.Age(now), first.Age(now))
	}
}

func TestPermanentReasons(t *testing.T) {
	cases := []struct {
		reason    string
		permanent bool
	}{
		{stage.ReasonDecode, true},
		{stage.ReasonVersion, true},
		{stage.ReasonConflict, true},
		{stage.ReasonPermanent, false}, // a handler's rule, which a new build may fix
		{stage.ReasonMaxDeliver, false},
		{stage.ReasonRejected, false},
	}
	for _, c := range cases {
		t.Run(c.reason, func(t *testing.T) {
			err := deadletter.Letter{Stage: topology.StageClean, Subject: topology.SubjectRaw, Reason: c.reason}.Permanent()
			if (err != nil) != c.permanent {
				t.Errorf("Permanent() = %v, want permanent=%v", err, c.permanent)
			}
		})
	}
}
