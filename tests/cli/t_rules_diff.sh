# t_rules_diff.sh - rules diff: a replay of the stored replies under the
# rules in use and another file; a verdict changed each way, a scope
# changed, nothing changed, entries that are not the rules' work, the
# --since, --domain and --stream filters, JSON, bad input, and the
# database left byte for byte as it was.

T1=2026-01-01T00:00:00Z T2=2026-01-02T00:00:00Z T3=2026-01-03T00:00:00Z

cat >"$T_DIR/old.yaml" <<'YAML'
version: 1
rules:
  - name: unknown
    when: { status: 5.1.1 }
    then: { action: suppress, category: bad-mailbox }
  - name: blocked
    when: { status: "5.7.*" }
    then: { action: ignore, category: policy }
  - name: full
    when: { status: 5.2.2 }
    then: { action: count, threshold: 3, window: 14d, category: quota }
YAML
cat >"$T_DIR/new.yaml" <<'YAML'
version: 1
rules:
  - name: unknown
    when: { status: 5.1.1, domain: old.example }
    then: { action: suppress, scope: domain, category: bad-domain }
  - name: soft
    when: { status: 5.1.1, text: "(?i)maybe" }
    then: { action: ignore }
  - name: unknown-address
    when: { status: 5.1.1 }
    then: { action: suppress, category: bad-mailbox }
  - name: blocked
    when: { status: "5.7.*" }
    then: { action: suppress, category: policy }
  - name: full
    when: { status: 5.2.2 }
    then: { action: count, threshold: 3, window: 14d, category: quota }
YAML
printf 'version: 1\nrules:\n  - name: x\n    when: { codee: 550 }\n    then: { action: suppress }\n' \
	>"$T_DIR/bad.yaml"
export QUELL_RULES=$T_DIR/old.yaml

t 'no database' 66 '' "quell: rules diff: no database in $QUELL_DB" rules diff "$T_DIR/new.yaml"
ok 'no database created' test ! -e "$QUELL_DB"

T_FILTER=d t 'setup: scope' 0 '' '' --now $T1 record a@old.example '550 5.1.1 user unknown'
T_FILTER=d t 'setup: no longer' 0 '' '' --now $T1 record b@x.example '550 5.1.1 maybe unknown'
T_FILTER=d t 'setup: newly' 0 '' '' --now $T1 record c@x.example '554 5.7.1 blocked'
T_FILTER=d t 'setup: same' 0 '' '' --now $T1 record d@x.example '550 5.1.1 user unknown'
T_FILTER=d t 'setup: count 1' 0 '' '' --now $T1 record e@y.example '552 5.2.2 full'
T_FILTER=d t 'setup: count 2' 0 '' '' --now $T1 record e@y.example '552 5.2.2 full'
T_FILTER=d t 'setup: by hand' 0 '' '' --now $T1 record m@x.example '554 5.7.1 blocked'
t 'setup: by hand, add' 0 '' '' --now $T1 add m@x.example
t 'setup: unsubscribed' 0 '' '' --now $T1 --stream news add --source unsubscribe n@x.example
T_FILTER=d t 'setup: unsubscribed, reply' 0 '' '' --now $T1 record n@x.example '554 5.7.1 blocked'
T_FILTER=d t 'setup: later' 0 '' '' --now $T2 record p@z.example '554 5.7.1 blocked'

A=$'a@old.example\tsuppress\tsuppress\told_scope=address old_rule=unknown new_scope=domain new_rule=unknown time=2026-01-01T00:00:00Z code=550 status=5.1.1 reply=user%20unknown'
B=$'b@x.example\tsuppress\tallow\told_scope=address old_rule=unknown time=2026-01-01T00:00:00Z code=550 status=5.1.1 reply=maybe%20unknown'
C=$'c@x.example\tallow\tsuppress\tnew_scope=address new_rule=blocked time=2026-01-01T00:00:00Z code=554 status=5.7.1 reply=blocked'
N=$'n@x.example\tallow\tsuppress\tnew_scope=address new_rule=blocked time=2026-01-01T00:00:00Z code=554 status=5.7.1 reply=blocked'
P=$'p@z.example\tallow\tsuppress\tnew_scope=address new_rule=blocked time=2026-01-02T00:00:00Z code=554 status=5.7.1 reply=blocked'

