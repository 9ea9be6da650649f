#!/bin/bash
# headers_must_check.sh CC SRCDIR - dropping a must-check result is an error.
#
# For a sample of the functions declared SD_MUST_CHECK (common/sderr.h), one
# from each module: a call whose result is dropped must fail to compile with
# -Werror=unused-result, and the same call through sd_ignore() must compile
# (so the failure is the dropped result, not the snippet). Prints each
# function that breaks the rule and exits 1; 0 when none does.
set -u
cc=${1:?usage: headers_must_check.sh CC SRCDIR}
src=${2:?usage: headers_must_check.sh CC SRCDIR}
inc=(-I"$src/common" -I"$src/crypto" -I"$src/store" -I"$src/web" -I"$src/clean")
bad=0

# header|declarations|call
cases=(
	'sdio.h|char b[1];|sd_write_full(1, b, 1)'
	'sdid.h|unsigned char id[SD_ID_BYTES];|sd_id_parse("", 0, id)'
	'sdbuf.h|struct sdbuf b;|sdbuf_adds(&b, "x")'
	'sdtmpl.h|struct tmpl_vars *v;|tmpl_vars_new(&v)'
	'sdkey.h|unsigned char pk[SDKEY_PUBLICKEYBYTES]; char t[SDKEY_PUBTEXT_BYTES + 1];|sdkey_pub_encode(pk, t)'
	'sdbox.h|struct sdbox_writer *w = 0;|sdbox_writer_finish(w)'
	'db.h|struct db *d = 0;|db_commit(d)'
	'spool.h|struct spool *s = 0; unsigned n;|spool_tmp_count(s, &n)'
	'form.h|struct web_form f;|web_form_feed(&f, "a=b", 3)'
	'sesstab.h|struct web_sesstab *t = 0;|web_sesstab_pin(t, "x", 1)'
	'clean.h|struct clean_ctx *c;|clean_ctx_new(&c)'
)

build() { # header decls body
	printf '#include "%s"\nvoid f(void);\nvoid f(void)\n{\n\t%s\n\t%s;\n}\n' "$1" "$2" "$3" |
	    "$cc" -std=c11 -D_GNU_SOURCE -Werror=unused-result "${inc[@]}" -S -o /dev/null -x c - 2>&1
}

for c in "${cases[@]}"; do
	IFS='|' read -r h decl call <<<"$c"
	name=${call%%(*}
	if ! out=$(build "$h" "$decl" "sd_ignore($call)"); then
		echo "$name: the snippet does not compile through sd_ignore(): $out"
		bad=1
	elif out=$(build "$h" "$decl" "$call"); then
		echo "$name ($h): a dropped result compiles (not SD_MUST_CHECK)"
		bad=1
	elif ! grep -q 'unused-result' <<<"$out"; then
		echo "$name: failed for another reason: $out"
		bad=1
	fi
done
exit $bad
