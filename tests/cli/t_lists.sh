# t_lists.sh - add, remove, allow, unallow, and check precedence through
# the command line: allow overrides, domains cover subdomains, an
# unsubscribe or complaint beats allow, TTL expiry, streams.

N=(--now 2026-01-01T00:00:00Z)
S=$'\tsuppress\t'
A=$'\tallow\t'

t 'add prints nothing' 0 '' '' "${N[@]}" add m@ex.example x@ex.example
t 'add again is an update' 0 '' '' "${N[@]}" add --reason again m@ex.example
t 'add: invalid entries reported, the others added' 65 '' \
	"quell: add: x y@ex.example: local part: unexpected ' ' at character 2
quell: add: @com: domain 'com' is a public suffix
quell: add: co.uk: domain 'co.uk' is a public suffix" \
	"${N[@]}" add 'x y@ex.example' good@ex.example @com co.uk
t '... and the good one is there' 1 "good@ex.example${S}scope=address key=good@ex.example category=manual source=manual" \
	'' "${N[@]}" check good@ex.example
t 'add: control bytes in a bad entry are escaped on stderr' 65 '' \
	'quell: add: a%1B[2Jb@ex.example: local part: control character \x1B at character 2' \
	"${N[@]}" add $'a\e[2Jb@ex.example'

# allow overrides a manual suppression
t 'allow' 0 '' '' "${N[@]}" allow --reason vip m@ex.example
t 'allow wins over manual' 0 "m@ex.example${A}scope=address key=m@ex.example category=manual source=manual" \
	'' "${N[@]}" check m@ex.example
t 'unallow' 0 '' '' "${N[@]}" unallow m@ex.example
t 'suppressed again' 1 "m@ex.example${S}scope=address key=m@ex.example category=manual source=manual" \
	'' "${N[@]}" check m@ex.example
t 'unallow what is not there: a note, still 0' 0 '' \
	'quell: unallow: m@ex.example: not on the allow list' "${N[@]}" unallow m@ex.example
t 'unallow -q: silent' 0 '' '' "${N[@]}" -q unallow m@ex.example

# an allowed domain covers its subdomains' addresses
t 'allow a domain' 0 '' '' "${N[@]}" allow @ok.example
t 'domain allow over an address suppression' 0 \
	"y@mx.ok.example${A}scope=domain key=ok.example category=manual source=manual" \
	'' "${N[@]}" check y@mx.ok.example

# the recipient's own wish beats every allow
t 'add unsubscribe and complaint' 0 '' '' "${N[@]}" add --source unsubscribe u@ok.example
t 'add complaint' 0 '' '' "${N[@]}" add --source complaint c@ok.example
t 'allow them too' 0 '' '' "${N[@]}" allow u@ok.example c@ok.example
t 'unsubscribe and complaint beat allow' 1 \
	"u@ok.example${S}scope=address key=u@ok.example category=unsubscribe source=unsubscribe
c@ok.example${S}scope=address key=c@ok.example category=complaint source=complaint" \
	'' "${N[@]}" check u@ok.example c@ok.example

# domain entries cover subdomains, never the parent
t 'suppress a subdomain' 0 '' '' "${N[@]}" add sub.dom.example
t 'subdomain yes, parent no' 1 \
	"a@sub.dom.example${S}scope=domain key=sub.dom.example category=manual source=manual
b@x.sub.dom.example${S}scope=domain key=sub.dom.example category=manual source=manual
c@dom.example${A}" \
	'' "${N[@]}" check a@sub.dom.example b@x.sub.dom.example c@dom.example

# remove
t 'remove' 0 '' '' "${N[@]}" remove x@ex.example sub.dom.example
t 'removed' 0 "x@ex.example${A}
a@sub.dom.example${A}" '' "${N[@]}" check x@ex.example a@sub.dom.example
t 'remove again: a note, still 0' 0 '' \
	'quell: remove: x@ex.example: not on the suppress or backoff list' "${N[@]}" remove x@ex.example
