#!/usr/bin/env bash
# Office files made by LibreOffice itself, with tracked changes (an insertion
# and a deletion whose text is a canary), comments (author, initials, text),
# a picture whose title and description hold a path, speaker notes, and
# canaries in the document properties (make_office_lo.py writes the flat
# ODF sources; LibreOffice saves them as odt, docx, ods, xlsx, odp and pptx).
# For each: canaries before cleaning (control), status "cleaned" and no
# canary after, and the cleaned file still opens with the same visible text:
# LibreOffice converts original and cleaned to PDF with the same page count,
# and to text (Writer) or CSV (Calc) with the same words, but for the deleted
# revision's; the slides keep their text and speaker notes. LibreOffice's
# PDF of the document loses its /DocChecksum and both /ID elements.
# Skipped (exit 77) when LibreOffice is not installed.
# usage: office_revisions.sh SEALDROP_OPEN
set -u
open=$1
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-/usr/bin/python3}
soffice=$(command -v soffice || command -v libreoffice || true)
[ -n "$soffice" ] || { echo "LibreOffice not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
lo() { HOME=$work timeout 120 "$soffice" -env:UserInstallation="file://$work/profile" \
	--headless "$@" >>"$work/lo.log" 2>&1; }

"$py" "$here/make_office_lo.py" "$work/src" || { echo "FAIL: sources"; exit 1; }
for f in odt docx; do lo --convert-to $f --outdir "$work/orig" "$work/src/revisions.fodt"; done
for f in ods xlsx; do lo --convert-to $f --outdir "$work/orig" "$work/src/comments.fods"; done
for f in odp pptx; do lo --convert-to $f --outdir "$work/orig" "$work/src/comments.fodp"; done
docs="revisions.odt revisions.docx comments.ods comments.xlsx comments.odp comments.pptx"
for d in $docs; do
	[ -s "$work/orig/$d" ] || { ko "LibreOffice did not write $d"; cat "$work/lo.log"; exit 1; }
done
args=()
for d in $docs; do args+=("$work/orig/$d"); done
"$open" --quiet --clean-only --out "$work/clean" "${args[@]}" || ko "cleaning exited non-zero"

# Status, canaries before and after.
for d in $docs; do
	if "$py" - "$here" "$work/orig/$d" "$work/clean/$d" "$work/clean/report.json" "$d" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import canary
orig, clean, rep, name = sys.argv[2:6]
e = [x for x in json.load(open(rep))["files"] if x["input"].endswith("/" + name)][0]
before, after = canary.count(orig), canary.count(clean)
bad = []
if before < 5:
    bad.append("control: only %d canaries before cleaning" % before)
if after:
    bad.append("%d canaries after cleaning" % after)
if e["status"] != "cleaned":
    bad.append("status %r: %s" % (e["status"], e.get("not_inspected")))
for b in bad:
    print("FAIL: %s: %s" % (name, b))
sys.exit(1 if bad else 0)
PY
	then ok; else fail=$((fail + 1)); fi
done

# Same pages (PDF), same words (text, CSV) but the deleted revision's.
for which in orig clean; do
	for d in $docs; do lo --convert-to pdf --outdir "$work/pdf-$which-${d##*.}" "$work/$which/$d"; done
	lo --convert-to txt:Text --outdir "$work/txt-$which-odt" "$work/$which/revisions.odt"
	lo --convert-to txt:Text --outdir "$work/txt-$which-docx" "$work/$which/revisions.docx"
	lo --convert-to csv --outdir "$work/csv-$which-ods" "$work/$which/comments.ods"
	lo --convert-to csv --outdir "$work/csv-$which-xlsx" "$work/$which/comments.xlsx"
done
for d in $docs; do
	b=${d%.*}.pdf e=${d##*.}
	po=$(qpdf --show-npages "$work/pdf-orig-$e/$b" 2>/dev/null)
	pc=$(qpdf --show-npages "$work/pdf-clean-$e/$b" 2>/dev/null)
	if [ -n "$po" ] && [ "$po" = "$pc" ]; then ok
	else ko "$d: $po pages before cleaning, ${pc:-no PDF} after"; fi
done
"$py" - "$work" <<'PY' && ok || fail=$((fail + 1))
import io, os, sys, zipfile
w = sys.argv[1]
deleted = "SDCANARYdeleted source is Alice".split()
bad = []
def words(p):
    return open(p, encoding="utf-8-sig").read().split()
for e in ("odt", "docx"):
    o = words(os.path.join(w, "txt-orig-" + e, "revisions.txt"))
    c = words(os.path.join(w, "txt-clean-" + e, "revisions.txt"))
    want = [x for x in o if x not in deleted]
    if "VISIBLEINSERTED" not in c or c != want or not any("SDCANARY" in x for x in o):
        bad.append("%s text: before %r, after %r" % (e, o, c))
for e in ("ods", "xlsx"):
    o = open(os.path.join(w, "csv-orig-" + e, "comments.csv")).read()
    c = open(os.path.join(w, "csv-clean-" + e, "comments.csv")).read()
    if o != c or "VISIBLECELL" not in c:
        bad.append("%s cells: before %r, after %r" % (e, o, c))
for name, main, notes in (("comments.odp", "content.xml", "content.xml"),
                          ("comments.pptx", "ppt/slides/slide1.xml", "ppt/notesSlides/")):
    with zipfile.ZipFile(os.path.join(w, "clean", name)) as z:
        s = z.read(main)
        n = b"".join(z.read(i) for i in z.namelist() if i.startswith(notes))
    if b"VISIBLESLIDE" not in s or b"VISIBLENOTES" not in n:
        bad.append("%s: slide text or speaker notes lost" % name)
for b in bad:
    print("FAIL: " + b)
sys.exit(1 if bad else 0)
PY
# LibreOffice's own PDF: its /DocChecksum and both /ID elements do not
# survive cleaning.
"$open" --quiet --clean-only --out "$work/pdfclean" "$work/pdf-orig-odt/revisions.pdf" ||
	ko "cleaning LibreOffice's PDF exited non-zero"
"$py" - "$work/pdf-orig-odt/revisions.pdf" "$work/pdfclean/revisions.pdf" <<'PY' && ok || fail=$((fail + 1))
import re, subprocess, sys
def trailer(p):
    q = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", p, "-"],
                       capture_output=True).stdout
    t = q[q.rindex(b"trailer"):]
    ids = re.findall(rb"<([0-9a-fA-F]+)>", t[:t.index(b">>\n") if b">>\n" in t else len(t)])
    return t, ids
to, io_ = trailer(sys.argv[1])
tc, ic = trailer(sys.argv[2])
bad = []
if b"/DocChecksum" not in to or len(io_) < 2:
    bad.append("control: LibreOffice's PDF has no /DocChecksum or /ID: %r" % to[:300])
if b"/DocChecksum" in tc:
    bad.append("/DocChecksum left")
if len(ic) < 2 or set(ic) & set(io_):
    bad.append("an /ID element survived: before %r after %r" % (io_, ic))
for b in bad:
    print("FAIL: PDF: " + b)
sys.exit(1 if bad else 0)
PY
[ "$fail" = 0 ] || tail -n 20 "$work/lo.log"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
