# t_ingest.sh - ingest postfix-log: a sample mail log with bounces, a
# Spamhaus block, local and DNS failures, a bad recipient, lines that are
# no reports, and one queue id deferred five times; what check says
# afterwards; a second run changes nothing; stdin, JSON, usage errors;
# bounces for addresses at a public suffix (address scope only); and
# --follow across an append and a rotation, ended by SIGTERM.

LOG=$(dirname "$T_SCRIPT")/../data/postfix/mail.log
NOW=2026-11-28T12:00:00Z
# The contract fixes what the default rules do with these replies; a
# system rules file must not change them, so use their source instead.
if [ -e /etc/quell/rules.yaml ]; then
	export QUELL_RULES=$(dirname "$T_SCRIPT")/../../config/rules.yaml
fi

DEFER=$'later@d.example\tignore\tverdict=backoff scope=address rule=greylisted category=transient code=450 status=4.2.0 until=2026-11-28T12:05:00Z duplicate=1'
REJECT="$LOG:9: bad@@e.example: local part: unexpected '@' at character 4"
SUMMARY="quell: ingest postfix-log: $LOG: 16 read, 6 imported, 0 updated, 4 duplicates, 6 skipped, 0 rejected"
AGAIN="quell: ingest postfix-log: $LOG: 16 read, 0 imported, 0 updated, 10 duplicates, 6 skipped, 0 rejected"
STRICT="quell: ingest postfix-log: $LOG: 16 read, 0 imported, 0 updated, 10 duplicates, 5 skipped, 1 rejected"

t 'the sample log, --verbose: the bad recipient skipped, exit 0' 0 \
	$'unknown@b.example\tsuppress\tverdict=suppress scope=address key=unknown@b.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1
good@c.example\tignore\tverdict=allow scope=address rule=policy category=policy code=554 status=5.7.1
nobody@ours.example\tsuppress\tverdict=suppress scope=address key=nobody@ours.example rule=user-unknown-text category=bad-mailbox status=5.1.1
x@nx.example\tsuppress\tverdict=suppress scope=domain key=nx.example rule=bad-domain-status category=bad-domain status=5.1.2
fine@e.example\tclear\tverdict=allow scope=address rule=delivered category=delivered code=250 status=2.0.0
later@d.example\tbackoff\tverdict=backoff scope=address key=later@d.example rule=greylisted category=transient code=450 status=4.2.0 until=2026-11-28T12:05:00Z'"
$DEFER
$DEFER
$DEFER
$DEFER" \
	"$REJECT
$SUMMARY" --now $NOW ingest postfix-log --verbose "$LOG"

t 'check: suppress 5.1.1, allow after a Spamhaus block, backoff once for five deferrals' 1 \
	$'unknown@b.example\tsuppress\tscope=address key=unknown@b.example rule=user-unknown category=bad-mailbox source=bounce
good@c.example\tallow\t
later@d.example\tbackoff\tscope=address key=later@d.example rule=greylisted category=transient source=bounce until=2026-11-28T12:05:00Z
fine@e.example\tallow\t
gone@x.example\tallow\t' \
	'' --now $NOW check unknown@b.example good@c.example later@d.example fine@e.example gone@x.example
T_FILTER='s/ origin=.*//' t 'show: one backoff, four retries wrote nothing' 0 \
	$'later@d.example\tbackoff\tscope=address key=later@d.example rule=greylisted category=transient source=bounce until=2026-11-28T12:05:00Z
entry\tbackoff\tscope=address source=bounce category=transient rule=greylisted code=450 status=4.2.0 reply=<later@d.example>:%20Recipient%20address%20rejected:%20Greylisted created=2026-11-28T11:50:00Z updated=2026-11-28T11:50:00Z until=2026-11-28T12:05:00Z first_failure=2026-11-28T11:50:00Z attempts=1
event\t2026-11-28T11:50:00Z\tbackoff\tlist=backoff source=bounce rule=greylisted category=transient code=450 status=4.2.0 reply=<later@d.example>:%20Recipient%20address%20rejected:%20Greylisted until=2026-11-28T12:05:00Z verdict=backoff' \
	'' --now $NOW show later@d.example

