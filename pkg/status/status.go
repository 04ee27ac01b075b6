// Package status tells an operator how a running pipeline is doing at a
// glance: per stage, what waits, what is in flight, what was redelivered or
// dead-lettered and how fast messages move; and how fresh ClickHouse is.
// It only reads: consumer and stream info from JetStream, a few queries on
// the analysts' views.
package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/casewire/casewire/pkg/deadletter"
	"github.com/casewire/casewire/pkg/topology"
	"github.com/casewire/casewire/pkg/warehouse"
)

// Counters is one reading of a stage's consumer and input stream.
type Counters struct {
	Stage       string `json:"stage"`
	Pending     uint64 `json:"pending"`      // in the input stream, not yet delivered
	Unacked     uint64 `json:"unacked"`      // delivered, not yet acknowledged
	Redelivered uint64 `json:"redelivered"`  // unacknowledged and delivered more than once
	DeadLetters uint64 `json:"dead_letters"` // held in the dead-letter stream
	Waiting     int    `json:"waiting"`      // pull requests waiting: idle workers
	// Sequences in the input stream: the last one stored, and the one below
	// which everything is acknowledged. Their movement gives the rates.
	LastSeq  uint64 `json:"last_seq"`
	AckFloor uint64 `json:"ack_floor"`
}

// Snapshot is the state of every consuming stage at one moment.
type Snapshot struct {
	At     time.Time  `json:"at"`
	Stages []Counters `json:"stages"`
	// FetchDeadLetters are the inputs fetch could not read. Fetch has no
	// consumer: what it published is the raw stream, clean's input.
	FetchDeadLetters uint64 `json:"fetch_dead_letters"`
}

// notSetUp explains a missing stream or consumer: status only reads, and the
// workers lay the topology out when they start.
const notSetUp = "no casewire worker has started against this server yet"

// Take reads every stage's consumer, input stream and dead letters.
func Take(ctx context.Context, js jetstream.JetStream, now func() time.Time) (Snapshot, error) {
	dl, err := deadletter.Count(ctx, js)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return Snapshot{}, fmt.Errorf("status: %w (%s)", err, notSetUp)
	}
	if err != nil {
		return Snapshot{}, fmt.Errorf("status: %w", err)
	}
	s := Snapshot{At: now(), FetchDeadLetters: dl[topology.StageFetch]}
	for _, h := range topology.Hops() {
		ci, err := topology.ConsumerInfo(ctx, js, h)
		if errors.Is(err, jetstream.ErrStreamNotFound) || errors.Is(err, jetstream.ErrConsumerNotFound) {
			return s, fmt.Errorf("status: %w (%s)", err, notSetUp)
		}
		if err != nil {
			return s, fmt.Errorf("status: %w", err)
		}
		// Looking the stream up returns its info: no second request.
		st, err := js.Stream(ctx, h.Stream)
		if err != nil {
			return s, fmt.Errorf("status: stream %s: %w", h.Stream, err)
		}
		si := st.CachedInfo()
		s.Stages = append(s.Stages, Counters{
			Stage: h.Stage, Pending: ci.NumPending, Unacked: uint64(ci.NumAckPending),
			Redelivered: uint64(ci.NumRedelivered), DeadLetters: dl[h.Stage], Waiting: ci.NumWaiting,
			LastSeq: si.State.LastSeq, AckFloor: ci.AckFloor.Stream,
		})
	}
	return s, nil
}

// Stage is a stage's latest counters and its rates between two snapshots.
type Stage struct {
	Counters
	// Arrived and Done are the messages stored in the input stream and
	// acknowledged by the stage between the two snapshots; InRate and
	// DoneRate are the same per second. Each hop's stream holds one subject,
	// so sequence deltas count messages.
	Arrived  uint64  `json:"arrived"`
	Done     uint64  `json:"done"`
	InRate   float64 `json:"in_per_second"`
	DoneRate float64 `json:"done_per_second"`
}

// Fetch is fetch's row: what it published into the raw stream (in all, and
// between the two snapshots) and what it could not read.
type Fetch struct {
	PublishedTotal uint64  `json:"published_total"` // the raw stream's last sequence
	Published      uint64  `json:"published"`       // between the two snapshots
	Rate           float64 `json:"published_per_second"`
	DeadLetters    uint64  `json:"dead_letters"`
}

// FetchRow derives fetch's row from clean's: fetch publishes into clean's
// input stream.
func FetchRow(after Snapshot, stages []Stage) Fetch {
	f := Fetch{DeadLetters: after.FetchDeadLetters}
	for _, st := range stages {
		if st.Stage == topology.StageClean {
			f.PublishedTotal, f.Published, f.Rate = st.LastSeq, st.Arrived, st.InRate
		}
	}
	return f
}

