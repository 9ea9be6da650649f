#!/usr/bin/env bash
# Integration test of sealdrop-admin backup and restore (docs/backup.md).
#
#  - a real sealdrop-source takes a submission (message and two files) and a
#    reply is sealed for it; a backup is taken while the daemon runs and a
#    slow upload is in progress; the archive is restored into a new
#    directory, a daemon started on it, the same codename logs in and sees
#    the same reply, the rows are the same, a new submission is accepted, and
#    sealdrop-open decrypts the restored spool to exactly what was sent;
#  - a sealed backup (--recipient) restores with the key, and not without;
#  - bad archives are refused with nothing left behind: a non-empty target,
#    "../x", an absolute path, a symlink, a hard link, a device, an unknown
#    name, a duplicate, a missing database, a truncated archive (plain and
#    sealed), a file that is not an archive.
#
# usage: backup.sh BUILD_DIR SOURCE_DIR
# shellcheck disable=SC2015 # "A && ok || ko": ok never fails
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
daemon=$build/bin/sealdrop-source
opener=$build/bin/sealdrop-open
sdreply=$build/bin/sdreply
key=$src/tests/vectors/key.key
pass=$src/tests/vectors/key.pass

. "$src/tests/integration/lib.sh" backup

start_daemon() { # instance log
	rm -f "$1/source.sock"
	launch "$2" "$1/source.sock" "$daemon" --instance "$1"
}
stop_daemon() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null; unset 'pids[-1]'; }

jar=$work/cookies
# req METHOD PATH [curl args...]: the status; the body in $work/body.
req() {
	local m=$1 p=$2
	shift 2
	curl -s --unix-socket "$sock" -X "$m" -b "$jar" -c "$jar" -o "$work/body" \
		-w '%{http_code}' "$@" "http://$onion$p"
}
csrf_of() { grep -o 'name="csrf_token" value="[^"]*"' "$work/body" | head -1 | sed 's/.*value="//;s/"$//'; }
rows() { sqlite3 "$1/sealdrop.db" 'SELECT kind, count(*) FROM items GROUP BY kind ORDER BY kind'; }
# Nothing of a refused restore: no staging directory beside the target.
no_stage() { [ -z "$(find "$work" -maxdepth 1 -name '.sealdrop-restore-*')" ]; }

# --- an instance, a submission and a reply ------------------------------------
inst=$work/inst
init_instance "Backup drop"
sock=$inst/source.sock
start_daemon "$inst" "$work/daemon.log"

req GET / >/dev/null
req POST /generate -d "csrf_token=$(csrf_of)" >/dev/null
codename=$(sed -n 's/.*id="codename"[^>]*>\([^<]*\)<.*/\1/p' "$work/body" | head -1)
[ "$(echo "$codename" | wc -w)" = 7 ] || { echo "no codename"; exit 1; }
printf '%s\n' "$codename" >"$work/codename"
mkdir "$work/up"
message="A message to back up, with ünïcode and <html>."
printf 'small text file for the backup test\n' >"$work/up/notes.txt"
head -c 300000 /dev/urandom >"$work/up/blob.bin"
req GET /lookup >/dev/null
st=$(req POST /submit -F "csrf_token=$(csrf_of)" -F "message=$message" \
	-F "files=@$work/up/notes.txt" -F "files=@$work/up/blob.bin")
[ "$st" = 303 ] && ok "submission accepted" || ko "submit: $st"
reply="Thank you, we read it. Reply $(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$sdreply" "$inst" "$work/codename" "$reply" && ok "reply sealed" || ko "sdreply failed"

# --- back up while the daemon runs and an upload is in progress ------------------
head -c $((6 * 1024 * 1024)) /dev/urandom >"$work/up/slow.bin"
req GET /lookup >/dev/null
cp "$jar" "$work/jar2"
curl -s --unix-socket "$sock" -b "$work/jar2" --limit-rate 2M -o /dev/null -w '%{http_code}' \
	-F "csrf_token=$(csrf_of)" -F "files=@$work/up/slow.bin" "http://$onion/submit" \
	>"$work/slow.st" &
