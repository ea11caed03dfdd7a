# t_demo_rules.sh - the rules walkthrough of docs/tuning-rules.md ("A change
# end to end, on the demo database"), on the database `make demo` builds:
# the change passes `rules check`, `rules test` on the default rules' own
# cases finds exactly the replies it means to change, `rules diff` finds one
# address newly suppressed and one no longer suppressed, a diff of the rules
# against themselves finds nothing, and `rules stats` counts the demo's
# replies per rule.  Keeps the guide's output true.

ROOT=$(cd "$(dirname "$T_SCRIPT")/../.." && pwd)
DEMO=$T_DIR/demo-db
NOW=2026-11-28T10:00:00Z
(cd "$ROOT" && scripts/demo "$QUELL_BIN" "$DEMO") >/dev/null 2>&1
ok 'the demo built its database' test -f "$DEMO/data.mdb"

NEW=$T_DIR/rules.yaml
sed -e '/- name: mailbox-full$/,/then:/ s/then: .*/then: { action: suppress, ttl: 30d, category: quota }/' \
	-e 's/^  - name: user-unknown-text$/  - name: yahoo-dd-counts\
    when: { code: 554, text: "(?i)doesn'"'"'t have a \\\\S+ account" }\
    then: { action: count, threshold: 2, window: 30d, category: bad-mailbox }\
\
&/' "$ROOT/config/rules.yaml" >"$NEW"
ok 'the change is the two edits' test "$(diff "$ROOT/config/rules.yaml" "$NEW" | grep -c '^>')" = 5

t 'check the change' 0 "$NEW: 65 rules" '' rules check "$NEW"
T_FILTER='/^[0-9]* passed, 0 failed$/d' t 'the default rules pass their cases' 0 '' '' \
	rules test "$ROOT/config/rules.cases"
# only X.2.2 and Yahoo's "dd" replies change outcome
q --rules "$NEW" rules test "$ROOT/config/rules.cases" >"$T_DIR/cases.out" 2>&1
ok 'rules test: exit 1 on the changed cases' test $? = 1
ok 'rules test: 480 passed, 10 failed' test "$(tail -n 1 "$T_DIR/cases.out")" = '480 passed, 10 failed'
ok 'rules test: every failure is one the change means' test \
	"$(grep -c -e 'by mailbox-full: ' -e 'by yahoo-dd-counts: ' "$T_DIR/cases.out")" = 10

t 'rules diff: one address each way' 0 \
	"niaj@example.org	allow	suppress	new_scope=address new_rule=mailbox-full new_until=2026-12-28T10:00:00Z time=$NOW code=452 status=4.2.2 reply=The%20email%20account%20that%20you%20tried%20to%20reach%20is%20over%20quota
sybil@example.com	suppress	allow	old_scope=address old_rule=user-unknown-text time=$NOW code=554 reply=delivery%20error:%20dd%20This%20user%20doesn't%20have%20a%20example.com%20account" \
	"quell: rules diff: 9 addresses replayed (9 replies): 1 newly suppressed, 1 no longer suppressed, 0 scope changed, 0 other; 5 left as they are (not the rules' work)
quell: rules diff: rule mailbox-full: 1 newly suppressed
quell: rules diff: rule user-unknown-text: 1 no longer suppressed" \
	--db "$DEMO" --now $NOW rules diff "$NEW"
t 'rules diff: the rules against themselves change nothing' 0 '' \
	"quell: rules diff: 9 addresses replayed (9 replies): 0 newly suppressed, 0 no longer suppressed, 0 scope changed, 0 other; 5 left as they are (not the rules' work)" \
	--db "$DEMO" --now $NOW rules diff "$ROOT/config/rules.yaml"
q --db "$DEMO" --now $NOW rules stats >"$T_DIR/stats.out" 2>&1
# the nine replies of tests/data/demo/replies.tsv, each once
ok 'rules stats: the demo replies, per rule' test \
	"$(awk -F'\t' '$2 > 0' "$T_DIR/stats.out")" = \
	"delivered	1	$NOW
service-unavailable	1	$NOW
mailbox-full	1	$NOW
greylisted	1	$NOW
user-unknown	2	$NOW
user-unknown-text	1	$NOW
bad-domain-status	1	$NOW
policy-spam	1	$NOW"
