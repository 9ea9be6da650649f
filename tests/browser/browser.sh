#!/usr/bin/env bash
# Real-browser test of sealdrop-source (CTest: browser.source). Starts the
# real daemon on a fresh instance and runs source.mjs: headless Debian
# chromium driven by playwright-core, JavaScript disabled, doing the whole
# source flow; screenshots go to BUILD_DIR/browser-shots/.
#
# Why TCP here: chromium cannot reach a unix socket, so this test (and only
# this one) starts the daemon with --dev --listen 127.0.0.1:PORT. --dev is
# what allows a TCP listener and a non-onion Host (127.0.0.1:PORT); the
# unix-socket, onion-Host path is covered by tests/integration/source.sh.
# Loopback only, ever.
#
# Missing chromium is a failure, not a skip (contrib/install-deps.sh installs
# it). Missing node_modules are installed with `npm ci` from the committed
# package-lock.json (the npm registry must be reachable for that once).
#
# usage: browser.sh BUILD_DIR SOURCE_DIR
set -u
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
here=$src/tests/browser
admin=$build/tools/sealdrop-admin
daemon=$build/source-iface/sealdrop-source
chromium=${SD_CHROMIUM:-/usr/bin/chromium}

fail() { echo "FAIL: $*"; exit 1; }
for b in "$admin" "$daemon" "$build/tests/sdcat" "$build/tests/sdreply"; do
	[ -x "$b" ] || fail "$b not built"
done
[ -x "$chromium" ] || fail "$chromium missing: install the Debian package chromium (contrib/install-deps.sh)"
command -v node >/dev/null || fail "node missing: install nodejs (contrib/install-deps.sh)"
if [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
	command -v npm >/dev/null || fail "npm missing: install npm (contrib/install-deps.sh)"
	echo "# node_modules missing: npm ci in $here"
	(cd "$here" && npm ci --no-audit --no-fund) || fail "npm ci failed in $here"
fi

work=$(mktemp -d "$build/btest-source.XXXXXX")
shots=$build/browser-shots
rm -rf "$shots" && mkdir -p "$shots"
pid=
# shellcheck disable=SC2317  # called through the trap
cleanup() {
	[ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
	rm -rf "$work"
}
trap cleanup EXIT

inst=$work/inst
"$admin" init --instance "$inst" --name "Browser test drop" --recipient "$src/tests/vectors/key.pub" \
	>/dev/null || fail "sealdrop-admin init failed"
sed -i 's/^max_submission_bytes = .*/max_submission_bytes = 104857600/; s/^max_files = .*/max_files = 5/' \
	"$inst/sealdrop.conf"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# A port picked free can be taken before the daemon binds it: try a few.
for attempt in 1 2 3 4 5; do
	port=$(free_port)
	"$daemon" --instance "$inst" --dev --listen "127.0.0.1:$port" >"$work/daemon.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/metadata" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/metadata" && break
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
	echo "# daemon did not start on port $port (attempt $attempt):"; cat "$work/daemon.log"
done
[ -n "$pid" ] || fail "sealdrop-source did not start"
echo "# sealdrop-source (pid $pid) on 127.0.0.1:$port, instance $inst"

SD_BASE=http://127.0.0.1:$port SD_WORK=$work SD_INSTANCE=$inst SD_SHOTS=$shots \
	SD_SDREPLY=$build/tests/sdreply SD_SDCAT=$build/tests/sdcat \
	SD_KEY=$src/tests/vectors/key.key SD_PASS=$src/tests/vectors/key.pass SD_CHROMIUM=$chromium \
	NODE_PATH=$here/node_modules timeout 150 node "$here/source.mjs"
rc=$?
kill -0 "$pid" 2>/dev/null || { echo "FAIL: the daemon died during the test:"; cat "$work/daemon.log"; rc=1; }
[ "$rc" = 0 ] || { echo "# daemon log:"; cat "$work/daemon.log"; }
exit "$rc"
