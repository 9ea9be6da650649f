/*
 * page.c - a page of either daemon, rendered and queued (see page.h).
 */
#include "page.h"
#include "sderr.h"
#include "sdi18n.h"
#include "sdlog.h"
#include "sdtmpl.h"

#include <string.h>

enum MHD_Result
web_page_respond(struct MHD_Connection *c, unsigned status, const char *name,
    const struct web_page *pg, struct tmpl_vars *v, const struct web_cookie *cookies, size_t n,
    const char *const *headers)
{
	const char *const *langs = i18n_languages();
	struct tmpl_vars *item;
	struct sdbuf body;
	int e;

	tmpl_set(v, "lang", pg->lang);
	tmpl_set(v, "instance_name", pg->instance_name);
	tmpl_set(v, "logged_in", pg->logged_in ? "1" : "");
	tmpl_set(v, "csrf_token", pg->csrf_token);
	for (size_t i = 0; langs[i] != NULL && tmpl_vars_error(v) == 0; i++) {
		tmpl_list_add(v, "languages", &item);
		tmpl_set(item, "code", langs[i]);
		tmpl_set(item, "name", i18n_native_name(langs[i]));
		tmpl_set(item, "current", strcmp(langs[i], pg->lang) == 0 ? "1" : "");
	}
	sdbuf_init(&body, WEB_PAGE_MAX);
	e = tmpl_render(name, pg->lang, v, &body);
	tmpl_vars_free(v);
	if (e != 0) {
		sdbuf_free(&body);
		sdlog_info("cannot render a page: %s", sd_strerror(e));
		return web_respond_broken_page(c);
	}
	return web_respond_ex(c, status, "text/html; charset=utf-8", &body, cookies, n, headers);
}

const char *
web_status_title(unsigned status)
{
	static const struct {
		unsigned s;
		const char *title;
	} titles[] = {
		{ 400, I18N_N("Something is wrong with this request") },
		{ 401, I18N_N("Please log in") },
		{ 403, I18N_N("Not allowed") },
		{ 404, I18N_N("Page not found") },
		{ 405, I18N_N("Not allowed") },
		{ 413, I18N_N("Too large") },
		{ 429, I18N_N("Too many attempts") },
		{ 503, I18N_N("Busy") },
		{ 507, I18N_N("Out of space") },
	};

	for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
		if (titles[i].s == status)
			return titles[i].title;
	return I18N_N("Something went wrong");
}
