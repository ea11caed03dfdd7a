# t_serve.sh - quell serve, the HTTP/JSON API, talked to with curl (and
# /usr/bin/python3 where a client must hold sockets open): routing and
# error shapes; GET and POST /v1/check (answers byte for byte the CLI's
# `check --json`, bodies as a JSON array or JSON Lines, errors with their
# place, a body of many batches); /v1/stats (= `stats --json`); /metrics;
# stored text with quotes, newlines, control bytes, </script> and bad
# UTF-8 answered escaped; bearer tokens (none, wrong, read, reload on
# SIGHUP, a bad file kept out); a non-loopback address refused without
# tokens; TLS with a self-signed certificate; limits: body (413, a chunked
# one closed), header (431), idle time, and 1000 idle
# connections that must not lock a real client out (the longest-idle is
# closed); the default number of worker threads under taskset; usage
# errors.  Every server is started on a free port (port 0) or a unix
# socket in $T_DIR and stopped by its PID; every client has a timeout, so
# a hung server fails the test instead of hanging it.

need "$CURL" || return 0
NOW=2026-11-28T10:01:00Z

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

# --- bearer tokens ------------------------------------------------------------------

TOK=$T_DIR/tokens
printf '# readers and writers\nread-token-0123456789 read\n\nwrite-token-0123456789   write\n' >"$TOK"
start tokens --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0 --tokens "$TOK"
h 'tokens: no token: 401' 401 \
	'{"error":{"code":401,"message":"a bearer token is needed (Authorization: Bearer TOKEN)"}}' \
	"$URL/v1/check?address=ok@example.com"
h 'tokens: a wrong token: 401' 401 \
	'{"error":{"code":401,"message":"a bearer token is needed (Authorization: Bearer TOKEN)"}}' \
	-H 'Authorization: Bearer read-token-0123456780' "$URL/v1/check?address=ok@example.com"
h 'tokens: a prefix of a token: 401' 401 \
	'{"error":{"code":401,"message":"a bearer token is needed (Authorization: Bearer TOKEN)"}}' \
	-H 'Authorization: Bearer read-token-012345678' "$URL/v1/check?address=ok@example.com"
h 'tokens: /healthz needs none' 200 '{"status":"ok"}' "$URL/healthz"
want=$(q --db "$DB" --now "$NOW" --json check ok@example.com)
h 'tokens: a read token' 200 "$want" -H 'Authorization: Bearer read-token-0123456789' \
	"$URL/v1/check?address=ok@example.com"
h 'tokens: a write token reads too' 200 "$want" -H 'Authorization: bearer write-token-0123456789' \
	"$URL/v1/check?address=ok@example.com"
h 'tokens: /metrics needs one' 401 \
	'{"error":{"code":401,"message":"a bearer token is needed (Authorization: Bearer TOKEN)"}}' \
	"$URL/metrics"
# SIGHUP: a new file replaces the tokens; a bad one is refused and logged
printf 'new-token-0123456789ab read\n' >"$TOK"
kill -HUP "$PID"
for _ in $(seq 100); do grep -q 'tokens reloaded' "$LOG" && break; sleep 0.05; done
h 'SIGHUP: the new token' 200 "$want" -H 'Authorization: Bearer new-token-0123456789ab' \
	"$URL/v1/check?address=ok@example.com"
h 'SIGHUP: the old token is gone' 401 \
	'{"error":{"code":401,"message":"a bearer token is needed (Authorization: Bearer TOKEN)"}}' \
	-H 'Authorization: Bearer read-token-0123456789' "$URL/v1/check?address=ok@example.com"
printf 'other-token-0123456789 admin\n' >"$TOK"
kill -HUP "$PID"
for _ in $(seq 100); do grep -q 'keeping the tokens' "$LOG" && break; sleep 0.05; done
h 'SIGHUP: a bad file keeps the tokens before' 200 "$want" \
	-H 'Authorization: Bearer new-token-0123456789ab' "$URL/v1/check?address=ok@example.com"
