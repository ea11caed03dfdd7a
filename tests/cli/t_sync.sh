# t_sync.sh - sync: usage errors; with nats-server installed (scripts/
# install-deps --fleet), two databases sharing one single-node JetStream
# stream: each applies the other's events once, exports equal, positions
# survive a restart, lag per host in stats, a host made from a backup
# applies nothing twice, three hosts that each count one soft bounce for
# an address all end suppressed (the fleet's set of counted replies), a
# delivery shared by one of them ends that count everywhere (one host that
# had suppressed before it arrived takes the suppression back), and
# a host whose events the stream no longer holds is told to bootstrap
# (exit 65).

U='usage: quell sync --nats URL[,URL...] [OPTION...]'
t 'no --nats' 64 '' "quell: sync: --nats URL is needed
$U" sync
t 'a bad subject prefix' 64 '' "quell: sync: --subject-prefix: a name of [a-z0-9._-] is needed
$U" sync --nats nats://127.0.0.1:1 --subject-prefix 'a>b'
t 'a bad stream name' 64 '' "quell: sync: --stream: 1 to 32 characters, no . * > / or spaces
$U" sync --nats nats://127.0.0.1:1 --stream a.b
t 'a bad replica count' 64 '' "quell: sync: --replicas: 1 to 5
$U" sync --nats nats://127.0.0.1:1 --replicas 9
ok 'usage errors created no database' test ! -e "$QUELL_DB"

if ! command -v nats-server >/dev/null 2>&1; then
	echo "SKIP t_sync.sh: no nats-server, so the cases against a live NATS were not run" \
		"(scripts/install-deps --fleet installs it; make integration-fleet does)" >&2
	return 0
fi

# one JetStream server on a free port, stopped by PID on exit
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
nats-server -js -a 127.0.0.1 -p "$PORT" -sd "$T_DIR/js" </dev/null >"$T_DIR/nats.log" 2>&1 &
NATS_PID=$!
trap 'kill "$NATS_PID" 2>/dev/null; wait "$NATS_PID" 2>/dev/null; rm -rf "$T_DIR"' EXIT
for _ in $(seq 50); do
	grep -q 'Server is ready' "$T_DIR/nats.log" && break
	sleep 0.1
done
URL=nats://127.0.0.1:$PORT
A=(--db "$T_DIR/a")
B=(--db "$T_DIR/b")

# two hosts write, one key on both: the later write wins everywhere
QUELL_HOST_ID=h1 q "${A[@]}" --now 2026-01-01T00:00:00Z add x@a.example same@k.example --reason one
QUELL_HOST_ID=h2 q "${B[@]}" --now 2026-01-01T00:00:05Z add x@b.example same@k.example --reason two
q "${B[@]}" --now 2026-01-01T00:00:06Z allow ok@k.example
t 'h1 syncs: creates the stream, publishes' 0 '' '' "${A[@]}" -q sync --nats "$URL" --init --once
t 'h2 syncs' 0 '' '' "${B[@]}" -q sync --nats "$URL" --once
t 'h1 syncs again: applies h2' 0 '' '' "${A[@]}" -q sync --nats "$URL" --once
q "${A[@]}" export >"$T_DIR/a.csv" 2>/dev/null
q "${B[@]}" export >"$T_DIR/b.csv" 2>/dev/null
ok 'exports are equal' cmp "$T_DIR/a.csv" "$T_DIR/b.csv"
T_FILTER='/^same/!d' t 'the later write won' 0 'same@k.example,suppress,address,,manual,manual,,,,,two,2026-01-01T00:00:05Z,2026-01-01T00:00:05Z,,,,0,1' '' \
	"${A[@]}" -q export --list suppress --format csv --stream '*' -
T_FILTER='/origin=h2/!d' t 'applied events keep their host id' 0 \
	$'event\t2026-01-01T00:00:05Z\tsuppress\tlist=suppress source=manual category=manual reason=two verdict=suppress origin=h2 seq=2' '' \
	"${A[@]}" show same@k.example
T_FILTER='/\.\(lag\|idle\)/d; /^host/!d' t 'stats: h1 applied 3 of h2' 0 \
	$'host.h2.events\t3\nhost.h2.seq\t3' '' "${A[@]}" stats

# a restart applies nothing twice and publishes nothing again
t 'h1 once more' 0 '' '' "${A[@]}" -q sync --nats "$URL" --once
t 'h2 once more' 0 '' '' "${B[@]}" -q sync --nats "$URL" --once
T_FILTER='/\.\(lag\|idle\)/d; /^host/!d' t 'stats: still 3' 0 \
	$'host.h2.events\t3\nhost.h2.seq\t3' '' "${A[@]}" stats
T_FILTER='/\.\(lag\|idle\)/d; /^host/!d' t 'stats: h2 applied 2 of h1' 0 \
	$'host.h1.events\t2\nhost.h1.seq\t2' '' "${B[@]}" stats

# a host made from h2's backup: the copy carries h2's positions and event
# ids, so catching up applies nothing twice; it takes a host id of its own
t 'a backup of h2' 0 '' '' "${B[@]}" -q backup "$T_DIR/d"
t 'h4 from the backup' 0 '' 'quell: sync: host id: h4' \
	--db "$T_DIR/d" -q sync --nats "$URL" --host-id h4 --once
