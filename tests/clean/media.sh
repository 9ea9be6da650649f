#!/usr/bin/env bash
# Video and audio in ISO boxes, made by ffmpeg as phones, screen recorders
# and converters write them, cleaned through the real sealdrop-open:
#  1. MP4, MOV, fragmented MP4 (both base-offset modes), fragmented M4A,
#     Matroska (with chapters and an attachment), WebM and a WebM written
#     to a pipe (unknown sizes, as browsers record), AVI, WMV and WMA, with canaries in the
#     title, artist, comment, location, creation time (the canary date
#     1999-09-09 09:09:09, which the MP4, Matroska and ASF inputs must hold
#     in their own binary encodings), track name, chapter name and
#     attachment (Matroska: no tag, name or chapter left either): each holds
#     them before, is reported "cleaned" and holds none after (raw bytes in
#     every encoding, dates in every encoding of canary.py, exiftool), and
#     still plays the
#     same: ffmpeg decodes the same frames and samples (framemd5), with the
#     same streams and duration;
#  2. a 1.5 GiB MP4 (a sparse file: the media data is mostly zeros), larger
#     than any file cleaned in memory, is cleaned by streaming: reported
#     "cleaned", its samples found where its moved chunk offset points, and
#     the cleaner's peak memory (the largest child's maximum resident set)
#     stays under 200 MiB;
#  3. the same for 1.1 GiB Matroska, AVI, ASF, WAV, AIFF, JPEG, FLAC and
#     MP3 files
#     (big_stream.py: canaries in their metadata, one huge payload):
#     reported "cleaned", the canaries gone, the payload kept (Matroska,
#     AVI and ASF: where it was, the size the same);
#  4. with REPLAY_STREAM (tests/fuzz's replay_clean_stream), every fixture
#     of 1 and 1b is cleaned both in memory and streamed from descriptor to
#     descriptor: the same result and the same bytes.
# Skipped (77) without ffmpeg.
# usage: media.sh SEALDROP_OPEN [REPLAY_STREAM]
set -u
open=$1
replay=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-/usr/bin/python3}
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || {
	echo "SKIP: ffmpeg is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

mkdir "$work/in"
ff=(ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=10 -f lavfi
	-i sine=frequency=440:sample_rate=8000 -t 2 -c:v mpeg4 -c:a aac
	-metadata title=SDCANARYtitle -metadata artist=SDCANARYartist
	-metadata comment=SDCANARYcomment -metadata location=+48.8566+002.3522/
	-metadata creation_time=1999-09-09T09:09:09Z)
"${ff[@]}" "$work/in/plain.mp4" &&
	"${ff[@]}" -f mov "$work/in/clip.mov" &&
	"${ff[@]}" -movflags +frag_keyframe+empty_moov "$work/in/frag.mp4" &&
	"${ff[@]}" -movflags +frag_keyframe+empty_moov+default_base_moof "$work/in/fragmoof.mp4" &&
	ffmpeg -v error -y -f lavfi -i sine=frequency=440:sample_rate=8000 -t 2 -c:a aac \
		-metadata title=SDCANARYtitle -metadata artist=SDCANARYartist \
		-movflags +frag_keyframe+empty_moov "$work/in/voice.m4a" &&
	printf ';FFMETADATA1\ntitle=SDCANARYtitle\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=SDCANARYchapter\n' \
		>"$work/meta.txt" && echo SDCANARYattachment >"$work/font.ttf" &&
	ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=10 -f lavfi \
		-i sine=frequency=440:sample_rate=8000 -i "$work/meta.txt" -map 0 -map 1 \
		-map_metadata 2 -map_chapters 2 -t 2 -c:v mpeg4 -c:a aac \
		-metadata artist=SDCANARYartist -metadata comment=SDCANARYcomment \
		-metadata creation_time=1999-09-09T09:09:09Z \
		-metadata:s:v:0 title=SDCANARYtrack -attach "$work/font.ttf" \
		-metadata:s:t mimetype=application/x-truetype-font \
		-metadata:s:t filename=SDCANARYfilename.ttf "$work/in/movie.mkv" &&
	"${ff[@]/aac/libopus}" -metadata:s:v:0 title=SDCANARYtrack -c:v libvpx "$work/in/clip.webm" &&
	"${ff[@]/aac/libopus}" -c:v libvpx -f webm pipe:1 >"$work/in/recording.webm" &&
	"${ff[@]/aac/pcm_s16le}" -metadata copyright=SDCANARYcopyright \
		-metadata:s:v:0 title=SDCANARYstream "$work/in/camera.avi" &&
	"${ff[@]/aac/wmav2}" -c:v wmv2 -metadata copyright=SDCANARYcopyright \
		-metadata genre=SDCANARYgenre -metadata album=SDCANARYalbum "$work/in/clip.wmv" &&
	ffmpeg -v error -y -f lavfi -i sine=frequency=440:sample_rate=8000 -t 2 -c:a wmav2 \
		-metadata title=SDCANARYtitle -metadata artist=SDCANARYartist \
		-metadata creation_time=1999-09-09T09:09:09Z "$work/in/voice.wma" || {
	echo "FAIL: ffmpeg could not make the fixtures"; exit 1; }

"$open" --quiet --clean-only --out "$work/out" "$work"/in/* 2>"$work/err" && ok ||
	ko "clean run: $(cat "$work/err")"
"$py" - "$here" "$work" <<'PY' && ok || ko "media fixtures"
import json, os, subprocess, sys
sys.path.insert(0, sys.argv[1])
from canary import all_date_hits, exif_leaks, leaks
work = sys.argv[2]
rep = {os.path.basename(e["input"]): e for e in
       json.load(open(os.path.join(work, "out", "report.json")))["files"]}
def probe(p):
    """Duration and the video and audio streams (a Matroska attachment is
    a stream to ffprobe: it is removed on purpose)."""
    r = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                        "format=duration:stream=codec_type,codec_name", "-of", "json", p],
                       capture_output=True, text=True, check=True)
    j = json.loads(r.stdout)
    j["streams"] = [s for s in j["streams"] if s["codec_type"] != "attachment"]
    return j
def tags(p):
    r = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                        "format_tags:stream_tags:chapter", "-of", "json", p],
                       capture_output=True, text=True, check=True)
    j = json.loads(r.stdout)
    return [x for x in [j.get("format", {}).get("tags")] +
            [s.get("tags") for s in j.get("streams", [])] + j.get("chapters", []) if x]
def frames(p):
    r = subprocess.run(["ffmpeg", "-v", "error", "-i", p, "-f", "framemd5", "-"],
                       capture_output=True, text=True, check=True)
    return [l for l in r.stdout.splitlines() if not l.startswith("#")]
bad = []
# Control: the canary date is in the inputs in each container's own binary
# encoding (QuickTime 1904 seconds, Matroska nanoseconds, ASF FILETIME).
for n, enc in (("plain.mp4", "QuickTime 1904"), ("movie.mkv", "Matroska DateUTC"),
               ("voice.wma", "FILETIME")):
    if enc not in all_date_hits(open(os.path.join(work, "in", n), "rb").read()):
        bad.append("%s: control: no canary date (%s) in the input" % (n, enc))
for n in sorted(os.listdir(os.path.join(work, "in"))):
    src, e = os.path.join(work, "in", n), rep.get(n)
    if e is None or e["status"] != "cleaned":
        bad.append("%s: %s" % (n, e and (e["status"], e.get("error"))))
        continue
    out = os.path.join(work, "out", e["output"])
    if not leaks(open(src, "rb").read(), n) or not exif_leaks(src):
        bad.append(n + ": control: no canary before cleaning")
    left = leaks(open(out, "rb").read(), n) + exif_leaks(out)
    if left:
        bad.append(n + ": canary left: " + ", ".join(left))
    t = subprocess.run(["exiftool", "-s3", "-CreateDate", "-CreationDate", out], capture_output=True,
                       text=True).stdout
    if "1999" in t:
        bad.append(n + ": creation time left: " + t.strip())
    if probe(src) != probe(out):
        bad.append("%s: streams or duration differ: %s / %s" % (n, probe(src), probe(out)))
    if n.endswith((".mkv", ".webm", ".avi", ".wmv", ".wma")) and tags(out):
        bad.append(n + ": tags, names or chapters left: %s" % tags(out))
    if frames(src) != frames(out):
        bad.append(n + ": decoded frames or samples differ")
for b in bad:
    print("FAIL: " + b)
sys.exit(1 if bad else 0)
PY

# 1b. a Matroska file with an ASS subtitle track: its header (free text,
# "Original Script: ...") is kept, so the file is "not fully cleaned"
mkdir "$work/sub"
printf '1\n00:00:00,000 --> 00:00:01,000\nhello\n' >"$work/s.srt"
if ffmpeg -v error -y -i "$work/s.srt" -c:s ass "$work/s.ass" &&
	ffmpeg -v error -y -f lavfi -i testsrc=size=16x16:rate=5 -i "$work/s.ass" -map 0 -map 1 \
		-t 1 -c:v mpeg4 -c:s copy "$work/sub/subtitled.mkv" &&
	"$open" --quiet --clean-only --out "$work/subout" "$work/sub/subtitled.mkv" 2>"$work/err" &&
	grep -q '"status": *"not fully cleaned"' "$work/subout/report.json" &&
	grep -q 'subtitle track header' "$work/subout/report.json"; then ok
else ko "a subtitled Matroska file is not reported not fully cleaned"; fi

# 2. a file over the in-memory limit, streamed in bounded memory
"$py" "$here/big_mp4.py" "$work/big.mp4" 1536 ||
	{ echo "FAIL: could not make the big MP4"; exit 1; }
"$py" - "$open" "$work" <<'PY' && ok || ko "big MP4 streamed in bounded memory"
import json, os, resource, struct, subprocess, sys
op, work = sys.argv[1], sys.argv[2]
r = subprocess.run([op, "--quiet", "--clean-only", "--out", work + "/bigout", work + "/big.mp4"],
                   capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
e = json.load(open(work + "/bigout/report.json"))["files"][0]
print("big MP4: %s, peak memory %d MiB" % (e["status"], peak))
assert r.returncode == 0 and e["status"] == "cleaned", (r.stderr, e)
with open(work + "/bigout/" + e["output"], "rb") as f:
    d = f.read(1 << 16)
    assert b"SDCANARY" not in d, "canary left in the header"
    i = d.index(b"stco")
    off = struct.unpack(">I", d[i + 12:i + 16])[0]
    f.seek(off)
    assert f.read(16) == b"BIG-SAMPLES-HERE", "chunk offset does not find the samples"
    f.seek(0, 2)
    assert f.tell() >= 1536 << 20, "media data lost"
assert peak < 200, "peak memory %d MiB" % peak
PY

# 3. Matroska, AVI, ASF, WAV, AIFF, JPEG, FLAC and MP3 files over the in-memory limit,
# streamed in bounded memory (one at a time: each is written out whole)
rm -rf "$work/bigout" "$work/big.mp4"
for f in mkv avi asf wav aiff jpeg flac mp3; do
	mark=$("$py" "$here/big_stream.py" $f "$work/big.$f" 1100) ||
		{ echo "FAIL: could not make the big $f file"; exit 1; }
	"$py" - "$open" "$work" big.$f "$mark" <<'PY' && ok || ko "big $f streamed in bounded memory"
import json, os, resource, subprocess, sys
op, work, name, mark = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
src = os.path.join(work, name)
r = subprocess.run([op, "--quiet", "--clean-only", "--out", work + "/bigout", src],
                   capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
e = json.load(open(work + "/bigout/report.json"))["files"][0]
print("big %s: %s, peak memory %d MiB" % (name, e["status"], peak))
assert r.returncode == 0 and e["status"] == "cleaned", (r.stderr, e)
out = work + "/bigout/" + e["output"]
with open(out, "rb") as f:
    d = f.read(1 << 16)
    assert b"SDCANARY" not in d, "canary left in the header"
    if name.endswith((".mkv", ".avi", ".asf")):  # cleaned in place
        f.seek(mark)
        assert f.read(16) == b"BIG-SAMPLES-HERE", "the payload is not where it was"
    else:
        assert b"BIG-SAMPLES-HERE" in d, "the payload is not after the header"
    f.seek(-2, 2)
    end = f.read(2)
have, want = os.path.getsize(out), os.path.getsize(src)
if name.endswith((".mkv", ".avi", ".asf")):
    assert have == want, "size changed"
else:
    assert want - mark <= have <= want, "payload lost: %d of %d bytes" % (have, want)
if name.endswith(".jpeg"):
    assert end == b"\xff\xd9", "no EOI"
assert peak < 200, "peak memory %d MiB" % peak
PY
	rm -rf "$work/bigout" "$work/big.$f"
done

# 4. streamed and in memory: the same bytes on every fixture
if [ -n "$replay" ]; then
	"$replay" "$work"/in/* "$work"/sub/*.mkv && ok ||
		ko "streamed and in-memory cleaning differ on a fixture"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
