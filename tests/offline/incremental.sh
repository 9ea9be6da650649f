#!/usr/bin/env bash
# Incremental opening (docs/opener.md, "Incremental opening"), end to end
# through the real sealdrop-open:
#  - a spool opened twice: the second run writes nothing, says "3 already
#    opened", the tree is the same (no " (2)" copy);
#  - then a bundle holding the old items and two new ones: only those two
#    are written, the others counted as already opened;
#  - an item sealed only to a second key fails with the first key, is not
#    recorded, and is opened by the next run given both --key; a damaged
#    copy of an item fails, is not recorded, and its good copy is opened
#    by the next run;
#  - a damaged state (one byte changed, cut short), a foreign one, one of
#    another version, a state that is a link and a folder holding an earlier
#    output without a state are each refused with a clear line, exit 1,
#    before any passphrase is read, and left exactly as they were;
#  - a folder in use by another run (its lock held) is refused.
# usage: incremental.sh SEALDROP_OPEN SDSEAL SEALDROP_KEYGEN VECTOR_DIR
set -u
open=$1
seal=$2
keygen=$3
vec=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
key=(--key "$vec/key.key" --passphrase-file "$vec/key.pass")
s() { "$seal" "$@"; }
tree() { (cd "$1" && find . -type f ! -name report.txt ! -name report.json | LC_ALL=C sort); }
nfiles() { (cd "$1" && find . -type f -path './*-*/*' | wc -l); }

A=0123456789abcdef0123456789abcdef
printf 'first message\n' >"$work/m1.txt"
printf 'a reply\n' >"$work/m2.txt"
printf 'later message\n' >"$work/m4.txt"
printf 'notes of the source\n' >"$work/notes.txt"
r1=(--recipient "$vec/key.pub")
sp=$work/spool
mkdir -p "$sp/$A/$(printf 'b%.0s' $(seq 32))"
s "${r1[@]}" --kind message --ref "$A:1" "$work/m1.txt" "$sp/$A/$(printf 'b%.0s' $(seq 32))/$(printf '1%.0s' $(seq 32)).sdbox"
s "${r1[@]}" --kind file --name notes.txt --ref "$A:2" "$work/notes.txt" "$sp/$A/$(printf 'b%.0s' $(seq 32))/$(printf '2%.0s' $(seq 32)).sdbox"
s "${r1[@]}" --kind reply --ref "$A:3" "$work/m2.txt" "$sp/$A/$(printf '3%.0s' $(seq 32)).sdbox"

out=$work/out
if "$open" --quiet "${key[@]}" --out "$out" "$sp" 2>"$work/err"; then
	[ "$(nfiles "$out")" = 3 ] && [ -f "$out/.sealdrop-state" ] && ok ||
		ko "first run: $(tree "$out")"
else
	ko "first run failed: $(cat "$work/err")"
fi
t1=$(tree "$out")
# The same spool again: nothing new, nothing written, said so.
if "$open" "${key[@]}" --no-progress --out "$out" "$sp" >"$work/o2" 2>"$work/err"; then
	if [ "$(tree "$out")" != "$t1" ]; then ko "second run changed the tree: $(tree "$out")"
	elif find "$out" -name '*(2)*' | grep -q .; then ko "second run made a (2) copy"
	elif ! grep -q "3 already opened before (not written again)" "$work/o2" ||
		! grep -q "3 already opened before" "$out/report.txt" ||
		! python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["already_opened"] == 3 and r["files"] == [], r' \
			"$out/report.json"; then ko "second run did not say 3 already opened: $(cat "$work/o2")"
	else ok; fi
else
	ko "second run failed: $(cat "$work/err")"
fi

# A bundle of the old items and two new ones: only those two written.
s "${r1[@]}" --kind message --ref "$A:4" "$work/m4.txt" "$work/n4.sdbox"
s "${r1[@]}" --kind file --name photo-notes.txt --ref "$A:5" "$work/notes.txt" "$work/n5.sdbox"
python3 - "$sp" "$work" "$work/bundle.tar" "$A" <<'PY'
import os, sys, tarfile
sp, w, out, a = sys.argv[1:5]
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    for root, _, files in os.walk(os.path.join(sp, a)):
        for f in sorted(files):
            t.add(os.path.join(root, f), a + "/" + f)
    t.add(w + "/n4.sdbox", a + "/" + "4" * 32 + ".sdbox")
    t.add(w + "/n5.sdbox", a + "/" + "5" * 32 + ".sdbox")
PY
before=$(tree "$out")
if "$open" --no-progress "${key[@]}" --out "$out" "$work/bundle.tar" >"$work/o3" 2>"$work/err"; then
	new=$(comm -13 <(echo "$before") <(tree "$out") | grep -v -e '^./index.html$' -e '^./.sealdrop-state$' -e '^./reader/')
	if [ "$(echo "$new" | grep -c .)" != 2 ] || ! echo "$new" | grep -q '0004-message.txt$' ||
		! echo "$new" | grep -q 'photo-notes.txt$'; then ko "bundle: expected the two new files, got: $new"
	elif ! grep -q "3 already opened before" "$work/o3"; then ko "bundle: $(tail -2 "$work/o3")"
	elif find "$out" -name '*(2)*' | grep -q .; then ko "bundle made a (2) copy"
	else ok; fi
else
	ko "bundle run failed: $(cat "$work/err")"
fi

