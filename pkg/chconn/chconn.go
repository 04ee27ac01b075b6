// Package chconn opens ClickHouse connections from the configuration.
package chconn

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/casewire/casewire/pkg/config"
)

// LegacySettings go with every query to a server older than 19.1:
// ClickHouse 18.16 creates LowCardinality columns only with this setting,
// while current releases refuse it as unknown.
func LegacySettings() clickhouse.Settings {
	return clickhouse.Settings{"allow_experimental_low_cardinality_type": 1}
}

// Open opens a native-protocol connection (the HTTP protocol of
// current drivers does not work with ClickHouse 18.16) into the configured
// database, checks it, and picks the settings the server's version needs.
// Connecting into casewire's database rather than "default" lets the load
// user be confined to it; until the database exists (load creates it on its
// first start) the connection is made to "default" instead.
func Open(ctx context.Context, c config.ClickHouse) (driver.Conn, error) {
	conn, err := openClickHouse(ctx, c)
	if err != nil && c.Database != "" && c.Database != "default" && isUnknownDatabase(err) {
		d := c
		d.Database = "default"
		return openClickHouse(ctx, d)
	}
	return conn, err
}

// isUnknownDatabase is ClickHouse's UNKNOWN_DATABASE (code 81).
func isUnknownDatabase(err error) bool {
	var exc *clickhouse.Exception
	return errors.As(err, &exc) && exc.Code == 81
}

func openClickHouse(ctx context.Context, c config.ClickHouse) (driver.Conn, error) {
	conn, err := dialClickHouse(ctx, c, nil)
	if err != nil {
		return nil, err
	}
	v, err := conn.ServerVersion()
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("ClickHouse %s server version: %w", c.Addr, err)
	}
	if v.Version.Major >= 19 {
		return conn, nil
	}
	conn.Close()
	return dialClickHouse(ctx, c, LegacySettings())
}

func dialClickHouse(ctx context.Context, c config.ClickHouse, settings clickhouse.Settings) (driver.Conn, error) {
	opts := &clickhouse.Options{
		Addr:        strings.Split(c.Addr, ","),
		Protocol:    clickhouse.Native,
		Auth:        clickhouse.Auth{Database: cmp.Or(c.Database, "default"), Username: c.User, Password: c.Password},
		Settings:    settings,
		DialTimeout: c.DialTimeout,
	}
	if c.TLS.Enabled {
		tc, err := c.TLS.ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("clickhouse.tls: %w", err)
		}
		opts.TLS = tc
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("open ClickHouse %s: %w", c.Addr, err)
	}
	if err := conn.Ping(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("ping ClickHouse %s (set clickhouse.addr, CASEWIRE_CLICKHOUSE_ADDR or CLICKHOUSE_ADDR): %w", c.Addr, err)
	}
	return conn, nil
}

// Check is a readiness check: ready while the server answers a ping.
func Check(conn driver.Conn) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := conn.Ping(ctx); err != nil {
			return fmt.Errorf("ClickHouse ping: %w", err)
		}
		return nil
	}
}

// Readiness opens a connection of its own for the readiness check
// (a check must not queue behind a long batch insert) and returns the check
// and a function that closes the connection.
func Readiness(ctx context.Context, c config.ClickHouse) (map[string]func(context.Context) error, func(), error) {
	conn, err := Open(ctx, c)
	if err != nil {
		return nil, nil, fmt.Errorf("readiness: %w", err)
	}
	return map[string]func(context.Context) error{"clickhouse": Check(conn)}, func() { _ = conn.Close() }, nil
}
