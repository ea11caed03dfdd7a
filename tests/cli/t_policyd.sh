# t_policyd.sh - quell policyd, the Postfix policy server, talked to by
# tests/policy_client (QUELL_POLICY_CLIENT): every verdict and source on
# one connection (a backoff DUNNO by default, 450 with --reply backoff=), many connections at once, other protocol states, bad
# recipients, streams from --stream and policy_context, reply templates,
# malformed requests (closed without a reply), a check that fails (451, or
# DUNNO with --fail-open), the idle timeout, idle clients that fill
# --max-connections or the open-file limit (the longest-idle one is closed
# for a new client), stale and live socket files,
# socket modes, TCP on 127.0.0.1 (and ::1 when there is one), clients that
# send far more than the server buffers before reading, SIGHUP with
# a good and a bad rules file (and the database reopened), SIGTERM; the
# database file replaced by a backup, removed, made again (seen within a
# second, without a restart); usage errors.  Every client and
# wait has a timeout, so a hung server fails the test instead of hanging.

PC=${QUELL_POLICY_CLIENT:-}
if [ -z "$PC" ] || [ ! -x "$PC" ]; then
	echo "FAIL t_policyd.sh: QUELL_POLICY_CLIENT is not set (run through make cli)"
	echo fail >>"$T_RESULTS"
	return 0
fi
NOW=2026-11-28T10:01:00Z
SOCK=$T_DIR/policy.sock

# ask NAME WANT CLIENT-ARGS... < REQUESTS: the client's output is WANT.
ask() {
	local name=$1 want=$2
	shift 2
	"$PC" -t 30 "$@" >"$T_DIR/got.txt" 2>"$T_DIR/client.err" ||
		echo "client exit $? ($(cat "$T_DIR/client.err"))" >>"$T_DIR/got.txt"
	expect "$name" "$want" "$T_DIR/got.txt"
}

rcpt() { # rcpt ADDRESS [MORE LINES]: an RCPT request
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n'
	printf 'sender=alice@client.example\nrecipient=%s\nclient_address=192.0.2.10\n' "$1"
	[ -n "${2:-}" ] && printf '%s\n' "$2"
	printf '\n'
}

SUPP='action=550 5.1.1 Recipient suppressed (bad-mailbox)'
BACK='action=450 4.2.1 Recipient deferred (transient) until 2026-11-28T10:15:00Z'
UNSUB='action=550 5.7.1 Recipient opted out (unsubscribe)'
COMPL='action=550 5.7.1 Recipient opted out (complaint)'
DOMAIN='action=550 5.1.1 Recipient suppressed (manual)'
DUNNO='action=DUNNO'
A=$'\n'

# --------------------------------------------------------------- usage

t 'no --listen' 64 '' 'quell: policyd: --listen is required
usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]' policyd
t 'a bad --listen' 64 '' "quell: policyd: --listen: unix:PATH or inet:HOST:PORT, not 'tcp:1'
usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]" policyd --listen tcp:1
t 'inet without a port' 64 '' 'quell: policyd: --listen: inet:HOST:PORT, PORT a number
usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]' policyd --listen inet:127.0.0.1
t '--socket-mode with inet' 64 '' 'quell: policyd: --socket-owner and --socket-mode: only for a unix: socket
usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]' \
	policyd --listen inet:127.0.0.1:0 --socket-mode 0600
t 'a bad --socket-mode' 64 '' "quell: policyd: --socket-mode: an octal mode, 0 to 0777: '0980'
usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]" \
	policyd --listen "unix:$SOCK" --socket-mode 0980
t 'an unknown --socket-owner' 64 '' "quell: policyd: --socket-owner: no user 'no-such-user-here'
usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]" \
	policyd --listen "unix:$SOCK" --socket-owner no-such-user-here
t '--reply OK is refused' 64 '' "quell: policyd: --reply: 'OK': not 4NN, 5NN, REJECT, DEFER, DEFER_IF_PERMIT, DEFER_IF_REJECT, WARN or DUNNO
usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]" \
	policyd --listen "unix:$SOCK" --reply suppress=OK
