# t_report.sh - quell report on a database this file fills with known
# history: a week of replies from a fixed pseudo-random sequence,
# recorded day by day at fixed --now times; the figures (replies by
# outcome, new suppressions, list sizes, bounces per domain, per day and
# per week, --domain) are checked against counts awk makes independently
# from the lines written.  Then the output shapes (text heading, --json,
# --csv with its formula guard), a hostile reply and reason in --html
# (escaped, nothing of it runs), misuse, no database.

cat >"$T_DIR/rules.yaml" <<'YAML'
version: 1
rules:
  - name: ok
    when: { code: 2xx }
    then: { action: clear, category: delivered }
  - name: unknown
    when: { status: 5.1.1 }
    then: { action: suppress, category: bad-mailbox }
  - name: full
    when: { status: 4.2.2 }
    then: { action: count, threshold: 1000, window: 30d, category: quota }
  - name: slow
    when: { code: 421 }
    then: { action: backoff, category: transient }
  - name: block
    when: { status: "5.7.*" }
    then: { action: ignore, category: policy }
YAML
R=(--rules "$T_DIR/rules.yaml")

t 'no database: 66, none made' 66 '' "quell: report: no database in $QUELL_DB" report
ok 'no database was made' test ! -e "$QUELL_DB"

# A week (2026-11-02, a Monday, to 11-08) of 60 replies a day to 25
# addresses at 5 domains, at 10:00 each day: day DAY<TAB>ADDR<TAB>REPLY.
awk 'BEGIN {
	split("250 2.0.0 ok|550 5.1.1 unknown|452 4.2.2 full|421 4.7.0 busy|550 5.7.1 blocked", r, "|")
	x = 12345
	for (d = 2; d <= 8; d++)
		for (i = 0; i < 60; i++) {
			x = (x * 1103515245 + 12345) % 2147483648
			a = int(x / 65536) % 25
			x = (x * 1103515245 + 12345) % 2147483648
			k = int(x / 65536) % 10
			k = k < 4 ? 1 : k < 6 ? 2 : k < 7 ? 3 : k < 8 ? 4 : 5
			printf "%02d\tu%d@d%d.example\t%s\n", d, a, a % 5, r[k]
		}
}' >"$T_DIR/week.tsv"
for d in 02 03 04 05 06 07 08; do
	awk -F'\t' -v d="$d" '$1 == d { print $2 "\t" $3 }' "$T_DIR/week.tsv" |
		q "${R[@]}" --now "2026-11-${d}T10:00:00Z" record - >/dev/null
done

# What the report must say, from the lines alone: per day the replies by
# outcome, the addresses suppressed for the first time, and how many are
# suppressed by the day's end (nothing here lifts a suppression).
expect() { # expect [DOMAIN]
	awk -F'\t' -v dom="${1:-}" '
	dom != "" && $2 !~ ("@" dom "$") { next }
	{
		o = $3 ~ /^250/ ? "delivered" : $3 ~ /5\.1\.1/ ? "suppressed" : \
		    $3 ~ /4\.2\.2/ ? "counted" : $3 ~ /^421/ ? "backoff" : "ignored"
		n[$1, o]++
		if (o == "suppressed" && !($2 in s)) { s[$2] = 1; fresh[$1]++; total++ }
		size[$1] = total
	}
	END {
		for (d = 2; d <= 8; d++) {
			day = sprintf("%02d", d)
			split("delivered suppressed backoff counted ignored", os, " ")
			for (k = 1; k <= 5; k++)
				printf "outcome,2026-11-%s,,%s,%d\n", day, os[k], n[day, os[k]]
			printf "event,2026-11-%s,,suppressions,%d\n", day, fresh[day]
			if (d > 2 && !(day in size)) size[day] = size[sprintf("%02d", d - 1)]
			printf "size,2026-11-%s,,suppressed,%d\n", day, size[day] + 0
		}
	}' "$T_DIR/week.tsv"
}
FIGURES='/^outcome,\|^event,[^,]*,,suppressions,\|^size,[^,]*,,suppressed,/!d'
WEEK=(--now 2026-11-09T00:00:00Z report --since 2026-11-02T00:00:00Z --until 2026-11-09T00:00:00Z)

T_FILTER="$FIGURES"
t 'per day: outcomes, new suppressions, list sizes as the lines say' 0 "$(expect)" '' \
	"${WEEK[@]}" --csv
t '--domain d3.example' 0 "$(expect d3.example)" '' "${WEEK[@]}" --domain d3.example --csv
unset T_FILTER

# per week: the sums of the days
T_FILTER='/^outcome,\|^event,[^,]*,,suppressions,/!d'
t '--by week: one period, the sums of the days' 0 "$(expect | awk -F, '
	$1 == "outcome" || $1 == "event" { n[$1 "," $4] += $5; if (!($1 "," $4 in seen)) { seen[$1 "," $4] = 1; order[++k] = $1 "," $4 } }
	END { for (i = 1; i <= k; i++) { split(order[i], p, ","); printf "%s,2026-11-02,,%s,%d\n", p[1], p[2], n[order[i]] } }')" '' \
	"${WEEK[@]}" --by week --csv

