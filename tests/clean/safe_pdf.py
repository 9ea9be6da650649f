"""Make the safe-PDF fixtures (tests/clean/safe_pdf.sh) into a folder.

doc.pdf: 3 pages of visible text, and canaries (SDCANARY...) where a reader
of the PDF's text or structure would find them but its pixels do not show
them: invisible text (rendering mode 3), a JavaScript open action, an
annotation's contents, the document information. photo.jpg: a JPEG with GPS
(exiftool adds it when present). many.pdf: 600 pages, over the page limit.
usage: safe_pdf.py DIR
"""
import io
import os
import subprocess
import sys

C = "SDCANARY"


def pdf(pages, extra_page=b"", catalog_extra=b"", info=b""):
    objs = {}
    n = len(pages)
    kids = b" ".join(b"%d 0 R" % (10 + 2 * i) for i in range(n))
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>"
    objs[2] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objs[4] = b"<< /S /JavaScript /JS (app.alert\\('" + C.encode() + b"javascript'\\)) >>"
    objs[5] = (b"<< /Type /Annot /Subtype /Text /Rect [500 700 520 720] /Contents ("
               + C.encode() + b"annotation) /T (" + C.encode() + b"annotauthor) >>")
    objs[6] = info or b"<< /Author (" + C.encode() + b"author) /Producer (" + C.encode() + b"producer) >>"
    for i, text in enumerate(pages):
        content = (b"BT /F1 36 Tf 72 600 Td (" + text + b") Tj ET "
                   b"BT 3 Tr /F1 12 Tf 72 500 Td (" + C.encode() + b"invisible) Tj ET")
        objs[10 + 2 * i] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R "
                            % (11 + 2 * i) + (b"/Annots [5 0 R] " if i == 0 else b"")
                            + extra_page + b">>")
        objs[11 + 2 * i] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    top = max(objs)
    offs = {}
    for k in sorted(objs):
        offs[k] = out.tell()
        out.write(b"%d 0 obj\n" % k + objs[k] + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (top + 1))
    for k in range(1, top + 1):
        out.write(b"%010d 00000 n \n" % offs[k] if k in offs else b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (top + 1, xref))
    return out.getvalue()


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "doc.pdf"), "wb") as f:
        f.write(pdf([b"Page one", b"Page two", b"Page three"],
                    catalog_extra=b"/OpenAction 4 0 R "))
    with open(os.path.join(d, "many.pdf"), "wb") as f:
        f.write(pdf([b"Page %d" % i for i in range(600)]))
    from PIL import Image
    img = Image.new("RGB", (320, 240), (20, 120, 200))
    jpg = os.path.join(d, "photo.jpg")
    img.save(jpg, "JPEG")
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-GPSLatitude=48.85",
                    "-GPSLatitudeRef=N", "-GPSLongitude=2.35", "-GPSLongitudeRef=E",
                    "-Artist=" + C + "artist", jpg], check=True)


main()
