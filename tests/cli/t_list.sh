# t_list.sh - list: filters, streams, plain and JSON, escaping.

T1=2026-01-01T00:00:00Z T2=2026-01-02T00:00:00Z

t 'list, no database' 66 '' "quell: list: no database in $QUELL_DB" list
t 'setup: suppress' 0 '' '' --now $T1 add --reason $'tab\there' b@ex.example a@ex.example
t 'setup: domain' 0 '' '' --now $T1 add --ttl 30d zz.example
t 'setup: allow' 0 '' '' --now $T2 allow --reason 'vip' v@ex.example
t 'setup: stream' 0 '' '' --now $T2 --stream news add --source unsubscribe n@ex.example

L_DOM="zz.example	suppress	scope=domain source=manual category=manual created=$T1 updated=$T1 expires=2026-01-31T00:00:00Z"
L_A="a@ex.example	suppress	scope=address source=manual category=manual reason=tab%09here created=$T1 updated=$T1"
L_B="b@ex.example	suppress	scope=address source=manual category=manual reason=tab%09here created=$T1 updated=$T1"
L_V="v@ex.example	allow	scope=address source=manual category=manual reason=vip created=$T2 updated=$T2"
L_N="n@ex.example	suppress	scope=address stream=news source=unsubscribe category=unsubscribe created=$T2 updated=$T2"

t 'list: domains first, then addresses in key order' 0 "$L_DOM
$L_A
$L_B
$L_V" '' --now $T2 list
t 'list --suppress' 0 "$L_DOM
$L_A
$L_B" '' --now $T2 list --suppress
t 'list --allow' 0 "$L_V" '' --now $T2 list --allow
t 'list --backoff' 0 '' '' --now $T2 list --backoff
t 'list --domains' 0 "$L_DOM" '' --now $T2 list --domains
t 'list --addresses --suppress' 0 "$L_A
$L_B" '' --now $T2 list --addresses --suppress
t 'list --since' 0 "$L_V" '' --now $T2 list --since $T2
t 'list --category' 0 '' '' --now $T2 list --category unsubscribe
t 'list --stream' 0 "$L_N" '' --now $T2 --stream news list
t 'list --stream with --category' 0 "$L_N" '' --now $T2 list --stream news --category unsubscribe
t "list --stream '*'" 0 "$L_DOM
$L_A
$L_B
$L_N
$L_V" '' --now $T2 list --stream '*'
t 'list skips expired entries' 0 "$L_A
$L_B" '' --now 2026-02-01T00:00:00Z list --suppress
t 'list --since, bad time' 64 '' "quell: list: --since: not a time: 'today'
usage: quell list [--suppress|--allow|--backoff] [--domains|--addresses] [--category C] [--since TIME]" list --since today

t 'list --json' 0 \
'{"entry":"zz.example","list":"suppress","scope":"domain","stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":null,"created":"'$T1'","updated":"'$T1'","expires":"2026-01-31T00:00:00Z","until":null,"first_failure":null,"attempts":null,"count":1}
{"entry":"a@ex.example","list":"suppress","scope":"address","stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":"tab\there","created":"'$T1'","updated":"'$T1'","expires":null,"until":null,"first_failure":null,"attempts":null,"count":1}
{"entry":"b@ex.example","list":"suppress","scope":"address","stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":"tab\there","created":"'$T1'","updated":"'$T1'","expires":null,"until":null,"first_failure":null,"attempts":null,"count":1}
{"entry":"v@ex.example","list":"allow","scope":"address","stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":"vip","created":"'$T2'","updated":"'$T2'","expires":null,"until":null,"first_failure":null,"attempts":null,"count":null}' \
	'' --now $T2 --json list
t 'list --json --stream' 0 \
'{"entry":"n@ex.example","list":"suppress","scope":"address","stream":"news","source":"unsubscribe","category":"unsubscribe","rule":null,"code":null,"status":null,"reply":null,"reason":null,"created":"'$T2'","updated":"'$T2'","expires":null,"until":null,"first_failure":null,"attempts":null,"count":1}' \
	'' --now $T2 list --json --stream news

# every stored byte is escaped: C0, DEL, C1 and the k=v separators; UTF-8
# text passes (invalid UTF-8 was repaired when the reason came in: U+FFFD)
t 'setup: reason with every kind of byte' 0 '' \
	'quell: add: --reason: 2 bytes not UTF-8: stored repaired (read as Latin-1 or as U+FFFD)' \
	--now $T1 add \
	--reason $'a\x01b\x1b[2J\x7f\xc2\x9b\xff\xfe=%  \r\n\xc3\xa9' x@esc.example
T_FILTER='/^x@esc/!d' t 'escaped plain' 0 \
	"x@esc.example	suppress	scope=address source=manual category=manual reason=a%01b%1B[2J%7F%C2%9B"$'\xef\xbf\xbd\xef\xbf\xbd'"%3D%25%20%20%0D%0A"$'\xc3\xa9'" created=$T1 updated=$T1" \
	'' --now $T1 list
T_FILTER='/"x@esc/!d' t 'escaped json' 0 \
	'{"entry":"x@esc.example","list":"suppress","scope":"address","stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":"a\u0001b\u001B[2J\u007F\u009B'$'\xef\xbf\xbd\xef\xbf\xbd''=%  \r\n'$'\xc3\xa9''","created":"'$T1'","updated":"'$T1'","expires":null,"until":null,"first_failure":null,"attempts":null,"count":1}' \
	'' --now $T1 list --json
