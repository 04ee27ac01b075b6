package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/topology"
	"github.com/casewire/casewire/pkg/warehouse"
)

// TestStatusCommand runs `casewire status` as an operator would, with the
// servers given by --set, against a backlog no stage has consumed yet.
func TestStatusCommand(t *testing.T) {
	srv := natstest.Start(t)
	conn, db := chtest.Open(t)
	ctx := natstest.Context(t)
	if err := warehouse.Migrate(ctx, conn, db); err != nil {
		t.Fatal(err)
	}
	_, js := natstest.Connect(t, srv.URL)
	if err := topology.Ensure(ctx, js, topology.FromSettings(config.Default().Streams)); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		body := []byte(strings.Repeat("公安", i+1))
		r := article.Raw{V: article.Version, ID: article.RawID("t", "x", body), Source: "t", URI: "x", Format: article.FormatText, FetchedAt: time.Now().UTC(), Body: body}
		data, err := article.Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectRaw, Data: data}, jetstream.WithMsgID(r.MessageID())); err != nil {
			t.Fatal(err)
		}
	}

	cases := []struct {
		name  string
		args  []string
		wants []string
	}{
		{name: "table", args: nil, wants: []string{`(?m)^\s*fetch\s+-\s+-\s+-\s+0\s+-\s+0\.0\s`, `(?m)^\s*clean\s+3\s+0\s+0\s+0\s`, `(?m)^\s*load\s+0\s+0\s+0\s+0\s`, `database ` + db + `: 0 articles, 0 facts`, `no articles loaded yet`}},
		{name: "json", args: []string{"--json"}, wants: []string{`"stage": "clean",\s+"pending": 3,`, `"articles": 0`,
			`"at": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"`, `"sample_seconds": 0\.\d+`, `"fetch": \{\s+"published_total": 3,`}},
		{name: "without ClickHouse", args: []string{"--no-clickhouse"}, wants: []string{`(?m)^\s*clean\s+3\s`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := rootCommand()
			var out bytes.Buffer
			root.SetOut(&out)
			root.SetErr(&out)
			root.SetArgs(append([]string{"status", "--sample", "50ms",
				"--set", "nats.url=" + srv.URL,
				"--set", "clickhouse.addr=" + chtest.Addr(t),
				"--set", "clickhouse.database=" + db,
				"--set", "log.level=error",
			}, tc.args...))
			if err := root.Execute(); err != nil {
				t.Fatalf("casewire status: %v\n%s", err, out.String())
			}
			for _, w := range tc.wants {
				if !regexp.MustCompile(w).MatchString(out.String()) {
					t.Errorf("output does not match %s:\n%s", w, out.String())
				}
			}
		})
	}
}
