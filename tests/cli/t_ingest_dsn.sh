# t_ingest_dsn.sh - ingest dsn: an RFC 3464 report with CR LF line ends, a
# second run that counts nothing twice, an mbox (a base64 delayed report
# with a recipient quell refuses, and a message that is no bounce), a
# maildir of text bounces (Exim, qmail) and an auto-reply, a bounce dated
# in the future, an abuse report on stdin, --json, -q, and usage errors.

D=$(dirname "$T_SCRIPT")/../data/dsn
NOW=2026-11-28T12:00:00Z
if [ -e /etc/quell/rules.yaml ]; then
	export QUELL_RULES=$(dirname "$T_SCRIPT")/../../config/rules.yaml
fi

t 'missing input: nothing created' 66 '' \
	"quell: ingest dsn: $T_DIR/none.eml: No such file or directory" \
	--now $NOW ingest dsn "$T_DIR/none.eml"
[ ! -e "$QUELL_DB" ] && echo pass >>"$T_RESULTS" || { echo fail >>"$T_RESULTS"; echo "FAIL $T_NAME: database created"; }

SUMMARY="quell: ingest dsn: $D/postfix-crlf.eml: 1 read, 2 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected"
AGAIN="quell: ingest dsn: $D/postfix-crlf.eml: 1 read, 0 imported, 0 updated, 2 duplicates, 0 skipped, 0 rejected"
t 'a multipart/report with CR LF, --verbose' 0 \
	$'gone@rcpt.example\tsuppress\tverdict=suppress scope=address key=gone@rcpt.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1
fine@rcpt.example\tignore\tverdict=allow scope=address rule=policy category=policy code=554 status=5.7.1' \
	"$SUMMARY" --now $NOW ingest dsn --verbose "$D/postfix-crlf.eml"
t 'check: the unknown user suppressed, the blocked one not' 1 \
	$'gone@rcpt.example\tsuppress\tscope=address key=gone@rcpt.example rule=user-unknown category=bad-mailbox source=bounce
fine@rcpt.example\tallow\t' \
	'' --now $NOW check gone@rcpt.example fine@rcpt.example
t 'the same bounce again: counted once' 0 \
	$'gone@rcpt.example\tignore\tverdict=suppress scope=address rule=user-unknown category=bad-mailbox code=550 status=5.1.1 duplicate=1
fine@rcpt.example\tignore\tverdict=allow scope=address rule=policy category=policy code=554 status=5.7.1 duplicate=1' \
	"$AGAIN" --now $NOW ingest dsn --verbose "$D/postfix-crlf.eml"
t 'no --verbose: the summary alone' 0 '' "$AGAIN" --now $NOW ingest dsn "$D/postfix-crlf.eml"

t 'an mbox: a delayed report, a refused recipient (skipped), a message that is no bounce' 0 \
	$'slow@later.example\tbackoff\tverdict=backoff scope=domain key=later.example rule=remote-trouble category=transient code=451 status=4.4.7 until=2026-11-28T10:05:00Z' \
	"$D/bounces.mbox:1: wrong@@later.example: local part: unexpected '@' at character 6
quell: ingest dsn: $D/bounces.mbox: 2 read, 1 imported, 0 updated, 0 duplicates, 2 skipped, 0 rejected" \
	--now $NOW ingest dsn --verbose "$D/bounces.mbox"
t '-q: silent (a cron job)' 0 '' '' --now $NOW -q ingest dsn "$D/bounces.mbox"
t '--strict: the refused recipient is rejected, exit 65' 65 '' \
	"$D/bounces.mbox:1: wrong@@later.example: local part: unexpected '@' at character 6
quell: ingest dsn: $D/bounces.mbox: 2 read, 0 imported, 0 updated, 1 duplicates, 1 skipped, 1 rejected" \
	--now $NOW ingest dsn --strict "$D/bounces.mbox"
printf 'email,created,status,reason\na@b.example,1,550,gone\n' >"$T_DIR/not.eml"
t 'a file that is no mail message: 65' 65 '' \
	"quell: ingest dsn: $T_DIR/not.eml: 1 read, 0 imported, 0 updated, 0 duplicates, 1 skipped, 0 rejected
