package chconn_test

import (
	"context"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/chconn"
	"github.com/casewire/casewire/pkg/chtest"
	"github.com/casewire/casewire/pkg/config"
)

// TestClickHouseDatabase: the connection opens in the configured database,
// so a user confined to it can connect; while it does not exist yet (before
// load's first start creates it) the connection falls back to "default".
func TestClickHouseDatabase(t *testing.T) {
	_, existing := chtest.Open(t) // a fresh database of this test's own
	cases := []struct {
		name     string
		database string
		want     string
	}{
		{"existing database", existing, existing},
		{"not created yet", existing + "_not_yet", "default"},
		{"none configured", "", "default"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cfg := config.Default().ClickHouse
			cfg.Addr, cfg.Database = chtest.Addr(t), c.database
			conn, err := chconn.Open(ctx, cfg)
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			defer conn.Close()
			var got string
			if err := conn.QueryRow(ctx, "SELECT currentDatabase()").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("current database %q, want %q", got, c.want)
			}
		})
	}
}
