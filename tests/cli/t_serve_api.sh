# t_serve_api.sh - quell serve's entry, reply, import and export routes
# (docs/http-api.md), talked to with curl: exact statuses and bodies,
# error shapes, token scopes (a read token cannot write), cursor paging
# while entries come and go, import rejects with their line numbers,
# export in every format byte for byte as `quell export`, hostile stored
# text escaped in every answer, and an export of a big database with the
# server's memory bounded.  Every server listens on a free port (port 0)
# and is stopped by its PID; every curl has a timeout.

PY=/usr/bin/python3
need "$CURL" "$PY" || return 0
NOW=2026-11-28T10:00:00Z
# shellcheck disable=SC2034 # read by h (lib.sh)
H_TIMEOUT=20 # requests on big answers

# ok NAME COMMAND...: the command succeeds.
ok() {
	local name=$1
	shift
	if "$@" >"$T_DIR/ok.out" 2>&1; then
		echo pass >>"$T_RESULTS"
	else
		echo fail >>"$T_RESULTS"
		echo "FAIL $T_NAME: $name"
		sed 's/^/  /' "$T_DIR/ok.out"
	fi
}

DB=$T_DIR/db
q --db "$DB" --now "$NOW" add seed@example.com >/dev/null
start api --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0

# --- entries ----------------------------------------------------------------

E='"stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null'
T='"created":"2026-11-28T10:00:00Z","updated":"2026-11-28T10:00:00Z"'
# a reason with an escape sequence, a DEL and a C1 control: escaped
h 'add two addresses and a domain' 200 \
	'{"list":"suppress","stream":null,"entries":[{"entry":"A@Example.com","key":"a@example.com","scope":"address"},{"entry":"b@example.com","key":"b@example.com","scope":"address"},{"entry":"@example.net","key":"example.net","scope":"domain"}]}' \
	-X POST "$URL/v1/entries" \
	-d '{"entries":["A@Example.com","b@example.com","@example.net"],"reason":"\u001b[31mred\u007f\u0085\"","ttl":"7d"}'
h 'look one up: show --json' 200 \
	'{"key":"a@example.com","scope":"address","verdict":"suppress","check":{"address":"a@example.com","normalized":"a@example.com","verdict":"suppress","scope":"address","key":"a@example.com","rule":null,"category":"manual","source":"manual","reply":null,"since":"2026-11-28T10:00:00Z","until":"2026-12-05T10:00:00Z","error":null},"entries":[{"entry":"a@example.com","list":"suppress","scope":"address",'"$E"',"reason":"\u001B[31mred\u007F\u0085\"",'"$T"',"expires":"2026-12-05T10:00:00Z","until":null,"first_failure":null,"attempts":null,"count":1}],"history":[{"time":"2026-11-28T10:00:00Z","action":"suppress","list":"suppress","stream":null,"source":"manual","rule":null,"category":"manual","code":null,"status":null,"reply":null,"reason":"\u001B[31mred\u007F\u0085\"","until":"2026-12-05T10:00:00Z","verdict":"suppress","origin":"'"$ORIGIN"'","seq":2}]}' \
	"$URL/v1/entries/a@example.com"
h 'look up a key never seen: no entries' 200 \
	'{"key":"new@example.com","scope":"address","verdict":"allow","check":{"address":"new@example.com","normalized":"new@example.com","verdict":"allow","scope":null,"key":null,"rule":null,"category":null,"source":null,"reply":null,"since":null,"until":null,"error":null},"entries":[],"history":[]}' \
	"$URL/v1/entries/new@example.com"
h 'look up a bad entry: 400' 400 \
	'{"error":{"code":400,"message":"a@@b: local part: unexpected '"'"'@'"'"' at character 2"}}' \
	"$URL/v1/entries/a@@b"
h 'add with one bad entry writes nothing' 400 \
	'{"error":{"code":400,"message":"x@: domain is empty"}}' \
	-X POST "$URL/v1/entries" -d '{"entries":["c@example.com","x@"]}'
