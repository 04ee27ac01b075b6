#!/usr/bin/env bash
# Checks the warehouse schema, writer, views and cookbook on a current
# ClickHouse engine: chdb's libchdb.so, run in process by the test in
# pkg/warehouse/chdbcheck (its own Go module, build tag chdb).
#
#   scripts/chdb-check.sh            install the library if missing, run the check
#
# CHDB_LIB_PATH set: that libchdb.so is used and nothing is installed.
# Otherwise the npm package @chdb/lib-linux-x64-gnu (about 166 MB to download,
# 560 MB unpacked) is installed under .data/chdb.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="${CASEWIRE_DATA_DIR:-$root/.data}/chdb"
version="${CHDB_NPM_VERSION:-26.5.3}"

log() { printf 'chdb-check: %s\n' "$*" >&2; }

if [ -z "${CHDB_LIB_PATH:-}" ]; then
	CHDB_LIB_PATH="$dir/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so"
	if [ ! -f "$CHDB_LIB_PATH" ]; then
		command -v npm >/dev/null 2>&1 || { log "npm not found: install nodejs/npm or set CHDB_LIB_PATH"; exit 1; }
		mkdir -p "$dir"
		[ -f "$dir/package.json" ] || echo '{"name":"casewire-chdb","private":true}' >"$dir/package.json"
		log "installing @chdb/lib-linux-x64-gnu@$version into $dir (log: $dir/npm.log)"
		(cd "$dir" && npm install --no-audit --no-fund "@chdb/lib-linux-x64-gnu@$version" >npm.log 2>&1) || {
			log "npm install failed; last lines:"; tail -n 20 "$dir/npm.log" >&2; exit 1; }
	fi
fi
export CHDB_LIB_PATH
log "using $CHDB_LIB_PATH"

cd "$root/pkg/warehouse/chdbcheck"
GOWORK=off go test -tags chdb -count=1 -v "$@" .
