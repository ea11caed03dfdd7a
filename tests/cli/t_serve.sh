# t_serve.sh - quell serve, the HTTP/JSON API, talked to with curl (and
# /usr/bin/python3 where a client must hold sockets open): routing and
# error shapes; GET and POST /v1/check (answers byte for byte the CLI's
# `check --json`, bodies as a JSON array or JSON Lines, errors with their
# place, a body of many batches); /v1/stats (= `stats --json`); /metrics;
# stored text with quotes, newlines, control bytes, </script> and bad
# UTF-8 answered escaped; bearer tokens (none, wrong, read, reload on
# SIGHUP, a bad file kept out); a non-loopback address refused without
# tokens; TLS with a self-signed certificate; limits: body (413, a chunked
# one closed), header (431), idle time, and 1000 idle connections that
# must not lock a real client out (the longest-idle is closed); usage
# errors.  Every server is started on a free port (port 0) or a unix
# socket in $T_DIR and stopped by its PID; every client has a timeout, so
# a hung server fails the test instead of hanging it.

CURL=${QUELL_CURL:-/usr/bin/curl}
if [ ! -x "$CURL" ]; then
	echo "FAIL t_serve.sh: no curl at $CURL"
	echo fail >>"$T_RESULTS"
	return 0
fi
NOW=2026-11-28T10:01:00Z
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$T_DIR"' EXIT

# start NAME ARGS...: quell ARGS in the background, stderr in $T_DIR/NAME.log;
# waits (10 s at most) for its "listening on" line.  Sets PID, LOG and
# URL (http://127.0.0.1:PORT of the first inet listener).
start() {
	LOG=$T_DIR/$1.log
	shift
	# shellcheck disable=SC2086 # QUELL_WRAP is a command line
	( exec env --default-signal=INT,HUP,TERM $QUELL_WRAP "$QUELL_BIN" "$@" 2>"$LOG" </dev/null ) &
	PID=$!
	PIDS+=("$PID")
	for _ in $(seq 200); do
		if grep -q 'listening on' "$LOG" 2>/dev/null; then
			URL=http://$(sed -n 's/.*listening on inet:\([0-9.]*:[0-9]*\).*/\1/p' "$LOG" | head -1)
			return 0
		fi
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "start: no 'listening on' line:" >&2
	cat "$LOG" >&2
	return 1
}

# stop [SIGNAL]: signal PID (TERM) and wait (10 s at most); STATUS gets its
# exit status (137 when it had to be killed).
stop() {
	kill -"${1:-TERM}" "$PID"
	for _ in $(seq 200); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$PID" 2>/dev/null
	wait "$PID"
	STATUS=$?
}

# h NAME WANT_STATUS WANT_BODY CURL_ARGS...: one request; compares the
# HTTP status and the exact body.
h() {
	local name=$1 want_code=$2 want_body=$3 code
	shift 3
	code=$("$CURL" -s -m 10 -o "$T_DIR/h.body" -w '%{http_code}' "$@")
	if [ -n "$want_body" ]; then printf '%s\n' "$want_body"; fi >"$T_DIR/h.want"
	if [ "$code" = "$want_code" ] && cmp -s "$T_DIR/h.want" "$T_DIR/h.body"; then
		echo pass >>"$T_RESULTS"
		return 0
	fi
	echo fail >>"$T_RESULTS"
	echo "FAIL $T_NAME: $name"
	printf '  $ curl'
	printf ' %q' "$@"
	printf '\n  status: want %s, got %s\n' "$want_code" "$code"
	diff -u --label want.body --label got.body "$T_DIR/h.want" "$T_DIR/h.body" | sed 's/^/  /'
	return 0
}

# expect NAME WANT FILE: FILE holds exactly WANT (plus its last newline).
expect() {
	if [ -n "$2" ]; then printf '%s\n' "$2"; fi >"$T_DIR/want.txt"
	if cmp -s "$T_DIR/want.txt" "$3"; then
		echo pass >>"$T_RESULTS"
	else
		echo fail >>"$T_RESULTS"
		echo "FAIL $T_NAME: $1"
		diff -u --label want --label got "$T_DIR/want.txt" "$3" | sed 's/^/  /'
	fi
}

DB=$T_DIR/db
q --db "$DB" --now "$NOW" add gone@example.com >/dev/null

# --- routing and error shapes ----------------------------------------------

start basic --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0 \
	--listen "unix:$T_DIR/http.sock"
h 'healthz' 200 '{"status":"ok"}' "$URL/healthz"
h 'healthz over the unix socket' 200 '{"status":"ok"}' --unix-socket "$T_DIR/http.sock" \
	http://localhost/healthz
h 'unknown path: 404' 404 '{"error":{"code":404,"message":"no such endpoint: /nope"}}' \
	"$URL/nope"
