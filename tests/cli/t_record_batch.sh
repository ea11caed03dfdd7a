# t_record_batch.sh - `record -` writes its lines in batches (one commit
# for many lines) and still answers, stores and logs exactly what one
# `record ADDR REPLY` a line does: the same stdout line by line, the same
# export and the same history (events, their order and sequence numbers)
# on input where a reply depends on the ones before it in the same batch
# (counts, backoffs that double, a clear, duplicates, domain-scope
# replies), with bad lines among them; the same across a batch boundary
# however the input is cut; and a pipe that stays open gets its lines
# committed before the input ends.

T0=2026-01-01T00:00:00Z
if [ -e /etc/quell/rules.yaml ]; then
	export QUELL_RULES=$(dirname "$T_SCRIPT")/../../config/rules.yaml
fi

# mixed N: N lines of ADDR<TAB>REPLY over a few addresses and domains,
# replies that suppress, count, back off (address and domain), clear and
# are ignored, repeated texts, and lines record refuses
mixed() {
	local i a
	for i in $(seq 1 "$1"); do
		a="u$((i % 13))@d$((i % 4)).example"
		case $((i % 11)) in
		0) printf '%s\t550 5.1.1 <%s>: Recipient address rejected: User unknown\n' "$a" "$a" ;;
		1) printf '%s\t452 4.2.2 Mailbox full\n' "$a" ;;
		2) printf '%s\t421 4.7.0 Too many connections, slow down\n' "$a" ;;
		3) printf '%s\t250 2.0.0 Ok: queued\n' "$a" ;;
		4) printf '%s\t450 4.2.0 Greylisted\n' "$a" ;;
		5) printf 'no tab on line %s\n' "$i" ;;
		6) printf '%s\t\n' "$a" ;;
		7) printf 'bad@\t550 5.1.1 unknown\n' ;;
		8) printf '%s\t554 5.7.1 blocked using zen.spamhaus.org\n' "$a" ;;
		9) printf '%s\t552 5.2.2 Mailbox full\n' "$a" ;;
		*) printf '%s\t550 5.1.1 <%s>: Recipient address rejected: User unknown\n' "$a" "$a" ;;
		esac
	done
}

# state DB: what a database holds that a user can see: the export, and
# the entries and history (with sequence numbers) of the domains and of
# the addresses of one of them
state() {
	local k
	q --db "$1" --now $T0 export --format csv 2>/dev/null
	for k in d0.example d1.example d2.example d3.example \
		$(seq 0 12 | sed 's/^/u/; s/$/@d0.example/'); do
		q --db "$1" --now $T0 show "$k"
	done
}

# one `record` a line, the oracle: a refused line is answered as record -
# answers it (the address column and the error)
mixed 66 >"$T_DIR/m.in"
while IFS= read -r l; do
	case $l in
	*$'\t'*) q --db "$T_DIR/one" --now $T0 record "${l%%$'\t'*}" "${l#*$'\t'}" ;;
	*) printf '%s\tinvalid\terror=no%%20tab%%20between%%20address%%20and%%20reply\n' "$l" ;;
	esac
done <"$T_DIR/m.in" >"$T_DIR/one.out" 2>/dev/null
q --db "$T_DIR/many" --now $T0 record - <"$T_DIR/m.in" >"$T_DIR/many.out" 2>/dev/null
ok 'record -: mixed input: the answers of one record a line' \
	cmp -s "$T_DIR/one.out" "$T_DIR/many.out"
ok '... some suppress, some count, some back off, some refused' \
	test "$(cut -f2 "$T_DIR/many.out" | sort -u | tr '\n' ' ')" = \
	"backoff clear count ignore invalid suppress "
state "$T_DIR/one" >"$T_DIR/one.state"
state "$T_DIR/many" >"$T_DIR/many.state"
ok '... the same export and histories' cmp -s "$T_DIR/one.state" "$T_DIR/many.state"
ok '... which hold events' test "$(grep -c '^event' "$T_DIR/many.state")" -gt 10

# past a batch (512 lines): the whole input in one process, against the
# same lines in pieces of 97, each piece its own process
mixed 1200 >"$T_DIR/b.in"
q --db "$T_DIR/whole" --now $T0 record - <"$T_DIR/b.in" >"$T_DIR/whole.out" 2>/dev/null
split -l 97 "$T_DIR/b.in" "$T_DIR/piece."
for p in "$T_DIR"/piece.*; do
	q --db "$T_DIR/pieces" --now $T0 record - <"$p" 2>/dev/null
done >"$T_DIR/pieces.out"
ok 'record -: 1200 lines: the answers of the same lines in pieces' \
	cmp -s "$T_DIR/whole.out" "$T_DIR/pieces.out"
ok '... one answer a line' test "$(wc -l <"$T_DIR/whole.out")" -eq 1200
state "$T_DIR/whole" >"$T_DIR/whole.state"
state "$T_DIR/pieces" >"$T_DIR/pieces.state"
ok '... the same export and histories' cmp -s "$T_DIR/whole.state" "$T_DIR/pieces.state"

# a pipe that stays open: what was read is committed at once
slow_feed() { printf 's@slow.example\t550 5.1.1 unknown\n'; }
quiet_pipe slow_feed s@slow.example "$T_DIR/sdb" $T0 record -
ok 'stdin: a quiet pipe: check sees the suppression before the input ends' test $SEEN = yes
ok '... then the end of input: exit 0, the answer' test $IRC = 0 -a "$(cat "$T_DIR/s.out")" = \
	$'s@slow.example\tsuppress\tverdict=suppress scope=address key=s@slow.example rule=user-unknown category=bad-mailbox code=550 status=5.1.1'
