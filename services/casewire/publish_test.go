package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/topology"
)

// TestPublishByHand: publish sends a raw article once, reports a second copy
// as already stored, and refuses an id reused with another body (naming the
// id to use) and a line that is no message.
func TestPublishByHand(t *testing.T) {
	srv := natstest.Start(t)
	t.Setenv("CASEWIRE_CONFIG", "")
	r := article.Raw{V: article.Version, Source: "hand", URI: "file:///hand/1.txt", Format: article.FormatText,
		FetchedAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Body: []byte("全市立案131起。")}
	r.ID = article.RawID(r.Source, r.URI, r.Body)
	changed := r
	changed.Body = []byte("全市立案132起。")
	var lines []string
	for _, x := range []article.Raw{r, r, changed} {
		b, err := article.Encode(x)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	lines = append(lines, "not a message")
	var out bytes.Buffer
	cmd := rootCommand()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetIn(strings.NewReader(strings.Join(lines, "\n") + "\n"))
	cmd.SetArgs([]string{"publish", "--set", "nats.url=" + srv.URL, "--set", "log.level=error"})
	err := cmd.ExecuteContext(context.Background())
	if err == nil {
		t.Errorf("publish succeeded with a conflict and an invalid line:\n%s", out.String())
	}
	want := article.RawID(changed.Source, changed.URI, changed.Body)
	for _, w := range []string{"line 1: published " + r.ID, "line 2: " + r.ID + " already stored", "line 3: not published: id conflict", `"id": "` + want + `"`,
		"line 4: not published", "1 published, 1 already stored, 1 conflicts, 1 invalid"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
	_, js := natstest.Connect(t, srv.URL)
	s, err := js.Stream(context.Background(), topology.StreamRaw)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 1 {
		t.Errorf("raw stream holds %d messages, want 1", info.State.Msgs)
	}
}