# what a second read must leave as it is: every key's history, and the
# counts (events, the change feed's last sequence number)
state() {
	for a in unknown@b.example good@c.example nobody@ours.example x@nx.example nx.example \
		fine@e.example later@d.example; do
		q --now $NOW show "$a"
	done
	q --now $NOW --json stats
}
state >"$T_DIR/state.1" 2>&1
T_FILTER='s/\t.*//' t 'the same log again: every report already counted' 0 \
	$'unknown@b.example\ngood@c.example\nnobody@ours.example\nx@nx.example\nfine@e.example\nlater@d.example\nlater@d.example\nlater@d.example\nlater@d.example\nlater@d.example' \
	"$REJECT
$AGAIN" --now $NOW ingest postfix-log --verbose "$LOG"
T_FILTER='/duplicate=1$/d' t '... every line a duplicate' 0 '' "$REJECT
$AGAIN" --now $NOW ingest postfix-log --verbose "$LOG"
t 'no --verbose: nothing on stdout' 0 '' "$REJECT
$AGAIN" --now $NOW ingest postfix-log "$LOG"
state >"$T_DIR/state.2" 2>&1
ok 'read again: history and stats as they were' cmp "$T_DIR/state.1" "$T_DIR/state.2"
t '-q: silent (a cron job)' 0 '' '' --now $NOW -q ingest postfix-log "$LOG"
t '--strict: the bad recipient is rejected, exit 65' 65 '' "$REJECT
$STRICT" --now $NOW ingest postfix-log --strict "$LOG"
t '--strict -q: only the rejected line' 65 '' "$REJECT" --now $NOW -q ingest postfix-log --strict "$LOG"
printf 'email,created,status,reason\na@b.example,1,550,gone\n' >"$T_DIR/not.log"
t 'a file that is no log: 65' 65 '' \
	"quell: ingest postfix-log: $T_DIR/not.log: 2 read, 0 imported, 0 updated, 0 duplicates, 2 skipped, 0 rejected
quell: ingest postfix-log: $T_DIR/not.log: no line is a log line (a time stamp and a host)" \
	--now $NOW ingest postfix-log "$T_DIR/not.log"
T_IN='Nov 28 10:00:00 mx1 postfix/smtpd[2]: connect from x[192.0.2.1]
' t 'a log with nothing to record: 0' 0 '' \
	'quell: ingest postfix-log: -: 1 read, 0 imported, 0 updated, 0 duplicates, 1 skipped, 0 rejected' \
	--now $NOW ingest postfix-log -

# --------------------------------------------------------------- stdin

T_IN='Nov 28 10:00:00 mx1 postfix/smtp[1]: 1A2B3C4D5E: to=<s1@f.example>, relay=none, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host f said: 550 5.1.1 no such user (in reply to RCPT TO command))
Nov 28 10:00:00 mx1 postfix/smtpd[2]: disconnect from x[192.0.2.1]
' t 'stdin, --json: the summary object on stdout' 0 \
	'{"file":"-","format":"postfix-log","read":2,"imported":1,"updated":0,"duplicates":0,"skipped":1,"rejected":0,"repaired":0}' \
	'' --now $NOW --json ingest postfix-log -
T_IN=$'Nov 28 10:00:00 mx1 postfix/smtp[1]: 1A2B3C4D5F: to=<s2@f.example>, relay=none, delay=1, dsn=5.1.1, status=bounced (550 5.1.1 no)\r\n\n\x01\xff' \
	t 'stdin: CRLF, an empty line, garbage without LF' 0 \
	'{"address":"s2@f.example","code":550,"status":"5.1.1","text":"no","rule":"user-unknown","category":"bad-mailbox","action":"suppress","scope":"address","verdict":"suppress","until":null,"error":null}
{"file":"-","format":"postfix-log","read":3,"imported":1,"updated":0,"duplicates":0,"skipped":2,"rejected":0,"repaired":0}' \
	'' --now $NOW --json ingest postfix-log --verbose -
