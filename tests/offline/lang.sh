#!/usr/bin/env bash
# sealdrop-open's own messages in French (docs/opener.md): with --lang fr,
# and with LANG=fr_FR.UTF-8 and no --lang, report.txt (also printed) and the
# errors on stderr are in French with its typography (a no-break space
# before ":"); LANG=C or --lang en keeps them in English.
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
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
