#!/usr/bin/env bash
# sealdrop-open --export-uwazi (docs/opener.md, "Export to Uwazi"), end to
# end through the real sealdrop-open, checked against Uwazi's CSV import
# rules (Uwazi itself cannot run here):
#  - DEST holds import.zip and template.json; the zip has import.csv and the
#    files it names at its top; the CSV parses; its columns are title, the
#    template's property names (lower case, no space, no language suffix),
#    file and attachments; every file or attachment named is in the zip and
#    every file in the zip is named; a main document (file) is a PDF; dates
#    are YYYY-MM-DD;
#  - one entity per cleaned file (a cleaned PDF with its safe PDF attached,
#    an image by its safe PDF with the image attached, text attached); no
#    file of uncleaned/, no message unless asked;
#  - no designation, source id or DIR path in any name or content of DEST;
#    one alias per source, another at every export;
#  - --export-messages adds one conversation PDF per source: it opens
#    (pdfinfo), pdftotext shows its messages and replies in order, accents
#    kept, what Latin-1 cannot show written ? and said;
#  - a title a spreadsheet would run as a formula starts with an apostrophe;
#  - an existing DEST, a folder without a state, a key given with the export
#    are refused; a recorded file missing from DIR is skipped and said.
# usage: export.sh SEALDROP_OPEN SDSEAL VECTOR_DIR
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
r1=(--recipient "$vec/key.pub")

A=0123456789abcdef0123456789abcdef
B=fedcba9876543210fedcba9876543210
"$py" "$here/../clean/safe_pdf.py" "$work/in" || { echo "FAIL: fixtures"; exit 1; }
printf 'first message: caf\xc3\xa9 (paren) back\\slash \xe2\x80\x99quoted\xe2\x80\x99\nsecond line\n' \
	>"$work/m1.txt"
