#!/usr/bin/python3
"""Check what sealdrop-open --clean-only did to the fixtures of make_fixtures.py.

usage: check.py FIXTURES OUT

For every fixture in FIXTURES/manifest.json:
 - the report (OUT/report.json) gives it the expected status;
 - control: a fixture that must be cleaned holds canaries before cleaning
   (else this test would be blind);
 - control: the canary date (canary.py) is in the inputs in each binary and
   text encoding the fixtures write (DATE_CONTROLS), so the date scan is
   not blind either;
 - after cleaning no "SDCANARY" and no canary date remains in the bytes
   (ASCII or UTF-16; dates in every encoding of canary.py), in any
   member of a ZIP container (recursively), in the decompressed objects of a
   PDF (qpdf --qdf), nor in exiftool's output;
 - the cleaned file still opens: JPEG/PNG decode (PIL, djpeg, pngcheck), PDFs
   pass qpdf --check, ZIPs pass their CRC checks and every XML member parses,
   ODF keeps "mimetype" first and stored, OOXML relationships point at
   existing members;
 - files put in uncleaned/ are byte-identical to their input, and failures
   carry an error line.
Prints one line per failure; exits 1 if any.
"""
import io
import json
import os
import subprocess
import sys
import tarfile
import zipfile
import xml.dom.minidom

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from canary import all_date_hits, decompressed, exif_leaks, leaks  # noqa: E402

fix, out = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(fix, "manifest.json")))
report = json.load(open(os.path.join(out, "report.json")))
fails = []
passes = 0


def fail(msg):
    fails.append(msg)