h 'wrong method: 405' 405 '{"error":{"code":405,"message":"method POST not allowed here"}}' \
	-X POST -d x "$URL/healthz"
h 'a body where none is taken: 400' 400 \
	'{"error":{"code":400,"message":"GET /healthz takes no body"}}' \
	-X GET -d 'abc' "$URL/healthz"
stop
expect 'SIGTERM: exit 0' 0 <(echo "$STATUS")
ok 'the unix socket file is removed' test ! -e "$T_DIR/http.sock"

# --- GET /v1/check: the CLI's objects, byte for byte -------------------------

q --db "$DB" --now "$NOW" allow ok@example.com >/dev/null
q --db "$DB" --now "$NOW" --stream news add --source unsubscribe reader@example.com >/dev/null
q --db "$DB" --now "$NOW" record bounced@example.net '550 5.1.1 <bounced@example.net>: user unknown' >/dev/null
start check --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0
for a in gone@example.com ok@example.com reader@example.com bounced@example.net \
	Bounced@Example.NET fresh@example.org 'no-at-sign' '"quoted"@example.com'; do
	want=$(q --db "$DB" --now "$NOW" --json check "$a")
	h "GET /v1/check $a" 200 "$want" -G --data-urlencode "address=$a" "$URL/v1/check"
done
want=$(q --db "$DB" --now "$NOW" --stream news --json check reader@example.com)
h 'GET /v1/check with a stream' 200 "$want" "$URL/v1/check?address=reader@example.com&stream=news"
h 'GET /v1/check without address' 400 \
	'{"error":{"code":400,"message":"the query needs address=ADDRESS"}}' "$URL/v1/check"
h 'GET /v1/check with a bad stream' 400 \
	'{"error":{"code":400,"message":"stream: '"'"'No'"'"' is not a name of [a-z0-9._-]"}}' \
	"$URL/v1/check?address=a@example.com&stream=No"
long=$(printf 'a%.0s' $(seq 1100))@example.com
h 'GET /v1/check with a 1112-byte address' 400 \
	'{"error":{"code":400,"message":"the address is over 1024 bytes"}}' "$URL/v1/check?address=$long"

# --- POST /v1/check -------------------------------------------------------------

printf '%s\n' gone@example.com ok@example.com bounced@example.net no-at-sign >"$T_DIR/list"
q --db "$DB" --now "$NOW" --json check - <"$T_DIR/list" >"$T_DIR/cli.jsonl"
h 'POST /v1/check, JSON Lines' 200 "$(cat "$T_DIR/cli.jsonl")" \
	--data-binary $'"gone@example.com"\n"ok@example.com"\r\n\n"bounced@example.net"\n"no-at-sign"' \
	"$URL/v1/check"
h 'POST /v1/check, an array' 200 "[$(paste -sd, "$T_DIR/cli.jsonl")]" \
	--data-binary '[ "gone@example.com", "ok@example.com","bounced@example.net" ,"no-at-sign"]' \
	"$URL/v1/check"
h 'POST /v1/check, \u escapes' 200 "$(sed -n 1p "$T_DIR/cli.jsonl")" \
	--data-binary '"gone\u0040example.com"' "$URL/v1/check"
h 'POST /v1/check, an empty array' 200 '[]' --data-binary '[]' "$URL/v1/check"
h 'POST /v1/check, an empty body' 200 '' --data-binary '' "$URL/v1/check"
h 'POST /v1/check, a missing comma' 400 \
	'{"error":{"code":400,"message":"the body: line 1, column 8: want '"','"' or '"']'"'"}}' \
	--data-binary '["a@b" "c@d"]' "$URL/v1/check"
h 'POST /v1/check, a number' 400 \
	'{"error":{"code":400,"message":"the body: line 2, column 1: want a string"}}' \
	--data-binary $'"a@b"\n5' "$URL/v1/check"
h 'POST /v1/check, an object' 400 \
	'{"error":{"code":400,"message":"the body: line 1, column 1: want a JSON array of strings or JSON Lines of strings"}}' \
	--data-binary '{"address":"a@b"}' "$URL/v1/check"
h 'POST /v1/check, an unclosed array' 400 \
	'{"error":{"code":400,"message":"the body: line 1, column 7: the array is not closed"}}' \
	--data-binary '["a@b",' "$URL/v1/check"
h 'POST /v1/check, a NUL' 400 \
	'{"error":{"code":400,"message":"the body: line 1, column 9: a NUL (\\u0000) in a string"}}' \
	--data-binary '["a\u0000b"]' "$URL/v1/check"
h 'POST /v1/check, a lone surrogate' 400 \
	'{"error":{"code":400,"message":"the body: line 1, column 10: a lone surrogate in \\u escapes"}}' \
	--data-binary '["a\ud800"]' "$URL/v1/check"
