/*
 * sdtmpl.h - HTML page templates, embedded at build time, rendered with HTML
 * escaping on by default and translated through i18n.h.
 *
 * Template syntax (templates live in source-iface/templates/ and
 * journalist-iface/templates/, one NAME.html each):
 *   {{name}}                 value of variable name, HTML-escaped
 *   {{_ "English text"}}     the translation of a literal (i18n_get)
 *   {{#if name}}...{{else}}...{{/if}}   name set, non-empty and not "0"
 *   {{#unless name}}...{{/unless}}
 *   {{#each list}}...{{/each}}          repeat for each item of a list;
 *                            inside, names resolve in the item first, then
 *                            outside
 *   {{> partial}}            include another template (depth-limited)
 * There is no raw (unescaped) output of variables. Unknown variables render
 * as empty; an unknown template name or a syntax error is an error at
 * tmpl_init time, so a broken template stops the daemon at start-up.
 */
#ifndef SD_TMPL_H
#define SD_TMPL_H

#include <stddef.h>

#include "sdbuf.h"
#include "sderr.h"

struct tmpl_vars;

/* Parse every embedded template; 0 or a negative SD_ERR_*. Call once. */
struct sd_blob;
/* Parse the templates (a program's embedded set, sdblob.h) and load the
 * translations; once: later calls return 0. */
SD_MUST_CHECK
int tmpl_init(const struct sd_blob *templates, size_t n);
/* After tmpl_init failed: which template and what ("source/index: unclosed
 * tag at byte 120"), for the start-up error message; "" otherwise. */
const char *tmpl_init_error(void);
void tmpl_shutdown(void);

/*
 * Variables have a sticky error: the set calls below return 0 or an
 * SD_ERR_*, and also record the first error in the top set (an item of a
 * list records it in the set the list belongs to). tmpl_render returns
 * that error without rendering, so callers set every variable and check
 * once, at the render (or with tmpl_vars_error), with no "e |= ..." chain.
 */
SD_MUST_CHECK
int tmpl_vars_new(struct tmpl_vars **out);
/* Set name to a copy of value (replacing any previous value). */
int tmpl_set(struct tmpl_vars *v, const char *name, const char *value);
int tmpl_setf(struct tmpl_vars *v, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Append a new item to list name; *item is owned by v. On failure *item is
 * NULL, the error is recorded in v, and set calls on NULL do nothing. */
int tmpl_list_add(struct tmpl_vars *v, const char *name, struct tmpl_vars **item);
/* The first error a set call recorded in v's top set, or 0. */
SD_MUST_CHECK
int tmpl_vars_error(const struct tmpl_vars *v);
void tmpl_vars_free(struct tmpl_vars *v);

/* Render template name in language lang into out (appends); the sticky
 * error of v first, if any. */
SD_MUST_CHECK
int tmpl_render(const char *name, const char *lang, const struct tmpl_vars *v, struct sdbuf *out);

#endif
