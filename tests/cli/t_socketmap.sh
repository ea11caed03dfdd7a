# t_socketmap.sh - quell serve --socketmap, the Postfix socketmap
# (socketmap_table(5)), talked to by tests/policy_client
# (QUELL_POLICY_CLIENT), which sends netstrings as well as policy
# requests: every verdict and key shape on one connection (full address,
# domain, @domain, .domain, the * wildcard), another map name (PERM), a
# malformed request (the connection closed after the answers before it),
# HTTP answered beside it, SIGHUP, a database that goes away (TEMP, or
# NOTFOUND with --socketmap-fail-open), SIGTERM (exit 0, socket removed);
# --socketmap-owner and -mode; --syslog (nothing on stderr); --user for
# serve and policyd (as root: the process runs as the user, the database
# is opened as the user; not root: refused), and usage errors.  Every
# client and wait has a timeout.

PC=${QUELL_POLICY_CLIENT:-}
if [ -z "$PC" ] || [ ! -x "$PC" ]; then
	echo "FAIL t_socketmap.sh: QUELL_POLICY_CLIENT is not set (run through make cli)"
	echo fail >>"$T_RESULTS"
	return 0
fi
NOW=2026-11-28T10:01:00Z
SOCK=$T_DIR/sm/quell.sock
START_PROBE=1 # start waits until a client can connect to $SOCK
mkdir "$T_DIR/sm"

# ns STRING...: each as a netstring (lengths counted by the shell).
ns() {
	local k
	for k; do printf '%d:%s,' "${#k}" "$k"; done
}

# ask NAME WANT [SOCKET] < REQUESTS: what the server sent back is WANT.
ask() {
	{ "$PC" -t 30 "unix:${3:-$SOCK}" 2>"$T_DIR/client.err" ||
		echo "client exit $? ($(cat "$T_DIR/client.err"))"; echo; } >"$T_DIR/got.txt"
	expect "$1" "$2" "$T_DIR/got.txt"
}

SUPP='OK error:5.1.1 Recipient suppressed (bad-mailbox)'
COMPL='OK error:5.7.1 Recipient opted out (complaint)'
DOMAIN='OK error:5.1.1 Recipient suppressed (manual)'
NF='NOTFOUND '
USAGE='usage: quell serve [--listen inet:HOST:PORT|unix:PATH]... [OPTION...]'

DB=$T_DIR/db
q --db "$DB" --now 2026-11-28T10:00:00Z record gone@example.com \
	'550 5.1.1 <gone@example.com>: User unknown' >/dev/null
q --db "$DB" --now 2026-11-28T10:00:00Z record later@example.com \
	'450 4.2.0 Greylisted, come back later' >/dev/null
q --db "$DB" add --source complaint angry@example.com >/dev/null
q --db "$DB" add @dead.example >/dev/null

# --------------------------------------------------------------- usage

t '--socketmap takes unix: only' 64 '' "quell: serve: --socketmap: unix:PATH, not 'inet:127.0.0.1:1'
$USAGE" serve --socketmap inet:127.0.0.1:1
t '--socketmap-mode without --socketmap' 64 '' "quell: serve: --socketmap-owner, --socketmap-mode and --socketmap-fail-open: only with --socketmap
$USAGE" serve --socketmap-mode 0600
t 'a bad --socketmap-mode' 64 '' "quell: serve: --socketmap-mode: an octal mode, 0 to 0777: '99'
$USAGE" serve --socketmap "unix:$SOCK" --socketmap-mode 99
t '--user: no such user' 64 '' "quell: serve: --user: no user 'no-such-user-q'
$USAGE" serve --user no-such-user-q
t '--user: no group' 64 '' "quell: serve: --user: give USER or USER:GROUP
$USAGE" serve --user :nogroup
t 'policyd --user: no such group' 64 '' "quell: policyd: --user: no group 'no-such-group-q'
usage: quell policyd --listen unix:PATH|inet:HOST:PORT [OPTION...]" \
	policyd --listen "unix:$SOCK" --user root:no-such-group-q

# ------------------------------------------------- lookups on one connection

start basic --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0 --socketmap "unix:$SOCK"
ns 'transport gone@example.com' 'transport Gone@EXAMPLE.com' 'transport angry@example.com' \
	'transport x@mx.dead.example' 'transport later@example.com' 'transport fine@example.com' \
	'transport dead.example' 'transport @dead.example' 'transport .dead.example' 'transport *' \
	'transport ' 'transport not an address' >"$T_DIR/req"
ask 'every verdict and key shape on one connection' \
	"$(ns "$SUPP" "$SUPP" "$COMPL" "$DOMAIN" "$NF" "$NF" "$NF" "$NF" "$NF" "$NF" "$NF" "$NF")" \
	<"$T_DIR/req"