t '--reply: status and code disagree' 64 '' "quell: policyd: --reply: enhanced status 5.2.1: not in the class of code 450
usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]" \
	policyd --listen "unix:$SOCK" --reply 'backoff=450 5.2.1 later'
t 'a bad --max-connections' 64 '' "quell: policyd: --max-connections: a number, 1 to 100000: '0'
usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]" \
	policyd --listen "unix:$SOCK" --max-connections 0
t 'a bad --stream' 64 '' "quell: policyd: --stream: 'News' is not a stream name: 1 to 64 characters of [a-z0-9._-], the first a letter or digit
usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]" \
	policyd --stream News --listen "unix:$SOCK"
t '--json' 64 '' 'quell: policyd: --json: policyd writes no output
usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]' \
	--json policyd --listen "unix:$SOCK"
t 'no database: 66, no socket' 66 '' \
	"quell: policyd: no database in $T_DIR/none" \
	--db "$T_DIR/none" policyd --listen "unix:$SOCK"
ok '... no socket made' test ! -e "$SOCK"

# ---------------------------------------------------------------- data

q --now 2026-11-28T10:00:00Z record gone@example.com '550 5.1.1 <gone@example.com>: User unknown' >/dev/null
q --now 2026-11-28T10:00:00Z record later@example.com '450 4.2.0 Greylisted, come back later' >/dev/null
q --stream news add --source unsubscribe reader@example.com
q add --source complaint angry@example.com
q add @dead.example
q allow vip@dead.example

# ------------------------------------------------- unix socket, verdicts

start verdicts --now $NOW policyd --listen "unix:$SOCK" --verbose
ok 'the socket is 0660 by default' test "$(stat -c %a "$SOCK")" = 660
{
	rcpt gone@example.com
	rcpt Gone@EXAMPLE.com.
	rcpt later@example.com
	rcpt fine@example.com
	rcpt reader@example.com
	rcpt reader@example.com policy_context=news
	rcpt angry@example.com
	rcpt x@mx.dead.example
	rcpt vip@dead.example
	rcpt 'not an address'
	rcpt ''
	printf 'request=smtpd_access_policy\nprotocol_state=DATA\nrecipient=gone@example.com\n\n'
	printf 'request=smtpd_access_policy\r\nprotocol_state=RCPT\r\nrecipient=gone@example.com\r\n\r\n'
} >"$T_DIR/all.req"
ask 'every verdict on one connection, one request at a time (a backoff: DUNNO)' \
	"$SUPP$A$A$SUPP$A$A$DUNNO$A$A$DUNNO$A$A$DUNNO$A$A$UNSUB$A$A$COMPL$A$A$DOMAIN$A$A$DUNNO$A$A$DUNNO$A$A$DUNNO$A$A$DUNNO$A$A$SUPP$A" \
	-i "unix:$SOCK" <"$T_DIR/all.req"
ask '... all at once, then EOF' \
	"$SUPP$A$A$SUPP$A$A$DUNNO$A$A$DUNNO$A$A$DUNNO$A$A$UNSUB$A$A$COMPL$A$A$DOMAIN$A$A$DUNNO$A$A$DUNNO$A$A$DUNNO$A$A$DUNNO$A$A$SUPP$A" \
	"unix:$SOCK" <"$T_DIR/all.req"
{ rcpt gone@example.com; printf 'hello\n\n'; rcpt later@example.com; } >"$T_DIR/bad.req"
ask 'a line without =: the answers before it, then closed without a reply' \
	"$SUPP$A$A[closed]" -i "unix:$SOCK" <"$T_DIR/bad.req"