t 'remove -q: silent' 0 '' '' "${N[@]}" remove -q x@ex.example
t 'remove: invalid entry 65, others done' 65 '' \
	"quell: remove: x y@ex.example: local part: unexpected ' ' at character 2"$'\n'"quell: remove: gone@ex.example: not on the suppress or backoff list" \
	"${N[@]}" remove good@ex.example 'x y@ex.example' gone@ex.example
t 'good is gone' 0 "good@ex.example${A}" '' "${N[@]}" check good@ex.example

# TTL: expired entries count as absent
t 'add --ttl 1h' 0 '' '' "${N[@]}" add --ttl 1h t@ex.example
t 'before expiry: until' 1 "t@ex.example${S}scope=address key=t@ex.example category=manual source=manual until=2026-01-01T01:00:00Z" \
	'' --now 2026-01-01T00:59:59Z check t@ex.example
t 'at expiry: gone' 0 "t@ex.example${A}" '' --now 2026-01-01T01:00:00Z check t@ex.example
t 'unix seconds for --now' 1 "t@ex.example${S}scope=address key=t@ex.example category=manual source=manual until=2026-01-01T01:00:00Z" \
	'' --now 1767225600 check t@ex.example
t 'add --ttl 100y: the longest' 0 '' '' --now 9999-01-01T00:00:00Z add --ttl 100y long@ex.example
# ... its expiry saturates at the last second RFC 3339 writes: a year
# past 9999 would be exported as a time that import refuses
t 'at the end of 9999, still suppressed' 1 "long@ex.example${S}scope=address key=long@ex.example category=manual source=manual until=9999-12-31T23:59:59Z" \
	'' --now 9999-12-31T23:59:58Z check long@ex.example
q -q --stream '*' export --format csv >"$T_DIR/end.csv"
t 'its export restores into an empty database' 0 '' '' -q --db "$T_DIR/end" import "$T_DIR/end.csv"
ok '... and exports the same bytes' cmp "$T_DIR/end.csv" <(q --db "$T_DIR/end" -q --stream '*' export --format csv)
t 'allow --ttl 30m over a suppression' 0 '' '' "${N[@]}" allow --ttl 30m m@ex.example
t 'allow in force' 0 "m@ex.example${A}scope=address key=m@ex.example category=manual source=manual until=2026-01-01T00:30:00Z" \
	'' --now 2026-01-01T00:10:00Z check m@ex.example
t 'allow expired' 1 "m@ex.example${S}scope=address key=m@ex.example category=manual source=manual" \
	'' --now 2026-01-01T00:30:00Z check m@ex.example

# streams: entries of stream S are seen only by checks with --stream S;
# stream-less entries by every check
t 'add on a stream' 0 '' '' "${N[@]}" --stream marketing add --source unsubscribe s@ex.example
t 'stream-less check does not see it' 0 "s@ex.example${A}" '' "${N[@]}" check s@ex.example
t 'its stream does' 1 "s@ex.example${S}scope=address key=s@ex.example category=unsubscribe source=unsubscribe" \
	'' "${N[@]}" check --stream marketing s@ex.example
t 'another stream does not' 0 "s@ex.example${A}" '' "${N[@]}" check --stream billing s@ex.example
t 'add stream-less' 0 '' '' "${N[@]}" add a@x.example
t 'check a stream-less entry from a stream' 1 "a@x.example${S}scope=address key=a@x.example category=manual source=manual" \
	'' "${N[@]}" check --stream billing a@x.example
t 'remove without --stream leaves the stream entry' 0 '' \
	'quell: remove: s@ex.example: not on the suppress or backoff list' "${N[@]}" remove s@ex.example
t 'remove on its stream' 0 '' '' "${N[@]}" remove --stream marketing s@ex.example
t 'gone from the stream' 0 "s@ex.example${A}" '' "${N[@]}" check --stream marketing s@ex.example
t 'allow on one stream only' 0 '' '' "${N[@]}" allow --stream billing a@x.example
t 'allowed on billing' 0 "a@x.example${A}scope=address key=a@x.example category=manual source=manual" \
	'' "${N[@]}" check --stream billing a@x.example
t 'still suppressed elsewhere' 1 "a@x.example${S}scope=address key=a@x.example category=manual source=manual" \
	'' "${N[@]}" check --stream marketing a@x.example
