#!/usr/bin/env bash
# update.sh - regenerates po/sealdrop.pot from the templates ({{_ "..."}},
# through po/extract-templates.py) and the C sources (i18n_get(lang, "...")
# and friends, through xgettext), then merges every po/LANG.po with
# msgmerge. Run it after changing a translatable string; then translate what
# msgmerge marked new or fuzzy (see docs/translations.md).
#
# usage: po/update.sh            update the .pot and the .po files
#        po/update.sh --check    change nothing; fail if the .pot is out of
#                                date or a .po is not complete (CTest runs this)
set -eu
cd "$(dirname "$0")/.."
check=0
[ "${1:-}" = "--check" ] && check=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC2046
python3 po/extract-templates.py "$tmp/templates.pot" \
	$(ls web/templates/*.html source-iface/templates/*.html journalist-iface/templates/*.html \
		tools/offline/templates/*.html 2>/dev/null | sort)

# C strings: i18n_get(lang, "...") and I18N_N("...") (common/sdi18n.h), plus the
# daemons' helpers that take an English message and translate it themselves
# (FUNCTION:ARGUMENT-NUMBER). Add a helper here when you write one.
# The cleaners' notes and errors (clean/: clean_note_*, clean_set_error) are
# kept in English in report.json's state and translated where they are
# shown (i18n_get_text, common/sdi18n.h): their formats are messages too.
keywords="i18n_get:2 i18n_nget:2,3 I18N_N src_error_page:4 fail:3 opener_tr:2
	opener_ntr:2,3 refuse:4 bad_input:3 why_set:3 clean_note_removed:2 clean_note_kept:2
	clean_note_uninspected:2 clean_set_error:2"
csrc=$(ls web/*.c source-iface/*.c journalist-iface/*.c tools/offline/*.c clean/*.c \
	2>/dev/null | sort || true)
if [ -n "$csrc" ]; then
	kw=""
	for k in $keywords; do kw="$kw --keyword=$k"; done
	# shellcheck disable=SC2086
	xgettext --language=C --from-code=UTF-8 --keyword= $kw \
		--add-comments=TRANSLATORS: --no-wrap --sort-by-file \
		--package-name=sealdrop -o "$tmp/c.pot" $csrc
fi
if [ -f "$tmp/c.pot" ]; then
	msgcat --use-first --no-wrap -o "$tmp/all.pot" "$tmp/templates.pot" "$tmp/c.pot"
else
	msgcat --no-wrap -o "$tmp/all.pot" "$tmp/templates.pot"
fi

ids() { msgcat --no-wrap --no-location --sort-output "$1" | grep -E '^msgid ' || true; }

if [ $check = 1 ]; then
	status=0
	if ! diff <(ids po/sealdrop.pot) <(ids "$tmp/all.pot") >"$tmp/diff"; then
		echo "po/sealdrop.pot is out of date (< in it, > in the sources): run po/update.sh" >&2
		cat "$tmp/diff" >&2
		status=1
	fi
	for po in po/*.po; do
		[ -e "$po" ] || continue
		msgmerge --quiet --no-wrap -o "$tmp/merged.po" "$po" "$tmp/all.pot"
		stats=$(msgfmt --check --statistics -o /dev/null "$tmp/merged.po" 2>&1)
		echo "$po: $stats"
		case "$stats" in
		*untranslated* | *fuzzy*) echo "$po is not complete: run po/update.sh and translate" >&2
			status=1 ;;
		esac
	done
	exit $status
fi

mv "$tmp/all.pot" po/sealdrop.pot
for po in po/*.po; do
	[ -e "$po" ] || continue
	msgmerge --quiet --update --backup=none --no-wrap "$po" po/sealdrop.pot
	echo "$po: $(msgfmt --check --statistics -o /dev/null "$po" 2>&1)"
done
