#!/usr/bin/python3
"""Make the cleaning fixtures at test time, with a canary in every metadata field.

usage: make_fixtures.py OUTDIR

Every canary starts with "SDCANARY" followed by the field it was planted in, so
a leak names its field. Every date field gets the canary date 1999-09-09
09:09:09 UTC in its format's encoding (canary.py finds each). Images come from PIL, metadata is planted with exiftool
(Debian libimage-exiftool-perl); PDF, Office Open XML, OpenDocument and ZIP
files are written directly (LibreOffice is not used: it is about 400 MB of
packages for CI), following the structure Word/LibreOffice produce.
Writes OUTDIR/manifest.json: for each fixture, what the cleaner must do.
"""
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib

from PIL import Image

C = "SDCANARY"
# The canary date, written into every binary and text date field the
# fixtures have (DOS, QuickTime, Unix, PNG tIME, PDF, EXIF, ISO 8601);
# canary.py looks for each of its encodings.
DATE = (1999, 9, 9, 9, 9, 9)
UNIX_TIME = 936868149
QT_TIME = UNIX_TIME + 2082844800
EXIF_DATE = "1999:09:09 09:09:09"
OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
manifest = {}


def path(name):
    return os.path.join(OUT, name)


def exiftool(f, *args):
    subprocess.run(["exiftool", "-q", "-q", "-overwrite_original"] + list(args) + [f],
                   check=True)


def expect(name, status, canaries=True, note=None, left=False):
    """left: canaries stay where the cleaner does not reach, and the report must
    not call the file cleaned (honest.py checks both)."""
    manifest[name] = {"status": status, "canaries": canaries, "note": note, "left": left}


def jpeg_bytes(color=(200, 30, 30), size=(64, 48), canary=True, orient=6):
    tmp = path(".tmp.jpg")
    Image.new("RGB", size, color).save(tmp, quality=90)
    if canary:
        thumb = path(".thumb.jpg")
        Image.new("RGB", (8, 8), (0, 0, 0)).save(thumb)
        exiftool(thumb, "-Comment=" + C + "thumbnail")
        exiftool(tmp, "-n", "-Artist=" + C + "artist", "-Make=" + C + "make",
                 "-Model=" + C + "model", "-SerialNumber=" + C + "serial",
                 "-ImageDescription=" + C + "description", "-Copyright=" + C + "copyright",
                 "-GPSLatitude=48.8566", "-GPSLatitudeRef=N", "-GPSLongitude=2.3522",
                 "-GPSLongitudeRef=E", "-GPSAreaInformation=" + C + "gps",
                 "-DateTimeOriginal=" + EXIF_DATE, "-ModifyDate=" + EXIF_DATE,
                 "-Comment=" + C + "comment",
                 "-XMP-dc:Creator=" + C + "xmpcreator", "-IPTC:By-line=" + C + "iptc",
                 "-Orientation=%d" % orient, "-ThumbnailImage<=" + thumb)
        os.unlink(thumb)
    data = open(tmp, "rb").read()
    os.unlink(tmp)
    return data


def png_bytes(canary=True):
    tmp = path(".tmp.png")
    Image.new("RGBA", (32, 32), (10, 200, 30, 255)).save(tmp)
    if canary:
        exiftool(tmp, "-PNG:Author=" + C + "pngauthor", "-PNG:Comment=" + C + "pngcomment",
                 "-XMP-dc:Creator=" + C + "xmp", "-EXIF:Artist=" + C + "exif",
                 "-PNG:Software=" + C + "software")
    data = open(tmp, "rb").read()
    os.unlink(tmp)
    if canary:  # a tIME chunk with the canary date, after IHDR
        body = b"tIME" + struct.pack(">HBBBBB", *DATE)
        data = (data[:33] + struct.pack(">I", 7) + body
                + struct.pack(">I", zlib.crc32(body)) + data[33:])
    return data


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


# ---- images -------------------------------------------------------------
jpg = jpeg_bytes()
write("photo.jpg", jpg)
expect("photo.jpg", "cleaned")
write("photo-misnamed.txt", jpg)
expect("photo-misnamed.txt", "cleaned", note="a JPEG named .txt")
write("truncated.jpg", jpg[:len(jpg) - 40])
expect("truncated.jpg", "could not clean", canaries=None)
png = png_bytes()
write("image.png", png)
expect("image.png", "cleaned")


