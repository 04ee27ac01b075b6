// Package deadletter lists, shows and replays casewire's dead letters: the
// messages a stage gave up on, kept in the dead-letter stream with the
// reason stamped in their headers (see package stage). Dead letters are a
// tool: once the cause is fixed (a new build, a dictionary, a schema), a
// replay sends the original bytes down the normal path again.
//
// A replay republishes the payload to the subject it was consumed from with
// a new Nats-Msg-Id (the original id plus ":replay:" and the dead letter's
// sequence): the original id would still be inside the stream's duplicate
// window and be silently dropped. Only once the server has stored the
// replayed message is the dead letter deleted, so a failed replay loses
// nothing and a repeated one is dropped as a duplicate. Downstream ids stay
// deterministic, so a replay is as idempotent as any redelivery.
//
// Fetch's dead letters are not replayable: they hold the file's URI, not an
// article (the file could not be read into one). Fix or replace the file and
// fetch it again; then delete the dead letter.
package deadletter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

// ErrNotReplayable is returned for a dead letter that cannot be sent again as
// it is: a fetch rejection, or one whose source subject is not a stage input.
var ErrNotReplayable = errors.New("not replayable")

// ErrPermanent is returned, wrapped with ErrNotReplayable, for a dead letter
// whose reason says the same bytes would fail the same way (decode, version,
// conflict): a replay would only bounce it back. Replay with force after a
// fix that changes that.
var ErrPermanent = errors.New("permanent")

// ErrNotFound is returned for a sequence that holds no dead letter.
var ErrNotFound = errors.New("no such dead letter")

// Letter is one dead letter.
type Letter struct {
	Seq       uint64 // sequence in the dead-letter stream: its handle
	Stage     string
	Reason    string
	Error     string
	Subject   string // the subject it was consumed from; empty for fetch
	URI       string // fetch: where it found what it could not read
	StreamSeq uint64 // its sequence in the input stream, if known
	Delivered uint64
	FailedAt  time.Time
	// FirstFailedAt is when it was first dead-lettered, before any replay
	// that failed again; zero when unknown (letters from older versions).
	FirstFailedAt time.Time
	MsgID         string // its original Nats-Msg-Id, if any
	Stored        time.Time
	Header        nats.Header
	Data          []byte
}

// Age is how long ago the stage first gave up on it: a replay that failed
// again does not make it younger.
func (l Letter) Age(now time.Time) time.Duration {
	return now.Sub(l.firstFailed())
}

