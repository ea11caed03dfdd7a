#!/bin/bash
# bench_serve.sh - the `quell serve` section of `make bench`: the HTTP
# check against Redis, on the same N generated addresses.
#
#   B=build BENCH_N=1000000 BENCH_SEED=1 BENCH_RUNS=3 BENCH_SERVE_SECS=300 \
#     bench/bench_serve.sh            (make bench-serve runs this alone)
#
# Sets up (once per N and seed, kept in $B/bench-serve/): a quell database
# of the N addresses (quell import), and per run a redis-server on a free
# port in a temporary directory, loaded with the same N addresses into one
# set.  Checks first that POST /v1/check answers the first 20,000 queries
# byte for byte as `quell check --json -` does.  Then, BENCH_RUNS times,
# each for BENCH_SERVE_RUN s (10), all with 50 keep-alive connections:
#   - GET /v1/check?address=A with wrk (A cycling through 100,000 of the
#     generated queries, half present), and redis-benchmark SISMEMBER
#     (non-pipelined, random members), back to back: requests/s, their
#     ratio, and wrk's p99;
#   - POST /v1/check with 1,000 addresses a request (a JSON array): wrk's
#     requests/s x 1000.
# Where the CPUs go (with 2 or more CPUs; with one, nothing is pinned):
# for GET, both servers get the same treatment: the server pinned to CPU 1
# (taskset -c 1: quell serve then runs its default of one worker per CPU
# it may use, one, as redis-server's one thread) and its client pinned to
# CPU 0 with one thread (wrk -t1, as redis-benchmark's one thread), so
# that neither side waits out the other's time slice.  POST has no Redis
# run: it goes to a second quell serve, not pinned, with its default
# workers (one per CPU) and wrk -t2, as a batch client would use it.
# Last, one GET run of BENCH_SERVE_SECS (300) s, sampling the server's
# anonymous resident memory (RssAnon: heap and stacks; the database's
# pages are file-backed and grow with what is read) every 5 s: its
# growth from the sample at 10% of the run to the largest after it.
# Prints one row per figure: median (min-max) of the runs, the goal, PASS
# or FAIL.  Every server is stopped by its PID on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
B=${B:-build}
N=${BENCH_N:-1000000}
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-3}
RUN_S=${BENCH_SERVE_RUN:-10}
LONG_S=${BENCH_SERVE_SECS:-300}
CONNS=50
QUELL=$ROOT/$B/bin/quell
DATA=$ROOT/$B/bench-data/n$N-s$SEED
W=$ROOT/$B/bench-serve/n$N-s$SEED
T=$(mktemp -d "${TMPDIR:-/tmp}/quell-bench-serve.XXXXXX")
PIDS=()
# stop every server by its PID, and wait for each to be gone before its
# directory goes (a redis-server still exiting writes into it)
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT

die() { echo "bench-serve: $*" >&2; exit 1; }
say() { echo "bench-serve: $*" >&2; }
for c in wrk redis-server redis-benchmark redis-cli python3; do
	command -v "$c" >/dev/null || die "$c is missing (run: scripts/install-deps --bench)"
done
[ -x "$QUELL" ] || die "$QUELL is not built (run: make bench-serve)"
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
median() { sort -g | awk '{ v[NR] = $1 } END {
	m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "%s %s %s\n", m, v[1], v[NR] }'; }
verdict() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN {
	ok = op == "<=" ? v <= g : (op == "<" ? v < g : v >= g); print ok ? "PASS" : "FAIL" }'; }

# --- data and the quell database --------------------------------------------------

if [ ! -f "$DATA/addresses.txt" ]; then
	[ -x "$ROOT/$B/bench/gen" ] || die "$B/bench/gen is not built (run: make bench-serve)"
	say "generating $N addresses (seed $SEED) into $DATA"
	rm -rf "$DATA.tmp"
	mkdir -p "$(dirname "$DATA")"
	"$ROOT/$B/bench/gen" --seed "$SEED" "$N" "$DATA.tmp" >/dev/null || die "the generator failed"
	mv "$DATA.tmp" "$DATA"
fi
mkdir -p "$W"
if [ ! -f "$W/db.done" ]; then
	say "importing $N addresses into $W/db"
	rm -rf "$W/db"
	"$QUELL" --db "$W/db" --rules config/rules.yaml import --format plain "$DATA/addresses.txt" \
		2>"$W/import.err" || die "quell import failed: $(tail -n 2 "$W/import.err")"
	touch "$W/db.done"
