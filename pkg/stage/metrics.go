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
	Handle       *prometheus.HistogramVec
	BatchRows    *prometheus.HistogramVec
	Flush        *prometheus.HistogramVec
	// Facts counts the facts extract found per article (zero included), so
	// a drop in extraction shows as a shift of the histogram.
	Facts *prometheus.HistogramVec
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
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.In, m.Out, m.Acked, m.Retried, m.DeadLettered, m.Handle, m.BatchRows, m.Flush, m.Facts} {
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