slow=$!
sleep 1
[ -n "$(ls -A "$inst/spool/tmp/source")" ] || ko "the slow upload is not in progress"
"$admin" backup --instance "$inst" --out "$work/b.tar" >"$work/backup.out" 2>&1 &&
	ok "backup during an upload" || ko "backup: $(cat "$work/backup.out")"
grep -q 'NOT encrypted' "$work/backup.out" && ok "the backup says it is not encrypted" ||
	ko "no warning about an unencrypted backup"
wait "$slow"
[ "$(cat "$work/slow.st")" = 303 ] && ok "the upload finished after the backup" ||
	ko "slow upload: $(cat "$work/slow.st")"
[ "$(stat -c %a "$work/b.tar")" = 600 ] && ok "archive mode 0600" || ko "mode $(stat -c %a "$work/b.tar")"
[ -z "$(find "$work" -maxdepth 1 -name '*.part')" ] && ok "no temporary archive left" ||
	ko "a temporary archive is left"
members=$(tar tf "$work/b.tar")
echo "$members" | grep -q '^spool/tmp' && ko "spool/tmp in the archive" || ok "spool/tmp not in the archive"
[ "$(echo "$members" | head -1)" = sealdrop-backup ] && echo "$members" | grep -qx sealdrop.db &&
	echo "$members" | grep -qx sealdrop.conf && echo "$members" | grep -qx tor/source/hs_ed25519_secret_key &&
	ok "archive layout" || ko "archive members: $members"
[ "$(echo "$members" | grep -c '\.sdbox$')" = 4 ] && ok "4 spool files (the upload after the snapshot left out)" ||
	ko "spool files in the archive: $(echo "$members" | grep -c '\.sdbox$')"
"$admin" backup --instance "$inst" --out "$work/b.tar" >/dev/null 2>&1 &&
	ko "a backup replaced an existing file" || ok "a backup never replaces a file"

# --- restore into a new directory and use it --------------------------------------
new=$work/new
"$admin" restore --in "$work/b.tar" --instance "$new" >"$work/restore.out" 2>&1 &&
	ok "restore" || ko "restore: $(cat "$work/restore.out")"
[ "$(stat -c %a "$new")" = 700 ] && [ "$(stat -c %a "$new/sealdrop.db")" = 600 ] &&
	[ "$(stat -c %a "$new/tor/source")" = 700 ] && [ -d "$new/spool/tmp" ] &&
	ok "restored modes 0700/0600, spool/tmp made" || ko "restored modes: $(ls -la "$new")"
[ -z "$(find "$new" -type f ! -perm 600)$(find "$new" -type d ! -perm 700)" ] &&
	ok "every restored file 0600, directory 0700" || ko "modes: $(find "$new" ! -perm 600 ! -perm 700)"
grep -q "HiddenServiceDir $new/tor/source" "$new/tor/torrc" && ! grep -q "$inst/" "$new/tor/torrc" &&
	ok "torrc rewritten for the new path" || ko "torrc: $(grep HiddenService "$new/tor/torrc")"
cmp -s "$inst/tor/source/hs_ed25519_secret_key" "$new/tor/source/hs_ed25519_secret_key" &&
	ok "onion key restored" || ko "onion key differs"
"$admin" check --instance "$new" >"$work/check.out" 2>&1 && ok "check passes on the restored instance" ||
	ko "check: $(grep FAIL "$work/check.out")"
want_rows=$(sqlite3 "$inst/sealdrop.db" 'SELECT kind, count(*) FROM items WHERE id <= 4 GROUP BY kind ORDER BY kind')
[ "$(rows "$new")" = "$want_rows" ] && ok "the same rows: $(rows "$new" | tr '\n' ' ')" ||
	ko "rows: $(rows "$new" | tr '\n' ' ') want $want_rows"

