# t_import.sh - import: plain lists with comments and bad rows, re-import,
# every provider fixture with its counts and the verdicts it leaves,
# --force-suppress, --dry-run (also with no database), --rejects, --list,
# --stream, --format, undetectable input, UTF-16 input, stdin, JSON, the progress line on
# a terminal, a signal midway, and usage errors.

T0=2026-01-01T00:00:00Z
DATA=$(cd "$(dirname "$T_SCRIPT")/../data/import" && pwd)
DEFAULT_RULES=$(cd "$(dirname "$T_SCRIPT")/../../config" && pwd)/rules.yaml
cd "$T_DIR" || exit 1
cp "$DATA"/* .
# Rules as in the contract, so that rule names stay put whatever the
# default rules become; one case below uses the default rules.
cat >rules.yaml <<'EOF'
version: 1
rules:
  - name: delivered
    when: { code: 2xx }
    then: { action: clear, category: delivered }
  - name: user-unknown
    when: { status: [5.1.1, 5.1.6, 5.2.1] }
    then: { action: suppress, scope: address, category: bad-mailbox }
  - name: policy-block
    when: { status: "5.7.*" }
    then: { action: ignore, category: policy }
  - name: throttled
    when: { code: 421 }
    then: { action: backoff, scope: domain, category: transient }
  - name: transient
    when: { code: 4xx }
    then: { action: backoff, scope: address, category: transient }
  - name: hard
    when: { code: 5xx }
    then: { action: suppress, scope: address, category: other }
EOF
export QUELL_RULES=$T_DIR/rules.yaml
USAGE='usage: quell import [--format F] [--dry-run] [--force-suppress] [--rejects FILE] [--list L] FILE|-'

# ---------------------------------------------------------- usage errors

t 'no input' 64 '' "quell: import: no input given (a FILE, or '-' for stdin)
$USAGE" import
t 'two inputs' 64 '' "quell: import: unexpected argument 'b.txt'
$USAGE" import a.txt b.txt
t 'unknown --format' 64 '' "quell: import: --format: unknown format 'excel' (plain, csv, jsonl, sendgrid, mailgun, ses or postmark)
$USAGE" import --format excel a.txt
t 'unknown --list' 64 '' "quell: import: --list: not a list: 'block' (suppress, allow or backoff)
$USAGE" import --list block a.txt
t '--list backoff with a plain --format' 64 '' "quell: import: --list backoff: only csv and jsonl rows hold backoff state
$USAGE" import --list backoff --format plain a.txt
t '--force-suppress with --list allow' 64 '' "quell: import: --force-suppress and --list allow contradict each other
$USAGE" import --force-suppress --list allow a.txt
t "--stream '*'" 64 '' "quell: import: --stream '*': an import writes to one stream
$USAGE" --stream '*' import a.txt
t 'a missing input' 66 '' 'quell: import: nothing.txt: No such file or directory' import nothing.txt
mkdir adir
t 'a directory as input' 66 '' 'quell: import: adir: Is a directory' import adir
ok 'no database was created' test ! -e "$QUELL_DB"

# --------------------------------------------------------------- plain

cat >list.txt <<'EOF'
# bounced last year
A@Example.com
b@example.com

  @gone.example
not an address
# a public suffix cannot be suppressed
co.uk
c@example.com
b@example.com
EOF
t 'plain: comments, blank lines and bad rows' 65 '' \
	"list.txt:6: domain: unexpected ' ' at character 4
list.txt:8: domain 'co.uk' is a public suffix
quell: import: list.txt: 7 read, 4 imported, 0 updated, 1 skipped, 2 rejected (format plain)" \
	--now $T0 import list.txt
t 'plain: what it suppressed' 1 \
	"a@example.com	suppress	scope=address key=a@example.com category=import source=import
x@mx.gone.example	suppress	scope=domain key=gone.example category=import source=import
d@example.com	allow	" \
	'' --now $T0 check a@example.com x@mx.gone.example d@example.com
t 'plain: importing it again changes nothing' 65 '' \
	"list.txt:6: domain: unexpected ' ' at character 4
list.txt:8: domain 'co.uk' is a public suffix
quell: import: list.txt: 7 read, 0 imported, 0 updated, 5 skipped, 2 rejected (format plain)" \
	--now $T0 import list.txt
t 'plain: -q keeps the rejects, drops the summary' 65 '' \
	"list.txt:6: domain: unexpected ' ' at character 4
list.txt:8: domain 'co.uk' is a public suffix" \
	--now $T0 import -q list.txt
T_FILTER='s/ origin=.*//' t 'plain: one import event in the history' 0 \
	"a@example.com	suppress	scope=address key=a@example.com category=import source=import
