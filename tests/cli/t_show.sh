# t_show.sh - show: verdict, entries on every stream, history newest first;
# plain and JSON; unknown keys; domains; escaping of stored reasons.

T1=2026-01-01T00:00:00Z T2=2026-01-02T00:00:00Z T3=2026-01-03T00:00:00Z
REASON=$'line1\nline2\ttab\e[31mred\x7f 100% a=b'
ENC='line1%0Aline2%09tab%1B[31mred%7F%20100%25%20a%3Db'
JENC='line1\nline2\ttab\u001B[31mred\u007F 100% a=b'

t 'show, no database' 66 '' "quell: show: no database in $QUELL_DB" show r@ex.example
t 'add with a nasty reason' 0 '' '' --now $T1 add --reason "$REASON" r@ex.example
t 'allow' 0 '' '' --now $T2 allow r@ex.example
t 'unsubscribe on a stream' 0 '' '' --now $T3 --stream news add --source unsubscribe --ttl 7d r@ex.example

t 'show' 0 \
	"r@ex.example	allow	scope=address key=r@ex.example category=manual source=manual
entry	suppress	scope=address source=manual category=manual reason=$ENC created=$T1 updated=$T1 count=1
entry	allow	scope=address source=manual category=manual created=$T2 updated=$T2
entry	suppress	scope=address stream=news source=unsubscribe category=unsubscribe created=$T3 updated=$T3 expires=2026-01-10T00:00:00Z count=1
event	$T3	suppress	list=suppress stream=news source=unsubscribe category=unsubscribe until=2026-01-10T00:00:00Z verdict=suppress origin=$ORIGIN seq=3
event	$T2	allow	list=allow source=manual category=manual verdict=allow origin=$ORIGIN seq=2
event	$T1	suppress	list=suppress source=manual category=manual reason=$ENC verdict=suppress origin=$ORIGIN seq=1" \
	'' --now $T3 show r@ex.example
T_FILTER='1!d' t 'show: the verdict follows --stream' 0 \
	"r@ex.example	suppress	scope=address key=r@ex.example category=unsubscribe source=unsubscribe until=2026-01-10T00:00:00Z" \
	'' --now $T3 --stream news show R@EX.example

J_CHECK='{"address":"r@ex.example","normalized":"r@ex.example","verdict":"allow","scope":"address","key":"r@ex.example","rule":null,"category":"manual","source":"manual","reply":null,"since":"'$T2'","until":null,"error":null}'
J_E1='{"entry":"r@ex.example","list":"suppress","scope":"address","stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":"'$JENC'","created":"'$T1'","updated":"'$T1'","expires":null,"until":null,"first_failure":null,"attempts":null,"count":1}'
J_E2='{"entry":"r@ex.example","list":"allow","scope":"address","stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":null,"created":"'$T2'","updated":"'$T2'","expires":null,"until":null,"first_failure":null,"attempts":null,"count":null}'
J_E3='{"entry":"r@ex.example","list":"suppress","scope":"address","stream":"news","source":"unsubscribe","category":"unsubscribe","rule":null,"code":null,"status":null,"reply":null,"reason":null,"created":"'$T3'","updated":"'$T3'","expires":"2026-01-10T00:00:00Z","until":null,"first_failure":null,"attempts":null,"count":1}'
J_H3='{"time":"'$T3'","action":"suppress","list":"suppress","stream":"news","source":"unsubscribe","rule":null,"category":"unsubscribe","code":null,"status":null,"reply":null,"reason":null,"until":"2026-01-10T00:00:00Z","verdict":"suppress","origin":"'"$ORIGIN"'","seq":3}'
J_H2='{"time":"'$T2'","action":"allow","list":"allow","stream":null,"source":"manual","rule":null,"category":"manual","code":null,"status":null,"reply":null,"reason":null,"until":null,"verdict":"allow","origin":"'"$ORIGIN"'","seq":2}'
J_H1='{"time":"'$T1'","action":"suppress","list":"suppress","stream":null,"source":"manual","rule":null,"category":"manual","code":null,"status":null,"reply":null,"reason":"'$JENC'","until":null,"verdict":"suppress","origin":"'"$ORIGIN"'","seq":1}'
t 'show --json' 0 \
	'{"key":"r@ex.example","scope":"address","verdict":"allow","check":'"$J_CHECK"',"entries":['"$J_E1,$J_E2,$J_E3"'],"history":['"$J_H3,$J_H2,$J_H1"']}' \
	'' --now $T3 show --json r@ex.example

# an unknown key is no error
t 'show unknown' 0 $'nobody@ex.example\tallow\t' '' show nobody@ex.example
t 'show unknown --json' 0 '{"key":"nobody@ex.example","scope":"address","verdict":"allow","check":{"address":"nobody@ex.example","normalized":"nobody@ex.example","verdict":"allow","scope":null,"key":null,"rule":null,"category":null,"source":null,"reply":null,"since":null,"until":null,"error":null},"entries":[],"history":[]}' \
	'' show --json nobody@ex.example