printf 'a reply from the newsroom\n' >"$work/m3.txt"
{
	printf 'last message \xf0\x9f\x98\x80 emoji and \xe2\x80\xae override\n'
	for i in $(seq 1 40); do printf 'word%02d ' "$i"; done
	printf '\n'
} >"$work/m6.txt"
printf 'notes of source B\n' >"$work/notes.txt"
head -c 4096 /dev/urandom >"$work/blob.bin"
printf 'UNCLEANEDCANARY' >>"$work/blob.bin"
n=0
seal() { # KIND REF FILE [NAME]
	n=$((n + 1))
	if [ $# = 4 ]; then
		"$seal" "${r1[@]}" --time 1764979200 --kind "$1" --name "$4" --ref "$2" "$3" \
			"$work/i$n.sdbox"
	else
		"$seal" "${r1[@]}" --time 1764979200 --kind "$1" --ref "$2" "$3" "$work/i$n.sdbox"
	fi
}
seal message "$A:1" "$work/m1.txt"
seal file "$A:2" "$work/in/doc.pdf" doc.pdf
seal reply "$A:3" "$work/m3.txt"
seal file "$A:4" "$work/in/photo.jpg" photo.jpg
seal file "$A:5" "$work/blob.bin" UNCLEANEDCANARY-blob.bin
seal message "$A:6" "$work/m6.txt"
seal file "$B:1" "$work/notes.txt" notes.txt
seal file "$B:2" "$work/notes.txt" '=SUM(1).txt'
out=$work/OPENEDDIR7Q9
# exit 1 is expected: blob.bin has no cleaner (uncleaned), which is not a failure
"$open" --quiet --safe-pdf "${key[@]}" --out "$out" "$work"/i*.sdbox 2>"$work/err"
[ -f "$out/.sealdrop-state" ] && ok || ko "opening the fixtures: $(cat "$work/err")"
ls "$out"/*/uncleaned/*UNCLEANEDCANARY* >/dev/null 2>&1 && ok ||
	ko "control: the blob is not in uncleaned/: $(find "$out" -type f)"
desA=$(basename "$(ls -d "$out"/*-01234567)" | sed 's/-01234567$//')
desB=$(basename "$(ls -d "$out"/*-fedcba98)" | sed 's/-fedcba98$//')
[ -n "$desA" ] && [ -n "$desB" ] && ok || ko "control: designations not found"

# The checks of one export: DEST MESSAGES(0|1)
check() {
	"$py" - "$1" "$2" "$desA" "$desB" "$A" "$B" "$out" <<'PY'
import csv, io, json, os, re, sys, zipfile
dest, messages, desA, desB, A, B, out = sys.argv[1:8]
messages = messages == "1"
errs = []
assert sorted(os.listdir(dest)) == ["import.zip", "template.json"], os.listdir(dest)
tpl = json.load(open(os.path.join(dest, "template.json")))
props = [p["name"] for p in tpl["properties"]]
z = zipfile.ZipFile(os.path.join(dest, "import.zip"))
names = z.namelist()
if "import.csv" not in names: errs.append("no import.csv")
for nm in names:
    if "/" in nm or nm.startswith(".") or "|" in nm: errs.append("member name %r" % nm)
if len(set(names)) != len(names): errs.append("duplicate members")
text = z.read("import.csv").decode("utf-8")
rows = list(csv.reader(io.StringIO(text, newline="")))
head, body = rows[0], rows[1:]
if head != ["title"] + props + ["file", "attachments"]:
    errs.append("columns %r, template %r" % (head, props))
for h in head:
    # Uwazi names a column by its property's safe name: lower case, no
    # space, and no "__xx" language suffix (a single-language import)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", h) or "__" in h: errs.append("column %r" % h)
if "language" in head: errs.append("a column named language (Uwazi's own key)")
ents = [dict(zip(head, r)) for r in body]
for r in body:
    if len(r) != len(head): errs.append("row of %d fields" % len(r))
named = set()
for e in ents:
    if not e["title"]: errs.append("empty title")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["received"]): errs.append("date %r" % e["received"])
    if e["doc_language"] not in ("en", "fr"): errs.append("language %r" % e["doc_language"])
    if e["file"]:
        if not e["file"].endswith(".pdf"): errs.append("main document not a PDF: %r" % e["file"])
        named.add(e["file"])
    for a in filter(None, e["attachments"].split("|")):
        named.add(a)
for nm in named:
    if nm not in names: errs.append("named but not in the zip: %r" % nm)
for nm in names:
    if nm != "import.csv" and nm not in named: errs.append("in the zip, not named: %r" % nm)
files = [e for e in ents if e["kind"] == "file"]
convs = [e for e in ents if e["kind"] == "conversation"]
titles = sorted(e["title"] for e in files)
if titles != ["'=SUM(1).txt", "doc.pdf", "notes.txt", "photo.jpg"]: errs.append("file entities %r" % titles)
by = {e["title"]: e for e in files}
if by.get("doc.pdf") and not (by["doc.pdf"]["file"].endswith(".pdf") and
                              by["doc.pdf"]["attachments"].endswith(".safe.pdf")):
    errs.append("doc.pdf: %r" % by["doc.pdf"])
if by.get("photo.jpg") and not (by["photo.jpg"]["file"].endswith(".safe.pdf") and
                                by["photo.jpg"]["attachments"].endswith(".jpg")):
    errs.append("photo.jpg: %r" % by["photo.jpg"])
if by.get("notes.txt") and not (by["notes.txt"]["file"] == "" and
                                by["notes.txt"]["attachments"].endswith(".txt")):
    errs.append("notes.txt: %r" % by["notes.txt"])
aA = {by[t]["source_alias"] for t in ("doc.pdf", "photo.jpg") if t in by}
aB = {by[t]["source_alias"] for t in ("notes.txt",) if t in by}
if len(aA) != 1 or len(aB) != 1 or aA == aB: errs.append("aliases %r %r" % (aA, aB))
if messages:
    if len(convs) != 1 or convs[0]["source_alias"] not in aA:
        errs.append("conversations %r" % convs)
elif convs:
    errs.append("a conversation exported without --export-messages")
# Nothing in DEST links to the source or DIR, or carries what was not cleaned.
blobs = [(nm, z.read(nm)) for nm in names]
blobs.append(("template.json", open(os.path.join(dest, "template.json"), "rb").read()))
bad = [desA, desB, A, B, A[:8], B[:8], "UNCLEANEDCANARY", "uncleaned", os.path.basename(out)]
if not messages:
    bad += ["first message", "newsroom"]
for nm, data in blobs:
    for b in bad:
        if b.encode() in data or b in nm: errs.append("%r found in %s" % (b, nm))
if errs:
    print("\n".join(errs)); sys.exit(1)
print(" ".join(sorted(aA | aB)))
for e in convs:
    open(os.path.join(os.path.dirname(dest), "conv.pdf"), "wb").write(z.read(e["file"]))
PY
}

if "$open" --out "$out" --export-uwazi "$work/x1" >"$work/o1" 2>"$work/err"; then
	grep -q "exported 4 entities (6 files)" "$work/o1" && ok || ko "x1: said $(cat "$work/o1")"
else
	ko "x1: exit $?: $(cat "$work/err")"
fi
al1=$(check "$work/x1" 0) && ok || ko "x1: $al1"
rm -f "$work/conv.pdf"
if "$open" --quiet --out "$out" --export-uwazi "$work/x2" --export-messages --lang fr \
	2>"$work/err"; then ok; else ko "x2: exit $?: $(cat "$work/err")"; fi
al2=$(check "$work/x2" 1) && ok || ko "x2: $al2"
# Another export, other aliases: none of the first export's comes back.
for a in $al1; do
	case " $al2 " in *" $a "*) ko "alias $a in two exports";; *) ok;; esac
done
[ -n "$al1" ] && [ -n "$al2" ] && ok || ko "no aliases read"

# The conversation PDF opens and shows the messages in order.
if pdfinfo "$work/conv.pdf" >"$work/pi" 2>&1; then ok; else ko "pdfinfo: $(cat "$work/pi")"; fi
grep -q -E '^(Producer|Creator|Author|Title):' "$work/pi" && ko "conversation PDF has document information" || ok
pdftotext -layout "$work/conv.pdf" "$work/conv.txt" 2>/dev/null
"$py" - "$work/conv.txt" <<'PY' && ok || ko "conversation text: $(cat "$work/conv.txt")"
import sys
t = open(sys.argv[1], encoding="utf-8").read()
order = ["#1 Message", "first message: café (paren) back\\slash \u2019quoted\u2019", "second line",
         "#3 Réponse", "a reply from the newsroom", "#6 Message", "last message ? emoji and ? override"]
pos = -1
for s in order:
    p = t.find(s, pos + 1)
    assert p > pos, (s, t)
    pos = p
assert "2 caract" in t, t   # the two replaced characters are counted and said
# a long line is broken between words, never inside one, and nothing is lost
words = [w for w in t.split() if w.startswith("word")]
assert words == ["word%02d" % i for i in range(1, 41)], words
assert max(len(l) for l in t.splitlines()) <= 80, t
PY

# Refusals: DEST exists (left as it was), a folder without a state, a key.
mkdir "$work/x3" && touch "$work/x3/keep"
"$open" --out "$out" --export-uwazi "$work/x3" 2>"$work/err"
[ $? = 1 ] && grep -q "already exists" "$work/err" && [ "$(ls "$work/x3")" = keep ] && ok ||
	ko "existing DEST: $(cat "$work/err")"
mkdir "$work/empty"
"$open" --out "$work/empty" --export-uwazi "$work/x4" 2>"$work/err"
[ $? = 1 ] && grep -q "holds no .sealdrop-state" "$work/err" && [ ! -e "$work/x4" ] && ok ||
	ko "no state: $(cat "$work/err")"
"$open" "${key[@]}" --out "$out" --export-uwazi "$work/x5" 2>"$work/err"
[ $? = 2 ] && [ ! -e "$work/x5" ] && ok || ko "a key with the export: $(cat "$work/err")"

# A recorded file missing from DIR: skipped, said, exit 1, the rest exported.
rm "$out"/*-fedcba98/notes.txt
"$open" --quiet --out "$out" --export-uwazi "$work/x6" 2>"$work/err"
[ $? = 1 ] && grep -q "missing or not a regular file, skipped: notes.txt" "$work/err" &&
	grep -q "^sealdrop-open: export: 1 recorded item was not exported " "$work/err" &&
	[ "$(unzip -Z1 "$work/x6/import.zip" 2>/dev/null | wc -l)" = 6 ] && ok ||
	ko "missing file: $(cat "$work/err"); $(unzip -Z1 "$work/x6/import.zip" 2>&1)"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
