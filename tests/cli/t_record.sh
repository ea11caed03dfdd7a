# t_record.sh - record: each action of the rules (suppress, ignore, backoff
# at address and domain scope, never a domain entry for a public suffix
# or a single label, clear, count up to its threshold), record -
# with bad lines, JSON, duplicates by queue id, check and show afterwards,
# the rules file lookup and usage errors.

T0=2026-01-01T00:00:00Z
T10=2026-01-01T00:10:00Z
T20=2026-01-01T00:20:00Z
T30=2026-01-01T00:30:00Z
# The contract fixes what the default rules do with these replies; a
# system rules file must not change them, so use their source instead.
if [ -e /etc/quell/rules.yaml ]; then
	export QUELL_RULES=$(dirname "$T_SCRIPT")/../../config/rules.yaml
fi

# --------------------------------------------------- the default rules

t 'user unknown: suppress the address' 0 \
	$'a@one.example\tsuppress\tverdict=suppress scope=address key=a@one.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1' \
	'' --now $T0 record a@one.example '550 5.1.1 <a@one.example>: Recipient address rejected: User unknown'
ok 'record created the database' test -f "$QUELL_DB/data.mdb"
t 'a Spamhaus block: ignore, still allowed' 0 \
	$'b@two.example\tignore\tverdict=allow scope=address rule=policy category=policy code=554 status=5.7.1' \
	'' --now $T0 record b@two.example '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org'
t 'a bare 554: ignore (transaction-failed)' 0 \
	$'b@two.example\tignore\tverdict=allow scope=address rule=transaction-failed category=other code=554' \
	'' --now $T0 record b@two.example '554 Transaction failed'
t '4xx: back off the address 15m' 0 \
	$'c@three.example\tbackoff\tverdict=backoff scope=address key=c@three.example rule=greylisted category=transient code=450 status=4.2.0 until=2026-01-01T00:15:00Z' \
	'' --now $T0 record c@three.example '450 4.2.0 <c@three.example>: Recipient address rejected: Greylisted'
t '4xx again: the delay doubles' 0 \
	$'c@three.example\tbackoff\tverdict=backoff scope=address key=c@three.example rule=greylisted category=transient code=450 status=4.2.0 until=2026-01-01T00:50:00Z' \
	'' --now $T20 record c@three.example '450 4.2.0 Greylisted'
t '421: back off the domain' 0 \
	$'d@four.example\tbackoff\tverdict=backoff scope=domain key=four.example rule=service-unavailable category=transient code=421 status=4.7.0 until=2026-01-01T00:15:00Z' \
	'' --now $T0 record d@four.example '421 4.7.0 mx.four.example Too many connections, slow down'

t 'check: the verdicts the replies left' 1 \
	$'a@one.example\tsuppress\tscope=address key=a@one.example rule=user-unknown category=bad-mailbox source=bounce
b@two.example\tallow\t
c@three.example\tbackoff\tscope=address key=c@three.example rule=greylisted category=transient source=bounce until=2026-01-01T00:50:00Z
d@four.example\tbackoff\tscope=domain key=four.example rule=service-unavailable category=transient source=bounce until=2026-01-01T00:15:00Z
x@mx.four.example\tbackoff\tscope=domain key=four.example rule=service-unavailable category=transient source=bounce until=2026-01-01T00:15:00Z' \
	'' --now $T10 check a@one.example b@two.example c@three.example d@four.example x@mx.four.example
T_FILTER='s/ origin=.*//' t "show: a domain backoff is in the recipient's history too" 0 \
	"d@four.example	backoff	scope=domain key=four.example rule=service-unavailable category=transient source=bounce until=2026-01-01T00:15:00Z
event	$T0	backoff	list=backoff source=bounce rule=service-unavailable category=transient code=421 status=4.7.0 reply=mx.four.example%20Too%20many%20connections,%20slow%20down until=2026-01-01T00:15:00Z verdict=backoff" \
	'' --now $T10 show d@four.example
t 'a domain backoff ends at its time' 0 $'d@four.example\tallow\t' '' --now $T20 check d@four.example

# a domain-scope outcome never covers a public suffix or a single label:
# the address gets it, and its event says why
t 'a bounce for signup@com: the address, not every .com' 0 \
	$'signup@com\tsuppress\tverdict=suppress scope=address key=signup@com rule=bad-domain-status category=bad-domain code=550 status=5.1.2' \
	'' --now $T0 record signup@com '550 5.1.2 Host or domain name not found'
