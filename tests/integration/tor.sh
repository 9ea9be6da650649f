#!/usr/bin/env bash
# Integration test of the instance's onion services with Debian's tor:
# sealdrop-admin init writes the keys and torrc, tor-client add a client
# key, and tor-check runs the real tor (DisableNetwork 1, no port, private
# copy) which must write the addresses init printed. Then each way the files
# can be wrong must make tor-check fail: a malformed client key, a corrupted
# or swapped identity key, a line that is not HiddenService*, a journalist
# service left without client keys, a tor that is not there. No tor process
# and no temporary directory may be left behind.
#
# tor is required (contrib/install-deps.sh installs it): without it this test
# fails, it does not skip.
#
# usage: tor.sh BUILD_DIR
# "test && ok … || ko …" is if-then-else here: ok only echoes and never fails.
# shellcheck disable=SC2015
set -u
build=$1
admin=$build/bin/sealdrop-admin

command -v tor >/dev/null || { echo "FAIL: tor is not installed (contrib/install-deps.sh)"; exit 1; }

work=$(mktemp -d "$build/itest-tor.XXXXXX")
mkdir "$work/tmp"
export TMPDIR=$work/tmp
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }

inst=$work/inst
"$admin" init --instance "$inst" --recipient "$(dirname "$0")/../vectors/key.pub" >"$work/init.out" ||
	{ echo "FAIL: init"; cat "$work/init.out"; exit 1; }
src_onion=$(sed -n 's|^source interface: *http://\([a-z2-7]\{56\}\.onion\)/$|\1|p' "$work/init.out")
jour_onion=$(sed -n 's|^journalist interface: *http://\([a-z2-7]\{56\}\.onion\)/ .*|\1|p' "$work/init.out")
[ -n "$src_onion" ] && [ -n "$jour_onion" ] && ok "init printed both addresses" ||
	ko "init did not print both addresses: $(cat "$work/init.out")"
[ "$(cat "$inst/tor/source/hostname")" = "$src_onion" ] &&
	[ "$(cat "$inst/tor/journalist/hostname")" = "$jour_onion" ] &&
	ok "hostname files hold the printed addresses" || ko "hostname files differ from init's output"

# A client key: the line for Tor Browser names the journalist onion.
"$admin" tor-client add --instance "$inst" alice >"$work/add.out" || ko "tor-client add"
line=$(grep -E '^[a-z2-7]{56}:descriptor:x25519:[A-Z2-7]{52}$' "$work/add.out")
[ "${line%%:*}.onion" = "$jour_onion" ] && ok "client line for the journalist onion" ||
	ko "client line: $(cat "$work/add.out")"
grep -qxE 'descriptor:x25519:[A-Z2-7]{52}' "$inst/tor/journalist/authorized_clients/alice.auth" &&
	ok "alice.auth written" || ko "alice.auth"
if grep -rqF "${line##*:}" "$inst"; then ko "the private key is kept in the instance"; else
	ok "the private key is not kept"; fi

check() { # expect(0|1) what [extra args]
	local want=$1 what=$2 st
	shift 2
	"$admin" tor-check --instance "$inst" --timeout 60 "$@" >"$work/check.out" 2>&1
	st=$?
	if [ "$want" = 0 ] && [ $st = 0 ] && grep -q '^ok: tor ' "$work/check.out"; then
		ok "$what: $(cat "$work/check.out")"
	elif [ "$want" = 1 ] && [ $st = 1 ] && [ "$(wc -l <"$work/check.out")" = 1 ]; then
		ok "$what: refused: $(cat "$work/check.out")"
	else
		ko "$what (status $st, wanted $want): $(cat "$work/check.out")"
	fi
}

# What a killed tor-check left in tor/ is removed by the next run; its own
# copies of the keys never leave tor/ (nothing in /dev/shm or $TMPDIR).
mkdir -m 700 "$inst/tor/.torcheck.KILLED"
cp "$inst/tor/source/hs_ed25519_secret_key" "$inst/tor/.torcheck.KILLED/"
shm_before=$(ls -d /dev/shm/sealdrop-torcheck.* /tmp/sealdrop-torcheck.* 2>/dev/null | wc -l)
check 0 "tor accepts init's keys and alice's client key"
grep -q "2 client keys" "$work/check.out" && ok "both client keys counted" || ko "client count"
[ ! -e "$inst/tor/.torcheck.KILLED" ] && ok "a killed tor-check's leftover in tor/ is removed" ||
	ko "tor/.torcheck.KILLED is still there"