quell: ingest dsn: $T_DIR/not.eml: no mail message in it (nothing starts with a header)" \
	--now $NOW ingest dsn "$T_DIR/not.eml"
t 'an auto-reply alone: no bounce, no error' 0 '' \
	"quell: ingest dsn: $D/vacation.eml: 1 read, 0 imported, 0 updated, 0 duplicates, 1 skipped, 0 rejected" \
	--now $NOW ingest dsn "$D/vacation.eml"

# ------------------------------------------------------------- maildir
M=$T_DIR/Maildir
mkdir -p "$M/new" "$M/cur" "$M/tmp"
cp "$D/exim.eml" "$M/new/1795857000.1.host"
cp "$D/qmail.eml" "$M/cur/1795857600.2.host:2,S"
cp "$D/vacation.eml" "$M/cur/1795858200.3.host:2,S"
cp "$D/qmail.eml" "$M/cur/.hidden"
cp "$D/qmail.eml" "$M/tmp/1795858800.4.host"
t 'a maildir: new/ then cur/, dot files and tmp/ left alone' 0 \
	$'nobody@exim.example\tsuppress\tverdict=suppress scope=address key=nobody@exim.example rule=user-unknown-text category=bad-mailbox code=550
full@q.example\tcount\tverdict=allow scope=address key=full@q.example rule=mailbox-full category=quota code=552 status=5.2.2
nohost@nxdomain.example\tsuppress\tverdict=suppress scope=domain key=nxdomain.example rule=bad-domain-status category=bad-domain status=5.1.2' \
	"quell: ingest dsn: $M: 3 read, 3 imported, 0 updated, 0 duplicates, 1 skipped, 0 rejected" \
	--now $NOW ingest dsn --verbose "$M"
R=$T_DIR/Refused
mkdir -p "$R/new" "$R/cur" "$R/tmp"
awk 'NR > 1 && /^From /{ exit } { print }' "$D/bounces.mbox" >"$R/new/1795857000.1.host"
cp "$D/exim.eml" "$R/cur/1795857600.2.host:2,S"
# exim.eml was read above, from the maildir, and the delayed report from
# the mbox (it has no Message-ID: its digest is its id): duplicates here
t 'a refused recipient names its own file of a maildir' 0 '' \
	"$R/new/1795857000.1.host:1: wrong@@later.example: local part: unexpected '@' at character 6
quell: ingest dsn: $R: 2 read, 0 imported, 0 updated, 2 duplicates, 1 skipped, 0 rejected" \
	--now $NOW ingest dsn "$R"
# qmail.eml has no Message-ID: its report's digest is its id
t 'a plain directory of messages: the qmail bounce again, a duplicate' 0 '' \
	"quell: ingest dsn: $M/cur: 2 read, 0 imported, 0 updated, 2 duplicates, 1 skipped, 0 rejected" \
	--now $NOW ingest dsn "$M/cur"
T_FILTER='s/ origin=.*//' q --now $NOW show full@q.example >"$T_DIR/full.1" 2>&1
t 'the maildir read again (cron): nothing counted twice' 0 '' \
	"quell: ingest dsn: $M: 3 read, 0 imported, 0 updated, 3 duplicates, 1 skipped, 0 rejected" \
	--now $NOW ingest dsn "$M"
t '... and again' 0 '' \
	"quell: ingest dsn: $M: 3 read, 0 imported, 0 updated, 3 duplicates, 1 skipped, 0 rejected" \
	--now $NOW ingest dsn "$M"
t 'check: a mailbox full once is still counted once, not suppressed' 0 \
	$'full@q.example\tallow\t' '' --now $NOW check full@q.example
q --now $NOW show full@q.example >"$T_DIR/full.2" 2>&1
ok '... its history as it was' cmp "$T_DIR/full.1" "$T_DIR/full.2"
t 'check: the domain with no host is suppressed' 1 \
	$'anyone@nxdomain.example\tsuppress\tscope=domain key=nxdomain.example rule=bad-domain-status category=bad-domain source=bounce' \
	'' --now $NOW check anyone@nxdomain.example

