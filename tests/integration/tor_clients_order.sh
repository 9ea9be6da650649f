#!/usr/bin/env bash
# Integration test of `sealdrop-admin tor-clients-apply --no-reload`: the
# last request for a name wins, also over a request of the other kind left
# in tor-clients/work/ by a run that could not apply it (docs/decisions.md,
# review 2026-12-06):
#
#  - keys requested for eight names cannot be applied (tor's
#    authorized_clients/ is not a directory): the requests stay in work/;
#    the web admin then revokes all eight; the next run must leave no key
#    (before the fix, the stale NAME.auth and the new NAME.remove were both
#    applied in directory order, so about half the revocations were undone);
#  - the other way round: removals left in work/, then new keys: the keys
#    are set;
#  - entries planted in work/ and refused/ that a claim cannot rename over
#    (non-empty directories, a directory where a file goes) do not keep
#    requests/ from emptying: before the fix they stayed there, and the
#    path unit (DirectoryNotEmpty=) started the service again and again;
#  - more requests than one batch (256) are all applied by one run: before,
#    the rest waited in work/ until some later request started a run;
#  - `sealdrop-admin tor-client remove NAME` and `journalist remove NAME`
#    (which remove the key in tor/ themselves) are not undone by a key
#    request for NAME still pending in requests/ or work/: before, the next
#    run put the removed key back;
#  - a thousand refused requests are all moved aside but not each named in
#    the journal: before, one line each.
#
# Runs as any user (the instance and tor/ are the test user's).
#
# usage: tor_clients_order.sh BUILD_DIR SOURCE_DIR
# shellcheck disable=SC2015 # "A && ok || ko": ok never fails
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin

. "$src/tests/integration/lib.sh" torclientsorder

inst=$work/inst
"$admin" init --instance "$inst" --recipient "$src/tests/vectors/key.pub" >/dev/null ||
	{ echo "init failed"; exit 1; }
stage=$inst/tor-clients
auth=$inst/tor/journalist/authorized_clients
apply() { "$admin" tor-clients-apply --instance "$inst" --no-reload >"$work/apply.out" 2>&1; }
key() { python3 -c 'import base64,os; print("descriptor:x25519:" + base64.b32encode(os.urandom(32)).decode().rstrip("=")[:51] + "A")'; }
# request NAME KIND [LINE]: what the daemon does (written aside, renamed in).
request() {
	printf '%s' "${3:-}" >"$stage/.new-$1.$2" && mv "$stage/.new-$1.$2" "$stage/requests/$1.$2"
}
# broken / fixed: tor's authorized_clients/ replaced by a file, and back.
broken() { mv "$auth" "$auth.aside" && : >"$auth"; }
fixed() { rm -f "$auth" && mv "$auth.aside" "$auth"; }
names="n1 n2 n3 n4 n5 n6 n7 n8"

apply || { echo "first apply failed: $(cat "$work/apply.out")"; exit 1; }

# --- stale keys in work/, then revocations ------------------------------------------
for n in $names; do request "$n" auth "$(key)
"; done
broken
apply; rc=$?
fixed
check "a run that cannot write tor's files exits 1 and keeps the requests in work/" \
	"[ $rc = 1 ] && [ \$(find '$stage/work' -name '*.auth' | wc -l) = 8 ]"
check "and says how to run again once the cause is fixed" \
	"grep -q 'stay in tor-clients/work/; once the cause is fixed, run systemctl start sealdrop-tor-clients.service' '$work/apply.out'"
for n in $names; do request "$n" remove; done
apply; rc=$?
check "the next run exits 0" "[ $rc = 0 ]"
left=$(find "$auth" -mindepth 1 ! -name 'sealdrop.placeholder*' -printf '%f ')
check "every revocation holds: no key of the eight names in tor/ (left: ${left:-none})" "[ -z '$left' ]"
left=$(find "$stage/work" "$stage/requests" -mindepth 1 -printf '%f ')
check "work/ and requests/ are empty (left: ${left:-none})" "[ -z '$left' ]"

# --- stale removals in work/, then new keys -------------------------------------------
for n in $names; do request "$n" auth "$(key)
"; done
apply || ko "keys for the eight names: $(cat "$work/apply.out")"
for n in $names; do request "$n" remove; done
broken
apply; rc=$?
fixed
check "a removal that cannot be applied stays in work/" \
	"[ $rc = 1 ] && [ \$(find '$stage/work' -name '*.remove' | wc -l) = 8 ]"
