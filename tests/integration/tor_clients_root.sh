#!/usr/bin/env bash
# Integration test of `sealdrop-admin tor-clients-apply` run as root, as the
# path unit runs it, on an instance owned by nobody whose tor/ belongs to
# daemon (a deployed instance's tor/ is debian-tor's):
#
#  - a request the instance's user wrote is applied: the key file belongs
#    to tor/'s owner, 0600; journalist.onion belongs to the instance's user;
#  - requests root or another user owns, or hard links to a root file, are
#    refused and moved aside, and nothing of theirs reaches tor/;
#  - a symbolic link in place of requests/ is refused: nothing is applied
#    or followed;
#  - a step the instance's user stops (SIGSTOP) is killed by root after its
#    bound (30 s), and the run ends saying so.
#
# Needs root (exit 77: skipped otherwise). The instance lives under /tmp so
# that nobody can reach it whatever the build directory's permissions.
#
# usage: tor_clients_root.sh BUILD_DIR SOURCE_DIR
# shellcheck disable=SC2015 # "A && ok || ko": ok never fails
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin

[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
id nobody >/dev/null 2>&1 && id daemon >/dev/null 2>&1 ||
	{ echo "skipped: no user nobody or daemon"; exit 77; }
. "$src/tests/integration/lib.sh" torclientsroot
base=$(mktemp -d /tmp/sd-torclients.XXXXXX)
chmod 755 "$base"
apid=
trap '[ -n "$apid" ] && kill -9 "$apid" 2>/dev/null; cleanup; rm -rf "$base"' EXIT

inst=$base/inst
init_instance
chown -R nobody:root "$inst"
chown -R daemon:daemon "$inst/tor"
stage=$inst/tor-clients
auth=$inst/tor/journalist/authorized_clients
apply() { "$admin" tor-clients-apply --instance "$inst" --no-reload >"$work/apply.out" 2>&1; }
as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"; }
key() { python3 -c 'import base64,os; print("descriptor:x25519:" + base64.b32encode(os.urandom(32)).decode().rstrip("=")[:51] + "A")'; }

apply; rc=$?
check "a first run as root exits 0" "[ $rc = 0 ]"
check "tor-clients/ and journalist.onion belong to nobody" \
	"[ \"\$(stat -c %U '$stage' '$stage/requests' '$stage/journalist.onion' | sort -u)\" = nobody ]"
check "journalist.onion is the service's address" "cmp -s '$stage/journalist.onion' '$inst/tor/journalist/hostname'"

k1=$(key)
as_nobody sh -c "printf '%s\n' '$k1' >'$stage/requests/erin.auth'"
printf '%s\n' "$(key)" >"$stage/requests/root.auth"            # root's
printf '%s\n' "$(key)" >"$stage/requests/other.auth" && chown daemon "$stage/requests/other.auth"
ln /etc/passwd "$stage/requests/passwd.auth" 2>/dev/null || true  # a hard link to a root file (same fs only)
apply; rc=$?
check "apply exits 1 (refusals)" "[ $rc = 1 ]"
check "erin's key is applied, tor/'s owner's, 0600" \
	"[ \"\$(cat '$auth/erin.auth')\" = '$k1' ] && [ \"\$(stat -c '%U %a' '$auth/erin.auth')\" = 'daemon 600' ]"
for f in root.auth other.auth; do
	check "$f (not the instance user's) is refused" "[ -e '$stage/refused/$f' ] && [ ! -e '$auth/$f' ]"
done
if [ -e "$stage/refused/passwd.auth" ] || [ -e "$stage/work/passwd.auth" ]; then
	check "a hard link to /etc/passwd is refused, /etc/passwd intact" \
		"[ -e '$stage/refused/passwd.auth' ] && [ ! -e '$auth/passwd.auth' ] && grep -q '^root:' /etc/passwd"
fi
check "the refusals say why" "grep -q \"refused request 'root.auth'\" '$work/apply.out'"

# requests/ replaced by a link to tor/'s clients: refused, nothing followed.
rm -rf "${stage:?}/requests"
as_nobody ln -s "$auth" "$stage/requests"
before=$(ls -l "$auth" | md5sum)
apply; rc=$?
check "a link in place of requests/ is refused" "[ $rc = 1 ] && grep -q 'not a directory' '$work/apply.out'"
check "tor/'s clients are untouched" "[ \"\$(ls -l '$auth' | md5sum)\" = '$before' ]"

# The instance's user stops (SIGSTOP) the step that runs as it: root does
# not wait for ever (nor for the unit's 120 s) but kills it after its 30 s
# bound and says so. Many refused requests make the step last long enough
# to be caught (at most 3 tries; the step is found among the run's own
# children by its user, and stopped by nobody itself).
rm -f "$stage/requests"
as_nobody mkdir "$stage/requests"
caught=
for try in 1 2 3; do
	for i in $(seq 4000); do : >"$stage/requests/bad$i.x"; done
	chown nobody "$stage"/requests/bad*.x
	"$admin" tor-clients-apply --instance "$inst" --no-reload >"$work/stop.out" 2>&1 &
	apid=$!
	for _ in $(seq 3000); do
		kill -0 "$apid" 2>/dev/null || break
		for p in $(ps -o pid=,user= --ppid "$apid" 2>/dev/null | awk '$2 == "nobody" { print $1 }'); do
			as_nobody kill -STOP "$p" 2>/dev/null && caught=$p
		done
		[ -n "$caught" ] && break
	done
	[ -n "$caught" ] && break
	wait "$apid"
	rm -f "$stage"/refused/bad*.x "$stage"/work/bad*.x "$stage"/requests/bad*.x
done
if [ -n "$caught" ]; then
	# At most 90 s (the bound is 30 s): on the old code it waited for ever.
	for _ in $(seq 90); do kill -0 "$apid" 2>/dev/null || break; sleep 1; done
	if kill -0 "$apid" 2>/dev/null; then
		ko "a stopped step: root still waits after 90 s"
		kill -9 "$apid" "$caught" 2>/dev/null
		wait "$apid"
	else
		wait "$apid"; rc=$?
		check "a stopped step: the run exits 1" "[ $rc = 1 ]"
		check "a stopped step: killed after its bound, and said" \
			"grep -q 'did not end within 30 seconds and was killed (stopped by that user' '$work/stop.out'"
		check "a stopped step: it is gone" "! kill -0 $caught 2>/dev/null"
	fi
else
	echo "note: the step was never caught running in 3 tries: the stopped-step check did not run"
fi

echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