t '... x@co.uk' 0 \
	$'x@co.uk\tsuppress\tverdict=suppress scope=address key=x@co.uk rule=bad-domain-status category=bad-domain code=550 status=5.1.2' \
	'' --now $T0 record x@co.uk '550 5.1.2 Host or domain name not found'
t '... x@localhost' 0 \
	$'x@localhost\tsuppress\tverdict=suppress scope=address key=x@localhost rule=bad-domain-status category=bad-domain code=550 status=5.1.2' \
	'' --now $T0 record x@localhost '550 5.1.2 Host or domain name not found'
t '... an IDN public suffix (公司.cn)' 0 \
	$'x@\xe5\x85\xac\xe5\x8f\xb8.cn\tsuppress\tverdict=suppress scope=address key=x@xn--55qx5d.cn rule=bad-domain-status category=bad-domain code=550 status=5.1.2' \
	'' --now $T0 record $'x@\xe5\x85\xac\xe5\x8f\xb8.cn' '550 5.1.2 Host or domain name not found'
t '... a domain backoff (421) for x@com' 0 \
	$'y@com\tbackoff\tverdict=backoff scope=address key=y@com rule=service-unavailable category=transient code=421 status=4.7.0 until=2026-01-01T00:15:00Z' \
	'' --now $T0 record y@com '421 4.7.0 Too many connections, slow down'
t '... every other address stays allowed' 0 \
	$'a@example.com\tallow\t\nb@bbc.co.uk\tallow\t\nz@localhost\tallow\t\na@shop.xn--55qx5d.cn\tallow\t' \
	'' --now $T0 check a@example.com b@bbc.co.uk z@localhost a@shop.xn--55qx5d.cn
t '... no domain entry was written (four.example is the 421 above)' 0 \
	$'four.example\tbackoff\tscope=domain source=bounce category=transient rule=service-unavailable code=421 status=4.7.0 created=2026-01-01T00:00:00Z updated=2026-01-01T00:00:00Z until=2026-01-01T00:15:00Z attempts=1' \
	'' --now $T0 list --domains
T_FILTER='s/ origin=.*//' t '... the event says why' 0 \
	"signup@com	suppress	scope=address key=signup@com rule=bad-domain-status category=bad-domain source=bounce
entry	suppress	scope=address source=bounce category=bad-domain rule=bad-domain-status code=550 status=5.1.2 reply=Host%20or%20domain%20name%20not%20found created=$T0 updated=$T0 count=1
event	$T0	suppress	list=suppress source=bounce rule=bad-domain-status category=bad-domain code=550 status=5.1.2 reply=Host%20or%20domain%20name%20not%20found reason=domain%20'com'%20is%20a%20public%20suffix:%20address%20scope verdict=suppress" \
	'' --now $T0 show signup@com

# the contract: a 2xx clears (the rule's name is the rules file's business)
T_FILTER='s/ rule=[^ ]*//' \
t '250: clear' 0 \
	$'c@three.example\tclear\tverdict=allow scope=address category=delivered code=250 status=2.0.0' \
	'' --now $T30 record c@three.example '250 2.0.0 Ok: queued as 4C7D1'
t 'the backoff is forgotten' 0 $'c@three.example\tallow\t' '' --now $T30 check c@three.example

t 'show: the history event names the rule' 0 \
	"a@one.example	suppress	scope=address key=a@one.example rule=user-unknown category=bad-mailbox source=bounce
entry	suppress	scope=address source=bounce category=bad-mailbox rule=user-unknown code=550 status=5.1.1 reply=<a@one.example>:%20Recipient%20address%20rejected:%20User%20unknown created=$T0 updated=$T0 count=1
event	$T0	suppress	list=suppress source=bounce rule=user-unknown category=bad-mailbox code=550 status=5.1.1 reply=<a@one.example>:%20Recipient%20address%20rejected:%20User%20unknown verdict=suppress origin=$ORIGIN seq=1" \
	'' --now $T30 show a@one.example

# a reply that is not UTF-8 (a Latin-1 server) is stored repaired, and
# stderr counts it, as add does for --reason
t 'a Latin-1 reply: stored repaired, said on stderr' 0 \
	$'l1@seven.example\tsuppress\tverdict=suppress scope=address key=l1@seven.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1' \
	'quell: record: reply: 2 bytes not UTF-8: stored repaired (read as Latin-1 or as U+FFFD)' \
	--now $T0 record l1@seven.example $'550 5.1.1 Benutzer unbekannt: M\xfcller \xe4'
