# t_serve_webhooks.sh - POST /v1/webhooks/{sendgrid,ses,mailgun,postmark}
# of quell serve, with keys, certificates and signatures made here by the
# openssl command line: per ESP, a valid signed webhook changes the
# verdict; a forged one (and for SendGrid and Mailgun a replayed and a
# stale one) answers 401 and changes nothing; an endpoint without its key
# answers 404; an SNS SubscriptionConfirmation is logged, not followed.
# The server checks timestamps against the clock (no --now): the requests
# are signed with `date +%s`.  start, stop, h: lib.sh.

need "$CURL" || return 0

DB=$T_DIR/db
K=$T_DIR/keys
mkdir -p "$K/sns"
q --db "$DB" add nobody@hook.example >/dev/null

# keys: SendGrid's ECDSA pair, Mailgun's signing key, an SNS certificate
# (and another key that signs nothing valid), Postmark's credentials
openssl ecparam -name prime256v1 -genkey -noout -out "$K/sg.key" 2>/dev/null
openssl ec -in "$K/sg.key" -pubout -out "$K/sg.pem" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$K/evil.key" 2>/dev/null
printf 'key-%s\n' 3ax6xnjp29jd6fds4gc373sgvjxteol0 >"$K/mailgun.key"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$K/sns.key" -days 2 \
	-subj /CN=sns.amazonaws.com -out "$K/sns/SimpleNotificationService-test.pem" 2>/dev/null
printf 'pm:s3cret\n' >"$K/postmark"

# the verdict of ADDR: its verdict word alone
verdict() {
	q --db "$DB" check "$1" | cut -f2
}

# --- not configured: 404 -------------------------------------------------

start bare --db "$DB" serve --listen inet:127.0.0.1:0
for esp in sendgrid ses mailgun postmark; do
	opt=$(case $esp in sendgrid) echo sendgrid-verification-key;; ses) echo sns-certs;;
	      mailgun) echo mailgun-signing-key;; postmark) echo postmark-credentials;; esac)
	h "$esp without its key: 404" 404 \
		"{\"error\":{\"code\":404,\"message\":\"no --$opt: this webhook is off\"}}" \
		-X POST -d '{}' "$URL/v1/webhooks/$esp"
done
stop

start hooks --db "$DB" serve --listen inet:127.0.0.1:0 --threads 8 \
	--sendgrid-verification-key "$K/sg.pem" --mailgun-signing-key "$K/mailgun.key" \
	--sns-certs "$K/sns" --postmark-credentials "$K/postmark"

# --- SendGrid --------------------------------------------------------------

TS=$(date +%s)
SGBODY='[{"email":"sg@hook.example","timestamp":'$TS',"event":"bounce","sg_event_id":"sg-1","reason":"550 5.1.1 user unknown","status":"5.1.1","type":"bounce"}]'
# sgsign TS BODY KEY: the base64 signature of TS || BODY
sgsign() {
	printf '%s%s' "$1" "$2" | openssl dgst -sha256 -sign "$3" | openssl base64 -A
}
SIG=$(sgsign "$TS" "$SGBODY" "$K/sg.key")
FORGED=$(printf '%s' "$SGBODY" | sed 's/sg@hook/other@hook/')
h 'sendgrid: unsigned: 401' 401 '{"error":{"code":401,"message":"bad signature"}}' \
	-H 'Content-Type: application/json' -d "$SGBODY" "$URL/v1/webhooks/sendgrid"
h 'sendgrid: a body the signature is not for: 401' 401 \
	'{"error":{"code":401,"message":"bad signature"}}' \
	-H "X-Twilio-Email-Event-Webhook-Signature: $SIG" \
	-H "X-Twilio-Email-Event-Webhook-Timestamp: $TS" -d "$FORGED" "$URL/v1/webhooks/sendgrid"
h 'sendgrid: signed with another key: 401' 401 \
	'{"error":{"code":401,"message":"bad signature"}}' \
	-H "X-Twilio-Email-Event-Webhook-Signature: $(sgsign "$TS" "$SGBODY" "$K/evil.key")" \
	-H "X-Twilio-Email-Event-Webhook-Timestamp: $TS" -d "$SGBODY" "$URL/v1/webhooks/sendgrid"
OLD=$((TS - 3600))
h 'sendgrid: stale: 401' 401 '{"error":{"code":401,"message":"stale timestamp"}}' \
	-H "X-Twilio-Email-Event-Webhook-Signature: $(sgsign "$OLD" "$SGBODY" "$K/sg.key")" \
	-H "X-Twilio-Email-Event-Webhook-Timestamp: $OLD" -d "$SGBODY" "$URL/v1/webhooks/sendgrid"
expect 'sendgrid: nothing written by those' 'allow' <(verdict sg@hook.example)
expect 'sendgrid: nor for the forged address' 'allow' <(verdict other@hook.example)
h 'sendgrid: valid: recorded' 200 '{"events":1,"recorded":1,"duplicates":0,"skipped":0,"refused":0}' \
	-H "X-Twilio-Email-Event-Webhook-Signature: $SIG" \
	-H "X-Twilio-Email-Event-Webhook-Timestamp: $TS" -d "$SGBODY" "$URL/v1/webhooks/sendgrid"
