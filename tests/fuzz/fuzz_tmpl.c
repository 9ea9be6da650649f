/*
 * fuzz_tmpl.c - libFuzzer target for the template engine.
 *
 * The input is parsed as template "fuzz/main" beside a fixed partial
 * "fuzz/_p"; when it parses, it is rendered in English and French with a
 * few fixed variables (strings, a list, a flag) into a 64 KiB buffer. Every
 * variable value carries the marker "<zq'\"&": if the output contains "<zq"
 * while the input does not, a value escaped unescaped, and we abort.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdi18n.h"
#include "sdbuf.h"
#include "sderr.h"
#include "sdtmpl.h"
#include "sdtmpl_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MARK "<zq'\"&"

static const char partial[] = "<p>{{x}}{{#each items}}[{{name}}]{{/each}}{{_ \"Log out\"}}</p>";

static struct tmpl_vars *
make_vars(void)
{
	struct tmpl_vars *v = NULL, *it = NULL;

	if (tmpl_vars_new(&v) != 0)
		abort();
	if (tmpl_set(v, "x", MARK) != 0 || tmpl_set(v, "flag", "1") != 0 ||
	    tmpl_set(v, "zero", "0") != 0 || tmpl_set(v, "lang", "fr" MARK) != 0)
		abort();
	for (int i = 0; i < 3; i++) {
		if (tmpl_list_add(v, "items", &it) != 0 || tmpl_set(it, "name", MARK "item") != 0 ||
		    tmpl_setf(it, "i", "%d", i) != 0)
			abort();
	}
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tmpl_vars *v;
	struct tmpl_src srcs[2] = {
		{ "fuzz/main", (const char *)data, size },
		{ "fuzz/_p", partial, sizeof partial - 1 },
	};
	static const char *const langs[] = { "en", "fr" };
	struct tmpl_lib *lib = NULL;
	char err[128];
	int in_input = size >= 3 && memmem(data, size, "<zq", 3) != NULL;

	if (v == NULL) {
		if (i18n_init() != 0)
			abort();
		v = make_vars();
	}
	if (tmpl_lib_parse(srcs, 2, &lib, err, sizeof err) != 0)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		struct sdbuf b;
		sdbuf_init(&b, 64 * 1024);
		if (tmpl_lib_render(lib, "fuzz/main", langs[i], v, &b) == 0 && b.p != NULL &&
		    !in_input && strstr(b.p, "<zq") != NULL)
			abort();
		sdbuf_free(&b);
	}
	tmpl_lib_free(lib);
	return 0;
}