T_FILTER='/^event/!d; s/ verdict=.*//; s/.*reply=//' t '... as UTF-8' 0 'Benutzer%20unbekannt:%20Müller%20ä' '' \
	--now $T0 show l1@seven.example
T_IN=$'l2@seven.example\t550 5.1.1 no \xff\nl3@seven.example\t550 5.1.1 no\nl4@seven.example\t550 5.1.1 \xe4\n' \
	t 'record -: one note for the replies repaired' 0 \
	$'l2@seven.example\tsuppress\tverdict=suppress scope=address key=l2@seven.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1
l3@seven.example\tsuppress\tverdict=suppress scope=address key=l3@seven.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1
l4@seven.example\tsuppress\tverdict=suppress scope=address key=l4@seven.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1' \
	'quell: record: 2 replies not UTF-8: stored repaired (read as Latin-1 or as U+FFFD)' \
	--now $T0 record -
t 'record -q: no note' 0 \
	$'l5@seven.example\tsuppress\tverdict=suppress scope=address key=l5@seven.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1' \
	'' --now $T0 -q record l5@seven.example $'550 5.1.1 \xe4'

# ----------------------------------------------------------------- JSON

t 'json: the contract fields' 0 \
	'{"address":"G@Six.example","code":550,"status":"5.1.1","text":"no such user","rule":"user-unknown","category":"bad-mailbox","action":"suppress","scope":"address","verdict":"suppress","until":null,"error":null}' \
	'' --now $T0 --json record G@Six.example '550 5.1.1 no such user'
t 'json: a backoff has its until' 0 \
	'{"address":"h@six.example","code":451,"status":"4.3.0","text":"try again later","rule":"remote-trouble","category":"transient","action":"backoff","scope":"domain","verdict":"backoff","until":"2026-01-01T00:15:00Z","error":null}' \
	'' --now $T0 record --json h@six.example '451 4.3.0 try again later'
t 'json: an invalid address' 65 \
	'{"address":"bad@","code":null,"status":null,"text":null,"rule":null,"category":null,"action":"invalid","scope":null,"verdict":null,"until":null,"error":"domain is empty"}' \
	'' --now $T0 --json record bad@ '550 5.1.1 no such user'

# -------------------------------------------------------------- record -

T_IN=$'i1@seven.example\t550 5.1.1 unknown\r
no tab here
\r
bad@\t550 5.1.1 unknown
i2@seven.example\t
i3@seven.example\t452 4.2.2 mailbox full
i4@seven.example\tsmtp; 550 5.1.1 <i4@seven.example>... User unknown' \
t 'stdin: bad lines answered, the rest recorded' 65 \
	$'i1@seven.example\tsuppress\tverdict=suppress scope=address key=i1@seven.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1
no tab here\tinvalid\terror=no%20tab%20between%20address%20and%20reply
bad@\tinvalid\terror=domain%20is%20empty
i2@seven.example\tinvalid\terror=empty%20reply
i3@seven.example\tcount\tverdict=allow scope=address key=i3@seven.example rule=mailbox-full category=quota code=452 status=4.2.2
i4@seven.example\tsuppress\tverdict=suppress scope=address key=i4@seven.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1' \
	'' --now $T0 record -
t '... and stored' 1 \
	$'i1@seven.example\tsuppress\tscope=address key=i1@seven.example rule=user-unknown category=bad-mailbox source=bounce
i4@seven.example\tsuppress\tscope=address key=i4@seven.example rule=user-unknown category=bad-mailbox source=bounce' \
	'' --now $T0 check i1@seven.example i4@seven.example
T_IN=$'j@eight.example\t550 5.1.1 unknown\nj@\t550 5.1.1 unknown\n' \
t 'stdin: json' 65 \
	'{"address":"j@eight.example","code":550,"status":"5.1.1","text":"unknown","rule":"user-unknown","category":"bad-mailbox","action":"suppress","scope":"address","verdict":"suppress","until":null,"error":null}
{"address":"j@","code":null,"status":null,"text":null,"rule":null,"category":null,"action":"invalid","scope":null,"verdict":null,"until":null,"error":"domain is empty"}' \
	'' --now $T0 --json record -
