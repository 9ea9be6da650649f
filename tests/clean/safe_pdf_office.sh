#!/usr/bin/env bash
# --safe-pdf of office documents (docs/opener.md): LibreOffice, in its own
# sandbox, converts the cleaned copy of a docx with tracked changes, a
# comment and canaries (LibreOffice's own, made from make_office_lo.py's
# revisions.fodt), a 3-page docx, and the uncleaned original of a legacy
# .doc and .rtf (made by LibreOffice at test time); each becomes a PDF of
# page images only with the page count LibreOffice gives the document, and
# the report says where it came from. The sandbox refuses to read the
# journalist's files or write outside its folder. Limits: a docx zip bomb is refused by
# the cleaner (no safe PDF), a conversion longer than --office-timeout is
# stopped and reported, and no LibreOffice process or work folder is left.
# With --ocr (when tesseract and mutool are installed) the words on the
# pages are in the text layer and no canary is.
# Skipped (77) without LibreOffice or poppler-utils.
# usage: safe_pdf_office.sh SEALDROP_OPEN
set -u
open=$1
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-/usr/bin/python3}
soffice=$(command -v soffice || true)
[ -n "$soffice" ] || { echo "LibreOffice not installed: skipped"; exit 77; }
for t in pdfinfo pdffonts pdfimages pdftotext; do
	command -v "$t" >/dev/null || { echo "$t not installed: skipped"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp" "$work/in"
export TMPDIR=$work/tmp # where sealdrop-open makes LibreOffice's work folders
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
. "$here/safe_pdf_lib.sh"
lo() { # FORMAT OUTDIR FILE...: convert with a private profile
	local fmt=$1 dir=$2
	shift 2
	HOME=$work timeout 300 "$soffice" -env:UserInstallation="file://$work/profile" \
		--headless --convert-to "$fmt" --outdir "$dir" "$@" >>"$work/lo.log" 2>&1
}
"$py" "$here/make_office_lo.py" "$work/src" >/dev/null || { echo "FAIL: fixtures"; exit 1; }
# A 3-page text document, one word per page.
cat >"$work/src/pages.fodt" <<'FODT'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles>
  <style:style style:name="P1" style:family="paragraph">
   <style:paragraph-properties fo:break-before="page"/>
   <style:text-properties fo:font-size="28pt"/>
  </style:style>
 </office:automatic-styles>
 <office:body><office:text>
  <text:p text:style-name="P1">Harbour</text:p>
  <text:p text:style-name="P1">Lantern</text:p>
  <text:p text:style-name="P1">Meadow</text:p>
 </office:text></office:body>
</office:document>
FODT
lo docx "$work/in" "$work/src/revisions.fodt" "$work/src/pages.fodt"
lo doc "$work/in" "$work/in/revisions.docx"
lo rtf "$work/in" "$work/src/pages.fodt"
for f in revisions.docx pages.docx revisions.doc pages.rtf; do
	[ -s "$work/in/$f" ] || { echo "FAIL: LibreOffice did not make $f"; exit 1; }
done
grep -a -q SDCANARY "$work/in/revisions.doc" && ok ||
	bad "control: the legacy .doc has no canary"
# The page counts LibreOffice gives the documents (the control).
lo pdf "$work/ctl" "$work/in/revisions.docx" "$work/in/pages.docx" \
	"$work/in/revisions.doc" "$work/in/pages.rtf"
# A zip bomb dressed as a docx: a 300 MiB member of zeros.
"$py" - "$work/in/bomb.docx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas'
               '.openxmlformats.org/package/2006/content-types"><Override PartName="/word/'
               'document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
               'wordprocessingml.document.main+xml"/></Types>')
    with z.open("word/document.xml", "w", force_zip64=True) as m:
        block = b"\0" * (1 << 20)
        for _ in range(300):
            m.write(block)
PY
timeout 900 "$open" --quiet --clean-only --safe-pdf --out "$work/out" \
	"$work/in/revisions.docx" "$work/in/pages.docx" "$work/in/revisions.doc" \
	"$work/in/pages.rtf" "$work/in/bomb.docx"
for f in revisions.docx pages.docx; do
	check "$work/out/$f.safe.pdf" "$(pages "$work/ctl/${f%.*}.pdf")"
done
check "$work/out/revisions.doc.safe.pdf" "$(pages "$work/ctl/revisions.pdf")"
check "$work/out/pages.rtf.safe.pdf" "$(pages "$work/ctl/pages.pdf")"
[ "$(pages "$work/out/pages.docx.safe.pdf")" = 3 ] && ok || bad "pages.docx: not 3 pages"
[ ! -e "$work/out/bomb.docx.safe.pdf" ] && ok || bad "bomb.docx: a safe PDF"
"$py" - "$work/out/report.json" <<'PY' && ok || bad "report.json: office safe PDFs not reported"
import json, sys
files = {f["input"].rsplit("/", 1)[-1]: f for f in json.load(open(sys.argv[1]))["files"]}
for n in ("revisions.docx", "pages.docx"):
    assert files[n]["pdf"] == n + ".safe.pdf", files[n]
    assert files[n]["pdf_note"][0].startswith("converted from the cleaned copy"), files[n]
for n in ("revisions.doc", "pages.rtf"):
    assert files[n]["status"] == "uncleaned", files[n]
    assert files[n]["pdf"] == n + ".safe.pdf", files[n]
    assert files[n]["pdf_note"][0] == ("legacy format: converted from the uncleaned "
        "original in LibreOffice's sandbox; only page images cross"), files[n]