# ---- PDF ----------------------------------------------------------------
def pdf_bytes():
    """A one-page PDF with metadata everywhere, then an exiftool incremental update."""
    img = jpeg_bytes(color=(0, 0, 200), size=(16, 16))
    xmp = ("<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/"
           "02/22-rdf-syntax-ns#'><rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/'>"
           "<dc:creator>" + C + "xmpobject</dc:creator></rdf:Description></rdf:RDF>"
           "</x:xmpmeta>").encode()
    content = b"BT /F1 24 Tf 72 720 Td (Hello cleaned world) Tj ET q 16 0 0 16 72 600 cm /Im1 Do Q"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 8 0 R /PieceInfo << /App << /Private ("
        + C.encode() + b"pieceinfo) >> >> /Names << /EmbeddedFiles << /Names [(photo.jpg) "
        b"11 0 R] >> >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 7 0 R >> >> "
        b"/Thumb 9 0 R /Annots [10 0 R] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Author (" + C.encode() + b"infoauthor) /Creator (" + C.encode()
        + b"infocreator) /Producer (" + C.encode() + b"producer) /Title (" + C.encode()
        + b"title) >>",
        b"<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % len(img)
        + img + b"\nendstream",
        b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(xmp) + xmp
        + b"\nendstream",
        b"<< /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 12 >>"
        b"\nstream\n" + C.encode() + b"thmb\nendstream",
        b"<< /Type /Annot /Subtype /Text /Rect [100 100 120 120] /T (" + C.encode()
        + b"annotauthor) /M (D:19990909090909) /Contents (" + C.encode() + b"notetext) /NM (" + C.encode() + b"nm) >>",
        b"<< /Type /Filespec /F (photo.jpg) /UF (photo.jpg) /EF << /F 12 0 R >> >>",
        b"<< /Type /EmbeddedFile /Subtype /image#2Fjpeg /Params << /ModDate (D:1999090909"
        b"0909) /Size %d >> /Length %d >>\nstream\n" % (len(img), len(img)) + img
        + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for o in offs:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R /ID [<%s> <%s>] "
              b"/DocChecksum /%s >>\n"
              % (len(objs) + 1, (C.encode() + b"id").hex().encode(),
                 (C.encode() + b"id").hex().encode(), (C.encode() + b"sum").hex().encode()))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


write("document.pdf", pdf_bytes())
exiftool(path("document.pdf"), "-PDF:Keywords=" + C + "exiftoolpdf",
         "-XMP-dc:Description=" + C + "exiftoolxmp")
expect("document.pdf", "cleaned")
write("malformed.pdf", b"%PDF-1.4\n1 0 obj << /Author (" + C.encode() + b"x) \n"
      + b"\x00garbage" * 20)
expect("malformed.pdf", "could not clean", canaries=None)

# ---- Office Open XML and OpenDocument ----------------------------------
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
      'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
      '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
      'ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/>'
      '%s<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
      'package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType='
      '"application/vnd.openxmlformats-officedocument.extended-properties+xml"/><Override '
      'PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-'
      'officedocument.custom-properties+xml"/><Override PartName="/docProps/thumbnail.jpeg" '
      'ContentType="image/jpeg"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http:'
        '//schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
        '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="%s"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/'
        '2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship'
        ' Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'extended-properties" Target="docProps/app.xml"/><Relationship Id="rId4" Type="http://'
        'schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail" Target='
        '"docProps/thumbnail.jpeg"/><Relationship Id="rId5" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"'
        '/></Relationships>')
CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp='
        '"http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="'
        'http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi'
        '="http://www.w3.org/2001/XMLSchema-instance"><dc:title>' + C + 'title</dc:title>'
        '<dc:creator>' + C + 'creator</dc:creator><cp:lastModifiedBy>' + C + 'lastmodified'
        '</cp:lastModifiedBy><cp:revision>7</cp:revision><dcterms:created xsi:type="dcterms:'
        'W3CDTF">1999-09-09T09:09:09Z</dcterms:created></cp:coreProperties>')
APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
       'schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Company>' + C
       + 'company</Company><Manager>' + C + 'manager</Manager><Template>' + C + 'template.dotm'
       '</Template></Properties>')
CUSTOM = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
          'schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
          'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5'
          'CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Client"><vt:lpwstr>' + C
          + 'custom</vt:lpwstr></property></Properties>')


def zwrite(z, name, data):
    z.writestr(zipfile.ZipInfo(name, DATE), data, zipfile.ZIP_DEFLATED)


def ooxml(name, main, main_ct, parts, status="cleaned", left=False):
    thumb = jpeg_bytes(color=(1, 2, 3), size=(16, 16))
    with zipfile.ZipFile(path(name), "w") as z:
        zwrite(z, "[Content_Types].xml", CT % ('<Override PartName="/%s" ContentType="%s"/>'
                                                % (main, main_ct)))
        zwrite(z, "_rels/.rels", RELS % main)
        zwrite(z, "docProps/core.xml", CORE)
        zwrite(z, "docProps/app.xml", APP)
        zwrite(z, "docProps/custom.xml", CUSTOM)
        zwrite(z, "docProps/thumbnail.jpeg", thumb)
        for pn, data in parts:
            zwrite(z, pn, data)
        z.comment = (C + "zipcomment").encode()
    expect(name, status, left=left)


DOC = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!-- ' + C + 'xmlcomment -->'
       '<w:document xmlns:w="' + W + '" xmlns:r="http://schemas.openxmlformats.org/officeDocume'
       'nt/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordproces'
       'singDrawing"><w:body><w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3"><w:r>'
       '<w:t>Hello</w:t></w:r><w:ins w:id="1" w:author="' + C + 'insauthor" w:date="1999-09-0'
       '9T09:09:09Z"><w:r><w:t>inserted</w:t></w:r></w:ins><w:del w:id="2" w:author="' + C
       + 'delauthor" w:date="1999-09-09T09:09:09Z"><w:r><w:delText>' + C + 'deltext</w:delText>'
       '</w:r></w:del></w:p><w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="Picture 1" '
       'descr="C:\\Users\\' + C + 'descr\\secret.jpg"/></wp:inline></w:drawing></w:r></w:p><w:sectPr w:rsidR="00A1B2C3"/></w:body></w:document>')
COMMENTS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments xmlns:w="' + W
            + '"><w:comment w:id="0" w:author="' + C + 'commentauthor" w:date="1999-09-09T09:09'
            ':09Z" w:initials="' + C + 'ini"><w:p><w:r><w:t>' + C + 'commenttext</w:t></w:r></w:p>'
            '</w:comment></w:comments>')
