#!/usr/bin/env bash
# fleet.sh - `make integration-fleet`: three quell hosts sharing one
# suppression state through a three-node NATS JetStream cluster on
# loopback (docs/fleet.md), with faults.
#
#   tests/integration/fleet.sh QUELL_BINARY
#
# Everything lives in a temp dir: each nats-server has its own config,
# store dir and free ports (client, cluster, monitoring), is ready when its
# /healthz answers, and is stopped by PID on exit, as is every quell sync;
# nothing is left running.  The stream is R3.  All three hosts write at
# once (adds, removes, allows, hard and soft bounces, deliveries,
# unsubscribes on the same keys)
# while their syncs run; meanwhile one NATS node is killed (SIGKILL) and
# restarted, one sync is killed (SIGKILL) and restarted, one host's sync is
# stopped while the others write and started again.  Then: the three
# exports are byte-identical, and every shared event is in every host's
# history exactly once (origin and sequence; counted replies and
# deliveries too; a suppression each host derives from the fleet's counted
# replies, or takes back after a delivery, is its own, not counted).  Prints what it did, with
# times; exit 0 when all holds.
set -euo pipefail

QUELL=${1:?usage: fleet.sh QUELL_BINARY}
T=$(mktemp -d "${TMPDIR:-/tmp}/quell-fleet.XXXXXX")
NATS_PIDS=(0 0 0)
SYNC_PIDS=(0 0 0)
WRITERS=()
START=$(date +%s)

note() { echo "fleet: [$(($(date +%s) - START))s] $*"; }
die() { echo "fleet: FAIL: $*" >&2; exit 1; }

cleanup() {
	local p
	for p in "${WRITERS[@]}" "${SYNC_PIDS[@]}" "${NATS_PIDS[@]}"; do
		[ "$p" != 0 ] && kill -9 "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

# below the ephemeral ports (scripts/port-range says why)
PORT_RANGE=$("$(dirname "$0")"/../../scripts/port-range)
free_port() {
	local p
	for p in $(shuf -i "$PORT_RANGE" -n 50); do
		case " ${USED:-} " in *" $p "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			USED="${USED:-} $p"
			echo "$p"
			return 0
		fi
	done
	return 1
}

# ------------------------------------------------------------ NATS cluster
declare -a CPORT RPORT MPORT
USED=""
for i in 0 1 2; do
	CPORT[i]=$(free_port); USED="$USED ${CPORT[i]}"
	RPORT[i]=$(free_port); USED="$USED ${RPORT[i]}"
	MPORT[i]=$(free_port); USED="$USED ${MPORT[i]}"
done
for i in 0 1 2; do
	routes=""
	for j in 0 1 2; do
		[ "$j" = "$i" ] || routes="$routes nats-route://127.0.0.1:${RPORT[j]}"
	done
	cat >"$T/n$i.conf" <<CONF
server_name: n$i
listen: 127.0.0.1:${CPORT[i]}
http: 127.0.0.1:${MPORT[i]}
jetstream { store_dir: "$T/n$i" }
cluster {
  name: quellfleet
  listen: 127.0.0.1:${RPORT[i]}
  routes: [$(echo $routes | sed 's/ /, /g')]
}
CONF
done

start_nats() {
	nats-server -c "$T/n$1.conf" </dev/null >>"$T/n$1.log" 2>&1 &
	NATS_PIDS[$1]=$!
}
ready() { # ready NODE...: /healthz of each answers ok (20 s at most)
	local i n
	for i in "$@"; do
		for n in $(seq 200); do
			curl -sf "http://127.0.0.1:${MPORT[i]}/healthz" >/dev/null 2>&1 && break
			[ "$n" = 200 ] && die "nats node $i not ready (log: $(tail -3 "$T/n$i.log"))"
			sleep 0.1
		done
	done
}
for i in 0 1 2; do start_nats "$i"; done
ready 0 1 2
note "3 nats-server nodes ready"
URLS="nats://127.0.0.1:${CPORT[0]},nats://127.0.0.1:${CPORT[1]},nats://127.0.0.1:${CPORT[2]}"

# ----------------------------------------------------------------- hosts
H=(h1 h2 h3)
q() { local i=$1; shift; QUELL_HOST_ID=${H[i]} "$QUELL" --db "$T/${H[i]}" -q "$@"; }
for i in 0 1 2; do q "$i" add "seed-${H[i]}@fleet.example"; done
# the stream (R3); leader elections may take a moment after start
for n in $(seq 30); do
	q 0 sync --nats "$URLS" --init --replicas 3 --once 2>"$T/init.err" && break
	[ "$n" = 30 ] && die "sync --init: $(cat "$T/init.err")"
	sleep 1
done
note "R3 stream made"

start_sync() { # the binary itself in the background: its PID is the one kept
	QUELL_HOST_ID=${H[$1]} "$QUELL" --db "$T/${H[$1]}" sync --nats "$URLS" \
		</dev/null >>"$T/sync${H[$1]}.log" 2>&1 &
	SYNC_PIDS[$1]=$!
}
for i in 0 1 2; do start_sync "$i"; done

# one writer per host: ops on a few shared keys, at the real time
writer() { # writer HOST ROUND COUNT
	local i=$1 r=$2 n=$3 k op key
	for k in $(seq "$n"); do
		key="k$(((k * 7 + i * 3) % 12))@fleet.example"
		op=$(((k + i + r) % 8))
		case $op in
		0) q "$i" add "$key" --reason "${H[i]} r$r k$k" ;;
		1) q "$i" remove "$key" 2>/dev/null || true ;;
		2) q "$i" allow "$key" --reason "${H[i]} r$r k$k" ;;
		3) q "$i" record "$key" "550 5.1.1 <$key>: user unknown ${H[i]} $k" >/dev/null ;;
		4) q "$i" add "$key" --source unsubscribe --stream news ;;
		5) q "$i" unallow "$key" 2>/dev/null || true ;;
		6) q "$i" record "$key" "452 4.2.2 <$key>: mailbox full ${H[i]} $k" >/dev/null ;;
		7) q "$i" record "$key" "250 2.0.0 Ok: queued as ${H[i]}$k" >/dev/null ;;
		esac
	done
}
write_all() { # write_all ROUND COUNT HOST...
	local r=$1 n=$2 i
	shift 2
	WRITERS=()
	for i in "$@"; do writer "$i" "$r" "$n" & WRITERS+=($!); done
}
wait_writers() {
	local p
	for p in "${WRITERS[@]}"; do wait "$p" || die "a writer failed"; done
	WRITERS=()
}