stop
grep -v 'rules reloaded\|database reopened' "$LOG" | sed "s|$TOK|TOKENS|; s|127.0.0.1:[0-9]*|127.0.0.1:PORT|" >"$T_DIR/tok.log"
expect 'tokens: the log' 'quell: serve: listening on inet:127.0.0.1:PORT
quell: serve: SIGHUP: tokens reloaded from TOKENS (1 tokens)
quell: serve: SIGHUP: --tokens: TOKENS:1: the scope is read or write; keeping the tokens loaded before
quell: serve: stopped' "$T_DIR/tok.log"

printf 'short read\n' >"$T_DIR/bad.tokens"
t 'tokens: too short at startup' 65 '' \
	"quell: serve: --tokens: $T_DIR/bad.tokens:1: a token is 16 to 255 bytes" \
	--db "$DB" serve --listen inet:127.0.0.1:0 --tokens "$T_DIR/bad.tokens"
printf 'twice-token-0123456789 read\ntwice-token-0123456789 write\n' >"$T_DIR/bad.tokens"
t 'tokens: one given twice' 65 '' \
	"quell: serve: --tokens: $T_DIR/bad.tokens:2: this token is given twice" \
	--db "$DB" serve --listen inet:127.0.0.1:0 --tokens "$T_DIR/bad.tokens"
t 'tokens: a missing file' 66 '' \
	"quell: serve: --tokens: $T_DIR/none: No such file or directory" \
	--db "$DB" serve --listen inet:127.0.0.1:0 --tokens "$T_DIR/none"
t 'not loopback without tokens' 64 '' \
	'quell: serve: --listen inet:0.0.0.0:0: not a loopback address; give --tokens FILE so that clients must show a token' \
	--db "$DB" serve --listen inet:127.0.0.1:0 --listen inet:0.0.0.0:0

# --- TLS -----------------------------------------------------------------------

if openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_DIR/key.pem" -out "$T_DIR/cert.pem" \
	-days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost >/dev/null 2>&1; then
	start tls --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0 \
		--tls-cert "$T_DIR/cert.pem" --tls-key "$T_DIR/key.pem"
	port=${URL##*:}
	h 'TLS: healthz over https' 200 '{"status":"ok"}' --cacert "$T_DIR/cert.pem" \
		--resolve "localhost:$port:127.0.0.1" "https://localhost:$port/healthz"
	h 'TLS: a check over https' 200 "$want" --cacert "$T_DIR/cert.pem" \
		--resolve "localhost:$port:127.0.0.1" "https://localhost:$port/v1/check?address=ok@example.com"
	"$CURL" -s -m 5 -o /dev/null "http://127.0.0.1:$port/healthz"
	ok 'TLS: plain http gets no answer' test $? != 0
	stop
	ok 'TLS: the startup line says so' grep -q 'listening on inet:127.0.0.1:[0-9]* (TLS)$' "$LOG"
else
	echo "FAIL $T_NAME: openssl req cannot make a certificate"
	echo fail >>"$T_RESULTS"
fi
t 'TLS: a key without a certificate' 64 '' \
	"quell: serve: --tls-cert and --tls-key go together
usage: quell serve [--listen inet:HOST:PORT|unix:PATH]... [OPTION...]" \
	--db "$DB" serve --tls-key "$T_DIR/key.pem"
printf 'not a certificate\n' >"$T_DIR/bad.pem"
t 'TLS: a bad certificate' 70 '' \
	'quell: serve: cannot start the HTTP server (libmicrohttpd); is the TLS certificate or key bad?' \
	--db "$DB" serve --listen inet:127.0.0.1:0 --tls-cert "$T_DIR/bad.pem" --tls-key "$T_DIR/bad.pem"

# --- limits ---------------------------------------------------------------------

start limits --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0 --max-body 1K \
	--max-header-size 4K --idle-timeout 1s
head -c 2000 /dev/zero | tr '\0' ' ' >"$T_DIR/big.body"
h 'a body over --max-body: 413' 413 \
	'{"error":{"code":413,"message":"the body is over 1024 bytes (--max-body)"}}' \
	--data-binary @"$T_DIR/big.body" "$URL/v1/check"
"$CURL" -s -m 5 -o /dev/null -H 'Transfer-Encoding: chunked' --data-binary @"$T_DIR/big.body" \
	"$URL/v1/check"
ok 'a chunked body over --max-body: closed' test $? != 0
h 'a body of 1K is fine' 200 '' --data-binary @<(head -c 1024 /dev/zero | tr '\0' '\n') \
	"$URL/v1/check"
code=$("$CURL" -s -m 5 -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 5000 /dev/zero | tr '\0' x)" "$URL/healthz")
ok 'headers over --max-header-size: 431' test "$code" = 431
/usr/bin/python3 - "${URL##*:}" >"$T_DIR/idle.out" 2>&1 <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
t = time.time()
got = s.recv(10)
print("closed" if got == b"" else "data", "after 1s" if 0.5 < time.time() - t < 5 else "too soon or late")
PY
expect '--idle-timeout 1s: a silent client is closed' 'closed after 1s' "$T_DIR/idle.out"
stop
grep -q 'the body is over 1024 bytes (--max-body); closed' "$LOG"
ok 'a chunked body over --max-body: logged' test $? = 0

# 1000 idle connections fill --max-connections: a real client still gets
# in, and the connection closed for it is the one idle longest
start crowd --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0 --max-connections 1000
/usr/bin/python3 - "${URL##*:}" >"$T_DIR/crowd.out" 2>&1 <<'PY'
import resource, socket, sys, time, urllib.request
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096) if hard > 0 else 4096, hard))
port = int(sys.argv[1])
idle = []
for i in range(1000):
    idle.append(socket.create_connection(("127.0.0.1", port), timeout=10))
    if i == 0:
        time.sleep(0.05)  # the first is the longest idle, clearly
