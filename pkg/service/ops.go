package service

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/casewire/casewire/pkg/topology"
)

// lagScrapeTimeout bounds the consumer info requests of one scrape, so a
// scrape while NATS is away answers (with casewire_consumer_info_up 0)
// instead of hanging past Prometheus' own timeout.
const lagScrapeTimeout = 2 * time.Second

// lagHops are the consumers whose lag a process exports: a stage worker its
// own (every replica reports the same numbers, so dashboards take max by
// stage), the all-in-one run every stage, fetch none.
func lagHops(name string) []topology.Hop {
	if h, err := topology.HopFor(name); err == nil {
		return []topology.Hop{h}
	}
	if name == "run" {
		return topology.Hops()
	}
	return nil
}

// ArticleIDKey is the log attribute that names the article a line is about.
// Every Nats-Msg-Id casewire publishes is "<kind>:<article id>" (see
// article.MessageID), so the id is derived from the msg_id the stage runtime
// logs rather than decoding the payload again.
const ArticleIDKey = "article_id"

// ArticleID returns the article id inside a casewire Nats-Msg-Id, or "".
func ArticleID(msgID string) string {
	kind, id, ok := strings.Cut(msgID, ":")
	if !ok || id == "" {
		return ""
	}
	switch kind {
	case "raw", "clean", "extracted":
		return id
	}
	return ""
}

// articleIDHandler adds article_id to every record that carries a msg_id
// and no article_id yet, so a search by article id finds every line about it.
type articleIDHandler struct {
	slog.Handler
	// has is true when the logger's own attributes already carry article_id.
	has bool
}

func (h articleIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.has {
		return h.Handler.Handle(ctx, r)
	}
	var msgID string
	found := false
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case ArticleIDKey:
			found = true
			return false
		case "msg_id":
			msgID = a.Value.String()
		}
		return true
	})
	if !found {
		if id := ArticleID(msgID); id != "" {
			r = r.Clone()
			r.AddAttrs(slog.String(ArticleIDKey, id))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h articleIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	has := h.has
	var extra []slog.Attr
	for _, a := range attrs {
		switch a.Key {
		case ArticleIDKey:
			has = true
		case "msg_id":
			if id := ArticleID(a.Value.String()); id != "" {
				extra = append(extra, slog.String(ArticleIDKey, id))
			}
		}
	}
	if !has && len(extra) > 0 {
		attrs = append(attrs[:len(attrs):len(attrs)], extra...)
		has = true
	}
	return articleIDHandler{Handler: h.Handler.WithAttrs(attrs), has: has}
}

func (h articleIDHandler) WithGroup(name string) slog.Handler {
	return articleIDHandler{Handler: h.Handler.WithGroup(name), has: h.has}
}
