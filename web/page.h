/*
 * page.h - how both daemons answer with a page: the variables every page
 * has, the render of a template, and the response with its cookies and
 * headers. A render that fails (a sticky error in the variables, an
 * output over WEB_PAGE_MAX) is logged and answered with the plain 500 of
 * web_respond_broken_page, never a dropped connection.
 */
#ifndef WEB_PAGE_H
#define WEB_PAGE_H

#include <stddef.h>

#include <microhttpd.h>

#include "http.h"

#define WEB_PAGE_MAX (4U << 20) /* bytes of one rendered page */

struct tmpl_vars;

/* What every page shows, whoever renders it. */
struct web_page {
	const char *lang; /* of the page, and the language menu's current */
	const char *instance_name;
	const char *csrf_token; /* the session's, or the anonymous one */
	int logged_in;
};

/* Add pg's variables ("lang", "instance_name", "logged_in", "csrf_token"
 * and the list "languages": code, name, current) to v, render template
 * name in pg->lang, free v, and queue the page with status, n cookies and
 * headers (name, value pairs, NULL-terminated; may be NULL). */
enum MHD_Result web_page_respond(struct MHD_Connection *c, unsigned status, const char *name,
    const struct web_page *pg, struct tmpl_vars *v, const struct web_cookie *cookies, size_t n,
    const char *const *headers);

/* The English title (a catalogue msgid: translate with i18n_get) of an
 * error page of this status; "Something went wrong" for any other. One
 * table for both daemons. */
const char *web_status_title(unsigned status);

#endif
