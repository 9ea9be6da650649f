#!/usr/bin/python3
"""Write a large file of a streamed type as a sparse file, for the
streaming tests of media.sh.

usage: big_stream.py FORMAT OUT SIZE_MIB   (FORMAT: mkv, avi, asf, wav, aiff, jpeg, flac, mp3)

The file is a valid header with canaries (SDCANARY...) in its metadata,
then one long payload whose first 16 bytes are "BIG-SAMPLES-HERE" and
whose rest is a hole, so it costs almost no disk until it is copied; it
ends SIZE_MIB MiB after its header. Prints the offset of the marker.
 - mkv: EBML header, a Segment (8-byte size) with Info (title, muxing and
   writing application), Tracks (one track with a name), Tags, and a
   Cluster whose one SimpleBlock is the payload.
 - avi: RIFF 'AVI ' with LIST hdrl (avih), LIST INFO (title, software)
   and LIST movi whose one chunk is the payload.
 - asf: a Header object (File Properties with a creation date, Content
   Description with a title and an author) and a Data object whose
   packets are the payload.
 - wav: RIFF 'WAVE' with fmt, LIST INFO (title, software) and a data
   chunk that is the payload.
 - aiff: FORM 'AIFF' with COMM, NAME and AUTH, and an SSND chunk that is
   the payload.
 - jpeg: SOI, EXIF (artist, orientation 6) and COM segments, a frame
   header and one scan whose entropy-coded data is the payload, EOI.
 - flac: STREAMINFO, a VORBIS_COMMENT block, then the payload as audio
   frames (a frame sync first).
 - mp3: an ID3v2 tag, then the payload as frames (a frame sync first).
"""
import struct, sys


def vsize(n):
    return bytes([0x01]) + n.to_bytes(7, "big")


def el(i, p):
    # one-byte sizes where they fit (libmagic reads the DocType so)
    return i + (bytes([0x80 | len(p)]) if len(p) < 127 else vsize(len(p))) + p


def mkv(size):
    ebml = el(b"\x1a\x45\xdf\xa3", el(b"\x42\x86", b"\x01") + el(b"\x42\x82", b"matroska") +
              el(b"\x42\x87", b"\x04") + el(b"\x42\x85", b"\x02"))
    info = el(b"\x15\x49\xa9\x66", el(b"\x2a\xd7\xb1", b"\x0f\x42\x40") +
              el(b"\x7b\xa9", b"SDCANARYbigtitle") + el(b"\x4d\x80", b"SDCANARYmuxer") +
              el(b"\x57\x41", b"SDCANARYwriter"))
    track = el(b"\xae", el(b"\xd7", b"\x01") + el(b"\x73\xc5", b"\x01") + el(b"\x83", b"\x01") +
               el(b"\x86", b"V_MPEG4/ISO/ASP") + el(b"\x53\x6e", b"SDCANARYtrack"))
    tracks = el(b"\x16\x54\xae\x6b", track)
    tags = el(b"\x12\x54\xc3\x67", el(b"\x73\x73", el(b"\x67\xc8", el(b"\x45\xa3", b"TITLE") +
                                                    el(b"\x44\x87", b"SDCANARYtag"))))
    block_head = b"\xa3" + vsize(4 + size)
    block_pre = b"\x81\x00\x00\x80"  # track 1, timestamp 0, keyframe
    cluster_body_len = 3 + len(block_head) + len(block_pre) + size
    cluster = b"\x1f\x43\xb6\x75" + vsize(cluster_body_len) + \
        b"\xe7\x81\x00" + block_head + block_pre
    body_len = len(info) + len(tracks) + len(tags) + len(cluster) + size
    head = ebml + b"\x18\x53\x80\x67" + vsize(body_len) + info + tracks + tags + cluster
    return head


def seg(m, p):
    return bytes([0xFF, m]) + struct.pack(">H", 2 + len(p)) + p