entry	suppress	scope=address source=import category=import created=$T0 updated=$T0 count=1
event	$T0	suppress	list=suppress source=import category=import verdict=suppress" \
	'' --now $T0 show a@example.com
T_IN=$'e@example.com\r\nf@example.com\n' t 'plain from stdin, CRLF' 0 '' \
	'quell: import: -: 2 read, 2 imported, 0 updated, 0 skipped, 0 rejected (format plain)' \
	--now $T0 import -
t 'an empty input is an empty plain list' 0 '' \
	'quell: import: -: 0 read, 0 imported, 0 updated, 0 skipped, 0 rejected (format plain)' \
	--now $T0 import -
t 'json summary' 65 \
	'{"file":"list.txt","format":"plain","read":7,"imported":0,"updated":0,"skipped":5,"rejected":2,"repaired":0,"dry_run":false}' \
	"list.txt:6: domain: unexpected ' ' at character 4
list.txt:8: domain 'co.uk' is a public suffix" \
	--now $T0 --json import list.txt

# ------------------------------------------------------------- --rejects

t '--rejects: rejected rows go to the file' 65 '' \
	"quell: import: 2 rejected rows written to rejects.txt
quell: import: list.txt: 7 read, 0 imported, 0 updated, 5 skipped, 2 rejected (format plain)" \
	--now $T0 import --rejects rejects.txt list.txt
ok '--rejects: the file holds FILE:LINE: reason' test "$(cat rejects.txt)" = \
	"list.txt:6: domain: unexpected ' ' at character 4
list.txt:8: domain 'co.uk' is a public suffix"
printf 'g@example.com\n' >unsubscribes.txt
t '--rejects with none: an empty file' 0 '' \
	'quell: import: unsubscribes.txt: 1 read, 1 imported, 0 updated, 0 skipped, 0 rejected (format plain)' \
	--now $T0 import --rejects rejects.txt unsubscribes.txt
ok '--rejects: truncated' test ! -s rejects.txt
t '--rejects in a missing directory' 74 '' \
	'quell: import: nodir/r.txt: No such file or directory' \
	--now $T0 import --rejects nodir/r.txt unsubscribes.txt

# -------------------------------------------------------------- --dry-run

# every entry, and the counts with the last change's sequence number
snapshot() { q --now $T0 --stream '*' list && q --now $T0 stats; }
snapshot >before.txt
printf 'h@example.com\nb@example.com\n' >two.txt
t '--dry-run: counts what it would do' 0 '' \
	'quell: import: two.txt: 2 read, 1 imported, 0 updated, 1 skipped, 0 rejected (format plain, dry run)' \
	--now $T0 import --dry-run two.txt
snapshot >after.txt
ok '--dry-run: the database is unchanged' cmp -s before.txt after.txt
t '--dry-run --json' 0 \
	'{"file":"two.txt","format":"plain","read":2,"imported":1,"updated":0,"skipped":1,"rejected":0,"repaired":0,"dry_run":true}' \
	'' --now $T0 --json import --dry-run two.txt
mkdir tmp
TMPDIR=$T_DIR/tmp t '--dry-run with no database: as into an empty one' 65 '' \
	"list.txt:6: domain: unexpected ' ' at character 4
list.txt:8: domain 'co.uk' is a public suffix
quell: import: list.txt: 7 read, 4 imported, 0 updated, 1 skipped, 2 rejected (format plain, dry run)" \
	--db "$T_DIR/dry" --now $T0 import --dry-run list.txt
ok '--dry-run with no database: none created' test ! -e "$T_DIR/dry"
ok '--dry-run with no database: no scratch left' test -z "$(ls -A tmp)"

# ---------------------------------------------- provider exports, counts