h 'POST /v1/check, a bad stream' 400 \
	'{"error":{"code":400,"message":"stream: '"'"'A'"'"' is not a name of [a-z0-9._-]"}}' \
	--data-binary '[]' "$URL/v1/check?stream=A"
# many batches, read by the server in pieces: the same as check -
seq 1 3000 | sed 's/.*/user&@example.com/; 100s/.*/gone@example.com/; 2500s/.*/bad/' >"$T_DIR/many"
q --db "$DB" --now "$NOW" --json check - <"$T_DIR/many" >"$T_DIR/many.want"
sed 's/.*/"&"/' "$T_DIR/many" >"$T_DIR/many.body"
"$CURL" -s -m 20 --data-binary @"$T_DIR/many.body" "$URL/v1/check" >"$T_DIR/many.got"
ok 'POST /v1/check, 3000 addresses: as check -' cmp -s "$T_DIR/many.want" "$T_DIR/many.got"
# curl says when it sends a second request on the connection of the first
"$CURL" -sv -m 10 "$URL/v1/check?address=ok@example.com" "$URL/v1/check?address=gone@example.com" \
	>"$T_DIR/ka.out" 2>"$T_DIR/ka.err"
ok 'keep-alive: two requests on one connection' grep -q 'Re-using existing connection' "$T_DIR/ka.err"
ok 'keep-alive: both answered' test "$(grep -c '"verdict"' "$T_DIR/ka.out")" = 2

# --- /v1/stats and /metrics ---------------------------------------------------------

h 'GET /v1/stats: as stats --json' 200 "$(q --db "$DB" --now "$NOW" --json stats)" "$URL/v1/stats"
"$CURL" -s -m 10 "$URL/metrics" >"$T_DIR/metrics"
grep -E '^quell_(checks_total\{verdict="(suppress|invalid)"\}|entries\{list="(suppress|allow)",scope="address"\}|http_requests_total\{route="(GET /v1/check|POST /v1/check|GET /v1/stats)",status="(200|400)"\}|rule_replies\{rule="user-unknown"\}) ' \
	"$T_DIR/metrics" | sort >"$T_DIR/metrics.some"
expect '/metrics: checks, entries, requests, rules' 'quell_checks_total{verdict="invalid"} 4
quell_checks_total{verdict="suppress"} 11
quell_entries{list="allow",scope="address"} 1
quell_entries{list="suppress",scope="address"} 3
quell_http_requests_total{route="GET /v1/check",status="200"} 11
quell_http_requests_total{route="GET /v1/check",status="400"} 3
quell_http_requests_total{route="GET /v1/stats",status="200"} 1
quell_http_requests_total{route="POST /v1/check",status="200"} 6
quell_http_requests_total{route="POST /v1/check",status="400"} 7
quell_rule_replies{rule="user-unknown"} 1' "$T_DIR/metrics.some"
ok '/metrics: a latency histogram' grep -q '^quell_http_request_duration_seconds_bucket{le="+Inf"} 28$' "$T_DIR/metrics"
ok '/metrics: database sizes' grep -q '^quell_db_map_use_ratio 0\.[0-9]*$' "$T_DIR/metrics"
stop

# --- stored text cannot steer an answer ----------------------------------------------

EVIL=$T_DIR/evil.db
printf '%s\n%s\n' 'entry,list,scope,stream,source,category,rule,code,status,reply,reason,created,updated,expires,until,first_failure,attempts,count' \
	$'evil@example.com,suppress,address,,bounce,bad-mailbox,user-unknown,550,5.1.1,"550 5.1.1 say ""hi""\nline2 \001\033[31m </script> \377\376 \302\205 end","why ""q""\n\001 </script> \377",2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,,,,0,1' \
	>"$T_DIR/evil.csv"
q --db "$EVIL" import --format csv "$T_DIR/evil.csv" 2>/dev/null
start evil --db "$EVIL" --now "$NOW" serve --listen inet:127.0.0.1:0
h 'hostile reply: as check --json' 200 "$(q --db "$EVIL" --now "$NOW" --json check evil@example.com)" \
	"$URL/v1/check?address=evil@example.com"
"$CURL" -s -m 10 "$URL/v1/check?address=evil@example.com" >"$T_DIR/evil.out"
ok 'hostile reply: no raw control byte in the answer' \
	test "$(tr -d '\n' <"$T_DIR/evil.out" | LC_ALL=C tr -d '\040-\176\200-\377' | wc -c)" = 0
/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reply"])' \
	"$T_DIR/evil.out" >"$T_DIR/evil.reply" 2>&1
expect 'hostile reply: parses as JSON, the text intact' $'550 5.1.1 say "hi"\nline2 \001\033[31m </script> \357\277\275\357\277\275 \302\205 end' \
	"$T_DIR/evil.reply"
stop
