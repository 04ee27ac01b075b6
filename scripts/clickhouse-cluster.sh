#!/usr/bin/env bash
# Installs (Debian packages) and runs a local ClickHouse cluster for casewire's
# cluster tests: one ZooKeeper and SHARDS x REPLICAS ClickHouse 18.16 servers on
# loopback, under the repo's .data/cluster/ folder. Each server gets the files of
# deployments/clickhouse-cluster/ (config.d/cluster.xml, config.d/macros.xml,
# users.d/casewire.xml) unchanged, plus one override file, config.d/zz-local.xml,
# that puts the hosts, ports and macros of this machine in place of the example
# host names: only ports and paths differ from a real deployment.
#
#   scripts/clickhouse-cluster.sh start        install if missing, start whatever is not running;
#                                              prints the servers' native addresses, comma separated
#   scripts/clickhouse-cluster.sh stop         stop every server started here (SIGTERM, then SIGKILL)
#   scripts/clickhouse-cluster.sh status       print the addresses if every server answers, exit 1 otherwise
#   scripts/clickhouse-cluster.sh nodes        one line per process: name, pid (or -), address
#   scripts/clickhouse-cluster.sh kill NAME    SIGKILL one process (zookeeper, or ch-S-R); `start` brings it back
#   scripts/clickhouse-cluster.sh pause NAME   stop one process with SIGTERM, waiting for it to exit
#   scripts/clickhouse-cluster.sh restore ch-S-R
#                                              start a replica that refuses to (after kill -9, "The local set
#                                              of parts ... doesn't look like the set of parts in ZooKeeper"):
#                                              creates its flags/force_restore_data, as ClickHouse's
#                                              documentation prescribes; the replica then sets the parts ZooKeeper
#                                              does not know aside (detached/) and fetches the shard's data from
#                                              the other replica
#
# Shape: CASEWIRE_CLUSTER_SHARDS (default 2) x CASEWIRE_CLUSTER_REPLICAS (default 2).
# Ports: from CASEWIRE_CLUSTER_PORT (default 19100): ClickHouse node i (i = shard*REPLICAS+replica,
# from 0) listens on native PORT+10i, HTTP PORT+10i+1, interserver PORT+10i+2; ZooKeeper on
# PORT+90. Away from scripts/clickhouse.sh's 19000/18123 and from ClickHouse's defaults.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data="${CASEWIRE_DATA_DIR:-$root/.data}/cluster"
shards="${CASEWIRE_CLUSTER_SHARDS:-2}"
replicas="${CASEWIRE_CLUSTER_REPLICAS:-2}"
base="${CASEWIRE_CLUSTER_PORT:-19100}"
zk_port=$((base + 90))
deploy="$root/deployments/clickhouse-cluster"

log() { printf 'clickhouse-cluster: %s\n' "$*" >&2; }