// Rates combines two snapshots of the same stages, before then after.
func Rates(before, after Snapshot) []Stage {
	secs := after.At.Sub(before.At).Seconds()
	out := make([]Stage, len(after.Stages))
	for i, a := range after.Stages {
		st := Stage{Counters: a}
		if i < len(before.Stages) && before.Stages[i].Stage == a.Stage {
			b := before.Stages[i]
			st.Arrived = delta(b.LastSeq, a.LastSeq)
			st.Done = delta(b.AckFloor, a.AckFloor)
			if secs > 0 {
				st.InRate = float64(st.Arrived) / secs
				st.DoneRate = float64(st.Done) / secs
			}
		}
		out[i] = st
	}
	return out
}

// delta is after - before, 0 when a stream was purged or recreated between.
func delta(before, after uint64) uint64 {
	if after < before {
		return 0
	}
	return after - before
}

// Warehouse is what ClickHouse shows: how much and how fresh.
type Warehouse struct {
	Addr     string `json:"addr"`
	Database string `json:"database"`
	Articles uint64 `json:"articles"`
	Facts    uint64 `json:"facts"`
	// The newest article loaded: its id, title, when it was fetched, loaded
	// (ingested_at) and published. Zero times are unknown.
	NewestID        string
	NewestTitle     string
	NewestFetched   time.Time
	NewestIngested  time.Time
	NewestPublished time.Time
	// IngestLag is now - NewestIngested: how long nothing new has landed.
	// PublishLag is now - NewestPublished: how far behind the news it is.
	IngestLag  time.Duration
	PublishLag time.Duration
	Err        string
}

// MarshalJSON writes times in RFC 3339 (absent when unknown) and lags in
// seconds, which scripts and jq read without knowing Go's units.
func (w Warehouse) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Addr              string   `json:"addr"`
		Database          string   `json:"database"`
		Articles          uint64   `json:"articles"`
		Facts             uint64   `json:"facts"`
		NewestID          string   `json:"newest_id,omitempty"`
		NewestTitle       string   `json:"newest_title,omitempty"`
		NewestFetched     string   `json:"newest_fetched,omitempty"`
		NewestIngested    string   `json:"newest_ingested,omitempty"`
		NewestPublished   string   `json:"newest_published,omitempty"`
		IngestLagSeconds  *float64 `json:"ingest_lag_seconds,omitempty"`
		PublishLagSeconds *float64 `json:"publish_lag_seconds,omitempty"`
		Err               string   `json:"error,omitempty"`
	}{
		w.Addr, w.Database, w.Articles, w.Facts, w.NewestID, w.NewestTitle,
		rfc3339(w.NewestFetched), rfc3339(w.NewestIngested), rfc3339(w.NewestPublished),
		seconds(w.IngestLag, !w.NewestIngested.IsZero()), seconds(w.PublishLag, !w.NewestPublished.IsZero()), w.Err,
	})
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func seconds(d time.Duration, known bool) *float64 {
	if !known {
		return nil
	}
	s := math.Round(d.Seconds()*1000) / 1000
	return &s
}

// ReadWarehouse queries the views of db. The newest article is the one
// loaded last; the newest publication time is over all articles, because
// backfills load old news after new.
func ReadWarehouse(ctx context.Context, conn driver.Conn, db string, now time.Time) (Warehouse, error) {
	w := Warehouse{Database: db}
	q := warehouse.QuoteIdent(db)
	var published time.Time
	err := conn.QueryRow(ctx, `SELECT count(), max(ingested_at), argMax(article_id, ingested_at), argMax(title, ingested_at),
       argMax(fetched_at, ingested_at), max(published_at)
FROM `+q+`.v_articles`).Scan(&w.Articles, &w.NewestIngested, &w.NewestID, &w.NewestTitle, &w.NewestFetched, &published)
	if err != nil {
		return w, fmt.Errorf("status: newest article in %s: %w", db, err)
	}
	if err := conn.QueryRow(ctx, "SELECT count() FROM "+q+".v_facts").Scan(&w.Facts); err != nil {
		return w, fmt.Errorf("status: facts in %s: %w", db, err)
	}
	if w.Articles == 0 {
		w.NewestIngested, w.NewestFetched, w.NewestID, w.NewestTitle = time.Time{}, time.Time{}, "", ""
		return w, nil
	}
	// 1970-01-01 is the schema's "unknown".
	if published.Unix() > 0 {
		w.NewestPublished = published
		w.PublishLag = now.Sub(published)
	}
	if w.NewestFetched.Unix() <= 0 {
		w.NewestFetched = time.Time{}
	}
	w.IngestLag = now.Sub(w.NewestIngested)
	return w, nil
}

// Report is what `casewire status` prints.
type Report struct {
	At        time.Time
	Sample    time.Duration
	Fetch     Fetch
	Stages    []Stage
	Warehouse *Warehouse
}

