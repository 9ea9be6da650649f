#!/usr/bin/env bash
# Integration test: sealdrop-admin run as root on an instance its owner has
# tampered with (issue 11). A test user (sdtest-owner, created if missing)
# owns the instance and a second one (sdtest-tor) owns tor/, as debian-tor
# does when deployed. Before each command the owner's tampering is planted:
#
#  - tor/ replaced by a symbolic link to a root-only directory, for
#    journalist remove, tor-client add and remove;
#  - a hard link to a root-owned canary at sealdrop.db-journal and -wal
#    (as protected_hardlinks=0 would allow), for settings set, journalist
#    list and check;
#  - a FIFO at sealdrop.conf and sealdrop.db-wal, and sealdrop.conf as a
#    symbolic link to a root-only file, for check and settings show;
#  - escape sequences in a recipient label and a torrc directive that
#    sealdrop-admin does not write;
#  - tor/ swapped for a link in a loop during tor-client add (20 runs);
#  - for backup: a spool file and sealdrop.conf hard-linked to a root file,
#    a FIFO -wal, a looping view in place of items, tor/ as a link; and a
#    clean backup made by the owner's and tor's steps restores.
#
# Root's canaries must keep owner, mode and content; their content never
# appears in any output; every command ends within its timeout; no output
# carries a raw escape character; check FAILs where it must.
#
# Needs root (exit 77: skipped otherwise). The instance lives under /tmp so
# that the test users can reach it whatever the build directory's modes.
#
# usage: admin_attack.sh BUILD_DIR SOURCE_DIR
# shellcheck disable=SC2015 # "A && ok || ko": ok never fails
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin

[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
for u in sdtest-owner sdtest-tor; do
	id "$u" >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin "$u" ||
		{ echo "skipped: cannot create user $u"; exit 77; }
done
base=$(mktemp -d /tmp/sd-attack.XXXXXX)
chmod 711 "$base"
trap 'rm -rf "$base"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }
asowner() { setpriv --reuid=sdtest-owner --regid=sdtest-owner --clear-groups "$@"; }

# Root's canaries, outside the instance.
secret="canary-$RANDOM$RANDOM-secret"
mkdir -m 700 "$base/rootonly"
printf '%s\n' "$secret" >"$base/rootonly/canary"
chmod 600 "$base/rootonly/canary"
mkdir -p "$base/rootonly/journalist/authorized_clients"
printf 'descriptor:x25519:%s\n' "$secret" >"$base/rootonly/journalist/authorized_clients/victim.auth"
canary_state() {
	stat -c '%u %g %a' "$base/rootonly/canary" "$base/rootonly/journalist/authorized_clients/victim.auth"
	cat "$base/rootonly/canary" "$base/rootonly/journalist/authorized_clients/victim.auth"
	ls -A "$base/rootonly/journalist/authorized_clients"
}
before=$(canary_state)

inst=$base/inst
fresh() { # a new instance: owner sdtest-owner, tor/ sdtest-tor
	rm -rf "$inst"
	"$admin" init --instance "$inst" --recipient "$src/tests/vectors/key.pub" >/dev/null ||
		{ echo "FAIL: init"; exit 1; }
	chown -R sdtest-owner:sdtest-owner "$inst"
	chown -R sdtest-tor:sdtest-tor "$inst/tor"
}
# run NAME CMD...: as root, bounded; output in $out, status in $st.
out=$base/out
run() {
	local what=$1
	shift
	timeout -k 5 60 "$admin" "$@" >"$out" 2>&1
	st=$?
	[ $st = 124 ] || [ $st = 137 ] && ko "$what: hung (killed by the timeout)"
	grep -qF "$secret" "$out" && ko "$what: printed the canary's content"
	if LC_ALL=C grep -q "$(printf '\033')" "$out"; then ko "$what: raw ESC in the output"; fi
	[ "$(canary_state)" = "$before" ] && ok "$what: canaries untouched (status $st)" ||
		ko "$what: canaries changed: $(canary_state)"
}

# 1. tor/ swapped for a link to a root-only directory.
fresh
asowner mv "$inst/tor" "$inst/tor.real"
asowner ln -s "$base/rootonly" "$inst/tor"
run "tor-client remove through a tor/ link" tor-client remove --instance "$inst" victim
[ $st != 0 ] && ok "refused: $(head -1 "$out")" || ko "tor-client remove succeeded: $(cat "$out")"
run "tor-client add through a tor/ link" tor-client add --instance "$inst" mallory
[ $st != 0 ] && ok "refused: $(head -1 "$out")" || ko "tor-client add succeeded"
"$admin" journalist add --instance "$inst" victim >/dev/null 2>&1
run "journalist remove through a tor/ link" journalist remove --instance "$inst" victim
# tor/ that the owner made itself (a copy) is not taken for tor's.
asowner rm "$inst/tor"
asowner cp -r "$inst/tor.real" "$inst/tor" 2>/dev/null || cp -r "$inst/tor.real" "$inst/tor"
chown -R sdtest-owner:sdtest-owner "$inst/tor"
run "tor-client add on an owner's tor/" tor-client add --instance "$inst" mallory
[ $st != 0 ] && grep -q "instance's owner" "$out" && ok "refused: $(head -1 "$out")" ||
	ko "tor-client add on an owner's tor/: $(cat "$out")"

# 2. Hard links to a root file at SQLite's side files.
fresh
ln "$base/rootonly/canary" "$inst/sealdrop.db-journal"
run "settings set with a linked journal" settings set --instance "$inst" instance_name x
[ $st != 0 ] && grep -q "hard links\|not uid" "$out" && ok "refused: $(head -1 "$out")" ||
	ko "settings set: $(cat "$out")"
rm "$inst/sealdrop.db-journal"
ln "$base/rootonly/canary" "$inst/sealdrop.db-wal"
run "journalist list with a linked -wal" journalist list --instance "$inst"
[ $st != 0 ] && ok "refused: $(head -1 "$out")" || ko "journalist list: $(cat "$out")"
run "check with a linked -wal" check --instance "$inst"
grep -q '^FAIL database' "$out" && [ $st = 1 ] && ok "check FAILs the database" ||
	ko "check: $(cat "$out")"
rm "$inst/sealdrop.db-wal"

# 3. FIFOs and a link at sealdrop.conf and the database's side files.
fresh
asowner mkfifo "$inst/sealdrop.db-wal"
run "journalist list with a FIFO -wal" journalist list --instance "$inst"
[ $st != 0 ] && grep -q FIFO "$out" && ok "refused: $(head -1 "$out")" || ko "$(cat "$out")"
asowner rm "$inst/sealdrop.db-wal"
asowner rm "$inst/sealdrop.conf"
asowner mkfifo "$inst/sealdrop.conf"
run "check with a FIFO sealdrop.conf" check --instance "$inst"
grep -q '^FAIL config' "$out" && ok "check FAILs the config" || ko "check: $(cat "$out")"
run "settings show with a FIFO sealdrop.conf" settings show --instance "$inst"
[ $st != 0 ] && ok "refused: $(head -1 "$out")" || ko "settings show: $(cat "$out")"
asowner rm "$inst/sealdrop.conf"
asowner ln -s "$base/rootonly/canary" "$inst/sealdrop.conf"
run "check with sealdrop.conf a link to a root file" check --instance "$inst"
grep -q '^FAIL config' "$out" && ok "check FAILs the config" || ko "check: $(cat "$out")"
run "settings show with sealdrop.conf a link" settings show --instance "$inst"
[ $st != 0 ] && ok "refused: $(head -1 "$out")" || ko "settings show: $(cat "$out")"

# 4. Escape sequences from the database and an extra torrc directive.
fresh
# The owner writes the database: a label with OSC 52 (clipboard) and a clear-screen.
label=$(printf "x\033]52;c;aGk=\007\033[2Jy")
asowner sqlite3 "$inst/sealdrop.db" "update recipients set label='$label'" || ko "cannot plant the label"
run "recipient list with escapes in a label" recipient list --instance "$inst"
grep -qF '\x1b]52' "$out" && ok "the escape is shown as \\x1b" || ko "recipient list: $(cat -v "$out")"
printf 'ControlPort 9051\n' >>"$inst/tor/torrc"
run "check with an extra torrc directive" check --instance "$inst"
grep -q "^FAIL tor: tor/torrc line .*ControlPort" "$out" && [ $st = 1 ] &&
	ok "check FAILs the directive" || ko "check: $(cat "$out")"

# 5. tor/ swapped in a loop while tor-client add runs (bounded runs).
fresh
tree() { find "$base/rootonly" -printf '%p %u %g %m %s %T@\n' | sort; }
tree_before=$(tree)
rm -f "$base/swap.stop"
(
	cd "$inst" || exit 1
	for _ in $(seq 4000); do
		[ -e "$base/swap.stop" ] && break
		asowner mv tor tor.x 2>/dev/null && asowner ln -s "$base/rootonly" tor 2>/dev/null
		asowner rm -f tor 2>/dev/null; asowner mv tor.x tor 2>/dev/null
	done
) &
swapper=$!
for n in $(seq 20); do
	run "tor-client add during a tor/ swap ($n)" tor-client add --instance "$inst" "m$n"
done
# Stopped between two swaps, never in the middle of one (a kill of the
# subshell would leave its current mv running into the next test's rm).
touch "$base/swap.stop"
wait "$swapper" 2>/dev/null
[ "$(tree)" = "$tree_before" ] && ok "nothing written or given away under the root-only directory" ||
	ko "root-only directory changed: $(diff <(echo "$tree_before") <(tree))"

# 6. backup as root: the instance read by its owner (and tor/ by tor's user).
fresh
run "backup of an instance of another user" backup --instance "$inst" --out "$base/b1.tar"
[ $st = 0 ] && tar tf "$base/b1.tar" | grep -qx tor/source/hs_ed25519_secret_key &&
	ok "backup has tor/ (read by tor's user)" || ko "backup: $(cat "$out")"
"$admin" restore --in "$base/b1.tar" --instance "$base/restored" >"$out" 2>&1 &&
	ok "that backup restores" || ko "restore: $(cat "$out")"
# An item whose file is a hard link to a root file (protected_hardlinks=0).
srchex=00112233445566778899aabbccddeeff
itemhex=ffeeddccbbaa99887766554433221100
asowner sqlite3 "$inst/sealdrop.db" "INSERT INTO sources (source_id, login_tag, reply_pk, created_day,
	last_day) VALUES (X'$srchex', randomblob(32), randomblob(32), '2026-01-01', '2026-01-01');
	INSERT INTO items (source, item_id, kind, seq, size, created_hour) VALUES
	(last_insert_rowid(), X'$itemhex', 1, 1, 10, '2026-01-01T00')" || ko "cannot plant the row"
