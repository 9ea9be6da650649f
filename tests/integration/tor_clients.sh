#!/usr/bin/env bash
# Integration test of Tor client keys made in the web admin (journalist
# daemon, not --dev, over its unix socket) and applied by
# `sealdrop-admin tor-clients-apply --no-reload` (what the root path unit
# runs; here as the test's user, tor/ owned by the same user):
#
#  - before the onion address is known, adding a journalist says no key was
#    made and leaves no request; apply writes tor-clients/journalist.onion;
#  - adding a journalist shows the private line once: the journalist onion,
#    then descriptor:x25519: and 52 base32; the request and, once applied,
#    authorized_clients/NAME.auth (0600, the exact form) hold the public
#    key of that private key (derived with python3's cryptography); the
#    private key is stored nowhere in the instance nor logged;
#  - "New Tor key" (after a confirmation) replaces the key;
#  - removing the journalist revokes the key (the .auth file goes) and, when
#    chosen on the confirmation page, removes a recipient key, the page
#    saying files sealed to it stay readable with it;
#  - hostile requests planted in requests/ (a symbolic link, a bad name, a
#    longer file, a hard link, a FIFO, a directory, a non-empty removal) are
#    refused, moved to refused/, and nothing is applied or reloaded.
#
# usage: tor_clients.sh BUILD_DIR SOURCE_DIR
# shellcheck disable=SC2015 # "A && ok || ko": ok never fails
# shellcheck disable=SC2154 # alice_pass, alice_secret: set by add_journalist
set -u
build=$1
src=$2
admin=$build/bin/sealdrop-admin
jdaemon=$build/bin/sealdrop-journalist
command -v oathtool >/dev/null || { echo "oathtool is missing (apt-get install oathtool)"; exit 1; }

. "$src/tests/integration/lib.sh" torclients

inst=$work/inst
init_instance "Test drop"
sed -i 's/^argon2_concurrency = .*/argon2_concurrency = 2/' "$inst/sealdrop.conf"
add_journalist alice --admin
stage=$inst/tor-clients
auth=$inst/tor/journalist/authorized_clients
apply() { "$admin" tor-clients-apply --instance "$inst" --no-reload >"$work/apply.out" 2>&1; }

launch -a "$work/journalist.log" "$inst/journalist.sock" "$jdaemon" --instance "$inst"

check_landlock "the journalist daemon" "$work/journalist.log"

db() { sqlite3 -cmd ".timeout 5000" "$inst/sealdrop.db" "$1"; }
code_of() { sed -n "s/.*<code id=\"$1\">\([^<]*\)<.*/\1/p" "$work/body" | head -1; }
A=$work/alice.jar
jreq "$A" GET /login >/dev/null
st=$(jreq "$A" POST /login --data-urlencode "csrf_token=$(csrf_of)" --data-urlencode "username=alice" \
	--data-urlencode "passphrase=$alice_pass" --data-urlencode "code=$(oathtool --totp -b "$alice_secret")")
expect "alice (admin) logs in" "$st" 303
jreq "$A" GET /admin/journalists >/dev/null; AT=$(csrf_of)
check "the daemon made tor-clients/requests/ (0700)" "[ \"\$(stat -c %a '$stage/requests')\" = 700 ]"

# --- before the onion address is known --------------------------------------------
st=$(jreq "$A" POST /admin/journalists --data-urlencode "csrf_token=$AT" --data-urlencode "name=bob")
expect "bob is added before the onion is known" "$st" 200 'id="torkey-problem"'
grep -q 'does not know the journalist onion address' "$work/body" &&
	ok "the page says why no Tor key was made" || ko "no reason for the missing key"
check "no request for bob" "[ -z \"\$(ls -A '$stage/requests')\" ]"
apply; rc=$?
check "apply with nothing to do exits 0" "[ $rc = 0 ] && grep -q 'tor not reloaded' '$work/apply.out'"
check "apply wrote journalist.onion (the service's hostname)" \
	"cmp -s '$stage/journalist.onion' '$inst/tor/journalist/hostname'"
