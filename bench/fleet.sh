#!/usr/bin/env bash
# fleet.sh - `make bench-fleet`: figures of a fleet of three quell hosts on
# a three-node NATS JetStream cluster on loopback (docs/fleet.md).  Not
# run by .ci/run.
#
#   bench/fleet.sh QUELL_BINARY
#
# Prints:
#   publish   events/s each host's sync publishes (N events waiting in
#             each database, the three syncs started at once; until the
#             stream holds all 3N)
#   apply     events/s a fourth, empty host applies catching up on the
#             3N (batches of up to 1024 per transaction)
# Publish-to-applied-everywhere latency at a given rate is not measured
# yet (docs/fleet.md, "Figures").
# Environment: BENCH_FLEET_N (20000).
# Servers and syncs run in a temp dir and are stopped by PID on exit.
set -euo pipefail

QUELL=${1:?usage: fleet.sh QUELL_BINARY}
N=${BENCH_FLEET_N:-20000}
T=$(mktemp -d "${TMPDIR:-/tmp}/quell-bench-fleet.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
ms() { date +%s%3N; }

USED=""
free_port() {
	local p
	for p in $(shuf -i 20000-60999 -n 50); do
		case " $USED " in *" $p "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			USED="$USED $p"; echo "$p"; return 0
		fi
	done
	return 1
}
declare -a CP RP MP
for i in 0 1 2; do CP[i]=$(free_port); RP[i]=$(free_port); MP[i]=$(free_port); done
for i in 0 1 2; do
	routes=""
	for j in 0 1 2; do [ "$j" = "$i" ] || routes="$routes, nats-route://127.0.0.1:${RP[j]}"; done
	printf 'server_name: n%s\nlisten: 127.0.0.1:%s\nhttp: 127.0.0.1:%s\njetstream { store_dir: "%s" }\ncluster { name: b, listen: 127.0.0.1:%s, routes: [%s] }\n' \
		"$i" "${CP[i]}" "${MP[i]}" "$T/n$i" "${RP[i]}" "${routes#, }" >"$T/n$i.conf"
	nats-server -c "$T/n$i.conf" </dev/null >"$T/n$i.log" 2>&1 &
	PIDS+=($!)
done
for i in 0 1 2; do
	for _ in $(seq 200); do curl -sf "http://127.0.0.1:${MP[i]}/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
done
URLS="nats://127.0.0.1:${CP[0]},nats://127.0.0.1:${CP[1]},nats://127.0.0.1:${CP[2]}"
H=(h1 h2 h3 h4)
q() { local i=$1; shift; QUELL_HOST_ID=${H[i]} "$QUELL" --db "$T/${H[i]}" -q "$@"; }
start_sync() {
	QUELL_HOST_ID=${H[$1]} "$QUELL" --db "$T/${H[$1]}" -q sync --nats "$URLS" "${@:2}" \
		</dev/null >>"$T/sync$1.log" 2>&1 &
	PIDS+=($!)
}
stream_msgs() {
	curl -sf "http://127.0.0.1:${MP[0]}/jsz?streams=1" |
		sed -n 's/.*"messages": *\([0-9]*\).*/\1/p' | head -1
}
for _ in $(seq 30); do q 0 sync --nats "$URLS" --init --replicas 3 --once 2>/dev/null && break; sleep 1; done

# --- publish: N events waiting in each host
for i in 0 1 2; do
	seq "$N" | sed "s/.*/p&-${H[i]}@bench.example/" >"$T/in$i"
	q "$i" import --format plain "$T/in$i" 2>/dev/null
done
t0=$(ms)
for i in 0 1 2; do start_sync "$i"; done
while [ "$(stream_msgs || echo 0)" -lt $((3 * N)) ]; do sleep 0.05; done
t1=$(ms)
echo "publish   $((N * 1000 / (t1 - t0 + 1))) events/s per host ($N each, three at once, R3)"

# --- apply: a fourth host catches up on the 3N
t0=$(ms)
q 3 sync --nats "$URLS" --once
t1=$(ms)
echo "apply     $((3 * N * 1000 / (t1 - t0 + 1))) events/s ($((3 * N)) events, one host catching up)"
