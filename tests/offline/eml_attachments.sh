#!/usr/bin/env bash
# sealdrop-open --safe-pdf on an e-mail with attachments (docs/opener.md,
# "E-mails"): each attachment is decoded in the sandboxed child, saved beside
# the e-mail under a safe name, cleaned like any file, and gets its own safe
# PDF; the e-mail's safe PDF lists what became of each; the reports (text,
# JSON), the state and the offline reader list them under the e-mail.
#  - a PDF (canaries in its text, structure and document information) and a
#    JPEG with GPS and an artist canary, base64 in the e-mail, named
#    "minutes.pdf" and "../photo.jpg": both come out cleaned as minutes.pdf
#    and photo.jpg (no path part), neither holds a canary nor GPS (control:
#    the decoded originals do), each has a safe PDF of page images only whose
#    text holds no canary;
#  - a broken PDF attachment is "could not clean", kept in uncleaned/, named
#    on stderr, and makes the exit status 1;
#  - the e-mail's safe PDF, read back by tesseract when installed, names each
#    attachment with what became of it;
#  - report.json lists them in "attachments" under the e-mail, report.txt
#    indented under it, the summary counts them;
#  - an e-mail with 23 attachments: the first 20 saved, the report counts
#    23 and says only the first 20 were saved;
#  - sealed and opened into a folder with a state: the reader's page of the
#    source lists them under the e-mail with links to the cleaned copies and
#    safe PDFs; a second run loads the state (attachments and all) and
#    writes nothing new; a state whose attachment has an unknown field is
#    refused as damaged (in French with --lang fr).
# usage: eml_attachments.sh SEALDROP_OPEN SDSEAL VECTOR_DIR
set -u
open=$1
seal=$2
vec=$3
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-/usr/bin/python3}
for t in pdfinfo pdffonts pdfimages pdftotext exiftool; do
	command -v "$t" >/dev/null || { echo "$t not installed: skipped"; exit 77; }