b = files["bomb.docx"]
assert b["status"] == "could not clean" and "pdf" not in b, b
PY
grep -q "legacy format: converted from the uncleaned original in LibreOffice's sandbox" \
	"$work/out/report.txt" && ok || bad "report.txt: the legacy note"
# --ocr: the same documents with a text layer read by tesseract from the
# pixels: the words drawn on each page are found by pdftotext, no canary
# (the tracked deletion, the comment, the properties) is, the page count is
# LibreOffice's and tesseract's stamp was cleaned away.
if command -v tesseract >/dev/null && command -v mutool >/dev/null; then
	timeout 600 "$open" --quiet --clean-only --safe-pdf --ocr --out "$work/ocr" \
		"$work/in/revisions.docx" "$work/in/pages.docx" "$work/in/revisions.doc"
	for f in revisions.docx pages.docx revisions.doc; do
		g=$work/ocr/$f.safe.pdf
		[ "$(pages "$g")" = "$(pages "$work/ctl/${f%.*}.pdf")" ] && ok ||
			bad "ocr: $f: $(pages "$g") pages"
		pdftotext "$g" "$work/ocr/$f.txt" 2>/dev/null
		# A legacy original is drawn as it shows: its tracked deletion too
		# (docs/opener.md); the cleaned copies show none.
		[ "$f" = revisions.doc ] || { grep -q SDCANARY "$work/ocr/$f.txt" &&
			bad "ocr: $f: a canary in its text" || ok; }
		pdfinfo "$g" | grep -q -E '^(Producer|Creator|Author|Title):' &&
			bad "ocr: $f: document information" || ok
		grep -a -q -i -E 'tesseract|/Metadata' "$g" && bad "ocr: $f: tesseract's stamp" || ok
	done
	for w in Harbour Lantern Meadow; do
		grep -q "$w" "$work/ocr/pages.docx.txt" && ok || bad "ocr: $w not read"
	done
	grep -q VISIBLE "$work/ocr/revisions.docx.txt" && ok || bad "ocr: revisions.docx not read"
	grep -q "safe PDF: OCR text layer (tesseract, English and French)" \
		"$work/ocr/report.txt" && ok || bad "ocr: report.txt does not say so"
else
	echo "tesseract or mutool not installed: --ocr not tested"
fi
# An endless conversion: a stand-in for soffice (a test-only hook) that
# starts a helper and never finishes is stopped at --office-timeout, the
# report says so, and nothing of it is left, helper included. It lives
# outside /tmp, which LibreOffice's sandbox replaces with its own.
fake=$(mktemp -d "$PWD/office-endless.XXXXXX")
home=$(mktemp -d "$PWD/office-home.XXXXXX")
trap 'rm -rf "$work" "$fake" "$home"' EXIT
printf '#!/bin/sh\nsleep 613 &\nexec sleep 614\n' >"$fake/endless"
chmod +x "$fake/endless"
SEALDROP_TEST_OFFICE_PROGRAM=$fake/endless timeout 300 "$open" --quiet --clean-only \
	--safe-pdf --office-timeout 2 --out "$work/out2" "$work/in/pages.docx"
# The sandbox's files: a stand-in that tries to read a file outside the
# system folders (as a document that took LibreOffice over could, to draw
# it into its pages) and to write outside its work folder: landlock
# refuses both, so its PDF is empty and nothing is written.
# (not in the program's folder, which it may read)
printf 'SDCANARYsecret\n' >"$home/secret"
printf '#!/bin/sh\ncat %s/secret >/tmp/work/out/document.pdf\necho x >%s/escaped\n' \
	"$home" "$home" >"$fake/snoop"
chmod +x "$fake/snoop"
SEALDROP_TEST_OFFICE_PROGRAM=$fake/snoop timeout 300 "$open" --quiet --clean-only \
	--safe-pdf --out "$work/out3" "$work/in/pages.docx"
grep -q "safe PDF: no safe PDF: LibreOffice wrote an empty PDF" "$work/out3/report.txt" &&
	ok || bad "landlock: a file outside the system was read: $(grep 'safe PDF' "$work/out3/report.txt")"
[ ! -e "$home/escaped" ] && ok || bad "landlock: a file was written outside the work folder"
[ -s "$work/out2/pages.docx" ] && ok || bad "timeout: the cleaned copy was not kept"
[ ! -e "$work/out2/pages.docx.safe.pdf" ] && ok || bad "timeout: a safe PDF"
grep -q "safe PDF: no safe PDF: LibreOffice did not finish the conversion within its time limit (2 s) and was stopped" \
	"$work/out2/report.txt" && ok || bad "timeout: not reported: $(grep 'safe PDF' "$work/out2/report.txt")"
[ -z "$(ls -A "$work/tmp")" ] && ok || bad "a work folder was left: $(ls "$work/tmp")"
sleep 1
# Inside its namespaces the work folder is /tmp/work.
ps -eo pid=,args= | grep -v grep | grep -q -e "$work/tmp" -e "file:///tmp/work/profile" \
	-e "sleep 61[34]" && bad "a LibreOffice process outlived its limit" || ok
ls -A "$work/out" "$work/out2" | grep -q '^\.sealdrop-tmp' && bad "temporary files left" || ok
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
