// Package chdbcheck runs the warehouse's migrations, writer, views and
// cookbook on a current ClickHouse engine, in process, through chdb's
// libchdb.so: the production servers run current releases while the build
// machines only have a 18.16 server.
//
// It is its own module so that chdb-go (whose package init loads libchdb.so
// and panics without it) stays out of the pkg module and of every other test
// binary. Run it with scripts/chdb-check.sh, which installs the library; the
// test skips when the library cannot be found.
package chdbcheck