def heif_opens(p, src):
    """libheif decodes the cleaned image to the original's pixels, and sees
    neither a thumbnail nor a metadata item."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        px = []
        for i, f in enumerate((src, p)):
            png = os.path.join(d, "%d.png" % i)
            r = subprocess.run(["heif-convert", f, png], capture_output=True)
            if r.returncode != 0:
                return "heif-convert: " + (r.stdout + r.stderr).decode(errors="replace")[-200:]
            px.append(list(Image.open(png).convert("RGB").getdata()))
        if px[0] != px[1]:
            return "pixels differ from the original's"
    info = subprocess.run(["heif-info", p], capture_output=True, text=True).stdout
    if "thumbnail:" in info or "metadata:\n  none" not in info:
        return "heif-info still lists a thumbnail or metadata: " + info
    return None


def opens(p, data, src=None):
    """Why p does not open, or None."""
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"avif", b"mif1"):
        return heif_opens(p, src)
    if data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n":
        try:
            Image.open(io.BytesIO(data)).load()
        except Exception as e:  # noqa: BLE001 - any decoder error is a failure
            return "PIL cannot decode: %s" % e
        tool = ["djpeg", "-outfile", "/dev/null", p] if data[0] == 0xFF else ["pngcheck", "-q", p]
        r = subprocess.run(tool, capture_output=True)
        if r.returncode != 0:
            return "%s: %s" % (tool[0], (r.stdout + r.stderr).decode(errors="replace"))
    elif data[:5] == b"%PDF-":
        r = subprocess.run(["qpdf", "--check", p], capture_output=True)
        if r.returncode != 0:
            return "qpdf --check: " + (r.stdout + r.stderr).decode(errors="replace")[-300:]
    elif data[:4] == b"PK\x03\x04":
        return zip_opens(data)
    elif data[:4] in (b"II*\0", b"MM\0*"):
        im = Image.open(io.BytesIO(data))
        im.load()
        if getattr(im, "n_frames", 1) != 2 or im.getpixel((0, 0)) != (20, 140, 60):
            return "TIFF pages or pixels lost"
        r = subprocess.run(["exiftool", "-n", "-Orientation", "-s3", p], capture_output=True,
                           text=True)
        if r.stdout.strip() != "3":
            return "TIFF orientation lost"
    elif data[4:8] == b"ftyp":
        return mp4_opens(data)
    elif data[:6] in (b"GIF89a", b"GIF87a") or data[8:12] == b"WEBP":
        try:
            im = Image.open(io.BytesIO(data))
            im.load()
            if data[:3] == b"GIF" and im.info.get("loop") != 0:
                return "GIF animation loop count lost"
        except Exception as e:  # noqa: BLE001
            return "PIL cannot decode: %s" % e
    elif data[:4] == b"FORM" and data[8:12] in (b"AIFF", b"AIFC"):
        import warnings
        warnings.simplefilter("ignore", DeprecationWarning)
        import aifc
        with aifc.open(io.BytesIO(data)) as w:
            if w.getnframes() != 800 or w.readframes(800) != b"\x00\x01" * 800:
                return "AIFF frames lost"
    elif data[8:12] == b"WAVE":
        import wave
        with wave.open(io.BytesIO(data)) as w:
            if w.getnframes() != 800:
                return "WAV frames lost"
    elif p.endswith((".mp3", ".flac", ".opus")):
        import mutagen
        f = mutagen.File(p)
        if f is None or (f.tags is not None and len(f.tags) > 0):
            return "mutagen cannot read it, or tags are left"
    elif p.endswith(".svg"):
        doc = xml.dom.minidom.parseString(data)
        hrefs = [i.getAttribute("xlink:href") for i in doc.getElementsByTagName("image")]
        if doc.documentElement.tagName != "svg" or not doc.getElementsByTagName("rect") or \
                not any(h.startswith("data:image/png;base64,") for h in hrefs):
            return "SVG content lost"
    elif p.endswith(".html"):
        if b"Hello" not in data or b"kept text" not in data or b"<img" not in data:
            return "HTML content lost"
    elif data[:2] == b"\x1f\x8b":
        import gzip
        if data[3] != 0 or data[4:8] != b"\0\0\0\0" or data[9] != 255:
            return "gzip header keeps flags (name, comment, extra), a time or the OS"
        try:
            inner = gzip.decompress(data)
        except (OSError, EOFError) as e:
            return "gzip: %s" % e
        if p.endswith(".txt.gz"):
            return None if inner == "des notes en français\n".encode() else "text changed"
        if inner[257:262] != b"ustar":
            return "gzip does not hold a TAR any more"
        return opens(p, inner, src)
    elif decompressed(data) is not None:
        kind, inner = decompressed(data)
        if inner is None:
            return "%s: does not decompress" % kind
        if data[:4] != b"\x28\xb5\x2f\xfd" and p.endswith(".zst"):
            return "zstd file does not start with a data frame (skippable frame kept)"
        if p.endswith(".txt.xz"):
            return None if inner == "des notes en français\n".encode() else "text changed"
        if inner[257:262] != b"ustar":
            return "%s: does not hold a TAR any more" % kind
        return opens(p, inner, src)
    elif data[257:262] == b"ustar":
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            for m in t.getmembers():
                if m.mtime != 0 or m.uid != 0 or m.uname or m.gname:
                    return "member header not normalised: " + m.name
    return None


def mp4_boxes(d, start, end):
    import struct
    while start < end:
        size, typ = struct.unpack(">I4s", d[start:start + 8])
        if size < 8 or start + size > end:
            raise ValueError("bad box size")
        yield typ, start, size
        start += size


def mp4_opens(data):
    """Box sizes add up, times are zero, the chunk offset finds the samples."""
    import struct
    try:
        def find(s, e, path):
            for t, st, sz in mp4_boxes(data, s, e):
                if t == path[0]:
                    return (st, sz) if len(path) == 1 else find(st + 8, st + sz, path[1:])
            raise ValueError("missing " + str(path))
        list(mp4_boxes(data, 0, len(data)))
        st, sz = find(0, len(data), [b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stco"])
        off = struct.unpack(">I", data[st + 16:st + 20])[0]
        st, sz = find(0, len(data), [b"moov", b"mvhd"])
        if data[st + 12:st + 20] != b"\0" * 8:
            return "mvhd times not zeroed"
    except (ValueError, struct.error) as e:
        return "MP4 structure: %s" % e
    return None if data[off:off + 11] == b"AUDIO-DATA-" else "stco does not point at the samples"


def zip_opens(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if z.testzip() is not None:
            return "bad CRC in member " + z.testzip()
        names = z.namelist()
        for i in z.infolist():
            if i.date_time != (1980, 1, 1, 0, 0, 0) or i.extra or i.comment:
                return "member header not normalised: %s %s" % (i.filename, i.date_time)
            if b"w:rsid" in z.read(i) or b"absPath" in z.read(i):
                return "revision ids or a file path left in " + i.filename
        for n in names:
            if n.endswith((".xml", ".rels")) and z.getinfo(n).file_size > 0:
                try:
                    xml.dom.minidom.parseString(z.read(n))
                except Exception as e:  # noqa: BLE001
                    return "member %s does not parse: %s" % (n, e)
            elif n.endswith((".jpg", ".jpeg", ".png")):
                Image.open(io.BytesIO(z.read(n))).load()
        if "OEBPS/content.opf" in names:
            opf = xml.dom.minidom.parseString(z.read("OEBPS/content.opf"))
            for n in ("ch1.xhtml", "Chapter one", "kept text", "style.css", 'epub:type="toc"'):
                if n.encode() not in z.read("OEBPS/content.opf") + z.read("OEBPS/ch1.xhtml"):
                    return "EPUB content or structure lost: " + n
            if not opf.getElementsByTagName("spine") or not opf.getElementsByTagName("dc:title"):
                return "EPUB package lost its spine or title"
            for n in names:
                if n.endswith((".xhtml", ".opf", ".ncx")):
                    try:
                        xml.dom.minidom.parseString(z.read(n))
                    except Exception as e:  # noqa: BLE001
                        return "EPUB member %s is not XML any more: %s" % (n, e)
        if "mimetype" in names and (names[0] != "mimetype" or
                                    z.getinfo("mimetype").compress_type != zipfile.ZIP_STORED):
            return "ODF mimetype is not the first, stored member"
        if "_rels/.rels" in names:
            rels = xml.dom.minidom.parseString(z.read("_rels/.rels"))
            for r in rels.getElementsByTagName("Relationship"):
                if r.getAttribute("Target").lstrip("/") not in names:
                    return "relationship to a missing member: " + r.getAttribute("Target")
    return None


def entry(name):
    for e in report["files"]:
        if e["input"].endswith("/" + name):
            return e
    return None


for name, want in sorted(manifest.items()):
    e = entry(name)
    src = open(os.path.join(fix, name), "rb").read()
    if e is None:
        fail("%s: not in the report" % name)
        continue
    if e["status"] != want["status"]:
        fail("%s: status %r, expected %r (%s)" % (name, e["status"], want["status"],
                                                  e.get("error", "")))
        continue
    p = os.path.join(out, e["output"])
    data = open(p, "rb").read()
    if want["status"] in ("cleaned", "not fully cleaned"):
        if want["canaries"] and not (leaks(src, name) or exif_leaks(os.path.join(fix, name))):
            fail("%s: control failed: no canary in the input" % name)
        # A file left on purpose with canaries where the cleaner does not
        # reach is honest.py's business (it must not be called cleaned).
        found = [] if want.get("left") else leaks(data, e["output"]) + exif_leaks(p)
        if found:
            fail("%s: canary left in %s" % (name, ", ".join(found)))
        why = opens(p, data, os.path.join(fix, name))
        if why:
            fail("%s: cleaned file does not open: %s" % (name, why))
        if not found and not why:
            passes += 1
    else:
        if not e["output"].startswith("uncleaned/") or data != src:
            fail("%s: original not kept byte for byte in uncleaned/" % name)
        elif want["status"] == "could not clean" and not e.get("error"):
            fail("%s: no error line in the report" % name)
        elif want["status"] == "uncleaned" and want.get("note") and \
                want["note"] not in e.get("error", ""):
            fail("%s: the report does not say why it is not cleaned (%r)" %
                 (name, e.get("error")))
        else:
            passes += 1

# The date scan sees the canary date in the inputs, in each encoding.
DATE_CONTROLS = {"archive.zip": "DOS time and date", "video.mp4": "QuickTime 1904",
                 "image.png": "PNG tIME", "document.pdf": "PDF D:", "photo.jpg": "EXIF",
                 "bundle.tar.gz": "Unix LE", "bundle.tar": "TAR octal",
                 "report.docx": "ISO 8601"}
for name, enc in DATE_CONTROLS.items():
    if enc not in all_date_hits(open(os.path.join(fix, name), "rb").read()):
        fail("%s: control failed: no canary date (%s) in the input" % (name, enc))

# Orientation survives, everything else of EXIF goes.
r = subprocess.run(["exiftool", "-n", "-Orientation", "-s3", os.path.join(out, "photo.jpg")],
                   capture_output=True, text=True)
if r.stdout.strip() != "6":
    fail("photo.jpg: orientation not kept (got %r)" % r.stdout.strip())
e = entry("photo-misnamed.txt")
if e is None or e["output"] != "photo-misnamed.txt.jpg":
    fail("a JPEG named .txt was not saved with a .jpg extension: %s" % (e or {}).get("output"))
left = [f for f in os.listdir(out) if f.startswith(".")]
if left:
    fail("temporary files left in --out: %s" % left)

for f in fails:
    print("FAIL: " + f)
print("%d passed, %d failed" % (passes, len(fails)))
sys.exit(1 if fails else 0)
