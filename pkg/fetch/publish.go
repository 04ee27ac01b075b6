package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

// SeenBucket is the JetStream key-value bucket that remembers, per source and
// URI, the id of the version last published (and, under prefixed keys, HTTP
// validators and completely read files). It lives in JetStream rather
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
		Description: "casewire fetch: last published raw id per source and URI, HTTP validators, files read",
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
	return stateKey("", r.Source, r.URI)
}

// stateKey is a bucket key for something a source knows about: the
// published version of a URI (no prefix, the original layout), the HTTP
// validators of a URL ("http."), the last complete read of a file ("file.").
func stateKey(prefix, source, id string) string {
	h := sha256.Sum256([]byte(source + "\x00" + id))
	return prefix + hex.EncodeToString(h[:20])
}

// goneMark is the seen value of a URI given up on (a 404, robots.txt): it is
// not fetched again when a feed or listing still links to it.
const goneMark = "gone"

// Known reports whether source published uri before, in any version, or gave
// it up. Links found in feeds and listings are fetched only when unknown.
func (p *Publisher) Known(ctx context.Context, source, uri string) (bool, error) {
	_, err := p.seen.Get(ctx, stateKey("", source, uri))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return false, nil
	}
	return false, fmt.Errorf("read seen state of %s: %w", uri, err)
}

// GiveUp dead-letters uri and remembers not to fetch it again.
func (p *Publisher) GiveUp(ctx context.Context, source, uri string, cause error) error {
	if err := p.Reject(ctx, uri, cause); err != nil {
		return err
	}
	if _, err := p.seen.Put(ctx, stateKey("", source, uri), []byte(goneMark)); err != nil {
		return fmt.Errorf("record seen state of %s: %w", uri, err)
	}
	return nil
}

// getJSON reads a JSON state value; a missing key leaves v untouched.
func (p *Publisher) getJSON(ctx context.Context, key string, v any) (bool, error) {
	e, err := p.seen.Get(ctx, key)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("read state %s: %w", key, err)
	}
	if err := json.Unmarshal(e.Value(), v); err != nil {
		return false, nil // an unreadable old value is as good as none
	}
	return true, nil
}

func (p *Publisher) putJSON(ctx context.Context, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode state %s: %w", key, err)
	}
	if _, err := p.seen.Put(ctx, key, data); err != nil {
		return fmt.Errorf("write state %s: %w", key, err)
	}
	return nil
}

// Validators returns the ETag and Last-Modified last seen for url. They live
// in the bucket, not a local file, so every fetch instance sends them.
func (p *Publisher) Validators(ctx context.Context, source, url string) (Validators, error) {
	var v Validators
	_, err := p.getJSON(ctx, stateKey("http.", source, url), &v)
	return v, err
}

// SaveValidators records url's validators, after what it held was published.
func (p *Publisher) SaveValidators(ctx context.Context, source, url string, v Validators) error {
	if v == (Validators{}) {
		return nil
	}
	return p.putJSON(ctx, stateKey("http.", source, url), v)
}

// fileRecord is the last complete read of a file.
type fileRecord struct {
	Size    int64 `json:"size"`
	ModNano int64 `json:"mod"`
}

// fileDone reports whether path was read completely, and everything in it
// published, with this size and modification time: a resumed backfill
// skips it without reading it.
func (p *Publisher) fileDone(ctx context.Context, source, path string, fs fileState) (bool, error) {
	var rec fileRecord
	ok, err := p.getJSON(ctx, stateKey("file.", source, fileURI(path)), &rec)
	return ok && rec == fileRecord{Size: fs.size, ModNano: fs.mod.UnixNano()}, err
}

func (p *Publisher) markFile(ctx context.Context, source, path string, fs fileState) error {
	return p.putJSON(ctx, stateKey("file.", source, fileURI(path)), fileRecord{Size: fs.size, ModNano: fs.mod.UnixNano()})
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
	// A message over the server's limit would fail on every retry: refuse it
	// here, as too large, so that it is dead-lettered instead. (fetch.max_bytes
	// counts raw bytes; the payload carries them base64-encoded in JSON.)
	if limit := p.js.Conn().MaxPayload(); limit > 0 && int64(len(data)) > limit {
		return false, fmt.Errorf("%s: message of %d bytes exceeds the NATS server's max_payload %d (lower fetch.max_bytes or raise max_payload): %w", r.URI, len(data), limit, ErrTooLarge)
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

// Reject dead-letters something fetch could not read, so it is visible like
// any other failure, in the same format (stage.Reject).
func (p *Publisher) Reject(ctx context.Context, uri string, cause error) error {
	if err := stage.Reject(ctx, p.js, topology.StageFetch, uri, cause); err != nil {
		return fmt.Errorf("dead-letter %s: %w", uri, err)
	}
	p.log.Warn("rejected", "stage", topology.StageFetch, "uri", uri, "err", cause)
	return nil
}
