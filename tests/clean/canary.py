"""Where a canary shows in a file: shared by check.py and bench/clean.sh.

leaks(data, where) looks in the raw bytes (ASCII, UTF-16LE, UTF-16BE and
hexadecimal as in PDF hex strings, either case), in every
member of a ZIP container (recursively, including archive and member
comments and extra fields), in the data and header of a gzip file, in the
decompressed data of an xz, bzip2 or zstd file (zstd skippable frames are
seen in the raw bytes), and in the decompressed objects of a PDF
(qpdf --qdf). exif_leaks(path) looks in exiftool's output (which decodes
compressed PNG text chunks, XMP and EXIF).

The fixtures also write one canary date, 1999-09-09 09:09:09 UTC, into
every date field they have; date_hit(data) finds it in any of the
encodings formats store dates in (DATES below), and leaks() reports it as
"date canary (<encoding>)" wherever it looks for canaries.
"""
import io
import subprocess
import tarfile
import zipfile

import struct

CANARY = b"SDCANARY"
CANARY_DATE = (1999, 9, 9, 9, 9, 9)
_UNIX = 936868149  # calendar.timegm(CANARY_DATE)


def _dates():
    y, mo, d, h, mi, s = CANARY_DATE
    text = [("EXIF", b"1999:09:09 09:09:09"), ("PDF D:", b"19990909090909"),
            ("ISO 8601", b"1999-09-09"), ("Unix decimal", str(_UNIX).encode()),
            ("TAR octal", b"%o" % _UNIX), ("e-mail", b"9 Sep 1999")]
    out = [("DOS time and date", struct.pack("<HH", h << 11 | mi << 5 | s // 2,
                                              (y - 1980) << 9 | mo << 5 | d)),
           ("QuickTime 1904", struct.pack(">I", _UNIX + 2082844800)),
           ("FILETIME", struct.pack("<Q", (_UNIX + 11644473600) * 10 ** 7)),
           ("PNG tIME", struct.pack(">HBBBBB", *CANARY_DATE)),
           ("Unix LE", struct.pack("<I", _UNIX)), ("Unix BE", struct.pack(">I", _UNIX)),
           ("Matroska DateUTC", struct.pack(">q", (_UNIX - 978307200) * 10 ** 9))]
    for n, t in text:
        out += [(n, t), (n + ", UTF-16LE", t.decode().encode("utf-16-le")),
                (n + ", UTF-16BE", t.decode().encode("utf-16-be")), (n + ", hex", t.hex().encode()),
                (n + ", hex", t.hex().upper().encode())]
    return out


DATES = _dates()


def date_hits(data):
    """Every encoding in which the canary date shows in data."""
    return {n for n, enc in DATES if enc in data}


def all_date_hits(data, depth=0):
    """date_hits over data, its ZIP and TAR members and its decompressed
    data (recursively)."""
    hits = date_hits(data)
    if depth >= 8:
        return hits
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for i in z.infolist():
                    hits |= all_date_hits(z.read(i), depth + 1)
        except (zipfile.BadZipFile, NotImplementedError):
            pass
    d = decompressed(data)
    if data[:2] == b"\x1f\x8b":
        import gzip
        try:
            d = ("gunzip", gzip.decompress(data))
        except (OSError, EOFError):
            d = None
    if d is not None and d[1] is not None:
        hits |= all_date_hits(d[1], depth + 1)
    if data[257:262] == b"ustar":
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            for m in t.getmembers():
                if m.isfile():
                    hits |= all_date_hits(t.extractfile(m).read(), depth + 1)
    return hits


def date_hit(data):
    """The encoding in which the canary date shows in data, or None."""
    for n, enc in DATES:
        if enc in data:
            return n
    return None
ENCODINGS = [CANARY, CANARY.decode().encode("utf-16-le"), CANARY.decode().encode("utf-16-be"),
             CANARY.hex().encode(), CANARY.hex().upper().encode()]


def raw_hit(data):
    """The encoding in which a canary shows in data, or None."""
    names = ["plain", "UTF-16LE", "UTF-16BE", "hex", "hex"]
    for n, enc in zip(names, ENCODINGS):
        if enc in data:
            return n
    return None


def decompressed(data):
    """(name, bytes) of an xz, bzip2 or zstd file, bytes None when it does
    not decompress; None when data is none of them."""
    import bz2
    import lzma
    try:
        if data[:6] == b"\xfd7zXZ\x00":
            return "unxz", lzma.decompress(data)
        if data[:3] == b"BZh":
            return "bunzip2", bz2.decompress(data)
    except (OSError, EOFError, ValueError, lzma.LZMAError):
        return "decompressed", None
    skippable = len(data) >= 4 and data[1:4] == b"\x2a\x4d\x18" and data[0] & 0xF0 == 0x50
    if data[:4] == b"\x28\xb5\x2f\xfd" or skippable:
        r = subprocess.run(["zstd", "-q", "-d", "-c"], input=data, capture_output=True)
        return "unzstd", (r.stdout if r.returncode == 0 else None)
    return None


