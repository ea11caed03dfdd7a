#!/usr/bin/env bash
# fleet.sh - `make bench-fleet`: figures of a fleet of three quell hosts on
# a three-node NATS JetStream cluster on loopback (docs/fleet.md).  Not
# run by .ci/run.
#
#   bench/fleet.sh QUELL_BINARY FLEET_LAT_BINARY
#
# Prints (with the load average before each):
#   publish   events/s each host's sync publishes (N events waiting in
#             each database, the three syncs started at once; until the
#             stream holds all 3N)
#   apply     a fourth, empty host catching up on the 3N: events/s between
#             its first and its last applied batch (batches of up to 1024
#             per transaction), from the times its `sync --verbose` logs
#             each batch; and the wall time of a whole `sync --once`
#             (connecting, subscribing, and noticing it is caught up too)
#   latency   publish-to-applied-everywhere at 1,000 and 10,000 events/s
#             in total across the three hosts (bench/fleet_lat.c: each host
#             writes a batch of hard bounces every 20 ms and notes when it
#             committed and its newest event's sequence; between batches
#             it reads, on every host, the newest sequence applied from
#             each other host (quell_hosts); a batch is applied everywhere
#             at the first look that finds it on both others; p50, p99,
#             max), BENCH_FLEET_SECONDS each
#   check     `quell check -` on host 1's database (C addresses, half of
#             them suppressed), in checks/s: without sync, with the three
#             syncs running idle, and with them applying the 1,000
#             events/s load, each twice in turn (the ratios are what to
#             read: the machine is shared)
# Environment: BENCH_FLEET_N (20000), BENCH_FLEET_SECONDS (20),
# BENCH_FLEET_CHECKS (1000000), BENCH_FLEET_RATES ("1000 10000"),
# BENCH_FLEET_VERBOSE (set: the syncs log every batch and round),
# BENCH_FLEET_KEEP (a directory: the sync logs, each line with its time in
# microseconds since the epoch, the nats-server logs and, per latency
# rate, fleet_lat's trace of every write (FLEET_LAT_TRACE) are copied
# there).  Exit 1 when a latency run did not see every write
# applied everywhere (its diagnostics are printed, the rest still runs).
# Servers and syncs run in a temp dir and are stopped by PID on exit.
set -euo pipefail

QUELL=${1:?usage: fleet.sh QUELL_BINARY FLEET_LAT_BINARY}
LAT=${2:?usage: fleet.sh QUELL_BINARY FLEET_LAT_BINARY}
N=${BENCH_FLEET_N:-20000}
SECONDS_EACH=${BENCH_FLEET_SECONDS:-20}
C=${BENCH_FLEET_CHECKS:-1000000}
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
load() { cut -d' ' -f1-3 /proc/loadavg; }
FAILED=0

USED=""
# below the ephemeral ports (scripts/port-range says why)
PORT_RANGE=$("$(dirname "$0")"/../scripts/port-range)
free_port() {
	local p
	for p in $(shuf -i "$PORT_RANGE" -n 50); do
		case " $USED " in *" $p "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			USED="$USED $p"; echo "$p"; return 0
		fi
	done
	return 1
}
declare -a CP RP MP
for i in 0 1 2; do # (free_port runs in a subshell: USED is kept here)
	CP[i]=$(free_port); USED="$USED ${CP[i]}"
	RP[i]=$(free_port); USED="$USED ${RP[i]}"
	MP[i]=$(free_port); USED="$USED ${MP[i]}"
done
for i in 0 1 2; do
	routes=""
	for j in 0 1 2; do [ "$j" = "$i" ] || routes="$routes, nats-route://127.0.0.1:${RP[j]}"; done
	printf 'server_name: n%s\nlisten: 127.0.0.1:%s\nhttp: 127.0.0.1:%s\njetstream { store_dir: "%s" }\ncluster { name: b, listen: 127.0.0.1:%s, routes: [%s] }\n' \
		"$i" "${CP[i]}" "${MP[i]}" "$T/n$i" "${RP[i]}" "${routes#, }" >"$T/n$i.conf"
	nats-server -c "$T/n$i.conf" </dev/null >"$T/n$i.log" 2>&1 &
	PIDS+=($!)
done
for i in 0 1 2; do
	for n in $(seq 200); do
		curl -sf "http://127.0.0.1:${MP[i]}/healthz" >/dev/null 2>&1 && break
		[ "$n" = 200 ] && { echo "fleet: nats node $i not ready: $(tail -n 1 "$T/n$i.log")" >&2; exit 1; }
		sleep 0.1
	done