func (l Letter) firstFailed() time.Time {
	for _, t := range []time.Time{l.FirstFailedAt, l.FailedAt, l.Stored} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// Permanent tells whether the letter's reason makes a replay pointless, and why.
func (l Letter) Permanent() error {
	var why string
	switch l.Reason {
	case stage.ReasonDecode:
		why = "its payload does not decode"
	case stage.ReasonVersion:
		why = "its schema version is not one this build reads"
	case stage.ReasonConflict:
		why = "its id was already used with another body; publish the correction under its own id (see the error)"
	default:
		return nil
	}
	return fmt.Errorf("%w: %w: reason %s: %s, so a replay would fail the same way; fix the cause, then replay with --force",
		ErrNotReplayable, ErrPermanent, l.Reason, why)
}

// Replayable tells whether Replay can send the letter again, and why not.
func (l Letter) Replayable() error {
	if l.Stage == topology.StageFetch {
		return fmt.Errorf("%w: fetch could not read %s into an article; fix the file and fetch it again", ErrNotReplayable, l.URI)
	}
	for _, h := range topology.Hops() {
		if l.Subject == h.Input {
			return nil
		}
	}
	return fmt.Errorf("%w: subject %q is not a stage input", ErrNotReplayable, l.Subject)
}

// Origin is where the letter came from: the subject it was consumed from, or
// the URI fetch could not read.
func (l Letter) Origin() string {
	if l.Subject != "" {
		return l.Subject
	}
	return l.URI
}

// ReplayID is the Nats-Msg-Id a replay is published with: new, so the
// duplicate window does not drop it, and fixed per dead letter, so replaying
// the same letter twice stores it once.
func (l Letter) ReplayID() string {
	base := l.MsgID
	if base == "" {
		base = "dlq:" + l.Stage
	}
	return base + ":replay:" + strconv.FormatUint(l.Seq, 10)
}

// Summary describes the payload in one line: the message's version, id and
// URI when it is a casewire message, its size and first bytes otherwise.
func (l Letter) Summary() string {
	var head struct {
		V     *int   `json:"v"`
		ID    string `json:"id"`
		RawID string `json:"raw_id"`
		URI   string `json:"uri"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(l.Data, &head); err == nil && head.V != nil {
		parts := []string{fmt.Sprintf("v=%d", *head.V)}
		for _, kv := range [][2]string{{"id", head.ID}, {"raw_id", head.RawID}, {"uri", head.URI}, {"title", head.Title}} {
			if kv[1] != "" {
				parts = append(parts, kv[0]+"="+kv[1])
			}
		}
		return fmt.Sprintf("%d bytes, %s", len(l.Data), strings.Join(parts, " "))
	}
	return fmt.Sprintf("%d bytes, not a casewire message: %q", len(l.Data), Excerpt(string(l.Data), 80))
}

// Excerpt shortens s to at most n runes on one line.
func Excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Store reads and replays the dead-letter stream.
type Store struct {
	js     jetstream.JetStream
	stream jetstream.Stream
}

// Open opens the dead-letter stream, which topology.Ensure created.
func Open(ctx context.Context, js jetstream.JetStream) (*Store, error) {
	s, err := js.Stream(ctx, topology.StreamDeadLetter)
	if err != nil {
		return nil, fmt.Errorf("dead-letter stream %s: %w", topology.StreamDeadLetter, err)
	}
	return &Store{js: js, stream: s}, nil
}

// List returns the dead letters of one stage, or of all when stage is empty,
// oldest first.
func (s *Store) List(ctx context.Context, stageName string) ([]Letter, error) {
	subject := topology.DeadLetterWildcard
	if stageName != "" {
		subject = topology.DeadLetterSubject(stageName)
	}
	// An ordered consumer reads the stream once, in order, without leaving a
	// durable behind; its pending count says when everything was read.
	cons, err := s.stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	if err != nil {
		return nil, fmt.Errorf("read dead letters: %w", err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("read dead letters: %w", err)
	}
	var out []Letter
	for remaining := info.NumPending; remaining > 0; {
		batch, err := cons.Fetch(int(min(remaining, 256)), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			return nil, fmt.Errorf("read dead letters: %w", err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			md, err := m.Metadata()
			if err != nil {
				return nil, fmt.Errorf("dead letter metadata: %w", err)
			}
			out = append(out, letter(md.Sequence.Stream, md.Timestamp, m.Headers(), m.Data()))
			remaining = md.NumPending
		}
		if err := batch.Error(); err != nil {
			return nil, fmt.Errorf("read dead letters: %w", err)
		}
		if n == 0 {
			// Deleted while being read, or expired: what was read is the list.
			break
		}
	}
	return out, nil
}

// Get returns the dead letter at seq.
func (s *Store) Get(ctx context.Context, seq uint64) (Letter, error) {
	m, err := s.stream.GetMsg(ctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return Letter{}, fmt.Errorf("%w: %d", ErrNotFound, seq)
	}
	if err != nil {
		return Letter{}, fmt.Errorf("get dead letter %d: %w", seq, err)
	}
	return letter(m.Sequence, m.Time, m.Header, m.Data), nil
}

// Delete removes the dead letter at seq, e.g. a fetch rejection whose file
// was fixed and fetched again.
func (s *Store) Delete(ctx context.Context, seq uint64) error {
	if err := s.stream.DeleteMsg(ctx, seq); err != nil {
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return fmt.Errorf("%w: %d", ErrNotFound, seq)
		}
		return fmt.Errorf("delete dead letter %d: %w", seq, err)
	}
	return nil
}

// Replay sends the dead letter at seq again and deletes it once the server
// stored the replay. A letter whose reason is permanent is kept unless force.
func (s *Store) Replay(ctx context.Context, seq uint64, force bool) (Letter, error) {
	l, err := s.Get(ctx, seq)
	if err != nil {
		return l, err
	}
	return l, s.replay(ctx, l, force)
}

func (s *Store) replay(ctx context.Context, l Letter, force bool) error {
	if err := l.Replayable(); err != nil {
		return fmt.Errorf("dead letter %d: %w", l.Seq, err)
	}
	if err := l.Permanent(); err != nil && !force {
		return fmt.Errorf("dead letter %d: %w", l.Seq, err)
	}
	// The first failure time rides along, so that a letter that fails
	// again keeps its age.
	h := nats.Header{}
	h.Set(stage.HeaderFirstFailedAt, l.firstFailed().UTC().Format(time.RFC3339Nano))
	msg := &nats.Msg{Subject: l.Subject, Data: l.Data, Header: h}
	if _, err := s.js.PublishMsg(ctx, msg, jetstream.WithMsgID(l.ReplayID())); err != nil {
		return fmt.Errorf("replay dead letter %d to %s: %w", l.Seq, l.Subject, err)
	}
	if err := s.Delete(ctx, l.Seq); err != nil && !errors.Is(err, ErrNotFound) {
		// Stored downstream already: a second replay is dropped as a duplicate.
		return fmt.Errorf("replayed dead letter %d, but: %w", l.Seq, err)
	}
	return nil
}

// Result is the outcome of replaying one dead letter.
type Result struct {
	Letter Letter
	Err    error // nil when replayed; wraps ErrNotReplayable when skipped
}

// ReplayAll replays every replayable dead letter of a stage (all stages when
// empty). Letters that are not replayable, or permanent without force, are
// reported and kept.
func (s *Store) ReplayAll(ctx context.Context, stageName string, force bool) ([]Result, error) {
	ls, err := s.List(ctx, stageName)
	if err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(ls))
	for _, l := range ls {
		err := s.replay(ctx, l, force)
		out = append(out, Result{Letter: l, Err: err})
		if err != nil && !errors.Is(err, ErrNotReplayable) && ctx.Err() != nil {
			return out, ctx.Err()
		}
	}
	return out, nil
}

// Count counts the dead letters held, per stage, from the stream's subject
// totals: cheap enough for every metrics scrape.
func Count(ctx context.Context, js jetstream.JetStream) (map[string]uint64, error) {
	s, err := js.Stream(ctx, topology.StreamDeadLetter)
	if err != nil {
		return nil, fmt.Errorf("dead-letter stream: %w", err)
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(topology.DeadLetterWildcard))
	if err != nil {
		return nil, fmt.Errorf("dead-letter stream: %w", err)
	}
	out := map[string]uint64{}
	for subj, n := range info.State.Subjects {
		out[subj[len(topology.DeadLetterSubject("")):]] = n
	}
	return out, nil
}

// Counts returns how many dead letters each stage holds.
func Counts(ls []Letter) map[string]int {
	out := map[string]int{}
	for _, l := range ls {
		out[l.Stage]++
	}
	return out
}

// Stages returns the stage names in ls, sorted.
func Stages(ls []Letter) []string {
	var out []string
	for st := range Counts(ls) {
		out = append(out, st)
	}
	sort.Strings(out)
	return out
}

func letter(seq uint64, stored time.Time, h nats.Header, data []byte) Letter {
	l := Letter{
		Seq: seq, Stored: stored, Header: h, Data: data,
		Stage:   h.Get(stage.HeaderStage),
		Reason:  h.Get(stage.HeaderReason),
		Error:   h.Get(stage.HeaderError),
		Subject: h.Get(stage.HeaderSubject),
		MsgID:   h.Get(stage.HeaderMsgID),
		URI:     h.Get(stage.HeaderURI),
	}
	if l.Stage == topology.StageFetch && l.URI == "" {
		// Written before fetch used stage.Reject: the URI in the subject header.
		l.URI, l.Subject = l.Subject, ""
	}
	l.StreamSeq, _ = strconv.ParseUint(h.Get(stage.HeaderStreamSeq), 10, 64)
	l.Delivered, _ = strconv.ParseUint(h.Get(stage.HeaderDelivered), 10, 64)
	l.FailedAt, _ = time.Parse(time.RFC3339Nano, h.Get(stage.HeaderFailedAt))
	l.FirstFailedAt, _ = time.Parse(time.RFC3339Nano, h.Get(stage.HeaderFirstFailedAt))
	return l
}
