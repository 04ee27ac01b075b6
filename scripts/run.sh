#!/usr/bin/env bash
# Runs the whole casewire pipeline on the bundled sample feed, on one machine:
# an in-process NATS JetStream server, the four stages, and ClickHouse. With no
# CLICKHOUSE_ADDR set, a local ClickHouse is installed (Debian package) and
# started under .data/ by scripts/clickhouse.sh. Prints what reached ClickHouse,
# then keeps watching deployments/sample-feed/ for new files (Ctrl-C stops).
#
#   scripts/run.sh            ingest, report, keep watching
#   scripts/run.sh --once     ingest, report, exit
#   scripts/run.sh --once other/folder    extra arguments go to `casewire run`
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if [ -z "${CLICKHOUSE_ADDR:-}" ]; then
	CLICKHOUSE_ADDR=$(scripts/clickhouse.sh start)
	export CLICKHOUSE_ADDR
fi
mkdir -p .data/bin
go build -o .data/bin/casewire ./services/casewire
exec .data/bin/casewire run --source sample "$@" deployments/sample-feed