def leaks(data, where, depth=0):
    found = []
    hit = raw_hit(data)
    if hit:
        found.append(where + ("" if hit == "plain" else " (%s)" % hit))
    hit = date_hit(data)
    if hit:
        found.append(where + " (date canary, %s)" % hit)
    if data[:4] == b"PK\x03\x04" and depth < 8:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if z.comment and CANARY in z.comment:
                    found.append(where + " (archive comment)")
                for i in z.infolist():
                    if CANARY in i.comment or CANARY in i.extra:
                        found.append(where + ":" + i.filename + " (header)")
                    found += leaks(z.read(i), where + ":" + i.filename, depth + 1)
        except (zipfile.BadZipFile, NotImplementedError):
            pass
    if data[:5] == b"%PDF-":
        r = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", "-", "-"],
                           input=data, capture_output=True)
        hit = raw_hit(r.stdout)
        if hit:
            found.append(where + " (decompressed PDF objects, %s)" % hit)
        hit = date_hit(r.stdout)
        if hit:
            found.append(where + " (decompressed PDF objects, date canary, %s)" % hit)
    if data[:2] == b"\x1f\x8b" and depth < 8:
        import gzip
        try:
            found += leaks(gzip.decompress(data), where + " (gunzipped)", depth + 1)
        except (OSError, EOFError):
            found.append(where + " (gzip data does not decompress)")
    d = decompressed(data) if depth < 8 else None
    if d is not None:
        if d[1] is None:
            found.append(where + " (%s data does not decompress)" % d[0])
        else:
            found += leaks(d[1], where + " (%s)" % d[0], depth + 1)
    if data[257:262] == b"ustar" and depth < 8:
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            for m in t.getmembers():
                if CANARY.decode() in m.uname + m.gname + str(m.pax_headers):
                    found.append(where + ":" + m.name + " (header)")
                if int(m.mtime) == _UNIX:
                    found.append(where + ":" + m.name + " (header, date canary)")
                if m.isfile():
                    found += leaks(t.extractfile(m).read(), where + ":" + m.name, depth + 1)
    return found


def exif_leaks(p):
    r = subprocess.run(["exiftool", "-a", "-u", "-G1", "-ee", p], capture_output=True)
    found = [p + " (exiftool)"] if CANARY in r.stdout else []
    if b"1999:09:09 09:09:0" in r.stdout:  # exiftool's own date format
        found.append(p + " (exiftool, date canary)")
    return found


def count(path):
    """Number of distinct canaries (SDCANARY<field>) left in a file, all views."""
    import re
    data = open(path, "rb").read()
    views = [data]
    if data[:4] == b"PK\x03\x04":
        def members(d, depth=0):
            out = []
            try:
                with zipfile.ZipFile(io.BytesIO(d)) as z:
                    out.append(z.comment)
                    for i in z.infolist():
                        m = z.read(i)
                        out += [m, i.comment, i.extra]
                        if m[:4] == b"PK\x03\x04" and depth < 8:
                            out += members(m, depth + 1)
            except (zipfile.BadZipFile, NotImplementedError):
                pass
            return out
        views += members(data)
    if data[:2] == b"\x1f\x8b":
        import gzip
        views.append(gzip.decompress(data))
    d = decompressed(data)
    if d is not None and d[1] is not None:
        views.append(d[1])
    if data[:5] == b"%PDF-":
        views.append(subprocess.run(["qpdf", "--qdf", "--object-streams=disable", "-", "-"],
                                    input=data, capture_output=True).stdout)
    views.append(subprocess.run(["exiftool", "-a", "-u", "-G1", "-ee", path],
                                capture_output=True).stdout)
    names = set()
    for v in views:
        if date_hit(v):
            names.add(b"date:" + date_hit(v).encode())
        names.update(re.findall(rb"SDCANARY[a-z]*", v))
        names.update(re.findall(rb"534443414e415259(?:[67][0-9a-f])*", v,
                                re.I))
        names.update(n.decode("utf-16-be").encode() for n in
                     re.findall(rb"\0S\0D\0C\0A\0N\0A\0R\0Y(?:\0[a-z])*", v))
        names.update(n.decode("utf-16-le").encode() for n in
                     re.findall(rb"S\0D\0C\0A\0N\0A\0R\0Y\0(?:[a-z]\0)*", v))
    return len(names)
