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
# Each file gets a fresh directory $T_DIR (removed on exit) with
# QUELL_DB=$T_DIR/db (not created yet), HOME=$T_DIR/home, and no
# XDG_DATA_HOME or QUELL_RULES from the caller's environment.
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/quell-cli.XXXXXX") || exit 1
trap 'rm -rf "$T_DIR"' EXIT
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
