package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

// SeenBucket is the JetStream key-value bucket that remembers, per source and
// URI, the id of the version last published. It lives in JetStream rather
// than a local file so that restarts and several fetch instances share it.
const SeenBucket = "casewire_fetch_seen"

// Publisher publishes raw articles once each.
type Publisher struct {
	js   jetstream.JetStream
	seen jetstream.KeyValue
	log  *slog.Logger
}

// NewPublisher creates or opens the seen-state bucket.
func NewPublisher(ctx context.Context, js jetstream.JetStream, replicas int, log *slog.Logger) (*Publisher, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      SeenBucket,
		Description: "casewire fetch: last published raw id per source and URI",
		History:     1,
		Replicas:    max(replicas, 1),
	})
	if err != nil {
		return nil, fmt.Errorf("open key-value bucket %s: %w", SeenBucket, err)
	}
	if log == nil {
		log = slog.Default()
	}
	return &Publisher{js: js, seen: kv, log: log}, nil
}

func seenKey(r article.Raw) string {
	h := sha256.Sum256([]byte(r.Source + "\x00" + r.URI))
	return hex.EncodeToString(h[:20])
}

// Publish sends r unless this exact version was published before. A changed
// page (same URI, new bytes) has a new id and is published as a new version.
func (p *Publisher) Publish(ctx context.Context, r article.Raw) (published bool, err error) {
	key := seenKey(r)
	e, err := p.seen.Get(ctx, key)
	switch {
	case err == nil && string(e.Value()) == r.ID:
		return false, nil
	case err != nil && !errors.Is(err, jetstream.ErrKeyNotFound):
		return false, fmt.Errorf("read seen state of %s: %w", r.URI, err)
	}
	data, err := article.Encode(r)
	if err != nil {
		return false, err
	}
	if _, err := p.js.PublishMsg(ctx, &nats.Msg{Subject: topology.SubjectRaw, Data: data}, jetstream.WithMsgID(r.MessageID())); err != nil {
		return false, fmt.Errorf("publish %s: %w", r.URI, err)
	}
	// Recorded only after the server stored the article: a crash in between
	// republishes, which the duplicate window and the ids make harmless.
	if _, err := p.seen.Put(ctx, key, []byte(r.ID)); err != nil {
		return true, fmt.Errorf("record seen state of %s: %w", r.URI, err)
	}
	return true, nil
}

// Reject dead-letters something fetch could not read, so it is visible and
// replayable like any other failure.
func (p *Publisher) Reject(ctx context.Context, uri string, cause error) error {
	h := nats.Header{}
	h.Set(stage.HeaderStage, topology.StageFetch)
	h.Set(stage.HeaderReason, stage.ReasonPermanent)
	h.Set(stage.HeaderError, cause.Error())
	h.Set(stage.HeaderSubject, uri)
	h.Set(stage.HeaderFailedAt, time.Now().UTC().Format(time.RFC3339Nano))
	msg := &nats.Msg{Subject: topology.DeadLetterSubject(topology.StageFetch), Header: h, Data: []byte(uri)}
	if _, err := p.js.PublishMsg(ctx, msg); err != nil {
		return fmt.Errorf("dead-letter %s: %w", uri, err)
	}
	p.log.Warn("rejected", "stage", topology.StageFetch, "uri", uri, "err", cause)
	return nil
}

// Stats counts one pass over the inputs.
type Stats struct {
	Files     int
	Articles  int // raw articles read
	Published int // of which new or changed
	Rejected  int
	Bytes     int64
}

// Runner reads paths into the pipeline, once or continuously.
type Runner struct {
	Source   Source
	Paths    []string
	Options  Options
	Pub      *Publisher
	Interval time.Duration // watch: time between scans; default 2s
	Log      *slog.Logger

	known map[string]fileState
}

type fileState struct {
	size int64
	mod  time.Time
}

// Scan reads every file not read before, or changed since, and publishes it.
func (r *Runner) Scan(ctx context.Context) (Stats, error) {
	var st Stats
	if r.known == nil {
		r.known = map[string]fileState{}
	}
	files, err := Files(r.Paths...)
	if err != nil {
		return st, err
	}
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		info, err := os.Stat(path)
		if err != nil {
			continue // removed since listed
		}
		fs := fileState{size: info.Size(), mod: info.ModTime()}
		if r.known[path] == fs {
			continue
		}
		st.Files++
		st.Bytes += info.Size()
		raws, rejected, err := ReadFile(r.Source, path, r.Options)
		if err != nil {
			rejected = append(rejected, Rejected{URI: fileURI(path), Err: err})
		}
		for _, rej := range rejected {
			st.Rejected++
			if err := r.Pub.Reject(ctx, rej.URI, rej.Err); err != nil {
				return st, err
			}
		}
		for _, raw := range raws {
			st.Articles++
			ok, err := r.Pub.Publish(ctx, raw)
			if err != nil {
				return st, err
			}
			if ok {
				st.Published++
			}
		}
		r.known[path] = fs
	}
	return st, nil
}

// Watch scans until ctx ends, calling report after each scan that found
// something.
func (r *Runner) Watch(ctx context.Context, report func(Stats)) error {
	interval := r.Interval
	if interval <= 0 {
		interval = 2 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		st, err := r.Scan(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			// A passing NATS outage: log, and try again next tick.
			r.log().Error("scan", "stage", topology.StageFetch, "err", err)
		}
		if report != nil && st.Files > 0 {
			report(st)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (r *Runner) log() *slog.Logger {
	if r.Log == nil {
		return slog.Default()
	}
	return r.Log
}
