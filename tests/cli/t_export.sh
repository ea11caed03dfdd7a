# t_export.sh - export: every format of a small database byte for byte,
# --list, --category, --since, --stream, expired entries, output to a
# FILE (renamed into place, permissions kept, through a symbolic link, a
# failed write leaving the old file), /dev/full, the csv and jsonl round
# trip through import, JSON summaries and usage errors.

T1=2026-01-01T00:00:00Z T2=2026-01-02T00:00:00Z
cd "$T_DIR" || exit 1
cat >rules.yaml <<'EOF'
version: 1
rules:
  - name: user-unknown
    when: { status: [5.1.1] }
    then: { action: suppress, scope: address, category: bad-mailbox }
  - name: transient
    when: { code: 4xx }
    then: { action: backoff, scope: address, category: transient }
EOF
export QUELL_RULES=$T_DIR/rules.yaml
USAGE='usage: quell export [--format F] [--list L] [--category C] [--since TIME] [FILE|-]'

t 'no database' 66 '' "quell: export: no database in $QUELL_DB" export out.csv
ok 'no database: no file, no database made' test ! -e out.csv -a ! -e "$QUELL_DB"

t 'setup: manual' 0 '' '' --now $T1 add --reason $'tab\there, "quoted"' a@ex.example
t 'setup: a formula' 0 '' '' --now $T1 add --reason '=1+2' =cmd@ex.example
t 'setup: a domain for 30 days' 0 '' '' --now $T1 add --ttl 30d zz.example
t 'setup: a complaint' 0 '' '' --now $T1 add --source complaint c@ex.example
t 'setup: allow' 0 '' '' --now $T2 allow --reason vip v@ex.example
t 'setup: an unsubscribe on a stream' 0 '' '' --now $T2 --stream news add --source unsubscribe n@ex.example
t 'setup: a bounce' 0 \
	'gone@ex.example	suppress	verdict=suppress scope=address key=gone@ex.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1' \
	'' --now $T1 record gone@ex.example '550 5.1.1 <gone@ex.example>: no such user'
t 'setup: a backoff' 0 \
	'later@ex.example	backoff	verdict=backoff scope=address key=later@ex.example rule=transient category=transient code=451 status=4.3.0 until=2026-01-02T00:15:00Z' \
	'' --now $T2 record later@ex.example '451 4.3.0 try again later'

HEADER=entry,list,scope,stream,source,category,rule,code,status,reply,reason,created,updated,expires,until,first_failure,attempts,count
C_ZZ="zz.example,suppress,domain,,manual,manual,,,,,,$T1,$T1,2026-01-31T00:00:00Z,,,0,1"
C_CMD="\"'=cmd@ex.example\",suppress,address,,manual,manual,,,,,\"'=1+2\",$T1,$T1,,,,0,1"
C_A="a@ex.example,suppress,address,,manual,manual,,,,,\"tab\\there, \"\"quoted\"\"\",$T1,$T1,,,,0,1"
C_C="c@ex.example,suppress,address,,complaint,complaint,,,,,,$T1,$T1,,,,0,1"
C_GONE="gone@ex.example,suppress,address,,bounce,bad-mailbox,user-unknown,550,5.1.1,<gone@ex.example>: no such user,,$T1,$T1,,,,0,1"
C_LATER="later@ex.example,backoff,address,,bounce,transient,transient,451,4.3.0,try again later,,$T2,$T2,,2026-01-02T00:15:00Z,$T2,1,0"
C_V="v@ex.example,allow,address,,manual,manual,,,,,vip,$T2,$T2,,,,0,0"
C_N="n@ex.example,suppress,address,news,unsubscribe,unsubscribe,,,,,,$T2,$T2,,,,0,1"

# ---------------------------------------------------------- the formats