stop_daemon
sock=$new/source.sock
rm -f "$jar"
start_daemon "$new" "$work/daemon2.log"
req GET / >/dev/null
st=$(req POST /login --data-urlencode "csrf_token=$(csrf_of)" --data-urlencode "codename=$codename")
[ "$st" = 303 ] && ok "the codename logs in on the restored instance" || ko "login: $st"
st=$(req GET /lookup)
[ "$st" = 200 ] && grep -qF "$reply" "$work/body" && ok "the same reply on the restored instance" ||
	ko "reply not shown ($st)"
printf 'after the restore\n' >"$work/up/after.txt"
st=$(req POST /submit -F "csrf_token=$(csrf_of)" -F "files=@$work/up/after.txt")
[ "$st" = 303 ] && ok "a new submission on the restored instance" || ko "submit after restore: $st"
[ "$(sqlite3 "$new/sealdrop.db" 'SELECT count(*) FROM items WHERE kind IN (1, 2)')" = 4 ] &&
	ok "submission count on the restored instance: 3 + 1" || ko "items: $(rows "$new")"
stop_daemon

# The restored spool decrypts to exactly what was sent.
"$opener" --key "$key" --passphrase-file "$pass" --quiet --out "$work/opened" "$new/spool" \
	>"$work/open.out" 2>&1 || ko "sealdrop-open: $(cat "$work/open.out")"
d=$(find "$work/opened" -mindepth 1 -maxdepth 1 -type d ! -name reader | head -1)
[ "$(cat "$d/0001-message.txt" 2>/dev/null)" = "$message" ] && ok "message decrypts exactly" ||
	ko "message: $(ls -R "$work/opened")"
cmp -s "$d/notes.txt" "$work/up/notes.txt" && ok "notes.txt decrypts exactly" || ko "notes.txt differs"
cmp -s "$(find "$d" -name 'blob.bin*' | head -1)" "$work/up/blob.bin" && ok "blob.bin decrypts exactly" ||
	ko "blob.bin differs"
[ "$(cat "$d/0004-reply.txt" 2>/dev/null)" = "$reply" ] && ok "reply decrypts exactly" ||
	ko "reply: $(ls "$d")"
cmp -s "$d/after.txt" "$work/up/after.txt" && ok "the file sent after the restore decrypts" ||
	ko "after.txt: $(ls "$d")"

# --- a sealed backup -----------------------------------------------------------------
"$admin" backup --instance "$inst" --out "$work/s.sdbox" --recipient "$src/tests/vectors/key.pub" \
	>"$work/sealed.out" 2>&1 && ok "sealed backup" || ko "sealed backup: $(cat "$work/sealed.out")"
[ "$(head -c 6 "$work/s.sdbox" | tail -c 5)" = SDBOX ] && ! grep -q 'hs_ed25519' "$work/s.sdbox" &&
	ok "the sealed backup is an .sdbox with no clear member name" || ko "sealed backup looks plain"
"$admin" restore --in "$work/s.sdbox" --instance "$work/nokey" >"$work/r.out" 2>&1 &&
	ko "a sealed backup restored without a key" || { grep -q -- '--key' "$work/r.out" &&
	[ ! -e "$work/nokey" ] && no_stage && ok "a sealed backup needs --key" || ko "no key: $(cat "$work/r.out")"; }
"$admin" restore --in "$work/s.sdbox" --instance "$work/sealed" --key "$key" --passphrase-file "$pass" \
	>"$work/r.out" 2>&1 && [ "$(rows "$work/sealed")" = "$(rows "$inst")" ] &&
	ok "the sealed backup restores with the key" || ko "sealed restore: $(cat "$work/r.out")"
printf 'another passphrase\n' >"$work/other.pass"
"$build/bin/sealdrop-keygen" --out "$work/other.key" --passphrase-file "$work/other.pass" \
	--kdf interactive >/dev/null
"$admin" restore --in "$work/s.sdbox" --instance "$work/wrongkey" --key "$work/other.key" \
	--passphrase-file "$work/other.pass" >"$work/r.out" 2>&1 && ko "restored with another key" ||
	{ grep -q 'not a recipient' "$work/r.out" && [ ! -e "$work/wrongkey" ] && no_stage &&
	ok "another key is refused, nothing left" || ko "wrong key: $(cat "$work/r.out")"; }
