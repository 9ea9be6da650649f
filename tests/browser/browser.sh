#!/usr/bin/env bash
# Real-browser test of both interfaces (CTest: browser). Starts the real
# daemons on a fresh instance and runs source.mjs (the whole source flow),
# then journalist.mjs (a journalist logs in with a TOTP code, downloads,
# replies, enrols a new second factor, visits the admin pages, deletes the
# source): headless Debian chromium driven by playwright-core, JavaScript
# disabled; screenshots go to BUILD_DIR/browser-shots/.
#
# Why TCP here: chromium cannot reach a unix socket, so this test (and only
# this one) starts the daemons with --dev --listen 127.0.0.1:PORT. --dev is
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
admin=$build/bin/sealdrop-admin
daemon=$build/bin/sealdrop-source
jdaemon=$build/bin/sealdrop-journalist
chromium=${SD_CHROMIUM:-/usr/bin/chromium}

fail() { echo "FAIL: $*"; exit 1; }
for b in "$admin" "$daemon" "$jdaemon" "$build/bin/sdcat" "$build/bin/sdreply" \
	"$build/bin/sealdrop-open"; do
	[ -x "$b" ] || fail "$b not built"
done
[ -x "$chromium" ] || fail "$chromium missing: install the Debian package chromium (contrib/install-deps.sh)"
command -v node >/dev/null || fail "node missing: install nodejs (contrib/install-deps.sh)"
command -v oathtool >/dev/null || fail "oathtool missing (contrib/install-deps.sh)"
if [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
	command -v npm >/dev/null || fail "npm missing: install npm (contrib/install-deps.sh)"
	echo "# node_modules missing: npm ci in $here"
	(cd "$here" && npm ci --no-audit --no-fund) || fail "npm ci failed in $here"
fi

work=$(mktemp -d "$build/btest-source.XXXXXX")
shots=$build/browser-shots
rm -rf "$shots" && mkdir -p "$shots"
pid=
jpid=
# shellcheck disable=SC2317  # called through the trap
cleanup() {
	[ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
	[ -n "$jpid" ] && { kill "$jpid" 2>/dev/null; wait "$jpid" 2>/dev/null; }
	rm -rf "$work"
}
trap cleanup EXIT

inst=$work/inst
"$admin" init --instance "$inst" --name "Browser test drop" --recipient "$src/tests/vectors/key.pub" \
	>/dev/null || fail "sealdrop-admin init failed"
sed -i 's/^max_submission_bytes = .*/max_submission_bytes = 104857600/; s/^max_files = .*/max_files = 5/' \
	"$inst/sealdrop.conf"

acct=$("$admin" journalist add --instance "$inst" alice --admin 2>/dev/null) ||
	fail "sealdrop-admin journalist add failed"
jpass=$(sed -n 's/^  passphrase:  //p' <<<"$acct")
jsecret=$(sed -n 's/^  totp secret: //p' <<<"$acct")

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# start BINARY PROBE_PATH LOG: sets started_pid and started_port. A port
# picked free can be taken before the daemon binds it: try a few.
start() {
	local p attempt
	started_pid=
	for attempt in 1 2 3 4 5; do
		p=$(free_port)
		"$1" --instance "$inst" --dev --listen "127.0.0.1:$p" >"$3" 2>&1 &
		started_pid=$!
		for _ in $(seq 100); do
			curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$p$2" && break
			kill -0 "$started_pid" 2>/dev/null || break
			sleep 0.05
		done
		curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$p$2" && { started_port=$p; return 0; }
		kill "$started_pid" 2>/dev/null; wait "$started_pid" 2>/dev/null; started_pid=
		echo "# $1 did not start on port $p (attempt $attempt):"; cat "$3"
	done
	return 1
}
start "$daemon" /metadata "$work/daemon.log" || fail "sealdrop-source did not start"
pid=$started_pid port=$started_port
start "$jdaemon" /login "$work/jdaemon.log" || fail "sealdrop-journalist did not start"
jpid=$started_pid jport=$started_port
echo "# sealdrop-source (pid $pid) on 127.0.0.1:$port, sealdrop-journalist (pid $jpid) on 127.0.0.1:$jport"

SD_BASE=http://127.0.0.1:$port SD_WORK=$work SD_INSTANCE=$inst SD_SHOTS=$shots \
	SD_SDREPLY=$build/bin/sdreply SD_SDCAT=$build/bin/sdcat \
	SD_KEY=$src/tests/vectors/key.key SD_PASS=$src/tests/vectors/key.pass SD_CHROMIUM=$chromium \
	NODE_PATH=$here/node_modules timeout 150 node "$here/source.mjs"
rc=$?
SD_JBASE=http://127.0.0.1:$jport SD_WORK=$work SD_INSTANCE=$inst SD_SHOTS=$shots \
	SD_JUSER=alice SD_JPASS="$jpass" SD_JSECRET="$jsecret" SD_OPENER=$build/bin/sealdrop-open \
	SD_KEY=$src/tests/vectors/key.key SD_PASS=$src/tests/vectors/key.pass SD_CHROMIUM=$chromium \
	NODE_PATH=$here/node_modules timeout 150 node "$here/journalist.mjs" || rc=1
kill -0 "$pid" 2>/dev/null || { echo "FAIL: sealdrop-source died during the test:"; cat "$work/daemon.log"; rc=1; }
kill -0 "$jpid" 2>/dev/null || { echo "FAIL: sealdrop-journalist died:"; cat "$work/jdaemon.log"; rc=1; }
[ "$rc" = 0 ] || { echo "# daemon logs:"; cat "$work/daemon.log" "$work/jdaemon.log"; }
exit "$rc"