T_IN='' t 'stdin: nothing' 0 '' 'quell: ingest postfix-log: -: 0 read, 0 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected' \
	ingest postfix-log -
# a Latin-1 reply in the log: stored repaired (as UTF-8), and counted
LATIN=$'Nov 28 10:00:01 mx1 postfix/smtp[1]: 1A2B3C4D60: to=<s3@f.example>, relay=f[192.0.2.1]:25, delay=1, dsn=5.1.1, status=bounced (host f[192.0.2.1] said: 550 5.1.1 Benutzer unbekannt: M\xfcller (in reply to RCPT TO command))\n'
T_IN=$LATIN t 'a Latin-1 reply: counted as repaired' 0 '' \
	'quell: ingest postfix-log: -: 1 read, 1 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected, 1 repaired' \
	--now $NOW ingest postfix-log -
T_IN=$LATIN t '... read again: a duplicate, nothing repaired' 0 \
	'{"file":"-","format":"postfix-log","read":1,"imported":0,"updated":0,"duplicates":1,"skipped":0,"rejected":0,"repaired":0}' \
	'' --now $NOW --json ingest postfix-log -
T_FILTER='/^event/!d; s/ verdict=.*//; s/.*reply=//' t '... stored as UTF-8' 0 \
	'Benutzer%20unbekannt:%20Müller' '' --now $NOW show s3@f.example

# a bounce for an address at a public suffix never suppresses the suffix
T_IN='Nov 28 10:03:00 mx1 postfix/error[500]: 8A9B0C1D2F: to=<signup@com>, relay=none, delay=0.3, dsn=5.1.2, status=bounced (Host or domain name not found. Name service error for name=com type=MX: Host not found)
Nov 28 10:03:01 mx1 postfix/error[500]: 8A9B0C1D30: to=<x@co.uk>, relay=none, delay=0.3, dsn=5.1.2, status=bounced (Host or domain name not found. Name service error for name=co.uk type=MX: Host not found)
' t 'a 5.1.2 for signup@com and x@co.uk: address scope' 0 \
	$'signup@com\tsuppress\tverdict=suppress scope=address key=signup@com rule=bad-domain-status category=bad-domain status=5.1.2
x@co.uk\tsuppress\tverdict=suppress scope=address key=x@co.uk rule=bad-domain-status category=bad-domain status=5.1.2' \
	'' --db "$T_DIR/psl" --now $NOW -q ingest postfix-log --verbose -
t '... the rest of .com and .co.uk stays allowed' 1 \
	$'signup@com\tsuppress\tscope=address key=signup@com rule=bad-domain-status category=bad-domain source=bounce
a@example.com\tallow\t
b@bbc.co.uk\tallow\t' \
	'' --db "$T_DIR/psl" --now $NOW check signup@com a@example.com b@bbc.co.uk
t '... and no domain entry exists' 0 '' '' --db "$T_DIR/psl" --now $NOW list --domains

# -------------------------------------------------------------- errors

t 'a missing file: 66, no database made' 66 '' \
	"quell: ingest postfix-log: $T_DIR/nope.log: No such file or directory" \
	--db "$T_DIR/none" ingest postfix-log "$T_DIR/nope.log"