time.sleep(0.5)
r = urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=10)
print(r.status, r.read().decode().strip())
idle[0].settimeout(5)
print("first:", "closed" if idle[0].recv(10) == b"" else "open")
idle[-1].settimeout(0.3)
try:
    idle[-1].recv(10)
    print("last: closed")
except socket.timeout:
    print("last: open")
PY
expect '1000 idle connections: a client gets in, the longest idle is closed' '200 {"status":"ok"}
first: closed
last: open' "$T_DIR/crowd.out"
"$CURL" -s -m 10 "$URL/metrics" | grep -q '^quell_http_connections_evicted_total [1-9]'
ok '1000 idle connections: /metrics counts the eviction' test $? = 0
stop

# --- worker threads: by default one per CPU it may run on ----------------------

# the main thread, the library's builder of the filter of keys (quell.3,
# QUELL_OPEN_FILTER) and the workers (one worker: MHD's own polling thread)
if command -v taskset >/dev/null; then
	QUELL_WRAP="taskset -c 0" start pinned --db "$DB" serve --listen inet:127.0.0.1:0
	ls "/proc/$PID/task" | wc -l >"$T_DIR/tasks"
	expect 'under taskset -c 0: one worker' 3 "$T_DIR/tasks"
	stop
	QUELL_WRAP="taskset -c 0" start pinned3 --db "$DB" serve --listen inet:127.0.0.1:0 \
		--threads 3
	ls "/proc/$PID/task" | wc -l >"$T_DIR/tasks"
	expect '--threads 3 still makes three' 5 "$T_DIR/tasks"
	h '... which answer' 200 '{"status":"ok"}' "$URL/healthz"
	stop
fi

# --- usage ----------------------------------------------------------------------

t 'an unknown listen form' 64 '' \
	"quell: serve: --listen: unix:PATH or inet:HOST:PORT, not 'tcp:1'
usage: quell serve [--listen inet:HOST:PORT|unix:PATH]... [OPTION...]" \
	--db "$DB" serve --listen tcp:1
t 'a bad --max-body' 64 '' \
	"quell: serve: --max-body: a size from 1K to 1G: '12X'
usage: quell serve [--listen inet:HOST:PORT|unix:PATH]... [OPTION...]" \
	--db "$DB" serve --max-body 12X
t 'a bad --max-connections' 64 '' \
	"quell: serve: --max-connections: a number, 1 to 100000: '0'
usage: quell serve [--listen inet:HOST:PORT|unix:PATH]... [OPTION...]" \
	--db "$DB" serve --max-connections 0
t '--stream is per request' 64 '' \
	"quell: serve: --stream: give it per request (?stream=S)
usage: quell serve [--listen inet:HOST:PORT|unix:PATH]... [OPTION...]" \
	--db "$DB" --stream news serve
