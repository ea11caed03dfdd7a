# t_ingest_esp.sh - ingest sendgrid-events, ses, mailgun-events,
# postmark-events: for each ESP, a back-fill of its published example
# events changes the verdicts as the rules (bounces), the recipient
# (complaints, unsubscribes in their streams) and deliveries say; the same
# events again write nothing (duplicates); JSON Lines, a JSON array, an SNS
# envelope, stdin; an event stamped in the future; a file of another ESP's
# events (65), --strict, usage.

E=$(dirname "$T_SCRIPT")/../data/esp-events
NOW=2026-11-28T12:00:00Z
if [ -e /etc/quell/rules.yaml ]; then
	export QUELL_RULES=$(dirname "$T_SCRIPT")/../../config/rules.yaml
fi

# ------------------------------------------------------------- SendGrid
t 'a database with another entry' 0 '' '' --now $NOW add other@example.net
t 'sendgrid: nothing suppressed before' 0 \
	$'gone@test.com\tallow\t\ncomplainer@test.com\tallow\t' '' \
	--now $NOW check gone@test.com complainer@test.com
t 'sendgrid: the webhook array, --verbose' 0 \
	$'example@test.com\tbackoff\tverdict=backoff scope=address key=example@test.com rule=transient category=transient code=400 until=2017-12-15T01:14:29Z
example@test.com\tclear\tverdict=allow scope=address rule=delivered category=delivered code=250
bounced@test.com\tsuppress\tverdict=suppress scope=address key=bounced@test.com rule=user-unknown-text category=bad-mailbox code=500 status=5.0.0
gone@test.com\tsuppress\tverdict=suppress scope=address key=gone@test.com rule=user-unknown category=bad-mailbox code=550 status=5.1.1
blocked@test.com\tignore\tverdict=allow scope=address rule=policy category=policy code=550 status=5.7.1
complainer@test.com\tsuppress\tverdict=suppress scope=address key=complainer@test.com category=complaint
leaver@test.com\tsuppress\tverdict=suppress scope=address key=leaver@test.com category=unsubscribe
reader@test.com\tsuppress\tverdict=suppress scope=address key=reader@test.com category=unsubscribe' \
	"quell: ingest sendgrid-events: $E/sendgrid-webhook.json: 12 read, 8 imported, 0 updated, 0 duplicates, 4 skipped, 0 rejected" \
	--now $NOW ingest sendgrid-events --verbose "$E/sendgrid-webhook.json"
t 'sendgrid: the verdicts after' 1 \
	$'gone@test.com\tsuppress\tscope=address key=gone@test.com rule=user-unknown category=bad-mailbox source=bounce
blocked@test.com\tallow\t
complainer@test.com\tsuppress\tscope=address key=complainer@test.com category=complaint source=complaint
leaver@test.com\tsuppress\tscope=address key=leaver@test.com category=unsubscribe source=unsubscribe
reader@test.com\tallow\t' '' \
	--now $NOW check gone@test.com blocked@test.com complainer@test.com leaver@test.com reader@test.com
t 'sendgrid: the group unsubscribe is in stream 10' 1 \
	$'reader@test.com\tsuppress\tscope=address key=reader@test.com category=unsubscribe source=unsubscribe' '' \
	--now $NOW --stream 10 check reader@test.com
t 'sendgrid: the same events as JSON Lines: duplicates' 0 '' \
	"quell: ingest sendgrid-events: $E/sendgrid-events.jsonl: 12 read, 0 imported, 0 updated, 8 duplicates, 4 skipped, 0 rejected" \
	--now $NOW ingest sendgrid-events "$E/sendgrid-events.jsonl"
T_FILTER='/^event/!d; s/ origin=.*//' \
t 'sendgrid: the ESP label kept in the history' 0 \
	'event	2017-12-15T00:59:30Z	suppress	list=suppress source=bounce rule=user-unknown category=bad-mailbox code=550 status=5.1.1 reply=The%20email%20account%20that%20you%20tried%20to%20reach%20does%20not%20exist. reason=sendgrid:%20bounce%20type%3Dbounce%20classification%3DInvalid%20Address verdict=suppress' '' \
	--now $NOW show gone@test.com

# ------------------------------------------------------------------ SES
t 'ses: a bounce in an SNS envelope' 0 '' \
	"quell: ingest ses: $E/ses-sns-envelope.json: 1 read, 1 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected" \
	--now $NOW ingest ses "$E/ses-sns-envelope.json"
