#!/usr/bin/env bash
# Integration test of sealdrop-admin check (docs/operations.md): a healthy
# instance with a real submission passes; then each thing is broken on a
# fresh copy and check must say FAIL (exit 1) or warn (exit 0) on the right
# line, and leave the instance as it found it (no migration, no tmp/ purge).
#
# usage: check.sh BUILD_DIR SOURCE_DIR
# shellcheck disable=SC2015 # "A && ok || ko": ok never fails
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
daemon=$build/bin/sealdrop-source

. "$src/tests/integration/lib.sh" check

# --- a healthy instance with one submission (a message and a file) ----------------
base=$work/base
"$admin" init --instance "$base" --recipient "$src/tests/vectors/key.pub" >/dev/null ||
	{ echo "init failed"; exit 1; }
"$daemon" --instance "$base" >"$work/daemon.log" 2>&1 &
dpid=$!
pids+=("$dpid")
wait_up "$dpid" "$base/source.sock" "$work/daemon.log"
inst=$base # for sreq
sreq GET / >/dev/null
sreq POST /generate -d "csrf_token=$(csrf_of)" >/dev/null
sreq GET /lookup >/dev/null
echo "a file" >"$work/f.txt"
st=$(sreq POST /submit -F "csrf_token=$(csrf_of)" -F "message=hello" -F "files=@$work/f.txt")
kill "$dpid"; wait "$dpid" 2>/dev/null; pids=()
rm -f "$base/source.sock"
[ "$st" = 303 ] || { echo "submission failed: $st"; exit 1; }

if "$admin" check --instance "$base" >"$work/out" 2>&1 && ! grep -q '^FAIL\|^warn' "$work/out"; then
	ok "a healthy instance passes ($(grep -c '^ok' "$work/out") checks)"
else
	ko "healthy instance: $(cat "$work/out")"
fi
[ "$(grep -c '^ok  ' "$work/out")" -ge 10 ] && ok "one ok line per check" || ko "$(cat "$work/out")"

