// Package pipeline wires each stage's logic (clean, extract, warehouse) to the
// worker runtime. The four services and the all-in-one `casewire run` use the
// same functions, so a single-node run behaves exactly like a deployment.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/clean"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/extract"
	"github.com/casewire/casewire/pkg/gazetteer"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
	"github.com/casewire/casewire/pkg/warehouse"
)

// Env is what a stage runs with.
type Env struct {
	JS      jetstream.JetStream
	Config  config.Config
	Log     *slog.Logger
	Metrics *stage.Metrics
}

// ErrConflict is a raw message whose id is not the one its content gives.
var ErrConflict = errors.New("id conflict")

// CheckRawID refuses a raw article whose id is not the hash of its source,
// URI and body. Ids are content hashes, so this is an id reused with another
// body: published by hand with an id already seen. Its Nats-Msg-Id may
// already be in the duplicate window (the server drops it) or not; either
// way it would silently replace, downstream, the article the id belongs to.
func CheckRawID(r article.Raw) error {
	want := article.RawID(r.Source, r.URI, r.Body)
	if r.ID == want {
		return nil
	}
	return fmt.Errorf("%w: raw article %s (source %q, uri %q) came with a body whose id is %s: the id was reused with another body; "+
		"to publish a correction, give it \"id\": %q and publish it with casewire publish (which sends it as Nats-Msg-Id raw:%s), "+
		"or drop the corrected file into a fetch source (fetch derives both)",
		ErrConflict, r.ID, r.Source, r.URI, want, want, want)
}

// CleanHandler adapts the cleaner. Cleaning is deterministic, so any error is
// permanent: the same bytes would fail again. A raw article whose id does not
// match its content is a conflict, dead-lettered as such.
func CleanHandler(c *clean.Cleaner) stage.Handler[article.Raw, article.Clean] {
	return func(_ context.Context, r article.Raw) ([]article.Clean, error) {
		if err := CheckRawID(r); err != nil {
			return nil, stage.Conflict(err)
		}
		out, err := c.Clean(r)
		if err != nil {
			// The cleaner's errors already name the input.
			return nil, stage.Permanent(err)
		}
		return out, nil
	}
}

// ExtractHandler adapts the extractor; its errors are permanent too. It stamps
// each message's extraction time, the warehouse's row version. Each observe is
// told every article's fact count (the facts-per-article metric).
func ExtractHandler(x *extract.Extractor, observe ...func(facts int)) stage.Handler[article.Clean, article.Extracted] {
	return func(_ context.Context, c article.Clean) ([]article.Extracted, error) {
		e, err := x.Extract(c)
		if err != nil {
			return nil, stage.Permanent(fmt.Errorf("extract %s: %w", c.ID, err))
		}
		e.ExtractedAt = time.Now().UTC().Truncate(time.Second)
		for _, o := range observe {
			o(len(e.Facts))
		}
		return []article.Extracted{e}, nil
	}
}

// LoadHandler adapts the warehouse writer: a failed batch is transient (the
// server may be down), rows it refuses are rejected one by one.
func LoadHandler(w *warehouse.Writer) stage.BatchHandler[article.Extracted] {
	return w.Write
}

// NewExtractor builds the extractor with the gazetteer and the configured
// dictionaries: seconds and a few hundred MB, once per process.
func NewExtractor(c config.Extract) (*extract.Extractor, *gazetteer.Gazetteer, error) {
	gz, err := gazetteer.Load()
	if err != nil {
		return nil, nil, fmt.Errorf("load gazetteer: %w", err)
	}
	x, err := extract.New(extract.Options{DictFiles: c.DictFiles, Places: gz})
	if err != nil {
		return nil, nil, fmt.Errorf("build extractor: %w", err)
	}
	return x, gz, nil
}

// Divisions converts the gazetteer for the warehouse's divisions table.
func Divisions(gz *gazetteer.Gazetteer) []warehouse.Division {
	src := gz.Divisions()
	out := make([]warehouse.Division, len(src))
	for i, d := range src {
		out[i] = warehouse.Division{
			Code: d.Code, Name: d.Name, Level: d.Level, ParentCode: d.ParentCode,
			Province: d.Province, Prefecture: d.Prefecture, County: d.County, Township: d.Township,
		}
	}
	return out
}

func consumer(ctx context.Context, env Env, name string) (jetstream.Consumer, error) {
	return topology.Consumer(ctx, env.JS, name)
}

// RunClean consumes raw articles until ctx ends.
func RunClean(ctx context.Context, env Env, c *clean.Cleaner) error {
	cons, err := consumer(ctx, env, topology.StageClean)
	if err != nil {
		return err
	}
	w := &stage.Worker[article.Raw, article.Clean]{
		Stage: topology.StageClean, JS: env.JS, Consumer: cons, Output: topology.SubjectClean,
		Handle: CleanHandler(c), Concurrency: env.Config.Clean.Concurrency,
		MaxDeliver: env.Config.Streams.MaxDeliver, Backoff: stage.DefaultBackoff(),
		Log: env.Log, Metrics: env.Metrics,
	}
	return w.Run(ctx)
}

// RunExtract consumes clean articles until ctx ends.
func RunExtract(ctx context.Context, env Env, x *extract.Extractor) error {
	cons, err := consumer(ctx, env, topology.StageExtract)
	if err != nil {
		return err
	}
	w := &stage.Worker[article.Clean, article.Extracted]{
		Stage: topology.StageExtract, JS: env.JS, Consumer: cons, Output: topology.SubjectExtracted,
		Handle: ExtractHandler(x, func(n int) { env.Metrics.ObserveFacts(topology.StageExtract, n) }), Concurrency: env.Config.Extract.Concurrency,
		MaxDeliver: env.Config.Streams.MaxDeliver, Backoff: stage.DefaultBackoff(),
		Log: env.Log, Metrics: env.Metrics,
	}
	return w.Run(ctx)
}

// RunLoad consumes extracted articles into ClickHouse until ctx ends.
func RunLoad(ctx context.Context, env Env, wr *warehouse.Writer) error {
	cons, err := consumer(ctx, env, topology.StageLoad)
	if err != nil {
		return err
	}
	l := env.Config.Load
	w := &stage.BatchWorker[article.Extracted]{
		Stage: topology.StageLoad, JS: env.JS, Consumer: cons, Handle: LoadHandler(wr),
		Policy:  stage.BatchPolicy{MaxRows: l.BatchRows, MaxBytes: l.BatchBytes, MaxWait: l.BatchWait},
		AckWait: env.Config.Streams.AckWait, MaxDeliver: env.Config.Streams.MaxDeliver,
		Backoff: stage.SinkBackoff(), Log: env.Log, Metrics: env.Metrics,
	}
	return w.Run(ctx)
}
