#!/usr/bin/python3
"""No report may say "cleaned" for a file that still holds a canary.

usage: honest.py FIXTURES OUT

For every file that OUT/report.json calls "cleaned", the cleaned output is
scanned (canary.py: plain, UTF-16LE/BE and hex as in PDF strings, in the raw
bytes, in every ZIP or TAR member, in qpdf's decompressed objects, and in
exiftool's output): any canary is a failure, whatever the fixture was meant
to be. A "not fully cleaned" file must name what was not inspected. The
text report (OUT/report.txt) must give each file the same status as the
JSON, and both summaries must be the counts of those statuses.
Control: some fixtures with canaries left where the cleaner does not reach
must exist and must not be called "cleaned" (else the test proves nothing).
Prints one line per failure; exits 1 if any.
"""
import collections
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from canary import exif_leaks, leaks  # noqa: E402

fix, out = sys.argv[1], sys.argv[2]
report = json.load(open(os.path.join(out, "report.json")))
text = open(os.path.join(out, "report.txt"), encoding="utf-8").read().splitlines()
manifest = json.load(open(os.path.join(fix, "manifest.json")))
fails = []
cleaned = 0

for e in report["files"]:
    if e["status"] == "not fully cleaned" and not e.get("not_inspected"):
        fails.append("%s: not fully cleaned without saying what was not inspected" % e["input"])
    if e["status"] == "cleaned" and e.get("not_inspected"):
        fails.append("%s: cleaned while something was not inspected" % e["input"])
    if e["status"] != "cleaned":
        continue
    cleaned += 1
    p = os.path.join(out, e["output"])
    found = leaks(open(p, "rb").read(), e["output"]) + exif_leaks(p)
    if found:
        fails.append("%s: reported cleaned, canary found in %s" % (e["input"], ", ".join(found)))

# Control: the fixtures that keep canaries on purpose are in the run and are
# not called cleaned (their canaries are in the output: the scanner sees them).
left = [n for n, m in manifest.items() if m.get("left")]
for n in left:
    e = next((x for x in report["files"] if x["input"].endswith("/" + n)), None)
    if e is None or e["status"] == "cleaned" or not e.get("output"):
        fails.append("%s: control: expected a not fully cleaned output, got %s" %
                     (n, e and e["status"]))
        continue
    p = os.path.join(out, e["output"])
    if not leaks(open(p, "rb").read(), p):
        fails.append("%s: control: the scanner does not see the canary left in it" % n)

# The text report says the same, and the summaries are the counts.
status_of = {}
for line in text[1:]:
    m = re.match(r"^(\S.*?): (cleaned|not fully cleaned|uncleaned|could not clean|text|failed|"
                 r"stopped)(?: -> | \[|$)", line)
    if m:
        status_of[m.group(1)] = m.group(2)
counts = collections.Counter(e["status"] for e in report["files"])
for e in report["files"]:
    if status_of.get(e["input"]) != e["status"]:
        fails.append("%s: text report says %r, JSON %r" % (e["input"], status_of.get(e["input"]),
                                                           e["status"]))
for k, v in report["summary"].items():
    if counts.get(k, 0) != v:
        fails.append("JSON summary: %d %s, but %d files have that status" % (v, k, counts.get(k, 0)))
want = ", ".join("%d %s" % (report["summary"][k], k) for k in
                 ["cleaned", "not fully cleaned", "uncleaned", "could not clean", "text", "failed"]
                 if report["summary"].get(k))
if ("summary: " + want) not in text:
    fails.append("text summary line is not %r" % ("summary: " + want))
if cleaned == 0:
    fails.append("no file was reported cleaned: nothing was checked")

for f in fails:
    print("FAIL: " + f)
print("honest: %d cleaned files scanned, %d controls, %d failed" % (cleaned, len(left), len(fails)))
sys.exit(1 if fails else 0)