# one database per fixture: DB NAME
db() { echo "$T_DIR/db-$1"; }
imp() {
	local f=$1 want_rc=$2 summary=$3
	shift 3
	t "import $f" "$want_rc" '' "$summary" --db "$(db "$f")" --now $T0 import "$@" "$f"
}
lst() { t "$1: the entries" 0 "$2" '' --db "$(db "$1")" --now $T0 --stream '*' list; }

imp sendgrid-bounces.csv 0 'quell: import: sendgrid-bounces.csv: 5 read, 4 imported, 0 updated, 1 skipped, 0 rejected (format sendgrid)'
lst sendgrid-bounces.csv '"odd,local"@example.net	suppress	scope=address source=bounce category=bad-mailbox rule=user-unknown code=550 status=5.1.1 created=2023-11-15T00:13:20Z updated=2023-11-15T00:13:20Z
bounced1@example.com	suppress	scope=address source=bounce category=bad-mailbox rule=user-unknown code=550 status=5.1.1 created=2023-11-14T22:13:19Z updated=2023-11-14T22:13:19Z
bounced2@example.org	suppress	scope=address source=bounce category=bad-mailbox rule=user-unknown code=550 status=5.2.1 created=2023-11-14T23:13:20Z updated=2023-11-14T23:13:20Z
last@example.com	suppress	scope=address source=bounce category=import created=2023-11-15T02:13:20Z updated=2023-11-15T02:13:20Z'
t 'sendgrid bounces: 5.1.1 suppressed, the 5.7.1 rate block allowed' 1 \
	'bounced1@example.com	suppress	scope=address key=bounced1@example.com rule=user-unknown category=bad-mailbox source=bounce
multi@example.com	allow	' \
	'' --db "$(db sendgrid-bounces.csv)" --now $T0 check bounced1@example.com multi@example.com
imp sendgrid-bounces.csv 0 'quell: import: sendgrid-bounces.csv: 5 read, 0 imported, 0 updated, 5 skipped, 0 rejected (format sendgrid)'

imp sendgrid-blocks.csv 0 'quell: import: sendgrid-blocks.csv: 2 read, 1 imported, 0 updated, 1 skipped, 0 rejected (format sendgrid)'
T_FILTER='s/ origin=.*//' t 'sendgrid blocks: the 5.7.1 block is ignored, the address allowed' 0 \
	'blocked@example.com	allow	
event	2023-11-14T22:13:20Z	ignore	source=bounce rule=policy-block category=policy code=550 status=5.7.1 reply=Service%20unavailable;%20Client%20host%20[192.0.2.1]%20blocked%20using%20zen.spamhaus.org verdict=allow' \
	'' --db "$(db sendgrid-blocks.csv)" --now $T0 show blocked@example.com
imp sendgrid-blocks.csv 0 'quell: import: sendgrid-blocks.csv: 2 read, 2 imported, 0 updated, 0 skipped, 0 rejected (format sendgrid)' \
	--force-suppress
t 'sendgrid blocks, --force-suppress: suppressed as they stand' 1 \
	'blocked@example.com	suppress	scope=address key=blocked@example.com category=import source=bounce
greylisted@example.org	suppress	scope=address key=greylisted@example.org category=import source=bounce' \
	'' --db "$(db sendgrid-blocks.csv)" --now $T0 check blocked@example.com greylisted@example.org

# the default rules keep a block from suppressing too
t 'import sendgrid-blocks.csv with the default rules' 0 '' \
	'quell: import: sendgrid-blocks.csv: 2 read, 1 imported, 0 updated, 1 skipped, 0 rejected (format sendgrid)' \
	--db "$T_DIR/db-default" --rules "$DEFAULT_RULES" --now $T0 import sendgrid-blocks.csv
t 'default rules: the blocked address is allowed' 0 'blocked@example.com	allow	' '' \
	--db "$T_DIR/db-default" --now $T0 check blocked@example.com