T_IN='' t 'stdin: nothing' 0 '' '' record -
T_IN=$'k@eight.example\t554 Transaction failed\n' t 'stdin: nothing invalid' 0 \
	$'k@eight.example\tignore\tverdict=allow scope=address rule=transaction-failed category=other code=554' \
	'' --now $T0 record -
t 'control bytes in the address column are encoded' 65 \
	$'a%1B[2J@x.example\tinvalid\terror=local%20part:%20control%20character%20\\x1B%20at%20character%202' \
	'' --now $T0 record $'a\e[2J@x.example' '550 5.1.1 unknown'

# ----------------------------------------------- a retried message counts once

t 'queue id: recorded' 0 \
	$'m@nine.example\tbackoff\tverdict=backoff scope=address key=m@nine.example rule=transient category=transient code=450 status=4.2.0 until=2026-01-01T00:15:00Z' \
	'' --now $T0 record --queue-id 4C7D1 m@nine.example '450 4.2.0 try later'
t 'queue id: the same again changes nothing' 0 \
	$'m@nine.example\tignore\tverdict=backoff scope=address rule=transient category=transient code=450 status=4.2.0 until=2026-01-01T00:15:00Z duplicate=1' \
	'' --now $T10 record --queue-id 4C7D1 m@nine.example '450 4.2.0 try later'
t 'message id: a new one counts' 0 \
	$'m@nine.example\tbackoff\tverdict=backoff scope=address key=m@nine.example rule=transient category=transient code=450 status=4.2.0 until=2026-01-01T00:50:00Z' \
	'' --now $T20 record --message-id '<x1@example.org>' m@nine.example '450 4.2.0 try later'

# ------------------------------------- count, clear: a rules file of our own

cat >"$T_DIR/full.yaml" <<'EOF'
version: 1
rules:
  - name: delivered
    when: { code: 2xx }
    then: { action: clear, category: delivered }
  - name: mailbox-full
    when: { status: [4.2.2, 5.2.2] }
    then: { action: count, threshold: 3, window: 7d, category: quota }
EOF
R=(--rules "$T_DIR/full.yaml")
COUNT=$'n@ten.example\tcount\tverdict=allow scope=address key=n@ten.example rule=mailbox-full category=quota code=452 status=4.2.2'
t 'count 1' 0 "$COUNT" '' "${R[@]}" --now 2026-01-01T00:00:00Z record n@ten.example '452 4.2.2 Mailbox full'
t 'count 1 again: the first fell out of the window' 0 "$COUNT" '' \
	"${R[@]}" --now 2026-01-09T00:00:00Z record n@ten.example '452 4.2.2 Mailbox full'
t 'count 2' 0 "$COUNT" '' "${R[@]}" --now 2026-01-10T00:00:00Z record n@ten.example '452 4.2.2 Mailbox full'
t 'count 3 within the window: suppress' 0 \
	$'n@ten.example\tsuppress\tverdict=suppress scope=address key=n@ten.example rule=mailbox-full category=quota code=452 status=4.2.2' \
	'' "${R[@]}" --now 2026-01-11T00:00:00Z record n@ten.example '452 4.2.2 Mailbox full'
T_FILTER='2,$d' t 'show: why' 0 \
	$'n@ten.example\tsuppress\tscope=address key=n@ten.example rule=mailbox-full category=quota source=bounce' \
	'' --now 2026-01-11T00:00:00Z show n@ten.example
T_FILTER='1,2d;4,$d;s/ origin=.*//' t 'show: the suppress event says how many' 0 \
	"event	2026-01-11T00:00:00Z	suppress	list=suppress source=bounce rule=mailbox-full category=quota code=452 status=4.2.2 reply=Mailbox%20full reason=3%20failures%20within%207%20days verdict=suppress" \
	'' --now 2026-01-11T00:00:00Z show n@ten.example

COUNT=$'o@ten.example\tcount\tverdict=allow scope=address key=o@ten.example rule=mailbox-full category=quota code=552 status=5.2.2'
t 'o: count 1' 0 "$COUNT" '' "${R[@]}" --now 2026-01-01T00:00:00Z record o@ten.example '552 5.2.2 over quota'
t 'o: count 2' 0 "$COUNT" '' "${R[@]}" --now 2026-01-02T00:00:00Z record o@ten.example '552 5.2.2 over quota'
t 'o: a delivery clears the count' 0 \
	$'o@ten.example\tclear\tverdict=allow scope=address rule=delivered category=delivered code=250 status=2.0.0' \
	'' "${R[@]}" --now 2026-01-03T00:00:00Z record o@ten.example '250 2.0.0 Ok: queued as 4C7D1'
