#!/usr/bin/env bash
# No key material in a cleaning child: run the real sealdrop-open on a
# sealed JPEG under gdb, follow the first forked child (the sandboxed
# cleaner), stop it at its exit_group system call, dump its whole memory
# with gcore and search the image for the raw secret key and the
# passphrase. Control: the same image must contain the JPEG's plaintext
# (the child read it), or the search would be blind.
# usage: childwipe.sh SEALDROP_OPEN SDSEAL SDKEYDUMP VECTOR_DIR
set -eu
open=$1
seal=$2
dump=$3
dir=$4
py=${PYTHON3:-/usr/bin/python3}
command -v gdb >/dev/null || { echo "gdb is required"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sk=$("$dump" "$dir/key.key" "$dir/key.pass")
pass=$(head -n1 "$dir/key.pass")
"$py" -c "
from PIL import Image
Image.new('RGB', (48, 48), (3, 99, 7)).save('$work/photo.jpg', quality=95,
                                              comment=b'SDMARKER-child-plaintext')
"
"$seal" --kind file --name photo.jpg --ref "0123456789abcdef0123456789abcdef:1" \
	--recipient "$dir/key.pub" "$work/photo.jpg" "$work/photo.sdbox"
gdb -nx -batch -q -ex 'set confirm off' -ex 'set dump-excluded-mappings on' \
	-ex 'set follow-fork-mode child' -ex 'set detach-on-fork on' \
	-ex 'catch syscall exit_group' -ex run -ex "gcore $work/child.core" -ex kill \
	--args "$open" --quiet --key "$dir/key.key" --passphrase-file "$dir/key.pass" \
	--out "$work/out" "$work/photo.sdbox" >"$work/gdb.log" 2>&1 || true
[ -s "$work/child.core" ] || { echo "no child core dumped:"; cat "$work/gdb.log"; exit 1; }
grep -q "fork to child process" "$work/gdb.log" && grep -q "Thread 2.1 .* hit Catchpoint" \
	"$work/gdb.log" || { echo "gdb did not stop in the forked cleaner:"; cat "$work/gdb.log"; exit 1; }
"$py" - "$work/child.core" "$sk" "$pass" <<'PY'
import sys
core = open(sys.argv[1], "rb").read()
sk = bytes.fromhex(sys.argv[2])
pw = sys.argv[3].encode()
if core.find(b"SDMARKER-child-plaintext") < 0:
    print("control failed: the child's image does not hold the file it was cleaning")
    sys.exit(1)
found = [w for w, b in (("secret key", sk), ("passphrase", pw)) if core.find(b) >= 0]
if found:
    print("found in the cleaning child's memory: " + ", ".join(found))
    sys.exit(1)
print("1 passed, 0 failed: no key or passphrase in the cleaner (image %d bytes)" % len(core))
PY