# 1. everyone writes; one NATS node killed mid-stream, then restarted
write_all 1 60 0 1 2
sleep 2
t0=$(date +%s)
kill -9 "${NATS_PIDS[1]}"
wait "${NATS_PIDS[1]}" 2>/dev/null || true
note "nats node 1 killed (SIGKILL) mid-stream"
sleep 2
start_nats 1
ready 1
note "nats node 1 back after $(($(date +%s) - t0))s"
wait_writers

# 2. one sync killed mid-batch, then restarted
write_all 2 60 0 1 2
sleep 1
kill -9 "${SYNC_PIDS[1]}"
wait "${SYNC_PIDS[1]}" 2>/dev/null || true
note "sync of h2 killed (SIGKILL)"
sleep 1
start_sync 1
wait_writers

# 3. h3 cut off (its sync stopped) while the others write; then back
kill -TERM "${SYNC_PIDS[2]}"
wait "${SYNC_PIDS[2]}" || die "sync of h3 did not stop cleanly on SIGTERM"
SYNC_PIDS[2]=0
note "sync of h3 stopped (SIGTERM); h1, h2 (and h3, locally) write"
write_all 3 40 0 1 2
wait_writers
t0=$(date +%s)
start_sync 2
note "sync of h3 started again"

# converged: exports of the shared lists equal (60 s at most)
export_shared() {
	q "$1" export --list suppress --stream '*' - 2>/dev/null
	q "$1" export --list allow --stream '*' - 2>/dev/null
}
for n in $(seq 600); do
	for i in 0 1 2; do export_shared "$i" >"$T/export$i.csv"; done
	cmp -s "$T/export0.csv" "$T/export1.csv" && cmp -s "$T/export0.csv" "$T/export2.csv" && break
	[ "$n" = 600 ] && die "exports still differ after 60 s: $(diff "$T/export0.csv" "$T/export1.csv" | head -5)"
	sleep 0.1
done
note "h3 caught up, exports equal after $(($(date +%s) - t0))s"
for i in 0 1 2; do
	kill -TERM "${SYNC_PIDS[i]}"
	wait "${SYNC_PIDS[i]}" || die "sync of ${H[i]} did not stop cleanly"
	SYNC_PIDS[i]=0
done
# one more round each, and the exports again
for r in 1 2; do for i in 0 1 2; do q "$i" sync --nats "$URLS" --once; done; done
for i in 0 1 2; do export_shared "$i" >"$T/export$i.csv"; done
cmp "$T/export0.csv" "$T/export1.csv" || die "h1 and h2 exports differ"
cmp "$T/export0.csv" "$T/export2.csv" || die "h1 and h3 exports differ"
rows=$(grep -vc '^entry,' "$T/export0.csv" || true)
[ "$rows" -gt 5 ] || die "only $rows entries: the writers did not write"
note "exports byte-identical ($rows entries)"

# every shared event in every history exactly once
events_of() { # the (origin seq) of every shared event in host i's history
	local k
	for k in $(seq 0 11) seed-h1 seed-h2 seed-h3; do
		case $k in seed-*) key="$k@fleet.example" ;; *) key="k$k@fleet.example" ;; esac
		q "$1" show "$key" 2>/dev/null | grep -E $'^event\t' |
			grep -E $'\t(count|clear)\t|list=(suppress|allow) ' |
			grep -v -e 'on%20the%20fleet' -e 'ended%20the%20fleet' | sed -E 's/.*origin=([^ ]+) seq=([0-9]+).*/\1 \2/' || true
	done | sort
}
for i in 0 1 2; do events_of "$i" >"$T/events$i"; done
for i in 0 1 2; do
	dups=$(uniq -d "$T/events$i" | wc -l)
	[ "$dups" = 0 ] || die "${H[i]} applied $dups events twice: $(uniq -d "$T/events$i" | head -3)"
done
cmp "$T/events0" "$T/events1" || die "h1 and h2 hold different events"
cmp "$T/events0" "$T/events2" || die "h1 and h3 hold different events"
for j in 0 1 2; do
	n=$(grep -c "^${H[j]} " "$T/events0" || true)
	note "${H[j]}: $n shared events, each once on every host"
done
note "done in $(($(date +%s) - START))s"