# a row dated past a day after now (a wrong clock, zone or column) is
# rejected with its line: kept, it would outlive every later change; a
# day ahead still passes (clocks and zones), and the other rows go in
printf 'email,created,status,reason\nsoon@example.com,1767312000,5.1.1,"550 5.1.1 User unknown"\nfar@example.com,4102444800,5.1.1,"550 5.1.1 User unknown"\nnow@example.com,1767225600,5.1.1,"550 5.1.1 User unknown"\n' >future.csv
imp future.csv 65 'future.csv:3: created 2100-01-01T00:00:00Z is more than a day after now
quell: import: future.csv: 3 read, 2 imported, 0 updated, 0 skipped, 1 rejected (format sendgrid)'
lst future.csv 'now@example.com	suppress	scope=address source=bounce category=bad-mailbox rule=user-unknown code=550 status=5.1.1 created=2026-01-01T00:00:00Z updated=2026-01-01T00:00:00Z
soon@example.com	suppress	scope=address source=bounce category=bad-mailbox rule=user-unknown code=550 status=5.1.1 created=2026-01-02T00:00:00Z updated=2026-01-02T00:00:00Z'

imp sendgrid-invalid-emails.csv 0 'quell: import: sendgrid-invalid-emails.csv: 2 read, 2 imported, 0 updated, 0 skipped, 0 rejected (format sendgrid)'
lst sendgrid-invalid-emails.csv 'nobody@example.invalid	suppress	scope=address source=bounce category=bad-mailbox reason=Mail%20domain%20mentioned%20in%20email%20address%20is%20unknown created=2023-11-14T22:13:19Z updated=2023-11-14T22:13:19Z
typo@gmial.con	suppress	scope=address source=bounce category=bad-mailbox reason=Known%20bad%20domain created=2023-11-14T22:15:00Z updated=2023-11-14T22:15:00Z'

imp sendgrid-spam-reports.csv 0 'quell: import: sendgrid-spam-reports.csv: 2 read, 2 imported, 0 updated, 0 skipped, 0 rejected (format sendgrid)'
lst sendgrid-spam-reports.csv 'another.complainer@example.org	suppress	scope=address source=complaint category=complaint created=2023-11-14T22:13:20Z updated=2023-11-14T22:13:20Z
complainer@example.com	suppress	scope=address source=complaint category=complaint created=2023-11-14T22:13:19Z updated=2023-11-14T22:13:19Z'

imp sendgrid-unsubscribes.csv 0 'quell: import: sendgrid-unsubscribes.csv: 2 read, 2 imported, 0 updated, 0 skipped, 0 rejected (format sendgrid)' \
	--stream news
lst sendgrid-unsubscribes.csv 'leaver@example.com	suppress	scope=address stream=news source=unsubscribe category=unsubscribe created=2023-11-14T22:13:19Z updated=2023-11-14T22:13:19Z
other.leaver@example.net	suppress	scope=address stream=news source=unsubscribe category=unsubscribe created=2023-11-15T08:00:00Z updated=2023-11-15T08:00:00Z'
t 'unsubscribes on --stream news: allowed without the stream' 0 'leaver@example.com	allow	' '' \
	--db "$(db sendgrid-unsubscribes.csv)" --now $T0 check leaver@example.com

imp sendgrid-group-unsubscribes.csv 0 'quell: import: sendgrid-group-unsubscribes.csv: 3 read, 3 imported, 0 updated, 0 skipped, 0 rejected (format sendgrid)'
lst sendgrid-group-unsubscribes.csv 'nameless@example.com	suppress	scope=address stream=4242 source=unsubscribe category=unsubscribe created=2023-11-14T22:13:21Z updated=2023-11-14T22:13:21Z
reader@example.com	suppress	scope=address stream=newsletter source=unsubscribe category=unsubscribe created=2023-11-14T22:13:19Z updated=2023-11-14T22:13:19Z
shopper@example.com	suppress	scope=address stream=promotions source=unsubscribe category=unsubscribe created=2023-11-14T22:13:20Z updated=2023-11-14T22:13:20Z'

imp mailgun-bounces.csv 0 'quell: import: mailgun-bounces.csv: 3 read, 3 imported, 0 updated, 0 skipped, 0 rejected (format mailgun)'
lst mailgun-bounces.csv 'alice@example.com	suppress	scope=address source=bounce category=bad-mailbox rule=user-unknown code=550 status=5.1.1 created=2023-11-14T22:13:20Z updated=2023-11-14T22:13:20Z
bob@example.net	suppress	scope=address source=bounce category=other rule=hard code=550 created=2023-11-15T08:00:00Z updated=2023-11-15T08:00:00Z
carol@example.org	suppress	scope=address source=bounce category=import created=2023-11-16T09:30:00Z updated=2023-11-16T09:30:00Z'

