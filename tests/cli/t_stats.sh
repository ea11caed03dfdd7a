# t_stats.sh - stats, prune (and the give-up of the loaded rules) and backup.

T1=2026-01-01T00:00:00Z T3=2026-01-03T00:00:00Z
SIZES='s/^\(db_bytes\|used_bytes\|map_bytes\)\t[0-9][0-9]*$/\1\tN/'
JSIZES='s/"db_bytes":[0-9]*,"used_bytes":[0-9]*,"map_bytes":[0-9]*/"db_bytes":N,"used_bytes":N,"map_bytes":N/'

t 'stats, no database' 66 '' "quell: stats: no database in $QUELL_DB" stats
t 'prune, no database' 66 '' "quell: prune: no database in $QUELL_DB" prune
t 'backup, no database' 66 '' "quell: backup: no database in $QUELL_DB" backup "$T_DIR/bk"
ok 'none of them created one' test ! -e "$QUELL_DB" -a ! -e "$T_DIR/bk"

t 'setup: expiring' 0 '' '' --now $T1 add --ttl 1d e@ex.example
for i in 1 2 3 4; do
	t "setup: k event $i" 0 '' '' --now $T1 add --reason r$i k@ex.example
done
t 'setup: domain' 0 '' '' --now $T1 add --source complaint bad.example
t 'setup: allow' 0 '' '' --now $T1 allow v@ex.example
t 'setup: stream' 0 '' '' --now $T1 --stream news add --source unsubscribe n@ex.example
t 'setup: last key' 0 '' '' --now $T3 add zz@ex.example

STATS="suppress.address	3
suppress.domain	1
allow.address	1
allow.domain	0
backoff.address	0
backoff.domain	0
source.bounce	0
source.complaint	1
source.unsubscribe	1
source.manual	3
source.import	0
category.complaint	1
category.manual	3
category.unsubscribe	1
stream.-	4
stream.news	1
keys	6
expired	1
events	9
last_seq	9
db_bytes	N
used_bytes	N
map_bytes	N"
T_FILTER=$SIZES t 'stats' 0 "$STATS" '' --now $T3 stats
T_FILTER=$JSIZES t 'stats --json' 0 \
	'{"suppress":{"address":3,"domain":1},"allow":{"address":1,"domain":0},"backoff":{"address":0,"domain":0},"source":{"bounce":0,"complaint":1,"unsubscribe":1,"manual":3,"import":0},"category":{"complaint":1,"manual":3,"unsubscribe":1},"stream":{"-":4,"news":1},"keys":6,"expired":1,"events":9,"last_seq":9,"db_bytes":N,"used_bytes":N,"map_bytes":N}' \
	'' --now $T3 stats --json
sizes_are_numbers() { q stats | grep -Eq $'^db_bytes\t[1-9][0-9]*$'; }
ok 'stats sizes are numbers' sizes_are_numbers

t 'backup' 0 '' '' backup "$T_DIR/bk"
t 'the backup answers like the original' 1 \
	$'k@ex.example\tsuppress\tscope=address key=k@ex.example category=manual source=manual\nv@ex.example\tallow\tscope=address key=v@ex.example category=manual source=manual' \
	'' --db "$T_DIR/bk" --now $T3 check k@ex.example v@ex.example

t 'prune: the expired entry, events past --keep' 0 $'entries_removed\t1\nevents_removed\t2' '' \
	--now $T3 prune --keep 2
T_FILTER='/^event/!d' t 'k keeps its 2 newest events' 0 \
	"event	$T1	suppress	list=suppress source=manual category=manual reason=r4 verdict=suppress origin=$ORIGIN seq=5
event	$T1	suppress	list=suppress source=manual category=manual reason=r3 verdict=suppress origin=$ORIGIN seq=4" \
	'' --now $T3 show k@ex.example
T_FILTER='/^event/!d' t 'the expired entry is an event now' 0 \
	"event	$T3	expire	list=suppress source=manual category=manual verdict=allow origin=$ORIGIN seq=10
event	$T1	suppress	list=suppress source=manual category=manual until=2026-01-02T00:00:00Z verdict=suppress origin=$ORIGIN seq=1" \
	'' --now $T3 show e@ex.example
t 'prune again: nothing' 0 '{"entries_removed":0,"events_removed":0}' '' --now $T3 --json prune --keep 2
t 'prune --max-age 1d' 0 '{"entries_removed":0,"events_removed":6}' '' --now 2026-01-03T12:00:00Z prune --max-age 1d --json
AFTER=${STATS/keys	6
expired	1
events	9
last_seq	9/keys	5
expired	0
events	2
last_seq	10}
T_FILTER=$SIZES t 'stats after prune' 0 "$AFTER" '' --now $T3 stats
t 'prune --max-age bad' 64 '' "quell: prune: --max-age: not a duration: 'old'
usage: quell prune [--keep N] [--max-age DURATION]" prune --max-age old

# prune ends a backoff idle for the rules' give_up_after: 5 days with the
# default rules, 1 day with a file that says so (--rules).
G=$T_DIR/giveup
t 'setup: a backoff' 0 $'slow@ex.example\tbackoff\tverdict=backoff scope=domain key=ex.example rule=throttled category=transient code=451 status=4.7.1 until=2026-01-01T00:15:00Z' '' \
	--db "$G" --now $T1 record slow@ex.example '451 4.7.1 try later'
t 'prune after 2 days keeps it (default give_up_after 5d)' 0 $'entries_removed\t0\nevents_removed\t0' '' \
	--db "$G" --now $T3 prune
printf 'version: 1\nbackoff: { give_up_after: 1d }\nrules:\n  - name: transient\n    when: { code: 4xx }\n    then: { action: backoff, scope: address }\n' >"$T_DIR/giveup.yaml"
t 'prune with give_up_after 1d ends it' 0 $'entries_removed\t1\nevents_removed\t0' '' \
	--db "$G" --rules "$T_DIR/giveup.yaml" --now $T3 prune