for n in $names; do
	k=$(key)
	echo "$k" >"$work/want-$n"
	request "$n" auth "$k
"
done
apply; rc=$?
bad=""
for n in $names; do cmp -s "$auth/$n.auth" "$work/want-$n" || bad="$bad $n"; done
check "the newer keys are set, not removed by the older removals (wrong:${bad:- none})" "[ $rc = 0 ] && [ -z '$bad' ]"

# --- what the daemon's account can plant in work/ and refused/ -------------------------
mkdir -p "$stage/work/x.auth/sub" "$stage/refused/x.auth/sub" "$stage/work/y.auth/sub" \
	"$stage/work/z.auth/sub" "$stage/requests/x.auth"
request y auth "$(key)
"
request z remove
apply; rc=$?
left=$(find "$stage/requests" -mindepth 1 -printf '%f ')
check "one run empties requests/ whatever work/ holds (left: ${left:-none}; exit $rc)" "[ -z '$left' ]"
check "the request that is a directory is refused, into refused/" \
	"[ -d '$stage/refused/x.auth' ] && [ ! -e '$stage/refused/x.auth/sub' ] && grep -q \"refused request 'x.auth'\" '$work/apply.out'"
check "y's newer key is set, z's key stays removed" "[ -s '$auth/y.auth' ] && [ ! -e '$auth/z.auth' ]"
apply; rc=$?
check "the next run has nothing to do and exits 0" "[ $rc = 0 ] && grep -q 'no request to apply' '$work/apply.out'"

# --- more requests than one batch -------------------------------------------------------
python3 - "$stage" <<'PY' || ko "cannot write 300 requests"
import base64, os, sys
stage = sys.argv[1]
for i in range(300):
    line = "descriptor:x25519:" + base64.b32encode(os.urandom(32)).decode().rstrip("=")[:51] + "A\n"
    with open(f"{stage}/.new-b{i}.auth", "w") as f:
        f.write(line)
    os.rename(f"{stage}/.new-b{i}.auth", f"{stage}/requests/b{i}.auth")
PY
apply; rc=$?
n=$(find "$auth" -name 'b*.auth' | wc -l)
left=$(find "$stage/work" "$stage/requests" -mindepth 1 | wc -l)
check "one run applies all 300 requests ($n applied, $left left; exit $rc)" "[ $rc = 0 ] && [ $n = 300 ] && [ $left = 0 ]"

# --- a removal on the command line beats a pending key request ------------------------
for n in k1 k2; do request "$n" auth "$(key)
"; done
apply || ko "keys for k1 and k2: $(cat "$work/apply.out")"
request k1 auth "$(key)
"   # a new key for k1 that a run could not apply: left in work/
broken; apply; fixed
request k2 auth "$(key)
"   # a new key for k2, not yet applied
"$admin" tor-client remove --instance "$inst" k1 >"$work/rm.out" 2>&1 || ko "tor-client remove k1: $(cat "$work/rm.out")"
"$admin" tor-client remove --instance "$inst" k2 >"$work/rm.out" 2>&1 || ko "tor-client remove k2: $(cat "$work/rm.out")"
apply
check "after tor-client remove, no pending request puts the keys back" "[ ! -e '$auth/k1.auth' ] && [ ! -e '$auth/k2.auth' ]"

"$admin" journalist add --instance "$inst" jo >/dev/null 2>&1 || ko "journalist add jo"
check "journalist add made jo's key" "[ -e '$auth/jo.auth' ]"
request jo auth "$(key)
"   # "New Tor key" in the web admin just before
"$admin" journalist remove --instance "$inst" jo >"$work/rm.out" 2>&1 || ko "journalist remove jo: $(cat "$work/rm.out")"
apply
check "after journalist remove, the pending request does not put jo's key back" "[ ! -e '$auth/jo.auth' ]"

# --- many refused requests: all moved aside, the journal not flooded ------------------
for i in $(seq 1000); do : >"$stage/requests/Bad$i.auth"; done
apply; rc=$?
n=$(find "$stage/refused" -name 'Bad*' | wc -l)
lines=$(grep -c 'refused request' "$work/apply.out")
check "1000 bad requests are refused and moved aside ($n), exit 1" "[ $rc = 1 ] && [ $n = 1000 ]"
check "at most 33 lines name them ($lines), then a count" \
	"[ $lines -le 33 ] && grep -q '968 more requests refused' '$work/apply.out'"

echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