[ -z "$(ls -A "$inst/tor" | grep '^\.torcheck')" ] && ok "tor-check leaves nothing in tor/" ||
	ko "left in tor/: $(ls -A "$inst/tor")"
[ "$(ls -d /dev/shm/sealdrop-torcheck.* /tmp/sealdrop-torcheck.* 2>/dev/null | wc -l)" = "$shm_before" ] &&
	ok "no copy of the keys outside the instance" || ko "a tor-check copy outside the instance"

# A malformed client key is only a warning to tor; tor-check must fail.
echo "descriptor:x25519:NOTAKEY" >"$inst/tor/journalist/authorized_clients/bad.auth"
check 1 "malformed client key"
grep -q "tor warned" "$work/check.out" || ko "the malformed key was not reported as tor's warning"
rm "$inst/tor/journalist/authorized_clients/bad.auth"

# A corrupted identity key: tor refuses it (it no longer matches the public key).
sk=$inst/tor/source/hs_ed25519_secret_key
cp "$sk" "$work/sk.orig"
printf '\x01' | dd of="$sk" bs=1 seek=40 conv=notrunc status=none
cmp -s "$sk" "$work/sk.orig" && ko "the key was not corrupted"
check 1 "corrupted source identity key"
cp "$work/sk.orig" "$sk"
check 0 "restored key accepted again"

# Keys swapped between the services: every file is valid, the addresses are not.
for f in hs_ed25519_secret_key hs_ed25519_public_key; do
	mv "$inst/tor/source/$f" "$work/$f"
	mv "$inst/tor/journalist/$f" "$inst/tor/source/$f"
	mv "$work/$f" "$inst/tor/journalist/$f"
done
check 1 "identity keys swapped between the services"
for f in hs_ed25519_secret_key hs_ed25519_public_key; do
	mv "$inst/tor/source/$f" "$work/$f"
	mv "$inst/tor/journalist/$f" "$inst/tor/source/$f"
	mv "$work/$f" "$inst/tor/journalist/$f"
done
check 0 "keys swapped back"

# Only HiddenService* lines: nothing in the instance torrc can open a port.
cp "$inst/tor/torrc" "$work/torrc.orig"
echo "SocksPort 9050" >>"$inst/tor/torrc"
check 1 "a SocksPort line in the instance torrc"
cp "$work/torrc.orig" "$inst/tor/torrc"
sed -i 's|^HiddenServicePort 80 unix:.*/source.sock$|HiddenServicePort 80 192.0.2.1:80|' "$inst/tor/torrc"
check 1 "a non-loopback HiddenServicePort target"
cp "$work/torrc.orig" "$inst/tor/torrc"

# The journalist service must never be without a client key (tor would open it).
mkdir "$work/clients"
mv "$inst/tor/journalist/authorized_clients/"*.auth "$work/clients/"
check 1 "journalist service without client keys"
mv "$work/clients/"*.auth "$inst/tor/journalist/authorized_clients/"

# Removing a client; the placeholder stays.
"$admin" tor-client remove --instance "$inst" alice >/dev/null || ko "tor-client remove"
[ ! -e "$inst/tor/journalist/authorized_clients/alice.auth" ] && ok "alice.auth removed" ||
	ko "alice.auth still there"
check 0 "after removing alice"
grep -q "1 client key," "$work/check.out" && ok "placeholder left" || ko "client count after remove"
"$admin" tor-client add --instance "$inst" ../evil >/dev/null 2>&1 && ko "a path as client name"
[ -z "$(find "$inst" -name 'evil*')" ] && ok "a path as client name is refused" ||
	ko "a file named from a path was written"

# No tor binary: a failure, never a pass.
check 1 "a missing tor binary" --tor "$work/no-such-tor"

# Nothing left behind: tmp copies and tor processes.
[ -z "$(ls -A "$work/tmp")" ] && ok "no temporary directory left" || ko "left in TMPDIR: $(ls "$work/tmp")"
if pgrep -f "$work/tmp/sealdrop-torcheck" >/dev/null; then ko "a tor is still running"; else
	ok "no tor left running"; fi

echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
