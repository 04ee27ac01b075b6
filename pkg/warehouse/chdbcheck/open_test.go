//go:build chdb

package chdbcheck_test

import (
	chdbpurego "github.com/chdb-io/chdb-go/chdb-purego"
)

// openChdb opens a chdb session with its data in dir. chdb allows one
// session per process.
func openChdb(dir string) (chdbpurego.ChdbConn, error) {
	return chdbpurego.NewConnectionFromConnString(dir)
}
