/*
 * sdtmpl_int.h - internals of the template engine, for the unit tests and the
 * fuzz target: a template library parsed from caller-given sources instead
 * of the embedded ones. tmpl_init() is tmpl_lib_parse() over the embedded
 * templates, kept in one read-only global.
 */
#ifndef SD_TMPL_INT_H
#define SD_TMPL_INT_H

#include <stddef.h>

#include "sdbuf.h"
#include "sdtmpl.h"
#include "sderr.h"

#define TMPL_NAME_MAX 63                     /* variable and template names */
#define TMPL_SRC_MAX (256u * 1024u)          /* bytes of one template source */
#define TMPL_OPS_MAX 16384u                  /* parsed operations in one template */
#define TMPL_NEST_MAX 16                     /* if/unless/each nesting in one template */
#define TMPL_PARTIAL_DEPTH 8                 /* partials including partials */
#define TMPL_COUNT_MAX 256                   /* templates in one library */
#define TMPL_VARS_MAX 256                    /* names in one tmpl_vars */
#define TMPL_LIST_MAX 10000                  /* items in one list */
#define TMPL_STEPS_MAX 4000000ul             /* operations run by one render */
#define TMPL_VALUE_MAX (16u * 1024u * 1024u) /* bytes of one value */

struct tmpl_src {
	const char *name; /* "source/index" */
	const char *data; /* need not be NUL-terminated */
	size_t len;
};

struct tmpl_lib;

/* Parse n sources and resolve their partials; on a syntax error, an unknown
 * partial or a partial cycle deeper than TMPL_PARTIAL_DEPTH, a negative
 * SD_ERR_* and, if errbuf is not NULL, a one-line reason in it. */
SD_MUST_CHECK
int tmpl_lib_parse(
    const struct tmpl_src *srcs, size_t n, struct tmpl_lib **out, char *errbuf, size_t errlen);
void tmpl_lib_free(struct tmpl_lib *lib);
SD_MUST_CHECK
int tmpl_lib_render(const struct tmpl_lib *lib, const char *name, const char *lang,
    const struct tmpl_vars *v, struct sdbuf *out);

/* Call fn for every {{_ "..."}} literal of every template, in order; stops
 * at the first non-zero return and returns it. */
SD_MUST_CHECK
int tmpl_lib_foreach_msgid(const struct tmpl_lib *lib,
    int (*fn)(const char *tmpl_name, const char *msgid, void *arg), void *arg);

/* The library tmpl_init() parsed, or NULL before it. */
const struct tmpl_lib *tmpl_lib_global(void);

#endif
