package stage

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/casewire/casewire/pkg/topology"
)

// Metrics are the Prometheus series every stage exports, labelled by stage.
// They register on the registry the caller passes in, never the global one.
type Metrics struct {
	In           *prometheus.CounterVec
	Out          *prometheus.CounterVec
	Acked        *prometheus.CounterVec
	Retried      *prometheus.CounterVec
	DeadLettered *prometheus.CounterVec
	// Restarts counts message iterators replaced because they stopped
	// delivering (see source).
	Restarts  *prometheus.CounterVec
	Handle    *prometheus.HistogramVec
	BatchRows *prometheus.HistogramVec
	Flush     *prometheus.HistogramVec
	// Facts counts the facts extract found per article (zero included), so
	// a drop in extraction shows as a shift of the histogram.
	Facts *prometheus.HistogramVec

	// Fetch's series, by source: passes over a source's files or web
	// inputs, articles published, articles read again but already published
	// (skipped as seen), and errors by kind (see FetchErrorKinds).
	FetchPolls     *prometheus.CounterVec
	FetchPublished *prometheus.CounterVec
	FetchSeen      *prometheus.CounterVec
	FetchErrors    *prometheus.CounterVec
}

// Kinds of fetch errors: an input dead-lettered (rejected), a feed or page
// that failed for now and is tried again next poll (unavailable), a pass
// ended by an error of NATS or the file system (failed).
const (
	FetchRejected    = "rejected"
	FetchUnavailable = "unavailable"
	FetchFailed      = "failed"
)

// FetchErrorKinds lists the kinds of fetch errors.
func FetchErrorKinds() []string { return []string{FetchRejected, FetchUnavailable, FetchFailed} }

// InitStages creates every counter of these stages at zero, so that a
// dashboard or alert sees the series before the first message (rate() and
// increase() need a first sample).
func (m *Metrics) InitStages(stages ...string) {
	if m == nil {
		return
	}
	for _, st := range stages {
		for _, c := range []*prometheus.CounterVec{m.In, m.Out, m.Acked, m.Retried, m.Restarts} {
			c.WithLabelValues(st)
		}
		for _, r := range Reasons() {
			m.DeadLettered.WithLabelValues(st, r)
		}
	}
}

// InitSource creates fetch's counters of a source at zero.
func (m *Metrics) InitSource(source string) {
	if m == nil {
		return
	}
	for _, c := range []*prometheus.CounterVec{m.FetchPolls, m.FetchPublished, m.FetchSeen} {
		c.WithLabelValues(source)
	}
	for _, k := range FetchErrorKinds() {
		m.FetchErrors.WithLabelValues(source, k)
	}
}

// ObserveFetch counts one pass of fetch over a source.
func (m *Metrics) ObserveFetch(source string, published, seen, rejected, unavailable int, err error) {
	if m == nil {
		return
	}
	m.FetchPolls.WithLabelValues(source).Inc()
	m.FetchPublished.WithLabelValues(source).Add(float64(published))
	m.FetchSeen.WithLabelValues(source).Add(float64(seen))
	m.FetchErrors.WithLabelValues(source, FetchRejected).Add(float64(rejected))
	m.FetchErrors.WithLabelValues(source, FetchUnavailable).Add(float64(unavailable))
	if err != nil {
		m.FetchErrors.WithLabelValues(source, FetchFailed).Inc()
	}
}

// NewMetrics creates the stage metrics and registers them on reg (nil: not
// registered). Several stages in one process share one Metrics.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		In: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "casewire", Name: "messages_in_total", Help: "Messages received by a stage.",
		}, []string{"stage"}),
		Out: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "casewire", Name: "messages_out_total", Help: "Messages published by a stage (confirmed by the server).",
		}, []string{"stage"}),
		Acked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "casewire", Name: "messages_acked_total", Help: "Input messages acknowledged after their outputs were confirmed.",
		}, []string{"stage"}),
		Retried: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "casewire", Name: "messages_retried_total", Help: "Transient failures retried (nak with delay, or a batch retried).",
		}, []string{"stage"}),
		DeadLettered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "casewire", Name: "messages_dead_lettered_total", Help: "Messages moved to the dead-letter subject.",
		}, []string{"stage", "reason"}),
		Restarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "casewire", Name: "iterator_restarts_total", Help: "Message iterators replaced after they stopped delivering (missed heartbeats, or no message while the consumer had undelivered ones).",
		}, []string{"stage"}),
		Handle: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "casewire", Name: "handler_seconds", Help: "Time in a stage's handler per message (or per batch for load).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"stage"}),
		BatchRows: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "casewire", Name: "batch_messages", Help: "Messages per flushed batch.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 14),
		}, []string{"stage"}),
		Flush: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "casewire", Name: "flush_seconds", Help: "Time to write one batch, retries included.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}, []string{"stage"}),
		Facts: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "casewire", Name: "facts_per_article", Help: "Facts extracted from one article.",
			Buckets: []float64{0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89},
		}, []string{"stage"}),
		FetchPolls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "casewire", Name: "fetch_polls_total", Help: "Passes of fetch over a source's files or its feeds and pages.",
		}, []string{"source"}),
		FetchPublished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "casewire", Name: "fetch_articles_published_total", Help: "Raw articles fetch published (new, or a new version).",
		}, []string{"source"}),
		FetchSeen: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "casewire", Name: "fetch_articles_seen_total", Help: "Raw articles read again but skipped: this version was published before.",
		}, []string{"source"}),
		FetchErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "casewire", Name: "fetch_errors_total", Help: "Fetch errors by kind: rejected (dead-lettered input), unavailable (feed or page failed, retried next poll), failed (a pass ended by an error).",
		}, []string{"source", "kind"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.In, m.Out, m.Acked, m.Retried, m.DeadLettered, m.Restarts, m.Handle, m.BatchRows, m.Flush, m.Facts,
			m.FetchPolls, m.FetchPublished, m.FetchSeen, m.FetchErrors} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("register stage metrics: %w", err)
			}
		}
	}
	return m, nil
}