printf 'request=smtpd_access_policy\nrecipient=a\0b@example.com\n\n' >"$T_DIR/nul.req"
ask 'a NUL byte: closed without a reply' '[closed]' -i "unix:$SOCK" <"$T_DIR/nul.req"
{ printf 'request=smtpd_access_policy\nrecipient='; head -c 5000 /dev/zero | tr '\0' x; printf '\n\n'; } >"$T_DIR/long.req"
ask 'a line over 4096 bytes: closed without a reply' '[closed]' -i "unix:$SOCK" <"$T_DIR/long.req"
printf 'protocol_state=RCPT\nrecipient=gone@example.com\n\n' >"$T_DIR/noreq.req"
ask 'no request=smtpd_access_policy: closed without a reply' '[closed]' -i "unix:$SOCK" <"$T_DIR/noreq.req"
printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=gone@example.com\npolicy_context=No Stream\n\n' >"$T_DIR/ctx.req"
ask 'policy_context that is no stream name: 451 4.3.0' \
	"action=451 4.3.0 Suppression list unavailable$A" "unix:$SOCK" <"$T_DIR/ctx.req"
printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=gone@exa' >"$T_DIR/half.req"
ask 'EOF in the middle of a request: closed' '' "unix:$SOCK" <"$T_DIR/half.req"
t 'a second server on a live socket: refused' 74 '' \
	"quell: policyd: $SOCK: a server is listening there already" \
	policyd --listen "unix:$SOCK"
stop TERM
ok 'SIGTERM: exit 0' test "$STATUS" = 0
ok 'SIGTERM: the socket is removed' test ! -e "$SOCK"
expect 'the log: startup, every answer, refusals, stop' "quell: policyd: listening on unix:$SOCK
quell: policyd: client 1: connected
quell: policyd: client 1: gone@example.com: suppress: 550 5.1.1 Recipient suppressed (bad-mailbox)
quell: policyd: client 1: Gone@EXAMPLE.com.: suppress: 550 5.1.1 Recipient suppressed (bad-mailbox)
quell: policyd: client 1: later@example.com: backoff: DUNNO
quell: policyd: client 1: fine@example.com: allow: DUNNO
quell: policyd: client 1: reader@example.com: allow: DUNNO
quell: policyd: client 1: reader@example.com stream=news: suppress: 550 5.7.1 Recipient opted out (unsubscribe)
quell: policyd: client 1: angry@example.com: suppress: 550 5.7.1 Recipient opted out (complaint)
quell: policyd: client 1: x@mx.dead.example: suppress: 550 5.1.1 Recipient suppressed (manual)
quell: policyd: client 1: vip@dead.example: allow: DUNNO
quell: policyd: client 1: not an address: invalid (missing '@'): DUNNO
quell: policyd: client 1: empty recipient: DUNNO
quell: policyd: client 1: not checked: DUNNO
quell: policyd: client 1: gone@example.com: suppress: 550 5.1.1 Recipient suppressed (bad-mailbox)
quell: policyd: client 1: closed
quell: policyd: client 2: connected
quell: policyd: client 2: gone@example.com: suppress: 550 5.1.1 Recipient suppressed (bad-mailbox)
quell: policyd: client 2: Gone@EXAMPLE.com.: suppress: 550 5.1.1 Recipient suppressed (bad-mailbox)
quell: policyd: client 2: later@example.com: backoff: DUNNO
quell: policyd: client 2: fine@example.com: allow: DUNNO
quell: policyd: client 2: reader@example.com: allow: DUNNO
quell: policyd: client 2: reader@example.com stream=news: suppress: 550 5.7.1 Recipient opted out (unsubscribe)
quell: policyd: client 2: angry@example.com: suppress: 550 5.7.1 Recipient opted out (complaint)
quell: policyd: client 2: x@mx.dead.example: suppress: 550 5.1.1 Recipient suppressed (manual)
quell: policyd: client 2: vip@dead.example: allow: DUNNO
quell: policyd: client 2: not an address: invalid (missing '@'): DUNNO
quell: policyd: client 2: empty recipient: DUNNO
quell: policyd: client 2: not checked: DUNNO
quell: policyd: client 2: gone@example.com: suppress: 550 5.1.1 Recipient suppressed (bad-mailbox)
quell: policyd: client 2: closed
quell: policyd: client 3: connected
quell: policyd: client 3: gone@example.com: suppress: 550 5.1.1 Recipient suppressed (bad-mailbox)
quell: policyd: client 3: malformed request, line 1: line without '='; closed without a reply
quell: policyd: client 3: closed
quell: policyd: client 4: connected
quell: policyd: client 4: malformed request, line 2: NUL byte; closed without a reply
quell: policyd: client 4: closed
quell: policyd: client 5: connected
quell: policyd: client 5: malformed request, line 2: line too long; closed without a reply
quell: policyd: client 5: closed
quell: policyd: client 6: connected
quell: policyd: client 6: request refused: no request attribute; closed without a reply
quell: policyd: client 6: closed
quell: policyd: client 7: connected
quell: policyd: client 7: gone@example.com: cannot check: policy_context 'No Stream': not a stream name ([a-z0-9._-]+); answered 451 4.3.0 Suppression list unavailable
quell: policyd: client 7: closed
quell: policyd: client 8: connected
quell: policyd: client 8: closed in the middle of a request
quell: policyd: client 8: closed
quell: policyd: client 9: connected
quell: policyd: client 9: closed
quell: policyd: stopped" "$LOG"