t 'csv, the default: every list, every stream' 0 "$HEADER
$C_ZZ
$C_CMD
$C_A
$C_C
$C_GONE
$C_LATER
$C_N
$C_V" 'quell: export: 8 entries (format csv)' --now $T2 export
t 'jsonl' 0 \
'{"entry":"zz.example","list":"suppress","scope":"domain","stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":null,"created":"'$T1'","updated":"'$T1'","expires":"2026-01-31T00:00:00Z","until":null,"first_failure":null,"attempts":0,"count":1}
{"entry":"=cmd@ex.example","list":"suppress","scope":"address","stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":"=1+2","created":"'$T1'","updated":"'$T1'","expires":null,"until":null,"first_failure":null,"attempts":0,"count":1}
{"entry":"a@ex.example","list":"suppress","scope":"address","stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":"tab\there, \"quoted\"","created":"'$T1'","updated":"'$T1'","expires":null,"until":null,"first_failure":null,"attempts":0,"count":1}
{"entry":"c@ex.example","list":"suppress","scope":"address","stream":null,"source":"complaint","category":"complaint","rule":null,"code":null,"status":null,"reply":null,"reason":null,"created":"'$T1'","updated":"'$T1'","expires":null,"until":null,"first_failure":null,"attempts":0,"count":1}
{"entry":"gone@ex.example","list":"suppress","scope":"address","stream":null,"source":"bounce","category":"bad-mailbox","rule":"user-unknown","code":550,"status":"5.1.1","reply":"<gone@ex.example>: no such user","reason":null,"created":"'$T1'","updated":"'$T1'","expires":null,"until":null,"first_failure":null,"attempts":0,"count":1}
{"entry":"later@ex.example","list":"backoff","scope":"address","stream":null,"source":"bounce","category":"transient","rule":"transient","code":451,"status":"4.3.0","reply":"try again later","reason":null,"created":"'$T2'","updated":"'$T2'","expires":null,"until":"2026-01-02T00:15:00Z","first_failure":"'$T2'","attempts":1,"count":0}
{"entry":"n@ex.example","list":"suppress","scope":"address","stream":"news","source":"unsubscribe","category":"unsubscribe","rule":null,"code":null,"status":null,"reply":null,"reason":null,"created":"'$T2'","updated":"'$T2'","expires":null,"until":null,"first_failure":null,"attempts":0,"count":1}
{"entry":"v@ex.example","list":"allow","scope":"address","stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":"vip","created":"'$T2'","updated":"'$T2'","expires":null,"until":null,"first_failure":null,"attempts":0,"count":0}' \
	'quell: export: 8 entries (format jsonl)' --now $T2 export --format jsonl
t 'plain: the suppress list, one key per line' 0 'zz.example
=cmd@ex.example
a@ex.example
c@ex.example
gone@ex.example' 'quell: export: 5 entries (format plain)' --now $T2 export --format plain
t 'plain --list allow' 0 'v@ex.example' 'quell: export: 1 entry (format plain)' \
	--now $T2 export --format plain --list allow
t 'sendgrid: addresses of the suppress list, the formula guarded' 0 'email,created
"'"'"'=cmd@ex.example",1767225600
a@ex.example,1767225600
c@ex.example,1767225600
gone@ex.example,1767225600' 'quell: export: 4 entries (format sendgrid)' --now $T2 export --format sendgrid
t 'mailgun' 0 "address,code,error,created_at
\"'=cmd@ex.example\",550,\"'=1+2\",\"Thu, 01 Jan 2026 00:00:00 UTC\"
a@ex.example,550,\"tab here, \"\"quoted\"\"\",\"Thu, 01 Jan 2026 00:00:00 UTC\"
c@ex.example,550,,\"Thu, 01 Jan 2026 00:00:00 UTC\"
gone@ex.example,550,<gone@ex.example>: no such user,\"Thu, 01 Jan 2026 00:00:00 UTC\"" \
	'quell: export: 4 entries (format mailgun)' --now $T2 export --format mailgun
