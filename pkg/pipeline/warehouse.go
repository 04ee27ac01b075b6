package pipeline

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/connect"
	"github.com/casewire/casewire/pkg/gazetteer"
	"github.com/casewire/casewire/pkg/warehouse"
)

// OpenWarehouse connects to ClickHouse, applies the schema (idempotent) and
// loads the divisions table, then returns a writer.
func OpenWarehouse(ctx context.Context, cfg config.Config, log *slog.Logger) (*warehouse.Writer, error) {
	conn, err := connect.ClickHouse(ctx, cfg.ClickHouse)
	if err != nil {
		return nil, err
	}
	db := cfg.ClickHouse.Database
	if cluster := cfg.ClickHouse.Cluster; cluster != "" {
		if err := warehouse.MigrateCluster(ctx, conn, db, cluster); err != nil {
			return nil, fmt.Errorf("migrate %s on cluster %s: %w", db, cluster, err)
		}
	} else {
		if err := conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+warehouse.QuoteIdent(db)); err != nil {
			return nil, fmt.Errorf("create database %s: %w", db, err)
		}
		if err := warehouse.Migrate(ctx, conn, db); err != nil {
			return nil, fmt.Errorf("migrate %s: %w", db, err)
		}
	}
	w := warehouse.NewWriter(conn, db, warehouse.WriterOptions{Logger: log})
	gz, err := gazetteer.Load()
	if err != nil {
		return nil, fmt.Errorf("load gazetteer: %w", err)
	}
	if err := w.LoadDivisions(ctx, Divisions(gz)); err != nil {
		return nil, fmt.Errorf("load divisions: %w", err)
	}
	return w, nil
}