# ------------------------------- many connections, templates, fail-open

START_PROBE=1 start many --now $NOW -q policyd --listen "unix:$SOCK" --socket-mode 0600 \
	--fail-open --max-connections 8 \
	--reply 'backoff=DEFER_IF_PERMIT Try {key} after {until}' \
	--reply 'suppress:bad-mailbox=550 5.1.1 Gone since {since} ({rule}: {reply})' \
	--reply 'unsubscribe=REJECT Unsubscribed from {category}'
ok '--socket-mode 0600' test "$(stat -c %a "$SOCK")" = 600
{ rcpt gone@example.com; rcpt later@example.com; rcpt reader@example.com policy_context=news
  rcpt fine@example.com; rcpt gone@example.com 'policy_context=No Stream'; } >"$T_DIR/many.req"
WANT="action=550 5.1.1 Gone since 2026-11-28T10:00:00Z (user-unknown: <gone@example.com>: User unknown)

action=DEFER_IF_PERMIT Try later@example.com after 2026-11-28T10:15:00Z

action=REJECT Unsubscribed from unsubscribe

$DUNNO

$DUNNO
"
ask '8 connections open at once, in lockstep: templates, --fail-open' \
	"$WANT" -i -c 8 "unix:$SOCK" <"$T_DIR/many.req"
ask '50 connections at once over --max-connections 8: the rest wait their turn' \
	"$WANT" -c 50 "unix:$SOCK" <"$T_DIR/many.req"
kill -KILL "$PID"
wait "$PID" 2>/dev/null
ok 'SIGKILL leaves a stale socket' test -S "$SOCK"
grep -v "^quell: policyd: client [0-9]*: gone@example.com: cannot check: policy_context 'No Stream': not a stream name (\[a-z0-9._-\]+); answered DUNNO\$" "$LOG" >"$T_DIR/rest.log"
expect '-q: only the failed checks in the log' '' "$T_DIR/rest.log"
ok '... one per connection' test "$(wc -l <"$LOG")" = 58

# ---------------------------------------- stale socket, idle, SIGHUP

RULES=$T_DIR/rules.yaml
printf 'version: 1\nrules:\n  - name: all\n    then: { action: ignore }\n' >"$RULES"
start reload --now $NOW policyd --listen "unix:$SOCK" --rules "$RULES" --idle-timeout 1s
rcpt gone@example.com | head -c 40 >"$T_DIR/idle.req"
ask 'idle for a second: closed' '[closed]' -i "unix:$SOCK" <"$T_DIR/idle.req"
printf 'version: 1\nrules:\n  - name: a\n    then: { action: ignore }\n  - name: b\n    then: { action: ignore }\n' >"$RULES"
kill -HUP "$PID"
sleep 0.3
printf 'version: 1\nrules:\n  - name: a\n    then: { action: nope }\n' >"$RULES"
kill -HUP "$PID"
sleep 0.3
rcpt gone@example.com >"$T_DIR/one.req"
ask 'after a bad rules file, still answering' "$SUPP$A" -i "unix:$SOCK" <"$T_DIR/one.req"
stop INT
ok 'SIGINT: exit 0' test "$STATUS" = 0
ok 'SIGINT: the socket is removed' test ! -e "$SOCK"
expect 'the log: stale socket removed, SIGHUP good and bad' "quell: policyd: removed the stale socket $SOCK
quell: policyd: listening on unix:$SOCK
quell: policyd: SIGHUP: rules reloaded from $RULES (2 rules)
quell: policyd: SIGHUP: database reopened
quell: policyd: SIGHUP: $RULES:4:21: action: 'nope' is not suppress, backoff, count, clear or ignore; keeping the rules loaded before
quell: policyd: SIGHUP: database reopened
quell: policyd: stopped" "$LOG"

