# t_group.sh - one user writes a database, the members of one group check
# it (README.md "One writer, many readers"): the directory made as
# `make install-db` makes it (2750, setgid to the group), data.mdb created
# 0640 and lock.mdb 0660 whatever the umask's group bits, the group's
# readers check, show and list but cannot write, others cannot read.
# Needs root (to create the users); skipped with a note otherwise.

need_root() {
	[ "$(id -u)" = 0 ] || { echo "not root"; return 1; }
	for c in useradd groupadd userdel groupdel setpriv install; do
		command -v $c >/dev/null 2>&1 || { echo "no $c"; return 1; }
	done
}
if ! why=$(need_root); then
	echo "t_group.sh: skipped: $why (the group setup needs root to create users)" >&2
	return 0 2>/dev/null || exit 0
fi

G=qg$$ W=qw$$ R=qr$$ O=qo$$
cleanup() {
	for u in $W $R $O; do userdel "$u" >/dev/null 2>&1; done
	groupdel "$G" >/dev/null 2>&1
	rm -rf "$T_DIR"
}
trap cleanup EXIT
groupadd "$G" && useradd -M -N -g "$G" "$W" && useradd -M -N -g "$G" "$R" &&
	useradd -M -N -g users "$O" || { echo "t_group.sh: cannot create users" >&2; exit 1; }
chmod 0711 "$T_DIR" # others may pass through to the database directory

DB=$T_DIR/shared
# what `make install-db DB_DIR=$DB DB_USER=$W DB_GROUP=$G` runs
install -d -o "$W" -g "$G" -m 2750 "$DB"
as() { # USER: quell run as USER (the umask of a service: 022)
	local u=$1
	shift
	# shellcheck disable=SC2086 # QUELL_WRAP is a command line
	(umask 022 && exec setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- \
		$QUELL_WRAP "$QUELL_BIN" --db "$DB" "$@")
}
N=(--now 2026-01-01T00:00:00Z)
S=$'a@ex.example\tsuppress\tscope=address key=a@ex.example category=manual source=manual'

QUELL_WRAP="setpriv --reuid=$R --regid=$G --init-groups -- ${QUELL_WRAP:-}" \
	t 'a reader before any write: no database' 66 '' "quell: check: no database in $DB" --db "$DB" check a@ex.example
ok 'the writer adds' as "$W" "${N[@]}" -q add a@ex.example
modes() { stat -c '%a %U %G' "$DB/data.mdb" "$DB/lock.mdb" | tr '\n' ' '; }
ok 'data.mdb 0640, lock.mdb 0660, the group of the directory' \
	test "$(modes)" = "640 $W $G 660 $W $G "
QUELL_WRAP="setpriv --reuid=$R --regid=$G --init-groups -- ${QUELL_WRAP:-}" \
	t 'a member of the group checks' 1 "$S" '' --db "$DB" "${N[@]}" check a@ex.example
QUELL_WRAP="setpriv --reuid=$R --regid=$G --init-groups -- ${QUELL_WRAP:-}" \
	t 'and lists' 0 'a@ex.example' '' --db "$DB" "${N[@]}" -q export --format plain
QUELL_WRAP="setpriv --reuid=$R --regid=$G --init-groups -- ${QUELL_WRAP:-}" \
	t 'but does not write' 74 '' "quell: add: database: $DB: Permission denied" --db "$DB" add b@ex.example
QUELL_WRAP="setpriv --reuid=$O --regid=$(id -g "$O") --init-groups -- ${QUELL_WRAP:-}" \
	t 'others do not read' 74 '' "quell: check: $DB/data.mdb: Permission denied" --db "$DB" check a@ex.example
ok 'the writer still writes after the reads' as "$W" "${N[@]}" -q add b@ex.example
QUELL_WRAP="setpriv --reuid=$R --regid=$G --init-groups -- ${QUELL_WRAP:-}" \
	t 'and the reader sees it' 1 "${S//a@ex/b@ex}" '' --db "$DB" "${N[@]}" check b@ex.example
