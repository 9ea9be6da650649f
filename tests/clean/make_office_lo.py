#!/usr/bin/python3
"""Flat OpenDocument sources for LibreOffice-made office fixtures.

usage: make_office_lo.py OUTDIR

Writes revisions.fodt (a tracked insertion, a tracked deletion whose text is
a canary, a comment whose author, initials and text are canaries, a picture
whose description holds a path), comments.fods (a cell comment) and
comments.fodp (a slide comment and speaker notes). office_revisions.sh has
LibreOffice save them as odt/docx, ods/xlsx and odp/pptx: the fixtures are
then LibreOffice's own files, with its own tracked-change, comment and
people structures. Visible text is plain words (VISIBLE...), so what a
reader sees can be compared before and after cleaning.
"""
import base64
import io
import os
import sys

from PIL import Image

C = "SDCANARY"
OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:xlink="http://www.w3.org/1999/xlink" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')


def annotation(who):
    return ('<office:annotation><dc:creator>' + C + who + 'author</dc:creator>'
            '<dc:date>2020-01-02T03:04:05</dc:date><meta:creator-initials>' + C + who
            + 'ini</meta:creator-initials><text:p>' + C + who + 'comment source is Alice'
            '</text:p></office:annotation>')


def meta():
    return ('<office:meta><dc:creator>' + C + 'creator</dc:creator><meta:initial-creator>' + C
            + 'initial</meta:initial-creator><dc:title>' + C + 'title</dc:title>'
            '<meta:user-defined meta:name="Client">' + C + 'userdefined</meta:user-defined>'
            '</office:meta>')


buf = io.BytesIO()
Image.new("RGB", (16, 16), (200, 30, 30)).save(buf, "PNG")
png = base64.b64encode(buf.getvalue()).decode()

fodt = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document ' + NS + ' office:version='
        '"1.3" office:mimetype="application/vnd.oasis.opendocument.text">' + meta()
        + '<office:body><office:text><text:tracked-changes>'
        '<text:changed-region text:id="ins1"><text:insertion><office:change-info><dc:creator>'
        + C + 'insauthor</dc:creator><dc:date>2020-01-02T03:04:05</dc:date></office:change-info>'
        '</text:insertion></text:changed-region>'
        '<text:changed-region text:id="del1"><text:deletion><office:change-info><dc:creator>'
        + C + 'delauthor</dc:creator><dc:date>2020-01-02T03:04:05</dc:date></office:change-info>'
        '<text:p>' + C + 'deleted source is Alice </text:p></text:deletion></text:changed-region>'
        '</text:tracked-changes>'
        '<text:p>VISIBLEONE VISIBLETWO <text:change-start text:change-id="ins1"/>VISIBLEINSERTED'
        '<text:change-end text:change-id="ins1"/> <text:change text:change-id="del1"/>'
        'VISIBLETHREE' + annotation("doc") + '</text:p>'
        '<text:p>VISIBLEFOUR</text:p>'
        '<text:p><draw:frame draw:name="Picture 1" svg:width="1cm" svg:height="1cm" '
        'text:anchor-type="as-char"><draw:image><office:binary-data>' + png
        + '</office:binary-data></draw:image><svg:title>C:\\Users\\' + C + 'pictitle\\a.png'
        '</svg:title><svg:desc>C:\\Users\\' + C + 'picdesc\\secret.jpg</svg:desc></draw:frame>'
        '</text:p></office:text></office:body></office:document>\n')
fods = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document ' + NS + ' office:version='
        '"1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">' + meta()
        + '<office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row>'
        '<table:table-cell office:value-type="string">' + annotation("cell")
        + '<text:p>VISIBLECELL</text:p></table:table-cell><table:table-cell office:value-type='
        '"float" office:value="42"><text:p>42</text:p></table:table-cell></table:table-row>'
        '</table:table></office:spreadsheet></office:body></office:document>\n')
fodp = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document ' + NS + ' office:version='
        '"1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">' + meta()
        + '<office:body><office:presentation><draw:page draw:name="page1">'
        '<draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box>'
        '<text:p>VISIBLESLIDE</text:p></draw:text-box></draw:frame>' + annotation("slide")
        + '<presentation:notes><draw:frame presentation:class="notes" svg:x="2cm" svg:y="15cm" '
        'svg:width="17cm" svg:height="10cm"><draw:text-box><text:p>VISIBLENOTES speaker notes'
        '</text:p></draw:text-box></draw:frame></presentation:notes>'
        '</draw:page></office:presentation></office:body></office:document>\n')
for name, data in (("revisions.fodt", fodt), ("comments.fods", fods), ("comments.fodp", fodp)):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write(data)
