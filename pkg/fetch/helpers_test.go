package fetch_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/natstest"
	"github.com/casewire/casewire/pkg/topology"
)

// bus is a JetStream server with the topology and a publisher.
type bus struct {
	js  jetstream.JetStream
	ctx context.Context
	pub *fetch.Publisher
}

func newBus(t *testing.T) *bus {
	t.Helper()
	srv := natstest.Start(t)
	_, js := natstest.Connect(t, srv.URL)
	ctx := natstest.Context(t)
	if err := topology.Ensure(ctx, js, topology.Config{MemoryStorage: true}); err != nil {
		t.Fatal(err)
	}
	return &bus{js: js, ctx: ctx, pub: newPub(t, ctx, js)}
}

// newPub opens the seen state afresh, as a restarted process does.
func newPub(t *testing.T, ctx context.Context, js jetstream.JetStream) *fetch.Publisher {
	t.Helper()
	pub, err := fetch.NewPublisher(ctx, js, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// raws returns every raw article on the stream, in order.
func (b *bus) raws(t *testing.T) []article.Raw {
	t.Helper()
	s, err := b.js.Stream(b.ctx, topology.StreamRaw)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []article.Raw
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := s.GetMsg(b.ctx, seq)
		if err != nil {
			continue
		}
		var r article.Raw
		if err := article.Decode(m.Data, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func (b *bus) count(t *testing.T, stream string) uint64 {
	t.Helper()
	s, err := b.js.Stream(b.ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// site is an httptest server that counts requests per path.
type site struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newSite(t *testing.T, h http.Handler) *site {
	s := &site{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) hit(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// quickWeb retries fast and times out soon, to keep tests short.
func quickWeb() *fetch.Web {
	return fetch.NewWeb(fetch.WebOptions{
		UserAgent: "casewire/test (+https://example.invalid/casewire)",
		Timeout:   300 * time.Millisecond, Retries: 2, Backoff: 5 * time.Millisecond, MaxBytes: 64 << 10,
	}, nil)
}

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }
