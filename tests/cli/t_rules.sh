# t_rules.sh - rules check and rules explain: good and bad files (exact
# FILE:LINE:COL messages), warnings of rules that can never match, the
# rules file lookup, replies from arguments and stdin, --domain, JSON,
# misuse; neither ever opens the database.

N=(--now 2026-01-01T00:00:00Z)
# The contract fixes what the default rules do with the replies below; a
# system rules file must not change them, so use their source instead.
if [ -e /etc/quell/rules.yaml ]; then
	export QUELL_RULES=$(dirname "$T_SCRIPT")/../../config/rules.yaml
fi

cat >"$T_DIR/good.yaml" <<'EOF'
version: 1
protect: [big.example]
rules:
  - name: dead-domain
    when: { domain: old.example, code: 5xx }
    then: { action: suppress, scope: domain, category: bad-domain }
  - name: unknown
    when: { status: 5.1.1 }
    then: { action: suppress, category: bad-mailbox, ttl: 30d }
  - name: blocked
    when: { code: 5xx, text: "(?i)blocked" }
    then: { action: suppress, scope: domain, category: policy }
EOF
printf 'version: 1\nrules:\n  - name: only\n    then: { action: ignore }\n' >"$T_DIR/one.yaml"
printf 'version: 1\nrules:\n  - name: x\n    when: { codee: 550 }\n    then: { action: suppress }\n' \
	>"$T_DIR/key.yaml"
printf 'version: 1\nrules:\n  - name: x\n    when: { text: "(?i)spam(" }\n    then: { action: ignore }\n' \
	>"$T_DIR/regex.yaml"
printf 'version: 1\nrules:\n  - name: x\n    then: { action: suppress, ttl: 7x }\n' >"$T_DIR/ttl.yaml"
KEY_MSG="$T_DIR/key.yaml:4:13: unknown key 'codee' in a rule's when (expected code, status, text or domain)"

# ------------------------------------------------------------ rules check

t 'check a good file' 0 "$T_DIR/good.yaml: 3 rules" '' rules check "$T_DIR/good.yaml"
t 'check: one rule' 0 "$T_DIR/one.yaml: 1 rule" '' rules check "$T_DIR/one.yaml"
t 'check: an unknown key, FILE:LINE:COL alone' 65 '' "$KEY_MSG" rules check "$T_DIR/key.yaml"
t 'check: a bad regular expression' 65 '' \
	"$T_DIR/regex.yaml:4:19: text: bad regular expression at offset 9: missing closing parenthesis" \
	rules check "$T_DIR/regex.yaml"
t 'check: a bad duration' 65 '' \
	"$T_DIR/ttl.yaml:4:36: ttl: '7x' is not a duration (30s, 15m, 8h, 7d, 2w, forever)" \
	rules check "$T_DIR/ttl.yaml"
t 'check: a missing file' 66 '' "quell: rules check: $T_DIR/nope.yaml: No such file or directory" \
	rules check "$T_DIR/nope.yaml"
printf 'version: 2\nbackoff: {initial: x}\nrules:\n  - name: a\n    when: {code: 999}\n    then: {action: ignore}\n  - name: b\n    then: {action: nope}\n  - name: c\n    then: {action: ignore}\n  - name: a\n    then: {action: ignore}\n' >"$T_DIR/many.yaml"
t 'check: every error, in file order, not only the first' 65 '' \
"$T_DIR/many.yaml:1:10: version: '2' is not supported (this quell reads version 1)
$T_DIR/many.yaml:2:20: initial: 'x' is not a duration (30s, 15m, 8h, 7d, 2w, forever)
$T_DIR/many.yaml:5:18: code: '999' is not a reply code pattern (550, 55x, 5xx)
$T_DIR/many.yaml:8:20: action: 'nope' is not suppress, backoff, count, clear or ignore
$T_DIR/many.yaml:11:11: name: duplicate rule name 'a' (first at line 4)" rules check "$T_DIR/many.yaml"
t 'check: --json' 0 "{\"file\":\"$T_DIR/good.yaml\",\"rules\":3,\"warnings\":0}" '' \
	--json rules check "$T_DIR/good.yaml"

# rules that can never match: warnings with both lines, exit 0
cat >"$T_DIR/shadow.yaml" <<'EOF'
version: 1
rules:
  - name: bounces
    when: { code: 5xx }
    unless: { domain: "*.example.org" }
    then: { action: ignore }
  - name: unknown
    when: { code: 550, status: 5.1.1 }
    then: { action: suppress }
  - name: unknown-net
    when: { code: 550, domain: mx.example.net }
    then: { action: suppress }
  - name: everything
    then: { action: ignore }
  - name: quota
    when: { status: 4.2.2 }
    then: { action: count, threshold: 3, window: 7d }
EOF
SHADOW_WARN="$T_DIR/shadow.yaml:10:5: warning: rule 'unknown-net' can never match: rule 'bounces' (line 3) matches every reply it could
$T_DIR/shadow.yaml:15:5: warning: rule 'quota' can never match: rule 'everything' (line 13) matches every reply it could"
t 'check: rules that can never match, warned with both lines, exit 0' 0 \
	"$T_DIR/shadow.yaml: 5 rules" "$SHADOW_WARN" rules check "$T_DIR/shadow.yaml"
t 'check: --json counts the warnings' 0 "{\"file\":\"$T_DIR/shadow.yaml\",\"rules\":5,\"warnings\":2}" \
	"$SHADOW_WARN" --json rules check "$T_DIR/shadow.yaml"
t 'check: a file with warnings still loads' 0 \
	$'ignore\tverdict=allow scope=address rule=bounces category=other code=550 status=5.1.1' '' \
	"${N[@]}" --rules "$T_DIR/shadow.yaml" rules explain '550 5.1.1 unknown'
t 'check: without FILE, the --rules file' 0 "$T_DIR/one.yaml: 1 rule" '' \
	--rules "$T_DIR/one.yaml" rules check
QUELL_RULES=$T_DIR/key.yaml t 'check: without FILE, $QUELL_RULES' 65 '' "$KEY_MSG" rules check
QUELL_RULES=$T_DIR/key.yaml t 'check: FILE wins' 0 "$T_DIR/one.yaml: 1 rule" '' \
	rules check "$T_DIR/one.yaml"
if [ ! -e /etc/quell/rules.yaml ]; then
	# No default rule may be dead weight (storage-status, under
	# mailbox-full, was the one found and is gone).
	q rules check >"$T_DIR/default.out" 2>"$T_DIR/default.err"
	ok 'check: the default rules, exit 0' test $? = 0
	ok 'check: the default rules, N rules' \
		grep -qx '<default rules>: [0-9]* rules' "$T_DIR/default.out"
	ok 'check: the default rules warn of nothing' test ! -s "$T_DIR/default.err"
fi
ok 'check opened no database' test ! -e "$QUELL_DB"

# ----------------------------------------------------------- rules explain

# the default rules, where the contract fixes the answer
t 'explain: user unknown' 0 \
	$'suppress\tverdict=suppress scope=address rule=user-unknown category=bad-mailbox code=550 status=5.1.1' \
	'' "${N[@]}" rules explain '550 5.1.1 <a@example.com>: Recipient address rejected: User unknown'
t 'explain: 421 with --domain backs off the domain' 0 \
	$'backoff\tverdict=backoff scope=domain key=example.org rule=service-unavailable category=transient code=421 status=4.7.0 until=2026-01-01T00:15:00Z' \
	'' "${N[@]}" rules explain --domain example.org '421 4.7.0 Too many connections'
t 'explain: a Spamhaus block is ignored' 0 \
	$'ignore\tverdict=allow scope=address rule=policy category=policy code=554 status=5.7.1' \
	'' "${N[@]}" rules explain '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org'
t 'explain: a bare 554 is ignored' 0 \
	$'ignore\tverdict=allow scope=address rule=transaction-failed category=other code=554' \
	'' "${N[@]}" rules explain '554 Transaction failed'
T_FILTER='s/ rule=[^ ]*//' t 'explain: 250 clears' 0 \
	$'clear\tverdict=allow scope=address category=delivered code=250 status=2.0.0' \
	'' "${N[@]}" rules explain '250 2.0.0 Ok: queued as 4C7D1'
t 'explain: a DSN diagnostic code' 0 \
	$'suppress\tverdict=suppress scope=address rule=user-unknown category=bad-mailbox code=550 status=5.1.1' \
	'' "${N[@]}" rules explain 'smtp; 550 5.1.1 <a@example.com>... User unknown'

# a file of our own: domain conditions, protect, ttl
G=(--rules "$T_DIR/good.yaml")
t 'explain: ttl gives until' 0 \
	$'suppress\tverdict=suppress scope=address rule=unknown category=bad-mailbox code=550 status=5.1.1 until=2026-01-31T00:00:00Z' \
	'' "${N[@]}" "${G[@]}" rules explain '550 5.1.1 unknown'
t 'explain: --domain meets a domain condition' 0 \
	$'suppress\tverdict=suppress scope=domain key=old.example rule=dead-domain category=bad-domain code=550 status=5.1.1' \
	'' "${N[@]}" "${G[@]}" rules explain --domain old.example '550 5.1.1 unknown'
t 'explain: a domain condition without *. is that domain only' 0 \
	$'suppress\tverdict=suppress scope=address rule=unknown category=bad-mailbox code=550 status=5.1.1 until=2026-01-31T00:00:00Z' \
	'' "${N[@]}" "${G[@]}" rules explain --domain mx.old.example '550 5.1.1 unknown'
t 'explain: a protected domain is never suppressed at domain scope' 0 \
	$'ignore\tverdict=allow scope=domain rule=blocked category=policy code=554' \
	'' "${N[@]}" "${G[@]}" rules explain --domain BIG.example '554 blocked'
t 'explain: --json' 0 \
	'{"address":null,"code":554,"status":null,"text":"blocked","rule":"blocked","category":"policy","action":"suppress","scope":"domain","verdict":"suppress","until":null,"error":null}' \
	'' "${N[@]}" "${G[@]}" --json rules explain --domain small.example '554 blocked'
t 'explain: an empty reply' 65 $'invalid\terror=empty%20reply' '' "${N[@]}" rules explain ''
t 'explain: a bad --domain' 65 $'invalid\terror=domain:%20unexpected%20\'%20\'%20at%20character%204' '' \
	"${N[@]}" rules explain --domain 'bad domain' '554 blocked'
t 'explain: a bad rules file' 65 '' "quell: rules explain: $KEY_MSG" \
	--rules "$T_DIR/key.yaml" rules explain '550 5.1.1 unknown'
t 'explain: a missing rules file' 66 '' \
	"quell: rules explain: $T_DIR/nope.yaml: No such file or directory" \
	--rules "$T_DIR/nope.yaml" rules explain '550 5.1.1 unknown'

# stdin: REPLY or ADDR<TAB>REPLY, one answer per line, in order
T_IN=$'550 5.1.1 unknown\r
u@old.example\t550 5.1.1 unknown

u@mx.old.example\t550 5.1.1 unknown
bad@\t550 5.1.1 unknown
\t550 5.1.1 unknown
u@big.example\t554 blocked

421 4.7.0 slow down' \
t 'explain -: mixed lines' 65 \
	$'suppress\tverdict=suppress scope=address rule=unknown category=bad-mailbox code=550 status=5.1.1 until=2026-01-31T00:00:00Z
suppress\tverdict=suppress scope=domain key=old.example rule=dead-domain category=bad-domain code=550 status=5.1.1
suppress\tverdict=suppress scope=address key=u@mx.old.example rule=unknown category=bad-mailbox code=550 status=5.1.1 until=2026-01-31T00:00:00Z
invalid\terror=domain%20is%20empty
suppress\tverdict=suppress scope=address rule=unknown category=bad-mailbox code=550 status=5.1.1 until=2026-01-31T00:00:00Z
ignore\tverdict=allow scope=domain rule=blocked category=policy code=554
ignore\tverdict=allow scope=address category=other code=421 status=4.7.0' \
	'' "${N[@]}" "${G[@]}" rules explain -
T_IN=$'550 5.1.1 unknown\nU@Old.example\t550 5.1.1 unknown\nx\t\n' \
t 'explain -: json' 65 \
	'{"address":null,"code":550,"status":"5.1.1","text":"unknown","rule":"unknown","category":"bad-mailbox","action":"suppress","scope":"address","verdict":"suppress","until":"2026-01-31T00:00:00Z","error":null}
{"address":"U@Old.example","code":550,"status":"5.1.1","text":"unknown","rule":"dead-domain","category":"bad-domain","action":"suppress","scope":"domain","verdict":"suppress","until":null,"error":null}
{"address":"x","code":null,"status":null,"text":null,"rule":null,"category":null,"action":"invalid","scope":null,"verdict":null,"until":null,"error":"missing '\''@'\''"}' \
	'' "${N[@]}" "${G[@]}" --json rules explain -
T_IN=$'550 5.1.1 a\n550 5.1.1 b\n' t 'explain -: all good' 0 \
	$'suppress\tverdict=suppress scope=address rule=unknown category=bad-mailbox code=550 status=5.1.1 until=2026-01-31T00:00:00Z
suppress\tverdict=suppress scope=address rule=unknown category=bad-mailbox code=550 status=5.1.1 until=2026-01-31T00:00:00Z' \
	'' "${N[@]}" "${G[@]}" rules explain -
T_IN='' t 'explain -: nothing' 0 '' '' rules explain -

# many lines: in order, every one answered
seq 1 3000 | sed 's/.*/u&@old.example\t550 5.1.1 unknown/' >"$T_DIR/many.txt"
many_in_order() {
	local got
	got=$(q "${N[@]}" "${G[@]}" rules explain - <"$T_DIR/many.txt" | grep -c $'^suppress\tverdict=suppress scope=domain key=old.example rule=dead-domain ')
	[ "$got" = 3000 ]
}
ok 'explain -: 3000 lines' many_in_order
ok 'explain opened no database' test ! -e "$QUELL_DB"

# ----------------------------------------------------------------- misuse

RULES_USAGE='usage: quell rules check [FILE]
       quell rules explain [--domain D] REPLY
       quell rules explain [--domain D] -
       quell rules diff [--since T] [--domain D] NEWFILE
       quell rules test CASES
       quell rules test -
       quell rules stats [--since T]'
CHECK_USAGE='usage: quell rules check [FILE]'
EXPLAIN_USAGE='usage: quell rules explain [--domain D] REPLY
       quell rules explain [--domain D] -'
t 'rules alone' 64 '' "quell: rules: no subcommand given: check, explain, diff, test or stats
$RULES_USAGE" rules
t 'rules frob' 64 '' "quell: rules: unknown subcommand 'frob': check, explain, diff, test or stats
$RULES_USAGE" rules frob
t 'rules --help' 0 "$RULES_USAGE

Validate a rules file, explain or test what replies would do, replay
the stored replies under another rules file, and count what each rule
decided.

Options:
  --domain D           explain: the recipient's domain, for rules with a
                       domain condition; diff: only that domain
  --since T            diff: replay only the replies received since T;
                       stats: only replies at or after T

Global options: see 'quell help'." '' rules --help
t 'help rules' 0 "$RULES_USAGE

Validate a rules file, explain or test what replies would do, replay
the stored replies under another rules file, and count what each rule
decided.

Options:
  --domain D           explain: the recipient's domain, for rules with a
                       domain condition; diff: only that domain
  --since T            diff: replay only the replies received since T;
                       stats: only replies at or after T

Global options: see 'quell help'." '' help rules
t 'rules explain --help' 0 "$EXPLAIN_USAGE

Which rule a reply matches, what it would do, and the verdict for an entry
with no history; '-' reads REPLY or ADDR<TAB>REPLY lines from stdin.

Options:
  --domain D           the recipient's domain, for rules with a domain condition

Global options: see 'quell help'." '' rules explain --help
t 'global options before the subcommand' 0 "{\"file\":\"$T_DIR/one.yaml\",\"rules\":1,\"warnings\":0}" '' \
	rules --json check "$T_DIR/one.yaml"
t '--domain before the subcommand' 64 '' "quell: rules: unknown option '--domain'
$RULES_USAGE" rules --domain x.example explain '550 5.1.1 unknown'
t 'check: two files' 64 '' "quell: rules check: unexpected argument '$T_DIR/one.yaml'
$CHECK_USAGE" rules check "$T_DIR/good.yaml" "$T_DIR/one.yaml"
t 'check: empty file name' 64 '' "quell: rules check: empty file name
$CHECK_USAGE" rules check ''
t 'explain: no reply' 64 '' "quell: rules explain: no reply given
$EXPLAIN_USAGE" rules explain
t 'explain: an unquoted reply' 64 '' "quell: rules explain: unexpected argument '5.1.1' (quote the reply)
$EXPLAIN_USAGE" rules explain 550 5.1.1 unknown
t 'explain: empty --domain' 64 '' "quell: rules explain: --domain: empty domain
$EXPLAIN_USAGE" rules explain --domain '' '550 5.1.1 unknown'
t 'explain: unknown option' 64 '' "quell: rules explain: unknown option '--frob'
$EXPLAIN_USAGE" rules explain --frob '550 5.1.1 unknown'
ok 'misuse opened no database' test ! -e "$QUELL_DB"