done
URLS="nats://127.0.0.1:${CP[0]},nats://127.0.0.1:${CP[1]},nats://127.0.0.1:${CP[2]}"
H=(h1 h2 h3 h4)
q() { local i=$1; shift; QUELL_HOST_ID=${H[i]} "$QUELL" --db "$T/${H[i]}" -q "$@"; }
declare -a SYNC
stamp() { while IFS= read -r l; do echo "${EPOCHREALTIME/[.,]/} $l"; done; }
start_sync() {
	QUELL_HOST_ID=${H[$1]} "$QUELL" --db "$T/${H[$1]}" sync --nats "$URLS" "${@:2}" \
		</dev/null > >(stamp >>"$T/sync$1.log") 2>&1 &
	SYNC[$1]=$!
	PIDS+=($!)
}
stop_sync() {
	kill -TERM "${SYNC[$1]}"
	wait "${SYNC[$1]}" || true
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
echo "load      $(load) (before publish)"
t0=$(ms)
for i in 0 1 2; do start_sync "$i" ${BENCH_FLEET_VERBOSE:+--verbose}; done
while [ "$(stream_msgs || echo 0)" -lt $((3 * N)) ]; do
	[ $(($(ms) - t0)) -lt 300000 ] || { echo "fleet: the stream did not get the 3N events" >&2; exit 1; }
	sleep 0.05
done
t1=$(ms)
echo "publish   $((N * 1000 / (t1 - t0 + 1))) events/s per host ($N each, three at once, R3)"

# --- apply: a fourth host catches up on the 3N
echo "load      $(load) (before apply)"
echo "${EPOCHREALTIME/[.,]/} start" >"$T/apply.log"
QUELL_HOST_ID=h4 "$QUELL" --db "$T/h4" sync --nats "$URLS" --once --verbose 2>&1 </dev/null |
	while IFS= read -r l; do echo "${EPOCHREALTIME/[.,]/} $l"; done >>"$T/apply.log"
awk '/applied [0-9]+ messages to stream position/ {
	t = $1 / 1000
	for (i = 1; i < NF; i++) if ($i == "position") p = $(i + 1) + 0
	if (n++ == 0) { t1 = t; p1 = p }
	t2 = t; p2 = p
}
NR == 1 { first = $1 / 1000 }
END {
	if (n < 2 || t2 <= t1) { print "apply     too few batches to time"; exit }
	printf "apply     %d events/s between the first and last batch (%d events, %d batches); sync --once %.2f s in all: %d events/s\n",
		(p2 - p1) * 1000 / (t2 - t1), p2, n, (t2 - first) / 1000, p2 * 1000 / (t2 - first + 1)
}' "$T/apply.log"

# --- latency at 1,000 and 10,000 events/s in total
for rate in ${BENCH_FLEET_RATES:-1000 10000}; do
	echo "load      $(load) (before latency at $rate/s)"
	printf 'latency   %s/s: ' "$rate"
	FLEET_LAT_TRACE="$T/trace-$rate" "$LAT" "$T/h1" "$T/h2" "$T/h3" "$rate" "$SECONDS_EACH" || {
		for i in 0 1 2; do echo "sync of ${H[i]}:"; tail -n 8 "$T/sync$i.log"; done
		for i in 0 1 2; do echo "stats of ${H[i]}: $(q "$i" stats | grep '^host\..*\.seq' | tr '\n' ' ')"; done
		FAILED=1
	}
	[ -z "${BENCH_FLEET_KEEP:-}" ] || cp "$T"/sync*.log "$T"/n?.log "$T/trace-$rate" "$BENCH_FLEET_KEEP"/
done

# --- local checks on host 1, with sync and without
{
	seq "$((C / 2))" | sed 's/.*/p&-h1@bench.example/'
	seq "$((C / 2))" | sed 's/.*/n&@bench.example/'
} | shuf --random-source=<(yes) >"$T/checks"
check_rate() { # check_rate LABEL
	local t0 t1
	t0=$(ms)
	q 0 check - <"$T/checks" >/dev/null || [ $? = 1 ]
	t1=$(ms)
	echo "check     $((C * 1000 / (t1 - t0 + 1))) checks/s $1 (load $(load))"
}
for round in 1 2; do
	check_rate "with sync running, idle"
	for i in 0 1 2; do stop_sync "$i"; done
	check_rate "without sync"
	for i in 0 1 2; do start_sync "$i" ${BENCH_FLEET_VERBOSE:+--verbose}; done
	sleep 1
	"$LAT" "$T/h1" "$T/h2" "$T/h3" 1000 8 >"$T/lat-bg.log" &
	lat_pid=$!
	PIDS+=($lat_pid)
	sleep 1
	check_rate "with sync applying 1,000 events/s (and the writers)"
	wait "$lat_pid" || true
	sleep 2 # the syncs catch up: idle again
done
exit "$FAILED"