ns 'virtual gone@example.com' >"$T_DIR/req"
ask 'another map name: PERM' "$(ns "PERM unknown map name; quell serves 'transport'")" \
	<"$T_DIR/req"
{ ns 'transport gone@example.com'; printf 'transport fine@example.com\n'; } >"$T_DIR/req"
ask 'malformed: the answers before it, then closed' "$(ns "$SUPP")" <"$T_DIR/req"
ok '... and logged' grep -q "malformed request: not a netstring: a length of digits and ':' expected; closed without a reply" "$LOG"
URL=http://$(sed -n 's/.*listening on inet:\([0-9.]*:[0-9]*\).*/\1/p' "$LOG" | head -1)
ok 'HTTP is answered beside it' sh -c "curl -s -m 10 '$URL/healthz' | grep -qx '{\"status\":\"ok\"}'"
ok 'socket mode 0660 by default' test "$(stat -c %a "$SOCK")" = 660
kill -HUP "$PID"
for _ in $(seq 100); do grep -q 'SIGHUP: database reopened' "$LOG" && break; sleep 0.05; done
ns 'transport gone@example.com' >"$T_DIR/req"
ask 'SIGHUP: reloaded, still answering' "$(ns "$SUPP")" <"$T_DIR/req"
ok '... logged' grep -q 'SIGHUP: rules reloaded' "$LOG"
stop
expect 'SIGTERM: exit 0' 0 <(echo "$STATUS")
ok 'the socket file is removed' test ! -e "$SOCK"

# ----------------------------------------------------- a database gone away

cp -r "$DB" "$T_DIR/db2"
start gone --db "$T_DIR/db2" --now "$NOW" serve --listen inet:127.0.0.1:0 \
	--socketmap "unix:$SOCK" --socketmap-mode 0600
ok '--socketmap-mode' test "$(stat -c %a "$SOCK")" = 600
rm -rf "$T_DIR/db2"
sleep 1.2
ns 'transport gone@example.com' >"$T_DIR/req"
ask 'no database: TEMP' "$(ns 'TEMP Suppression list unavailable')" <"$T_DIR/req"
ok '... logged' grep -q 'gone@example.com: cannot check: .*; answered TEMP' "$LOG"
stop
cp -r "$DB" "$T_DIR/db3"
start failopen --db "$T_DIR/db3" --now "$NOW" serve --listen inet:127.0.0.1:0 \
	--socketmap "unix:$SOCK" --socketmap-fail-open
rm -rf "$T_DIR/db3"
sleep 1.2
ask '... NOTFOUND with --socketmap-fail-open' "$(ns "$NF")" <"$T_DIR/req"
stop

# ---------------------------------------------------------------- --syslog

start syslog --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0 \
	--socketmap "unix:$SOCK" --syslog
ask '--syslog: answers' "$(ns "$SUPP")" <"$T_DIR/req"
stop
expect '--syslog: nothing on stderr' '' "$LOG"

# ------------------------------------------------------------------ --user

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	NOBODY=$(id -u nobody)
	chmod 755 "$T_DIR"
	cp -r "$DB" "$T_DIR/dbu"
	chown -R nobody "$T_DIR/dbu" "$T_DIR/sm"
	start user --db "$T_DIR/dbu" --now "$NOW" serve --listen inet:127.0.0.1:0 \
		--socketmap "unix:$SOCK" --socketmap-owner nobody --user nobody
	ok '--user: serve runs as nobody' grep -Eq "^Uid:	$NOBODY	$NOBODY	$NOBODY	$NOBODY$" \
		"/proc/$PID/status"
	ok '--socketmap-owner' test "$(stat -c %U "$SOCK")" = nobody
	ask '--user: the database opened as the user answers' "$(ns "$SUPP")" <"$T_DIR/req"
	stop
	expect '--user: SIGTERM: exit 0' 0 <(echo "$STATUS")
	ok '--user: the socket file is removed' test ! -e "$SOCK"

	SOCK=$T_DIR/sm/policy.sock
	start puser --db "$T_DIR/dbu" --now "$NOW" policyd --listen "unix:$SOCK" --user nobody
	ok '--user: policyd runs as nobody' grep -Eq "^Uid:	$NOBODY	$NOBODY	$NOBODY	$NOBODY$" \
		"/proc/$PID/status"
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=gone@example.com\n\n' |
		"$PC" -t 10 "unix:$SOCK" >"$T_DIR/got.txt" 2>&1
	expect '--user: policyd answers' 'action=550 5.1.1 Recipient suppressed (bad-mailbox)
' "$T_DIR/got.txt"
	stop
	SOCK=$T_DIR/sm/quell.sock
	if command -v setpriv >/dev/null; then
		setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$QUELL_BIN" \
			--db "$T_DIR/dbu" serve --listen inet:127.0.0.1:0 --user root \
			>"$T_DIR/got.txt" 2>&1 </dev/null
		echo "exit $?" >>"$T_DIR/got.txt"
		expect '--user: not root, another user: refused' "quell: serve: --user root: only root can change user (running as uid $NOBODY); stopped
exit 74" "$T_DIR/got.txt"
	fi
fi