# SIGINT ignored as it started (a background job) stays ignored; SIGHUP
# ignored (nohup) still reloads
RULES1=$T_DIR/rules1.yaml
printf 'version: 1\nrules:\n  - name: all\n    then: { action: ignore }\n' >"$RULES1"
START_IGNORE='INT HUP' start ignored --now $NOW policyd --listen "unix:$SOCK" --rules "$RULES1"
kill -INT "$PID"
kill -HUP "$PID"
sleep 0.3
ok 'SIGINT ignored as it started: still serving' kill -0 "$PID"
stop TERM
ok 'then SIGTERM: exit 0' test "$STATUS" = 0
expect 'the log: SIGHUP reloads though ignored as it started' "quell: policyd: listening on unix:$SOCK
quell: policyd: SIGHUP: rules reloaded from $RULES1 (1 rules)
quell: policyd: SIGHUP: database reopened
quell: policyd: stopped" "$LOG"

# ------------------------------------------- idle clients hold nothing
# (a new connection is spared for a second: the idle ones are older)

start evict --now $NOW policyd --listen "unix:$SOCK" --max-connections 5 --verbose
"$PC" -t 5 -i -n 5 -w 1100 "unix:$SOCK" <"$T_DIR/one.req" >"$T_DIR/evict.out" 2>"$T_DIR/evict.err"
expect '5 idle clients at --max-connections 5: a new one is answered at once' "$SUPP$A" \
	"$T_DIR/evict.out"
expect '... one idle connection was closed for it' \
	'policy_client: 5 idle connections, 1 closed by the server' "$T_DIR/evict.err"
stop TERM
ok '... the longest-idle one, logged' grep -q '^quell: policyd: client 1: idle [0-9]* ms, closed to make room$' "$LOG"
ok '... and only that one' test "$(grep -c 'closed to make room' "$LOG")" = 1

# more clients than open files: accept(2) fails with EMFILE, and the
# longest-idle connection makes room (no "accept: Too many open files"
# pause after pause).  Not under QUELL_WRAP: valgrind keeps the top of the limit for itself and
# closes a descriptor accept(2) returns there, so that client sees its
# connection closed.
if [ -z "$QUELL_WRAP" ]; then
	START_NOFILE=64 start nofile --now $NOW policyd --listen "unix:$SOCK" --max-connections 1000
	"$PC" -t 5 -i -n 100 -w 1100 "unix:$SOCK" <"$T_DIR/one.req" >"$T_DIR/evict.out" 2>"$T_DIR/evict.err"
	expect '100 idle clients, 64 open files: a new one is answered at once' "$SUPP$A" \
		"$T_DIR/evict.out"
	ok '... some idle connections were closed for it' \
		grep -q '^policy_client: 100 idle connections, [1-9][0-9]* closed by the server$' "$T_DIR/evict.err"
	stop TERM
	expect '... the limit said once at the start, nothing refused' "quell: policyd: listening on unix:$SOCK
quell: policyd: --max-connections 1000: only 64 open files allowed; the longest-idle connection makes room before that
quell: policyd: stopped" "$LOG"
fi

: >"$SOCK"
t 'a file that is no socket: refused' 74 '' "quell: policyd: $SOCK: exists and is not a socket" \
	policyd --listen "unix:$SOCK"
rm -f "$SOCK"

# ------------------------------------------------------------------ TCP

start tcp --now $NOW --stream news policyd --listen inet:127.0.0.1:0 \
	--reply 'backoff=450 4.2.1 Recipient deferred ({category}) until {until}'
