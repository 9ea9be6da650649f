#!/usr/bin/env bash
# The demo behind `make demo`: a throw-away instance on this machine with a
# demo journalist keypair and a demo journalist account, both daemons on
# 127.0.0.1 in development mode (no Tor): the source interface on
# DEMO_PORT and the journalist interface on DEMO_PORT+1. It prints the two
# addresses, the demo credentials and the next steps. Ctrl-C stops both.
# Everything lives in build/demo/ and is recreated each run; what it makes
# is readable by its owner only (umask 077: the account file, the key and
# its passphrase file are mode 0600). The printed steps name every file by
# its absolute path, so they work from any directory.
#
# Environment: DEMO_PORT (default 8080), DEMO_DIR (default build/demo),
# DEMO_BUILD (the build directory; default build/dev).
set -euo pipefail
umask 077
cd "$(dirname "$0")/.."
b=${DEMO_BUILD:-$(pwd -P)/build/dev}
port=${DEMO_PORT:-8080}
jport=$((port + 1))
demo=${DEMO_DIR:-build/demo}
keypass="demo passphrase, not for real use"

rm -rf "$demo"
mkdir -p "$demo"
demo=$(cd "$demo" && pwd -P)
printf '%s\n' "$keypass" >"$demo/journalist.pass"
"$b/bin/sealdrop-keygen" --out "$demo/journalist.key" --passphrase-file "$demo/journalist.pass" \
	--kdf interactive >/dev/null
"$b/bin/sealdrop-admin" init --instance "$demo/instance" --name "sealdrop demo" \
	--recipient "$demo/journalist.pub" >/dev/null
"$b/bin/sealdrop-admin" journalist add --instance "$demo/instance" demo --admin \
	>"$demo/account.txt" 2>/dev/null
chmod 600 "$demo/account.txt" "$demo/journalist.pass" "$demo/journalist.key"
user_pass=$(sed -n 's/^  passphrase:  //p' "$demo/account.txt")
secret=$(sed -n 's/^  totp secret: //p' "$demo/account.txt")

pids=()
stop() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	echo; echo "demo stopped"
}
trap stop EXIT
trap 'exit 0' INT TERM
start() { # name binary port
	"$2" --instance "$demo/instance" --listen "127.0.0.1:$3" --dev 2>"$demo/$1.log" &
	pids+=($!)
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://127.0.0.1:$3/" && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || { echo "$1 did not start:"; cat "$demo/$1.log"; exit 1; }
		sleep 0.1
	done
}
start source "$b/bin/sealdrop-source" "$port"
start journalist "$b/bin/sealdrop-journalist" "$jport"

cat <<MSG

  sealdrop demo is running (both interfaces in --dev mode, on localhost only;
  in production each is reachable only as a Tor onion service).

  Source interface:       http://127.0.0.1:$port/
  Journalist interface:   http://127.0.0.1:$jport/

  Demo journalist account (an administrator):
    user name:    demo
    passphrase:   $user_pass
    TOTP secret:  $secret
    a code:       oathtool --totp -b $secret
                  (or add the secret to any authenticator app; each code
                  works once, so wait for the next one to log in again)

  Next steps:
  1. Source: open http://127.0.0.1:$port/, get a codename, write it down,
     send a message and a file or two.
  2. Journalist: open http://127.0.0.1:$jport/, log in with the account
     above (the first login asks you to change the passphrase, since an
     administrator saw it: the new one is shown once; "Sources" skips it),
     open the source, download everything (a .tar bundle of encrypted
     files) and write a reply.
  3. Open the bundle as you would on the air-gapped machine:

       $b/bin/sealdrop-open --key $demo/journalist.key \\
         --passphrase-file $demo/journalist.pass --out $demo/opened \\
         $HOME/Downloads/sealdrop-bundle.tar

     Where the bundle is: most browsers save to $HOME/Downloads/. Tor
     Browser saves to its own Downloads folder instead: tor-browser/Browser/
     Downloads/ inside the folder you unpacked it in (Linux), or the folder
     it asked for; give that path in the last line.
     (or the whole spool: replace the last line with $demo/instance/spool)
     The journalist key's passphrase is "$keypass".
  4. Source: log in again with the codename and read the reply.

  Files of this demo (yours only): $demo
  Account file: $demo/account.txt (mode 0600)
  Logs: $demo/source.log, $demo/journalist.log
  Press Ctrl-C to stop both.
MSG
wait