# the guard is the writer's: quell's readers take it away again
q --now $T2 export -q --format sendgrid sg.csv
q --now $T2 export -q --format mailgun mg.csv
t 'a guarded sendgrid address reads back as it was' 0 '' \
	'quell: import: sg.csv: 4 read, 4 imported, 0 updated, 0 skipped, 0 rejected (format sendgrid)' \
	--db "$T_DIR/guard" --now $T2 import sg.csv
t 'and a mailgun one, with its guarded text' 0 '' \
	'quell: import: mg.csv: 4 read, 0 imported, 4 updated, 0 skipped, 0 rejected (format mailgun)' \
	--db "$T_DIR/guard" --now $T2 import --force-suppress mg.csv
t 'the addresses are the ones exported' 0 '=cmd@ex.example
a@ex.example
c@ex.example
gone@ex.example' '' --db "$T_DIR/guard" --now $T2 export -q --format plain
t 'ses' 0 '{"emailAddress":"=cmd@ex.example","reason":"BOUNCE"}
{"emailAddress":"a@ex.example","reason":"BOUNCE"}
{"emailAddress":"c@ex.example","reason":"COMPLAINT"}
{"emailAddress":"gone@ex.example","reason":"BOUNCE"}' \
	'quell: export: 4 entries (format ses)' --now $T2 export --format ses
t 'postmark' 0 '{"Suppressions":[
{"EmailAddress":"=cmd@ex.example","SuppressionReason":"ManualSuppression","Origin":"Customer","CreatedAt":"'$T1'"},
{"EmailAddress":"a@ex.example","SuppressionReason":"ManualSuppression","Origin":"Customer","CreatedAt":"'$T1'"},
{"EmailAddress":"c@ex.example","SuppressionReason":"SpamComplaint","Origin":"Recipient","CreatedAt":"'$T1'"},
{"EmailAddress":"gone@ex.example","SuppressionReason":"HardBounce","Origin":"Recipient","CreatedAt":"'$T1'"}
]}' 'quell: export: 4 entries (format postmark)' --now $T2 export --format postmark

# ------------------------------------------------------------ the filters

t '--list allow' 0 "$HEADER
$C_V" 'quell: export: 1 entry (format csv)' --now $T2 export --list allow
t '--list backoff' 0 "$HEADER
$C_LATER" 'quell: export: 1 entry (format csv)' --now $T2 export --list backoff
t '--category' 0 "$HEADER
$C_ZZ
$C_CMD
$C_A
$C_V" 'quell: export: 4 entries (format csv)' --now $T2 export --category manual
t '--since' 0 "$HEADER
$C_LATER
$C_N
$C_V" 'quell: export: 3 entries (format csv)' --now $T2 export --since $T2
t '--stream: that stream only' 0 "$HEADER
$C_N" 'quell: export: 1 entry (format csv)' --now $T2 --stream news export
t "--stream '*': every stream" 0 "$HEADER
$C_ZZ
$C_CMD
$C_A
$C_C
$C_GONE
$C_LATER
$C_N
$C_V" 'quell: export: 8 entries (format csv)' --now $T2 export --stream '*'
t '--stream with a provider format' 0 'email,created
n@ex.example,1767312000' 'quell: export: 1 entry (format sendgrid)' --now $T2 --stream news export --format sendgrid
t 'an empty export has the header' 0 "$HEADER" 'quell: export: 0 entries (format csv)' \
	--now $T2 export --category nothing
T3=2026-03-01T00:00:00Z
t 'csv keeps expired entries (a restore brings them back as they were)' 0 "$HEADER
$C_ZZ
$C_CMD
$C_A" '' --now $T3 export -q --category manual --list suppress
t 'plain leaves expired entries out' 0 '=cmd@ex.example
a@ex.example
c@ex.example
gone@ex.example' '' --now $T3 export -q --format plain
t '-q: no summary' 0 "$HEADER
$C_V" '' --now $T2 export -q --list allow