n=0
# case NAME LEVEL LINE-REGEX SHELL-TO-BREAK-$i: on a fresh copy $i of the base.
case_() {
	local name=$1 level=$2 re=$3 break_it=$4 rc want_rc=0
	n=$((n + 1))
	i=$work/i$n
	cp -a "$base" "$i"
	sed -i "s#$base#$i#g" "$i/tor/torrc" # a copy, as restore would make it
	(cd "$i" && eval "$break_it") || { ko "$name: could not break the instance"; return; }
	"$admin" check --instance "$i" >"$work/out" 2>&1
	rc=$?
	[ "$level" = FAIL ] && want_rc=1
	if [ "$rc" != "$want_rc" ]; then
		ko "$name: exit $rc, want $want_rc: $(cat "$work/out")"
	elif ! grep -qE "^$level +$re" "$work/out"; then
		ko "$name: no '$level $re' line: $(cat "$work/out")"
	else
		ok "$name: $(grep -E "^$level +$re" "$work/out" | head -1)"
	fi
}
items=("$base"/spool/*/*/*.sdbox)
item=${items[0]#"$base"/}
case_ "instance directory mode" FAIL 'instance:' 'chmod 0750 .'
case_ "a deployed instance (2710, tor's group)" ok 'instance:.*mode 2710' \
	'chmod 2710 . && mkdir spool/0123456789abcdef0123456789abcdef && chmod 2700 spool/0123456789abcdef0123456789abcdef'
case_ "sealdrop.conf readable by others" FAIL 'permissions: sealdrop.conf' 'chmod 0644 sealdrop.conf'
case_ "sealdrop.db group-writable" FAIL 'permissions: sealdrop.db' 'chmod 0660 sealdrop.db'
case_ "spool directory mode" FAIL 'permissions: spool ' 'chmod 0755 spool'
case_ "a spool file readable by others" FAIL 'permissions: spool/' "chmod 0604 $item"
case_ "a symbolic link" FAIL 'permissions: spool/.*symbolic link' 'ln -s /etc/passwd spool/link'
case_ "a tor key with group bits" FAIL 'permissions: tor/source/hs_ed25519_secret_key' \
	'chmod 0640 tor/source/hs_ed25519_secret_key'
if [ "$(id -u)" = 0 ]; then
	case_ "a file of another user" FAIL 'permissions: sealdrop.conf .*owned by uid 65534' \
		'chown 65534 sealdrop.conf'
	case_ "tor/ given to tor's user, as deployed" ok 'tor: torrc for this directory' 'chown -R 65534 tor'
	case_ "a file under tor/ not tor's" FAIL 'permissions: tor/torrc .*owner of tor/' \
		'chown -R 65534 tor && chown 0 tor/torrc'
else
	echo "note: not root, the other-owner case is skipped"
fi
case_ "config does not parse" FAIL 'config:.*no_such_setting' \
	'printf "[source]\nno_such_setting = 1\n" >>sealdrop.conf'
case_ "config missing" FAIL 'config: sealdrop.conf is missing' 'rm sealdrop.conf'
case_ "database missing" FAIL 'database: sealdrop.db is missing' 'rm sealdrop.db'
case_ "database damaged" FAIL 'database:' \
	'dd if=/dev/urandom of=sealdrop.db bs=4096 seek=2 count=6 conv=notrunc status=none'
case_ "not a database" FAIL 'database:' 'head -c 65536 /dev/urandom >sealdrop.db'
case_ "schema newer than this sealdrop" FAIL 'schema: version 99' \
	'sqlite3 sealdrop.db "PRAGMA user_version = 99"'
case_ "schema older (migrated on open)" warn 'schema: version 1, current' \
	'sqlite3 sealdrop.db "PRAGMA user_version = 1"'
case_ "no recipient key" FAIL 'recipients: no recipient' 'sqlite3 sealdrop.db "DELETE FROM recipients"'
case_ "a row without its file" FAIL 'spool: 1 of 2 rows have no file' "rm $item"
case_ "an orphan file" warn 'spool: 1 orphan' \
	"cp $item spool/${item:6:32}/0123456789abcdef0123456789abcdef.sdbox"
# The spool layout (docs/spool.md): items at depth 2 (replies, legacy) and
# 3 (<source>/<batch>/<item>.sdbox); issue 10's reports; what a backup
# would refuse (issue 11, item 6).
src_dir=spool/${item:6:32}
other=0123456789abcdef0123456789abcdef
case_ "legacy items at depth 2 are valid" ok 'spool: 2 rows, each with its file' \
	"for f in $src_dir/*/*.sdbox; do mv \$f $src_dir/; done && rmdir $src_dir/*/ &&
	 sqlite3 sealdrop.db 'UPDATE items SET batch = NULL'"
case_ "a source directory the database does not know" warn \
	'spool: 1 source directories the database does not know' \
	"mkdir -m 700 spool/$other && cp -p $item spool/$other/"
case_ "an empty batch directory" warn 'spool: 1 empty source or batch directories' \
	"mkdir -m 700 $src_dir/$other"
case_ "an empty source directory" warn 'spool: 1 empty source or batch directories' \
	"mkdir -m 700 spool/$other"
case_ "a file in another batch than its row" FAIL 'spool: 1 files in another batch' \
	"mkdir -m 700 $src_dir/$other && mv $item $src_dir/$other/"
case_ "a junk spool file" FAIL 'spool: 1 spool files that backup and restore refuse.*not a sealed' \
	"head -c 70000 /dev/zero >$item"
case_ "a tiny spool file" FAIL 'spool: 1 spool files that backup and restore refuse.*size' \
	"printf x >$item"
case_ "a sparse spool file" FAIL 'spool: 1 spool files that backup and restore refuse.*sparse' \
	"truncate -s 3G $item"
case_ "a hard-linked spool file" FAIL 'permissions: .*2 hard links' "ln $item spool/tmp/linked"
case_ "a FIFO deep in the spool" FAIL 'permissions: spool/.*FIFO' "mkfifo -m 600 $src_dir/$other"
case_ "a directory nested too deep" FAIL 'permissions: spool/tmp/a/b/c is a directory nested deeper' \
	"mkdir -p -m 700 spool/tmp/a/b/c/d/e/f/g/h/i && chmod -R 700 spool/tmp/a && mkfifo spool/tmp/a/b/c/d/e/f/g/h/i/p"
case_ "an unexpected name in the instance" FAIL 'permissions: notes.txt is not something sealdrop makes' \
	"echo x >notes.txt && chmod 600 notes.txt"
case_ "a database with a looping view" FAIL 'database: sealdrop.db holds a view' \
	"sqlite3 sealdrop.db 'CREATE VIEW v AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r'"
case_ "items replaced by a looping view" FAIL 'database: sealdrop.db holds a view' \
	"sqlite3 sealdrop.db 'ALTER TABLE items RENAME TO items_old; CREATE VIEW items AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x AS source, x AS item_id, x AS batch FROM r'"
case_ "a stray file in the spool" warn 'spool: 1 entries that are not spool items' \
	'echo x >spool/notes.txt && chmod 600 spool/notes.txt'
case_ "a leftover in spool/tmp" warn 'spool/tmp: 1 files' \
	'mkdir -p spool/tmp/source && echo x >spool/tmp/source/abc.part && chmod 600 spool/tmp/source/abc.part'
case_ "spool/tmp missing" FAIL 'spool/tmp: missing' 'rm -r spool/tmp'
case_ "free space below the reserve" FAIL 'free space:.*507' \
	'sed -i "s/^spool_reserve_bytes = .*/spool_reserve_bytes = 4611686018427387904/" sealdrop.conf'
case_ "an instance made before tor" warn 'tor: no tor/ directory' 'rm -rf tor'
case_ "a tor key missing" FAIL 'tor: tor/source/hs_ed25519_secret_key is missing' \
	'rm tor/source/hs_ed25519_secret_key'
case_ "a torrc for another directory" FAIL 'tor: tor/torrc is for /elsewhere' \
	'sed -i "s#^HiddenServiceDir [^ ]*/tor/#HiddenServiceDir /elsewhere/tor/#" tor/torrc'

# check changes nothing: no migration, no tmp/ purge.
i=$work/i-ro
cp -a "$base" "$i"
sed -i "s#$base#$i#g" "$i/tor/torrc"
sqlite3 "$i/sealdrop.db" "PRAGMA user_version = 1"
mkdir -p "$i/spool/tmp/source" && echo x >"$i/spool/tmp/source/keep.part"
chmod 600 "$i/spool/tmp/source/keep.part"
sum=$(cd "$i" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
"$admin" check --instance "$i" >/dev/null 2>&1
[ "$(cd "$i" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)" = "$sum" ] &&
	ok "check changes nothing (schema not migrated, spool/tmp kept)" || ko "check changed the instance"

"$admin" check --instance "$work/none" >"$work/out" 2>&1
[ $? = 1 ] && grep -q '^FAIL instance' "$work/out" && ok "a missing instance FAILs" || ko "$(cat "$work/out")"
"$admin" check >/dev/null 2>&1
[ $? = 2 ] && ok "usage error: exit 2" || ko "usage error exit status"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
