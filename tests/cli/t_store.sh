# t_store.sh - the database file when things go wrong around it: readers
# killed with kill -9 while another process keeps the database open (their
# reader slots are reclaimed), a truncated or half-written data file (exit
# 74 with a message, never SIGBUS), a full file system at creation and
# during a backup (nothing half-written is left), and during a write (it
# says "No space left on device").
#
# QUELL_KILL_ROUNDS=N runs N rounds of 100 killed readers instead of the
# two short ones (100 and 30); the closing note's figure is measured so.

T1=2026-01-01T00:00:00Z
S=$'\tsuppress\tscope=address key=a@ex.example category=manual source=manual'

t 'a database' 0 '' '' --now $T1 add a@ex.example

# wait_output FILE...: each file non-empty, within 20 s
wait_output() {
	local i f all
	for ((i = 0; i < 400; i++)); do
		all=1
		for f in "$@"; do
			[ -s "$f" ] || { all=0; break; }
		done
		[ $all = 1 ] && return 0
		sleep 0.05
	done
	return 1
}

# One round: start N `check -` processes, each answering one line and
# then waiting on its input with a read transaction kept for reuse (its
# slot in the reader table), kill them all with kill -9, and say whether
# every one of them answered.
kill_round() {
	local n=$1 i fd line pids=() fds=() outs=() good=1
	eval "mkfifo \"\$T_DIR\"/r{1..$n}.in"
	for ((i = 1; i <= n; i++)); do
		exec {fd}<>"$T_DIR/r$i.in"
		fds+=("$fd")
		"$QUELL_BIN" --now $T1 check - <"$T_DIR/r$i.in" >"$T_DIR/r$i.out" 2>&1 3>&- &
		pids+=($!)
		outs+=("$T_DIR/r$i.out")
		echo a@ex.example >&"$fd"
	done
	wait_output "${outs[@]}" || good=0
	kill -9 "${pids[@]}"
	wait "${pids[@]}"
	for fd in "${fds[@]}"; do
		exec {fd}>&-
	done
	for i in "${outs[@]}"; do
		line=
		read -r line <"$i"
		if [ $good = 1 ] && [ "$line" != "a@ex.example$S" ]; then
			good=0
			echo "  ${i##*/}: $line" # the first one
		fi
	done
	rm -f "$T_DIR"/r*.in "$T_DIR"/r*.out
	[ $good = 1 ]
}

# a long-running opener, holding the database open throughout (so the
# reader table is never reset by a first opener), not reading yet
mkfifo "$T_DIR/long.in"
exec 3<>"$T_DIR/long.in"
"$QUELL_BIN" --now $T1 check - <"$T_DIR/long.in" >"$T_DIR/long.out" 2>&1 3>&- &
long=$!
# more killed readers than the table holds: 100, then 30 (or
# QUELL_KILL_ROUNDS rounds of 100)
rounds=${QUELL_KILL_ROUNDS:-2}
for ((round = 1; round <= rounds; round++)); do
	n=100
	[ -z "${QUELL_KILL_ROUNDS:-}" ] && [ $round = 2 ] && n=30
	ok "kill -9 round $round: $n readers answered" kill_round $n 2>/dev/null
done
t 'a new process checks' 1 "a@ex.example$S" '' --now $T1 check a@ex.example
t 'and writes' 0 '' '' --now $T1 add b@ex.example
echo a@ex.example >&3
exec 3>&-
wait $long
ok 'the long-running opener still checks' test "$(cat "$T_DIR/long.out")" = "a@ex.example$S"

# a truncated data file, and a half-written backup: an error, not SIGBUS
seq 1 3000 | sed 's/.*/u&@ex.example/' >"$T_DIR/list"
t 'a bigger database' 0 '' '' --now $T1 -q --db "$T_DIR/big" import "$T_DIR/list"
t 'backup' 0 '' '' --db "$T_DIR/big" backup "$T_DIR/bk"
cp -r "$T_DIR/big" "$T_DIR/cut"
size=$(stat -c %s "$T_DIR/big/data.mdb")
truncate -s 12288 "$T_DIR/cut/data.mdb"
t 'a truncated data file' 74 '' \
	"quell: check: $T_DIR/cut/data.mdb is truncated or damaged: 12288 bytes, its pages need $size; restore it from a backup" \
	--db "$T_DIR/cut" check u1@ex.example
size=$(stat -c %s "$T_DIR/bk/data.mdb")
truncate -s $((size / 2)) "$T_DIR/bk/data.mdb"
t 'a half-written backup' 74 '' \
	"quell: show: $T_DIR/bk/data.mdb is truncated or damaged: $((size / 2)) bytes, its pages need $size; restore it from a backup" \
	--db "$T_DIR/bk" show u1@ex.example
: >"$T_DIR/cut/data.mdb"
t 'an empty data file' 74 '' "quell: check: $T_DIR/cut/data.mdb is empty: not a database" \
	--db "$T_DIR/cut" check u1@ex.example

# a full file system (a small tmpfs: needs root)
mkdir "$T_DIR/small"
if mount -t tmpfs -o size=64k tmpfs "$T_DIR/small" 2>/dev/null; then
	t 'backup onto a full file system' 74 '' \
		'quell: backup: database: copy: No space left on device' \
		--db "$T_DIR/big" backup "$T_DIR/small/bk"
	ok 'leaves no file behind' test -z "$(ls -A "$T_DIR/small/bk")"
	t 'no database there' 66 '' "quell: check: no database in $T_DIR/small/bk" \
		--db "$T_DIR/small/bk" check u1@ex.example
	head -c $((60 * 1024)) /dev/zero >"$T_DIR/small/fill" 2>/dev/null
	t 'creating a database on a full file system' 74 '' \
		"quell: add: cannot create a database in $T_DIR/small/new: No space left on device" \
		--db "$T_DIR/small/new" add a@ex.example
	ok 'leaves no half database behind' sh -c 'test ! -e "$1" || test -z "$(ls -A "$1")"' - "$T_DIR/small/new"
	t 'no database there' 66 '' "quell: check: no database in $T_DIR/small/new" \
		--db "$T_DIR/small/new" check a@ex.example
	# not one block free: LMDB's own lock file would be SIGBUS
	head -c $((64 * 1024)) /dev/zero >"$T_DIR/small/fill2" 2>/dev/null
	t 'creating a database with not one block free' 74 '' \
		"quell: add: cannot create a database in $T_DIR/small/new2: No space left on device" \
		--db "$T_DIR/small/new2" add a@ex.example
	ok 'leaves nothing behind' sh -c 'test ! -e "$1" || test -z "$(ls -A "$1")"' - "$T_DIR/small/new2"
	umount "$T_DIR/small"
fi
# a write that fills the file system says so (LMDB itself says EIO), and
# the database stays as it was
mkdir "$T_DIR/fill"
if mount -t tmpfs -o size=256k tmpfs "$T_DIR/fill" 2>/dev/null; then
	t 'a database on a small file system' 0 '' '' --db "$T_DIR/fill/db" --now $T1 add a@ex.example
	t 'an import that fills it: what failed, once' 74 '' \
		'quell: import: database: commit: No space left on device' \
		--db "$T_DIR/fill/db" --now $T1 import "$T_DIR/list"
	t '... the database as it was' 1 "a@ex.example$S" '' --db "$T_DIR/fill/db" --now $T1 check a@ex.example
	umount "$T_DIR/fill"
else
	echo "t_store.sh: cannot mount a tmpfs (not root?): full file system cases skipped"
fi