t 'ses: the same bounce raw: its feedbackId counted before' 0 '' \
	"quell: ingest ses: $E/ses-bounce-dsn.json: 1 read, 0 imported, 0 updated, 1 duplicates, 0 skipped, 0 rejected" \
	--now $NOW ingest ses "$E/ses-bounce-dsn.json"
T_INFILE=$E/ses-complaint.json \
t 'ses: a complaint on stdin' 0 '' \
	"quell: ingest ses: -: 1 read, 1 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected" \
	--now $NOW ingest ses -
t 'ses: event publishing records (JSON Lines); an Open is skipped' 0 '' \
	"quell: ingest ses: $E/ses-events.jsonl: 4 read, 3 imported, 0 updated, 0 duplicates, 1 skipped, 0 rejected" \
	--now $NOW ingest ses "$E/ses-events.jsonl"
t 'ses: a SubscriptionConfirmation is not followed' 0 '' \
	"quell: ingest ses: $E/ses-subscription-confirmation.json: 1 read, 0 imported, 0 updated, 0 duplicates, 1 skipped, 0 rejected" \
	--now $NOW ingest ses "$E/ses-subscription-confirmation.json"
t 'ses: the verdicts after' 1 \
	$'jane@example.com\tsuppress\tscope=address key=jane@example.com rule=user-unknown category=bad-mailbox source=bounce
richard@example.com\tsuppress\tscope=address key=richard@example.com category=complaint source=complaint
mary@example.com\tallow\t' '' \
	--now $NOW check jane@example.com richard@example.com mary@example.com

# -------------------------------------------------------------- Mailgun
t 'mailgun: a temporary failure is counted, not suppressed' 0 \
	$'bob@example.org\tcount\tverdict=allow scope=address key=bob@example.org rule=mailbox-full category=quota code=452 status=4.2.2' \
	"quell: ingest mailgun-events: $E/mailgun-failed-temporary.json: 1 read, 1 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected" \
	--now $NOW ingest mailgun-events --verbose "$E/mailgun-failed-temporary.json"
cat "$E/mailgun-failed-permanent.json" "$E/mailgun-complained.json" "$E/mailgun-unsubscribed.json" \
	"$E/mailgun-delivered.json" >"$T_DIR/mailgun.json"
t 'mailgun: webhook bodies one after another' 0 '' \
	"quell: ingest mailgun-events: $T_DIR/mailgun.json: 4 read, 4 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected" \
	--now $NOW ingest mailgun-events "$T_DIR/mailgun.json"
t 'mailgun: an events page; a suppress-bounce (code 605) decides nothing' 0 \
	$'erin@example.net\tignore\tverdict=allow scope=address rule=unclassified category=other
frank@example.net\tsuppress\tverdict=suppress scope=address key=frank@example.net rule=user-unknown category=bad-mailbox code=550 status=5.1.1' \
	"quell: ingest mailgun-events: $E/mailgun-events-page.json: 4 read, 2 imported, 0 updated, 0 duplicates, 2 skipped, 0 rejected" \
	--now $NOW ingest mailgun-events --verbose "$E/mailgun-events-page.json"
t 'mailgun: the verdicts after' 1 \
	$'alice@example.com\tsuppress\tscope=address key=alice@example.com rule=user-unknown category=bad-mailbox source=bounce
carol@example.com\tsuppress\tscope=address key=carol@example.com category=complaint source=complaint
dave@example.com\tsuppress\tscope=address key=dave@example.com category=unsubscribe source=unsubscribe
bob@example.org\tallow\t' '' \
	--now $NOW check alice@example.com carol@example.com dave@example.com bob@example.org
t 'mailgun: again: duplicates' 0 '' \
	"quell: ingest mailgun-events: $T_DIR/mailgun.json: 4 read, 0 imported, 0 updated, 4 duplicates, 0 skipped, 0 rejected" \
	--now $NOW ingest mailgun-events "$T_DIR/mailgun.json"

# ------------------------------------------------------------- Postmark
cat "$E/postmark-bounce.json" "$E/postmark-spam-complaint.json" \
	"$E/postmark-subscription-change.json" "$E/postmark-delivery.json" >"$T_DIR/postmark.json"
t 'postmark: bounce, complaint, subscription change, delivery' 0 \
	$'john@example.com\tsuppress\tverdict=suppress scope=address key=john@example.com rule=user-unknown category=bad-mailbox code=550 status=5.1.1
mary@example.com\tsuppress\tverdict=suppress scope=address key=mary@example.com category=complaint
paul@example.com\tsuppress\tverdict=suppress scope=address key=paul@example.com category=unsubscribe
john@example.com\tclear\tverdict=suppress scope=address rule=delivered category=delivered code=250' \
	"quell: ingest postmark-events: $T_DIR/postmark.json: 4 read, 4 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected" \
	--now $NOW ingest postmark-events --verbose "$T_DIR/postmark.json"
