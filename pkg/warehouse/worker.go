package warehouse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/casewire/casewire/pkg/article"
	"github.com/casewire/casewire/pkg/chconn"
	"github.com/casewire/casewire/pkg/config"
	"github.com/casewire/casewire/pkg/gazetteer"
	"github.com/casewire/casewire/pkg/stage"
	"github.com/casewire/casewire/pkg/topology"
)

// Open connects to ClickHouse, applies the schema (idempotent) and loads the
// divisions table, then returns a writer. Close the writer's connection
// (Writer.Close) when done.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (w *Writer, err error) {
	conn, err := chconn.Open(ctx, cfg.ClickHouse)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, conn.Close())
		}
	}()
	db := cfg.ClickHouse.Database
	if cluster := cfg.ClickHouse.Cluster; cluster != "" {
		if err := MigrateCluster(ctx, conn, db, cluster); err != nil {
			return nil, fmt.Errorf("migrate %s on cluster %s: %w", db, cluster, err)
		}
	} else {
		if err := conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+QuoteIdent(db)); err != nil {
			return nil, fmt.Errorf("create database %s: %w", db, err)
		}
		if err := Migrate(ctx, conn, db); err != nil {
			return nil, fmt.Errorf("migrate %s: %w", db, err)
		}
	}
	w = NewWriter(conn, db, WriterOptions{Logger: log})
	gz, err := gazetteer.Load()
	if err != nil {
		return nil, fmt.Errorf("load gazetteer: %w", err)
	}
	if err := w.LoadDivisions(ctx, DivisionsOf(gz)); err != nil {
		return nil, fmt.Errorf("load divisions: %w", err)
	}
	return w, nil
}

// DivisionsOf converts the gazetteer for the divisions table.
func DivisionsOf(gz *gazetteer.Gazetteer) []Division {
	src := gz.Divisions()
	out := make([]Division, len(src))
	for i, d := range src {
		out[i] = Division{
			Code: d.Code, Name: d.Name, Level: d.Level, ParentCode: d.ParentCode,
			Province: d.Province, Prefecture: d.Prefecture, County: d.County, Township: d.Township,
		}
	}
	return out
}

// Run consumes extracted articles into ClickHouse until ctx ends. A failed
// batch is transient (the server may be down); rows it refuses are rejected
// one by one.
func Run(ctx context.Context, env stage.Env, wr *Writer) error {
	cons, err := topology.Consumer(ctx, env.JS, topology.StageLoad)
	if err != nil {
		return err
	}
	w := &stage.BatchWorker[article.Extracted]{
		Stage: topology.StageLoad, JS: env.JS, Consumer: cons, Handle: wr.Write,
		Policy:  stage.BatchPolicyOf(env.Config.Load),
		AckWait: env.Config.Streams.AckWait, MaxDeliver: env.Config.Streams.MaxDeliver,
		Backoff: stage.SinkBackoff(), Log: env.Log, Metrics: env.Metrics,
	}
	return w.Run(ctx)
}

// Close closes the writer's connection.
func (w *Writer) Close() error { return w.conn.Close() }