def jpeg():
    tiff = b"MM\0*" + struct.pack(">I", 8) + struct.pack(">H", 2) + \
        struct.pack(">HHII", 0x0112, 3, 1, 6 << 16) + \
        struct.pack(">HHII", 0x013B, 2, 12, 38) + struct.pack(">I", 0) + b"SDCANARYart\0"
    sof = seg(0xC0, b"\x08\x00\x10\x00\x10\x01\x01\x11\x00")
    sos = seg(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return b"\xff\xd8" + seg(0xE1, b"Exif\0\0" + tiff) + seg(0xFE, b"SDCANARYcomment") + sof + sos


def flac():
    info = bytes([0x00, 0, 0, 34]) + struct.pack(">HH", 4096, 4096) + bytes(6) + \
        bytes([0x0a, 0xc4, 0x40, 0xf0]) + bytes(20)
    vc = b"\x07\0\0\0SDCANARY\x01\0\0\0" + b"\x14\0\0\0TITLE=SDCANARYtitle\0"
    return b"fLaC" + info + bytes([0x84]) + len(vc).to_bytes(3, "big") + vc


def mp3():
    frame = b"TIT2" + struct.pack(">I", 15) + b"\0\0\0SDCANARYtitle"
    n = len(frame)
    return b"ID3\x03\0\0" + bytes([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127]) + frame


def chunk(i, p):
    return i + struct.pack("<I", len(p)) + p + (b"\0" if len(p) & 1 else b"")


def avi(size):
    hdrl = chunk(b"LIST", b"hdrl" + chunk(b"avih", bytes(56)))
    info = chunk(b"LIST", b"INFO" + chunk(b"INAM", b"SDCANARYtitle\0") +
                 chunk(b"ISFT", b"SDCANARYsoftware\0"))
    movi_head = b"LIST" + struct.pack("<I", 4 + 8 + size) + b"movi" + b"00dc" + \
        struct.pack("<I", size)
    body = b"AVI " + hdrl + info + movi_head
    return b"RIFF" + struct.pack("<I", len(body) + size) + body


def wav(size):
    fmt = chunk(b"fmt ", struct.pack("<HHIIHH", 1, 2, 48000, 192000, 4, 16))
    info = chunk(b"LIST", b"INFO" + chunk(b"INAM", b"SDCANARYtitle\0") +
                 chunk(b"ISFT", b"SDCANARYsoftware\0"))
    body = b"WAVE" + fmt + info + b"data" + struct.pack("<I", size)
    return b"RIFF" + struct.pack("<I", len(body) + size) + body


def aiff(size):
    def bchunk(i, p):
        return i + struct.pack(">I", len(p)) + p + (b"\0" if len(p) & 1 else b"")
    comm = bchunk(b"COMM", struct.pack(">hIh", 2, size // 4, 16) + bytes.fromhex("400ebb80000000000000"))
    body = b"AIFF" + comm + bchunk(b"NAME", b"SDCANARYname") + bchunk(b"AUTH", b"SDCANARYauthor") + \
        b"SSND" + struct.pack(">III", size + 8, 0, 0)
    return b"FORM" + struct.pack(">I", len(body) + size) + body


def guid(a, b, c, d):
    return struct.pack("<IHH", a, b, c) + bytes(d)


ASF_D = [0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C]


def asf(size):
    def obj(g, p):
        return g + struct.pack("<Q", 24 + len(p)) + p
    props = obj(guid(0x8CABDCA1, 0xA947, 0x11CF, [0x8E, 0xE4, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65]),
                bytes(16) + struct.pack("<QQ", 0, 125911548490000000) + bytes(56))
    title, author = "SDCANARYtitle\0".encode("utf-16-le"), "SDCANARYauthor\0".encode("utf-16-le")
    desc = obj(guid(0x75B22633, 0x668E, 0x11CF, ASF_D),
               struct.pack("<HHHHH", len(title), len(author), 0, 0, 0) + title + author)
    header = obj(guid(0x75B22630, 0x668E, 0x11CF, ASF_D), struct.pack("<IBB", 2, 1, 2) + props + desc)
    data = guid(0x75B22636, 0x668E, 0x11CF, ASF_D) + struct.pack("<Q", 50 + size) + bytes(16) + \
        struct.pack("<Q", 0) + b"\x01\x01"
    return header + data


def main():
    fmt, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3]) << 20
    sync, tail = b"", b""
    if fmt == "mkv":
        head = mkv(size)
    elif fmt == "avi":
        head = avi(size)
    elif fmt == "wav":
        head = wav(size)
    elif fmt == "aiff":
        head = aiff(size)
    elif fmt == "asf":
        head = asf(size)
    elif fmt == "jpeg":
        head, tail = jpeg(), b"\xff\xd9"
    elif fmt == "flac":
        head, sync = flac(), b"\xff\xf8"
    elif fmt == "mp3":
        head, sync = mp3(), b"\xff\xfb\x90\x00"
    else:
        sys.exit("unknown format " + fmt)
    head += sync
    with open(out, "wb") as f:
        f.write(head + b"BIG-SAMPLES-HERE")
        f.truncate(len(head) + size - len(tail))
        f.seek(0, 2)
        f.write(tail)
    print(len(head))


main()
