# t_streams.sh - stream names on the command line and in import rows:
# [a-z0-9][a-z0-9._-]{0,63}, anything else exit 64 saying the rule; '*'
# (every stream) only where a stream is taken to mean all of them (list,
# export); a bad stream in an import row is a rejected row.

N=(--now 2026-01-01T00:00:00Z)
RULE='is not a stream name: 1 to 64 characters of [a-z0-9._-], the first a letter or digit'
S64=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
ADD_USAGE='usage: quell add ENTRY... [--reason TEXT] [--ttl DURATION] [--source manual|unsubscribe|complaint]'

t 'a space' 64 '' "quell: add: --stream: 'Bad Name' $RULE
$ADD_USAGE" "${N[@]}" add --stream 'Bad Name' a@ex.example
t 'upper case (never reachable through policyd)' 64 '' "quell: add: --stream: 'Marketing' $RULE
$ADD_USAGE" "${N[@]}" add --stream Marketing a@ex.example
t 'before the command' 64 '' "quell: --stream: 'Marketing' $RULE
usage: quell [--db DIR] [--rules FILE] [--stream NAME] [--json] [--now TIME]
             [-q] COMMAND [ARGS]
       quell help [COMMAND] | --help | --version" --stream Marketing add a@ex.example
t 'a leading dot' 64 '' "quell: check: --stream: '.x' $RULE
usage: quell check ADDR...
       quell check -" check --stream .x a@ex.example
t '65 characters' 64 '' "quell: remove: --stream: '${S64}a' $RULE
usage: quell remove ENTRY..." remove --stream "${S64}a" a@ex.example
t 'empty' 64 '' "quell: unallow: --stream: '' $RULE
usage: quell unallow ENTRY..." unallow --stream '' a@ex.example
t 'allow' 64 '' "quell: allow: --stream: 'a b' $RULE
usage: quell allow ENTRY... [--reason TEXT] [--ttl DURATION]" allow --stream 'a b' a@ex.example
t 'list' 64 '' "quell: list: --stream: 'A' $RULE
usage: quell list [--suppress|--allow|--backoff] [--domains|--addresses] [--category C] [--since TIME]" list --stream A
ok 'usage errors created no database' test ! -e "$QUELL_DB"

t '64 characters' 0 '' '' "${N[@]}" add --stream $S64 a@ex.example
t 'dots, dashes, underscores, digits' 0 '' '' "${N[@]}" add --stream 0news.letter_2-b b@ex.example
t 'list --stream NAME' 0 $'a@ex.example\tsuppress\tscope=address stream='$S64' source=manual category=manual created=2026-01-01T00:00:00Z updated=2026-01-01T00:00:00Z' '' \
	list --stream $S64
t "list --stream '*': every stream" 0 $'a@ex.example\tsuppress\tscope=address stream='$S64' source=manual category=manual created=2026-01-01T00:00:00Z updated=2026-01-01T00:00:00Z
b@ex.example'$'\t''suppress'$'\t''scope=address stream=0news.letter_2-b source=manual category=manual created=2026-01-01T00:00:00Z updated=2026-01-01T00:00:00Z' '' \
	list --stream '*'
t "export --stream '*'" 0 'a@ex.example
b@ex.example' '' -q export --format plain --stream '*'
for c in add remove allow unallow check show; do
	t "$c --stream '*': one stream only" 64 '' "quell: $c: --stream '*' (every stream): only list and export take it; name one stream
$(q help $c | sed -n '/^usage:/,/^$/p' | sed '/^$/d')" $c --stream '*' a@ex.example
done

# import: --stream, and the stream column of a row
t 'import --stream Bad' 64 '' "quell: import: --stream: 'Bad' $RULE
usage: quell import [--format F] [--dry-run] [--force-suppress] [--rejects FILE] [--list L] FILE|-" \
	import --stream Bad -
H=entry,list,scope,stream,source,category,rule,code,status,reply,reason,created,updated,expires,until,first_failure,attempts,count
T_IN="$H
c@ex.example,suppress,address,Bad Stream,manual,manual,,,,,,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,,,,,1
d@ex.example,suppress,address,good,manual,manual,,,,,,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,,,,,1
e@ex.example,suppress,address,-x,manual,manual,,,,,,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,,,,,1
" t 'import: a bad stream in a row is a rejected row' 65 '' \
	"-:2: stream 'Bad Stream': not a stream name (1 to 64 characters of [a-z0-9._-], the first a letter or digit)
-:4: stream '-x': not a stream name (1 to 64 characters of [a-z0-9._-], the first a letter or digit)
quell: import: -: 3 read, 1 imported, 0 updated, 0 skipped, 2 rejected (format csv)" "${N[@]}" import -
t 'the good row is in' 0 'd@ex.example' '' -q export --format plain --stream good