expect 'sendgrid: the verdict changed' 'suppress' <(verdict sg@hook.example)
h 'sendgrid: replayed: 401' 401 '{"error":{"code":401,"message":"replayed"}}' \
	-H "X-Twilio-Email-Event-Webhook-Signature: $SIG" \
	-H "X-Twilio-Email-Event-Webhook-Timestamp: $TS" -d "$SGBODY" "$URL/v1/webhooks/sendgrid"

# --- Mailgun ---------------------------------------------------------------

# mgbody TS TOKEN KEY ADDR: a webhook body signed with KEY
mgbody() {
	local sig
	sig=$(printf '%s%s' "$1" "$2" | openssl dgst -sha256 -hmac "$3" | sed 's/.*= //')
	printf '{"signature":{"timestamp":"%s","token":"%s","signature":"%s"},"event-data":{"event":"failed","id":"mg-%s","timestamp":%s,"severity":"permanent","reason":"bounce","recipient":"%s","delivery-status":{"code":550,"message":"5.1.1 The email account that you tried to reach does not exist.","enhanced-code":"5.1.1"}}}' \
		"$1" "$2" "$sig" "$2" "$1" "$4"
}
MGKEY=key-3ax6xnjp29jd6fds4gc373sgvjxteol0
h 'mailgun: signed with another key: 401' 401 '{"error":{"code":401,"message":"bad signature"}}' \
	-d "$(mgbody "$TS" tok1 key-wrong mg@hook.example)" "$URL/v1/webhooks/mailgun"
h 'mailgun: stale: 401' 401 '{"error":{"code":401,"message":"stale timestamp"}}' \
	-d "$(mgbody "$OLD" tok2 $MGKEY mg@hook.example)" "$URL/v1/webhooks/mailgun"
h 'mailgun: no signature: 401' 401 '{"error":{"code":401,"message":"bad signature"}}' \
	-d '{"event-data":{"event":"failed","recipient":"mg@hook.example"}}' "$URL/v1/webhooks/mailgun"
expect 'mailgun: nothing written by those' 'allow' <(verdict mg@hook.example)
MGBODY=$(mgbody "$TS" tok3 $MGKEY mg@hook.example)
h 'mailgun: valid: recorded' 200 '{"events":1,"recorded":1,"duplicates":0,"skipped":0,"refused":0}' \
	-d "$MGBODY" "$URL/v1/webhooks/mailgun"
expect 'mailgun: the verdict changed' 'suppress' <(verdict mg@hook.example)
h 'mailgun: the token again: replayed, 401' 401 '{"error":{"code":401,"message":"replayed"}}' \
	-d "$MGBODY" "$URL/v1/webhooks/mailgun"

# --- SES through SNS -------------------------------------------------------

ARN=arn:aws:sns:us-east-1:123456789012:ses-bounces
CERTURL=https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem
STAMP=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
MSG='{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"ses@hook.example","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}],"timestamp":"'$STAMP'","feedbackId":"fb-1"},"mail":{"messageId":"m-1"}}'
# snsbody TYPE MESSAGE KEY: an SNS envelope signed (version 1) with KEY
snsbody() {
	local sig esc
	if [ "$1" = Notification ]; then
		sig=$(printf 'Message\n%s\nMessageId\nid-1\nTimestamp\n%s\nTopicArn\n%s\nType\n%s\n' \
			"$2" "$STAMP" "$ARN" "$1" | openssl dgst -sha1 -sign "$3" | openssl base64 -A)
	else
		sig=$(printf 'Message\n%s\nMessageId\nid-2\nSubscribeURL\n%s\nTimestamp\n%s\nToken\ntk\nTopicArn\n%s\nType\n%s\n' \
			"$2" "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=tk" \
			"$STAMP" "$ARN" "$1" | openssl dgst -sha1 -sign "$3" | openssl base64 -A)
	fi
	esc=$(printf '%s' "$2" | sed 's/"/\\"/g')
	if [ "$1" = Notification ]; then
		printf '{"Type":"%s","MessageId":"id-1","TopicArn":"%s","Message":"%s","Timestamp":"%s","SignatureVersion":"1","Signature":"%s","SigningCertURL":"%s"}' \
			"$1" "$ARN" "$esc" "$STAMP" "$sig" "$CERTURL"
	else
		printf '{"Type":"%s","MessageId":"id-2","Token":"tk","TopicArn":"%s","Message":"%s","SubscribeURL":"https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=tk","Timestamp":"%s","SignatureVersion":"1","Signature":"%s","SigningCertURL":"%s"}' \
			"$1" "$ARN" "$esc" "$STAMP" "$sig" "$CERTURL"
	fi
}
SNSBODY=$(snsbody Notification "$MSG" "$K/sns.key")
h 'ses: signed with another key: 401' 401 \
	'{"error":{"code":401,"message":"bad signature: the signature does not verify with SimpleNotificationService-test.pem"}}' \
	-d "$(snsbody Notification "$MSG" "$K/evil.key")" "$URL/v1/webhooks/ses"