# ------------------------------------------------------------- to a FILE

t 'to a FILE' 0 '' 'quell: export: out.csv: 8 entries (format csv)' --now $T2 export out.csv
q --now $T2 export -q >stdout.csv
ok 'the FILE holds what stdout gets' cmp -s out.csv stdout.csv
ok 'no temporary file is left' test "$(ls -A | grep -c '^\.out\.csv')" = 0
t 'json summary with a FILE' 0 '{"file":"out.jsonl","format":"jsonl","entries":8}' '' \
	--now $T2 --json export --format jsonl out.jsonl
touch kept.csv
chmod 640 kept.csv
t 'over an existing FILE' 0 '' '' --now $T2 export -q kept.csv
ok 'its permissions are kept' test "$(stat -c %a kept.csv)" = 640
ok 'its content replaced' cmp -s kept.csv stdout.csv
mkdir sub
ln -s sub/real.csv link.csv
echo old >sub/real.csv
t 'through a symbolic link' 0 '' '' --now $T2 export -q link.csv
ok 'the link stays a link' test -L link.csv
ok 'the file it points to is written' cmp -s sub/real.csv stdout.csv
t '- is stdout' 0 "$HEADER
$C_V" '' --now $T2 export -q --list allow -

# a failed write leaves the old FILE as it was, and no temporary file:
# files may not grow past 1 KiB, the export needs more
echo old >failed.jsonl
failed() {
	local err rc
	err=$(ulimit -f 1 && trap '' XFSZ && q --now $T2 export --format jsonl failed.jsonl 2>&1)
	rc=$?
	[ $rc = 74 ] && [ "$err" = 'quell: export: failed.jsonl: write error: File too large' ] &&
		[ "$(cat failed.jsonl)" = old ] && [ "$(ls -A | grep -c '^\.failed\.jsonl')" = 0 ]
}
ok 'a failed export leaves the old FILE' failed
t 'a FILE in a missing directory' 74 '' 'quell: export: nodir/x.csv: No such file or directory' \
	--now $T2 export nodir/x.csv
if [ -w /dev/full ]; then
	t 'to /dev/full' 74 '' 'quell: export: /dev/full: write error: No space left on device' \
		--now $T2 export /dev/full
	full_stdout() {
		local err
		err=$(q --now $T2 export 2>&1 >/dev/full)
		[ $? = 74 ] && [ "$err" = 'quell: export: write error: No space left on device' ]
	}
	ok 'stdout to /dev/full' full_stdout
fi

# ------------------------------------------- round trip through import

round_trip() {
	local f=$1
	q --now $T2 --stream '*' export -q --format "$f" "rt1.$f" &&
		q --db "$T_DIR/rt-$f" --now $T2 import -q "rt1.$f" &&
		q --db "$T_DIR/rt-$f" --now $T2 --stream '*' export -q --format "$f" "rt2.$f" &&
		cmp -s "rt1.$f" "rt2.$f" &&
		test "$(wc -l <"rt1.$f")" -ge 8
}
ok 'csv: export, import into an empty database, export: the same bytes' round_trip csv
ok 'jsonl: export, import into an empty database, export: the same bytes' round_trip jsonl

