#!/usr/bin/env bash
# update.sh - regenerates po/sealdrop.pot from the templates ({{_ "..."}},
# through po/extract-templates.py) and the C sources (i18n_get(lang, "...")
# through xgettext), then merges every po/LANG.po with msgmerge. Run it from
# anywhere after changing a translatable string; then translate what
# msgmerge marked new or fuzzy (see docs/translations.md).
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 po/extract-templates.py "$tmp/templates.pot" \
	$(ls source-iface/templates/*.html journalist-iface/templates/*.html 2>/dev/null | sort)

csrc=$(ls web/*.c source-iface/*.c journalist-iface/*.c 2>/dev/null | sort || true)
if [ -n "$csrc" ]; then
	# shellcheck disable=SC2086
	xgettext --language=C --from-code=UTF-8 --keyword= --keyword=i18n_get:2 \
		--add-comments=TRANSLATORS: --no-wrap --sort-by-file \
		--package-name=sealdrop -o "$tmp/c.pot" $csrc
fi
if [ -f "$tmp/c.pot" ]; then
	msgcat --use-first --no-wrap -o "$tmp/all.pot" "$tmp/templates.pot" "$tmp/c.pot"
else
	msgcat --no-wrap -o "$tmp/all.pot" "$tmp/templates.pot"
fi
mv "$tmp/all.pot" po/sealdrop.pot

for po in po/*.po; do
	[ -e "$po" ] || continue
	msgmerge --quiet --update --backup=none --no-wrap "$po" po/sealdrop.pot
	printf '%s: ' "$po"
	msgfmt --check --statistics -o /dev/null "$po"
done
