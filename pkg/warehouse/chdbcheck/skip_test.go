//go:build !chdb

package chdbcheck_test

import "testing"

// TestCurrentClickHouse is the stand-in when the chdb check is not built in:
// chdb-go loads libchdb.so as the test binary starts and panics without it,
// so the real test needs -tags chdb and the library, which
// scripts/chdb-check.sh installs.
func TestCurrentClickHouse(t *testing.T) {
	t.Skip("chdb check not built: run scripts/chdb-check.sh (go test -tags chdb with CHDB_LIB_PATH set to libchdb.so)")
}