cp "$QUELL_DB/data.mdb" "$T_DIR/before.mdb"
stats() { "$QUELL_BIN" --now $T3 stats | grep -v '_bytes'; }
stats >"$T_DIR/before.stats"

t 'each direction, a scope change, by rule' 0 "$A
$B
$C
$N
$P" "quell: rules diff: 7 addresses replayed (8 replies): 3 newly suppressed, 1 no longer suppressed, 1 scope changed, 0 other; 1 left as they are (not the rules' work)
quell: rules diff: rule unknown: 1 no longer suppressed
quell: rules diff: rule unknown: 1 scope changed
quell: rules diff: rule blocked: 3 newly suppressed" --now $T3 rules diff "$T_DIR/new.yaml"
t 'the current rules from --rules' 0 "$A
$B
$C
$N
$P" '' -q --now $T3 --rules "$T_DIR/old.yaml" rules diff "$T_DIR/new.yaml"
t 'no change: no output, exit 0' 0 '' '' -q --now $T3 rules diff "$T_DIR/old.yaml"
t 'no change: the summary' 0 '' "quell: rules diff: 7 addresses replayed (8 replies): 0 newly suppressed, 0 no longer suppressed, 0 scope changed, 0 other; 1 left as they are (not the rules' work)" \
	--now $T3 rules diff "$T_DIR/old.yaml"
t 'back the other way' 0 \
	$'a@old.example\tsuppress\tsuppress\told_scope=domain old_rule=unknown new_scope=address new_rule=unknown time=2026-01-01T00:00:00Z code=550 status=5.1.1 reply=user%20unknown
b@x.example\tallow\tsuppress\tnew_scope=address new_rule=unknown time=2026-01-01T00:00:00Z code=550 status=5.1.1 reply=maybe%20unknown
c@x.example\tsuppress\tallow\told_scope=address old_rule=blocked time=2026-01-01T00:00:00Z code=554 status=5.7.1 reply=blocked
n@x.example\tsuppress\tallow\told_scope=address old_rule=blocked time=2026-01-01T00:00:00Z code=554 status=5.7.1 reply=blocked
p@z.example\tsuppress\tallow\told_scope=address old_rule=blocked time=2026-01-02T00:00:00Z code=554 status=5.7.1 reply=blocked' \
	'' -q --now $T3 --rules "$T_DIR/new.yaml" rules diff "$T_DIR/old.yaml"

# ---------------------------------------------------------------- filters

t '--since: only the replies since' 0 "$P" \
	"quell: rules diff: 1 address replayed (1 reply): 1 newly suppressed, 0 no longer suppressed, 0 scope changed, 0 other; 1 left as they are (not the rules' work)
quell: rules diff: rule blocked: 1 newly suppressed" --now $T3 rules diff --since $T2 "$T_DIR/new.yaml"
t '--domain: that domain only' 0 "$A" '' -q --now $T3 rules diff --domain old.example "$T_DIR/new.yaml"
t '--domain: and its subdomains' 0 "$B
$C
$N" '' -q --now $T3 rules diff --domain X.example "$T_DIR/new.yaml"
t '--domain: none' 0 '' '' -q --now $T3 rules diff --domain none.example "$T_DIR/new.yaml"
t '--stream: its unsubscribe is left as it is' 0 "$A
$B
$C
$P" "quell: rules diff: 6 addresses replayed (7 replies): 2 newly suppressed, 1 no longer suppressed, 1 scope changed, 0 other; 2 left as they are (not the rules' work)
quell: rules diff: rule unknown: 1 no longer suppressed
quell: rules diff: rule unknown: 1 scope changed
quell: rules diff: rule blocked: 2 newly suppressed" --now $T3 --stream news rules diff "$T_DIR/new.yaml"
t '--json' 0 '{"address":"a@old.example","change":"scope_changed","old":{"verdict":"suppress","scope":"address","rule":"unknown","category":"bad-mailbox","until":null},"new":{"verdict":"suppress","scope":"domain","rule":"unknown","category":"bad-domain","until":null},"time":"2026-01-01T00:00:00Z","code":550,"status":"5.1.1","reply":"user unknown"}
{"replayed":1,"replies":1,"changed":1,"newly_suppressed":0,"no_longer_suppressed":0,"scope_changed":1,"other":0,"kept":0,"by_rule":[{"rule":"unknown","newly_suppressed":0,"no_longer_suppressed":0,"scope_changed":1}]}' \
	'' --json --now $T3 rules diff --domain old.example "$T_DIR/new.yaml"

# ------------------------------------------------------ nothing was written

ok 'data.mdb unchanged, byte for byte' cmp -s "$QUELL_DB/data.mdb" "$T_DIR/before.mdb"
stats >"$T_DIR/after.stats"
ok 'stats unchanged (events, last sequence number)' cmp -s "$T_DIR/before.stats" "$T_DIR/after.stats"

# ----------------------------------------------------------------- misuse

t 'a bad NEWFILE' 65 '' \
	"quell: rules diff: $T_DIR/bad.yaml:4:13: unknown key 'codee' in a rule's when (expected code, status, text or domain)" \
	rules diff "$T_DIR/bad.yaml"
t 'a missing NEWFILE' 66 '' "quell: rules diff: $T_DIR/nope.yaml: No such file or directory" \
	rules diff "$T_DIR/nope.yaml"
DIFF_USAGE='usage: quell rules diff [--since T] [--domain D] NEWFILE'
t 'no NEWFILE' 64 '' "quell: rules diff: no rules file given
$DIFF_USAGE" rules diff
t 'two files' 64 '' "quell: rules diff: unexpected argument 'x'
$DIFF_USAGE" rules diff "$T_DIR/new.yaml" x
t 'a bad --since' 64 '' "quell: rules diff: --since: not a time: 'soon'
$DIFF_USAGE" rules diff --since soon "$T_DIR/new.yaml"
t 'a bad --domain' 65 '' "quell: rules diff: domain: unexpected ' ' at character 2" rules diff --domain 'a b' "$T_DIR/new.yaml"

# A diff beside a writer: the diff reads one snapshot (its count of
# replayed addresses is what the database held when it began, or later
# but whole), and the writer loses nothing and is not held up.
CDB=$T_DIR/concurrent-db
seq 1 2000 | sed "s/.*/c&@busy.example	550 5.1.1 user unknown/" >"$T_DIR/first.tsv"
seq 2001 6000 | sed "s/.*/c&@busy.example	550 5.1.1 user unknown/" >"$T_DIR/more.tsv"
q --db "$CDB" --now $T1 --rules "$T_DIR/old.yaml" record - <"$T_DIR/first.tsv" >/dev/null 2>&1
q --db "$CDB" --now $T2 --rules "$T_DIR/old.yaml" record - <"$T_DIR/more.tsv" \
	>/dev/null 2>"$T_DIR/w.err" &
WPID=$!
DRC=0
for _ in 1 2 3; do
	q --db "$CDB" --now $T3 --rules "$T_DIR/old.yaml" --json rules diff "$T_DIR/old.yaml" \
		>"$T_DIR/c.out" 2>/dev/null || DRC=$?
	# one summary object; nothing changes under the same rules
	n=$(sed -n 's/.*"replayed":\([0-9]*\).*/\1/p' "$T_DIR/c.out" | tail -n 1)
	[ -n "$n" ] && [ "$n" -ge 2000 ] && [ "$n" -le 6000 ] || DRC=99
	[ "$(wc -l <"$T_DIR/c.out")" = 1 ] || DRC=98
done
wait $WPID
WRC=$?
ok 'beside a writer: every diff exits 0 on a whole snapshot, nothing changed' test $DRC = 0
ok 'beside a writer: the writer finishes, all 6000 replies stored' test $WRC = 0 -a \
	"$(q --db "$CDB" --now $T3 check - <<<"$(seq 1 6000 | sed 's/.*/c&@busy.example/')" |
		cut -f2 | sort | uniq -c | tr -s ' ')" = " 6000 suppress"