ok '... none made' test ! -e "$T_DIR/none"
t 'a directory' 66 '' "quell: ingest postfix-log: $T_DIR: Is a directory" ingest postfix-log "$T_DIR"
U='usage: quell ingest postfix-log [--follow] [--strict] [--verbose] FILE|-'
t 'no subcommand' 64 '' 'quell: ingest: no subcommand given: postfix-log, dsn, sendgrid-events, ses, mailgun-events or postmark-events
usage: quell ingest postfix-log [--follow] [--strict] [--verbose] FILE|-
       quell ingest dsn [--strict] [--verbose] FILE...
       quell ingest sendgrid-events [--strict] [--verbose] FILE|-
       quell ingest ses [--strict] [--verbose] FILE|-
       quell ingest mailgun-events [--strict] [--verbose] FILE|-
       quell ingest postmark-events [--strict] [--verbose] FILE|-' ingest
t 'unknown subcommand' 64 '' "quell: ingest: unknown subcommand 'dsm'; did you mean 'dsn'?
usage: quell ingest postfix-log [--follow] [--strict] [--verbose] FILE|-
       quell ingest dsn [--strict] [--verbose] FILE...
       quell ingest sendgrid-events [--strict] [--verbose] FILE|-
       quell ingest ses [--strict] [--verbose] FILE|-
       quell ingest mailgun-events [--strict] [--verbose] FILE|-
       quell ingest postmark-events [--strict] [--verbose] FILE|-" ingest dsm x
t 'no input' 64 '' "quell: ingest postfix-log: no input given (a FILE, or '-' for stdin)
$U" ingest postfix-log
t 'two inputs' 64 '' "quell: ingest postfix-log: unexpected argument 'b'
$U" ingest postfix-log a b
t '--follow needs a file' 64 '' "quell: ingest postfix-log: --follow needs a FILE
$U" ingest postfix-log --follow -
t '--stream' 64 '' "quell: ingest postfix-log: --stream: bounces never carry a stream
$U" --stream news ingest postfix-log "$LOG"

# -------------------------------------------------------------- --follow

