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
