#!/usr/bin/python3
"""Write a large MP4 as a sparse file, for the streaming test and the bench.

usage: big_mp4.py OUT SIZE_MIB

One track whose only sample is at the start of the media data (16 bytes,
"BIG-SAMPLES-HERE"); the rest of the mdat box (64-bit size) is a hole, so
the file costs almost no disk until it is copied. A canary is in the
movie's user data and in a free box; the header times are set.
"""
import struct, sys
def box(t, p): return struct.pack(">I", 8 + len(p)) + t + p
def full(t, v, p): return box(t, bytes([v, 0, 0, 0]) + p)
size = int(sys.argv[2]) << 20
ftyp = box(b"ftyp", b"isom\0\0\x02\0isomiso2mp41")
def moov(off):
    stbl = box(b"stbl", full(b"stsd", 0, struct.pack(">I", 0)) +
               full(b"stts", 0, struct.pack(">III", 1, 1, 1)) +
               full(b"stsc", 0, struct.pack(">IIII", 1, 1, 1, 1)) +
               full(b"stsz", 0, struct.pack(">III", 0, 1, 16)) +
               full(b"stco", 0, struct.pack(">II", 1, off)))
    trak = box(b"trak", full(b"tkhd", 0, struct.pack(">II", 1600000000, 1600000000) + bytes(76)) +
               box(b"mdia", full(b"mdhd", 0, struct.pack(">II", 1600000000, 1600000000) + bytes(12)) +
                   box(b"minf", stbl)))
    udta = box(b"udta", box(b"\xa9nam", b"SDCANARYbigtitle"))
    return box(b"moov", full(b"mvhd", 0, struct.pack(">II", 1600000000, 1600000000) + bytes(92)) +
               trak + udta)
head = ftyp + box(b"free", b"SDCANARYfree")
m = moov(0)
off = len(head) + len(m) + 16
head += moov(off)
with open(sys.argv[1], "wb") as f:
    f.write(head + struct.pack(">I4sQ", 1, b"mdat", size + 16) + b"BIG-SAMPLES-HERE")
    f.truncate(len(head) + 16 + size)
