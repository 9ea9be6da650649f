#!/usr/bin/env bash
# sealdrop-open --keep-originals (docs/opener.md), end to end through the
# real sealdrop-open:
#  - each cleaned file's verified original is in <source>/originals-NOT-CLEANED/,
#    byte for byte, named "<safe name>.uncleaned"; the report (JSON and
#    text) names it "original, NOT cleaned"; the cleaned copy beside it has
#    no canary (control: the original has);
#  - a file no cleaner handles is in uncleaned/ only, not copied again;
#  - the offline reader links each original as "The original, not cleaned";
#  - without the option there is no such folder;
#  - a second run over the same --out reloads the state (whose records now
#    name the originals) and writes nothing new;
#  - --export-uwazi never carries an original: no member of import.zip holds
#    a canary or the bytes of the photo's original, none is named after one;
#  - --keep-originals with --export-uwazi is refused.
# usage: originals.sh SEALDROP_OPEN SDSEAL VECTOR_DIR
set -u
open=$1
seal=$2
vec=$3
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-/usr/bin/python3}
for t in pdfinfo pdftotext exiftool; do
	command -v "$t" >/dev/null || { echo "$t not installed: skipped"; exit 77; }
done
"$py" -c 'import PIL' 2>/dev/null || { echo "python3-pil not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
key=(--key "$vec/key.key" --passphrase-file "$vec/key.pass")
A=0123456789abcdef0123456789abcdef

"$py" "$here/../clean/safe_pdf.py" "$work/in" || { echo "FAIL: fixtures"; exit 1; }
printf 'notes of the source\n' >"$work/notes.txt"
head -c 2048 /dev/urandom >"$work/blob.bin"
"$seal" --recipient "$vec/key.pub" --time 1764979200 --kind file --name photo.jpg \
	--ref "$A:1" "$work/in/photo.jpg" "$work/i1.sdbox"
"$seal" --recipient "$vec/key.pub" --time 1764979200 --kind file --name launch.desktop \
	--ref "$A:2" "$work/notes.txt" "$work/i2.sdbox"
"$seal" --recipient "$vec/key.pub" --time 1764979200 --kind file --name blob.bin \
	--ref "$A:3" "$work/blob.bin" "$work/i3.sdbox"

out=$work/out
# exit 1 is expected: blob.bin has no cleaner (uncleaned)
"$open" --quiet --keep-originals "${key[@]}" --out "$out" "$work"/i*.sdbox 2>"$work/err"
src=$(ls -d "$out"/*-01234567 2>/dev/null)
[ -n "$src" ] && [ -f "$out/.sealdrop-state" ] && ok || ko "opening: $(cat "$work/err")"
orig=$src/originals-NOT-CLEANED
cmp -s "$orig/photo.jpg.uncleaned" "$work/in/photo.jpg" && ok ||
	ko "photo.jpg: original not kept byte for byte: $(find "$out" -type f)"
cmp -s "$orig/launch.desktop.uncleaned" "$work/notes.txt" && ok ||
	ko "launch.desktop: original not kept as launch.desktop.uncleaned: $(ls "$orig")"
[ "$(ls "$orig" | wc -l)" = 2 ] && ok || ko "originals folder holds $(ls "$orig")"
[ -f "$src/uncleaned/blob.bin.uncleaned" ] && ok || ko "blob.bin not in uncleaned/"
grep -q SDCANARY "$orig/photo.jpg.uncleaned" && ok || ko "control: no canary in the original"
if grep -q SDCANARY "$src/photo.jpg"; then ko "the cleaned photo holds a canary"; else ok; fi
"$py" - "$out/report.json" <<'PY' && ok || ko "report.json does not name the originals"
import json, sys
r = {e["output"].rsplit("/", 1)[1]: e for e in json.load(open(sys.argv[1]))["files"]}
assert r["photo.jpg"]["original"].endswith("/originals-NOT-CLEANED/photo.jpg.uncleaned"), r
assert r["launch.desktop.txt"]["original"].endswith(
    "/originals-NOT-CLEANED/launch.desktop.uncleaned"), r
assert "original" not in r["blob.bin.uncleaned"], r
PY
[ "$(grep -c '    original, NOT cleaned: .*/originals-NOT-CLEANED/' "$out/report.txt")" = 2 ] &&
	ok || ko "report.txt: $(cat "$out/report.txt")"

# The offline reader links each original, labelled as not cleaned.
page=$(ls "$out"/reader/en/s-*.html 2>/dev/null | head -1)
[ -n "$page" ] && [ "$(grep -c 'originals-NOT-CLEANED/[^"]*\.uncleaned">The original, not cleaned<' \
	"$page")" = 2 ] && ok || ko "the reader does not link the originals as not cleaned"

# Without the option: no originals folder.
"$open" --quiet "${key[@]}" --out "$work/plain" "$work"/i1.sdbox 2>"$work/err2" &&
	[ -z "$(find "$work/plain" -name 'originals-NOT-CLEANED')" ] && ok ||
	ko "without --keep-originals: $(find "$work/plain") $(cat "$work/err2")"

# A second run: the state with "original" in its records loads, nothing new.
before=$(find "$out" -type f | grep -v -e report -e '\.sealdrop-state' -e index.html \
	-e /reader/ | sort | md5sum)
"$open" --quiet --keep-originals "${key[@]}" --out "$out" "$work"/i*.sdbox 2>"$work/err3"
grep -q "state" "$work/err3" && ko "second run: $(cat "$work/err3")" || ok
after=$(find "$out" -type f | grep -v -e report -e '\.sealdrop-state' -e index.html \
	-e /reader/ | sort | md5sum)
[ "$before" = "$after" ] && ok || ko "second run wrote files"

# The export carries no original.
"$open" --out "$out" --export-uwazi "$work/dest" 2>"$work/err4" && ok ||
	ko "export: $(cat "$work/err4")"
"$py" - "$work/dest/import.zip" "$orig" <<'PY' && ok || ko "an original in the export"
import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
# (the text passes cleaning as it is: only the photo's original differs)
photo = open(os.path.join(sys.argv[2], "photo.jpg.uncleaned"), "rb").read()
for n in z.namelist():
    d = z.read(n)
    assert b"SDCANARY" not in d and "original" not in n.lower(), n
    assert d != photo, n
assert any(n.endswith(".jpg") for n in z.namelist()), z.namelist()  # control
PY
if "$open" --out "$out" --keep-originals --export-uwazi "$work/dest2" 2>/dev/null; then
	ko "--keep-originals with --export-uwazi accepted"
else ok; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
