# t_serve_sendgrid.sh - quell serve's SendGrid-compatible endpoints
# (/v3/suppression/*, /v3/asm/*): the recorded request/response shapes of
# SendGrid's API reference (tests/data/sendgrid-api/) replayed against a
# live server and compared field by field (tests/sendgrid_shapes.py), then
# exact answers: the kinds quell's entries map to, paging with
# limit/offset and start_time/end_time, the email filter, SendGrid's
# error shape, and stored text escaped.  The server listens on a free
# port and is stopped by its PID.

PY=/usr/bin/python3
need "$CURL" "$PY" || return 0
HERE=$(cd "$(dirname "$T_SCRIPT")" && pwd)
DATA=$HERE/../data/sendgrid-api
NOW=2026-11-28T10:00:00Z
# shellcheck disable=SC2034 # read by h (lib.sh)
H_TIMEOUT=20 # requests on big answers

DB=$T_DIR/db
q --db "$DB" --now "$NOW" import --format jsonl "$DATA/seed.jsonl" 2>/dev/null
start serve --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0

# the reference's shapes, case by case (each case prints ok or FAIL)
"$PY" "$HERE/../sendgrid_shapes.py" "$URL" "$DATA/cases.jsonl" >"$T_DIR/shapes.out" 2>&1
while read -r word rest; do
	case $word in
	ok) echo pass >>"$T_RESULTS" ;;
	FAIL) echo fail >>"$T_RESULTS"; echo "FAIL $T_NAME: SendGrid shape: $rest" ;;
	esac
done <"$T_DIR/shapes.out"
grep -q '^30 cases, 0 failed$' "$T_DIR/shapes.out" && echo pass >>"$T_RESULTS" ||
	{ echo fail >>"$T_RESULTS"; echo "FAIL $T_NAME: shapes: $(tail -1 "$T_DIR/shapes.out")"; }
stop

# exact answers on a fresh copy of the seed
rm -rf "$DB"
q --db "$DB" --now "$NOW" import --format jsonl "$DATA/seed.jsonl" 2>/dev/null
q --db "$DB" --now "$NOW" add --source complaint 'spam2@example.com' 2>/dev/null
q --db "$DB" --now "$NOW" add --reason $'evil\e[2J\x7f' 'manual@example.com' 2>/dev/null
printf '%s\n' '{"entry":"invalid2@example.com","list":"suppress","scope":"address","stream":null,"source":"bounce","category":"bad-mailbox","rule":null,"code":null,"status":null,"reply":null,"reason":"bad \u001b[31m\u0085 domain","created":"2015-12-12T20:54:16Z","updated":"2015-12-12T20:54:16Z","expires":null,"until":null,"first_failure":null,"attempts":null,"count":1}' |
	q --db "$DB" --now "$NOW" import --format jsonl - 2>/dev/null
start serve --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0
h 'bounces: created in Unix seconds, reason with code and status' 200 \
	'[{"created":1443651125,"email":"bounce1@test.com","reason":"550 5.1.1 The email account that you tried to reach does not exist.","status":"5.1.1"},{"created":1443737525,"email":"bounce2@test.com","reason":"550 5.1.1 Recipient address rejected: User unknown in virtual alias table","status":"5.1.1"}]' \
	"$URL/v3/suppression/bounces"
h 'bounces: end_time is inclusive' 200 \
	'[{"created":1443651125,"email":"bounce1@test.com","reason":"550 5.1.1 The email account that you tried to reach does not exist.","status":"5.1.1"}]' \
	"$URL/v3/suppression/bounces?end_time=1443651125"
h 'bounces: start_time is inclusive, offset past it' 200 '[]' \
	"$URL/v3/suppression/bounces?start_time=1443651125&offset=2"
h 'bounces: the email filter, a prefix with % wildcards' 200 \
	'[{"created":1443737525,"email":"bounce2@test.com","reason":"550 5.1.1 Recipient address rejected: User unknown in virtual alias table","status":"5.1.1"}]' \
	"$URL/v3/suppression/bounces?email=%25nce2"
h 'invalid emails: stored control bytes escaped' 200 \
	'[{"created":1449953655,"email":"invalid1@example.com","reason":"Mail domain mentioned in email address is unknown"},{"created":1449953656,"email":"invalid2@example.com","reason":"bad \u001B[31m\u0085 domain"}]' \
	"$URL/v3/suppression/invalid_emails"
h 'spam reports: complaints, no sending ip kept' 200 \
	'[{"created":1443651141,"email":"spam1@example.com","ip":""},{"created":1795860000,"email":"spam2@example.com","ip":""}]' \
	"$URL/v3/suppression/spam_reports"
h 'a hand-made suppression is no SendGrid kind' 200 '[]' \
	"$URL/v3/suppression/bounces/manual@example.com"
h 'an unknown list: 404 in SendGrid'"'"'s shape' 404 \
	'{"errors":[{"field":null,"message":"no such suppression list: /v3/suppression/softbounces"}]}' \
	"$URL/v3/suppression/softbounces"
h 'limit over 500: 400 naming the field' 400 \
	'{"errors":[{"field":"limit","message":"limit: '"'"'501'"'"' is not a number from 0 to 500"}]}' \
	"$URL/v3/suppression/blocks?limit=501"
h 'a delete body that is neither form' 400 \
	'{"errors":[{"field":null,"message":"give delete_all: true or emails"}]}' \
	-X DELETE "$URL/v3/suppression/spam_reports" -d '{"delete_all":false}'
h 'a group add with a bad address writes nothing' 400 \
	'{"errors":[{"field":"recipient_emails","message":"recipient_emails[1]: '"'"'nope'"'"' is not an email address"}]}' \
	-X POST "$URL/v3/asm/groups/7/suppressions" -d '{"recipient_emails":["g7@example.com","nope"]}'
h 'group 7 is still empty' 200 '[]' "$URL/v3/asm/groups/7/suppressions"
h 'a group id that is not a number' 404 \
	'{"errors":[{"field":null,"message":"no such resource: /v3/asm/groups/news/suppressions"}]}' \
	"$URL/v3/asm/groups/news/suppressions"
h 'a group add is an unsubscribe on stream group-N' 201 '{"recipient_emails":["G7@Example.com"]}' \
	-X POST "$URL/v3/asm/groups/7/suppressions" -d '{"recipient_emails":["G7@Example.com"]}'
ok_check=$(q --db "$DB" --now "$NOW" --stream group-7 check g7@example.com)
[ "$ok_check" = $'g7@example.com\tsuppress\tscope=address key=g7@example.com category=unsubscribe source=unsubscribe' ] &&
	echo pass >>"$T_RESULTS" || { echo fail >>"$T_RESULTS"; echo "FAIL $T_NAME: check on group-7: $ok_check"; }
h 'every group'"'"'s suppressions' 200 \
	'[{"email":"g7@example.com","group_id":7,"group_name":"group-7","created_at":1795860000},{"email":"group1@example.com","group_id":100,"group_name":"group-100","created_at":1410986704}]' \
	"$URL/v3/asm/suppressions"
h 'delete_all empties the kind and only it' 204 '' \
	-X DELETE "$URL/v3/suppression/spam_reports" -d '{"delete_all":true}'
h 'no spam reports left' 200 '[]' "$URL/v3/suppression/spam_reports"
h 'the bounces are still there' 200 \
	'[{"created":1443651125,"email":"bounce1@test.com","reason":"550 5.1.1 The email account that you tried to reach does not exist.","status":"5.1.1"}]' \
	"$URL/v3/suppression/bounces?limit=1"
stop
