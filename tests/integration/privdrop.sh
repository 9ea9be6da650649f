#!/usr/bin/env bash
# Integration test of the daemons started as root (web_daemon_drop_root):
#
#  - on an instance owned by nobody with group root (a deployed instance's
#    group is tor's), both daemons run as nobody with nobody's own primary
#    group, no supplementary groups, say so in the log, and what the
#    source daemon writes (a submission) belongs to nobody;
#  - an instance owned by a uid with no passwd entry is refused;
#  - on an instance owned by root they keep root and warn in the log.
#
# Needs root (exit 77: skipped otherwise). The instance lives under /tmp so
# that nobody can reach it whatever the build directory's permissions.
#
# usage: privdrop.sh BUILD_DIR SOURCE_DIR
# shellcheck disable=SC2015 # "A && ok || ko": ok never fails
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
sdaemon=$build/bin/sealdrop-source
jdaemon=$build/bin/sealdrop-journalist

[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "skipped: no user nobody"; exit 77; }
. "$src/tests/integration/lib.sh" privdrop
base=$(mktemp -d /tmp/sd-privdrop.XXXXXX)
chmod 755 "$base"
trap 'cleanup; rm -rf "$base"' EXIT
uid=$(id -u nobody)
gid=$(id -g nobody)

start() { launch "$4" "$3" "$1" --instance "$2"; } # daemon instance sock log
ids_of() { # pid: "uid gid groups" as the kernel has them
	awk '/^Uid:/ {u = $2 "," $3 "," $4 "," $5} /^Gid:/ {g = $2 "," $3 "," $4 "," $5}
	     /^Groups:/ {gr = $2} END {print u, g, gr}' "/proc/$1/status"
}

inst=$base/inst
init_instance
chown -R nobody:root "$inst"
start "$sdaemon" "$inst" "$inst/source.sock" "$work/source.log"
spid=${pids[-1]}
start "$jdaemon" "$inst" "$inst/journalist.sock" "$work/journalist.log"
jpid=${pids[-1]}
want="$uid,$uid,$uid,$uid $gid,$gid,$gid,$gid "
[ "$(ids_of "$spid")" = "$want" ] && ok "the source daemon runs as nobody, no other groups" ||
	ko "source daemon ids: $(ids_of "$spid"), want $want"
[ "$(ids_of "$jpid")" = "$want" ] && ok "the journalist daemon runs as nobody, no other groups" ||
	ko "journalist daemon ids: $(ids_of "$jpid"), want $want"
grep -q "running as uid $uid, gid $gid" "$work/source.log" && ok "the log says so" ||
	ko "log: $(cat "$work/source.log")"

sreq GET / >/dev/null
sreq POST /generate -d "csrf_token=$(csrf_of)" >/dev/null
sreq GET /lookup >/dev/null
st=$(sreq POST /submit -F "csrf_token=$(csrf_of)" -F "message=as nobody")
[ "$st" = 303 ] && ok "a source submits" || ko "submit: $st"
n=$(find "$inst/spool" -name '*.sdbox' | wc -l)
bad=$(find "$inst/spool" "$inst/sealdrop.db" ! -user nobody | wc -l)
[ "$n" = 1 ] && [ "$bad" = 0 ] && ok "the submission belongs to nobody" ||
	ko "$n items; not nobody's: $(find "$inst/spool" ! -user nobody)"

# An owner with no passwd entry: refused, with a message.
inst3=$base/inst3
"$admin" init --instance "$inst3" --recipient "$src/tests/vectors/key.pub" >/dev/null ||
	{ echo "init failed"; exit 1; }
nouid=4242
while getent passwd "$nouid" >/dev/null; do nouid=$((nouid + 1)); done
chown -R "$nouid" "$inst3"
if "$sdaemon" --instance "$inst3" >"$work/source3.log" 2>&1; then
	ko "an owner with no passwd entry was accepted"
else
	grep -q 'has no passwd entry' "$work/source3.log" && ok "an owner with no passwd entry is refused" ||
		ko "refusal message: $(cat "$work/source3.log")"
fi

# A root-owned instance: root stays, with a warning.
inst2=$base/inst2
"$admin" init --instance "$inst2" --recipient "$src/tests/vectors/key.pub" >/dev/null ||
	{ echo "init failed"; exit 1; }
start "$sdaemon" "$inst2" "$inst2/source.sock" "$work/source2.log"
[ "$(ids_of "${pids[-1]}" | cut -d' ' -f1)" = "0,0,0,0" ] &&
	ok "on a root-owned instance it stays root" || ko "ids: $(ids_of "${pids[-1]}")"
grep -q 'warning: running as root' "$work/source2.log" && ok "and warns" ||
	ko "no warning: $(cat "$work/source2.log")"

echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
