// Package topology names casewire's JetStream streams, subjects and consumers
// in one place and creates or updates them idempotently. Every service calls
// Ensure at start, so whichever starts first lays out the topology and later
// ones converge on the same configuration.
//
// One stream per hop keeps each hop's retention and placement independent (a
// cluster can put them on different servers); one durable pull consumer per
// stage lets any number of instances of that stage compete for its messages.
package topology

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/config"
)

// Subjects, versioned like the payloads they carry (article.Version).
const (
	SubjectRaw        = "casewire.v1.raw"
	SubjectClean      = "casewire.v1.clean"
	SubjectExtracted  = "casewire.v1.extracted"
	subjectDeadLetter = "casewire.v1.dlq"
)

// Stage names, also the durable consumer names.
const (
	StageFetch   = "fetch"
	StageClean   = "clean"
	StageExtract = "extract"
	StageLoad    = "load"
)

// Stages lists every stage in pipeline order, fetch included.
func Stages() []string { return []string{StageFetch, StageClean, StageExtract, StageLoad} }

// Streams.
const (
	StreamRaw        = "CASEWIRE_RAW_V1"
	StreamClean      = "CASEWIRE_CLEAN_V1"
	StreamExtracted  = "CASEWIRE_EXTRACTED_V1"
	StreamDeadLetter = "CASEWIRE_DLQ_V1"
)

// DeadLetterSubject is where a stage's messages go when they cannot be processed.
func DeadLetterSubject(stage string) string { return subjectDeadLetter + "." + stage }

// DeadLetterWildcard matches every stage's dead letters.
const DeadLetterWildcard = subjectDeadLetter + ".>"

// Hop is one consuming stage: what it reads and where it writes.
type Hop struct {
	Stage   string
	Stream  string // the stream it consumes from
	Input   string // the subject it consumes
	Output  string // the subject it publishes to; empty for load
	Durable string
}

// Hops lists the consuming stages in pipeline order.
func Hops() []Hop {
	return []Hop{
		{Stage: StageClean, Stream: StreamRaw, Input: SubjectRaw, Output: SubjectClean, Durable: StageClean},
		{Stage: StageExtract, Stream: StreamClean, Input: SubjectClean, Output: SubjectExtracted, Durable: StageExtract},
		{Stage: StageLoad, Stream: StreamExtracted, Input: SubjectExtracted, Durable: StageLoad},
	}
}

// HopFor returns the hop of a consuming stage.
func HopFor(stage string) (Hop, error) {
	for _, h := range Hops() {
		if h.Stage == stage {
			return h, nil
		}
	}
	return Hop{}, fmt.Errorf("no consuming stage %q", stage)
}

// Config holds the tunables of streams and consumers. Zero fields take the
// defaults of DefaultConfig.
type Config struct {
	Replicas      int           // stream replicas: 1 single node, 3 on a NATS cluster
	MaxAge        time.Duration // how long a hop keeps messages (for replay)
	MaxBytes      int64         // per stream, -1 unlimited
	DeadLetterAge time.Duration // how long dead letters are kept
	Duplicates    time.Duration // Nats-Msg-Id duplicate window
	AckWait       time.Duration // redelivery after this without ack or InProgress
	MaxDeliver    int           // deliveries before a message is dead-lettered
	MaxAckPending int           // unacknowledged messages in flight per consumer: bounds memory
	MemoryStorage bool          // tests only: streams in memory
}

// DefaultConfig is what a single-node run uses: the streams settings'
// defaults, whose one home is config.Default.
func DefaultConfig() Config { return FromSettings(config.Default().Streams) }