// MarshalJSON writes the time in RFC 3339 and the sample in seconds.
func (r Report) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		At            string     `json:"at"`
		SampleSeconds float64    `json:"sample_seconds"`
		Fetch         Fetch      `json:"fetch"`
		Stages        []Stage    `json:"stages"`
		Warehouse     *Warehouse `json:"clickhouse,omitempty"`
	}{r.At.UTC().Format(time.RFC3339), math.Round(r.Sample.Seconds()*1000) / 1000, r.Fetch, r.Stages, r.Warehouse})
}

// Read takes two snapshots sample apart (sleep waits between them; a test
// passes one that does work instead) and reads the warehouse if conn is not
// nil. A ClickHouse failure is reported in the warehouse part, not as an
// error: the stream side is still worth printing.
func Read(ctx context.Context, js jetstream.JetStream, conn driver.Conn, db string, sample time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) (Report, error) {
	before, err := Take(ctx, js, now)
	if err != nil {
		return Report{}, err
	}
	if err := sleep(ctx, sample); err != nil {
		return Report{}, err
	}
	after, err := Take(ctx, js, now)
	if err != nil {
		return Report{}, err
	}
	r := Report{At: after.At, Sample: after.At.Sub(before.At), Stages: Rates(before, after)}
	r.Fetch = FetchRow(after, r.Stages)
	if conn != nil {
		w, err := ReadWarehouse(ctx, conn, db, after.At)
		if err != nil {
			w.Err = err.Error()
		}
		r.Warehouse = &w
	}
	return r, nil
}

// Sleep waits d or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Write prints the report as a table and a few lines on ClickHouse.
func (r Report) Write(w io.Writer) error {
	fmt.Fprintf(w, "casewire status at %s (rates over %s)\n\n", r.At.UTC().Format(time.RFC3339), Human(r.Sample))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tpending\tunacked\tredelivered\tdead letters\tin/s\tdone/s\tidle pulls\t")
	// Fetch has no consumer: its in/s is what it published, its total in
	// the pending column's place would mislead, so it shows a dash.
	fmt.Fprintf(tw, "fetch\t-\t-\t-\t%d\t-\t%.1f\t-\t\n", r.Fetch.DeadLetters, r.Fetch.Rate)
	for _, s := range r.Stages {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%d\t\n",
			s.Stage, s.Pending, s.Unacked, s.Redelivered, s.DeadLetters, s.InRate, s.DoneRate, s.Waiting)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("status: write: %w", err)
	}
	if r.Warehouse == nil {
		return nil
	}
	h := r.Warehouse
	fmt.Fprintf(w, "\nClickHouse %s database %s:", h.Addr, h.Database)
	if h.Err != "" {
		fmt.Fprintf(w, " unavailable: %s\n", h.Err)
		return nil
	}
	fmt.Fprintf(w, " %d articles, %d facts\n", h.Articles, h.Facts)
	if h.Articles == 0 {
		fmt.Fprintln(w, "  no articles loaded yet")
		return nil
	}
	title := h.NewestTitle
	if title == "" {
		title = "(untitled)"
	}
	fmt.Fprintf(w, "  fetch published:  %d raw articles in all\n", r.Fetch.PublishedTotal)
	fmt.Fprintf(w, "  newest loaded:    %s %s at %s, %s ago", h.NewestID, title, h.NewestIngested.UTC().Format(time.RFC3339), Human(h.IngestLag))
	if !h.NewestFetched.IsZero() {
		fmt.Fprintf(w, " (fetched to loaded %s)", Human(h.NewestIngested.Sub(h.NewestFetched)))
	}
	fmt.Fprintln(w)
	if !h.NewestPublished.IsZero() {
		fmt.Fprintf(w, "  newest published: %s, %s ago\n", h.NewestPublished.Format("2006-01-02 15:04 -07:00"), Human(h.PublishLag))
	} else {
		fmt.Fprintln(w, "  newest published: unknown (no article has a publication time)")
	}
	return nil
}

// Human writes a duration as a person reads it, to two units at most:
// 850ms, 42s, 3m 5s, 5h 12m, 778d 8h.
func Human(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second).Seconds()))
	case d < time.Hour:
		d = d.Round(time.Second)
		return twoUnits(int(d/time.Minute), "m", int(d%time.Minute/time.Second), "s")
	case d < 48*time.Hour:
		d = d.Round(time.Minute)
		return twoUnits(int(d/time.Hour), "h", int(d%time.Hour/time.Minute), "m")
	}
	d = d.Round(time.Hour)
	return twoUnits(int(d/(24*time.Hour)), "d", int(d%(24*time.Hour)/time.Hour), "h")
}

func twoUnits(a int, ua string, b int, ub string) string {
	if b == 0 {
		return fmt.Sprintf("%d%s", a, ua)
	}
	return fmt.Sprintf("%d%s %d%s", a, ua, b, ub)
}

// WriteJSON prints the report as one JSON document, for scripts.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("status: write json: %w", err)
	}
	return nil
}
