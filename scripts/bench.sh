#!/usr/bin/env bash
# Benchmarks casewire against its own limit (see scripts/BENCHMARKS.md):
# builds the workers, generates the corpus, runs the limit and the pipeline
# interleaved, then latency, memory and scaling; prints a Markdown report and
# writes it (and the raw numbers as JSON) under bench-results/.
#
#   scripts/bench.sh                       defaults: ~10 minutes on 2 cores
#   scripts/bench.sh --articles 1000000    any casewire bench flag; --help lists them
#   BENCH_QUICK=1 scripts/bench.sh         one small repetition, a minute or two
#
# ClickHouse: CLICKHOUSE_ADDR if set, else the local server of scripts/clickhouse.sh
# (installed and started if needed). Every round uses a fresh database, dropped after.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

addr=$(scripts/clickhouse.sh start)
bin="$root/bench-results/bin"
mkdir -p "$bin"
echo "bench: building casewire and the workers into $bin" >&2
for cmd in casewire fetch clean extract load; do
	go build -o "$bin/$cmd" "./services/$cmd"
done

quick=()
if [[ -n "${BENCH_QUICK:-}" ]]; then
	quick=(--articles 300 --reps 1 --extractors 1 --limit-workers 0 --lengths 1024,102400 \
		--length-bytes 524288 --latency-count 100)
fi

# Only the benchmark's own settings reach the workers; the caller's CASEWIRE_* stay out.
CASEWIRE_CLICKHOUSE_ADDR="$addr" "$bin/casewire" bench --bin "$bin" --out "$root/bench-results" "${quick[@]}" "$@"