# a domain has entries, no verdict of its own
t 'add a domain' 0 '' '' --now $T1 add --reason 'all of it' @Dom.Example
t 'show a domain' 0 \
	"dom.example	-	
entry	suppress	scope=domain source=manual category=manual reason=all%20of%20it created=$T1 updated=$T1 count=1
event	$T1	suppress	list=suppress source=manual category=manual reason=all%20of%20it verdict=suppress origin=$ORIGIN seq=4" \
	'' --now $T1 show dom.example
t 'show a domain --json' 0 \
	'{"key":"dom.example","scope":"domain","verdict":null,"check":null,"entries":[{"entry":"dom.example","list":"suppress","scope":"domain","stream":null,"source":"manual","category":"manual","rule":null,"code":null,"status":null,"reply":null,"reason":"all of it","created":"'$T1'","updated":"'$T1'","expires":null,"until":null,"first_failure":null,"attempts":null,"count":1}],"history":[{"time":"'$T1'","action":"suppress","list":"suppress","stream":null,"source":"manual","rule":null,"category":"manual","code":null,"status":null,"reply":null,"reason":"all of it","until":null,"verdict":"suppress","origin":"'"$ORIGIN"'","seq":4}]}' \
	'' --now $T1 --json show @dom.example
t 'show an address under a suppressed domain' 0 \
	"x@mx.dom.example	suppress	scope=domain key=dom.example category=manual source=manual" \
	'' --now $T1 show x@mx.dom.example
t 'show invalid' 65 '' "quell: show: bad@: domain is empty" show bad@
t 'show public suffix' 65 '' "quell: show: co.uk: domain 'co.uk' is a public suffix" show co.uk
t 'show without entry' 64 '' 'quell: show: no entry given
usage: quell show ENTRY' show

# For people: on a terminal, show prints readable values (only control
# bytes escaped) and the Unicode form of an IDN domain beside its A-label;
# into a pipe, and with --porcelain, the escaped form stays exactly.
t 'IDN: an address' 0 '' '' --now $T1 add --reason 'Ticket #42: 100% sure, a=b' user@BÜCHER.example
t 'IDN: a domain' 0 '' '' --now $T1 add --reason "$REASON" straße.de
IDN_PIPE="user@xn--bcher-kva.example	suppress	scope=address key=user@xn--bcher-kva.example category=manual source=manual
entry	suppress	scope=address source=manual category=manual reason=Ticket%20#42:%20100%25%20sure,%20a%3Db created=$T1 updated=$T1 count=1
event	$T1	suppress	list=suppress source=manual category=manual reason=Ticket%20#42:%20100%25%20sure,%20a%3Db verdict=suppress origin=$ORIGIN seq=5"
t 'into a pipe: escaped' 0 "$IDN_PIPE" '' --now $T1 show user@xn--bcher-kva.example
t '--porcelain: escaped' 0 "$IDN_PIPE" '' --now $T1 --porcelain show user@xn--bcher-kva.example
if command -v script >/dev/null 2>&1; then
	# stdout on a pseudo-terminal (util-linux script), CRs of the tty removed;
	# script(1) runs the command with $SHELL, which may be dash: the
	# $'...' quoting of printf %q needs bash
	tty_out() {
		SHELL=$BASH script -qec "$(printf '%q ' $QUELL_WRAP "$QUELL_BIN" "$@")" /dev/null </dev/null |
			tr -d '\r'
	}
	tty_is() { # WANT ARGS...
		local want=$1 got
		shift
		got=$(tty_out "$@")
		[ "$got" = "$want" ] && return 0
		diff -u <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/  /'
		return 1
	}
	ok 'on a terminal: readable, with the Unicode domain' tty_is \
		"user@xn--bcher-kva.example (user@bücher.example)	suppress	scope=address key=user@xn--bcher-kva.example category=manual source=manual
entry	suppress	scope=address source=manual category=manual reason=Ticket #42: 100% sure, a=b created=$T1 updated=$T1 count=1
event	$T1	suppress	list=suppress source=manual category=manual reason=Ticket #42: 100% sure, a=b verdict=suppress origin=$ORIGIN seq=5" \
		--now $T1 show user@xn--bcher-kva.example
	ok 'on a terminal: control bytes still escaped' tty_is \
		"xn--strae-oqa.de (straße.de)	-	
entry	suppress	scope=domain source=manual category=manual reason=line1%0Aline2%09tab%1B[31mred%7F 100% a=b created=$T1 updated=$T1 count=1
event	$T1	suppress	list=suppress source=manual category=manual reason=line1%0Aline2%09tab%1B[31mred%7F 100% a=b verdict=suppress origin=$ORIGIN seq=6" \
		--now $T1 show straße.de
	ok 'on a terminal, --porcelain: escaped' tty_is "$IDN_PIPE" \
		--now $T1 --porcelain show user@xn--bcher-kva.example
else
	echo "t_show.sh: no script(1) (util-linux): terminal output of show not tested" >&2
fi