# bounces (5xx) and deliveries per domain, most bounces first
T_FILTER='/^bounces,/!d; /,bounces,\|,delivered,/!d'
t 'top domains by bounces' 0 "$(awk -F'\t' '
	{ split($2, a, "@"); d = a[2]; seen[d] = 1 }
	$3 ~ /^5/ { b[d]++ } $3 ~ /^2/ { ok[d]++ }
	END { for (d in seen) printf "%d %s %d\n", b[d], d, ok[d] }' "$T_DIR/week.tsv" |
	sort -k1,1nr -k2,2 | awk '{ printf "bounces,,%s,bounces,%d\nbounces,,%s,delivered,%d\n", $2, $1, $2, $3 }')" '' \
	"${WEEK[@]}" --csv
unset T_FILTER

# every backoff here ends within its day (15m doubling, at most 8h from
# 10:00), also when other replies follow it the same minute
T_FILTER='/,in_backoff,/!d'
t 'no address is in backoff at the end of a day' 0 "$(for d in 02 03 04 05 06 07 08; do
	echo "size,2026-11-$d,,in_backoff,0"; done)" '' "${WEEK[@]}" --csv
unset T_FILTER

# ---- shapes, on a small database
S=(--db "$T_DIR/small" "${R[@]}")
q "${S[@]}" --now 2026-11-02T09:00:00Z record a@x.example '550 5.1.1 <a@x.example>: no such user' >/dev/null
q "${S[@]}" --now 2026-11-02T10:00:00Z record b@x.example '250 2.0.0 ok' >/dev/null
q "${S[@]}" --now 2026-11-03T10:00:00Z record c@y.example '421 4.7.0 =HYPERLINK("http://x")' >/dev/null
SMALL=(--now 2026-11-03T10:05:00Z report --since 2026-11-02T00:00:00Z --until 2026-11-04T00:00:00Z)

t '--json: one object' 0 '{"since":"2026-11-02T00:00:00Z","until":"2026-11-04T00:00:00Z","by":"day","events":3,"totals":{"delivered":1,"suppressed":1,"backoff":1,"counted":0,"ignored":0,"suppressions":1},"periods":[{"start":"2026-11-02T00:00:00Z","delivered":1,"suppressed":1,"backoff":0,"counted":0,"ignored":0,"complaints":0,"unsubscribes":0,"manual":0,"suppressions":1,"suppressed_addresses":1,"suppressed_domains":0,"in_backoff":0},{"start":"2026-11-03T00:00:00Z","delivered":0,"suppressed":0,"backoff":1,"counted":0,"ignored":0,"complaints":0,"unsubscribes":0,"manual":0,"suppressions":0,"suppressed_addresses":1,"suppressed_domains":0,"in_backoff":0}],"categories":[{"name":"bad-mailbox","total":1,"periods":[1,0]}],"rules":[{"name":"unknown","total":1,"periods":[1,0]}],"top_bounces":[{"domain":"x.example","bounces":1,"delivered":1,"deferrals":0,"complaints":0,"bounce_rate":0.5,"spark":[0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}],"top_bounce_rate":[{"domain":"x.example","bounces":1,"delivered":1,"deferrals":0,"complaints":0,"bounce_rate":0.5,"spark":[0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}],"other_domains":0,"backoff":[],"reasons":[{"rule":"slow","status":"4.7.0","count":1,"last":"2026-11-03T10:00:00Z","code":421,"reply":"=HYPERLINK(\"http://x\")"},{"rule":"unknown","status":"5.1.1","count":1,"last":"2026-11-02T09:00:00Z","code":550,"reply":"<a@x.example>: no such user"}]}' '' \
	"${S[@]}" --json "${SMALL[@]}"