h 'add: not JSON' 400 \
	'{"error":{"code":400,"message":"not JSON: '"'"'['"'"' or '"'"'{'"'"' expected near '"'"'nope'"'"' at line 1 column 4"}}' \
	-X POST "$URL/v1/entries" -d 'nope'
h 'add: an unknown field' 400 '{"error":{"code":400,"message":"unknown field '"'"'reson'"'"'"}}' \
	-X POST "$URL/v1/entries" -d '{"entry":"c@example.com","reson":"typo"}'
h 'allow on a stream' 200 \
	'{"list":"allow","stream":"news","entries":[{"entry":"vip@example.com","key":"vip@example.com","scope":"address"}]}' \
	-X POST "$URL/v1/entries" -d '{"entry":"vip@example.com","list":"allow","stream":"news"}'
h 'list: the allow entry of stream news' 200 \
	'{"entries":[{"entry":"vip@example.com","list":"allow","scope":"address","stream":"news","source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":null,'"$T"',"expires":null,"until":null,"first_failure":null,"attempts":null,"count":null}],"next_cursor":null}' \
	"$URL/v1/entries?list=allow&stream=news"
h 'list: the addresses, two a page' 200 \
	'{"entries":[{"entry":"a@example.com","list":"suppress","scope":"address",'"$E"',"reason":"\u001B[31mred\u007F\u0085\"",'"$T"',"expires":"2026-12-05T10:00:00Z","until":null,"first_failure":null,"attempts":null,"count":1},{"entry":"b@example.com","list":"suppress","scope":"address",'"$E"',"reason":"\u001B[31mred\u007F\u0085\"",'"$T"',"expires":"2026-12-05T10:00:00Z","until":null,"first_failure":null,"attempts":null,"count":1}],"next_cursor":"cTFhMQBiQGV4YW1wbGUuY29t"}' \
	"$URL/v1/entries?scope=address&limit=2"
h 'list: the next page' 200 \
	'{"entries":[{"entry":"seed@example.com","list":"suppress","scope":"address",'"$E"',"reason":null,'"$T"',"expires":null,"until":null,"first_failure":null,"attempts":null,"count":1}],"next_cursor":null}' \
	"$URL/v1/entries?scope=address&limit=2&cursor=cTFhMQBiQGV4YW1wbGUuY29t"
h 'list: a cursor this server never gave' 400 \
	'{"error":{"code":400,"message":"cursor: not a cursor this server gave"}}' \
	"$URL/v1/entries?cursor=bm9wZQ"
h 'list: a bad limit' 400 \
	'{"error":{"code":400,"message":"limit: '"'"'0'"'"' is not a number from 1 to 1000"}}' \
	"$URL/v1/entries?limit=0"
h 'list: a bad stream' 400 \
	'{"error":{"code":400,"message":"stream: '"'"'No'"'"' is not a stream name (1 to 64 characters of [a-z0-9._-], the first a letter or digit, or * for every stream)"}}' \
	"$URL/v1/entries?stream=No"
h 'remove' 200 '{"key":"a@example.com","scope":"address","list":"suppress","stream":null,"removed":true}' \
	-X DELETE "$URL/v1/entries/a@example.com"
h 'remove again: 404' 404 '{"error":{"code":404,"message":"a@example.com: not on the suppress list"}}' \
	-X DELETE "$URL/v1/entries/a@example.com"
h 'unallow on stream news' 200 \
	'{"key":"vip@example.com","scope":"address","list":"allow","stream":"news","removed":true}' \
	-X DELETE "$URL/v1/entries/vip@example.com?list=allow&stream=news"

# --- replies ----------------------------------------------------------------

R1='{"address":"r1@example.org","code":550,"status":"5.1.1","text":"user unknown","rule":"user-unknown","category":"bad-mailbox","action":"suppress","scope":"address","verdict":"suppress","until":null,"error":null}'
h 'one reply: one answer' 200 "$R1" \
	-X POST "$URL/v1/replies" -d '{"address":"r1@example.org","reply":"550 5.1.1 user unknown"}'