# the providers' API answers: SendGrid's JSON array, Mailgun's pages
imp sendgrid-api-bounces.json 0 'quell: import: sendgrid-api-bounces.json: 2 read, 2 imported, 0 updated, 0 skipped, 0 rejected (format sendgrid)'
imp mailgun-api-unsubscribes.json 0 'quell: import: mailgun-api-unsubscribes.json: 3 read, 3 imported, 0 updated, 0 skipped, 0 rejected (format mailgun)'
lst mailgun-api-unsubscribes.json 'alice@example.com	suppress	scope=address source=unsubscribe category=unsubscribe created=2011-10-21T11:02:55Z updated=2011-10-21T11:02:55Z
bob@example.com	suppress	scope=address stream=newsletter source=unsubscribe category=unsubscribe created=2011-10-21T11:02:55Z updated=2011-10-21T11:02:55Z
bob@example.com	suppress	scope=address stream=promo source=unsubscribe category=unsubscribe created=2011-10-21T11:02:55Z updated=2011-10-21T11:02:55Z'
imp mailgun-unsubscribes.csv 0 'quell: import: mailgun-unsubscribes.csv: 5 read, 5 imported, 0 updated, 0 skipped, 0 rejected (format mailgun)'
lst mailgun-unsubscribes.csv 'dave@example.com	suppress	scope=address source=unsubscribe category=unsubscribe created=2023-11-14T22:13:20Z updated=2023-11-14T22:13:20Z
erin@example.com	suppress	scope=address stream=newsletter source=unsubscribe category=unsubscribe created=2023-11-14T22:14:00Z updated=2023-11-14T22:14:00Z
frank@example.com	suppress	scope=address stream=newsletter source=unsubscribe category=unsubscribe created=2023-11-14T22:15:00Z updated=2023-11-14T22:15:00Z
frank@example.com	suppress	scope=address stream=promotions source=unsubscribe category=unsubscribe created=2023-11-14T22:15:00Z updated=2023-11-14T22:15:00Z
grace@example.com	suppress	scope=address source=unsubscribe category=unsubscribe created=2023-11-14T22:16:00Z updated=2023-11-14T22:16:00Z'

imp mailgun-complaints.csv 0 'quell: import: mailgun-complaints.csv: 2 read, 2 imported, 0 updated, 0 skipped, 0 rejected (format mailgun)'
lst mailgun-complaints.csv 'heidi@example.com	suppress	scope=address source=complaint category=complaint created=2023-11-14T22:13:20Z updated=2023-11-14T22:13:20Z
ivan@example.org	suppress	scope=address source=complaint category=complaint created=2023-11-17T17:00:00Z updated=2023-11-17T17:00:00Z'

SES_LIST='recipient1@example.com	suppress	scope=address source=bounce category=import created=2023-11-14T22:13:20Z updated=2023-11-14T22:13:20Z
recipient2@example.com	suppress	scope=address source=complaint category=complaint created=2023-11-15T08:00:00Z updated=2023-11-15T08:00:00Z'
imp ses-list-suppressed-destinations.json 0 'quell: import: ses-list-suppressed-destinations.json: 2 read, 2 imported, 0 updated, 0 skipped, 0 rejected (format ses)'
lst ses-list-suppressed-destinations.json "$SES_LIST"
imp ses-suppressions.csv 0 'quell: import: ses-suppressions.csv: 2 read, 2 imported, 0 updated, 0 skipped, 0 rejected (format ses)'
lst ses-suppressions.csv "recipient1@example.com	suppress	scope=address source=bounce category=import created=$T0 updated=$T0
recipient2@example.com	suppress	scope=address source=complaint category=complaint created=$T0 updated=$T0"
imp ses-suppressions.jsonl 0 'quell: import: ses-suppressions.jsonl: 2 read, 2 imported, 0 updated, 0 skipped, 0 rejected (format ses)'
lst ses-suppressions.jsonl "recipient1@example.com	suppress	scope=address source=bounce category=import created=$T0 updated=$T0
recipient2@example.com	suppress	scope=address source=complaint category=complaint created=2023-11-14T22:13:20Z updated=2023-11-14T22:13:20Z"