h 'ses: the message changed after signing: 401' 401 \
	'{"error":{"code":401,"message":"bad signature: the signature does not verify with SimpleNotificationService-test.pem"}}' \
	-d "$(printf '%s' "$SNSBODY" | sed 's/ses@hook/other@hook/')" "$URL/v1/webhooks/ses"
h 'ses: a certificate URL elsewhere: 401, nothing fetched' 401 \
	'{"error":{"code":401,"message":"bad signature: SigningCertURL is not https://sns.REGION.amazonaws.com/NAME.pem"}}' \
	-d "$(printf '%s' "$SNSBODY" | sed 's|https://sns.us-east-1.amazonaws.com/|https://evil.example/|')" \
	"$URL/v1/webhooks/ses"
expect 'ses: nothing written by those' 'allow' <(verdict ses@hook.example)
h 'ses: valid: recorded' 200 '{"events":1,"recorded":1,"duplicates":0,"skipped":0,"refused":0}' \
	-d "$SNSBODY" "$URL/v1/webhooks/ses"
expect 'ses: the verdict changed' 'suppress' <(verdict ses@hook.example)
h 'ses: redelivered by SNS: a duplicate' 200 '{"events":1,"recorded":0,"duplicates":1,"skipped":0,"refused":0}' \
	-d "$SNSBODY" "$URL/v1/webhooks/ses"
h 'ses: a SubscriptionConfirmation is logged' 200 '{"logged":"SubscriptionConfirmation"}' \
	-d "$(snsbody SubscriptionConfirmation 'You have chosen to subscribe.' "$K/sns.key")" \
	"$URL/v1/webhooks/ses"
ok 'ses: the log names the SubscribeURL for the operator' \
	grep -q 'webhooks/ses: SNS SubscriptionConfirmation for '"$ARN"': to confirm, visit https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=tk' "$LOG"

# --- Postmark --------------------------------------------------------------

PMBODY='{"RecordType":"SpamComplaint","ID":42,"Type":"SpamComplaint","TypeCode":512,"Email":"pm@hook.example","BouncedAt":"2026-11-28T10:00:00Z"}'
h 'postmark: no credentials: 401' 401 \
	'{"error":{"code":401,"message":"bad signature: no or wrong basic auth"}}' \
	-d "$PMBODY" "$URL/v1/webhooks/postmark"
h 'postmark: a wrong password: 401' 401 \
	'{"error":{"code":401,"message":"bad signature: no or wrong basic auth"}}' \
	-u pm:guess -d "$PMBODY" "$URL/v1/webhooks/postmark"
expect 'postmark: nothing written by those' 'allow' <(verdict pm@hook.example)
h 'postmark: valid: recorded' 200 '{"events":1,"recorded":1,"duplicates":0,"skipped":0,"refused":0}' \
	-u pm:s3cret -d "$PMBODY" "$URL/v1/webhooks/postmark"
expect 'postmark: the verdict changed' 'suppress' <(verdict pm@hook.example)
h 'postmark: signed, but no event document: 400' 400 \
	'{"error":{"code":400,"message":"not Postmark events: no \"RecordType\", bounce \"Type\" or \"Bounces\" array"}}' \
	-u pm:s3cret -d '{"x":1}' "$URL/v1/webhooks/postmark"

# concurrent posts share commits (serve_webhooks.c): each is answered for
# its own events, and every one is written
: >"$T_DIR/par.cfg"
for i in $(seq 24); do
	{
		[ "$i" = 1 ] || echo next
		echo "url = \"$URL/v1/webhooks/postmark\""
		echo 'user = "pm:s3cret"'
		echo "data = \"{\\\"RecordType\\\":\\\"SpamComplaint\\\",\\\"ID\\\":$((1000 + i)),\\\"Email\\\":\\\"par$i@hook.example\\\"}\""
		echo "output = \"$T_DIR/par$i.out\""
		echo 'write-out = "%{http_code}\n"'
	} >>"$T_DIR/par.cfg"
done
"$CURL" -s -m 20 --parallel --parallel-max 12 -K "$T_DIR/par.cfg" >"$T_DIR/par.out" 2>/dev/null
expect 'postmark: 24 concurrent posts, all answered 200' '     24 200' <(sort "$T_DIR/par.out" | uniq -c)
expect 'postmark: each answered for its own event' \
	"$(seq 24 | sed 's/.*/{"events":1,"recorded":1,"duplicates":0,"skipped":0,"refused":0}/')" \
	<(for i in $(seq 24); do cat "$T_DIR/par$i.out"; done)
expect 'postmark: and all written' "$(seq 24 | sed 's/.*/suppress/')" \
	<(for i in $(seq 24); do verdict "par$i@hook.example"; done)

stop
expect 'SIGTERM: exit 0' 0 <(echo "$STATUS")
