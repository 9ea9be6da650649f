#!/bin/bash
# usb-inside.sh - runs in the clean Debian 12 container of usb.sh (no
# network), the stick read-only at /media/usb; results in /out.
#   1: apt refuses a changed index, InRelease or .deb; then the first
#      install as docs/offline-install.md says (the apt source from the
#      stick, apt-get update, the SHA256 of sealdrop's package, apt-get
#      install), sealdrop-keygen and sealdrop-open run; /out/status is
#      the dpkg status the laptop carries back for the weekly stick.
#   2: the weekly update: apt-get update and upgrade from the new stick,
#      then nothing left to upgrade, sealdrop-open still runs.
set -u
n=$1
exec >/out/log 2>&1
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }
T="timeout 300"
export DEBIAN_FRONTEND=noninteractive
usb=/media/usb

# apt-get update printed no warning or error.
clean_update() { $T apt-get update >"$1" 2>&1 && ! grep -qE '^(W|E|Err):' "$1"; }

if [ "$n" = 1 ]; then
	check "no network in the container: only lo" "[ \"\$(ls /sys/class/net)\" = lo ]"
	# apt with a changed copy of the stick at /tmp/evil and its own lists.
	evil() {
		rm -rf /tmp/evil /tmp/evil-lists
		cp -r $usb /tmp/evil
		mkdir -p /tmp/evil-lists/partial
		sed 's|file:/media/usb|file:/tmp/evil|' $usb/sealdrop-usb.sources >/tmp/evil.sources
	}
	ea() { $T apt-get -o Dir::Etc::sourceparts=/nonexistent \
		-o Dir::Etc::sourcelist=/tmp/evil.sources -o Dir::State::lists=/tmp/evil-lists "$@"; }
	evil
	echo "Package: extra" >>/tmp/evil/debian/dists/bookworm/main/binary-amd64/Packages
	ea update >/tmp/e1.log 2>&1
	check "apt refuses an index changed after Debian signed it" \
		"grep -qiE 'Hash Sum mismatch|unexpected size' /tmp/e1.log && ! ls /tmp/evil-lists/*bookworm_main*Packages >/dev/null 2>&1"
	evil
	sed -i '0,/^Date:/s/^Date: .*/Date: Mon, 01 Jan 2024 00:00:00 UTC/' /tmp/evil/debian/dists/bookworm/InRelease
	ea update >/tmp/e2.log 2>&1
	check "apt refuses an InRelease whose signature does not verify" \
		"grep -qiE 'signatures were invalid|BADSIG|not signed' /tmp/e2.log && ! ls /tmp/evil-lists/*bookworm_InRelease >/dev/null 2>&1"
	evil
	ea update >/tmp/e3.log 2>&1
	check "apt accepts the stick as made (its own lists)" "! grep -qE '^(W|E|Err):' /tmp/e3.log"
	victim=$(find /tmp/evil/debian/pool -name 'libsodium23_*.deb' | head -1)
	printf 'X' | dd of="$victim" bs=1 seek=200 conv=notrunc status=none
	mkdir -p /tmp/evil-cache/partial
	ea -y -o Dir::Cache::archives=/tmp/evil-cache --download-only install libsodium23 >/tmp/e4.log 2>&1
	check "apt refuses a .deb changed on the stick" \
		"grep -qiE 'Hash Sum mismatch|hashes' /tmp/e4.log && ! ls /tmp/evil-cache/libsodium23_*.deb >/dev/null 2>&1"
	rm -rf /tmp/evil /tmp/evil-lists /tmp/evil-cache /tmp/evil.sources

	# The guide: the installer's network sources off, the stick's on.
	rm -f /etc/apt/sources.list
	install -m 0644 $usb/sealdrop-usb.sources /etc/apt/sources.list.d/sealdrop-usb.sources
	check "apt-get update from the stick verifies Debian's signatures, no warning" "clean_update /out/update1.log"
	check "sealdrop's package has the SHA256 published (SHA256SUMS)" "(cd $usb/sealdrop && sha256sum --quiet -c SHA256SUMS)"
	check "apt-get install of sealdrop-offline from the stick" \
		"$T apt-get install -y $usb/sealdrop/sealdrop-offline_*.deb >/out/install.log 2>&1"
	check "sealdrop-offline is installed" "dpkg-query -W -f '\${Status}' sealdrop-offline | grep -q 'install ok installed'"
	printf 'a long enough test passphrase\n' >/root/pass
	check "sealdrop-keygen makes a keypair" \
		"$T sealdrop-keygen --out /root/j.key --passphrase-file /root/pass --kdf interactive >/dev/null"
	printf 'hello from the stick\n' >/root/note.txt
	check "sealdrop-open runs (cleans a file in its sandboxed child)" \
		"$T sealdrop-open --clean-only --out /root/clean --no-progress /root/note.txt >/out/open.log 2>&1 && [ -n \"\$(ls -A /root/clean)\" ]"
	cp /var/lib/dpkg/status /out/status
else
	check "apt-get update from the weekly stick, no warning" "clean_update /out/update2.log"
	$T apt-get -s dist-upgrade >/out/plan2.log 2>&1
	echo "note: the weekly stick brings $(grep -c '^Inst ' /out/plan2.log) updates"
	check "apt-get dist-upgrade from the weekly stick" "$T apt-get -y dist-upgrade >/out/upgrade.log 2>&1"
	check "nothing is left to upgrade" "$T apt-get -s dist-upgrade 2>/dev/null | grep -q '^0 upgraded, 0 newly installed'"
	check "sealdrop-open still runs" "$T sealdrop-open --help >/dev/null 2>&1"
fi
echo "passed=$passed failed=$failed" >/out/rc
