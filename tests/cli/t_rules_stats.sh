# t_rules_stats.sh - rules stats on a database built by `record`: a rule
# that fired twice, one once at domain scope (counted once, not again for
# the domain's copy), one that never fired, a reply no rule matched and a
# hand edit (not counted); a rule gone from the rules listed as
# not-in-rules; --since; --json; it writes nothing; misuse.

cat >"$T_DIR/old.yaml" <<'YAML'
version: 1
rules:
  - name: unknown
    when: { status: 5.1.1 }
    then: { action: suppress }
  - name: slow
    when: { code: 421 }
    then: { action: backoff, scope: domain }
  - name: never
    when: { code: 299 }
    then: { action: clear }
YAML
cat >"$T_DIR/new.yaml" <<'YAML'
version: 1
rules:
  - name: never
    when: { code: 299 }
    then: { action: clear }
  - name: unknown
    when: { status: 5.1.1 }
    then: { action: suppress }
YAML
OLD=(--rules "$T_DIR/old.yaml")
NEW=(--rules "$T_DIR/new.yaml")

t 'no database: 66, none made' 66 '' "quell: rules stats: no database in $QUELL_DB" \
	"${OLD[@]}" rules stats
ok 'no database was made' test ! -e "$QUELL_DB"

q "${OLD[@]}" --now 2026-01-01T00:00:00Z record a@x.example '550 5.1.1 nope' >/dev/null
q "${OLD[@]}" --now 2026-01-03T00:00:00Z record c@y.example '421 busy' >/dev/null
q "${OLD[@]}" --now 2026-01-04T00:00:00Z record c@y.example '500 what' >/dev/null
q "${OLD[@]}" --now 2026-01-05T00:00:00Z record b@x.example '550 5.1.1 nope' >/dev/null
q --now 2026-01-06T00:00:00Z add d@x.example >/dev/null

t 'every rule in file order, one never fired' 0 \
$'unknown\t2\t2026-01-05T00:00:00Z
slow\t1\t2026-01-03T00:00:00Z
never\t0\t-' '' "${OLD[@]}" rules stats
t 'a rule no longer in the rules: listed after them, marked' 0 \
$'never\t0\t-
unknown\t2\t2026-01-05T00:00:00Z
slow\t1\t2026-01-03T00:00:00Z\tnot-in-rules' '' "${NEW[@]}" rules stats
t '--since: replies at or after T' 0 \
$'unknown\t1\t2026-01-05T00:00:00Z
slow\t1\t2026-01-03T00:00:00Z
never\t0\t-' '' "${OLD[@]}" rules stats --since 2026-01-03T00:00:00Z
t '--since after every reply' 0 \
$'unknown\t0\t-
slow\t0\t-
never\t0\t-' '' "${OLD[@]}" rules stats --since 2026-01-05T00:00:01Z
t '--json' 0 \
'{"rule":"never","count":0,"last":null,"in_rules":true}
{"rule":"unknown","count":2,"last":"2026-01-05T00:00:00Z","in_rules":true}
{"rule":"slow","count":1,"last":"2026-01-03T00:00:00Z","in_rules":false}' '' \
	"${NEW[@]}" --json rules stats
T_FILTER='/\tnot-in-rules$/!d' t 'the default rules: names from history in name order' 0 \
$'slow\t1\t2026-01-03T00:00:00Z\tnot-in-rules
unknown\t2\t2026-01-05T00:00:00Z\tnot-in-rules' '' \
	--rules "$(dirname "$T_SCRIPT")/../../config/rules.yaml" rules stats

cp "$QUELL_DB/data.mdb" "$T_DIR/before.mdb"
q "${OLD[@]}" rules stats >/dev/null
ok 'rules stats wrote nothing' cmp -s "$QUELL_DB/data.mdb" "$T_DIR/before.mdb"

STATS_USAGE='usage: quell rules stats [--since T]'
t 'a bad --since' 64 '' "quell: rules stats: --since: not a time: 'yesterday'
$STATS_USAGE" rules stats --since yesterday
t 'an argument' 64 '' "quell: rules stats: unexpected argument 'x'
$STATS_USAGE" rules stats x
