package stage

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
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
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.In, m.Out, m.Acked, m.Retried, m.DeadLettered, m.Handle, m.BatchRows, m.Flush} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("register stage metrics: %w", err)
			}
		}
	}
	return m, nil
}
