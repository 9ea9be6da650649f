#!/usr/bin/env bash
# usb.sh - CTest `system.usb`: the offline install of docs/offline-install.md.
# contrib/offline-usb.sh fills a folder (the stick) from the Debian mirror
# with the sealdrop-offline package of build/deb/ and its dependencies;
# a clean Debian 12 (a bare minbase tree, tree.sh minbase) started with
# systemd-nspawn --private-network (no network at all) installs it from
# that folder as the guide says, with apt checking Debian's signatures and
# hashes (a changed index, InRelease or .deb is refused), and sealdrop-open
# runs there. Then the weekly run: a second stick made with the container's
# dpkg status brings every update, and after them nothing is left to
# upgrade. usb-inside.sh is what runs in the container.
#
# usage: usb.sh BUILD SRC
# Root only; skips (77) without root, without systemd-nspawn, or when the
# Debian mirror cannot be reached (no tree, or no stick to make); any other
# problem fails. Bounds: 15 minutes per stick, 10 per container run.
set -u
build=$1
src=$2
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the offline install test starts a container: root only"
	exit 77
fi
if ! command -v systemd-nspawn >/dev/null; then
	echo "SKIP: systemd-nspawn is missing (package systemd-container: contrib/install-deps.sh)"
	exit 77
fi
deb=$(find "$src/build/deb" -maxdepth 1 -name "sealdrop-offline_*.deb" 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "FAIL: no sealdrop-offline package in $src/build/deb (the system.deb test makes it)"; exit 1; }
tree=$(bash "$src/tests/system/tree.sh" minbase)
rc=$?
[ $rc = 77 ] && { echo "SKIP: no clean Debian 12 tree (see above)"; exit 77; }
[ $rc = 0 ] || { echo "FAIL: cannot make the clean Debian 12 tree"; exit 1; }

work=$(mktemp -d "$build/systest-usb.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }

# stick N [--status FILE]: contrib/offline-usb.sh into $work/stickN.
stick() {
	local n=$1 log=$work/stick$1.log
	shift
	mkdir -p "$work/stick$n"
	if timeout 900 bash "$src/contrib/offline-usb.sh" "$@" \
		--sha256 "$(sha256sum "$deb" | cut -d' ' -f1)" "$deb" "$work/stick$n" >"$log" 2>&1; then
		cat "$log"
		return 0
	fi
	cat "$log"
	if grep -qiE 'Could not resolve|Temporary failure|Unable to connect|Connection refused|Failed to fetch' "$log"; then
		echo "SKIP: the Debian mirror cannot be reached: no stick to make"
		exit 77
	fi
	echo "FAIL: offline-usb.sh failed"
	exit 1
}

# run N: the clean tree (copied afresh for run 1) with stick N at
# /media/usb, read-only, and no network.
run() {
	local n=$1
	mkdir -p "$work/out$n"
	echo "starting the container, no network, with stick $n (at most 10 minutes)"
	timeout --kill-after=30 600 systemd-nspawn --quiet --register=no --keep-unit \
		--private-network --console=pipe --machine="sealdrop-usb-$$" -D "$work/root" \
		--bind-ro="$work/stick$n:/media/usb" --bind="$work/out$n:/out" \
		/bin/bash /usr/local/sbin/sealdrop-usb-inside "$n" </dev/null >"$work/console$n.log" 2>&1
	local nrc=$?
	cat "$work/out$n/log" 2>/dev/null
	if [ ! -s "$work/out$n/rc" ]; then
		ko "the test inside (run $n) did not finish (systemd-nspawn exit $nrc)"
		tail -40 "$work/console$n.log"
		return
	fi
	local p f
	p=$(sed -n 's/^passed=\([0-9]*\) .*/\1/p' "$work/out$n/rc")
	f=$(sed -n 's/.* failed=\([0-9]*\)$/\1/p' "$work/out$n/rc")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
	[ "${p:-0}" -gt 0 ] || ko "run $n passed nothing"
}

stick 1
grep -q 'Debian packages and' "$work/stick1.log" && ok "offline-usb.sh made the first stick"
if grep -v "^#" "$work/stick1/sealdrop-usb.sources" | grep -qi trusted ||
	! grep -q '^Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg$' "$work/stick1/sealdrop-usb.sources"; then
	ko "the stick's apt source is signed-by the Debian archive keyring, never trusted"
else
	ok "the stick's apt source is signed-by the Debian archive keyring, never trusted"
fi
echo "copying the clean tree $tree"
mkdir -p "$work/root"
cp -a "$tree/." "$work/root/" || { echo "FAIL: cannot copy the tree"; exit 1; }
chmod 0755 "$work/root"
install -m 0755 "$src/tests/system/usb-inside.sh" "$work/root/usr/local/sbin/sealdrop-usb-inside"
run 1

# The weekly run: the laptop's status carried back, a new stick.
if [ -s "$work/out1/status" ]; then
	stick 2 --status "$work/out1/status"
	ok "offline-usb.sh made the weekly stick from the laptop's dpkg status"
	run 2
else
	ko "run 1 left no dpkg status for the weekly stick"
fi
echo "usb: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
