#!/usr/bin/env bash
# Installs (Debian package) and starts a local ClickHouse server for casewire's
# single-node runs and tests, under the repo's .data/ folder.
#
#   scripts/clickhouse.sh start   install if missing, start if not running; prints the native address
#   scripts/clickhouse.sh stop    stop the server started here
#   scripts/clickhouse.sh status  print the address if a server answers, exit 1 otherwise
#
# CLICKHOUSE_ADDR set: nothing is installed or started, the address is printed as given.
# Ports: CASEWIRE_CH_TCP_PORT (default 19000), CASEWIRE_CH_HTTP_PORT (default 18123), chosen away
# from ClickHouse's defaults so a user's own server is never touched.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data="${CASEWIRE_DATA_DIR:-$root/.data}/clickhouse"
tcp_port="${CASEWIRE_CH_TCP_PORT:-19000}"
http_port="${CASEWIRE_CH_HTTP_PORT:-18123}"
addr="127.0.0.1:$tcp_port"

log() { printf 'clickhouse: %s\n' "$*" >&2; }

answers() {
	# The HTTP interface answers "Ok." once the server accepts queries.
	curl -fsS --max-time 1 "http://127.0.0.1:$http_port/ping" >/dev/null 2>&1
}

install_server() {
	command -v clickhouse-server >/dev/null 2>&1 && return 0
	log "installing clickhouse-server from Debian packages (log: $data.install.log)"
	mkdir -p "$(dirname "$data")"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >"$data.install.log" 2>&1
	# The package's postinst may try to start a system service; there is none here, which is fine.
	apt-get install -y -qq --no-install-recommends clickhouse-server clickhouse-client >>"$data.install.log" 2>&1 || {
		command -v clickhouse-server >/dev/null 2>&1 || { log "install failed"; exit 1; }
	}
}

write_config() {
	mkdir -p "$data"/{data,tmp,user_files,format_schemas,log}
	cat >"$data/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>$data/log/server.log</log>
        <errorlog>$data/log/error.log</errorlog>
        <size>10M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>$tcp_port</tcp_port>
    <http_port>$http_port</http_port>
    <path>$data/data/</path>
    <tmp_path>$data/tmp/</tmp_path>
    <user_files_path>$data/user_files/</user_files_path>
    <format_schema_path>$data/format_schemas/</format_schema_path>
    <users_config>$data/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mark_cache_size>268435456</mark_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
</yandex>
XML
	cat >"$data/users.xml" <<'XML'
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <allow_experimental_low_cardinality_type>1</allow_experimental_low_cardinality_type>
        </default>
        <readonly><readonly>1</readonly></readonly>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
}

start() {
	if [ -n "${CLICKHOUSE_ADDR:-}" ]; then
		echo "$CLICKHOUSE_ADDR"
		return 0
	fi
	if answers; then
		echo "$addr"
		return 0
	fi
	install_server
	write_config
	log "starting on $addr (data in $data)"
	nohup clickhouse-server --config-file="$data/config.xml" >"$data/log/stdout.log" 2>&1 &
	echo $! >"$data/server.pid"
	for _ in $(seq 1 300); do
		if answers; then
			echo "$addr"
			return 0
		fi
		if ! kill -0 "$(cat "$data/server.pid")" 2>/dev/null; then
			log "server exited; last log lines:"
			tail -n 20 "$data/log/stdout.log" "$data/log/error.log" >&2 2>/dev/null || true
			exit 1
		fi
		sleep 0.1
	done
	log "server did not answer within 30s"
	exit 1
}

stop() {
	[ -f "$data/server.pid" ] || return 0
	pid=$(cat "$data/server.pid")
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	rm -f "$data/server.pid"
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
status) if answers; then echo "$addr"; else exit 1; fi ;;
*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