T_FILTER='/\.\(lag\|idle\)/d; /^host/!d' t 'stats: h4 holds h1 once' 0 \
	$'host.h1.events\t2\nhost.h1.seq\t2' '' --db "$T_DIR/d" stats
q --db "$T_DIR/d" export >"$T_DIR/d.csv" 2>/dev/null
ok 'h4 exports what h2 does' cmp "$T_DIR/b.csv" "$T_DIR/d.csv"

# counted replies merge as a set of reply ids: three hosts each count one
# "mailbox full" (threshold 3) for one address, and all end suppressed
E=(--db "$T_DIR/e")
for h in A B E; do
	eval "db=(\"\${$h[@]}\")"
	case $h in A) s=10 ;; B) s=20 ;; E) s=30 ;; esac
	QUELL_HOST_ID=h5 T_FILTER='s/\t.*//' t "$h counts one" 0 'full@k.example' '' "${db[@]}" \
		--now "2026-01-02T00:00:${s}Z" record full@k.example '452 4.2.2 Mailbox full'
done
for h in A B E A B; do
	eval "db=(\"\${$h[@]}\")"
	t "$h syncs the counted replies" 0 '' '' "${db[@]}" -q sync --nats "$URL" --once
done
for h in A B E; do
	eval "db=(\"\${$h[@]}\")"
	t "$h: suppressed, from three hosts' replies" 1 \
		$'full@k.example\tsuppress\tscope=address key=full@k.example rule=mailbox-full category=quota source=bounce' '' \
		"${db[@]}" --now 2026-01-03T00:00:00Z check full@k.example
	T_FILTER='/^entry/!d' t "$h: the entry says why" 0 \
		$'entry\tsuppress\tscope=address source=bounce category=quota rule=mailbox-full code=452 status=4.2.2 reply=Mailbox%20full reason=3%20failures%20within%2030%20days%20on%20the%20fleet created=2026-01-02T00:00:30Z updated=2026-01-02T00:00:30Z count=1' '' \
		"${db[@]}" --now 2026-01-03T00:00:00Z show full@k.example
done
q "${A[@]}" export >"$T_DIR/a.csv" 2>/dev/null
q "${E[@]}" export >"$T_DIR/e.csv" 2>/dev/null
ok 'h1 and h5 export the same' cmp "$T_DIR/a.csv" "$T_DIR/e.csv"

# events the stream no longer holds: a new host is told to bootstrap
t 'a short-lived stream' 0 '' '' "${A[@]}" -q sync --nats "$URL" --stream SHORT \
	--subject-prefix short --init --max-age 1s --once
sleep 2
t 'the stream lost what h3 never applied' 65 '' \
	"quell: sync: stream SHORT has no message 1 any more (the next is 4): it was purged, or this host was away longer than the stream keeps events; bootstrap this host from a peer's \`quell backup\` (docs/fleet.md)" \
	--db "$T_DIR/c" -q sync --nats "$URL" --stream SHORT --subject-prefix short --once

# a delivery is shared and ends the fleet's count: h1 counts two soft
# bounces then delivers, h2 counts one more; h5 got the three bounces
# first and suppressed, and takes it back when the delivery arrives
R=(record fine@k.example '452 4.2.2 Mailbox full')
q "${A[@]}" --now 2026-01-04T00:00:10Z "${R[@]}" >/dev/null
q "${A[@]}" --now 2026-01-04T00:00:20Z "${R[@]}" >/dev/null
q "${B[@]}" --now 2026-01-04T00:00:40Z "${R[@]}" >/dev/null
for h in A B E; do
	eval "db=(\"\${$h[@]}\")"
	t "$h syncs the bounces" 0 '' '' "${db[@]}" -q sync --nats "$URL" --once
done
t 'h5: three bounces, no delivery yet: suppressed' 1 \
	$'fine@k.example\tsuppress\tscope=address key=fine@k.example rule=mailbox-full category=quota source=bounce' '' \
	"${E[@]}" --now 2026-01-05T00:00:00Z check fine@k.example
T_FILTER='s/\t.*//' t 'h1 delivers after its two bounces' 0 'fine@k.example' '' "${A[@]}" \
	--now 2026-01-04T00:00:30Z record fine@k.example '250 2.0.0 Ok: queued as 4F2B1'
for h in A B E; do
	eval "db=(\"\${$h[@]}\")"
	t "$h syncs the delivery" 0 '' '' "${db[@]}" -q sync --nats "$URL" --once
done
for h in A B E; do
	eval "db=(\"\${$h[@]}\")"
	t "$h: the delivery ended the count: not suppressed" 0 $'fine@k.example\tallow\t' '' \
		"${db[@]}" --now 2026-01-05T00:00:00Z check fine@k.example
done
T_FILTER='/delivery%20ended/!d; s/ seq=[0-9]*$//' t 'h5 says why the suppression went' 0 \
	$'event\t2026-01-04T00:00:30Z\tremove\tlist=suppress source=bounce reason=a%20delivery%20ended%20the%20fleet\'s%20count verdict=allow origin=h5' '' \
	"${E[@]}" show fine@k.example
q "${A[@]}" export >"$T_DIR/a.csv" 2>/dev/null
q "${E[@]}" export >"$T_DIR/e.csv" 2>/dev/null
ok 'h1 and h5 still export the same' cmp "$T_DIR/a.csv" "$T_DIR/e.csv"