t 'postmark: the unsubscribe is in stream broadcasts' 1 \
	$'paul@example.com\tsuppress\tscope=address key=paul@example.com category=unsubscribe source=unsubscribe' '' \
	--now $NOW --stream broadcasts check paul@example.com
t 'postmark: a bounces page; again: duplicates' 0 '' \
	"quell: ingest postmark-events: $E/postmark-bounces-page.json: 2 read, 2 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected" \
	--now $NOW ingest postmark-events "$E/postmark-bounces-page.json"
t 'postmark: again: duplicates' 0 '' \
	"quell: ingest postmark-events: $T_DIR/postmark.json: 4 read, 0 imported, 0 updated, 4 duplicates, 0 skipped, 0 rejected" \
	--now $NOW ingest postmark-events "$T_DIR/postmark.json"

# ----------------------------------------------- a time in the future
# an event stamped 2100 (a wrong clock at the sender's side) is recorded
# at now, the 2017 one at its own time
printf '{"email":"late@test.com","timestamp":4102444800,"event":"bounce","sg_event_id":"f1","reason":"550 5.1.1 gone","status":"5.1.1"}\n{"email":"early@test.com","timestamp":1513299569,"event":"bounce","sg_event_id":"f2","reason":"550 5.1.1 gone","status":"5.1.1"}\n' >"$T_DIR/future.jsonl"
t 'sendgrid: an event stamped 2100' 0 '' \
	"quell: ingest sendgrid-events: $T_DIR/future.jsonl: 2 read, 2 imported, 0 updated, 0 duplicates, 0 skipped, 0 rejected" \
	--db "$T_DIR/fdb" --now $NOW ingest sendgrid-events "$T_DIR/future.jsonl"
T_FILTER='/^event/!d; s/suppress	list=.*//' t '... is recorded at now' 0 \
	"event	$NOW	" '' --db "$T_DIR/fdb" --now $NOW show late@test.com
T_FILTER='/^event/!d; s/suppress	list=.*//' t '... the other at its own time' 0 \
	"event	2017-12-15T00:59:29Z	" '' --db "$T_DIR/fdb" --now $NOW show early@test.com

# ------------------------------------------------------ errors and usage
t 'another ESP'"'"'s events: every document said, 65' 65 '' \
	"$E/ses-complaint.json:1: not Postmark events: no \"RecordType\", bounce \"Type\" or \"Bounces\" array
quell: ingest postmark-events: $E/ses-complaint.json: 1 read, 0 imported, 0 updated, 0 duplicates, 1 skipped, 0 rejected
quell: ingest postmark-events: $E/ses-complaint.json: nothing in it reads as postmark-events" \
	--now $NOW ingest postmark-events "$E/ses-complaint.json"
printf '[{"event":"bounce","reason":"550 5.1.1 gone"},\n{"event":"bounce","email":"x@@y","reason":"550 5.1.1 gone"},\nnot json\n]\n' >"$T_DIR/bad.json"
# (events quell refuses are said when their batch is written, after the
# documents that are no JSON)
t 'unusable events are skipped and said' 0 '' \
	"$T_DIR/bad.json:1: no recipient
$T_DIR/bad.json:3: malformed JSON: invalid token near 'not' at byte 3
$T_DIR/bad.json:2: x@@y: local part: unexpected '@' at character 2
quell: ingest sendgrid-events: $T_DIR/bad.json: 3 read, 0 imported, 0 updated, 0 duplicates, 3 skipped, 0 rejected" \
	--now $NOW ingest sendgrid-events "$T_DIR/bad.json"
t '--strict: rejected, 65' 65 '' \
	"$T_DIR/bad.json:1: no recipient
$T_DIR/bad.json:3: malformed JSON: invalid token near 'not' at byte 3
$T_DIR/bad.json:2: x@@y: local part: unexpected '@' at character 2
quell: ingest sendgrid-events: $T_DIR/bad.json: 3 read, 0 imported, 0 updated, 0 duplicates, 0 skipped, 3 rejected" \
	--now $NOW ingest sendgrid-events --strict "$T_DIR/bad.json"
t 'missing input' 66 '' "quell: ingest ses: $T_DIR/none.json: No such file or directory" \
	--now $NOW ingest ses "$T_DIR/none.json"
t '--stream is refused' 64 '' \
	'quell: ingest ses: --stream: the events name their own streams
usage: quell ingest ses [--strict] [--verbose] FILE|-' \
	--now $NOW --stream news ingest ses -