size=$(stat -c %s "$work/s.sdbox")
head -c $((size - 100)) "$work/s.sdbox" >"$work/s-trunc.sdbox"
"$admin" restore --in "$work/s-trunc.sdbox" --instance "$work/t1" --key "$key" --passphrase-file "$pass" \
	>"$work/r.out" 2>&1 && ko "a truncated sealed backup restored" ||
	{ [ ! -e "$work/t1" ] && no_stage && ok "truncated sealed backup refused, nothing left: $(cat "$work/r.out")" ||
	ko "truncated sealed: left $(ls -A "$work")"; }

# --- a row whose file is gone (deleted during a backup), a file with no row ----------------
odd=$work/odd
cp -a "$inst" "$odd"
sed -i "s#$inst#$odd#g" "$odd/tor/torrc"
mapfile -t spool_files < <(find "$odd/spool" -path "$odd/spool/tmp" -prune -o -name '*.sdbox' -print | sort)
rm "${spool_files[0]}"
first=${spool_files[1]}
cp "$first" "$(dirname "$first")/0123456789abcdef0123456789abcdef.sdbox"
"$admin" backup --instance "$odd" --out "$work/odd.tar" >"$work/odd.out" 2>&1 &&
	grep -q '^note: 1 items the database listed had no file' "$work/odd.out" &&
	grep -q '^note: 1 spool files the database snapshot does not list' "$work/odd.out" &&
	ok "a row without its file and an orphan file are left out, and said" ||
	ko "backup with a missing file and an orphan: $(cat "$work/odd.out")"
if "$admin" restore --in "$work/odd.tar" --instance "$work/odd2" >"$work/r.out" 2>&1 &&
	"$admin" check --instance "$work/odd2" >"$work/c.out" 2>&1 &&
	[ "$(sqlite3 "$work/odd2/sealdrop.db" 'SELECT count(*) FROM items')" = \
		$(($(sqlite3 "$odd/sealdrop.db" 'SELECT count(*) FROM items') - 1)) ]; then
	ok "its restore is consistent: one row fewer, check passes"
else
	ko "restore of that backup: $(cat "$work/r.out" "$work/c.out" 2>/dev/null)"
fi

# --- items restore would refuse are left out, and the backup restores (issue 11, item 6) ----
for bad in junk sparse hardlink; do
	j=$work/j-$bad
	cp -a "$inst" "$j"
	sed -i "s#$inst#$j#g" "$j/tor/torrc"
	mapfile -t jf < <(find "$j/spool" -path "$j/spool/tmp" -prune -o -name '*.sdbox' -print | sort)
	case $bad in
	junk) head -c 70000 /dev/zero >"${jf[0]}" ;;
	sparse) truncate -s 3G "${jf[0]}" ;;
	hardlink) ln "${jf[0]}" "$j/spool/tmp/linked" ;;
	esac
	"$admin" backup --instance "$j" --out "$work/j-$bad.tar" >"$work/j.out" 2>&1
	rc=$?
	if [ "$rc" = 1 ] && grep -q '^WARNING: 1 spool files the database lists are NOT in the backup' "$work/j.out" &&
		[ "$(stat -c %s "$work/j-$bad.tar")" -lt $((64 * 1024 * 1024)) ] &&
		"$admin" restore --in "$work/j-$bad.tar" --instance "$work/j-$bad-r" >"$work/r.out" 2>&1 &&
		[ "$(sqlite3 "$work/j-$bad-r/sealdrop.db" 'SELECT count(*) FROM items')" = \
			$(($(sqlite3 "$j/sealdrop.db" 'SELECT count(*) FROM items') - 1)) ]; then
		ok "a $bad spool file: left out and said (exit 1), the backup restores"
	else
		ko "a $bad spool file: exit $rc: $(cat "$work/j.out" "$work/r.out" 2>/dev/null)"
	fi
done