T_FILTER='/^reason,,slow/!d'
t '--csv: a cell that would run as a formula is guarded, quotes doubled' 0 \
'reason,,slow 4.7.0,count,1
reason,,slow 4.7.0,last,2026-11-03T10:00:00Z
reason,,slow 4.7.0,reply,"'"'"'=HYPERLINK(""http://x"")"' '' "${S[@]}" "${SMALL[@]}" --csv
unset T_FILTER
T_FILTER='8,$d'
t 'text: aligned tables' 0 'quell report: 2026-11-02 to 2026-11-03 (UTC), by day; 3 events

Replies by outcome, other events, new suppressions
period        delivered   suppressed      backoff      counted      ignored   complaints unsubscribes       manual suppressions
2026-11-02            1            1            0            0            0            0            0            0            1
2026-11-03            0            0            1            0            0            0            0            0            0
total                 1            1            1            0            0' '' "${S[@]}" "${SMALL[@]}"
unset T_FILTER

# ---- --html: hostile stored text is shown, never run
H=(--db "$T_DIR/hostile" "${R[@]}" --now 2026-11-02T10:00:00Z)
q "${H[@]}" record 'x@z.example' '550 5.1.1 <script>alert("r")</script> '"'"'&'"'"' <img src=x onerror=alert(1)>' >/dev/null
q "${H[@]}" add --reason "$(printf 'bad \303\251\377 bytes <b>"q"</b>')" y@z.example 2>/dev/null
q "${H[@]}" report --html "$T_DIR/h.html" --since 2026-11-01T00:00:00Z
ok '--html: the hostile reply escaped' grep -qF \
	'&lt;script&gt;alert(&quot;r&quot;)&lt;/script&gt; &#39;&amp;&#39; &lt;img src=x onerror=alert(1)&gt;' "$T_DIR/h.html"
ok '--html: the reason escaped, its bad bytes repaired' grep -qF \
	'bad '"$(printf '\303\251\357\277\275')"' bytes &lt;b&gt;&quot;q&quot;&lt;/b&gt;' "$T_DIR/h.html"
ok '--html: one <script> element, the page'"'"'s own' test "$(grep -o '<script' "$T_DIR/h.html" | wc -l)" = 1
ok '--html: no <img>, no URL outside the page' sh -c '! grep -qiE "<img|https?://|src=\"" "$1"' - "$T_DIR/h.html"
ok '--html: valid UTF-8 throughout' iconv -f UTF-8 -t UTF-8 "$T_DIR/h.html" -o /dev/null
ok '--html: a chart table beside each chart' test "$(grep -c '<details><summary>Table of this chart' "$T_DIR/h.html")" = 3
T_FILTER='1!d'
t '--html -: the page on stdout' 0 '<!DOCTYPE html>' '' "${H[@]}" report --html - --since 2026-11-01T00:00:00Z \
	--until 2026-11-03T00:00:00Z
unset T_FILTER

# ---- misuse
t '--by: day or week' 64 '' "quell: report: --by: day or week, not 'month'
usage: quell report [--since T] [--until T] [--by day|week] [--domain D] [--top N] [--csv]
       quell report [--since T] [--until T] [--by day|week] [--domain D] [--top N] --html FILE" \
	"${S[@]}" report --by month
t '--csv and --json exclude each other' 64 '' "quell: report: --csv, --html and --json exclude each other
usage: quell report [--since T] [--until T] [--by day|week] [--domain D] [--top N] [--csv]
       quell report [--since T] [--until T] [--by day|week] [--domain D] [--top N] --html FILE" \
	"${S[@]}" --json report --csv
t 'more than 1000 periods: 64' 64 '' \
	'quell: report: 1098 periods, more than 1000: a later since, or weeks' \
	"${S[@]}" --now 2026-11-02T00:00:00Z report --since 2023-11-01T00:00:00Z
t 'a bad domain: 65' 65 '' "quell: report: domain: empty label at character 3" \
	"${S[@]}" report --domain a..b

# ---- the live page of quell serve (curl; the server on a free port,
# stopped by its PID)
get() { # get URL [CURL ARGS...]: "STATUS CONTENT-TYPE", the body in $T_DIR/got.html
	local u=$1
	shift
	"$CURL" -s -m 30 -o "$T_DIR/got.html" -w '%{http_code} %{content_type}' "$@" "$u"
}
t_get() { # t_get NAME WANT URL [CURL ARGS]
	local name=$1 want=$2 got
	shift 2
	got=$(get "$@")
	ok "$name ($got)" test "$got" = "$want"
}
start serve "${H[@]}" serve --listen inet:127.0.0.1:0
t_get 'GET /: the page' '200 text/html; charset=utf-8' "$URL/"
ok 'GET /: the hostile reply escaped, one script, reloading every 60 s' sh -c '
	grep -qF "&lt;script&gt;alert(&quot;r&quot;)" "$1" && test "$(grep -o "<script" "$1" | wc -l)" = 1 &&
	grep -qF "data-refresh=\"60\"" "$1"' - "$T_DIR/got.html"
t_get 'GET /report with the filters' '200 text/html; charset=utf-8' \
	"$URL/report?since=2026-11-01T00:00:00Z&by=week&domain=z.example&refresh=5"
ok '/report: the filters in words, refresh 5' sh -c '
	grep -qF "2026-10-26 to 2026-11-02, by week, domain z.example" "$1" &&
	grep -qF "data-refresh=\"5\"" "$1"' - "$T_DIR/got.html"
t_get '/report?by=month: 400' '400 application/json' "$URL/report?by=month"
ok '/report?by=month: the error says why' grep -qF '{"error":{"code":400,"message":"by: day or week"}}' \
	"$T_DIR/got.html"
t_get '/report?domain=a..b: 400' '400 application/json' "$URL/report?domain=a..b"
stop
printf 'read-token-0123456789 read\n' >"$T_DIR/tokens"
start serve "${H[@]}" serve --listen inet:127.0.0.1:0 --tokens "$T_DIR/tokens"
t_get 'tokens: no token, 401' '401 application/json' "$URL/"
t_get 'tokens: a read token, the page' '200 text/html; charset=utf-8' "$URL/" \
	-H 'Authorization: Bearer read-token-0123456789'
stop