asowner mkdir -m 700 "$inst/spool/$srchex"
ln "$base/rootonly/canary" "$inst/spool/$srchex/$itemhex.sdbox"
run "backup with a spool file linked to a root file" backup --instance "$inst" --out "$base/b2.tar"
[ $st = 1 ] && grep -q 'NOT in the backup' "$out" && ! grep -qF "$secret" "$base/b2.tar" &&
	ok "the linked file is left out and said" || ko "backup: $(cat "$out")"
rm "$inst/spool/$srchex/$itemhex.sdbox"
ln "$base/rootonly/canary" "$inst/sealdrop.conf.x" && mv -f "$inst/sealdrop.conf.x" "$inst/sealdrop.conf"
run "backup with sealdrop.conf linked to a root file" backup --instance "$inst" --out "$base/b3.tar"
[ $st = 1 ] && [ ! -e "$base/b3.tar" ] && ok "refused: $(tail -1 "$out")" || ko "backup: $(cat "$out")"
fresh
asowner mkfifo "$inst/sealdrop.db-wal"
run "backup with a FIFO -wal" backup --instance "$inst" --out "$base/b4.tar"
[ $st = 1 ] && grep -q FIFO "$out" && ok "refused: $(tail -1 "$out")" || ko "backup: $(cat "$out")"
asowner rm "$inst/sealdrop.db-wal"
asowner sqlite3 "$inst/sealdrop.db" "ALTER TABLE items RENAME TO items_old; CREATE VIEW items AS
	WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x AS source,
	x AS item_id, x AS batch FROM r"
run "backup of a database with a looping view" backup --instance "$inst" --out "$base/b5.tar"
[ $st = 1 ] && grep -q 'view' "$out" && ok "refused: $(tail -1 "$out")" || ko "backup: $(cat "$out")"
fresh
asowner mv "$inst/tor" "$inst/tor.real"
asowner ln -s "$base/rootonly" "$inst/tor"
run "backup with tor/ a link to a root-only directory" backup --instance "$inst" --out "$base/b6.tar"
[ $st = 1 ] && [ ! -e "$base/b6.tar" ] && ok "refused: $(tail -1 "$out")" || ko "backup: $(cat "$out")"

echo "admin_attack: $passed passed, $failed failed"
[ "$failed" = 0 ]