imp postmark-suppressions.json 0 'quell: import: postmark-suppressions.json: 4 read, 4 imported, 0 updated, 0 skipped, 0 rejected (format postmark)'
lst postmark-suppressions.json 'address@example.com	suppress	scope=address source=unsubscribe category=unsubscribe created=2019-12-10T13:58:33Z updated=2019-12-10T13:58:33Z
bounce.address@example.com	suppress	scope=address source=bounce category=import created=2019-12-11T13:58:33Z updated=2019-12-11T13:58:33Z
customer.added@example.com	suppress	scope=address source=manual category=manual created=2019-12-13T13:58:33Z updated=2019-12-13T13:58:33Z
spam.complaint.address@example.com	suppress	scope=address source=complaint category=complaint created=2019-12-12T13:58:33Z updated=2019-12-12T13:58:33Z'
imp postmark-suppressions.csv 0 'quell: import: postmark-suppressions.csv: 4 read, 4 imported, 0 updated, 0 skipped, 0 rejected (format postmark)'
t "postmark: the recipient's own and an admin's suppression" 1 \
	'address@example.com	suppress	scope=address key=address@example.com category=unsubscribe source=unsubscribe
admin.added@example.com	suppress	scope=address key=admin.added@example.com category=manual source=manual' \
	'' --db "$(db postmark-suppressions.csv)" --now $T0 check address@example.com admin.added@example.com
q --db "$(db postmark-suppressions.csv)" --now $T0 allow -q address@example.com admin.added@example.com
t 'postmark: an unsubscribe beats the allow list, a manual one does not' 1 \
	'address@example.com	suppress	scope=address key=address@example.com category=unsubscribe source=unsubscribe
admin.added@example.com	allow	scope=address key=admin.added@example.com category=manual source=manual' \
	'' --db "$(db postmark-suppressions.csv)" --now $T0 check address@example.com admin.added@example.com

# ------------------------------------------------------ bad provider rows

imp bad-quoting.csv 65 'bad-quoting.csv:3: text after a closing quote
bad-quoting.csv:4: quote inside an unquoted cell
bad-quoting.csv:6: 2 columns where the header has 4
bad-quoting.csv:7: quoted cell not closed at the end of the input
quell: import: bad-quoting.csv: 6 read, 2 imported, 0 updated, 0 skipped, 4 rejected (format sendgrid)'
imp malformed.json 65 "malformed.json:3: malformed JSON: string or '}' expected near ','
malformed.json:5: bad reason (HardBounce, SpamComplaint or ManualSuppression) in 'SuppressionReason': 'Bored'
malformed.json:6: malformed JSON: an object was expected
malformed.json:8: malformed JSON: expected ',' or ']' after an array element, found '{'
quell: import: malformed.json: 7 read, 3 imported, 0 updated, 0 skipped, 4 rejected (format postmark)"
# a reply that is not UTF-8 is repaired and counted, never rejected; an
# address that is not is rejected
imp invalid-utf8.csv 65 "invalid-utf8.csv:4: invalid UTF-8 in 'email' at byte 2
quell: import: invalid-utf8.csv: 5 read, 4 imported, 0 updated, 0 skipped, 1 rejected, 2 repaired (format sendgrid)"

# -------------------------------------------------------------- --format

printf 'name,when\nx@example.com,today\n' >odd.csv
t 'a format that cannot be told' 65 '' \
	'quell: import: odd.csv:1: cannot tell the format from the first line; name it with --format' \
	--db "$(db odd)" --now $T0 import odd.csv
# Excel's "Unicode text" and Windows tools write UTF-16: refused whole,
# with its cure, instead of one NUL complaint per row
printf '\377\376e\000m\000a\000i\000l\000\n\000' >utf16.csv
t 'UTF-16 with its byte order mark' 65 '' \
	'quell: import: utf16.csv:1: the input is UTF-16; quell reads UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)' \
	--db "$(db odd)" --now $T0 import utf16.csv