# --------------------------------------------------------------- stdin
T_INFILE=$D/arf.eml t 'an abuse report on stdin, --json summary' 0 \
	'{"file":"-","format":"dsn","read":1,"imported":1,"updated":0,"duplicates":0,"skipped":0,"rejected":0,"repaired":0}' \
	'' --now $NOW --json ingest dsn -
t 'check: the complaint suppresses' 1 \
	$'annoyed@isp.example\tsuppress\tscope=address key=annoyed@isp.example category=complaint source=complaint' \
	'' --now $NOW check annoyed@isp.example
T_INFILE=$D/bounces.mbox T_FILTER='s/"until":"[^"]*"/"until":U/' t 'an mbox on stdin, --json --verbose: read before, a duplicate' 0 \
	'{"address":"slow@later.example","code":451,"status":"4.4.7","text":"Message delayed because the destination is busy","rule":"remote-trouble","category":"transient","action":"ignore","scope":"domain","verdict":"backoff","until":U,"error":null}
{"file":"-","format":"dsn","read":2,"imported":0,"updated":0,"duplicates":1,"skipped":2,"rejected":0,"repaired":0}' \
	"-:1: wrong@@later.example: local part: unexpected '@' at character 6" \
	--now $NOW --json ingest dsn --verbose -

# ------------------------------------------------- a date in the future
# a bounce dated 2099 (a wrong clock or zone at the bouncing host) is
# recorded at now: kept as it stands, it would outlive every later change
sed 's/^Date: .*/Date: Thu, 01 Jan 2099 00:00:00 +0000/' "$D/exim.eml" >"$T_DIR/future.eml"
t 'a bounce dated 2099' 0 '' \
	"quell: ingest dsn: $T_DIR/future.eml: 1 read, 1 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected" \
	--db "$T_DIR/fdb" --now $NOW ingest dsn "$T_DIR/future.eml"
T_FILTER='s/ reply=.*//' t '... is recorded at now' 0 \
	"nobody@exim.example	suppress	scope=address key=nobody@exim.example rule=user-unknown-text category=bad-mailbox source=bounce
entry	suppress	scope=address source=bounce category=bad-mailbox rule=user-unknown-text code=550
event	$NOW	suppress	list=suppress source=bounce rule=user-unknown-text category=bad-mailbox code=550" \
	'' --db "$T_DIR/fdb" --now $NOW show nobody@exim.example

# --------------------------------------------------------------- usage
U='usage: quell ingest dsn [--strict] [--verbose] FILE...'
t 'no input' 64 '' "quell: ingest dsn: no input given (FILE..., or '-' for stdin)
$U" ingest dsn
t 'a stream' 64 '' "quell: ingest dsn: --stream: bounces never carry a stream
$U" --stream news ingest dsn "$D/arf.eml"
t 'an unknown option' 64 '' "quell: ingest dsn: unknown option '--follow'
$U" ingest dsn --follow "$D/arf.eml"

# ---------------------------------------------------- a quiet mbox pipe
# an mbox on a pipe that stays open: the first message is read once the
# next one starts; its recipients are written when the input is quiet for
# a second, before the input ends
slow_feed() {
	echo 'From MAILER-DAEMON Sat Nov 28 09:10:00 2026'
	cat "$D/exim.eml"
	echo 'From MAILER-DAEMON Sat Nov 28 09:11:00 2026'
}
quiet_pipe slow_feed nobody@exim.example "$T_DIR/sdb" $NOW ingest dsn -
ok 'stdin: a quiet mbox pipe: check sees the suppression before the input ends' test $SEEN = yes
ok '... then the end of input: exit 0, the summary' test $IRC = 0 -a "$(cat "$T_DIR/s.err")" = \
	"quell: ingest dsn: -: 2 read, 1 imported, 0 updated, 0 duplicates, 1 skipped, 0 rejected"
