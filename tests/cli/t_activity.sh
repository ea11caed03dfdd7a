# t_activity.sh - quell activity: events written at known times (out of
# time order) come back newest first with time, type, address, outcome,
# rule and reply; --type, --address, --domain, --since, --limit; --json;
# counts per type on a larger history against awk's count of the lines
# written; misuse; no database; the help.

cat >"$T_DIR/rules.yaml" <<'YAML'
version: 1
rules:
  - name: ok
    when: { code: 2xx }
    then: { action: clear }
  - name: unknown
    when: { status: 5.1.1 }
    then: { action: suppress, category: bad-mailbox }
  - name: slow
    when: { code: 421 }
    then: { action: backoff, scope: domain }
YAML
R=(--rules "$T_DIR/rules.yaml")

t 'no database: 66, none made' 66 '' "quell: activity: no database in $QUELL_DB" activity
ok 'no database was made' test ! -e "$QUELL_DB"

q "${R[@]}" --now 2026-11-05T10:00:00Z record c@x.example '250 2.0.0 ok' >/dev/null
q "${R[@]}" --now 2026-11-02T10:00:00Z record a@x.example $'550 5.1.1 <a@x.example>\001 gone' >/dev/null
q "${R[@]}" --now 2026-11-03T10:00:00Z record b@y.example '421 4.7.0 slow down' >/dev/null
q --now 2026-11-04T10:00:00Z add --reason 'by hand' d@y.example >/dev/null
q --now 2026-11-04T11:00:00Z add --source unsubscribe --stream news e@x.example >/dev/null
q --now 2026-11-04T12:00:00Z add --source complaint f@sub.x.example >/dev/null

t 'newest first, every kind' 0 $'2026-11-05T10:00:00Z\tdelivered\tc@x.example\tdelivered\tok\t250 2.0.0 ok
2026-11-04T12:00:00Z\tcomplaint\tf@sub.x.example\tsuppress\t-\t-
2026-11-04T11:00:00Z\tunsubscribe\te@x.example\tsuppress\t-\t-
2026-11-04T10:00:00Z\tmanual\td@y.example\tsuppress\t-\tby hand
2026-11-03T10:00:00Z\tdeferral\tb@y.example\tbackoff\tslow\t421 4.7.0 slow down
2026-11-02T10:00:00Z\tbounce\ta@x.example\tsuppressed\tunknown\t550 5.1.1 <a@x.example> gone' '' activity
t '--limit 2' 0 $'2026-11-05T10:00:00Z\tdelivered\tc@x.example\tdelivered\tok\t250 2.0.0 ok
2026-11-04T12:00:00Z\tcomplaint\tf@sub.x.example\tsuppress\t-\t-' '' activity --limit 2
t '--type deferral' 0 $'2026-11-03T10:00:00Z\tdeferral\tb@y.example\tbackoff\tslow\t421 4.7.0 slow down' '' \
	activity --type deferral
t '--domain x.example: its subdomains too' 0 $'2026-11-05T10:00:00Z\tdelivered\tc@x.example\tdelivered\tok\t250 2.0.0 ok
2026-11-04T12:00:00Z\tcomplaint\tf@sub.x.example\tsuppress\t-\t-
2026-11-04T11:00:00Z\tunsubscribe\te@x.example\tsuppress\t-\t-
2026-11-02T10:00:00Z\tbounce\ta@x.example\tsuppressed\tunknown\t550 5.1.1 <a@x.example> gone' '' \
	activity --domain x.example
t '--address, normalized' 0 $'2026-11-03T10:00:00Z\tdeferral\tb@y.example\tbackoff\tslow\t421 4.7.0 slow down' '' \
	activity --address B@Y.EXAMPLE
t '--since' 0 $'2026-11-05T10:00:00Z\tdelivered\tc@x.example\tdelivered\tok\t250 2.0.0 ok
2026-11-04T12:00:00Z\tcomplaint\tf@sub.x.example\tsuppress\t-\t-' '' activity --since 2026-11-04T11:30:00Z
t '--json' 0 '{"time":"2026-11-04T11:00:00Z","type":"unsubscribe","key":"e@x.example","scope":"address","outcome":null,"action":"suppress","verdict":"suppress","source":"unsubscribe","rule":null,"category":"unsubscribe","code":null,"status":null,"reply":null,"reason":null,"stream":"news","until":null}' '' \
	--json activity --type unsubscribe
t 'an address never seen: nothing' 0 '' '' activity --address nobody@x.example

# 300 replies of four kinds over 10 days, in a shuffled order of days:
# the count of each type, and the order newest first
awk 'BEGIN {
	split("250 2.0.0 ok|550 5.1.1 no|421 4.7.0 later|554 5.7.1 spam", r, "|")
	x = 7
	for (i = 0; i < 300; i++) {
		x = (x * 1103515245 + 12345) % 2147483648
		k = int(x / 65536) % 4 + 1
		x = (x * 1103515245 + 12345) % 2147483648
		d = int(x / 65536) % 10 + 10
		printf "%d\tm%d@big.example\t%s\n", d, i, r[k]
	}
}' >"$T_DIR/many.tsv"
for d in 14 11 19 10 16 13 18 12 15 17; do
	awk -F'\t' -v d="$d" '$1 == d { print $2 "\t" $3 }' "$T_DIR/many.tsv" |
		q "${R[@]}" --db "$T_DIR/many" --now "2026-11-${d}T08:00:00Z" record - >/dev/null
done
M=(--db "$T_DIR/many" activity --domain big.example --limit 1000)
for ty in delivered:'^250' bounce:'^55' deferral:'^421'; do
	want=$(awk -F'\t' -v re="${ty#*:}" '$3 ~ re' "$T_DIR/many.tsv" | wc -l)
	got=$(q "${M[@]}" --type "${ty%%:*}" | wc -l)
	ok "--type ${ty%%:*}: as many as the lines written ($want)" test "$got" = "$want"
done
ok 'newest first' sh -c 'q() { "$QUELL_BIN" "$@"; }; q "$@" | cut -f1 | sort -c -r' - "${M[@]}"

t '--type: a known type' 64 '' "quell: activity: --type: delivered, bounce, deferral, complaint, unsubscribe or manual, not 'sent'
usage: quell activity [--address A] [--domain D] [--type T] [--since T] [--limit N]" activity --type sent
t '--limit: 1 to 100000' 64 '' "quell: activity: --limit: a number from 1 to 100000, not '0'
usage: quell activity [--address A] [--domain D] [--type T] [--since T] [--limit N]" activity --limit 0
t 'a bad address: 65' 65 '' "quell: activity: missing '@'" activity --address 'not an address'
t '--help' 0 "usage: quell activity [--address A] [--domain D] [--type T] [--since T] [--limit N]

The stored events, newest first, with the receiving server's reply.

Options:
  --address A          only the events of address A
  --domain D           only addresses of domain D and its subdomains
  --type T             delivered, bounce, deferral, complaint, unsubscribe
                       or manual
  --since T            only events at or after T
  --limit N            the newest N events (default 100, at most 100000)

Global options: see 'quell help'." '' activity --help