# Keys rotate: an item sealed to a second key only, and a damaged copy.
printf 'the second passphrase\n' >"$work/k2.pass"
"$keygen" --out "$work/k2.key" --passphrase-file "$work/k2.pass" >/dev/null 2>&1 || ko "keygen"
sp2=$work/spool2
mkdir -p "$sp2/$A"
s --recipient "$work/k2.pub" --kind message --ref "$A:6" "$work/m4.txt" "$sp2/$A/$(printf '6%.0s' $(seq 32)).sdbox"
s "${r1[@]}" --kind message --ref "$A:7" "$work/m1.txt" "$work/n7.sdbox"
head -c 600 "$work/n7.sdbox" >"$sp2/$A/$(printf '7%.0s' $(seq 32)).sdbox"
if "$open" --quiet "${key[@]}" --out "$out" "$sp2" 2>"$work/err"; then
	ko "a run with a failing item exited 0"
elif ! grep -q "this key is not a recipient" "$work/err" || ! grep -q "truncated" "$work/err"; then
	ko "failures not said: $(cat "$work/err")"
elif [ -e "$out/"*/0006-message.txt ] || [ -e "$out/"*/0007-message.txt ]; then
	ko "a failed item was written"
elif ! python3 - "$out/.sealdrop-state" <<'PY'
import json, sys
d = open(sys.argv[1], "rb").read().split(b"\n", 2)[2]
s = json.loads(d)
assert len(s["items"]) == 5, len(s["items"])
assert len(s["failed"]) == 2 and all(f["status"] == "failed" for f in s["failed"]), s["failed"]
PY
then ko "failed items recorded as opened, or failures not kept"
else ok; fi
cp "$work/n7.sdbox" "$sp2/$A/$(printf '7%.0s' $(seq 32)).sdbox"
if "$open" --quiet --key "$vec/key.key" --key "$work/k2.key" --passphrase-file "$vec/key.pass" \
	--passphrase-file "$work/k2.pass" --out "$out" "$sp2" "$sp" 2>"$work/err"; then
	if [ "$(nfiles "$out")" != 7 ] || ! cmp -s "$out/"*/0006-message.txt "$work/m4.txt" ||
		! cmp -s "$out/"*/0007-message.txt "$work/m1.txt"; then ko "retry: $(tree "$out")"
	elif ! python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["already_opened"] == 3 and len(r["files"]) == 2, r' \
		"$out/report.json"; then ko "retry: report.json"
	else ok; fi
else
	ko "retry with both keys failed: $(cat "$work/err")"
fi

# Refused states: each left as it was, nothing opened, no passphrase read
# (the passphrase file is a FIFO nobody writes: reading it would hang).
mkfifo "$work/nopass"
refused() { # LABEL DIR EXPECTED-TEXT
	local sum
	sum=$(cd "$2" && find . -type f -exec sha256sum {} + | LC_ALL=C sort)
	if timeout 60 "$open" --quiet --key "$vec/key.key" --passphrase-file "$work/nopass" \
		--out "$2" "$sp" 2>"$work/err"; then ko "$1: exit 0"
	elif ! grep -q "$3" "$work/err" || ! grep -q "nothing was opened" "$work/err"; then
		ko "$1: unclear error: $(cat "$work/err")"
	elif [ "$sum" != "$(cd "$2" && find . -type f -exec sha256sum {} + | LC_ALL=C sort)" ]; then
		ko "$1: the folder changed"
	else ok; fi
}
cp -a "$out" "$work/d1"
python3 - "$work/d1/.sealdrop-state" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read())
i = b.index(b'"runs"') ; b[i + 1] ^= 0x20
open(p, "wb").write(b)
PY
refused "one byte changed" "$work/d1" "damaged: its content does not match its checksum"
cp -a "$out" "$work/d2"
truncate -s -10 "$work/d2/.sealdrop-state"
refused "cut short" "$work/d2" "damaged"
cp -a "$out" "$work/d3"
printf 'PK\003\004 something else\n' >"$work/d3/.sealdrop-state"
refused "foreign" "$work/d3" "not a sealdrop-open state"
cp -a "$out" "$work/d4"
sed -i '1s/state 1/state 9/' "$work/d4/.sealdrop-state"
refused "another version" "$work/d4" "not a sealdrop-open state"
cp -a "$out" "$work/d5"
mv "$work/d5/.sealdrop-state" "$work/d5-state"
ln -s "$work/d5-state" "$work/d5/.sealdrop-state"
refused "a link" "$work/d5" "cannot open .sealdrop-state"
# A checksum that matches a content breaking the rules (an output outside).
cp -a "$out" "$work/d6"
python3 - "$work/d6/.sealdrop-state" <<'PY'
import hashlib, json, sys
p = sys.argv[1]
d = json.loads(open(p, "rb").read().split(b"\n", 2)[2])
d["items"][0]["output"] = "../../etc/passwd"
body = json.dumps(d, separators=(",", ":")).encode()
open(p, "wb").write(b"sealdrop-open state 1\nblake2b-256 " +
                    hashlib.blake2b(body, digest_size=32).hexdigest().encode() + b"\n" + body)
PY
refused "an output outside" "$work/d6" "damaged: a record's output is not a relative path"
mkdir "$work/d7"
"$open" --quiet "${key[@]}" --out "$work/d7" "$sp" 2>/dev/null
rm "$work/d7/.sealdrop-state"
refused "earlier output without a state" "$work/d7" "holds the output of an earlier sealdrop-open but no state"

# The lock: another run holds it (flock(1) on the folder, as sealdrop-open does).
if command -v flock >/dev/null; then
	if flock "$out" timeout 60 "$open" --quiet --key "$vec/key.key" --passphrase-file "$work/nopass" \
		--out "$out" "$sp" 2>"$work/err"; then ko "locked folder: exit 0"
	elif ! grep -q "another sealdrop-open is using this folder" "$work/err"; then
		ko "locked folder: $(cat "$work/err")"
	else ok; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
