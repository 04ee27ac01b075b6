package warehouse

import (
	"context"

	"github.com/casewire/casewire/pkg/article"
)

// ColumnLists exposes the writer's INSERT column lists to the tests.
func ColumnLists() map[string][]string {
	return map[string][]string{
		"articles":  articleColumns,
		"facts":     factColumns,
		"entities":  entityColumns,
		"divisions": divisionColumns,
	}
}

// MigrateTo exposes migrateTo: a database as an older release left it.
var MigrateTo = migrateTo

// ReadCookbook exposes readCookbook to the tests.
var ReadCookbook = readCookbook

// WriteCutShort loads only the given tables' rows of batch, in the writer's
// order, as a load that dies between its INSERTs leaves them.
func WriteCutShort(ctx context.Context, w *Writer, batch []article.Extracted, tables ...string) error {
	loadedAt := w.now()
	var facts, entities, articles [][]any
	for i := range batch {
		rs, err := toRows(&batch[i], loadedAt)
		if err != nil {
			return err
		}
		facts = append(facts, rs.facts...)
		entities = append(entities, rs.entities...)
		articles = append(articles, rs.article)
	}
	rows := map[string][][]any{"facts": facts, "entities": entities, "articles": articles}
	for _, table := range tables {
		if err := w.send(ctx, table, ColumnLists()[table], rows[table]); err != nil {
			return err
		}
	}
	return nil
}
