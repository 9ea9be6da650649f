#!/usr/bin/env bash
# deploy.sh - the packages in the real shape: a Debian 12 tree (tree.sh,
# cached) copied and booted with systemd-nspawn --boot; inside, a test unit
# runs inside.sh (apt installs the .debs from a local folder, then
# `sealdrop-admin setup`, the running drop checked, setup again, an upgrade
# from the previous release, tests/system/prev.sh) and powers the container off. This script
# prints inside.sh's lines and fails when any failed or it did not finish.
#
# usage: deploy.sh BUILD SRC [deploy|onion]
#   the .debs in SRC/build/deb/ (made by the system.deb test: make deb);
#   onion: the private Tor network round trip inside the container
#   (onion.sh, tornet.sh; needs BUILD/bin/sdreply, a test helper).
# Root only; skips (77) without root, without systemd-nspawn, or when the
# tree cannot be made (no Debian mirror); every other problem fails.
#
# Facts of these machines (PID 1 not systemd, cgroup v1, no D-Bus): nspawn
# needs --register=no --keep-unit; its own seccomp filter would disable
# landlock and IPAddressDeny inside unless those calls are allowed
# (--system-call-filter); --private-network gives the units' PrivateNetwork
# a lo to bring up, and keeps the container off every network.
set -u
build=$1
src=$2
mode=${3:-deploy}
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the system test boots a container: root only"
	exit 77
fi
if ! command -v systemd-nspawn >/dev/null; then
	echo "SKIP: systemd-nspawn is missing (package systemd-container: contrib/install-deps.sh)"
	exit 77
fi
debs=$src/build/deb
if ! ls "$debs"/sealdrop-server_*.deb "$debs"/sealdrop-offline_*.deb >/dev/null 2>&1; then
	echo "FAIL: no packages in $debs (the system.deb test makes them: make deb)"
	exit 1
fi
# The previous release the upgrade starts from (prev.sh builds it once per
# machine from its commit); without git history, inside.sh falls back to
# this build repacked and says so.
prev=
if [ "$mode" = deploy ]; then
	prev=$(bash "$src/tests/system/prev.sh" "$src")
	prc=$?
	[ $prc = 0 ] || [ $prc = 77 ] || { echo "FAIL: cannot build the previous release"; exit 1; }
	[ $prc = 77 ] && prev=
fi
tree=$(DEBS="$debs $prev" bash "$src/tests/system/tree.sh")
rc=$?
[ $rc = 77 ] && { echo "SKIP: no Debian 12 tree to boot (see above)"; exit 77; }
[ $rc = 0 ] || { echo "FAIL: cannot make the Debian 12 tree"; exit 1; }

work=$(mktemp -d "$build/systest-$mode.XXXXXX")
# The logs of the run (no secret of any real drop) stay in
# BUILD/systest-deploy.last/ for a look after a failure.
last=$build/systest-$mode.last
# shellcheck disable=SC2317  # called through the trap
cleanup() {
	rm -rf "$last"
	[ -d "$work/out" ] && mv "$work/out" "$last"
	cp "$work/console.log" "$last/" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
root=$work/root
out=$work/out
mkdir -p "$out" "$root"
echo "copying the tree $tree"
cp -a "$tree/." "$root/" || { echo "FAIL: cannot copy the tree"; exit 1; }
chmod 0755 "$root"
install -m 0755 "$src/tests/system/inside.sh" "$root/usr/local/sbin/sealdrop-systest"
mkdir -p "$root/usr/local/share/sealdrop-systest"
sed -n 's/^#define DB_SCHEMA_VERSION \([0-9]*\).*/\1/p' "$src/store/db.h" \
	>"$root/usr/local/share/sealdrop-systest/schema"
mkdir -p "$root/debs-prev"
[ -n "$prev" ] && cp "$prev"/*.deb "$root/debs-prev/"
if [ "$mode" = onion ]; then
	[ -x "$build/bin/sdreply" ] || { echo "FAIL: no $build/bin/sdreply (a test helper)"; exit 1; }
	install -m 0644 "$src/tests/system/onion.sh" "$root/usr/local/sbin/sealdrop-systest-onion"
	install -m 0644 "$src/tests/system/tornet.sh" "$root/usr/local/sbin/sealdrop-tornet"
	install -m 0755 "$build/bin/sdreply" "$root/usr/local/bin/sdreply"
fi
cat >"$root/etc/systemd/system/sealdrop-systest.service" <<'UNIT'
[Unit]
Description=sealdrop system test (tests/system/inside.sh)
After=multi-user.target
[Service]
# Type=simple: a oneshot would hold the boot until it ended, and it waits
# for the boot to end.
Type=simple
ExecStart=/usr/local/sbin/sealdrop-systest @MODE@
StandardOutput=journal
UNIT
sed -i "s/@MODE@/$mode/" "$root/etc/systemd/system/sealdrop-systest.service"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -s ../sealdrop-systest.service "$root/etc/systemd/system/multi-user.target.wants/"
echo sealdrop-systest >"$root/etc/hostname"

echo "booting the container (at most 20 minutes)"
timeout --kill-after=30 1200 systemd-nspawn --quiet --boot --register=no --keep-unit \
	--private-network --console=pipe \
	--system-call-filter='landlock_create_ruleset landlock_add_rule landlock_restrict_self bpf' \
	--machine="sealdrop-systest-$$" -D "$root" \
	--bind-ro="$debs:/debs" --bind="$out:/out" </dev/null >"$work/console.log" 2>&1
nrc=$?
cat "$out/log" 2>/dev/null
if [ ! -s "$out/rc" ]; then
	echo "FAIL: the test inside did not finish (systemd-nspawn exit $nrc); the console:"
	tail -40 "$work/console.log"
	tail -60 "$out/journal.log" 2>/dev/null
	exit 1
fi
for f in setup.txt setup2.log apt2.log check.log aa.log open.log; do
	[ -s "$out/$f" ] && { echo "---- $f"; cat "$out/$f"; }
done
passed=$(sed -n 's/^passed=\([0-9]*\) .*/\1/p' "$out/rc")
failed=$(sed -n 's/.* failed=\([0-9]*\)$/\1/p' "$out/rc")
echo "$mode: ${passed:-?} passed, ${failed:-?} failed"
if [ "$failed" != 0 ] || [ "${passed:-0}" -eq 0 ]; then
	tail -80 "$out/journal.log" 2>/dev/null
	exit 1
fi