# --- an interrupted backup leaves no file --------------------------------------------------
mkdir "$work/killed"
head -c $((40 * 1024 * 1024)) /dev/urandom >"$work/big.bin"
big=$work/j-big
cp -a "$inst" "$big"
mapfile -t jf < <(find "$big/spool" -path "$big/spool/tmp" -prune -o -name '*.sdbox' -print | sort)
for k in 1 2 3 4; do cat "$work/big.bin" >>"${jf[0]}"; done # big enough to interrupt
"$admin" backup --instance "$big" --out "$work/killed/k.tar" >/dev/null 2>&1 &
bpid=$!
for _ in $(seq 250); do # until it writes its output
	ls -l "/proc/$bpid/fd" 2>/dev/null | grep -q "$work/killed/" && break
	sleep 0.02
done
kill -KILL "$bpid" 2>/dev/null
wait "$bpid" 2>/dev/null
sleep 0.5 # its reading step dies with it (parent-death signal)
[ -z "$(ls -A "$work/killed")" ] && ok "a backup killed at once leaves nothing beside its output" ||
	ko "a killed backup left: $(ls -A "$work/killed")"

# A restore interrupted (SIGTERM) removes its staging directory; nothing is left.
"$admin" backup --instance "$big" --out "$work/big.tar" >/dev/null 2>&1 || ko "backup of the big instance"
"$admin" restore --in "$work/big.tar" --instance "$work/big-r" >"$work/r.out" 2>&1 &
rpid=$!
for _ in $(seq 250); do # until it unpacks
	[ -n "$(find "$work" -maxdepth 1 -name '.sealdrop-restore-*')" ] && break
	sleep 0.02
done
kill -TERM "$rpid" 2>/dev/null
wait "$rpid"
rc=$?
[ "$rc" = 1 ] && [ ! -e "$work/big-r" ] && no_stage && grep -q interrupted "$work/r.out" &&
	ok "an interrupted restore leaves nothing: $(cat "$work/r.out")" ||
	ko "interrupted restore: exit $rc, $(cat "$work/r.out"), $(ls -A "$work")"

# A database in WAL mode: the restored instance has no -wal or -shm file.
wal=$work/wal
cp -a "$inst" "$wal"
sed -i "s#$inst#$wal#g" "$wal/tor/torrc"
sqlite3 "$wal/sealdrop.db" 'PRAGMA journal_mode = WAL' >/dev/null
rm -f "$wal"/sealdrop.db-wal "$wal"/sealdrop.db-shm
"$admin" backup --instance "$wal" --out "$work/wal.tar" >"$work/r.out" 2>&1 &&
	"$admin" restore --in "$work/wal.tar" --instance "$work/wal-r" >>"$work/r.out" 2>&1 &&
	[ ! -e "$work/wal-r/sealdrop.db-wal" ] && [ ! -e "$work/wal-r/sealdrop.db-shm" ] &&
	ok "a WAL-mode database: the restored instance has no -wal or -shm" ||
	ko "WAL: $(cat "$work/r.out"; ls "$work/wal-r" "$wal")"

# --- bad archives ------------------------------------------------------------------------
refused() { # name archive target [want-in-message]
	local name=$1 in=$2 target=$3 want=${4:-}
	if "$admin" restore --in "$in" --instance "$target" >"$work/r.out" 2>&1; then
		ko "$name: restored"
	elif [ -n "$want" ] && ! grep -qiF -- "$want" "$work/r.out"; then
		ko "$name: message does not say '$want': $(cat "$work/r.out")"
	elif ! no_stage; then
		ko "$name: a staging directory is left"
	elif [ -e "$target" ] && [ "$target" != "$work/full" ]; then
		ko "$name: the target was created"
	else
		ok "$name refused: $(tail -1 "$work/r.out")"
	fi
}
mkdir "$work/full" && touch "$work/full/keep"
refused "non-empty target" "$work/b.tar" "$work/full" "not an empty directory"
[ "$(ls -A "$work/full")" = keep ] && ok "the non-empty target is untouched" || ko "target changed"
mkdir "$work/empty"
"$admin" restore --in "$work/b.tar" --instance "$work/empty" >"$work/r.out" 2>&1 &&
	[ -f "$work/empty/sealdrop.db" ] && ok "an empty target directory is accepted" ||
	ko "empty target: $(cat "$work/r.out")"