PORT=$(sed -n 's/.*listening on inet:127\.0\.0\.1:\([0-9]*\)$/\1/p' "$LOG")
{ rcpt gone@example.com; rcpt later@example.com; rcpt reader@example.com policy_context=other
  rcpt reader@example.com 'policy_context=No Stream'; } >"$T_DIR/tcp.req"
ask 'inet:127.0.0.1, a port the system chose; --stream wins over policy_context; --reply backoff=450' \
	"$SUPP$A$A$BACK$A$A$UNSUB$A$A$UNSUB$A" -i -c 5 "inet:127.0.0.1:$PORT" <"$T_DIR/tcp.req"
for _ in $(seq 3000); do rcpt gone@example.com; done >"$T_DIR/3000.req"
"$PC" -t 30 -c 3 "inet:127.0.0.1:$PORT" <"$T_DIR/3000.req" >"$T_DIR/3000.out" 2>&1
ok '3000 requests sent without waiting, on 3 connections: 3000 answers each' \
	test "$(grep -c "^$SUPP\$" "$T_DIR/3000.out")" = 3000
ok '... and nothing else' test "$(sort -u "$T_DIR/3000.out" | wc -l)" = 2
stop TERM
ok 'TCP: exit 0' test "$STATUS" = 0
expect 'TCP: the log, without --verbose' "quell: policyd: listening on inet:127.0.0.1:$PORT
quell: policyd: stopped" "$LOG"
if grep -qs ' lo$' /proc/net/if_inet6; then
	start tcp6 --now $NOW policyd --listen 'inet:[::1]:0'
	PORT=$(sed -n 's/.*listening on inet:\[::1\]:\([0-9]*\)$/\1/p' "$LOG")
	ask 'inet:[::1]' "$SUPP$A" -i "inet:[::1]:$PORT" <"$T_DIR/one.req"
	stop TERM
fi

# ------------------------------- the database replaced, removed, made again

DB2=$T_DIR/db2
q --db "$DB2" add old@example.com
q --db "$T_DIR/other" add new@example.com
q --db "$T_DIR/other" backup "$T_DIR/bk2"
rcpt new@example.com >"$T_DIR/new.req"
rcpt new2@example.com >"$T_DIR/new2.req"
printf 'version: 1\nrules:\n  - name: all\n    then: { action: ignore }\n' >"$T_DIR/one-rule.yaml"
start reopen --now $NOW --db "$DB2" --rules "$T_DIR/one-rule.yaml" policyd --listen "unix:$SOCK"
ask 'before: new@ is not suppressed' "$DUNNO$A" -i "unix:$SOCK" <"$T_DIR/new.req"
mv "$T_DIR/bk2/data.mdb" "$DB2/data.mdb"
sleep 1.1
ask 'a backup moved into place: answered from it' "$DOMAIN$A" -i "unix:$SOCK" <"$T_DIR/new.req"
rm -rf "$DB2"
sleep 1.1
ask 'the database removed: 451' "action=451 4.3.0 Suppression list unavailable$A" \
	-i "unix:$SOCK" <"$T_DIR/new.req"
q --db "$DB2" add new2@example.com
sleep 1.1
ask 'made again: answered from the new one' "$DOMAIN$A" -i "unix:$SOCK" <"$T_DIR/new2.req"
ask '... where new@ is not suppressed' "$DUNNO$A" -i "unix:$SOCK" <"$T_DIR/new.req"
kill -HUP "$PID"
sleep 0.3
ask 'after SIGHUP, still answering' "$DOMAIN$A" -i "unix:$SOCK" <"$T_DIR/new2.req"
stop TERM
expect 'the log: replaced, lost, back, SIGHUP' "quell: policyd: listening on unix:$SOCK
quell: policyd: the database file was replaced; reopened
quell: policyd: no database in $DB2 (removed while open); checks fail until it is back
quell: policyd: client 3: new@example.com: cannot check: no database in $DB2 (removed while open); answered 451 4.3.0 Suppression list unavailable
quell: policyd: the database is back; reopened
quell: policyd: SIGHUP: rules reloaded from $T_DIR/one-rule.yaml (1 rules)
quell: policyd: SIGHUP: database reopened
quell: policyd: stopped" "$LOG"