printf 'x\000@\000e\000.\000c\000o\000\n\000' >utf16-nobom.txt
t 'UTF-16 without one, --format named' 65 '' \
	'quell: import: utf16-nobom.txt:1: the input is UTF-16; quell reads UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)' \
	--db "$(db odd)" --now $T0 import --format plain utf16-nobom.txt
t '--format names one that does not fit' 65 '' \
	"quell: import: odd.csv:1: csv: no 'entry' column in the header" \
	--db "$(db odd)" --now $T0 import --format csv odd.csv
printf 'x@example.com,BOUNCE\n' >headless.csv
t 'detected: ses without a header line' 0 '' \
	'quell: import: headless.csv: 1 read, 1 imported, 0 updated, 0 skipped, 0 rejected (format ses)' \
	--db "$(db headless)" --now $T0 import headless.csv
t '--format plain: the whole line is the entry' 65 '' \
	"headless.csv:1: domain: unexpected ',' at character 14
quell: import: headless.csv: 1 read, 0 imported, 0 updated, 0 skipped, 1 rejected (format plain)" \
	--db "$(db headless)" --now $T0 import --format plain headless.csv
t '--list backoff on a detected plain list' 64 '' \
	'quell: import: list backoff: only csv and jsonl rows hold backoff state, not plain' \
	--db "$(db headless)" --now $T0 import --list backoff two.txt

# ---------------------------------------------------------------- --list

t '--list allow: plain rows on the allow list' 0 '' \
	'quell: import: two.txt: 2 read, 2 imported, 0 updated, 0 skipped, 0 rejected (format plain)' \
	--db "$(db allow)" --now $T0 import --list allow two.txt
t '--list allow: provider rows too, replies or not' 0 '' \
	'quell: import: sendgrid-bounces.csv: 5 read, 5 imported, 0 updated, 0 skipped, 0 rejected (format sendgrid)' \
	--db "$(db allow)" --now $T0 import --list allow sendgrid-bounces.csv
t '--list allow: allowed' 0 \
	'h@example.com	allow	scope=address key=h@example.com category=import source=import
bounced1@example.com	allow	scope=address key=bounced1@example.com category=import source=bounce' \
	'' --db "$(db allow)" --now $T0 check h@example.com bounced1@example.com
cat >state.csv <<EOF
entry,list,scope,stream,source,category,rule,code,status,reply,reason,created,updated,expires,until,first_failure,attempts,count
s@example.com,suppress,address,,manual,manual,,,,,,$T0,$T0,,,,0,1
n@example.com,,address,,manual,manual,,,,,,$T0,$T0,,,,0,1
a@example.com,allow,address,,manual,manual,,,,,,$T0,$T0,,,,0,0
b@example.com,backoff,address,,bounce,transient,transient,451,4.3.0,try later,,$T0,$T0,,2026-01-01T00:15:00Z,$T0,1,0
EOF
t '--list backoff: csv rows of that list only' 0 '' \
	'quell: import: state.csv: 4 read, 1 imported, 0 updated, 3 skipped, 0 rejected (format csv)' \
	--db "$(db lists)" --now $T0 import --list backoff state.csv
t '--list suppress: a row without a list is a suppress row' 0 '' \
	'quell: import: state.csv: 4 read, 2 imported, 0 updated, 2 skipped, 0 rejected (format csv)' \
	--db "$(db lists)" --now $T0 import --list suppress state.csv
t '--list: what each import took' 0 \
	"b@example.com	backoff	scope=address source=bounce category=transient rule=transient code=451 status=4.3.0 created=$T0 updated=$T0 until=2026-01-01T00:15:00Z attempts=1
n@example.com	suppress	scope=address source=manual category=manual created=$T0 updated=$T0
s@example.com	suppress	scope=address source=manual category=manual created=$T0 updated=$T0" \
	'' --db "$(db lists)" --now $T0 list

# ------------------------------------------------------------- progress