# the README's backup line, as written there, restored into an empty
# database: both export the same bytes, stream entries, allow and backoff
# included
readme_backup() {
	local line
	line=$(grep -o 'quell export --format csv > backup.csv' "$(dirname "$T_SCRIPT")/../../README.md") &&
		[ -n "$line" ] &&
		(eval "q --now $T2 ${line#quell }") 2>backup.err &&
		[ "$(cat backup.err)" = 'quell: export: 8 entries (format csv)' ] &&
		grep -q '^n@ex.example,suppress,address,news,unsubscribe,' backup.csv &&
		grep -q '^v@ex.example,allow,' backup.csv &&
		grep -q '^later@ex.example,backoff,' backup.csv &&
		q --db "$T_DIR/readme" --now $T2 import -q backup.csv &&
		q --db "$T_DIR/readme" --now $T2 export -q --format csv >restored.csv &&
		cmp -s backup.csv restored.csv &&
		q --db "$T_DIR/readme" --now $T2 --stream '*' export -q --format jsonl >restored.jsonl &&
		q --now $T2 --stream '*' export -q --format jsonl >original.jsonl &&
		cmp -s original.jsonl restored.jsonl
}
ok "the README's backup line restores everything" readme_backup
t 'the restored unsubscribe still holds on its stream' 1 \
	$'n@ex.example\tsuppress\tscope=address key=n@ex.example category=unsubscribe source=unsubscribe' \
	'' --db "$T_DIR/readme" --now $T2 --stream news check n@ex.example
t 'the round trip restored the backoff as it was' 1 \
	'later@ex.example	backoff	scope=address key=later@ex.example rule=transient category=transient source=bounce until=2026-01-02T00:15:00Z' \
	'' --db "$T_DIR/rt-csv" --now $T2 check later@ex.example

# text enters as valid UTF-8: a Latin-1 reply (an old server, in a
# Postfix log) and a --reason in Latin-1 are repaired, so the csv backup
# restores the suppression instead of losing it
L1="$T_DIR/latin1"
t 'setup: a Latin-1 reply, repaired and counted' 0 \
	$'m@ex.example\tsuppress\tverdict=suppress scope=address key=m@ex.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1' \
	'quell: record: reply: 1 byte not UTF-8: stored repaired (read as Latin-1 or as U+FFFD)' \
	--db "$L1" --now $T1 record m@ex.example $'550 5.1.1 Benutzer M\xfcller unbekannt'
t 'setup: a Latin-1 reason, repaired and counted' 0 '' \
	'quell: add: --reason: 3 bytes not UTF-8: stored repaired (read as Latin-1 or as U+FFFD)' \
	--db "$L1" --now $T1 add --reason $'Gr\xfc\xdfe \xff' r@ex.example
t 'the backup holds UTF-8' 0 "$HEADER
m@ex.example,suppress,address,,bounce,bad-mailbox,user-unknown,550,5.1.1,Benutzer M"$'\xc3\xbc'"ller unbekannt,,$T1,$T1,,,,0,1
r@ex.example,suppress,address,,manual,manual,,,,,Gr"$'\xc3\xbc\xc3\x9f'"e "$'\xc3\xbf'",$T1,$T1,,,,0,1" \
	'' --db "$L1" --now $T1 export -q
latin1_restore() {
	q --db "$L1" --now $T1 export -q l1.csv &&
		q --db "$T_DIR/latin1-restored" --now $T1 import -q l1.csv &&
		q --db "$T_DIR/latin1-restored" --now $T1 export -q l1-again.csv &&
		cmp -s l1.csv l1-again.csv
}
ok 'export, import, export: the same bytes, nothing lost' latin1_restore

# ---------------------------------------------------------- usage errors

t 'unknown --format' 64 '' "quell: export: --format: unknown format 'xml' (csv, jsonl, plain, sendgrid, mailgun, ses or postmark)
$USAGE" export --format xml
t 'unknown --list' 64 '' "quell: export: --list: not a list: 'all' (suppress, allow or backoff)
$USAGE" export --list all
t 'a provider takes the suppress list only' 64 '' "quell: export: --format ses: providers take the suppress list only
$USAGE" export --format ses --list allow
t 'bad --since' 64 '' "quell: export: --since: not a time: 'yesterday'
$USAGE" export --since yesterday
t 'two outputs' 64 '' "quell: export: unexpected argument 'b.csv'
$USAGE" export a.csv b.csv
t '--json needs a FILE' 64 '' "quell: export: --json: the export itself goes to stdout; name a FILE for it
$USAGE" --json export