SETTINGS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings xmlns:w="'
            + W + '"><w:rsids><w:rsidRoot w:val="00A1B2C3"/><w:rsid w:val="00A1B2C3"/>'
            '</w:rsids></w:settings>')
PEOPLE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w15:people xmlns:w15="ht'
          'tp://schemas.microsoft.com/office/word/2012/wordml"><w15:person w15:author="' + C
          + 'person"><w15:presenceInfo w15:providerId="AD" w15:userId="' + C + 'userid"/>'
          '</w15:person></w15:people>')
ooxml("report.docx", "word/document.xml",
       "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
       [("word/document.xml", DOC), ("word/comments.xml", COMMENTS),
        ("word/settings.xml", SETTINGS), ("word/people.xml", PEOPLE),
        ("word/fontTable.xml", b""),  # empty, as some tools write it
        ("word/media/image1.jpeg", jpeg_bytes(color=(9, 9, 9), size=(16, 16))),
        ("customXml/item1.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<data><owner>' + C
         + 'customxml</owner></data>')])
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ooxml("sheet.xlsx", "xl/workbook.xml",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
      [("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<workbook xmlns="' + S
        + '" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"><x15ac:'
        'absPath url="C:\\Users\\' + C + 'abspath\\"/><sheets/></workbook>'),
       ("xl/comments1.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<comments xmlns="' + S
        + '"><authors><author>' + C + 'xlauthor</author></authors><commentList/></comments>'),
       ("xl/persons/person.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<personList xmlns='
        '"http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"><person '
        'displayName="' + C + 'displayname" id="{1}" userId="' + C + 'xluserid" providerId='
        '"AD"/></personList>')])
ooxml("slides.pptx", "ppt/presentation.xml",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
      [("ppt/presentation.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<p:presentation '
        'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>'),
       ("ppt/commentAuthors.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<p:cmAuthorLst '
        'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cmAuthor '
        'id="0" name="' + C + 'cmauthor" initials="' + C + 'cmini" lastIdx="1" clrIdx="0"/>'
        '</p:cmAuthorLst>'),
       ("ppt/media/image1.png", png_bytes())])

ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oas'
          'is:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
          ' xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:config="urn:oasis'
          ':names:tc:opendocument:xmlns:config:1.0" xmlns:manifest="urn:oasis:names:tc:opendocu'
          'ment:xmlns:manifest:1.0"')


def odf(name, mime):
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content ' + ODF_NS
               + ' office:version="1.2"><office:body><office:text><text:tracked-changes><text:'
               'changed-region text:id="ct1"><text:insertion><office:change-info><dc:creator>'
               + C + 'changeauthor</dc:creator><dc:date>1999-09-09T09:09:09</dc:date></office'
               ':change-info></text:insertion></text:changed-region>'
               '<text:changed-region text:id="ct2"><text:deletion><office:change-info>'
               '<dc:creator>x</dc:creator><dc:date>1999-09-09T09:09:09</dc:date></office:'
               'change-info><text:p>' + C + 'odfdeleted</text:p></text:deletion></text:'
               'changed-region></text:tracked-changes>'
               '<text:p>Bonjour<office:annotation><dc:creator>' + C + 'annotauthor</dc:creator>'
               '<dc:date>1999-09-09T09:09:09</dc:date><meta:creator-initials>' + C + 'odfini'
               '</meta:creator-initials><text:p>' + C + 'odfnote</text:p></office:annotation>'
               '<text:change text:change-id="ct2"/></text:p>'
               '</office:text></office:body></office:document-content>')
    meta = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta ' + ODF_NS
            + ' office:version="1.2"><office:meta><meta:initial-creator>' + C + 'initial'
            '</meta:initial-creator><dc:creator>' + C + 'metacreator</dc:creator><meta:'
            'generator>' + C + 'generator</meta:generator><meta:user-defined meta:name="x">' + C
            + 'userdefined</meta:user-defined></office:meta></office:document-meta>')
    settings = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-settings ' + ODF_NS
                + '><office:settings><config:config-item-set config:name="ooo:configuration-'
                'settings"><config:config-item config:name="PrinterName" config:type="string">'
                + C + 'printer</config:config-item></config:config-item-set></office:settings>'
                '</office:document-settings>')
    manifest_xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest ' + ODF_NS
                    + ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                    'manifest:media-type="' + mime + '"/><manifest:file-entry manifest:full-path'
                    '="content.xml" manifest:media-type="text/xml"/><manifest:file-entry '
                    'manifest:full-path="meta.xml" manifest:media-type="text/xml"/><manifest:'
                    'file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"'
                    '/><manifest:file-entry manifest:full-path="Thumbnails/thumbnail.png" '
                    'manifest:media-type="image/png"/><manifest:file-entry manifest:full-path='
                    '"Pictures/photo.jpg" manifest:media-type="image/jpeg"/><manifest:file-entry '
                    'manifest:full-path="Configurations2/accelerator/current.xml" manifest:'
                    'media-type=""/></manifest:manifest>')
    with zipfile.ZipFile(path(name), "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", DATE), mime, zipfile.ZIP_STORED)
        zwrite(z, "content.xml", content)
        zwrite(z, "meta.xml", meta)
        zwrite(z, "settings.xml", settings)
        zwrite(z, "Configurations2/accelerator/current.xml", b"")  # empty, as LibreOffice
        zwrite(z, "Thumbnails/thumbnail.png", png_bytes())
        zwrite(z, "Pictures/photo.jpg", jpeg_bytes(color=(5, 5, 5), size=(16, 16)))
        zwrite(z, "META-INF/manifest.xml", manifest_xml)
    expect(name, "cleaned")


