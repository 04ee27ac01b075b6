package warehouse

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/casewire/casewire/pkg/article"
)

// WriterOptions tune a Writer; the zero value is ready to use.
type WriterOptions struct {
	// Now is the clock stamped on each load (ingested_at, and the low half of
	// the version of messages without an extraction time). Nil means time.Now.
	Now func() time.Time
	// Logger receives one line per rejected article and per split. Nil
	// discards.
	Logger *slog.Logger
}

// Writer loads extracted articles into the warehouse tables. It is safe for
// concurrent use if the connection is.
type Writer struct {
	conn   driver.Conn
	db     string
	now    func() time.Time
	logger *slog.Logger
}

// NewWriter returns a writer into database, whose schema Migrate has applied.
func NewWriter(conn driver.Conn, database string, opts WriterOptions) *Writer {
	w := &Writer{conn: conn, db: QuoteIdent(database), now: opts.Now, logger: opts.Logger}
	if w.now == nil {
		w.now = time.Now
	}
	if w.logger == nil {
		w.logger = slog.New(slog.DiscardHandler)
	}
	return w
}

// Write loads a batch: each article's facts, entities and then the article
// row, which makes them visible in the views (the views show facts only of an
// article's newest loaded row). Loading the same articles again, or an older
// extraction of them, changes nothing the views show; a newer extraction
// replaces the old one's facts and entities entirely.
//
// rejected maps batch indexes to the reason an article was refused as bad
// data, by this package's checks (ErrBadData) or by the server
// (*clickhouse.Exception); the rest of the batch is loaded. A non-nil err is
// a transient failure of the whole batch: nothing is known to be loaded,
// rejected is nil, and the caller should retry the batch with backoff.
func (w *Writer) Write(ctx context.Context, batch []article.Extracted) (rejected map[int]error, err error) {
	loadedAt := w.now()
	rejected = map[int]error{}
	sets := make([]rowSet, len(batch))
	var ok []int
	for i := range batch {
		rs, err := toRows(&batch[i], loadedAt)
		if err != nil {
			rejected[i] = err
			w.logger.Warn("warehouse: article rejected", "index", i, "article_id", batch[i].ID, "error", err)
			continue
		}
		sets[i] = rs
		ok = append(ok, i)
	}
	if err := w.load(ctx, sets, ok, rejected, batch); err != nil {
		return nil, err
	}
	return rejected, nil
}

// load inserts the articles at idx; on a data error it splits them in halves
// until the refused articles are alone and rejects those.
func (w *Writer) load(ctx context.Context, sets []rowSet, idx []int, rejected map[int]error, batch []article.Extracted) error {
	if len(idx) == 0 {
		return nil
	}
	err := w.insert(ctx, sets, idx)
	if err == nil {
		return nil
	}
	switch classify(err) {
	case transient:
		return fmt.Errorf("load %d articles: %w", len(idx), err)
	case tooBig:
		if len(idx) == 1 {
			return fmt.Errorf("load article %s: %w", batch[idx[0]].ID, err)
		}
	case badData:
		if len(idx) == 1 {
			rejected[idx[0]] = err
			w.logger.Warn("warehouse: article rejected by server", "index", idx[0], "article_id", batch[idx[0]].ID, "error", err)
			return nil
		}
	}
	w.logger.Info("warehouse: splitting insert", "articles", len(idx), "error", err)
	half := len(idx) / 2
	if err := w.load(ctx, sets, idx[:half], rejected, batch); err != nil {
		return err
	}
	return w.load(ctx, sets, idx[half:], rejected, batch)
}

// insert sends the rows of the articles at idx, one INSERT per table. The
// article rows go last: until they land, the views ignore the facts and
// entities already sent.
func (w *Writer) insert(ctx context.Context, sets []rowSet, idx []int) error {
	var facts, entities, articles [][]any
	for _, i := range idx {
		facts = append(facts, sets[i].facts...)
		entities = append(entities, sets[i].entities...)
		articles = append(articles, sets[i].article)
	}
	for _, t := range []struct {
		table   string
		columns []string
		rows    [][]any
	}{
		{"facts", factColumns, facts},
		{"entities", entityColumns, entities},
		{"articles", articleColumns, articles},
	} {
		if err := w.send(ctx, t.table, t.columns, t.rows); err != nil {
			return err
		}
	}
	return nil
}

func (w *Writer) send(ctx context.Context, table string, columns []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	b, err := w.conn.PrepareBatch(ctx, insertQuery(w.db, table, columns))
	if err != nil {
		return fmt.Errorf("prepare insert into %s: %w", table, err)
	}
	for _, row := range rows {
		if err := b.Append(row...); err != nil {
			_ = b.Abort()
			return &appendError{table: table, err: err}
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("insert %d rows into %s: %w", len(rows), table, err)
	}
	return nil
}