done
"$py" -c 'import PIL' 2>/dev/null || { echo "python3-pil not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
key=(--key "$vec/key.key" --passphrase-file "$vec/key.pass")
A=0123456789abcdef0123456789abcdef

"$py" "$here/../clean/safe_pdf.py" "$work/in" || { echo "FAIL: fixtures"; exit 1; }
exiftool -q -q -GPSLatitude "$work/in/photo.jpg" | grep -q . && ok ||
	bad "control: the fixture photo has no GPS"
"$py" - "$work/in" <<'PY' || { echo "FAIL: e-mail fixture"; exit 1; }
import base64, os, sys
d = sys.argv[1]
def b64(name):
    return base64.encodebytes(open(os.path.join(d, name), "rb").read()).decode()
open(os.path.join(d, "mail.eml"), "w").write(f"""From: SDCANARYfrom <from@example.org>
To: desk@example.org
Subject: SDCANARYsubject
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Harbour lantern meadow.
--b1
Content-Type: application/pdf; name="minutes.pdf"
Content-Disposition: attachment; filename="minutes.pdf"
Content-Transfer-Encoding: base64

{b64("doc.pdf")}
--b1
Content-Type: image/jpeg
Content-Disposition: attachment; filename="../photo.jpg"
Content-Transfer-Encoding: base64

{b64("photo.jpg")}
--b1
Content-Type: application/pdf
Content-Disposition: attachment; filename="broken.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKbm90IGEgUERGCg==
--b1--
""")
PY
. "$here/../clean/safe_pdf_lib.sh"

out=$work/out
timeout 600 "$open" --quiet --clean-only --safe-pdf --out "$out" "$work/in/mail.eml" \
	2>"$work/err"
[ $? = 1 ] && ok || bad "an attachment that could not be cleaned must make the exit status 1"
grep -q "mail.eml: attachment broken.pdf: could not clean" "$work/err" && ok ||
	bad "stderr does not name the broken attachment: $(cat "$work/err")"
[ -s "$out/uncleaned/mail.eml.uncleaned" ] && ok || bad "the e-mail's original not kept apart"
for f in minutes.pdf photo.jpg; do
	[ -s "$out/$f" ] && ok || bad "$f: not saved beside the e-mail: $(ls -R "$out")"
	grep -a -q SDCANARY "$out/$f" && bad "$f: a canary is left" || ok
	check "$out/$f.safe.pdf" "$([ $f = minutes.pdf ] && echo 3 || echo 1)"
done
[ -e "$work/photo.jpg" ] || [ -e "$out/../photo.jpg" ] && bad "a path in the name was followed" || ok
exiftool -q -q -GPSLatitude -GPSPosition "$out/photo.jpg" | grep -q . && bad "photo.jpg: GPS left" || ok
exiftool -q -q -GPSLatitude "$out/photo.jpg.safe.pdf" | grep -q . && bad "photo.jpg.safe.pdf: GPS" || ok
[ -s "$out/uncleaned/broken.pdf.uncleaned" ] && ok || bad "broken.pdf not kept in uncleaned/"
check "$out/mail.eml.safe.pdf" 1
"$py" - "$out/report.json" <<'PY' && ok || bad "report.json: the attachments are not listed under the e-mail"
import json, sys
r = json.load(open(sys.argv[1]))
f = r["files"]
assert len(f) == 1, f
m = f[0]
assert m["type"] == "message/rfc822" and m["pdf"] == "mail.eml.safe.pdf", m
a = {x["name"]: x for x in m["attachments"]}
assert m["attachments_total"] == 3, m
assert a["minutes.pdf"]["status"] == "cleaned" and a["minutes.pdf"]["output"] == "minutes.pdf", a
assert a["minutes.pdf"]["pdf"] == "minutes.pdf.safe.pdf", a
assert a["../photo.jpg"]["output"] == "photo.jpg" and a["../photo.jpg"]["pdf"] == "photo.jpg.safe.pdf", a
assert any("GPS" in n for n in a["../photo.jpg"]["removed"]), a
assert a["broken.pdf"]["status"] == "could not clean", a
assert a["broken.pdf"]["output"] == "uncleaned/broken.pdf.uncleaned", a
assert r["summary"]["cleaned"] == 2 and r["summary"]["could not clean"] == 1, r["summary"]
assert r["summary"]["uncleaned"] == 1, r["summary"]
PY
grep -q "^    attachment minutes.pdf: cleaned -> minutes.pdf \[application/pdf\]$" "$out/report.txt" &&
	ok || bad "report.txt: minutes.pdf not listed under the e-mail: $(cat "$out/report.txt")"
grep -q "^        safe PDF: photo.jpg.safe.pdf$" "$out/report.txt" && ok ||
	bad "report.txt: the attachment's safe PDF not listed"
grep -q "^summary: 2 cleaned, 1 uncleaned, 1 could not clean$" "$out/report.txt" && ok ||
	bad "report.txt: summary $(tail -1 "$out/report.txt")"
if command -v tesseract >/dev/null; then
	pdfimages -png "$out/mail.eml.safe.pdf" "$work/page"
	tesseract "$work/page-000.png" "$work/ocr" -l eng >/dev/null 2>&1
	tr '\n' ' ' <"$work/ocr.txt" >"$work/ocr1.txt"
	grep -q "minutes.pdf.*saved as minutes.pdf (cleaned), safe PDF" "$work/ocr1.txt" && ok ||
		bad "the e-mail's safe PDF does not say what became of minutes.pdf: $(cat "$work/ocr1.txt")"
	grep -q "broken.pdf.*could not clean" "$work/ocr1.txt" && ok ||
		bad "the e-mail's safe PDF does not say broken.pdf could not be cleaned"
	grep -q -i "SDCANARY\|example.org" "$work/ocr1.txt" && bad "a header drawn" || ok
fi

# The bound: 23 attachments, the first 20 saved.
"$py" - "$work/many.eml" <<'PY'
import sys
parts = "".join(f"--b\nContent-Type: text/plain\nContent-Disposition: attachment; "
                f"filename=\"n{i:02d}.txt\"\n\nnote {i}\n" for i in range(23))
open(sys.argv[1], "w").write("From: a@example.org\nSubject: many\nMIME-Version: 1.0\n"
                            "Content-Type: multipart/mixed; boundary=b\n\n" + parts + "--b--\n")
PY
timeout 600 "$open" --quiet --clean-only --safe-pdf --out "$work/many" "$work/many.eml" 2>/dev/null
[ -f "$work/many/n19.txt" ] && [ ! -e "$work/many/n20.txt" ] && ok ||
	bad "not exactly the first 20 attachments saved: $(ls "$work/many")"
grep -q "^    attachments: 23 in the e-mail, only the first 20 saved" "$work/many/report.txt" && ok ||
	bad "report.txt does not say only 20 of 23 were saved"
"$py" - "$work/many/report.json" <<'PY' && ok || bad "report.json: the bound not reported"
import json, sys
m = json.load(open(sys.argv[1]))["files"][0]
assert m["attachments_total"] == 23 and len(m["attachments"]) == 20, m
PY

# Sealed, into a folder with a state and the offline reader.
"$seal" --recipient "$vec/key.pub" --time 1764979200 --kind file --name mail.eml \
	--ref "$A:1" "$work/in/mail.eml" "$work/i1.sdbox"
st=$work/st
timeout 600 "$open" --quiet --safe-pdf "${key[@]}" --out "$st" "$work/i1.sdbox" 2>"$work/err1"
src=$(ls -d "$st"/*-01234567 2>/dev/null)
[ -n "$src" ] && [ -s "$src/photo.jpg" ] && [ -s "$src/minutes.pdf.safe.pdf" ] && ok ||
	bad "sealed: attachments not saved: $(cat "$work/err1"; find "$st" -type f)"
page=$(ls "$st"/reader/en/s-*.html 2>/dev/null | head -1)
if [ -n "$page" ] && grep -q "minutes.pdf.safe.pdf" "$page" && grep -q 'photo.jpg"' "$page"; then
	ok
else
	bad "the reader does not list the attachments under the e-mail: $page"
fi
# The reader's pages: the notes in each page's language; the state keeps
# them in English (they are an interface).
fr=$(ls "$st"/reader/fr/s-*.html 2>/dev/null | head -1)
grep -q "EXIF (appareil, dates, GPS, vignette)" "$fr" && ok ||
	bad "the French reader page does not translate the cleaners' notes"
grep -q "Pièce jointe de ce courriel" "$fr" && ok || bad "the French reader page: no attachment title"
grep -q "EXIF (camera, dates, GPS, thumbnail)" "$page" && ok ||
	bad "the English reader page does not show the notes in English"
grep -a -q "EXIF (camera, dates, GPS, thumbnail)" "$st/.sealdrop-state" && ok ||
	bad "the state does not keep the notes in English"
timeout 600 "$open" --quiet --safe-pdf "${key[@]}" --out "$st" "$work/i1.sdbox" 2>"$work/err2"
[ $? = 0 ] && ok || bad "second run over the state: $(cat "$work/err2")"
grep -q "1 already opened before" "$st/report.txt" && ok ||
	bad "second run: the state was not reloaded: $(cat "$st/report.txt")"
[ "$(ls "$src" | grep -c '^photo')" = 2 ] && ok || bad "second run wrote again: $(ls "$src")"
cp -r "$st" "$work/st2"
"$py" - "$work/st2/.sealdrop-state" <<'PY'
import hashlib, json, sys
head, sums, body = open(sys.argv[1], "rb").read().split(b"\n", 2)
j = json.loads(body)
j["items"][0]["attachments"][0]["bogus"] = 1
body = json.dumps(j, separators=(",", ":")).encode()
h = hashlib.blake2b(body, digest_size=32).hexdigest().encode()
open(sys.argv[1], "wb").write(head + b"\nblake2b-256 " + h + b"\n" + body)
PY
LANG=C LC_ALL= LANGUAGE= "$open" --quiet --lang fr --safe-pdf "${key[@]}" --out "$work/st2" \
	"$work/i1.sdbox" 2>"$work/err3"
[ $? = 1 ] && grep -q "endommagé.*une pièce jointe a un champ inconnu" "$work/err3" && ok ||
	bad "a state with a bad attachment was not refused: $(cat "$work/err3")"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