jonion=$(sed 's/\.onion$//' "$stage/journalist.onion")

# --- adding a journalist makes the key --------------------------------------------
st=$(jreq "$A" POST /admin/journalists --data-urlencode "csrf_token=$AT" --data-urlencode "name=carol")
expect "alice adds carol" "$st" 200 'id="new-torkey"'
line=$(code_of new-torkey)
[[ $line =~ ^${jonion}:descriptor:x25519:[A-Z2-7]{52}$ ]] &&
	ok "the private line is the journalist onion and an x25519 key" || ko "private line '$line'"
priv=${line##*:}
pub_of() { # the base32 public key of a base32 x25519 private key
	python3 - "$1" <<'EOF'
import base64, sys
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives import serialization
sk = base64.b32decode(sys.argv[1] + "====")
pk = X25519PrivateKey.from_private_bytes(sk).public_key().public_bytes(
    serialization.Encoding.Raw, serialization.PublicFormat.Raw)
print(base64.b32encode(pk).decode().rstrip("="))
EOF
}
want="descriptor:x25519:$(pub_of "$priv")"
check "the request holds the public half of the line shown" \
	"[ \"\$(cat '$stage/requests/carol.auth')\" = '$want' ]"
grep -rqF "$priv" "$inst" && ko "the private key is stored in the instance" || ok "the private key is not stored"
grep -qF "$priv" "$work/journalist.log" && ko "the private key is logged" || ok "the private key is not logged"
apply; rc=$?
check "apply sets carol's key and exits 0" "[ $rc = 0 ] && grep -q 'carol: client key set' '$work/apply.out'"
check "authorized_clients/carol.auth is the public line, 0600, a regular file" \
	"[ -f '$auth/carol.auth' ] && [ ! -L '$auth/carol.auth' ] && [ \"\$(stat -c %a '$auth/carol.auth')\" = 600 ] && [ \"\$(cat '$auth/carol.auth')\" = '$want' ] && [ \"\$(wc -l <'$auth/carol.auth')\" = 1 ]"
check "the applied request is gone" "[ -z \"\$(find '$stage/requests' '$stage/work' -mindepth 1)\" ]"
"$admin" check --instance "$inst" >"$work/check.out" 2>&1
check "check accepts tor-clients/ (no FAIL line)" "grep -q '^ok *permissions' '$work/check.out' && ! grep -q '^FAIL' '$work/check.out'"

# --- a new key replaces it ----------------------------------------------------------
carol_id=$(db "SELECT id FROM journalists WHERE name = 'carol'")
st=$(jreq "$A" POST "/admin/journalist/$carol_id/torkey" --data-urlencode "csrf_token=$AT")
expect "New Tor key asks first" "$st" 200 'current key stops working'
check "nothing requested before the confirmation" "[ -z \"\$(ls -A '$stage/requests')\" ]"
st=$(jreq "$A" POST "/admin/journalist/$carol_id/torkey" --data-urlencode "csrf_token=$AT" -d confirm=1)
expect "New Tor key shows a new line" "$st" 200 'id="new-torkey"'
line2=$(code_of new-torkey); priv2=${line2##*:}
[ -n "$priv2" ] && [ "$priv2" != "$priv" ] && ok "the new key differs" || ko "new line '$line2'"
jreq "$A" GET /admin/audit >/dev/null
grep -q 'Made a journalist a new Tor client key' "$work/body" && ok "the audit log shows the new key" ||
	ko "no audit line for the new key"
apply
check "the .auth file now holds the new public key" \
	"[ \"\$(cat '$auth/carol.auth')\" = \"descriptor:x25519:\$(pub_of '$priv2')\" ]"

# --- removing revokes, and may remove a recipient key -------------------------------
"$admin" recipient add --instance "$inst" --label carol-key "$src/tests/vectors/other.pub" \
	>/dev/null 2>&1 || { echo "cannot add a second recipient"; exit 1; }
rid2=$(db "SELECT id FROM recipients WHERE label = 'carol-key'")
st=$(jreq "$A" POST "/admin/journalist/$carol_id/remove" --data-urlencode "csrf_token=$AT")
expect "removing asks first, offering the recipient keys" "$st" 200 "name=\"recipient\" value=\"$rid2\""
grep -q 'stay readable with it' "$work/body" && ok "the page says sealed files stay readable" ||
	ko "no word on files already sealed"
st=$(jreq "$A" POST "/admin/journalist/$carol_id/remove" --data-urlencode "csrf_token=$AT" \
	-d confirm=1 -d "recipient=$rid2")
expect "carol is removed" "$st" 303
jreq "$A" GET /admin/journalists >/dev/null
grep -q 'recipient key was removed. Files already sealed to that key stay readable with it' "$work/body" &&
	ok "the result says the key went and sealed files stay readable" || ko "result message"
check "the recipient key is gone, the other kept" \
	"[ \"\$(db \"SELECT count(*) FROM recipients WHERE id = $rid2\")\" = 0 ] && [ \"\$(db 'SELECT count(*) FROM recipients')\" = 1 ]"
check "a removal request, empty" "[ -f '$stage/requests/carol.remove' ] && [ ! -s '$stage/requests/carol.remove' ]"
apply; rc=$?
check "apply removes carol's key" "[ $rc = 0 ] && [ ! -e '$auth/carol.auth' ] && grep -q 'carol: client key removed' '$work/apply.out'"
check "the placeholder key stays" "[ -f '$auth/sealdrop.placeholder.auth' ]"
st=$(jreq "$A" POST /admin/journalists --data-urlencode "csrf_token=$AT" --data-urlencode "name=dan")
expect "alice adds dan" "$st" 200 'id="new-torkey"'
st=$(jreq "$A" POST "/admin/journalist/$(db "SELECT id FROM journalists WHERE name = 'dan'")/remove" \
	--data-urlencode "csrf_token=$AT" -d confirm=1)
expect "dan is removed before any apply" "$st" 303
check "the last action wins: dan's add request is replaced by a removal" \
	"[ ! -e '$stage/requests/dan.auth' ] && [ -f '$stage/requests/dan.remove' ]"
apply
check "nothing was set for dan" "[ ! -e '$auth/dan.auth' ]"

# --- hostile requests ----------------------------------------------------------------
before=$(ls "$auth" | sort | tr '\n' ' ')
R=$stage/requests
good="descriptor:x25519:$(pub_of "$priv")"
ln -s "$auth/sealdrop.placeholder.auth" "$R/link.auth"
printf '%s\n' "$good" >"$R/Bad.auth"
printf '%s\n' "$good" >"$R/..auth"
printf '%s\nx' "$good" >"$R/long.auth"
printf '%s' "$good" >"$R/nonl.auth"
printf '%s\n' "${good,,}" >"$R/lower.auth"
printf '%s\n' "$good" >"$work/elsewhere"; ln "$work/elsewhere" "$R/hard.auth" 2>/dev/null ||
	cp "$work/elsewhere" "$R/hard.auth"
mkfifo "$R/fifo.auth"
mkdir "$R/dir.auth"
printf x >"$R/full.remove"
apply; rc=$?
check "apply refuses them (exit 1)" "[ $rc = 1 ]"
for f in link.auth Bad.auth ..auth long.auth nonl.auth lower.auth fifo.auth dir.auth full.remove; do
	check "$f is refused and moved aside" "[ -e '$stage/refused/$f' ] || [ -L '$stage/refused/$f' ]"
done
[ "$(stat -c %h "$work/elsewhere")" -gt 1 ] &&
	check "a hard link is refused" "[ -e '$stage/refused/hard.auth' ]"
check "the journal names each refusal" "[ \"\$(grep -c 'refused request' '$work/apply.out')\" -ge 9 ]"
check "no key was added or changed" "[ \"\$(ls '$auth' | sort | tr '\n' ' ')\" = '$before' ]"
check "tor was not reloaded" "grep -q 'tor not reloaded' '$work/apply.out'"
check "the placeholder is intact" "[ -f '$auth/sealdrop.placeholder.auth' ] && [ ! -L '$auth/sealdrop.placeholder.auth' ]"

echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