// FromSettings maps the streams settings onto the topology. Streams are
// bounded by age, not size: MaxBytes is unlimited.
func FromSettings(c config.Streams) Config {
	return Config{
		Replicas: c.Replicas, MaxAge: c.MaxAge, MaxBytes: -1, DeadLetterAge: c.DeadLetterAge, Duplicates: c.Duplicates,
		AckWait: c.AckWait, MaxDeliver: c.MaxDeliver, MaxAckPending: c.MaxAckPending,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Replicas == 0 {
		c.Replicas = d.Replicas
	}
	if c.MaxAge == 0 {
		c.MaxAge = d.MaxAge
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = d.MaxBytes
	}
	if c.DeadLetterAge == 0 {
		c.DeadLetterAge = d.DeadLetterAge
	}
	if c.Duplicates == 0 {
		c.Duplicates = d.Duplicates
	}
	if c.AckWait == 0 {
		c.AckWait = d.AckWait
	}
	if c.MaxDeliver == 0 {
		c.MaxDeliver = d.MaxDeliver
	}
	if c.MaxAckPending == 0 {
		c.MaxAckPending = d.MaxAckPending
	}
	return c
}

// Resolved returns the configuration with defaults filled in.
func (c Config) Resolved() Config { return c.withDefaults() }

// StreamConfigs returns the configuration of every stream.
func StreamConfigs(c Config) []jetstream.StreamConfig {
	c = c.withDefaults()
	storage := jetstream.FileStorage
	if c.MemoryStorage {
		storage = jetstream.MemoryStorage
	}
	mk := func(name, subject string, age time.Duration, desc string) jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name:        name,
			Description: desc,
			Subjects:    []string{subject},
			Retention:   jetstream.LimitsPolicy,
			Storage:     storage,
			Replicas:    c.Replicas,
			MaxAge:      age,
			MaxBytes:    c.MaxBytes,
			Duplicates:  c.Duplicates,
			Discard:     jetstream.DiscardOld,
		}
	}
	return []jetstream.StreamConfig{
		mk(StreamRaw, SubjectRaw, c.MaxAge, "casewire raw articles (fetch -> clean)"),
		mk(StreamClean, SubjectClean, c.MaxAge, "casewire clean articles (clean -> extract)"),
		mk(StreamExtracted, SubjectExtracted, c.MaxAge, "casewire extracted articles (extract -> load)"),
		mk(StreamDeadLetter, DeadLetterWildcard, c.DeadLetterAge, "casewire dead letters, one subject per stage"),
	}
}

// ConsumerConfig returns the durable pull consumer of a hop.
func ConsumerConfig(h Hop, c Config) jetstream.ConsumerConfig {
	c = c.withDefaults()
	return jetstream.ConsumerConfig{
		Durable:       h.Durable,
		Description:   "casewire " + h.Stage + " stage",
		FilterSubject: h.Input,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       c.AckWait,
		MaxDeliver:    c.MaxDeliver,
		MaxAckPending: c.MaxAckPending,
		Replicas:      c.Replicas,
	}
}

// Ensure creates or updates every stream and consumer. It is idempotent and
// safe to run from several services at once.
func Ensure(ctx context.Context, js jetstream.JetStream, c Config) error {
	for _, sc := range StreamConfigs(c) {
		if _, err := js.CreateOrUpdateStream(ctx, sc); err != nil {
			return fmt.Errorf("ensure stream %s: %w", sc.Name, err)
		}
	}
	for _, h := range Hops() {
		if _, err := js.CreateOrUpdateConsumer(ctx, h.Stream, ConsumerConfig(h, c)); err != nil {
			return fmt.Errorf("ensure consumer %s on %s: %w", h.Durable, h.Stream, err)
		}
	}
	return nil
}

// ConsumerInfo reads the state of a hop's durable consumer in one request:
// looking a consumer up already returns its info, and asking it again would
// be a second round trip for the same answer.
func ConsumerInfo(ctx context.Context, js jetstream.JetStream, h Hop) (*jetstream.ConsumerInfo, error) {
	c, err := js.Consumer(ctx, h.Stream, h.Durable)
	if err != nil {
		return nil, fmt.Errorf("consumer %s on %s: %w", h.Durable, h.Stream, err)
	}
	return c.CachedInfo(), nil
}

// Consumer returns the durable consumer of a stage, which Ensure created.
func Consumer(ctx context.Context, js jetstream.JetStream, stage string) (jetstream.Consumer, error) {
	h, err := HopFor(stage)
	if err != nil {
		return nil, err
	}
	cons, err := js.Consumer(ctx, h.Stream, h.Durable)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		return nil, fmt.Errorf("consumer %s on %s does not exist: run topology.Ensure first: %w", h.Durable, h.Stream, err)
	}
	if err != nil {
		return nil, fmt.Errorf("consumer %s on %s: %w", h.Durable, h.Stream, err)
	}
	return cons, nil
}
