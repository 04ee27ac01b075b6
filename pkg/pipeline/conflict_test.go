package pipeline_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

// syncBuffer is a log sink the worker goroutines may write concurrently.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRawIDConflict publishes by hand a raw article under an id already
// used, with another body: clean logs it, counts it as a conflict and
// dead-letters it with how to publish a correction, instead of letting it
// replace the original downstream.
func TestRawIDConflict(t *testing.T) {
	srv := natstest.Start(t)
	_, js := natstest.Connect(t, srv.URL)
	ctx := natstest.Context(t)
	cfg := config.Default()
	if err := topology.Ensure(ctx, js, topology.FromSettings(cfg.Streams)); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	m, err := stage.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	env := stage.Env{JS: js, Config: cfg, Log: slog.New(slog.NewTextHandler(&logs, nil)), Metrics: m}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- clean.Run(sctx, env, clean.New(clean.Options{})) }()
	t.Cleanup(func() { cancel(); <-done })

	body := []byte("乌海市公安局通报：今年1月至4月，全市立案131起。")
	orig := article.Raw{V: article.Version, Source: "hand", URI: "file:///hand/1.txt", Format: article.FormatText, FetchedAt: time.Now().UTC(), Body: body}
	orig.ID = article.RawID(orig.Source, orig.URI, orig.Body)
	changed := orig
	changed.Body = []byte("乌海市公安局通报：今年1月至4月，全市立案132起。")
	for i, r := range []article.Raw{orig, changed} {
		data, err := article.Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		// The second under a new Nats-Msg-Id, as a hand publisher outside
		// the duplicate window would.
		msgID := r.MessageID() + strings.Repeat(":again", i)
		if _, err := js.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectRaw, Data: data}, jetstream.WithMsgID(msgID)); err != nil {
			t.Fatal(err)
		}
	}
	store, err := deadletter.Open(ctx, js)
	if err != nil {
		t.Fatal(err)
	}
	var letters []deadletter.Letter
	natstest.Eventually(t, 10*time.Second, "a conflict dead letter", func() bool {
		letters, err = store.List(ctx, topology.StageClean)
		return err == nil && len(letters) == 1
	})
	l := letters[0]
	want := article.RawID(changed.Source, changed.URI, changed.Body)
	if l.Reason != stage.ReasonConflict || !strings.Contains(l.Error, "whose id is "+want) || !strings.Contains(l.Error, "to publish a correction") {
		t.Errorf("letter reason %q error %q", l.Reason, l.Error)
	}
	if n := testutil.ToFloat64(m.DeadLettered.WithLabelValues(topology.StageClean, stage.ReasonConflict)); n != 1 {
		t.Errorf("conflicts counted %v, want 1", n)
	}
	if !strings.Contains(logs.String(), "reason=conflict") {
		t.Errorf("no conflict logged:\n%s", logs.String())
	}
	if _, err := store.Replay(ctx, l.Seq, false); err == nil {
		t.Error("a conflict was replayed without --force")
	}
}

func TestCheckRawID(t *testing.T) {
	r := article.Raw{Source: "s", URI: "u", Body: []byte("b")}
	r.ID = article.RawID(r.Source, r.URI, r.Body)
	cases := []struct {
		name string
		edit func(*article.Raw)
		ok   bool
	}{
		{name: "as fetch made it", edit: func(*article.Raw) {}, ok: true},
		{name: "body changed", edit: func(r *article.Raw) { r.Body = []byte("c") }},
		{name: "uri changed", edit: func(r *article.Raw) { r.URI = "v" }},
		{name: "meta changed", edit: func(r *article.Raw) { r.Meta = map[string]string{"title": "x"} }, ok: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := r
			tc.edit(&c)
			if err := article.CheckRawID(c); (err == nil) != tc.ok {
				t.Errorf("CheckRawID = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