t 'o: count 1 again' 0 "$COUNT" '' "${R[@]}" --now 2026-01-04T00:00:00Z record o@ten.example '552 5.2.2 over quota'
t 'o: count 2, no suppression' 0 "$COUNT" '' "${R[@]}" --now 2026-01-05T00:00:00Z record o@ten.example '552 5.2.2 over quota'

# ------------------------------------------------------ which rules file

CLEAR_P=$'p@ten.example\tclear\tverdict=allow scope=address rule=delivered category=delivered code=250 status=2.0.0'
QUELL_RULES=$T_DIR/full.yaml t '$QUELL_RULES' 0 "$CLEAR_P" '' --now $T0 record p@ten.example '250 2.0.0 ok'
QUELL_RULES=$T_DIR/nope.yaml t '--rules wins over $QUELL_RULES' 0 "$CLEAR_P" '' \
	--now $T0 record p@ten.example '250 2.0.0 ok' --rules "$T_DIR/full.yaml"
printf 'version: 1\nrules:\n  - name: x\n    when: { codee: 550 }\n    then: { action: suppress }\n' \
	>"$T_DIR/bad.yaml"
BAD_MSG="$T_DIR/bad.yaml:4:13: unknown key 'codee' in a rule's when (expected code, status, text or domain)"
t 'a bad rules file: 65, nothing recorded' 65 '' "quell: record: $BAD_MSG" \
	--rules "$T_DIR/bad.yaml" --now $T0 record q@ten.example '550 5.1.1 unknown'
QUELL_RULES=$T_DIR/bad.yaml t 'a bad $QUELL_RULES' 65 '' "quell: record: $BAD_MSG" \
	--now $T0 record q@ten.example '550 5.1.1 unknown'
t 'a missing rules file: 66' 66 '' "quell: record: $T_DIR/nope.yaml: No such file or directory" \
	--rules "$T_DIR/nope.yaml" --now $T0 record q@ten.example '550 5.1.1 unknown'
QUELL_RULES=$T_DIR/nope.yaml t 'a missing $QUELL_RULES: 66' 66 '' \
	"quell: record: $T_DIR/nope.yaml: No such file or directory" \
	--now $T0 record q@ten.example '550 5.1.1 unknown'
t '... so q was never recorded' 0 $'q@ten.example\tallow\t' '' --now $T0 check q@ten.example
if [ ! -e /etc/quell/rules.yaml ]; then
	QUELL_RULES='' t 'an empty $QUELL_RULES is as if unset: the defaults' 0 \
		$'q@ten.example\tsuppress\tverdict=suppress scope=address key=q@ten.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1' \
		'' --now $T0 record q@ten.example '550 5.1.1 unknown'
fi

# ---------------------------------------------------------------- misuse

USAGE='usage: quell record ADDR REPLY [--queue-id ID] [--message-id ID]
       quell record -'
t 'no address' 64 '' "quell: record: no address given
$USAGE" record
t 'no reply' 64 '' "quell: record: no reply given
$USAGE" record a@x.example
t 'an unquoted reply' 64 '' "quell: record: unexpected argument '5.1.1' (quote the reply)
$USAGE" record a@x.example 550 5.1.1 unknown
t "'-' and more" 64 '' "quell: record: '-' reads lines from stdin and comes alone
$USAGE" record - a@x.example
t '- with --queue-id' 64 '' "quell: record: --queue-id and --message-id go with one ADDR REPLY
$USAGE" record --queue-id Q1 -
t 'empty --message-id' 64 '' "quell: record: --message-id: empty id
$USAGE" record --message-id '' a@x.example '550 5.1.1 unknown'
t '--stream' 64 '' "quell: record: --stream: bounces never carry a stream
$USAGE" --stream news record a@x.example '550 5.1.1 unknown'
t 'empty --rules' 64 '' "quell: record: --rules: empty file name
$USAGE" --rules '' record a@x.example '550 5.1.1 unknown'
t 'bad --now' 64 '' "quell: record: --now: not a time: 'soon'
$USAGE" record --now soon a@x.example '550 5.1.1 unknown'
