#!/usr/bin/env bash
# deb.sh - builds the Debian packages (make deb, without their own test
# run: this suite is that run) and checks what they hold: the server
# package has the daemons and no air-gapped program, the air-gapped one the
# reverse, neither depends on a build tool or a browser, lintian reports no
# error (make deb fails on one). The system.deploy and system.onion tests
# install these packages.
#
# usage: deb.sh BUILD SRC
# Skips (77) only when dpkg-buildpackage, debhelper or lintian is missing
# and cannot be installed (not root).
set -u
src=$2
for t in dpkg-buildpackage dh lintian; do
	if ! command -v $t >/dev/null; then
		if [ "$(id -u)" != 0 ]; then
			echo "SKIP: $t is missing (contrib/install-deps.sh deb installs it as root)"
			exit 77
		fi
	fi
done
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if timeout 1500 make -C "$src" deb DEB_BUILD_OPTIONS=nocheck JOBS=2 >"$log" 2>&1; then
	ok "make deb builds both packages, lintian reports no error"
else
	tail -40 "$log"
	ko "make deb"
	exit 1
fi
grep -E '^(E|W): ' "$log" | sort -u
echo "note: lintian: $(grep -c '^W: ' "$log") warnings, $(grep -c '^I: ' "$log") notes (docs/packaging.md)"
d=$src/build/deb
server=$(ls "$d"/sealdrop-server_*.deb)
offline=$(ls "$d"/sealdrop-offline_*.deb)
has() { dpkg-deb -c "$1" | awk '{print $6}' | grep -qx "$2"; }
for f in ./usr/bin/sealdrop-source ./usr/bin/sealdrop-journalist ./usr/bin/sealdrop-admin \
	./lib/systemd/system/sealdrop-source.service ./lib/systemd/system/sealdrop-journalist.service \
	./lib/systemd/system/sealdrop-notify.service ./lib/systemd/system/sealdrop-notify.timer \
	./usr/share/doc/sealdrop-server/notifications.md \
	./lib/systemd/system/tor@default.service.d/sealdrop.conf ./usr/lib/sysusers.d/sealdrop.conf \
	./usr/share/sealdrop/apparmor/system_tor.sealdrop ./usr/share/locale/fr/LC_MESSAGES/sealdrop.mo \
	./usr/share/man/man8/sealdrop-admin.8.gz ./usr/share/doc/sealdrop-server/operator-guide.md; do
	check "sealdrop-server has $f" "has '$server' '$f'"
done
for f in ./usr/bin/sealdrop-keygen ./usr/bin/sealdrop-open ./usr/share/man/man1/sealdrop-open.1.gz; do
	check "sealdrop-offline has $f" "has '$offline' '$f'"
done
check "sealdrop-server holds no air-gapped program" \
	"! dpkg-deb -c '$server' | grep -Eq 'bin/sealdrop-(open|keygen)\$'"
check "sealdrop-offline holds no server program" \
	"! dpkg-deb -c '$offline' | grep -Eq 'bin/sealdrop-(source|journalist|admin)\$'"
for p in "$server" "$offline"; do
	deps=$(dpkg-deb -f "$p" Depends Recommends)
	echo "note: $(basename "$p"): $deps"
	check "$(basename "$p") pulls no build tool or browser" \
		"! echo '$deps' | grep -Eqi 'gcc|clang|cmake|make|-dev|chromium|node|libreoffice|python'"
done
# Crash points (common/sdcrash.h) and the cleaners' fault hooks exist only
# in test builds.
check "no crash point in the shipped daemons" \
	"! dpkg-deb --fsys-tarfile '$server' | tar -xO ./usr/bin/sealdrop-source ./usr/bin/sealdrop-journalist | grep -aq SEALDROP_CRASH_AT"
check "no cleaner test hook in the shipped sealdrop-open" \
	"! dpkg-deb --fsys-tarfile '$offline' | tar -xO ./usr/bin/sealdrop-open | grep -aq SEALDROP_TEST_CLEAN"
echo "deb: $passed passed, $failed failed"
[ "$failed" = 0 ]
