#!/usr/bin/python3
"""Write a large file of a streamed type as a sparse file, for the
streaming tests of media.sh.

usage: big_stream.py FORMAT OUT SIZE_MIB   (FORMAT: mkv)

The file is a valid header with canaries (SDCANARY...) in its metadata,
then one long payload whose first 16 bytes are "BIG-SAMPLES-HERE" and
whose rest is a hole, so it costs almost no disk until it is copied; it
ends SIZE_MIB MiB after its header. Prints the offset of the marker.
 - mkv: EBML header, a Segment (8-byte size) with Info (title, muxing and
   writing application), Tracks (one track with a name), Tags, and a
   Cluster whose one SimpleBlock is the payload.
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


def main():
    fmt, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3]) << 20
    if fmt == "mkv":
        head = mkv(size)
    else:
        sys.exit("unknown format " + fmt)
    with open(out, "wb") as f:
        f.write(head + b"BIG-SAMPLES-HERE")
        f.truncate(len(head) + size)
    print(len(head))


main()
