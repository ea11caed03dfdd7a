# lib.sh - what every tests/cli/t_*.sh file gets, sourced by `run` before it.
#
#   t NAME STATUS STDOUT STDERR ARGS...
#       runs `$QUELL_WRAP $QUELL_BIN ARGS...` and compares the exit status
#       and the exact stdout and stderr.  STDOUT and STDERR are the expected
#       text without its last newline ('' for nothing at all); write tabs
#       and escapes with $'...'.  Optional variables, set for one case as
#       `T_IN=... t ...`:
#         T_IN      text fed on stdin (else stdin is /dev/null)
#         T_INFILE  a file fed on stdin (for bytes a variable cannot hold)
#         T_FILTER  a sed script applied to stdout before comparing
#
#   ok NAME COMMAND...      a case that passes when COMMAND succeeds
#   expect NAME WANT FILE   a case that passes when FILE holds exactly WANT
#   start/stop, h, need     servers (quell serve, policyd) and curl requests
#
# Each file gets a fresh directory $T_DIR (removed on exit) with
# QUELL_DB=$T_DIR/db (not created yet), HOME=$T_DIR/home, and no
# XDG_DATA_HOME or QUELL_RULES from the caller's environment.  Every
# process `start` runs is in PIDS and killed on exit.
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/quell-cli.XXXXXX") || exit 1
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$T_DIR"' EXIT
export QUELL_DB=$T_DIR/db HOME=$T_DIR/home LC_ALL=C TZ=UTC
unset XDG_DATA_HOME QUELL_RULES
mkdir "$HOME"
T_NAME=$(basename "$T_SCRIPT")

# The host id stamped on history events (the host name, at most 63 bytes).
# shellcheck disable=SC2034 # used by the t_*.sh files
ORIGIN=$(uname -n | cut -c1-63)

q() {
	# shellcheck disable=SC2086 # QUELL_WRAP is a command line
	$QUELL_WRAP "$QUELL_BIN" "$@"
}

t() {
	local name=$1 want_rc=$2 want_out=$3 want_err=$4 rc ok=1
	shift 4
	if [ -n "${T_INFILE:-}" ]; then
		q "$@" <"$T_INFILE" >"$T_DIR/got.out" 2>"$T_DIR/got.err"
		rc=$?
	elif [ -n "${T_IN+set}" ]; then
		printf '%s' "$T_IN" | q "$@" >"$T_DIR/got.out" 2>"$T_DIR/got.err"
		rc=$?
	else
		q "$@" </dev/null >"$T_DIR/got.out" 2>"$T_DIR/got.err"
		rc=$?
	fi
	if [ -n "${T_FILTER:-}" ]; then
		sed -e "$T_FILTER" "$T_DIR/got.out" >"$T_DIR/got.tmp" &&
			mv "$T_DIR/got.tmp" "$T_DIR/got.out"
	fi
	if [ -n "$want_out" ]; then printf '%s\n' "$want_out"; fi >"$T_DIR/want.out"
	if [ -n "$want_err" ]; then printf '%s\n' "$want_err"; fi >"$T_DIR/want.err"
	cmp -s "$T_DIR/want.out" "$T_DIR/got.out" || ok=0
	cmp -s "$T_DIR/want.err" "$T_DIR/got.err" || ok=0
	[ "$rc" = "$want_rc" ] || ok=0
	if [ $ok = 1 ]; then
		echo pass >>"$T_RESULTS"
		return 0
	fi
	echo fail >>"$T_RESULTS"
	echo "FAIL $T_NAME: $name"
	printf '  $ quell'
	printf ' %q' "$@"
	printf '\n'
	[ "$rc" = "$want_rc" ] || echo "  exit status: want $want_rc, got $rc"
	diff -u --label want.stdout --label got.stdout "$T_DIR/want.out" "$T_DIR/got.out" |
		sed 's/^/  /'
	diff -u --label want.stderr --label got.stderr "$T_DIR/want.err" "$T_DIR/got.err" |
		sed 's/^/  /'
	return 0
}

# ok NAME COMMAND...: a case that passes when the shell COMMAND succeeds.
ok() {
	local name=$1
	shift
	if "$@"; then
		echo pass >>"$T_RESULTS"
	else
		echo fail >>"$T_RESULTS"
		echo "FAIL $T_NAME: $name"
		printf '  $'
		printf ' %q' "$@"
		printf '\n  (failed)\n'
	fi
	return 0
}

