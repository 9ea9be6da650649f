#!/usr/bin/env bash
# sealdrop-open on a spool directory and on .tar bundles, end to end:
#  - items are grouped by the source id of their authenticated ref, into
#    <designation>-<8 hex>/ (the designation computed here from the EFF list),
#    messages and replies numbered by seq whatever the file order, photos
#    cleaned (no canary left), a name collision gets " (2)", an unparsable
#    ref goes to unsorted/, an unsupported type to uncleaned/, tmp/ skipped;
#  - a bundle of the same spool gives the same tree;
#  - a hostile bundle (absolute path, '..', symlink, device, bad name) has
#    each bad member refused with a report line, the good member opened, exit 1;
#  - a spool in the batch layout (items at depth 3 beside depth 2) gives
#    the same kind of tree; a link as a batch or an item, a directory at
#    depth 4, other names and files where directories belong are each
#    refused by name, the rest opened, exit 1;
#  - report.json lists every item with its kind, status, seq and output;
#  - on a terminal, a running count while decrypting and a cleaning bar.
# usage: spool.sh SEALDROP_OPEN SDSEAL VECTOR_DIR WORDLIST
set -u
open=$1
seal=$2
vec=$3
words=$4
py=${PYTHON3:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
key=(--key "$vec/key.key" --passphrase-file "$vec/key.pass")

A=0123456789abcdef0123456789abcdef
B=fedcba9876543210fedcba9876543210
"$py" - "$work" <<'PY' || { echo "FAIL: fixtures"; exit 1; }
import subprocess, sys
from PIL import Image
w = sys.argv[1]
Image.new("RGB", (32, 32), (1, 100, 200)).save(w + "/photo.jpg")
subprocess.run(["exiftool", "-q", "-overwrite_original", "-Artist=SDCANARYartist",
                "-GPSLatitude=1", "-Comment=SDCANARYcomment", w + "/photo.jpg"], check=True)
open(w + "/blob.bin", "wb").write(bytes(range(256)) * 8)
open(w + "/m1.txt", "w").write("first message\n")
open(w + "/m2.txt", "w").write("reply from the desk\n")
open(w + "/m3.txt", "w").write("other source\n")
PY
sp=$work/spool
mkdir -p "$sp/tmp" "$sp/$A" "$sp/$B"
echo junk >"$sp/tmp/0000.part"
s() { "$seal" --recipient "$vec/key.pub" "$@"; }
s --kind reply --ref "$A:3" "$work/m2.txt" "$sp/$A/00000000000000000000000000000001.sdbox"
s --kind file --name photo.jpg --ref "$A:2" "$work/photo.jpg" "$sp/$A/00000000000000000000000000000002.sdbox"
s --kind message --ref "$A:1" "$work/m1.txt" "$sp/$A/00000000000000000000000000000003.sdbox"
s --kind file --name "../photo.jpg" --ref "$A:4" "$work/photo.jpg" "$sp/$A/00000000000000000000000000000004.sdbox"
s --kind message --ref "$B:1" "$work/m3.txt" "$sp/$B/00000000000000000000000000000001.sdbox"
s --kind file --name blob.bin --ref "not-a-ref" "$work/blob.bin" "$sp/$B/00000000000000000000000000000002.sdbox"

da=$("$py" - "$words" "$A" <<'PY'
import sys
w = [l.split()[1] for l in open(sys.argv[1]) if l.strip()]
i = bytes.fromhex(sys.argv[2])
print("%s-%s-%s" % (w[int.from_bytes(i[0:2], "little") % 7776],
                    w[int.from_bytes(i[2:4], "little") % 7776], sys.argv[2][:8]))
PY
)
db=$("$py" - "$words" "$B" <<'PY'
import sys
w = [l.split()[1] for l in open(sys.argv[1]) if l.strip()]
i = bytes.fromhex(sys.argv[2])
print("%s-%s-%s" % (w[int.from_bytes(i[0:2], "little") % 7776],
                    w[int.from_bytes(i[2:4], "little") % 7776], sys.argv[2][:8]))
PY
)
want="./.sealdrop-state
./$da/0001-message.txt
./$da/0003-reply.txt
./$da/photo (2).jpg
./$da/photo.jpg
./$db/0001-message.txt
./index.html
./report.json
./report.txt
./unsorted/uncleaned/blob.bin.uncleaned"

# The offline reader's pages (reader/) are checked by tests/offline; the
# state and index.html must be there.
tree() { (cd "$1" && find . -type f ! -path './reader/*' | LC_ALL=C sort); }
check_tree() { # DIR LABEL
	got=$(tree "$1")
	if [ "$got" != "$want" ]; then ko "$2: tree differs:"$'\n'"$got"; return; fi
	cmp -s "$1/$da/0001-message.txt" "$work/m1.txt" && cmp -s "$1/$da/0003-reply.txt" \
		"$work/m2.txt" && cmp -s "$1/$db/0001-message.txt" "$work/m3.txt" &&
		cmp -s "$1/unsorted/uncleaned/blob.bin.uncleaned" "$work/blob.bin" || { ko "$2: contents"; return; }
	if grep -rq SDCANARY "$1/$da" || exiftool -a "$1/$da/photo.jpg" | grep -q SDCANARY; then
		ko "$2: canary left"; return
	fi
	ok
}

if "$open" --quiet "${key[@]}" --out "$work/o1" "$sp" 2>"$work/err"; then
	check_tree "$work/o1" spool
else
	ko "spool run failed: $(cat "$work/err")"
fi
# The JSON report: one entry per item, kinds, statuses, seq, outputs.
"$py" - "$work/o1/report.json" "$da" "$db" <<'PY' && ok || ko "report.json of the spool run"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["version"] == 2 and len(r["files"]) == 6, r
got = sorted((f["kind"], f["status"], f.get("seq"), f["output"]) for f in r["files"])
da, db = sys.argv[2], sys.argv[3]
assert got == sorted([
    ("message", "text", 1, da + "/0001-message.txt"),
    ("file", "cleaned", 2, da + "/photo.jpg"),
    ("reply", "text", 3, da + "/0003-reply.txt"),
    ("file", "cleaned", 4, da + "/photo (2).jpg"),
    ("message", "text", 1, db + "/0001-message.txt"),
    ("file", "uncleaned", None, "unsorted/uncleaned/blob.bin.uncleaned")]), got
photo = [f for f in r["files"] if f["output"] == da + "/photo.jpg"][0]
assert photo["type"] == "image/jpeg" and any("EXIF" in x for x in photo["removed"]), photo
PY

# The same spool as a bundle, as the journalist interface serves it.
"$py" - "$sp" "$work/bundle.tar" <<'PY'
import os, sys, tarfile
sp, out = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    for d in sorted(os.listdir(sp)):
        if d == "tmp":
            continue
        for f in sorted(os.listdir(os.path.join(sp, d))):
            ti = t.gettarinfo(os.path.join(sp, d, f), d + "/" + f)
            ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname, ti.mode = 0, 0, 0, "", "", 0o600
            t.addfile(ti, open(os.path.join(sp, d, f), "rb"))
PY
if "$open" --quiet "${key[@]}" --out "$work/o2" "$work/bundle.tar" 2>"$work/err"; then
	check_tree "$work/o2" bundle
else
	ko "bundle run failed: $(cat "$work/err")"
fi

# A hostile bundle: every bad member refused by name, the good one opened.
"$py" - "$sp/$A/00000000000000000000000000000003.sdbox" "$work/evil.tar" "$A" <<'PY'
import io, sys, tarfile
good, out, a = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(good, "rb").read()
def reg(t, name):
    ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    reg(t, "/" + a + "/" + "1" * 32 + ".sdbox")
    reg(t, a + "/../" + "2" * 32 + ".sdbox")
    reg(t, a + "/notes.txt")
    ti = tarfile.TarInfo(a + "/" + "3" * 32 + ".sdbox"); ti.type = tarfile.SYMTYPE
    ti.linkname = "/etc/passwd"; t.addfile(ti)
    ti = tarfile.TarInfo(a + "/" + "4" * 32 + ".sdbox"); ti.type = tarfile.CHRTYPE
    ti.devmajor, ti.devminor = 1, 3; t.addfile(ti)
    reg(t, a + "/" + "5" * 32 + ".sdbox")
PY
if "$open" --quiet "${key[@]}" --out "$work/o3" "$work/evil.tar" 2>"$work/err"; then
	ko "hostile bundle exited 0"
else
	n=$(grep -c "bundle member refused" "$work/err")
	if [ "$n" != 5 ]; then ko "hostile bundle: expected 5 refusals, got $n: $(cat "$work/err")"
	elif ! cmp -s "$work/o3/$da/0001-message.txt" "$work/m1.txt"; then
		ko "hostile bundle: the good member was not opened"
	elif [ -e "$work/o3/../$(printf '2%.0s' $(seq 32)).sdbox" ] ||
		[ -n "$(find "$work/o3" -type l)" ]; then ko "hostile bundle: wrote outside"
	else ok; fi
fi

# The batch layout (docs/spool.md): items at depth 3, <source>/<batch>/<item>.sdbox,
# beside a legacy or reply item at depth 2, open to the same tree as flat.
C=c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0
b1=$(printf 'b%.0s' $(seq 32))
b2=$(printf 'd%.0s' $(seq 32))
sb=$work/spool-batch
mkdir -p "$sb/tmp/$b2" "$sb/$C/$b1" "$sb/$C/$b2"
s --kind message --ref "$C:1" "$work/m1.txt" "$sb/$C/$b1/00000000000000000000000000000001.sdbox"
s --kind file --name photo.jpg --ref "$C:2" "$work/photo.jpg" "$sb/$C/$b1/00000000000000000000000000000002.sdbox"
s --kind reply --ref "$C:3" "$work/m2.txt" "$sb/$C/00000000000000000000000000000003.sdbox"
s --kind message --ref "$C:4" "$work/m3.txt" "$sb/$C/$b2/00000000000000000000000000000004.sdbox"
cp "$sb/$C/$b2/00000000000000000000000000000004.sdbox" "$sb/tmp/$b2/"
dc=$("$py" - "$words" "$C" <<'PY'
import sys
w = [l.split()[1] for l in open(sys.argv[1]) if l.strip()]
i = bytes.fromhex(sys.argv[2])
print("%s-%s-%s" % (w[int.from_bytes(i[0:2], "little") % 7776],
                    w[int.from_bytes(i[2:4], "little") % 7776], sys.argv[2][:8]))
PY
)
wantb="./.sealdrop-state
./$dc/0001-message.txt
./$dc/0003-reply.txt
./$dc/0004-message.txt
./$dc/photo.jpg
./index.html
./report.json
./report.txt"
if "$open" --quiet "${key[@]}" --out "$work/ob" "$sb" 2>"$work/err"; then
	got=$(tree "$work/ob")
	if [ "$got" != "$wantb" ]; then ko "batch spool: tree differs:"$'\n'"$got"
	elif ! cmp -s "$work/ob/$dc/0004-message.txt" "$work/m3.txt" ||
		! cmp -s "$work/ob/$dc/0001-message.txt" "$work/m1.txt" ||
		grep -rq SDCANARY "$work/ob/$dc"; then ko "batch spool: contents"
	else ok; fi
else
	ko "batch spool run failed: $(cat "$work/err")"
fi
# Anything else, at any depth, is refused by name and the rest still opened:
# a link as a batch, a directory inside a batch (depth 4), another name in a
# batch, a file where a batch directory belongs, an item directly in the
# spool, a link as an item.
ln -s "$sb/$C/$b1" "$sb/$C/$(printf 'e%.0s' $(seq 32))"
mkdir "$sb/$C/$b2/$(printf 'a%.0s' $(seq 32))"
echo x >"$sb/$C/$b2/notes.txt"
echo x >"$sb/$C/$(printf '9%.0s' $(seq 32))"
cp "$sb/$C/00000000000000000000000000000003.sdbox" "$sb/$(printf '8%.0s' $(seq 32)).sdbox"
ln -s "$sb/$C/00000000000000000000000000000003.sdbox" "$sb/$C/$b1/$(printf '7%.0s' $(seq 32)).sdbox"
if "$open" --quiet "${key[@]}" --out "$work/ob2" "$sb" 2>"$work/err"; then
	ko "hostile batch spool exited 0"
else
	got=$(tree "$work/ob2")
	bad=0
	for x in "$C/$(printf 'e%.0s' $(seq 32)): not a spool item (a batch must be a directory" \
		"$C/$b2/$(printf 'a%.0s' $(seq 32)): not a spool item (<32 hex>.sdbox)" \
		"$C/$b2/notes.txt: not a spool item (<32 hex>.sdbox)" \
		"$C/$(printf '9%.0s' $(seq 32)): not a spool item (a batch must be a directory" \
		"$(printf '8%.0s' $(seq 32)).sdbox: not a spool entry" \
		"$C/$b1/$(printf '7%.0s' $(seq 32)).sdbox: not a regular file"; do
		grep -qF "spool-batch/$x" "$work/err" || { bad=1; ko "hostile batch spool: no line for $x"; }
	done
	if [ "$(grep -c "spool-batch/" "$work/err")" != 6 ]; then
		ko "hostile batch spool: expected 6 lines: $(cat "$work/err")"
	elif [ "$got" != "$wantb" ]; then ko "hostile batch spool: tree differs:"$'\n'"$got"
	elif [ "$bad" = 0 ]; then ok; fi
fi

# Progress on a terminal (script(1) provides one): a running count while
# decrypting a spool of 21 items, then the cleaning bar.
if command -v script >/dev/null; then
	big=$work/big/0000000000000000000000000000000c
	mkdir -p "$big"
	for i in $(seq 1 21); do
		s --kind message --ref "0000000000000000000000000000000c:$i" "$work/m1.txt" \
			"$big/$(printf '%032x' "$i").sdbox"
	done
	script -qec "'$open' --quiet --key '$vec/key.key' --passphrase-file '$vec/key.pass' \
		--out '$work/o4' '$work/big'" /dev/null >"$work/pb.txt" 2>&1
	if tr '\r' '\n' <"$work/pb.txt" | grep -q "^decrypting: 21 files, 0 MiB verified" &&
		grep -q "cleaning \[#*\] 21/21" "$work/pb.txt" &&
		[ "$(find "$work/o4" -name '*-message.txt' | wc -l)" = 21 ]; then ok
	else ko "progress: $(tr '\r' '\n' <"$work/pb.txt" | tail -n 3)"; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
