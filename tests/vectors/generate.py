#!/usr/bin/env python3
"""Regenerate the .sdbox version 2 test vectors in this directory.

    python3 tests/vectors/generate.py build/dev

Writes good-*.sdbox with good-*.expected (exact plaintext) and good-*.name
(the name sealdrop-open gives the output), and bad-*.sdbox that every reader
must refuse. The files are committed: readers are tested against fixed
bytes, and a writer change that alters the format shows up as a diff. Each
bad vector says in its name what is wrong with it; docs/spool-format.md
lists them.

The keys are made only when missing: key.key/key.pass (the recipient,
argon2id "interactive" level so tests stay fast; its secret key is also in
tests/fuzz/fuzz_sdbox_reader.c and tests/unit/test_sdbox.c) and other.pub (a
key that is not a recipient). v1/ holds the version 1 vectors, made by the
version 1 writer and kept as they are (readers must go on opening existing
spools); this script only adds bad-forged-final-of-other-version there.
"""
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED, STANZA, SSHDR, MAC = 12, 80, 24, 32
META_FRAME = 4 + 1 + 1024 + 17
DATA_FRAME = 4 + 1 + 65536 + 17
FINAL_FRAME = 4 + 1 + 65544 + 17
TIME = 1700000000


def run(*args, **kw):
    subprocess.run(list(args), check=True, **kw)


def hdr_len(n):
    return FIXED + n * STANZA + SSHDR + MAC