node_names() {
	local s r
	for ((s = 0; s < shards; s++)); do
		for ((r = 0; r < replicas; r++)); do
			echo "ch-$s-$r"
		done
	done
}
node_index() { local n=${1#ch-}; echo $((${n%-*} * replicas + ${n#*-})); }
tcp_port() { echo $((base + 10 * $(node_index "$1"))); }
http_port() { echo $((base + 10 * $(node_index "$1") + 1)); }
addresses() {
	local out="" n
	for n in $(node_names); do out="$out${out:+,}127.0.0.1:$(tcp_port "$n")"; done
	echo "$out"
}

pid_of() { [ -f "$data/$1/pid" ] && cat "$data/$1/pid" || true; }
running() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

ch_answers() { curl -fsS --max-time 1 "http://127.0.0.1:$(http_port "$1")/ping" >/dev/null 2>&1; }
zk_answers() {
	# "srvr" is on ZooKeeper 3.8's default four-letter-word whitelist; a serving node reports its mode.
	(exec 3<>"/dev/tcp/127.0.0.1/$zk_port" && printf srvr >&3 && timeout 1 cat <&3) | grep -q '^Mode: '
} 2>/dev/null

install_packages() {
	local need=()
	command -v clickhouse-server >/dev/null 2>&1 || need+=(clickhouse-server clickhouse-client)
	[ -d /usr/share/zookeeper ] && command -v java >/dev/null 2>&1 || need+=(zookeeper)
	[ ${#need[@]} -eq 0 ] && return 0
	mkdir -p "$data"
	log "installing ${need[*]} from Debian packages (log: $data/install.log)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >"$data/install.log" 2>&1
	# The packages' postinst may try to start system services; there are none here, which is fine.
	apt-get install -y -qq --no-install-recommends "${need[@]}" >>"$data/install.log" 2>&1 || true
	command -v clickhouse-server >/dev/null 2>&1 || { log "clickhouse-server install failed"; exit 1; }
	[ -d /usr/share/zookeeper ] && command -v java >/dev/null 2>&1 || { log "zookeeper install failed"; exit 1; }
}

write_zookeeper() {
	local d="$data/zookeeper"
	mkdir -p "$d/data"
	cat >"$d/zoo.cfg" <<CFG
tickTime=2000
dataDir=$d/data
clientPort=$zk_port
clientPortAddress=127.0.0.1
admin.enableServer=false
maxClientCnxns=200
CFG
	cat >"$d/log4j.properties" <<'CFG'
log4j.rootLogger=WARN, CONSOLE
log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender
log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout
log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} %-5p %c{1}: %m%n
CFG
}

# The replicas of the local cluster and its ZooKeeper, in the layout of
# deployments/clickhouse-cluster/config.d/cluster.xml.
local_overrides() {
	local name=$1 s r
	echo '<?xml version="1.0"?>'
	echo '<!-- Generated by scripts/clickhouse-cluster.sh: this machine in place of the example hosts. -->'
	echo '<clickhouse>'
	echo '    <remote_servers replace="replace">'
	echo '        <casewire>'
	for ((s = 0; s < shards; s++)); do
		echo '            <shard>'
		echo '                <internal_replication>true</internal_replication>'
		for ((r = 0; r < replicas; r++)); do
			echo "                <replica><host>127.0.0.1</host><port>$(tcp_port "ch-$s-$r")</port></replica>"
		done
		echo '            </shard>'
	done
	echo '        </casewire>'
	echo '    </remote_servers>'
	echo '    <zookeeper replace="replace">'
	echo "        <node><host>127.0.0.1</host><port>$zk_port</port></node>"
	echo '        <session_timeout_ms>10000</session_timeout_ms>'
	echo '    </zookeeper>'
	s=${name#ch-}
	echo '    <macros replace="replace">'
	printf '        <shard>%02d</shard>\n' $((${s%-*} + 1))
	echo "        <replica>$name</replica>"
	echo '    </macros>'
	echo '</clickhouse>'
}

write_node() {
	local name=$1 d="$data/$1"
	local tcp http
	tcp=$(tcp_port "$name")
	http=$(http_port "$name")
	mkdir -p "$d"/{data,tmp,user_files,format_schemas,log,config.d,users.d}
	cat >"$d/config.xml" <<XML
<?xml version="1.0"?>
<clickhouse>
    <logger>
        <level>warning</level>
        <log>$d/log/server.log</log>
        <errorlog>$d/log/error.log</errorlog>
        <size>10M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>$tcp</tcp_port>
    <http_port>$http</http_port>
    <interserver_http_port>$((tcp + 2))</interserver_http_port>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <path>$d/data/</path>
    <tmp_path>$d/tmp/</tmp_path>
    <user_files_path>$d/user_files/</user_files_path>
    <format_schema_path>$d/format_schemas/</format_schema_path>
    <users_config>$d/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mark_cache_size>134217728</mark_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
    <background_pool_size>4</background_pool_size>
    <background_schedule_pool_size>4</background_schedule_pool_size>
</clickhouse>
XML
	cat >"$d/users.xml" <<'XML'
<?xml version="1.0"?>
<clickhouse>
    <profiles>
        <default>
            <max_memory_usage>2000000000</max_memory_usage>
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
</clickhouse>
XML
	cp "$deploy/config.d/cluster.xml" "$deploy/config.d/macros.xml" "$d/config.d/"
	cp "$deploy/users.d/casewire.xml" "$d/users.d/"
	local_overrides "$name" >"$d/config.d/zz-local.xml"
}

wait_for() { # what, check..., pid file
	local what=$1 check=$2 name=$3
	for _ in $(seq 1 600); do
		$check "$name" && return 0
		if ! running "$name"; then
			log "$what exited; last log lines:"
			tail -n 20 "$data/$name/stdout.log" "$data/$name/log/error.log" >&2 2>/dev/null || true
			return 1
		fi
		sleep 0.1
	done
	log "$what did not answer within 60s"
	return 1
}

start_zookeeper() {
	running zookeeper && zk_answers && return 0
	write_zookeeper
	log "starting ZooKeeper on 127.0.0.1:$zk_port"
	# exec: the pid recorded is Java's own, so that stop and kill reach it.
	(cd "$data/zookeeper" && exec nohup java -Xmx256m -Dlog4j.configuration="file:$data/zookeeper/log4j.properties" \
		-cp "/usr/share/zookeeper/*:/usr/share/java/*" org.apache.zookeeper.server.quorum.QuorumPeerMain \
		"$data/zookeeper/zoo.cfg") >"$data/zookeeper/stdout.log" 2>&1 &
	echo $! >"$data/zookeeper/pid"
	wait_for ZooKeeper zk_answers_named zookeeper
}
zk_answers_named() { zk_answers; }

start_node() {
	local name=$1
	running "$name" && ch_answers "$name" && return 0
	write_node "$name"
	log "starting $name on 127.0.0.1:$(tcp_port "$name")"
	nohup clickhouse-server --config-file="$data/$name/config.xml" >"$data/$name/stdout.log" 2>&1 &
	echo $! >"$data/$name/pid"
}

start() {
	install_packages
	mkdir -p "$data"
	start_zookeeper
	local n
	for n in $(node_names); do start_node "$n"; done
	for n in $(node_names); do wait_for "$n" ch_answers "$n"; done
	addresses
}

stop_one() {
	local name=$1 p
	p=$(pid_of "$name")
	[ -n "$p" ] || return 0
	if kill -0 "$p" 2>/dev/null; then
		kill "$p"
		for _ in $(seq 1 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null || true
	fi
	rm -f "$data/$name/pid"
}

stop() {
	local n
	for n in $(node_names); do stop_one "$n" & done
	wait
	stop_one zookeeper
}

status() {
	local n
	zk_answers || exit 1
	for n in $(node_names); do ch_answers "$n" || exit 1; done
	addresses
}

nodes() {
	local n p
	p=$(pid_of zookeeper)
	echo "zookeeper ${p:--} 127.0.0.1:$zk_port"
	for n in $(node_names); do
		p=$(pid_of "$n")
		echo "$n ${p:--} 127.0.0.1:$(tcp_port "$n")"
	done
}

known() { [ "$1" = zookeeper ] || node_names | grep -qx "$1"; }

case "${1:-start}" in
start) start ;;
stop) stop ;;
status) status ;;
nodes) nodes ;;
restore)
	[ $# -eq 2 ] && node_names | grep -qx "$2" || { echo "usage: $0 restore ch-S-R" >&2; exit 2; }
	stop_one "$2"
	mkdir -p "$data/$2/data/flags"
	touch "$data/$2/data/flags/force_restore_data"
	log "$2: starting with flags/force_restore_data"
	start_node "$2"
	wait_for "$2" ch_answers "$2"
	;;
kill | pause)
	[ $# -eq 2 ] && known "$2" || { echo "usage: $0 $1 zookeeper|ch-S-R" >&2; exit 2; }
	if [ "$1" = kill ]; then
		p=$(pid_of "$2")
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
		rm -f "$data/$2/pid"
	else
		stop_one "$2"
	fi
	;;
*) echo "usage: $0 start|stop|status|nodes|kill NAME|pause NAME|restore NAME" >&2; exit 2 ;;
esac