# On a terminal: a line redrawn in place, blanked out before the summary.
# Rows come through a pipe in two bursts a second apart, so the second
# batch is committed after the line's half-second delay.
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
	progress() {
		local got rest
		got=$(script -qec "{ seq 1 20000; sleep 1; seq 20001 40000; } | sed 's/.*/p&@progress.example/' |
			$QUELL_WRAP $QUELL_BIN --db $T_DIR/db-progress --now $T0 import -" /dev/null |
			sed -e 's/\r$//')
		rest=${got%$'\r'*}
		# a line drawn ...
		[[ $got == $'\rquell: import: '*' rows, '*' rows/s'* ]] &&
			# ... blanked out with spaces ...
			[[ ${rest##*$'\r'} =~ ^\ +$ ]] &&
			# ... and the summary in its place
			[ "${got##*$'\r'}" = 'quell: import: -: 40000 read, 40000 imported, 0 updated, 0 skipped, 0 rejected (format plain)' ]
	}
	ok 'progress on a terminal, cleared before the summary' progress
	quiet_tty() {
		local got
		got=$(script -qec "seq 1 20000 | sed 's/.*/p&@progress.example/' |
			$QUELL_WRAP $QUELL_BIN --db $T_DIR/db-progress --now $T0 import -q -" /dev/null)
		[ -z "$got" ]
	}
	ok 'no progress with -q' quiet_tty
fi

# ------------------------------------------------------- a signal midway

# Rows are sorted as a whole before the first batch is written, so an
# import stopped while it still reads has written nothing; SIGTERM
# (background jobs of a script ignore SIGINT) ends it with that note, and
# the database is as it was.
signal() {
	local pid writer state rc i got
	mkfifo fifo
	{
		seq 1 20000 | sed 's/.*/s&@signal.example/'
		seq 1 10000 | sed 's/.*/# padding padding padding &/'
		exec sleep 60
	} >fifo &
	writer=$!
	# shellcheck disable=SC2086 # QUELL_WRAP is a command line
	$QUELL_WRAP "$QUELL_BIN" --db "$T_DIR/db-signal" --now $T0 import fifo 2>signal.err &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		got=$(sed -n 's/^rchar: //p' /proc/$pid/io 2>/dev/null)
		state=$(sed 's/.*) \(.\).*/\1/' /proc/$pid/stat 2>/dev/null)
		[ "${got:-0}" -ge 600000 ] && [ "$state" = S ] && break
		sleep 0.1
	done
	kill -TERM $pid
	wait $pid
	rc=$?
	kill $writer 2>/dev/null
	wait $writer 2>/dev/null
	# (valgrind reports what a process killed by a signal still held)
	[ $rc = 143 ] &&
		[ "$(grep -v '^==[0-9]*==' signal.err)" = 'quell: import: fifo: interrupted before the first batch was committed: nothing imported' ]
}
if [ -d /proc/self ]; then
	ok 'SIGTERM while reading: a note that nothing was written, then death by the signal' signal
	t 'nothing is half-written' 0 \
		's20000@signal.example	allow	' \
		'' --db "$T_DIR/db-signal" --now $T0 check s20000@signal.example
fi

# a full disk under the temporary files: one message that says what failed
# where, exit 74.  Needs a private mount namespace (root, as in CI) for a
# 64 KiB tmpfs; 500000 rows fill more than one sorted run.
full_tmp() {
	seq 1 500000 | sed 's/.*/u&@full.example/' >full.txt
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m bash -c 'mount -t tmpfs -o size=64k tmpfs "$1" &&
		TMPDIR=$1 $QUELL_WRAP "$QUELL_BIN" --db "$2" --now 2026-01-01T00:00:00Z import full.txt' \
		full "$T_DIR/tiny" "$T_DIR/db-full" 2>full.err
	rc=$?
	[ $rc = 74 ] &&
		[ "$(grep -v '^==[0-9]*==' full.err)" = "quell: import: temporary file in $T_DIR/tiny: write error: No space left on device" ]
}
mkdir -p "$T_DIR/tiny"
if unshare -m bash -c 'mount -t tmpfs -o size=64k tmpfs "$1"' tiny "$T_DIR/tiny" 2>/dev/null; then
	ok 'a full disk under the temporary files is said once, with what failed where' full_tmp
else
	echo "SKIP $T_NAME: a full disk under the temporary files (no private tmpfs mount: not root?)"
fi