def frames(data):
    """(offset, length) of every frame after the header."""
    off, out = hdr_len(data[10]), []
    while off < len(data):
        (clen,) = struct.unpack_from("<I", data, off)
        out.append((off, 4 + clen))
        off += 4 + clen
    return out


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def main(build):
    tools = os.path.join(build, "tools")
    ttools = os.path.join(build, "tests")
    keygen = os.path.join(tools, "sealdrop-keygen")
    seal = os.path.join(ttools, "sdseal")
    forge = os.path.join(ttools, "sdforge")
    for f in os.listdir(HERE):
        if f.endswith((".sdbox", ".expected", ".name")):
            os.unlink(os.path.join(HERE, f))
    kp = os.path.join(HERE, "key.pass")
    pub = os.path.join(HERE, "key.pub")
    other = os.path.join(HERE, "other.pub")
    if not os.path.exists(pub):
        write("key.pass", b"correct horse battery staple vector\n")
        run(keygen, "--out", os.path.join(HERE, "key.key"), "--passphrase-file", kp,
            "--kdf", "interactive", stdout=subprocess.DEVNULL)
    if not os.path.exists(other):
        run(keygen, "--out", os.path.join(HERE, "other.key"), "--passphrase-file", kp,
            "--kdf", "interactive", stdout=subprocess.DEVNULL)
        os.unlink(os.path.join(HERE, "other.key"))
    tmp = tempfile.mkdtemp()

    def good(name, content, expect_name, *opts, recipients=(pub,)):
        src = os.path.join(tmp, name + ".in")
        with open(src, "wb") as f:
            f.write(content)
        out = os.path.join(HERE, "good-%s.sdbox" % name)
        args = [seal, "--time", str(TIME)] + list(opts)
        for r in recipients:
            args += ["--recipient", r]
        run(*args, src, out)
        write("good-%s.expected" % name, content)
        write("good-%s.name" % name, expect_name.encode() + b"\n")
        return open(out, "rb").read()

    pattern = bytes((i * 131 + (i >> 9)) & 0xFF for i in range(8 * 65536 + 1))
    good("message", "Bonjour, voici les documents.\nHello.\n".encode(), "unsorted/message.txt",
         "--kind", "message", "--ref", "src-4f2a")
    good("empty", b"", "unsorted/empty.txt", "--name", "empty.txt", "--mime", "text/plain")
    small = good("small", b"hello, sealdrop\n", "unsorted/hello.txt", "--name", "hello.txt")
    good("one-frame", pattern[:65536], "unsorted/uncleaned/one-frame.bin.uncleaned", "--name", "one-frame.bin")
    one = good("two-frames", pattern[:65536 + 100], "unsorted/uncleaned/scan.pdf.uncleaned", "--name", "scan.pdf",
               "--mime", "application/pdf")
    two = good("three-frames", pattern[:2 * 65536 + 100], "unsorted/uncleaned/three.bin.uncleaned", "--name", "three.bin")
    good("padded", pattern, "unsorted/uncleaned/padded.bin.uncleaned", "--name", "padded.bin")
    # Text whose name is not a text extension gets ".txt" appended
    # (docs/decisions.md, "Extensions of cleaned files").
    good("hostile-name", b"name test\n", "unsorted/passwd.txt", "--name", "../../etc/passwd")
    good("unicode-name", "é".encode() * 10, "unsorted/rapport-été.odt.txt", "--name", "rapport-été.odt")
    good("reply", b"Thank you. We will be in touch.\n", "unsorted/reply.txt", "--kind", "reply")
    good("three-recipients", b"for three\n", "unsorted/three.txt", "--name", "three.txt",
         recipients=(other, pub, other))
    run(forge, "valid", pub, os.path.join(HERE, "good-forged.sdbox"))
    write("good-forged.expected", b"A" * 65536 + b"C" * 100)
    write("good-forged.name", b"unsorted/forged.bin.txt\n")

    bad = {}
    h = hdr_len(1)

    def flip(base, pos, bit=0x01):
        b = bytearray(base)
        b[pos] ^= bit
        return bytes(b)

    # Header: truncations and one flipped bit in every region ("small" is
    # header, metadata frame, final frame).
    bad["truncated-empty"] = b""
    bad["truncated-in-magic"] = small[:5]
    bad["truncated-in-stanza"] = small[:FIXED + 40]
    bad["truncated-after-header"] = small[:h]
    bad["flip-magic"] = flip(small, 1)
    bad["flip-version"] = flip(small, 8)
    # Relabelled as version 1 (the version byte is under the header MAC).
    bad["version-1-label"] = flip(small, 8, 0x03)
    bad["flip-flags"] = flip(small, 9)
    bad["flip-count"] = flip(small, 10, 0x02)
    bad["flip-reserved"] = flip(small, 11)
    bad["flip-stanza"] = flip(small, FIXED + 50)
    bad["flip-stanza-ephemeral"] = flip(small, FIXED + 3)
    bad["flip-stream-header"] = flip(small, FIXED + STANZA + 5)
    bad["flip-mac"] = flip(small, FIXED + STANZA + SSHDR + 7)
    # Every frame of "two-frames" (metadata, content, final): cut before it,
    # in its length, in its middle, before its last byte; a bit flipped in
    # its length, first, middle and last (tag) byte.
    for i, (off, ln) in enumerate(frames(one)):
        kind = ("meta", "content", "final")[i]
        bad["truncated-before-%s" % kind] = one[:off]
        bad["truncated-in-%s-length" % kind] = one[:off + 2]
        bad["truncated-mid-%s" % kind] = one[:off + ln // 2]
        bad["truncated-%s-last-byte" % kind] = one[:off + ln - 1]
        bad["flip-%s-length" % kind] = flip(one, off + 1)
        bad["flip-%s-first" % kind] = flip(one, off + 4)
        bad["flip-%s-middle" % kind] = flip(one, off + ln // 2)
        bad["flip-%s-last" % kind] = flip(one, off + ln - 1)
    bad["trailing-byte"] = small + b"\0"
    bad["trailing-frame"] = small + small[frames(small)[1][0]:]
    other_file = good("swap-source", b"another file\n", "x", "--name", "x")
    for ext in (".sdbox", ".expected", ".name"):
        os.unlink(os.path.join(HERE, "good-swap-source" + ext))
    bad["stanza-swapped"] = small[:FIXED] + other_file[FIXED:FIXED + STANZA] + small[FIXED + STANZA:]
    bad["header-swapped"] = other_file[:h] + small[h:]
    bad["meta-swapped"] = small[:h] + other_file[h:]
    # Order: "three-frames" is metadata, content, content, final.
    fr = frames(two)
    (o1, l1), (o2, l2) = fr[1], fr[2]
    c1, c2 = two[o1:o1 + l1], two[o2:o2 + l2]
    bad["frames-reordered"] = two[:o1] + c2 + c1 + two[o2 + l2:]
    bad["frame-duplicated"] = two[:o2] + c1 + two[o2 + l2:]
    bad["frame-repeated"] = two[:o2] + c1 + two[o2:]
    bad["frame-dropped"] = two[:o1] + two[o2:]
    bad["final-dropped"] = one[:frames(one)[-1][0]]
    bad["meta-dropped"] = one[:h] + one[frames(one)[1][0]:]
    for name, value in (("over-bound", 0x7FFFFFFF), ("max", 0xFFFFFFFF), ("too-small", 17),
                        ("data-size-for-meta", 1 + 65536 + 17)):
        b = bytearray(small if name != "data-size-for-meta" else one)
        struct.pack_into("<I", b, h, value)
        bad["length-" + name] = bytes(b)
    b = bytearray(small)
    b[10] = 0
    bad["zero-recipients"] = bytes(b)
    b[10] = 33
    bad["too-many-recipients"] = bytes(b)
    bad["not-sdbox"] = b"%PDF-1.7\n" + small[9:]
    for name, data in bad.items():
        write("bad-%s.sdbox" % name, data)
    wrong = os.path.join(tmp, "w.in")
    with open(wrong, "wb") as f:
        f.write(b"not for you\n")
    run(seal, "--recipient", other, wrong, os.path.join(HERE, "bad-wrong-key.sdbox"))
    for mode in ("missing-meta", "meta-tag-message", "meta-bad-kind", "meta-time-unrounded",
                 "meta-nul-in-name", "meta-nonzero-tail", "no-final", "content-after-padding",
                 "padding-nonzero", "unknown-frame-type", "final-gap-nonzero",
                 "trailer-length-mismatch", "trailer-length-short", "final-tag-message", "frame-after-final",
                 "final-of-other-version"):
        run(forge, mode, pub, os.path.join(HERE, "bad-forged-%s.sdbox" % mode))
    # A version 1 file whose final frame has version 2's length: the one
    # version 1 vector this script makes (the others came from the v1 writer).
    v1bad = os.path.join(HERE, "v1", "bad-forged-final-of-other-version.sdbox")
    if os.path.exists(v1bad):
        os.unlink(v1bad)
    run(forge, "-1", "final-of-other-version", pub, v1bad)
    print("vectors written to", HERE)


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/dev"))