fi
# 100,000 queries, URL-encoded; POST bodies of 1,000 addresses each
head -n 100000 "$DATA/queries.txt" >"$T/q.txt"
sed 's/%/%25/g; s/+/%2B/g; s/&/%26/g; s/#/%23/g; s/ /%20/g; s/?/%3F/g' "$T/q.txt" >"$T/q.enc"
LC_ALL=C awk '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); b = b (NR % 1000 == 1 ? "" : ",") "\"" $0 "\"" }
	NR % 1000 == 0 { print "[" b "]"; b = ""; if (NR == 20000) exit }' "$T/q.txt" >"$T/bodies.txt"
cat >"$T/get.lua" <<'LUA'
local paths = {}
local i = 0
init = function(args)
	for line in io.lines(args[1]) do paths[#paths + 1] = "/v1/check?address=" .. line end
	i = math.random(#paths)
end
request = function()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end
LUA
cat >"$T/post.lua" <<'LUA'
local reqs = {}
local i = 0
init = function(args)
	-- the requests are formatted once: the client's CPU goes to sending
	for line in io.lines(args[1]) do
		reqs[#reqs + 1] = wrk.format("POST", "/v1/check",
			{ ["Content-Type"] = "application/json" }, line)
	end
	i = math.random(#reqs)
end
request = function()
	i = i % #reqs + 1
	return reqs[i]
end
LUA

# --- the servers ------------------------------------------------------------------

# GET: servers on CPU 1, clients on CPU 0 (see the top of this file)
PIN_S=(); PIN_C=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	PIN_S=(taskset -c 1); PIN_C=(taskset -c 0)
fi

# start_serve LOG [PIN...]: a quell serve; sets SERVE (its PID) and URL
start_serve() {
	local log=$1
	shift
	"$@" "$QUELL" --db "$W/db" --rules config/rules.yaml serve --listen inet:127.0.0.1:0 \
		--max-body 1G 2>"$log" &
	SERVE=$!
	PIDS+=("$SERVE")
	for _ in $(seq 200); do grep -q 'listening on' "$log" && break; sleep 0.05; done
	URL=http://$(sed -n 's/.*listening on inet:\([0-9.]*:[0-9]*\).*/\1/p' "$log")
	[ "$URL" != http:// ] || die "quell serve did not start: $(cat "$log")"
}
start_serve "$T/serve-post.log"
PURL=$URL
start_serve "$T/serve.log" "${PIN_S[@]}"

RPORT=$(free_port)
mkdir "$T/rdir"
"${PIN_S[@]}" redis-server --port "$RPORT" --bind 127.0.0.1 --dir "$T/rdir" --save '' \
	--appendonly no --daemonize no --logfile "$T/rdir/log" &
PIDS+=("$!")
for _ in $(seq 200); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.05; done
say "loading $N addresses into redis"
LC_ALL=C awk '{ printf "*3\r\n$4\r\nSADD\r\n$10\r\nsuppressed\r\n$%d\r\n%s\r\n", length($0), $0 }' \
	"$DATA/addresses.txt" | redis-cli -p "$RPORT" --pipe >"$T/redis-load.out"
[ "$(redis-cli -p "$RPORT" scard suppressed)" = "$N" ] || die "redis holds not $N addresses"

# --- correctness first ----------------------------------------------------------------

head -n 20000 "$T/q.txt" >"$T/c.txt"
"$QUELL" --db "$W/db" --json check - <"$T/c.txt" >"$T/c.want" || [ $? = 1 ]
sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' "$T/c.txt" |
	curl -s -m 60 --data-binary @- "$URL/v1/check" >"$T/c.got"
cmp -s "$T/c.want" "$T/c.got" || die "POST /v1/check does not answer as quell check --json -"

# --- runs -----------------------------------------------------------------------------

: >"$T/get"; : >"$T/p99"; : >"$T/redis"; : >"$T/ratio"; : >"$T/post"; : >"$T/rp99"
: >"$T/load"
for r in $(seq "$RUNS"); do
	say "run $r of $RUNS"
	cut -d' ' -f1 /proc/loadavg >>"$T/load"
	"${PIN_C[@]}" wrk -t1 -c"$CONNS" -d"${RUN_S}s" --latency -s "$T/get.lua" "$URL" -- \
		"$T/q.enc" >"$T/wrk.out"
	get=$(awk '/^Requests\/sec:/ { print $2 }' "$T/wrk.out")
	p99=$(awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
		print (u == "us" ? v / 1000 : (u == "s" ? v * 1000 : v)) }' "$T/wrk.out")
	"${PIN_C[@]}" redis-benchmark -p "$RPORT" -c "$CONNS" -n "$(awk -v g="$get" -v s="$RUN_S" 'BEGIN { n = int(g * s); print (n < 10000 ? 10000 : n) }')" -r 1000000 -P 1 --csv \
		SISMEMBER suppressed 'user__rand_int__@example.com' >"$T/rb.out" 2>/dev/null
	red=$(awk -F'"' 'NR == 2 { print $4 }' "$T/rb.out")
	rp99=$(awk -F'"' 'NR == 2 { print $14 }' "$T/rb.out")
	wrk -t2 -c"$CONNS" -d"${RUN_S}s" -s "$T/post.lua" "$PURL" -- "$T/bodies.txt" >"$T/wrkp.out"
	post=$(awk '/^Requests\/sec:/ { printf "%.0f\n", $2 * 1000 }' "$T/wrkp.out")
	echo "$get" >>"$T/get"; echo "$p99" >>"$T/p99"; echo "$red" >>"$T/redis"
	echo "$rp99" >>"$T/rp99"; echo "$post" >>"$T/post"
	awk -v a="$get" -v b="$red" 'BEGIN { printf "%.4f\n", (b > 0 ? a / b : 0) }' >>"$T/ratio"
	cut -d' ' -f1 /proc/loadavg >>"$T/load"
done

# --- memory over a long run -------------------------------------------------------------

say "memory: GET for ${LONG_S}s"
"${PIN_C[@]}" wrk -t1 -c"$CONNS" -d"${LONG_S}s" -s "$T/get.lua" "$URL" -- "$T/q.enc" \
	>"$T/wrkl.out" &
WRK=$!
PIDS+=("$WRK")
: >"$T/rss"; : >"$T/lload"
step=$((LONG_S >= 50 ? 5 : 1))
while kill -0 "$WRK" 2>/dev/null; do
	awk '/^RssAnon:/ { print $2 }' "/proc/$SERVE/status" >>"$T/rss"
	cut -d' ' -f1 /proc/loadavg >>"$T/lload"
	sleep "$step"
done
read -r rss0 rssmax < <(awk -v n="$(wc -l <"$T/rss")" 'NR == int(n / 10) + 1 { f = $1 }
	NR > int(n / 10) && $1 > m { m = $1 } END { print f, m }' "$T/rss")
growth=$(awk -v a="$rss0" -v b="$rssmax" 'BEGIN { printf "%.1f\n", (a > 0 ? (b - a) * 100 / a : 0) }')

# --- the table ------------------------------------------------------------------------------

read -r gm gl gh < <(median <"$T/get")
read -r pm pl ph < <(median <"$T/p99")
read -r rm rl rh < <(median <"$T/redis")
read -r qm ql qh < <(median <"$T/rp99")
read -r xm xl xh < <(median <"$T/ratio")
read -r om ol oh < <(median <"$T/post")
read -r _ ll lh < <(median <"$T/load")
read -r _ ml mh < <(median <"$T/lload")
{
	echo "6. quell serve: HTTP on loopback, $CONNS keep-alive connections, N=$N, $RUNS runs of ${RUN_S}s"
	echo "  (load average ${ll}-${lh} during the runs, ${ml}-${mh} during the memory run;" \
		"GET: servers on CPU ${PIN_S[2]:-any}, clients on CPU ${PIN_C[2]:-any})"
	printf "  %-40s %12.0f req/s (%.0f-%.0f)  quell/redis %.2f (%.2f-%.2f)  [>= 0.8 %s]\n" \
		"GET /v1/check (wrk)" "$gm" "$gl" "$gh" "$xm" "$xl" "$xh" "$(verdict "$xm" ">=" 0.8)"
	printf "  %-40s %12.3f ms (%.3f-%.3f)  [< 2 %s]\n" "GET /v1/check p99" "$pm" "$pl" "$ph" \
		"$(verdict "$pm" "<" 2)"
	printf "  %-40s %12.0f req/s (%.0f-%.0f)  p99 %.3f ms\n" "redis SISMEMBER (redis-benchmark)" \
		"$rm" "$rl" "$rh" "$qm"
	printf "  %-40s %12.0f addr/s (%.0f-%.0f)  [>= 1000000 %s]\n" \
		"POST /v1/check, 1000 a request" "$om" "$ol" "$oh" "$(verdict "$om" ">=" 1000000)"
	printf "  %-40s %12s KB -> %s KB max, +%s%%  [<= 10%% %s]\n" \
		"serve RssAnon over ${LONG_S}s of GET" "$rss0" "$rssmax" "$growth" \
		"$(verdict "$growth" "<=" 10)"
} | tee "$W/table.txt"