// ObserveFacts records how many facts one article yielded. It is nil-safe so
// that handlers can call it without knowing whether metrics are on.
func (m *Metrics) ObserveFacts(stage string, n int) {
	if m == nil {
		return
	}
	m.Facts.WithLabelValues(stage).Observe(float64(n))
}

// ConsumerInfo is what the lag collector reads of one durable consumer;
// jetstream.Consumer satisfies it through ConsumerSource.
type ConsumerInfo struct {
	Stage       string
	Pending     uint64 // in the stream, not yet delivered
	AckPending  uint64 // delivered, not yet acknowledged
	Redelivered uint64 // delivered more than once, not yet acknowledged
	Waiting     int    // pull requests waiting: idle workers
}

// ConsumerSource returns the current state of the consumers to report.
type ConsumerSource func(ctx context.Context) ([]ConsumerInfo, error)

// JetStreamConsumers reads the consumer info of the given hops' durables.
func JetStreamConsumers(js jetstream.JetStream, hops []topology.Hop) ConsumerSource {
	return func(ctx context.Context) ([]ConsumerInfo, error) {
		out := make([]ConsumerInfo, 0, len(hops))
		for _, h := range hops {
			info, err := topology.ConsumerInfo(ctx, js, h)
			if err != nil {
				return out, err
			}
			out = append(out, ConsumerInfo{
				Stage: h.Stage, Pending: info.NumPending, AckPending: uint64(info.NumAckPending),
				Redelivered: uint64(info.NumRedelivered), Waiting: info.NumWaiting,
			})
		}
		return out, nil
	}
}

// LagCollector exports JetStream consumer lag, read from the server at
// scrape time so the numbers are never staler than the scrape itself.
type LagCollector struct {
	source  ConsumerSource
	timeout time.Duration

	pending, ackPending, redelivered, waiting, up *prometheus.Desc
}

// NewLagCollector reads source on every scrape, each read bounded by timeout.
func NewLagCollector(source ConsumerSource, timeout time.Duration) *LagCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("casewire_consumer_"+name, help, labels, nil)
	}
	return &LagCollector{
		source: source, timeout: timeout,
		pending:     d("pending_messages", "Messages in the stage's input stream not yet delivered to it (num_pending).", "stage"),
		ackPending:  d("ack_pending_messages", "Messages delivered to the stage and not yet acknowledged (num_ack_pending).", "stage"),
		redelivered: d("redelivered_messages", "Unacknowledged messages delivered more than once (num_redelivered).", "stage"),
		waiting:     d("waiting_pulls", "Pull requests waiting on the consumer: idle worker capacity (num_waiting).", "stage"),
		up:          d("info_up", "1 if the consumer info could be read at this scrape, 0 otherwise."),
	}
}

// Describe implements prometheus.Collector.
func (c *LagCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.pending, c.ackPending, c.redelivered, c.waiting, c.up} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A failed read reports up 0 and
// no lag series rather than stale numbers.
func (c *LagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	infos, err := c.source(ctx)
	up := 1.0
	if err != nil {
		up = 0
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up)
	if err != nil {
		return
	}
	for _, i := range infos {
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(i.Pending), i.Stage)
		ch <- prometheus.MustNewConstMetric(c.ackPending, prometheus.GaugeValue, float64(i.AckPending), i.Stage)
		ch <- prometheus.MustNewConstMetric(c.redelivered, prometheus.GaugeValue, float64(i.Redelivered), i.Stage)
		ch <- prometheus.MustNewConstMetric(c.waiting, prometheus.GaugeValue, float64(i.Waiting), i.Stage)
	}
}

// DeadLetterSource returns how many dead letters each stage holds.
type DeadLetterSource func(ctx context.Context) (map[string]uint64, error)

// DeadLetterCollector exports the dead letters waiting per stage, read from
// the dead-letter stream at scrape time; every stage is reported, at zero
// when it has none.
type DeadLetterCollector struct {
	source  DeadLetterSource
	stages  []string
	timeout time.Duration
	depth   *prometheus.Desc
	up      *prometheus.Desc
}

// NewDeadLetterCollector reports stages from source, each read bounded by timeout.
func NewDeadLetterCollector(source DeadLetterSource, stages []string, timeout time.Duration) *DeadLetterCollector {
	return &DeadLetterCollector{
		source: source, stages: stages, timeout: timeout,
		depth: prometheus.NewDesc("casewire_dead_letters", "Dead letters waiting in the dead-letter stream, per stage (see casewire dlq list).", []string{"stage"}, nil),
		up:    prometheus.NewDesc("casewire_dead_letters_up", "1 if the dead-letter stream could be read at this scrape, 0 otherwise.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *DeadLetterCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.up
}

// Collect implements prometheus.Collector. A failed read reports up 0 and
// no depth rather than zeros that would look like an empty queue.
func (c *DeadLetterCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	counts, err := c.source(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for _, st := range c.stages {
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(counts[st]), st)
	}
}
