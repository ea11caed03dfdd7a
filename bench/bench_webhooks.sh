#!/usr/bin/env bash
# bench_webhooks.sh - events per second through the ESP webhook path of
# `quell serve` (signature checks included) and through `quell ingest
# sendgrid-events -`.  Not part of `make check` or `make bench`: run by hand
# after `make`:
#
#   bench/bench_webhooks.sh [BATCHES [EVENTS_PER_BATCH [PARALLEL]]]
#
# Webhook path: BATCHES SendGrid Event Webhook posts (default 400) of
# EVENTS_PER_BATCH bounce events each (default 100, SendGrid's batches are
# up to ~1000), each batch signed with ECDSA P-256 by the openssl command
# line beforehand (not timed), posted by one curl process with PARALLEL
# connections (default 16, and as many server threads); the server verifies
# each signature, parses the events and records them (concurrent posts
# share a write transaction: serve_webhooks.c's group commit).  A second
# round posts one Mailgun event per request (Mailgun's shape: an HMAC per
# event) for a 40th as many events.  Ingest path: the same number of
# events as JSON Lines on stdin.  Each prints events, seconds, events/s.
#
# Everything runs in a temporary directory (removed at the end); the server
# listens on a free loopback port and is stopped by its PID.
set -eu
BATCHES=${1:-400}
PER=${2:-100}
PAR=${3:-16}
QUELL=${QUELL_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/bin/quell}
CURL=${CURL:-curl}
T=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT

openssl ecparam -name prime256v1 -genkey -noout -out "$T/sg.key" 2>/dev/null
openssl ec -in "$T/sg.key" -pubout -out "$T/sg.pem" 2>/dev/null
printf 'key-bench\n' >"$T/mg.key"

"$QUELL" --db "$T/db" serve --listen inet:127.0.0.1:0 --threads "$PAR" \
	--sendgrid-verification-key "$T/sg.pem" \
	--mailgun-signing-key "$T/mg.key" 2>"$T/serve.log" &
PID=$!
for _ in $(seq 200); do grep -q 'listening on' "$T/serve.log" && break; sleep 0.05; done
URL=http://$(sed -n 's/.*listening on inet:\([0-9.]*:[0-9]*\).*/\1/p' "$T/serve.log" | head -1)

ms() { date +%s%3N; }
rate() { # NAME EVENTS START_MS END_MS
	awk -v n="$2" -v a="$3" -v b="$4" -v what="$1" \
		'BEGIN { s = (b - a) / 1000; printf "%-34s %8d events %7.2f s %10.0f events/s\n", what, n, s, n / s }'
}

# --- SendGrid batches, signed -------------------------------------------
for b in $(seq "$BATCHES"); do
	{
		printf '['
		for e in $(seq "$PER"); do
			[ "$e" = 1 ] || printf ','
			printf '{"email":"b%d-%d@bench%d.example","timestamp":1700000000,"event":"bounce","sg_event_id":"e%d-%d","reason":"550 5.1.1 user unknown","status":"5.1.1","type":"bounce"}' \
				"$b" "$e" $((e % 50)) "$b" "$e"
		done
		printf ']'
	} >"$T/b$b.json"
done
# signed just before posting: the server refuses timestamps 5 minutes old
TS=$(date +%s)
: >"$T/curl.cfg"
for b in $(seq "$BATCHES"); do
	sig=$( { printf '%s' "$TS"; cat "$T/b$b.json"; } | openssl dgst -sha256 -sign "$T/sg.key" |
		openssl base64 -A)
	{
		[ "$b" = 1 ] || echo next
		echo "url = \"$URL/v1/webhooks/sendgrid\""
		echo "data-binary = \"@$T/b$b.json\""
		echo "header = \"X-Twilio-Email-Event-Webhook-Signature: $sig\""
		echo "header = \"X-Twilio-Email-Event-Webhook-Timestamp: $TS\""
		echo "output = \"/dev/null\""
		echo 'write-out = "%{http_code}\n"'
	} >>"$T/curl.cfg"
done
a=$(ms)
"$CURL" -s --parallel --parallel-max "$PAR" -K "$T/curl.cfg" >"$T/codes" 2>/dev/null
z=$(ms)
bad=$(grep -vc '^200$' "$T/codes" || true)
rate "webhook sendgrid (batches of $PER)" $((BATCHES * PER)) "$a" "$z"
[ "$bad" = 0 ] || echo "  $bad posts not answered 200" >&2

# --- Mailgun: one event per request ----------------------------------------
N=$((BATCHES * PER / 40))
TS=$(date +%s)
: >"$T/mg.cfg"
for i in $(seq "$N"); do
	tok=tok$i
	sig=$(printf '%s%s' "$TS" "$tok" | openssl dgst -sha256 -hmac key-bench | sed 's/.*= //')
	{
		[ "$i" = 1 ] || echo next
		echo "url = \"$URL/v1/webhooks/mailgun\""
		printf 'data-binary = "{\\"signature\\":{\\"timestamp\\":\\"%s\\",\\"token\\":\\"%s\\",\\"signature\\":\\"%s\\"},\\"event-data\\":{\\"event\\":\\"failed\\",\\"id\\":\\"m%d\\",\\"severity\\":\\"permanent\\",\\"recipient\\":\\"m%d@mg.example\\",\\"delivery-status\\":{\\"code\\":550,\\"message\\":\\"5.1.1 no such user\\"}}}"\n' \
			"$TS" "$tok" "$sig" "$i" "$i"
		echo "output = \"/dev/null\""
		echo 'write-out = "%{http_code}\n"'
	} >>"$T/mg.cfg"
done
a=$(ms)
"$CURL" -s --parallel --parallel-max "$PAR" -K "$T/mg.cfg" >"$T/codes" 2>/dev/null
z=$(ms)
bad=$(grep -vc '^200$' "$T/codes" || true)
rate "webhook mailgun (1 per request)" "$N" "$a" "$z"
[ "$bad" = 0 ] || echo "  $bad posts not answered 200" >&2
kill "$PID"
wait "$PID" 2>/dev/null || true
PID=

# --- ingest from stdin -----------------------------------------------------
cat "$T"/b*.json | sed 's/sg_event_id":"e/sg_event_id":"i/g; s/@bench/@ingest/g' >"$T/all.json"
a=$(ms)
"$QUELL" --db "$T/db2" -q ingest sendgrid-events - <"$T/all.json"
z=$(ms)
rate "ingest sendgrid-events -" $((BATCHES * PER)) "$a" "$z"
