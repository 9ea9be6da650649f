#!/usr/bin/env bash
# sealdrop-open's own messages in French (docs/opener.md): with --lang fr,
# and with LANG=fr_FR.UTF-8 and no --lang, report.txt (also printed) and the
# errors on stderr are in French with its typography (a no-break space
# before ":"); LANG=C or --lang en keeps them in English. The summary's
# status words agree with their counts ("2 non nettoyés", "1 non nettoyé");
# the usage, --help and option errors follow --lang (wherever it stands)
# or LANG. The cleaners' notes are shown in French in report.txt and in
# report.json (which says "lang": "fr"; its keys and statuses stay English).
# usage: lang.sh SEALDROP_OPEN
set -u
open=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
nb=$(printf '\302\240') # U+00A0
printf 'hello\n' >"$work/note.txt"
printf '%%PDF-1.4\nnot a PDF at all\n' >"$work/broken.pdf"
LANG=C LC_ALL= LANGUAGE= "$open" --lang fr --clean-only --out "$work/fr" \
	"$work/note.txt" "$work/broken.pdf" >"$work/fr.out" 2>"$work/fr.err"
[ $? = 1 ] && ok || bad "--lang fr: a failed file must make the exit status 1"
grep -q "^résumé$nb: 1 pas entièrement nettoyé, 1 nettoyage impossible$" "$work/fr/report.txt" &&
	ok || bad "report.txt: no French summary: $(tail -1 "$work/fr/report.txt")"
grep -q "^rapport de sealdrop-open --clean-only$" "$work/fr/report.txt" && ok ||
	bad "report.txt: no French title"
grep -q "note.txt$nb: pas entièrement nettoyé -> note.txt" "$work/fr.out" && ok ||
	bad "stdout: the report is not in French"
grep -q "^sealdrop-open: .*broken.pdf: nettoyage impossible$nb: " "$work/fr.err" && ok ||
	bad "stderr: no French error: $(cat "$work/fr.err")"
grep -q "^sealdrop-open$nb: 1 sur 2 fichiers en échec$" "$work/fr.err" && ok ||
	bad "stderr: no French count: $(cat "$work/fr.err")"
grep -q ' [:;?!]' "$work/fr/report.txt" "$work/fr.err" &&
	bad "a plain space before : ; ? or !" || ok
# The environment's language when --lang is not given.
LC_ALL= LANGUAGE= LC_MESSAGES= LANG=fr_FR.UTF-8 "$open" --clean-only --out "$work/env" \
	"$work/note.txt" >/dev/null 2>&1
grep -q "^résumé$nb: " "$work/env/report.txt" && ok || bad "LANG=fr_FR.UTF-8: not French"
LC_ALL= LANGUAGE= LC_MESSAGES= LANG=C "$open" --clean-only --out "$work/en" \
	"$work/note.txt" "$work/broken.pdf" >/dev/null 2>"$work/en.err"
grep -q "^summary: 1 not fully cleaned, 1 could not clean$" "$work/en/report.txt" && ok ||
	bad "LANG=C: not English"
grep -q "^sealdrop-open: 1 of 2 files failed$" "$work/en.err" && ok || bad "LANG=C: stderr"
# The cleaners' notes and errors in French; report.json's keys stay English.
grep -q "^    non inspecté$nb: peut contenir des noms dans des commentaires (texte, transmis tel quel)$" \
	"$work/fr/report.txt" && ok || bad "report.txt: a cleaner's note not in French"
grep -q "^    erreur$nb: PDF mal formé$nb: " "$work/fr/report.txt" && ok ||
	bad "report.txt: a cleaner's error not in French: $(grep erreur "$work/fr/report.txt")"
/usr/bin/python3 - "$work/fr/report.json" <<'PY' && ok || bad "report.json: notes not in French"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["lang"] == "fr", r.get("lang")
f = {x["input"].rsplit("/", 1)[-1]: x for x in r["files"]}
assert f["note.txt"]["status"] == "not fully cleaned", f["note.txt"]
assert f["note.txt"]["not_inspected"] == [
    "peut contenir des noms dans des commentaires (texte, transmis tel quel)"], f["note.txt"]
assert f["broken.pdf"]["error"].startswith("PDF mal formé\u00a0: "), f["broken.pdf"]
assert "summary" in r and "could not clean" in r["summary"], r["summary"]
PY
LANG=C LC_ALL= LANGUAGE= "$open" --clean-only --out "$work/en2" "$work/note.txt" >/dev/null 2>&1
grep -q "^    not inspected: may contain names in comments (text, passed as it is)$" \
	"$work/en2/report.txt" && ok || bad "LANG=C: a note not in English"