odf("text.odt", "application/vnd.oasis.opendocument.text")
odf("calc.ods", "application/vnd.oasis.opendocument.spreadsheet")
odf("show.odp", "application/vnd.oasis.opendocument.presentation")

# ---- plain ZIP and hostile archives --------------------------------------
inner = io.BytesIO()
with zipfile.ZipFile(inner, "w") as z:
    zwrite(z, "deep/photo.jpg", jpeg_bytes(color=(7, 7, 7), size=(8, 8)))
with zipfile.ZipFile(path("archive.zip"), "w") as z:
    zwrite(z, "photos/", b"")
    zwrite(z, "photos/a.jpg", jpg)
    zwrite(z, "b.png", png)
    zwrite(z, "readme.txt", b"just text\n")
    zwrite(z, "inner.zip", inner.getvalue())
    z.comment = (C + "archivecomment").encode()
expect("archive.zip", "not fully cleaned", note="readme.txt is text")

with zipfile.ZipFile(path("bomb.zip"), "w") as z:
    z.writestr("zeros.bin", b"\0" * (16 << 20), zipfile.ZIP_DEFLATED)
expect("bomb.zip", "could not clean", canaries=None)
with zipfile.ZipFile(path("traversal.zip"), "w") as z:
    z.writestr("../../evil.txt", b"x")
expect("traversal.zip", "could not clean", canaries=None)
with zipfile.ZipFile(path("absolute.zip"), "w") as z:
    zi = zipfile.ZipInfo("ok.txt")
    z.writestr(zi, b"x")
    zi = zipfile.ZipInfo("x")
    zi.filename = "/etc/evil"
    z.writestr(zi, b"x")
expect("absolute.zip", "could not clean", canaries=None)
with zipfile.ZipFile(path("symlink.zip"), "w") as z:
    zi = zipfile.ZipInfo("link")
    zi.create_system = 3
    zi.external_attr = (0o120777 << 16)
    z.writestr(zi, b"/etc/passwd")
expect("symlink.zip", "could not clean", canaries=None)
nest = b"innermost\n"
for i in range(7):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("level%d.zip" % i if i else "level0.txt", nest)
    nest = b.getvalue()
write("nested.zip", nest)
expect("nested.zip", "could not clean", canaries=None)


# ---- more images ------------------------------------------------------------
frames = [Image.new("P", (16, 16), i * 40) for i in range(3)]
frames[0].save(path("anim.gif"), save_all=True, append_images=frames[1:], loop=0, duration=100,
               comment=(C + "gifcomment").encode())
exiftool(path("anim.gif"), "-XMP-dc:Creator=" + C + "gifxmp")
expect("anim.gif", "cleaned")
Image.new("RGB", (24, 24), (90, 20, 200)).save(path("image.webp"), quality=80)
exiftool(path("image.webp"), "-Artist=" + C + "webpartist", "-XMP-dc:Creator=" + C + "webpxmp")
expect("image.webp", "cleaned")


tiff_pages = [Image.new("RGB", (40, 30), (20, 140, 60)), Image.new("RGB", (40, 30), (1, 2, 3))]
tiff_pages[0].save(path("scan.tiff"), save_all=True, append_images=tiff_pages[1:],
                   compression="tiff_lzw")
exiftool(path("scan.tiff"), "-n", "-Artist=" + C + "tiffartist", "-Make=" + C + "scanner",
         "-Model=" + C + "model", "-SerialNumber=" + C + "serial", "-Software=" + C + "software",
         "-ImageDescription=" + C + "description", "-Copyright=" + C + "copyright",
         "-HostComputer=" + C + "host", "-DocumentName=" + C + "docname",
         "-GPSLatitude=1", "-GPSLatitudeRef=N", "-GPSAreaInformation=" + C + "gps",
         "-XMP-dc:Creator=" + C + "xmp", "-IPTC:By-line=" + C + "iptc", "-Orientation=3")
expect("scan.tiff", "cleaned")

# ---- audio ------------------------------------------------------------------
def riff_chunk(cid, data):
    return cid + len(data).to_bytes(4, "little") + data + (b"\0" if len(data) & 1 else b"")


