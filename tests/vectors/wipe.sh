#!/usr/bin/env bash
# The secret key and the passphrase are wiped after use: run the real
# sealdrop-open under gdb, stop it at the exit_group system call (after main
# returned and atexit handlers ran, before the
# kernel reclaims anything), dump its whole memory with gcore and search the
# image for the raw secret key bytes and the passphrase. A copy left on the
# stack, in a freed heap block or in a stdio buffer would be found. The
# sodium_malloc pages libsodium marks MADV_DONTDUMP are dumped too.
# usage: wipe.sh SEALDROP_OPEN SDKEYDUMP VECTOR_DIR
set -eu
open=$1
dump=$2
dir=$3
command -v gdb >/dev/null || { echo "gdb is required"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sk=$("$dump" "$dir/key.key" "$dir/key.pass")
pass=$(head -n1 "$dir/key.pass")
args=(--quiet --key "$dir/key.key" --passphrase-file "$dir/key.pass" --out "$work/out"
	"$dir/good-two-frames.sdbox")
# Control: a core taken while the key is in use must contain it, or the
# search below would be blind (wrong bytes, memory not in the image).
gdb -nx -batch -q -ex 'set confirm off' -ex 'set dump-excluded-mappings on' -ex 'break sdbox_reader_new' -ex run \
	-ex "gcore $work/core.live" -ex kill --args "$open" "${args[@]}" >"$work/gdb1.log" 2>&1 || true
rm -rf "$work/out"
gdb -nx -batch -q -ex 'set confirm off' -ex 'set dump-excluded-mappings on' -ex 'catch syscall exit_group' -ex run \
	-ex "gcore $work/core" -ex kill --args "$open" "${args[@]}" >"$work/gdb2.log" 2>&1 || true
for c in core.live core; do
	[ -s "$work/$c" ] || { echo "no $c dumped:"; cat "$work"/gdb*.log; exit 1; }
done
[ -f "$work/out/unsorted/uncleaned/scan.pdf.uncleaned" ] || { echo "sealdrop-open did not run to the end"; exit 1; }
python3 - "$work/core.live" "$work/core" "$sk" "$pass" <<'PY'
import sys
live = open(sys.argv[1], "rb").read()
core = open(sys.argv[2], "rb").read()
sk = bytes.fromhex(sys.argv[3])
pw = sys.argv[4].encode()
if live.find(sk) < 0:
    print("control failed: the key is not in the image taken while it is in use")
    sys.exit(1)
found = [what for what, b in (("secret key", sk), ("passphrase", pw)) if core.find(b) >= 0]
if found:
    print("found in process memory after use: " + ", ".join(found))
    sys.exit(1)
print("1 passed, 0 failed: secret key and passphrase wiped (image %d bytes)" % len(core))
PY