h 'an array: an array, in order, a bad item answered with its error' 200 \
	'[{"address":"bad","code":null,"status":null,"text":null,"rule":null,"category":null,"action":"invalid","scope":null,"verdict":null,"until":null,"error":"missing '"'"'@'"'"'"},{"address":"r2@example.org","code":421,"status":"4.7.0","text":"try later","rule":"service-unavailable","category":"transient","action":"backoff","scope":"domain","verdict":"backoff","until":"2026-11-28T10:15:00Z","error":null},{"address":"r3@example.org","code":null,"status":null,"text":null,"rule":null,"category":null,"action":"invalid","scope":null,"verdict":null,"until":null,"error":"reply: missing"}]' \
	-X POST "$URL/v1/replies" \
	-d '[{"address":"bad","reply":"550 5.1.1 x"},{"address":"r2@example.org","reply":"421 4.7.0 try later"},{"address":"r3@example.org"}]'
printf '%s\n' '{"address":"r4@example.org","reply":"550 5.1.1 no such user \u001b]0;pwned\u0007"}' \
	'not json' '{"address":"r5@example.org","reply":"250 2.0.0 ok","time":"2026-11-28T09:00:00Z"}' \
	>"$T_DIR/replies.jsonl"
h 'JSON Lines: JSON Lines; control bytes of a reply never come back raw' 200 \
	'{"address":"r4@example.org","code":550,"status":"5.1.1","text":"no such user ]0;pwned","rule":"user-unknown","category":"bad-mailbox","action":"suppress","scope":"address","verdict":"suppress","until":null,"error":null}
{"address":null,"code":null,"status":null,"text":null,"rule":null,"category":null,"action":"invalid","scope":null,"verdict":null,"until":null,"error":"line 2: not JSON: '"'"'['"'"' or '"'"'{'"'"' expected near '"'"'not'"'"'"}
{"address":"r5@example.org","code":250,"status":"2.0.0","text":"ok","rule":"delivered","category":"delivered","action":"clear","scope":"address","verdict":"allow","until":null,"error":null}' \
	-X POST "$URL/v1/replies" --data-binary "@$T_DIR/replies.jsonl"
printf '{"address":"a\177\302\205@b.org","reply":"550 5.1.1 x"}\n{"address":"c@d.org"}\n' \
	>"$T_DIR/hostile.jsonl"
h 'JSON Lines: DEL and C1 bytes of an address come back escaped' 200 \
	'{"address":"a\u007F\u0085@b.org","code":null,"status":null,"text":null,"rule":null,"category":null,"action":"invalid","scope":null,"verdict":null,"until":null,"error":"local part: control character \\x7F at character 2"}
{"address":"c@d.org","code":null,"status":null,"text":null,"rule":null,"category":null,"action":"invalid","scope":null,"verdict":null,"until":null,"error":"reply: missing"}' \
	-X POST "$URL/v1/replies" --data-binary "@$T_DIR/hostile.jsonl"
# a reply stamped in 2100 (a wrong clock at the caller) is recorded at now:
# kept, it would outlive every later change
"$CURL" -s -m 10 -X POST "$URL/v1/replies" \
	-d '{"address":"r6@example.org","reply":"452 4.2.2 full","time":"2100-01-01T00:00:00Z"}' >/dev/null
"$CURL" -s -m 10 "$URL/v1/entries/r6@example.org" >"$T_DIR/r6.json"
ok 'a reply stamped in 2100 is recorded at now' grep -q '"history":\[{"time":"'"$NOW"'"' "$T_DIR/r6.json"
"$CURL" -s -m 10 "$URL/metrics" | grep '^quell_records_total{action="suppress",rule="user-unknown"}' \
	>"$T_DIR/metrics.out"
ok 'the recorded replies are counted in /metrics' \
	grep -qx 'quell_records_total{action="suppress",rule="user-unknown"} 2' "$T_DIR/metrics.out"
h 'replies: an empty body' 400 '{"error":{"code":400,"message":"the body is empty"}}' \
	-X POST "$URL/v1/replies" -d ' '

# --- import and export ------------------------------------------------------

printf 'i1@example.com\n# a comment\nnot an address\ni2@example.com\nx@\n' >"$T_DIR/plain.txt"
h 'import: the summary and each reject with its line' 200 \
	'{"format":"plain","dry_run":false,"read":4,"imported":2,"updated":0,"skipped":0,"rejected":2,"repaired":0,"rejects":[{"line":3,"reason":"domain: unexpected '"'"' '"'"' at character 4"},{"line":5,"reason":"domain is empty"}],"rejects_omitted":0}' \
	-X POST "$URL/v1/import?format=plain" --data-binary "@$T_DIR/plain.txt"
h 'import: a dry run writes nothing' 200 \
	'{"format":"plain","dry_run":true,"read":1,"imported":1,"updated":0,"skipped":0,"rejected":0,"repaired":0,"rejects":[],"rejects_omitted":0}' \
	-X POST "$URL/v1/import?format=plain&dry_run=1" --data-binary 'dry@example.com'
h 'import: after the dry run, no entry' 200 \
	'{"key":"dry@example.com","scope":"address","verdict":"allow","check":{"address":"dry@example.com","normalized":"dry@example.com","verdict":"allow","scope":null,"key":null,"rule":null,"category":null,"source":null,"reply":null,"since":null,"until":null,"error":null},"entries":[],"history":[]}' \
	"$URL/v1/entries/dry@example.com"
h 'import: an unknown format' 400 \
	'{"error":{"code":400,"message":"format: '"'"'xls'"'"' is not csv, jsonl, plain, sendgrid, mailgun, ses or postmark"}}' \
	-X POST "$URL/v1/import?format=xls" --data-binary 'x@example.com'
h 'import: a csv without the entry column' 400 \
	'{"error":{"code":400,"message":"import: body:1: csv: no '"'"'entry'"'"' column in the header"}}' \
	-X POST "$URL/v1/import?format=csv" --data-binary $'nothing,here\n1,2\n'
{ printf 'nothing,here\n'; seq -f '%g,x' 1 300000; } >"$T_DIR/bad.csv"
h 'import: a big body refused at its header is read to its end, answered once' 400 \
	'{"error":{"code":400,"message":"import: body:1: csv: no '"'"'entry'"'"' column in the header"}}' \
	-X POST "$URL/v1/import?format=csv" --data-binary "@$T_DIR/bad.csv"
# an upload cut short: the client sends half of what Content-Length says
cat >"$T_DIR/cut.py" <<'PY'
import socket, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
body = b"".join(b"cut%06d@example.com\n" % i for i in range(20000))
s = socket.create_connection((u.hostname, u.port), timeout=10)
s.sendall(b"POST /v1/import?format=plain HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
          % (2 * len(body)) + body)
time.sleep(1)  # the server reads what came, then sees the client go
s.close()
PY
"$PY" "$T_DIR/cut.py" "$URL"
sleep 1
h 'import: an upload cut short imports nothing' 200 \
	'{"key":"cut000001@example.com","scope":"address","verdict":"allow","check":{"address":"cut000001@example.com","normalized":"cut000001@example.com","verdict":"allow","scope":null,"key":null,"rule":null,"category":null,"source":null,"reply":null,"since":null,"until":null,"error":null},"entries":[],"history":[]}' \
	"$URL/v1/entries/cut000001@example.com"
for f in csv jsonl plain sendgrid mailgun ses postmark; do
	q --db "$DB" --now "$NOW" export --format "$f" >"$T_DIR/cli.$f" 2>/dev/null
	"$CURL" -s -m 20 -o "$T_DIR/http.$f" "$URL/v1/export?format=$f"
	ok "export --format $f: the same bytes as quell export" cmp "$T_DIR/cli.$f" "$T_DIR/http.$f"
done
h 'export: a bad category' 400 \
	'{"error":{"code":400,"message":"category: '"'"'Bad!'"'"' is not a name ([a-z0-9._-]+)"}}' \
	"$URL/v1/export?category=Bad!"
stop

# --- scopes: a read token reads, only a write token writes ------------------

printf 'rrrrrrrrrrrrrrrrrrrrrrrr read\nwwwwwwwwwwwwwwwwwwwwwwww write\n' >"$T_DIR/tokens"
chmod 600 "$T_DIR/tokens"
start tokens --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0 --tokens "$T_DIR/tokens"
RD='Authorization: Bearer rrrrrrrrrrrrrrrrrrrrrrrr'
WR='Authorization: Bearer wwwwwwwwwwwwwwwwwwwwwwww'
for route in "POST /v1/entries" "DELETE /v1/entries/b@example.com" "POST /v1/replies" \
	"POST /v1/import" "DELETE /v3/suppression/bounces/b@example.com" \
	"POST /v3/asm/suppressions/global" "POST /v3/asm/groups/1/suppressions" \
	"DELETE /v3/asm/groups/1/suppressions/b@example.com"; do
	code=$("$CURL" -s -m 10 -o /dev/null -w '%{http_code}' -H "$RD" -X "${route%% *}" \
		-d '{}' "$URL${route#* }")
	ok "a read token cannot $route: 403" test "$code" = 403
done
for route in "/v1/entries" "/v1/entries/b@example.com" "/v1/export" "/v3/suppression/bounces" \
	"/v3/asm/suppressions"; do
	code=$("$CURL" -s -m 10 -o /dev/null -w '%{http_code}' -H "$RD" "$URL$route")
	ok "a read token can GET $route" test "$code" = 200
	code=$("$CURL" -s -m 10 -o /dev/null -w '%{http_code}' "$URL$route")
	ok "no token cannot GET $route: 401" test "$code" = 401
done
h 'a write token writes' 200 \
	'{"list":"suppress","stream":null,"entries":[{"entry":"w@example.com","key":"w@example.com","scope":"address"}]}' \
	-H "$WR" -X POST "$URL/v1/entries" -d '{"entry":"w@example.com"}'
stop

# --- cursor paging while entries come and go --------------------------------

PDB=$T_DIR/pdb
seq -f 'p%03g@example.com' 0 2 119 | q --db "$PDB" --now "$NOW" import --format plain - 2>/dev/null
start paging --db "$PDB" --now "$NOW" serve --listen inet:127.0.0.1:0
cat >"$T_DIR/paging.py" <<'EOF'
import json, sys, urllib.request
base = sys.argv[1]
def req(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    r = urllib.request.Request(base + path, data=data, method=method)
    try:
        with urllib.request.urlopen(r, timeout=10) as a:
            return json.loads(a.read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read())
seen, cursor, k, gone = [], None, 0, set()
while True:
    page = req("GET", "/v1/entries?limit=7" + ("&cursor=" + cursor if cursor else ""))
    seen += [e["entry"] for e in page["entries"]]
    cursor = page["next_cursor"]
    if not cursor:
        break
    # between pages: add odd ones on both sides, remove an even one ahead and the last seen
    for i in (k * 7 % 120 | 1, (k * 7 + 60) % 120 | 1):
        req("POST", "/v1/entries", {"entry": "p%03d@example.com" % i})
    ahead = (k * 7 + 30) % 120 & ~1
    if "p%03d@example.com" % ahead not in seen:
        req("DELETE", "/v1/entries/p%03d@example.com" % ahead)
        gone.add("p%03d@example.com" % ahead)
    req("DELETE", "/v1/entries/" + seen[-1])
    k += 1
assert len(seen) == len(set(seen)), "an entry came twice"
assert seen == sorted(seen), "out of order"
for i in range(0, 120, 2):
    e = "p%03d@example.com" % i
    assert e in seen or e in gone, e + " lived through the paging and was missed"
for e in gone:
    assert e not in seen, e + " was removed before its page and still came"
print(len(seen), "entries in", k + 1, "pages")
EOF
ok 'cursor paging with adds and removes between pages: none twice, none missed' \
	"$PY" "$T_DIR/paging.py" "$URL"
stop

# --- a big export streams with the server's memory bounded ------------------

# The server's anonymous memory (heap, stacks: not the database's mapped
# file, which is page cache), sampled while a client reads a big export.
BDB=$T_DIR/bdb
seq -f 'big%06g@example.com' 1 150000 | q --db "$BDB" --now "$NOW" import --format plain - 2>/dev/null
start big --db "$BDB" --now "$NOW" serve --listen inet:127.0.0.1:0 --threads 1
"$CURL" -s -m 10 -o /dev/null "$URL/v1/export?format=plain&list=allow"
anon() { sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$PID/status"; }
before=$(anon)
"$CURL" -s -m 60 --limit-rate 20M "$URL/v1/export?format=jsonl" | wc -c >"$T_DIR/big.bytes" &
reader=$!
peak=$before
while kill -0 "$reader" 2>/dev/null; do
	now=$(anon)
	[ "${now:-0}" -gt "$peak" ] && peak=$now
	sleep 0.02
done
wait "$reader"
bytes=$(cat "$T_DIR/big.bytes")
ok "a $((bytes / 1000000)) MB jsonl export" test "$bytes" -gt 30000000
ok "the server's anonymous memory grew $(((peak - before) / 1024)) MB streaming it: under 8 MB" \
	test $((peak - before)) -lt 8192
stop

# --- the documentation's curl examples and the client examples --------------

DOCS=$(cd "$(dirname "$T_SCRIPT")/../../docs" && pwd)
CDB=$T_DIR/cdb
q --db "$CDB" --now "$NOW" add seed@example.com >/dev/null
start docs --db "$CDB" --now "$NOW" serve --listen inet:127.0.0.1:0
# every ```sh block after the routes' marker of docs/http-api.md, in order,
# each a script run by sh -e with $QUELL set, in a directory of its own
mkdir "$T_DIR/ex"
awk '/^<!-- Entries, Replies/ { on = 1 } on && /^```sh$/ { n++; f = sprintf("%s/ex/%02d.sh", dir, n); next }
	on && /^```$/ { f = ""; next } f != "" { print > f }' dir="$T_DIR" "$DOCS/http-api.md"
for f in "$T_DIR"/ex/*.sh; do
	ok "docs/http-api.md example $(basename "$f" .sh): $(grep -m1 -o 'curl.*' "$f" | cut -c1-60)" \
		env QUELL="$URL" sh -c 'cd "$1" && sh -e "$2"' sh "$T_DIR/ex" "$f"
done
ok 'docs/http-api.md has its examples' test "$(ls "$T_DIR"/ex/*.sh | wc -l)" -ge 5
stop

CLIENT_OUT='check left@example.com skip
check stays@example.com send
record gone@example.com suppress user-unknown
list 1 gone@example.com bounce
list 2 left@example.com manual
error 400'
rm -rf "$CDB"
start py --db "$CDB" --now "$NOW" serve --listen inet:127.0.0.1:0
QUELL=$URL "$PY" "$DOCS/clients/quell_client.py" >"$T_DIR/py.out" 2>&1
printf '%s\n' "$CLIENT_OUT" >"$T_DIR/client.want"
ok 'docs/clients/quell_client.py against a live server' diff -u "$T_DIR/client.want" "$T_DIR/py.out"
stop
if command -v node >/dev/null 2>&1; then
	rm -rf "$CDB"
	start node --db "$CDB" --now "$NOW" serve --listen inet:127.0.0.1:0
	QUELL=$URL node "$DOCS/clients/quell_client.js" >"$T_DIR/node.out" 2>&1
	ok 'docs/clients/quell_client.js against a live server' \
		diff -u "$T_DIR/client.want" "$T_DIR/node.out"
	stop
fi
