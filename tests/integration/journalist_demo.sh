#!/usr/bin/env bash
# Test of contrib/demo.sh (make demo): it starts on two free loopback
# ports, its printed steps name every file by an absolute path that exists,
# its account file (and key and passphrase file) are mode 0600, it says
# where Tor Browser saves downloads, and the printed account logs in.
# Stopped by its pid (TERM), which stops both daemons.
#
# usage: journalist_demo.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
. "$src/tests/integration/lib.sh" demo
needs curl oathtool python3

# Two consecutive free ports on 127.0.0.1 (bounded tries).
port=
for _ in $(seq 20); do
	p=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	if python3 -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]) + 1))' "$p" 2>/dev/null; then
		port=$p
		break
	fi
done
[ -n "$port" ] || { echo "no free ports"; exit 1; }

DEMO_PORT=$port DEMO_DIR="$work/demo" DEMO_BUILD=$(realpath "$build") \
	bash "$src/contrib/demo.sh" >"$work/out" 2>&1 &
dpid=$!
pids+=("$dpid")
for _ in $(seq 300); do
	grep -q 'Press Ctrl-C' "$work/out" && break
	kill -0 "$dpid" 2>/dev/null || break
	sleep 0.1
done
grep -q 'Press Ctrl-C' "$work/out" && ok "the demo starts" || { ko "the demo did not start: $(tail -5 "$work/out")"; exit 1; }

# Every path it prints is absolute; the files it names exist.
paths=$(grep -oE '(^|[ =])[^ ]*(/bin/sealdrop-open|journalist\.key|journalist\.pass|account\.txt|/opened|/spool|\.log,?|sealdrop-bundle\.tar)' "$work/out" |
	sed 's/^[ =]//; s/,$//' | sort -u)
[ -n "$paths" ] && ok "the steps name files" || ko "no file named in the steps"
rel=$(grep -v '^/' <<<"$paths" | grep -v '^$' || true)
[ -z "$rel" ] && ok "every path in the steps is absolute" || ko "relative paths: $rel"
for f in /bin/sealdrop-open journalist.key journalist.pass account.txt; do
	p=$(grep -m1 -- "$f\$" <<<"$paths")
	[ -e "$p" ] && ok "$f exists at $p" || ko "$f: '$p' does not exist"
done
mode() { stat -c %a "$1"; }
[ "$(mode "$work/demo/account.txt")" = 600 ] && ok "the account file is mode 0600" || ko "account.txt mode $(mode "$work/demo/account.txt")"
[ "$(mode "$work/demo/journalist.key")" = 600 ] && [ "$(mode "$work/demo/journalist.pass")" = 600 ] &&
	ok "the key and its passphrase file are mode 0600" || ko "key modes"
grep -q 'Tor' "$work/out" && grep -q 'Browser/' "$work/out" && grep -q 'Downloads' "$work/out" &&
	ok "it says where Tor Browser saves downloads" || ko "no note on Tor Browser's downloads"
grep -q 'change the passphrase' "$work/out" && ok "it says the first login asks for a new passphrase" || ko "no note on the passphrase change"

# The printed account logs in.
pass=$(sed -n 's/^    passphrase:   //p' "$work/out")
secret=$(sed -n 's/^    TOTP secret:  //p' "$work/out")
jar=$work/jar
j() { curl -s -b "$jar" -c "$jar" -o "$work/body" -D "$work/headers" -w '%{http_code}' "$@"; }
j "http://127.0.0.1:$((port + 1))/login" >/dev/null
t=$(grep -o 'name="csrf_token" value="[^"]*"' "$work/body" | head -1 | sed 's/.*value="//;s/"$//')
st=$(j --data-urlencode "csrf_token=$t" --data-urlencode "username=demo" --data-urlencode "passphrase=$pass" \
	--data-urlencode "code=$(oathtool --totp -b "$secret")" "http://127.0.0.1:$((port + 1))/login")
[ "$st" = 303 ] && ok "the printed account logs in" || ko "demo login: $st"

kill -TERM "$dpid"
for _ in $(seq 100); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$dpid" 2>/dev/null && ko "the demo did not stop" || ok "the demo stops on TERM"
grep -q 'demo stopped' "$work/out" && ok "it stopped both daemons" || ko "no 'demo stopped'"

echo "passed: $passed, failed: $failed"
[ "$failed" = 0 ]