def wav_bytes():
    import wave
    b = io.BytesIO()
    with wave.open(b, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x01\x00" * 800)
    data = b.getvalue()
    info = b"INFO" + riff_chunk(b"IART", (C + "wavartist\0").encode()) + riff_chunk(
        b"ICMT", (C + "wavcomment\0").encode())
    body = data[12:] + riff_chunk(b"LIST", info) + riff_chunk(b"bext", (C + "bext").encode()
                                                               + b"\0" * 40)
    return b"RIFF" + (len(body) + 4).to_bytes(4, "little") + b"WAVE" + body


write("sound.wav", wav_bytes())
expect("sound.wav", "cleaned")


def aiff_bytes():
    import warnings
    warnings.simplefilter("ignore", DeprecationWarning)
    import aifc
    w = aifc.open(path(".tmp.aiff"), "wb")
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(8000)
    w.writeframes(b"\x00\x01" * 800)
    w.close()
    data = open(path(".tmp.aiff"), "rb").read()

    def ck(cid, d):
        return cid + len(d).to_bytes(4, "big") + d + (b"\0" if len(d) & 1 else b"")
    body = data[12:] + ck(b"NAME", (C + "aiffname").encode()) + ck(
        b"AUTH", (C + "aiffauthor").encode()) + ck(b"(c) ", (C + "aiffcopy").encode()) + ck(
        b"ANNO", (C + "aiffanno").encode())
    return b"FORM" + (len(body) + 4).to_bytes(4, "big") + data[8:12] + body


write("sound.aiff", aiff_bytes())
expect("sound.aiff", "cleaned")

try:
    import mutagen.flac
    import mutagen.id3
    have_mutagen = True
except ImportError:  # python3-mutagen is in contrib/install-deps.sh
    have_mutagen = False
if have_mutagen:
    frame = b"\xff\xfb\x90\x00" + b"\0" * 413
    write("song.mp3", frame * 40)
    tags = mutagen.id3.ID3()
    tags.add(mutagen.id3.TPE1(encoding=3, text=C + "mp3artist"))
    tags.add(mutagen.id3.COMM(encoding=3, lang="eng", desc="", text=C + "mp3comment"))
    tags.add(mutagen.id3.TXXX(encoding=3, desc="x", text=C + "mp3txxx"))
    tags.add(mutagen.id3.APIC(encoding=3, mime="image/jpeg", type=3, desc=C + "mp3apic",
                              data=jpg))
    tags.save(path("song.mp3"), v1=2)
    expect("song.mp3", "cleaned")
    si = bytearray(34)
    si[0:2] = (4096).to_bytes(2, "big")
    si[2:4] = (4096).to_bytes(2, "big")
    v = (44100 << 44) | (0 << 41) | (15 << 36) | 44100
    si[10:18] = v.to_bytes(8, "big")
    write("track.flac", b"fLaC" + bytes([0x80]) + (34).to_bytes(3, "big") + bytes(si)
          + b"\xff\xf8\x69\x08\x00\x00" + b"\0" * 64)
    fl = mutagen.flac.FLAC(path("track.flac"))
    fl["ARTIST"] = C + "flacartist"
    fl["COMMENT"] = C + "flaccomment"
    pic = mutagen.flac.Picture()
    pic.data, pic.mime, pic.desc, pic.type = jpg, "image/jpeg", C + "flacpicture", 3
    fl.add_picture(pic)
    fl.save()
    expect("track.flac", "cleaned")

    def ogg_crc(data):
        c = 0
        for b in data:
            c ^= b << 24
            for _ in range(8):
                c = ((c << 1) ^ 0x04C11DB7) if c & 0x80000000 else c << 1
                c &= 0xFFFFFFFF
        return c

    def ogg_page(flags, granule, seq, packet):
        lace = bytes([255] * (len(packet) // 255) + [len(packet) % 255])
        h = (b"OggS\0" + bytes([flags]) + granule.to_bytes(8, "little")
             + (0x5EA1D20).to_bytes(4, "little") + seq.to_bytes(4, "little") + b"\0\0\0\0"
             + bytes([len(lace)]) + lace)
        return h[:22] + ogg_crc(h + packet).to_bytes(4, "little") + h[26:] + packet

    def opus_bytes():
        head = b"OpusHead\x01\x01\x38\x01\x80\xbb\0\0\0\0\0"
        tags = b"OpusTags" + (5).to_bytes(4, "little") + b"sdenc" + (0).to_bytes(4, "little")
        audio = [b"\xf8\xff\xfe"] * 20
        out = ogg_page(2, 0, 0, head) + ogg_page(0, 0, 1, tags)
        for i, pk in enumerate(audio):
            out += ogg_page(4 if i == len(audio) - 1 else 0, 960 * (i + 1), 2 + i, pk)
        return out

    import mutagen.oggopus  # noqa: E402
    write("voice.opus", opus_bytes())
    op = mutagen.oggopus.OggOpus(path("voice.opus"))
    op["ARTIST"] = C + "opusartist"
    op["LOCATION"] = C + "opuslocation"
    op["DATE"] = C + "opusdate"
    op.save()
    expect("voice.opus", "cleaned")

# ---- MP4 ----------------------------------------------------------------
def mp4_bytes():
    """A minimal MP4 (one audio track) with GPS, make, names, XMP and dates."""
    import struct
    def box(t, payload): return struct.pack(">I", 8 + len(payload)) + t + payload
    def full(t, v, flags, payload): return box(t, bytes([v]) + flags.to_bytes(3, "big") + payload)
    payload = b"AUDIO-DATA-" * 50
    mvhd = full(b"mvhd", 0, 0, struct.pack(">IIII", QT_TIME, QT_TIME, 1000, 1000) + b"\0\x01\0\0" + b"\x01\0" + b"\0" * 10 + struct.pack(">9I", 0x10000,0,0,0,0x10000,0,0,0,0x40000000) + b"\0" * 24 + struct.pack(">I", 2))
    tkhd = full(b"tkhd", 0, 3, struct.pack(">IIIII", QT_TIME, QT_TIME, 1, 0, 1000) + b"\0" * 8 + b"\0\0\0\0" + b"\x01\0\0\0" + struct.pack(">9I", 0x10000,0,0,0,0x10000,0,0,0,0x40000000) + b"\0" * 8)
    mdhd = full(b"mdhd", 0, 0, struct.pack(">IIII", QT_TIME, QT_TIME, 8000, 8000) + b"\x55\xc4\0\0")
    hdlr = full(b"hdlr", 0, 0, b"\0\0\0\0soun" + b"\0" * 12 + b"SoundHandler\0")
    smhd = full(b"smhd", 0, 0, b"\0" * 4)
    dref = full(b"dref", 0, 0, struct.pack(">I", 1) + full(b"url ", 0, 1, b""))
    stsd = full(b"stsd", 0, 0, struct.pack(">I", 0))
    stts = full(b"stts", 0, 0, struct.pack(">III", 1, 1, 8000))
    stsc = full(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, 1, 1))
    stsz = full(b"stsz", 0, 0, struct.pack(">III", len(payload), 1, 0)[:8] + struct.pack(">I", 1))
    def build(stco_off):
        stco = full(b"stco", 0, 0, struct.pack(">II", 1, stco_off))
        stbl = box(b"stbl", stsd + stts + stsc + stsz + stco)
        minf = box(b"minf", smhd + box(b"dinf", dref) + stbl)
        mdia = box(b"mdia", mdhd + hdlr + minf)
        udta_t = box(b"udta", box(b"\xa9nam", struct.pack(">HH", 14, 0) + (C + "trackname").encode()))
        trak = box(b"trak", tkhd + mdia + udta_t)
        xyz = box(b"\xa9xyz", struct.pack(">HH", 18, 0x15c7) + b"+48.8566+002.3522/")
        mak = box(b"\xa9mak", struct.pack(">HH", len(C) + 4, 0) + (C + "make").encode())
        udta = box(b"udta", xyz + mak)
        meta = full(b"meta", 0, 0, full(b"hdlr", 0, 0, b"\0\0\0\0mdta" + b"\0" * 13) + box(b"keys", (C + "keys").encode()))
        moov = box(b"moov", mvhd + trak + udta + meta)
        ftyp = box(b"ftyp", b"isom\0\0\x02\0isomiso2mp41")
        uuid = box(b"uuid", b"\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac" + ("<x:xmpmeta>" + C + "xmp</x:xmpmeta>").encode())
        head = ftyp + moov + uuid + box(b"free", b"\0" * 16)
        return head, box(b"mdat", payload)
    h, md = build(0)
    h, md = build(len(h) + 8)
    return h + md


write("video.mp4", mp4_bytes())
expect("video.mp4", "cleaned")


# ---- HEIC and AVIF ------------------------------------------------------
# Made as phones and converters make them: heif-enc (libheif-examples)
# encodes, exiftool adds EXIF (GPS, camera, serial, dates) and XMP items.
def heif_bytes(avif, thumb):
    src, tmp = path(".tmp-heif.png"), path(".tmp.avif" if avif else ".tmp.heic")
    im = Image.new("RGB", (64, 48))
    im.putdata([(x * 4, y * 5, (x + y) * 2) for y in range(48) for x in range(64)])
    im.save(src)
    subprocess.run(["heif-enc", "-q", "90"] + (["-A"] if avif else []) +
                   (["-t", "32"] if thumb else []) + [src, "-o", tmp], check=True,
                   stdout=subprocess.DEVNULL)
    exiftool(tmp, "-n", "-Artist=" + C + "artist", "-Make=" + C + "make",
             "-Model=" + C + "model", "-SerialNumber=" + C + "serial",
             "-GPSLatitude=48.8566", "-GPSLatitudeRef=N", "-GPSLongitude=2.3522",
             "-GPSLongitudeRef=E", "-GPSAreaInformation=" + C + "gps",
             "-DateTimeOriginal=" + EXIF_DATE, "-XMP-dc:Creator=" + C + "xmpcreator")
    data = open(tmp, "rb").read()
    os.unlink(tmp)
    return data


if shutil.which("heif-enc"):
    write("iphone.heic", heif_bytes(False, True))
    expect("iphone.heic", "cleaned", note="EXIF, XMP and a thumbnail")
    write("picture.avif", heif_bytes(True, False))
    expect("picture.avif", "cleaned")
else:
    print("make_fixtures.py: heif-enc (libheif-examples) missing: no HEIC/AVIF fixtures",
          file=sys.stderr)

# ---- TAR ----------------------------------------------------------------
import tarfile  # noqa: E402


def tar_add(t, name, data, **kw):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mtime, ti.uname, ti.gname, ti.uid = len(data), UNIX_TIME, C + "uname", C + "gname", 1234
    ti.pax_headers = {"comment": C + "paxcomment"}
    for k, val in kw.items():
        setattr(ti, k, val)
    t.addfile(ti, io.BytesIO(data))


with tarfile.open(path("bundle.tar"), "w", format=tarfile.PAX_FORMAT) as t:
    tar_add(t, "docs/photo.jpg", jpg)
    tar_add(t, "docs/notes.txt", b"plain notes\n")
    tar_add(t, "image.png", png)
expect("bundle.tar", "not fully cleaned", note="notes.txt is text")
# A gzip'd tar: its header holds a file name, a comment, an extra field and a
# time; the tar inside is cleaned as a tar (the member names hold no canary).
import struct  # noqa: E402
import zlib  # noqa: E402


def gzip_member(data, name, comment, extra, mtime=UNIX_TIME):
    z = zlib.compressobj(6, zlib.DEFLATED, -15)
    hdr = b"\x1f\x8b\x08" + bytes([0x04 | 0x08 | 0x10]) + struct.pack("<I", mtime) + b"\x00\x03"
    hdr += struct.pack("<H", len(extra)) + extra + name + b"\0" + comment + b"\0"
    return hdr + z.compress(data) + z.flush() + struct.pack("<II", zlib.crc32(data), len(data))


tbuf = io.BytesIO()
with tarfile.open(fileobj=tbuf, mode="w", format=tarfile.PAX_FORMAT) as t:
    tar_add(t, "docs/photo.jpg", jpg)
    tar_add(t, "image.png", png)
tgz = (gzip_member(tbuf.getvalue()[:3000], (C + "gzname.tar").encode(), (C + "gzcomment").encode(),
                   b"SD\x08\x00" + C.encode())
       + gzip_member(tbuf.getvalue()[3000:], (C + "gzname2").encode(), b"", b"XY\x00\x00"))
write("bundle.tar.gz", tgz)
expect("bundle.tar.gz", "cleaned")
write("truncated.tgz", tgz[:-20])
expect("truncated.tgz", "could not clean", canaries=None)
write("notes.txt.gz", gzip_member("des notes en français\n".encode(), b"notes.txt", b"", b""))
expect("notes.txt.gz", "not fully cleaned", canaries=False)
# The same TAR compressed by Debian's xz, bzip2 and zstd (none of them has a
# name, date or comment field; a zstd skippable frame can carry any bytes,
# so one holds a canary before the data frame).
for ext, cmd in ((".tar.xz", ["xz", "-c"]), (".tar.bz2", ["bzip2", "-c"]),
                 (".tar.zst", ["zstd", "-q", "-c"])):
    if shutil.which(cmd[0]) is None:
        print("make_fixtures.py: %s missing: no %s fixture" % (cmd[0], ext), file=sys.stderr)
        continue
    z = subprocess.run(cmd, input=tbuf.getvalue(), capture_output=True, check=True).stdout
    if ext == ".tar.zst":
        skip = (C + "zstdskippable").encode()
        z = struct.pack("<II", 0x184D2A50, len(skip)) + skip + z
    write("bundle" + ext, z)
    expect("bundle" + ext, "cleaned")
    write("truncated" + ext, z[:len(z) // 2])
    expect("truncated" + ext, "could not clean", canaries=None)
    # Bytes after the data are refused (libarchive ignores them after bzip2).
    write("trailing" + ext, z + (C + "trailing").encode())
    expect("trailing" + ext, "could not clean", canaries=None)
if shutil.which("xz"):
    write("notes.txt.xz", subprocess.run(["xz", "-c"], input="des notes en français\n".encode(),
                                         capture_output=True, check=True).stdout)
    expect("notes.txt.xz", "not fully cleaned", canaries=False)
with tarfile.open(path("link.tar"), "w", format=tarfile.PAX_FORMAT) as t:
    tar_add(t, "ok.txt", b"x\n")
    tar_add(t, "evil", b"", type=tarfile.SYMTYPE, linkname="/etc/shadow")
expect("link.tar", "could not clean", canaries=None)
with tarfile.open(path("traversal.tar"), "w") as t:
    tar_add(t, "../../outside.txt", b"x\n")
expect("traversal.tar", "could not clean", canaries=None)


# ---- SVG and HTML -----------------------------------------------------------
import base64  # noqa: E402

img_uri = "data:image/png;base64," + base64.b64encode(png).decode()
svg = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!-- ' + C + 'svgcomment -->\n'
       '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
       'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" xmlns:sodipodi="http://'
       'sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" xmlns:rdf="http://www.w3.org/1999/02/22-'
       'rdf-syntax-ns#" xmlns:cc="http://creativecommons.org/ns#" xmlns:dc="http://purl.org/dc/'
       'elements/1.1/" width="64" height="64" sodipodi:docname="' + C + 'docname.svg" '
       'inkscape:export-filename="/home/' + C + 'user/export.png">'
       '<metadata><rdf:RDF><cc:Work><dc:creator><cc:Agent><dc:title>' + C + 'svgcreator'
       '</dc:title></cc:Agent></dc:creator></cc:Work></rdf:RDF></metadata>'
       '<title>' + C + 'svgtitle</title><desc>' + C + 'svgdesc</desc>'
       '<sodipodi:namedview inkscape:current-layer="' + C + 'layer"/>'
       '<script>alert("' + C + 'script")</script>'
       '<rect x="1" y="1" width="30" height="30" fill="red" onclick="' + C + 'onclick()"/>'
       '<image x="32" y="32" width="32" height="32" xlink:href="' + img_uri + '"/>'
       '<image x="0" y="32" width="8" height="8" xlink:href="http://' + C + '.example/b.png"/>'
       '</svg>\n')
write("drawing.svg", svg.encode())
expect("drawing.svg", "cleaned")
jpg_uri = "data:image/jpeg;base64," + base64.b64encode(jpg).decode()
html = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><meta name="author" content="' + C
        + 'htmlauthor"><title>' + C + 'htmltitle</title><link rel="stylesheet" href="https://' + C
        + '.example/s.css"><script>var u="' + C + 'script";</script></head><body>'
        '<!-- ' + C + 'htmlcomment --><p class="x" data-user="' + C + 'datauser">Hello '
        '<b>world</b></p><img alt="pic" src="' + jpg_uri + '"><a href="http://' + C
        + '.example/">link</a><custom-tag>kept text</custom-tag></body></html>\n')
write("page.html", html.encode())
expect("page.html", "cleaned")

# ---- not supported: kept apart ----------------------------------------------
write("blob.bin", bytes(range(256)) * 16 + (C + "blob").encode())
expect("blob.bin", "uncleaned", canaries=None)
# EPUB (as Calibre and pandoc write it): canaries in the OPF metadata, the
# NCX author, the chapters' head and comments, a style sheet comment, an
# image's EXIF and META-INF/metadata.xml. Written with zipfile as zip does.
OPF = ('<?xml version="1.0" encoding="utf-8"?>\n<!-- ' + C + 'opfcomment -->\n'
       '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">'
       '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
       '<dc:identifier id="uid">urn:uuid:0b5d5c2e-1111-4222-8333-944455556666</dc:identifier>'
       '<dc:title>Report</dc:title><dc:language>en</dc:language>'
       '<dc:creator id="c1">' + C + 'creator</dc:creator>'
       '<meta refines="#c1" property="file-as">' + C + 'fileas</meta>'
       '<dc:contributor>' + C + 'contributor</dc:contributor>'
       '<dc:publisher>' + C + 'publisher</dc:publisher><dc:date>1999-09-09</dc:date>'
       '<dc:description>' + C + 'description</dc:description><dc:rights>' + C + 'rights</dc:rights>'
       '<meta property="dcterms:modified">1999-09-09T09:09:09Z</meta>'
       '<meta name="calibre:user_metadata" content="' + C + 'calibre"/>'
       '<meta name="generator" content="' + C + 'generator"/></metadata>'
       '<manifest><item id="ch1" href="ch1.xhtml" media-type="application/xhtml+xml"/>'
       '<item id="css" href="style.css" media-type="text/css"/>'
       '<item id="img" href="photo.jpg" media-type="image/jpeg"/>'
       '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/></manifest>'
       '<spine toc="ncx"><itemref idref="ch1"/></spine></package>')
NCX = ('<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
       '<head><meta name="dtb:uid" content="urn:uuid:0b5d5c2e-1111-4222-8333-944455556666"/>'
       '<meta name="dtb:generator" content="' + C + 'ncxgenerator"/></head>'
       '<docTitle><text>Report</text></docTitle><docAuthor><text>' + C + 'docauthor</text></docAuthor>'
       '<navMap><navPoint id="n1" playOrder="1"><navLabel><text>One</text></navLabel>'
       '<content src="ch1.xhtml"/></navPoint></navMap></ncx>')
CH1 = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
       '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
       '<head><title>' + C + 'xhtmltitle</title><meta name="author" content="' + C + 'xhtmlmeta"/>'
       '<link rel="stylesheet" type="text/css" href="style.css"/></head>'
       '<body><!-- ' + C + 'xhtmlcomment --><nav epub:type="toc"><ol><li><a href="ch1.xhtml">One</a>'
       '</li></ol></nav><h1 data-x="' + C + 'attr">Chapter one</h1>'
       '<p>kept text</p><img src="photo.jpg" alt="photo"/></body></html>')
with zipfile.ZipFile(path("book.epub"), "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
    z.writestr("META-INF/container.xml",
               '<?xml version="1.0"?><container version="1.0" '
               'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
               '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
               '</rootfiles></container>', zipfile.ZIP_DEFLATED)
    z.writestr("META-INF/metadata.xml", '<?xml version="1.0"?><metadata><creator>' + C
               + 'metaxml</creator></metadata>', zipfile.ZIP_DEFLATED)
    z.writestr("OEBPS/content.opf", OPF, zipfile.ZIP_DEFLATED)
    z.writestr("OEBPS/toc.ncx", NCX, zipfile.ZIP_DEFLATED)
    z.writestr("OEBPS/ch1.xhtml", CH1, zipfile.ZIP_DEFLATED)
    z.writestr("OEBPS/style.css", "/* " + C + "csscomment */ body { margin: 0 }\n", zipfile.ZIP_DEFLATED)
    z.writestr("OEBPS/photo.jpg", jpg)
expect("book.epub", "cleaned")

# Legacy Office, RTF and e-mails are named plainly as not cleaned, with why.
write("legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(24) + b"\x3e\x00\x03\x00\xfe\xff"
      + bytes(482) + (C + "xlsauthor").encode("utf-16-le") + bytes(1024))
expect("legacy.xls", "uncleaned", canaries=None, note="legacy Microsoft Office")
write("letter.rtf", ("{\\rtf1\\ansi{\\info{\\author " + C + "rtfauthor}}Dear editor\\par}\n").encode())
expect("letter.rtf", "uncleaned", canaries=None, note="RTF document")
write("tip.eml", ("From: " + C + "sender <s@example.org>\nTo: desk@example.org\n"
                  "Subject: documents\nDate: Thu, 2 Jan 2020 03:04:05 +0100\n"
                  "Message-ID: <1@example.org>\n\nSee attached.\n").encode())
expect("tip.eml", "uncleaned", canaries=None, note="e-mail:")
write("notes.txt", "des notes en français\n".encode())
expect("notes.txt", "not fully cleaned", canaries=False)
# CSS (text/plain to libmagic): comments removed; "cleaned" with no string
# or url() left, which may hold a name or a path.
write("style.css", ("/* by " + C + "cssauthor */\nbody { color: #123 } /* " + C
                    + "csscomment */\n@media print { p { margin: 0 } }\n").encode())
expect("style.css", "cleaned")
write("font.css", ("/* " + C + "csscomment */\n@font-face { font-family: x; src: url(file:///home/"
                   + C + "cssurl/x.woff) }\n").encode())
expect("font.css", "not fully cleaned", left=True, note="url() references")

for f in os.listdir(OUT):
    if f.startswith(".tmp"):
        os.unlink(path(f))
with open(path("manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1, sort_keys=True)
