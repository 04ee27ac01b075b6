package bench

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/fetch"
	"github.com/casewire/casewire/pkg/warehouse"
)

// LatencyResult is the time from publish (a fetched article stamped and
// sent) to its article row being visible in ClickHouse.
type LatencyResult struct {
	Rate     float64 // articles per second offered
	Sent     int
	Arrived  int
	P50, P90 time.Duration
	P99, Max time.Duration
	PeakRSS  map[string]int64
}

// Latency publishes the corpus's raw articles at rate per second (each
// stamped with its FetchedAt as it is sent, the way fetch does) and polls
// ClickHouse every poll for raw ids that arrived. The arrival time is the
// poll that first saw the id, so it overstates latency by up to poll plus
// one query.
func (w Workers) Latency(ctx context.Context, s *Stack, files []string, source string, rate float64, count int, poll time.Duration) (LatencyResult, error) {
	res := LatencyResult{Rate: rate}
	raws, err := readRaws(files, source, count)
	if err != nil {
		return res, err
	}
	r, err := w.start(ctx, s, 1)
	if err != nil {
		return res, err
	}
	defer r.stop()
	pub, err := fetchPublisher(ctx, s.JS)
	if err != nil {
		return res, err
	}

	sent := make(map[string]time.Time, len(raws))
	arrived := map[string]time.Duration{}
	sentCh := make(chan sentAt, len(raws))
	pubErr := make(chan error, 1)
	go func() {
		// A ticker keeps the offered rate fixed whatever the pipeline does.
		t := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer t.Stop()
		for _, raw := range raws {
			<-t.C
			raw.FetchedAt = time.Now().UTC()
			at := time.Now()
			if _, err := pub.Publish(ctx, raw); err != nil {
				pubErr <- err
				return
			}
			sentCh <- sentAt{raw.ID, at}
		}
		pubErr <- nil
	}()

	q := fmt.Sprintf("SELECT DISTINCT raw_id FROM %s.articles", warehouse.QuoteIdent(s.Database))
	deadline := time.Now().Add(time.Duration(float64(len(raws))/rate*float64(time.Second)) + 60*time.Second)
	published := false
	for len(arrived) < len(raws) && time.Now().Before(deadline) {
		select {
		case err := <-pubErr:
			if err != nil {
				return res, fmt.Errorf("publish: %w", err)
			}
			published = true
		case <-time.After(poll):
		}
		for drained := false; !drained; {
			select {
			case sa := <-sentCh:
				sent[sa.id] = sa.at
			default:
				drained = true
			}
		}
		now := time.Now()
		rows, err := s.Admin.Query(ctx, q)
		if err != nil {
			return res, fmt.Errorf("poll arrivals: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return res, fmt.Errorf("poll arrivals: %w", err)
			}
			if _, seen := arrived[id]; !seen {
				if at, ok := sent[id]; ok {
					arrived[id] = now.Sub(at)
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return res, fmt.Errorf("poll arrivals: %w", err)
		}
	}
	if !published {
		if err := <-pubErr; err != nil {
			return res, fmt.Errorf("publish: %w", err)
		}
	}
	res.Sent, res.Arrived = len(raws), len(arrived)
	lat := make([]time.Duration, 0, len(arrived))
	for _, d := range arrived {
		lat = append(lat, d)
	}
	slices.Sort(lat)
	res.P50, res.P90, res.P99 = quantile(lat, 0.5), quantile(lat, 0.9), quantile(lat, 0.99)
	if len(lat) > 0 {
		res.Max = lat[len(lat)-1]
	}
	res.PeakRSS = r.peaks()
	return res, r.stop()
}

type sentAt struct {
	id string
	at time.Time
}

// quantile of sorted values, nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// readRaws reads up to n raw articles of the corpus (all when n <= 0).
func readRaws(files []string, source string, n int) ([]article.Raw, error) {
	var out []article.Raw
	for _, f := range files {
		rs, _, err := fetch.ReadFile(fetch.Source{Name: source}, f, fetch.Options{})
		if err != nil {
			return nil, fmt.Errorf("read corpus file %s: %w", f, err)
		}
		out = append(out, rs...)
		if n > 0 && len(out) >= n {
			return out[:n], nil
		}
	}
	return out, nil
}
