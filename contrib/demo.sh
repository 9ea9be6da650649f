#!/usr/bin/env bash
# The demo behind `make demo`. The two daemons are not written yet, so for
# now it shows the part that exists end to end: a journalist keypair made as
# on the air-gapped machine, a document sealed to it as the source interface
# will do while it streams in, and sealdrop-open decrypting and verifying it.
set -euo pipefail
cd "$(dirname "$0")/.."
b=build/dev
demo=$(mktemp -d /tmp/sealdrop-demo.XXXXXX)
echo "== sealdrop demo in $demo"
printf 'demo passphrase, not for real use\n' >"$demo/pass"
echo "== 1. sealdrop-keygen: the journalist keypair (on the air-gapped machine)"
"$b/tools/sealdrop-keygen" --out "$demo/journalist.key" --passphrase-file "$demo/pass" \
	--kdf interactive
echo "== 2. a source's document, sealed to that public key (the server's job)"
printf 'Meeting notes, 3rd floor.\nThe contract is signed next week.\n' >"$demo/notes.txt"
"$b/tests/sdseal" --name "notes.txt" --mime text/plain --recipient "$demo/journalist.pub" \
	"$demo/notes.txt" "$demo/notes.sdbox"
ls -l "$demo/notes.sdbox"
echo "== 3. sealdrop-open: decrypt and verify (on the air-gapped machine)"
"$b/tools/sealdrop-open" --key "$demo/journalist.key" --passphrase-file "$demo/pass" \
	--out "$demo/opened" "$demo/notes.sdbox"
echo "== decrypted:"
cat "$demo/opened/notes.txt"
cat <<MSG

Coming next: sealdrop-source (the no-JavaScript site sources use through
Tor), sealdrop-journalist (the journalists' interface), sealdrop-admin, and
metadata cleaning in sealdrop-open. Files of this demo: $demo
MSG
