#!/usr/bin/env bash
# Runs every test of casewire, as CI does: starts (installing if needed) a
# local ClickHouse for the integration tests, then vets and tests every module
# of the workspace with the race detector, each module on its own
# (GOWORK=off) so a missing require or replace shows.
#
#   scripts/test.sh               everything
#   scripts/test.sh -run Seed     extra arguments go to every `go test`
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [ -z "${CLICKHOUSE_ADDR:-}" ]; then
	CLICKHOUSE_ADDR=$(scripts/clickhouse.sh start)
	export CLICKHOUSE_ADDR
fi
echo "test: ClickHouse at $CLICKHOUSE_ADDR"

# The ClickHouse cluster (ZooKeeper and 2 shards x 2 replicas) for the cluster
# tests of pkg/deploytest and pkg/faults; stopped again at the end if started here.
if [ -z "${CASEWIRE_CLUSTER:-}" ]; then
	if ! scripts/clickhouse-cluster.sh status >/dev/null 2>&1; then
		trap 'scripts/clickhouse-cluster.sh stop' EXIT
	fi
	CASEWIRE_CLUSTER=$(scripts/clickhouse-cluster.sh start)
	export CASEWIRE_CLUSTER
fi
echo "test: ClickHouse cluster at $CASEWIRE_CLUSTER"
# A test that lacks a server it needs skips when run by hand; here it fails,
# so this command never goes green by skipping.
export CASEWIRE_REQUIRE_SERVERS=1

unformatted=$(gofmt -l pkg services)
if [ -n "$unformatted" ]; then
	echo "test: gofmt would change:" >&2
	echo "$unformatted" >&2
	exit 1
fi

# The workspace builds as a whole.
go build github.com/casewire/casewire/...

status=0
for mod in pkg services/*/; do
	mod=${mod%/}
	echo "test: $mod"
	(cd "$mod" && GOWORK=off go vet ./... && GOWORK=off go test -race -count=1 -timeout 15m "$@" ./...) || status=1
done
exit $status
