#!/usr/bin/env bash
# The demo behind `make demo`: a throw-away instance on this machine with a
# demo journalist keypair, its source interface on http://127.0.0.1:PORT in
# development mode (no Tor), and the command that opens what you submit.
# Ctrl-C stops it. Everything lives in build/demo/ and is recreated each run.
#
# Environment: DEMO_PORT (default 8080), DEMO_DIR (default build/demo).
set -euo pipefail
cd "$(dirname "$0")/.."
b=build/dev
port=${DEMO_PORT:-8080}
demo=${DEMO_DIR:-build/demo}
pass="demo passphrase, not for real use"

rm -rf "$demo"
mkdir -p "$demo"
printf '%s\n' "$pass" >"$demo/journalist.pass"
"$b/tools/sealdrop-keygen" --out "$demo/journalist.key" --passphrase-file "$demo/journalist.pass" \
	--kdf interactive >/dev/null
"$b/tools/sealdrop-admin" init --instance "$demo/instance" --name "sealdrop demo" \
	--recipient "$demo/journalist.pub" >/dev/null

"$b/source-iface/sealdrop-source" --instance "$demo/instance" --listen "127.0.0.1:$port" \
	--dev 2>"$demo/source.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; echo; echo "demo stopped"' EXIT
trap 'exit 0' INT TERM
for _ in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$port/" && break
	kill -0 "$pid" 2>/dev/null || { echo "sealdrop-source did not start:"; cat "$demo/source.log"; exit 1; }
	sleep 0.1
done

cat <<MSG

  sealdrop demo is running.

  Source interface:   http://127.0.0.1:$port/
    (in production only reachable as a Tor onion service; --dev allows localhost)

  1. Open the address in a browser, get a codename, write it down, and send
     a message and some files.
  2. Open what arrived, as a journalist would on the air-gapped machine:

       $b/tools/sealdrop-open --key $demo/journalist.key \\
         --passphrase-file $demo/journalist.pass \\
         --out $demo/opened $demo/instance/spool

     (journalist key passphrase: "$pass")
  3. Leave a reply for your codename (a test helper standing in for the
     journalist interface, which is not written yet), then log in again:

       $b/tests/sdreply $demo/instance CODENAME_FILE "your reply text"

  Files of this demo: $demo    Log: $demo/source.log
  Press Ctrl-C to stop.
MSG
wait "$pid"