# Waits for a pattern in a file, up to 5 s.
wait_for() {
	for _ in $(seq 50); do
		grep -q "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
pf() { # a bounced report for $1 with queue id $2
	printf 'Nov 28 10:00:00 mx1 postfix/smtp[1]: %s: to=<%s>, relay=none, delay=1, dsn=5.1.1, status=bounced (550 5.1.1 no)\n' "$2" "$1"
}
F=$T_DIR/follow.log
pf f1@g.example 1A1A1A1A1A >"$F"
# shellcheck disable=SC2086 # QUELL_WRAP is a command line; no function: $! is quell
$QUELL_WRAP "$QUELL_BIN" --db "$T_DIR/fdb" --now $NOW ingest postfix-log --follow --verbose "$F" >"$T_DIR/f.out" 2>"$T_DIR/f.err" &
FPID=$!
ok 'follow: the first line' wait_for f1@g.example "$T_DIR/f.out"
printf 'Nov 28 10:00:00 mx1 postfix/smtp[1]: 2B2B2B2B2B: to=<f2@g.ex' >>"$F"
sleep 0.3
printf 'ample>, relay=none, delay=1, dsn=5.1.1, status=bounced (550 5.1.1 no)\n' >>"$F"
ok 'follow: a line appended in two pieces' wait_for f2@g.example "$T_DIR/f.out"
mv "$F" "$F.1"
pf f3@g.example 3C3C3C3C3C >>"$F.1"
sleep 0.3
# with a long line that is no report after it, so that the truncated file
# is shorter than what was read even if the truncation is noticed late
printf '%s#%0300d\n' "$(pf f4@g.example 4D4D4D4D4D)
" 0 >"$F" # one write
ok 'follow: rotated, the new file is read' wait_for f4@g.example "$T_DIR/f.out"
: >"$F"
sleep 0.3
pf f5@g.example 5E5E5E5E5E >"$F"
ok 'follow: truncated, read again from the start' wait_for f5@g.example "$T_DIR/f.out"
kill -TERM $FPID
wait $FPID
FRC=$?
ok 'follow: SIGTERM ends it cleanly' test $FRC = 0
ok 'follow: every report once, in order' test "$(cut -f1 "$T_DIR/f.out" | tr '\n' ' ')" = \
	'f1@g.example f2@g.example f3@g.example f4@g.example f5@g.example '
ok 'follow: the summary' test "$(cat "$T_DIR/f.err")" = \
	"quell: ingest postfix-log: $F: 6 read, 5 imported, 0 updated, 0 duplicates, 1 skipped, 0 rejected"

# ------------------------------------------- a quiet pipe, a file to come

# stdin from a writer that stays open (journalctl -f): the batch is written
# once the input is quiet for a second, long before the input ends
slow_feed() { pf s@slow.example 7A7A7A7A7A; }
quiet_pipe slow_feed s@slow.example "$T_DIR/sdb" $NOW ingest postfix-log -
ok 'stdin: a quiet pipe: check sees the suppression before the input ends' test $SEEN = yes
ok '... then the end of input: exit 0, the summary' test $IRC = 0 -a "$(cat "$T_DIR/s.err")" = \
	"quell: ingest postfix-log: -: 1 read, 1 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected"

# --follow on a file that does not exist yet: it is waited for
L=$T_DIR/later.log
# shellcheck disable=SC2086 # QUELL_WRAP is a command line
$QUELL_WRAP "$QUELL_BIN" --db "$T_DIR/ldb" --now $NOW ingest postfix-log --follow --verbose "$L" \
	>"$T_DIR/l.out" 2>"$T_DIR/l.err" &
LPID=$!
sleep 0.5
ok 'follow a missing file: still waiting' kill -0 $LPID
pf l1@g.example 6F6F6F6F6F >"$L"
ok 'follow a missing file: read once it appears' wait_for l1@g.example "$T_DIR/l.out"
kill -TERM $LPID
wait $LPID
LRC=$?
ok '... SIGTERM ends it: exit 0, the summary' test $LRC = 0 -a "$(cat "$T_DIR/l.err")" = \
	"quell: ingest postfix-log: $L: 1 read, 1 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected"

# --follow keeps its position (file identity and offset) in the database:
# a restart goes on where the last run stopped, and reads what was written
# in between, once
P=$T_DIR/pos.log
{ pf p1@g.example 1F1F1F1F1F; pf p2@g.example 2F2F2F2F2F; } >"$P"
follow_until() { # run --follow on $P into $1.out/.err until $2 was recorded
	# shellcheck disable=SC2086 # QUELL_WRAP is a command line
	$QUELL_WRAP "$QUELL_BIN" --db "$T_DIR/pdb" --now $NOW ingest postfix-log --follow --verbose "$P" \
		>"$1.out" 2>"$1.err" &
	PPID_=$!
	wait_for "$2" "$1.out"
	sleep 0.5 # the position is kept before the next wait
	kill -TERM $PPID_
	wait $PPID_
}
follow_until "$T_DIR/p1" p2@g.example
ok 'follow restart: the first run reads both lines' test "$(cut -f1 "$T_DIR/p1.out" | tr '\n' ' ')" = \
	'p1@g.example p2@g.example '
pf p3@g.example 3F3F3F3F3F >>"$P" # written while nobody follows
follow_until "$T_DIR/p2" p3@g.example
ok 'follow restart: the second run resumes: only the new line, nothing twice' \
	test "$(cut -f1 "$T_DIR/p2.out" | tr '\n' ' ')" = 'p3@g.example '
ok '... its summary' test "$(cat "$T_DIR/p2.err")" = \
	"quell: ingest postfix-log: $P: 1 read, 1 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected"
# replaced while nobody follows (another inode): the new file from its start
mv "$P" "$P.1"
pf p4@g.example 4F4F4F4F4F >"$P"
follow_until "$T_DIR/p3" p4@g.example
ok 'follow restart after a rotation: the new file from its start' \
	test "$(cut -f1 "$T_DIR/p3.out" | tr '\n' ' ')" = 'p4@g.example '
