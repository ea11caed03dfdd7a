#!/bin/sh
# report_browser.sh - the report page in a real browser: `make
# integration` runs it after the Postfix test, as root (CI) or not.
#
#   tests/integration/report_browser.sh QUELL_BINARY DEMO_DB OUTDIR
#
# Renders, in headless Chromium (Debian's chromium; scripts/install-deps
# --integration installs it), the page `quell report --html` writes from
# the demo database (make demo), and the live page `quell serve` answers
# at / (the server on a free port of 127.0.0.1, stopped by its PID).  For
# each it reads the DOM the browser built (--dump-dom) and checks:
#   - the page's own script ran to its end (data-ready="1" on <html>) and
#     recorded no script error (data-errors) and no request its
#     Content-Security-Policy (default-src 'none') blocked (data-csp);
#   - Chromium's log has no console message of an error or a refusal;
#   - the DOM names no URL at all (no src=, no href=): the page asks for
#     nothing beyond the server;
#   - every chart drew: lines in the outcomes and list-size charts, bars
#     in the suppressions chart, a sparkline per trouble domain, rows in
#     the activity table.
# It saves screenshots for a person to look at: OUTDIR/report.png (the
# file) and OUTDIR/report-live.png (the live page).
#
# Exit 0 when every check passed, 1 on a failed check, 2 when it cannot
# run (no chromium, no demo database).  A few seconds.
set -eu
QUELL=$1 DB=$2 OUT=$3
NOW=2026-11-28T12:00:00Z
SINCE=2026-11-15T00:00:00Z

say() { printf 'report_browser: %s\n' "$*"; }
command -v chromium >/dev/null || { say "chromium is missing (scripts/install-deps --integration)"; exit 2; }
[ -f "$DB/data.mdb" ] || { say "no demo database in $DB (make demo)"; exit 2; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
T=$(mktemp -d /tmp/quell-browser.XXXXXX)
PID=
cleanup() {
	if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
FAILED=0
check() { # check NAME COMMAND...
	n=$1
	shift
	if "$@"; then say "ok: $n"; else say "FAILED: $n"; FAILED=1; fi
}

# browse URL NAME [--screenshot=FILE]: the DOM into $T/NAME.dom, the log
# into $T/NAME.log
browse() {
	url=$1 name=$2
	shift 2
	HOME=$T timeout 60 chromium --headless=new --no-sandbox --disable-gpu \
		--disable-dev-shm-usage --no-first-run --no-default-browser-check \
		--disable-extensions --disable-background-networking --disable-component-update \
		--disable-sync --disable-features=Translate,OptimizationHints,MediaRouter \
		--no-pings --user-data-dir="$T/profile-$name" --window-size=1200,2200 \
		--enable-logging=stderr --v=0 --virtual-time-budget=3000 "$@" \
		--dump-dom "$url" >"$T/$name.dom" 2>"$T/$name.log" || {
		say "chromium failed on $url:"; tail -n 5 "$T/$name.log"; FAILED=1; }
}

# count PATTERN FILE: how many times PATTERN occurs
count() { grep -o "$1" "$2" | wc -l; }

# chart ID FILE: the markup of the chart whose svg has id ID
chart() { sed -n "s/.*\(<svg class=\"chart\" id=\"$1\".*\)/\1/p" "$2" | sed 's/<\/svg>.*//'; }

verify() { # verify NAME
	dom=$T/$1.dom log=$T/$1.log
	check "$1: the page's script ran" grep -q 'data-ready="1"' "$dom"
	check "$1: no script error" sh -c '! grep -q "data-errors=" "$1"' - "$dom"
	check "$1: no request blocked by the page's CSP" sh -c '! grep -q "data-csp=" "$1"' - "$dom"
	check "$1: no console error or refusal in the log" \
		sh -c '! grep -E "CONSOLE|Refused to|Uncaught" "$1"' - "$log"
	check "$1: no URL in the DOM (src=, href=)" sh -c '! grep -qiE "(src|href)=" "$1"' - "$dom"
	check "$1: outcome lines drawn" test "$(chart outcomes "$dom" | grep -o '<polyline' | wc -l)" -ge 5
	check "$1: suppression bars drawn" test "$(chart suppressions "$dom" | grep -o '<rect x=' | wc -l)" -ge 1
	check "$1: list-size lines drawn" test "$(chart sizes "$dom" | grep -o '<polyline' | wc -l)" -ge 3
	check "$1: a sparkline per trouble domain" test "$(count 'class="spark"' "$dom")" -ge 1
	check "$1: activity rows" test "$(sed -n '/id="activity"/,/<\/table>/p' "$dom" | grep -c '<tr>')" -ge 10
}

start=$(date +%s)
"$QUELL" --db "$DB" --now "$NOW" report --since "$SINCE" --html "$OUT/report.html"
browse "file://$OUT/report.html" file --screenshot="$OUT/report.png"
verify file

( exec "$QUELL" --db "$DB" --now "$NOW" serve --listen inet:127.0.0.1:0 2>"$T/serve.log" </dev/null ) &
PID=$!
i=0
while ! grep -q 'listening on' "$T/serve.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 200 ] || ! kill -0 "$PID" 2>/dev/null; then say "serve did not start:"; cat "$T/serve.log"; exit 1; fi
	sleep 0.05
done
URL=http://$(sed -n 's/.*listening on inet:\([0-9.]*:[0-9]*\).*/\1/p' "$T/serve.log" | head -n 1)
browse "$URL/report?since=$SINCE&refresh=0" live --screenshot="$OUT/report-live.png"
verify live
check "live: the page came from the server" grep -q 'quell report (live)' "$T/live.dom"
kill -TERM "$PID"
wait "$PID" || true
PID=
check "screenshots saved" test -s "$OUT/report.png" -a -s "$OUT/report-live.png"
say "$(($(date +%s) - start))s; screenshots: $OUT/report.png $OUT/report-live.png"
exit $FAILED
