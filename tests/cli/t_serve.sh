# t_serve.sh - quell serve, the HTTP/JSON API, talked to with curl: the
# routes this file's server knows and their status codes and error
# shapes.  Every server is started on a free port (port 0) or a unix
# socket in $T_DIR and stopped by its PID; every curl has a timeout, so a
# hung server fails the test instead of hanging it.

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