python3 - "$work" <<'PY'
import io, os, sys, tarfile
work = sys.argv[1]
good = tarfile.open(os.path.join(work, "b.tar"))
members = [(m, good.extractfile(m).read() if m.isfile() else None) for m in good.getmembers()]

def write(name, extra, where=None, drop=None):
    with tarfile.open(os.path.join(work, name), "w", format=tarfile.PAX_FORMAT) as t:
        for i, (m, data) in enumerate(members):
            if drop and m.name == drop:
                continue
            if where == i:
                for e in extra:
                    t.addfile(*e)
            t.addfile(m, io.BytesIO(data) if data is not None else None)
        if where is None:
            for e in extra:
                t.addfile(*e)

def reg(name, data=b"x"):
    ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = 0o600
    return (ti, io.BytesIO(data))

def special(name, kind, target=""):
    ti = tarfile.TarInfo(name); ti.type = kind; ti.linkname = target; ti.mode = 0o600
    return (ti,)

write("dotdot.tar", [reg("../x")], where=1)
write("abs.tar", [reg(os.path.join(work, "abs-x"))], where=1)
write("symlink.tar", [special("tor/evil", tarfile.SYMTYPE, "/etc/passwd")], where=2)
write("symlink-dir.tar", [special("spool/" + "a" * 32, tarfile.SYMTYPE, "/tmp")], where=2)
write("hardlink.tar", [special("tor/hard", tarfile.LNKTYPE, "sealdrop.conf")], where=2)
write("device.tar", [special("tor/dev", tarfile.CHRTYPE)], where=2)
write("fifo.tar", [special("tor/fifo", tarfile.FIFOTYPE)], where=2)
write("unknown.tar", [reg("etc/passwd")], where=2)
write("oversize.tar", [reg("tor/big", b"x" * (1024 * 1024 + 1))], where=2)
write("dotslash.tar", [reg("./sealdrop.conf", b"[instance]\n")], where=1)
write("dup.tar", [reg("sealdrop.conf", b"[instance]\n")])
write("nodb.tar", [], drop="sealdrop.db")
write("nomanifest.tar", [], drop="sealdrop-backup")
PY
for t in dotdot abs symlink symlink-dir hardlink device fifo unknown dotslash; do
	refused "archive with a bad member ($t)" "$work/$t.tar" "$work/bad-$t" "refused"
done
[ ! -e "$work/x" ] && [ ! -e "$work/abs-x" ] && ok "nothing written outside the target" ||
	ko "a member escaped"
refused "a member twice" "$work/dup.tar" "$work/bad-dup" "twice"
refused "a member over its size bound" "$work/oversize.tar" "$work/bad-oversize" "size out of bounds"
refused "no database" "$work/nodb.tar" "$work/bad-nodb" "sealdrop.db"
refused "no manifest" "$work/nomanifest.tar" "$work/bad-nomanifest" "not a sealdrop backup"
size=$(stat -c %s "$work/b.tar")
head -c $((size / 2)) "$work/b.tar" >"$work/trunc.tar"
refused "truncated archive" "$work/trunc.tar" "$work/bad-trunc" "truncated"
head -c 1000 /dev/urandom >"$work/noise.tar"
refused "not an archive" "$work/noise.tar" "$work/bad-noise" ""
# A database that lists a file the archive lacks.
python3 - "$work" <<'PY'
import io, os, sys, tarfile
work = sys.argv[1]
good = tarfile.open(os.path.join(work, "b.tar"))
with tarfile.open(os.path.join(work, "lacking.tar"), "w", format=tarfile.PAX_FORMAT) as t:
    dropped = False
    for m in good.getmembers():
        if m.name.endswith(".sdbox") and not dropped:
            dropped = True
            continue
        t.addfile(m, good.extractfile(m) if m.isfile() else None)
PY
refused "a listed spool file missing" "$work/lacking.tar" "$work/bad-lacking" "lacks"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