# quiet_pipe FEED ADDR DB NOW ARGS...: `quell --db DB --now NOW ARGS` reads
# stdin from a pipe whose writer prints what the shell function FEED
# prints, then stays open (journalctl -f, an mbox still being written)
# until ADDR checks as suppressed, 15 s at most.  Sets SEEN=yes when check
# saw the suppression while the writer still held the pipe open, IRC to
# quell's exit status; its stdout and stderr in $T_DIR/s.out, s.err.
quiet_pipe() {
	local feed=$1 addr=$2 db=$3 now=$4 wpid ipid
	shift 4
	rm -f "$T_DIR/qp.fifo" "$T_DIR/qp.done"
	mkfifo "$T_DIR/qp.fifo"
	(
		"$feed"
		for _ in $(seq 300); do
			[ -e "$T_DIR/qp.done" ] && break
			sleep 0.1
		done
	) >"$T_DIR/qp.fifo" &
	wpid=$!
	q --db "$db" --now "$now" "$@" <"$T_DIR/qp.fifo" >"$T_DIR/s.out" 2>"$T_DIR/s.err" &
	ipid=$!
	SEEN=no
	for _ in $(seq 150); do
		if [ "$(q --db "$db" --now "$now" check "$addr" 2>/dev/null | cut -f2)" = suppress ]; then
			kill -0 $wpid 2>/dev/null && SEEN=yes # the writer still holds the pipe open
			break
		fi
		sleep 0.1
	done
	touch "$T_DIR/qp.done"
	wait $wpid
	wait $ipid
	IRC=$?
}

# expect NAME WANT FILE: a case that passes when FILE holds exactly WANT
# (plus its last newline; '' for an empty file).
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

# --- servers and HTTP requests ------------------------------------------------

# The curl the HTTP tests use.
CURL=${QUELL_CURL:-/usr/bin/curl}

# need PROGRAM...: status 0 when every PROGRAM is executable; else one
# failing case "needs PROGRAM..." and status 1, for `need ... || return 0`
# at the top of a file that cannot run without them.
need() {
	local p
	for p; do
		[ -x "$p" ] && continue
		echo "FAIL $T_NAME: needs $*"
		echo fail >>"$T_RESULTS"
		return 1
	done
	return 0
}

# start NAME ARGS...: quell ARGS in the background (SIGINT, SIGHUP and
# SIGTERM at their defaults, even when these tests run with them
# ignored), stdin /dev/null, stderr in $T_DIR/NAME.log; waits (10 s at
# most) for its "listening on" line, or with START_PROBE=1 until
# "$PC" (tests/policy_client) can connect to $SOCK.  Sets PID (added to
# PIDS), LOG, and URL (http://ADDR:PORT of the first inet listener, if
# any).  START_NOFILE=N runs it with a hard limit of N open files;
# START_IGNORE='SIG...' with those signals ignored, as a background job
# or nohup(1) starts it.  Status 1, with the log on stderr, when it
# exits or does not get ready.
# shellcheck disable=SC2034 # URL is used by the t_*.sh files
start() {
	LOG=$T_DIR/$1.log
	URL=
	shift
	# shellcheck disable=SC2086 # QUELL_WRAP is a command line
	( if [ -n "${START_NOFILE:-}" ]; then ulimit -n "$START_NOFILE" || exit 99; fi
	  # a shell without job control starts background jobs with SIGINT
	  # ignored, and so would quell be when these tests themselves run
	  # as one: env(1) gives it the default back, unless asked otherwise
	  # shellcheck disable=SC2054 # one option of env(1)
	  reset=(env --default-signal=INT,HUP,TERM)
	  # shellcheck disable=SC2086 # a list of signals
	  if [ -n "${START_IGNORE:-}" ]; then trap '' $START_IGNORE; reset=(); fi
	  exec "${reset[@]}" $QUELL_WRAP "$QUELL_BIN" "$@" 2>"$LOG" </dev/null) &
	PID=$!
	PIDS+=("$PID")
	for _ in $(seq 200); do
		if [ "${START_PROBE:-0}" = 1 ]; then
			[ -S "$SOCK" ] && "$PC" -t 2 "unix:$SOCK" </dev/null 2>/dev/null && return 0
		elif grep -q 'listening on' "$LOG" 2>/dev/null; then
			URL=http://$(sed -n 's/.*listening on inet:\([0-9.]*:[0-9]*\).*/\1/p' "$LOG" | head -1)
			return 0
		fi
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ "${START_PROBE:-0}" = 1 ]; then
		echo "start: $SOCK does not answer:" >&2
	else
		echo "start: no 'listening on' line:" >&2
	fi
	cat "$LOG" >&2
	return 1
}

# stop [SIGNAL]: signal PID (TERM) and wait (10 s at most); STATUS gets its
# exit status (137 when it had to be killed).
# shellcheck disable=SC2034 # STATUS is used by the t_*.sh files
stop() {
	kill -"${1:-TERM}" "$PID"
	for _ in $(seq 200); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	STATUS=$?
}

# h NAME WANT_STATUS WANT_BODY CURL_ARGS...: one request with $CURL (at
# most H_TIMEOUT seconds, 10 unless set); compares the HTTP status and
# the exact body (WANT_BODY without its last newline, '' for none).
h() {
	local name=$1 want_code=$2 want_body=$3 code
	shift 3
	code=$("$CURL" -s -m "${H_TIMEOUT:-10}" -o "$T_DIR/h.body" -w '%{http_code}' "$@")
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