grep -q '"lang": "en"' "$work/en2/report.json" && ok || bad "report.json: no lang en"
# Plural agreement: two of a status, one of another.
head -c 512 /dev/urandom >"$work/a.bin"
head -c 512 /dev/urandom >"$work/b.bin"
LANG=C LC_ALL= LANGUAGE= "$open" --lang fr --clean-only --out "$work/pl" \
	"$work/a.bin" "$work/b.bin" "$work/note.txt" >/dev/null 2>"$work/pl.err"
grep -q "^résumé$nb: 1 pas entièrement nettoyé, 2 non nettoyés$" "$work/pl/report.txt" && ok ||
	bad "report.txt: no plural agreement: $(tail -1 "$work/pl/report.txt")"
LANG=C LC_ALL= LANGUAGE= "$open" --lang fr --clean-only --out "$work/pl1" \
	"$work/broken.pdf" >/dev/null 2>"$work/pl1.err"
grep -q "^sealdrop-open$nb: 1 sur 1 fichier en échec$" "$work/pl1.err" && ok ||
	bad "stderr: no singular agreement: $(cat "$work/pl1.err")"
LANG=C LC_ALL= LANGUAGE= "$open" --clean-only --out "$work/pl2" \
	"$work/a.bin" "$work/b.bin" >/dev/null 2>&1
grep -q "^summary: 2 uncleaned$" "$work/pl2/report.txt" && ok || bad "English summary changed"
# Usage and option errors: --lang wherever it stands, or LANG.
LANG=C LC_ALL= LANGUAGE= "$open" --bogus --lang fr >/dev/null 2>"$work/u1.err"
[ $? = 2 ] && ok || bad "an unknown option must exit 2"
grep -q "^sealdrop-open: --bogus$nb: option inconnue$" "$work/u1.err" && ok ||
	bad "unknown option not in French: $(head -2 "$work/u1.err")"
grep -q "^usage$nb: sealdrop-open --key FICHIER.key" "$work/u1.err" && ok ||
	bad "the usage after an error is not in French"
LC_ALL= LANGUAGE= LC_MESSAGES= LANG=fr_FR.UTF-8 "$open" --clean-only --out >/dev/null 2>"$work/u2.err"
grep -q "^sealdrop-open: --out demande une valeur$" "$work/u2.err" && ok ||
	bad "LANG=fr: a missing value not in French: $(head -1 "$work/u2.err")"
LC_ALL= LANGUAGE= LC_MESSAGES= LANG=fr_FR.UTF-8 "$open" --clean-only "$work/note.txt" \
	>/dev/null 2>"$work/u3.err"
grep -q "^sealdrop-open: --out, au moins une entrée, et --key ou --clean-only sont requis$" \
	"$work/u3.err" && ok || bad "LANG=fr: a missing option not in French: $(head -1 "$work/u3.err")"
LANG=C LC_ALL= LANGUAGE= "$open" --ocr --lang=fr --clean-only --out "$work/x" "$work/note.txt" \
	>/dev/null 2>"$work/u4.err"
grep -q "^sealdrop-open: --ocr et --office-timeout s’emploient avec --safe-pdf$" "$work/u4.err" &&
	ok || bad "--lang=fr: an option conflict not in French: $(head -1 "$work/u4.err")"
LANG=C LC_ALL= LANGUAGE= "$open" --help --lang fr >"$work/help.fr"
grep -q "^  --safe-pdf              dessine aussi" "$work/help.fr" && ok || bad "--help not in French"
grep -q ' [:;?!]' "$work/help.fr" "$work/u1.err" "$work/pl/report.txt" &&
	bad "a plain space before : ; ? or ! in the usage or report" || ok
LANG=C LC_ALL= LANGUAGE= "$open" --lang xx --clean-only >/dev/null 2>"$work/u5.err"
grep -q "^sealdrop-open: --lang: one of en, fr$" "$work/u5.err" && ok ||
	bad "--lang xx: $(head -1 "$work/u5.err")"
LANG=C LC_ALL= LANGUAGE= "$open" --bogus >/dev/null 2>"$work/u6.err"
grep -q "^sealdrop-open: --bogus: unknown option$" "$work/u6.err" && ok ||
	bad "LANG=C: the option error is not in English: $(head -1 "$work/u6.err")"
# The remaining errors of a run: an export from a folder with no state.
mkdir "$work/nostate"
LANG=C LC_ALL= LANGUAGE= "$open" --lang fr --out "$work/nostate" --export-uwazi "$work/exp" \
	>/dev/null 2>"$work/x.err"
grep -q "^sealdrop-open: .*/nostate$nb: ne contient pas de .sealdrop-state$nb: rien n’y a été ouvert, rien à exporter$" \
	"$work/x.err" && ok || bad "export error not in French: $(cat "$work/x.err")"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
