/*
 * tmpl.c - the page template engine (see sdtmpl.h for the syntax).
 *
 * Each template source is copied once and parsed into a flat array of
 * operations: text runs, escaped variables, translated literals, block
 * openers (if/unless/each) that record where their else and end are, and
 * partials resolved to a template index. Names and literals are
 * NUL-terminated in place inside the copy (the bytes overwritten belong to
 * the tag, never to output text). Rendering walks the array recursively;
 * recursion is bounded by TMPL_NEST_MAX per template and TMPL_PARTIAL_DEPTH
 * across partials, each-loops by the list's size, output by the sdbuf's
 * maximum. Every variable and every translation goes through
 * sdbuf_add_html: there is no raw output.
 */
#include "sdtmpl.h"
#include "sdtmpl_int.h"
#include "sdblob.h"
#include "sdi18n.h"
#include "sdbuf.h"
#include "sderr.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

enum op_kind { OP_TEXT, OP_VAR, OP_TR, OP_IF, OP_UNLESS, OP_EACH, OP_ELSE, OP_END, OP_PARTIAL };

struct op {
	uint8_t kind;
	uint32_t off, len; /* TEXT: run in src; others: NUL-terminated string at off */
	uint32_t alt;      /* IF/UNLESS: index of ELSE, or of END */
	uint32_t end;      /* IF/UNLESS/EACH: index of END */
	uint32_t target;   /* PARTIAL: template index */
};

struct tmpl {
	char *name;
	char *src; /* owned copy, names NUL-terminated in place */
	size_t len;
	struct op *ops;
	uint32_t nops, capops;
};

struct tmpl_lib {
	struct tmpl *t;
	size_t n;
};

struct tmpl_var {
	char *name;
	char *value; /* a string, or NULL for a list */
	struct tmpl_vars **items;
	size_t n, cap;
};

struct tmpl_vars {
	struct tmpl_var *v;
	size_t n, cap;
	struct tmpl_vars *root; /* the set an item belongs to; NULL at the top */
	int err;                /* the first error of a set call (top only) */
};

static struct tmpl_lib *g_lib;
static char g_err[256];

/* ---- parsing --------------------------------------------------------- */

struct parser {
	struct tmpl *t;
	uint32_t stack[TMPL_NEST_MAX];
	int depth;
	char *err;
	size_t errlen;
};

static int
perr(struct parser *p, int code, size_t at, const char *what)
{
	if (p->err != NULL && p->errlen > 0)
		snprintf(p->err, p->errlen, "%s: %s at byte %zu", p->t->name, what, at);
	return code;
}

static int
op_push(struct parser *p, uint8_t kind, size_t off, size_t len)
{
	struct tmpl *t = p->t;
	struct op *o;

	if (t->nops >= TMPL_OPS_MAX)
		return perr(p, SD_ERR_RANGE, off, "too many tags");
	if (t->nops == t->capops) {
		uint32_t cap = t->capops ? t->capops * 2 : 64;
		struct op *n = realloc(t->ops, (size_t)cap * sizeof *n);
		if (n == NULL)
			return SD_ERR_NOMEM;
		t->ops = n;
		t->capops = cap;
	}
	o = &t->ops[t->nops++];
	memset(o, 0, sizeof *o);
	o->kind = kind;
	o->off = (uint32_t)off;
	o->len = (uint32_t)len;
	return 0;
}

static int
is_name_char(char c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	if (first)
		return 0;
	return (c >= '0' && c <= '9') || c == '_';
}

/* Template names: may also start with '_' and contain '/' and '-'. */
static int
is_tname_char(char c, int first)
{
	return is_name_char(c, first) || c == '_' || (!first && (c == '/' || c == '-'));
}

/* Scan a name at s[*i..e); NUL-terminate it in place; its offset in *off. */
static int
take_name(struct parser *p, size_t *i, size_t e, int tname, size_t *off)
{
	char *s = p->t->src;
	size_t st = *i;

	while (*i < e && (tname ? is_tname_char(s[*i], *i == st) : is_name_char(s[*i], *i == st)))
		(*i)++;
	if (*i == st || *i - st > TMPL_NAME_MAX)
		return perr(p, SD_ERR_FORMAT, st, "bad or missing name");
	while (*i < e && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\n'))
		(*i)++;
	if (*i != e)
		return perr(p, SD_ERR_FORMAT, *i, "unexpected character in tag");
	*off = st;
	return 0;
}

/* After take_name succeeded, terminate the name: the byte after it is a
 * space or the first '}' of the closing braces, both tag bytes. */
static void
terminate_name(char *s, size_t off)
{
	size_t i = off;

	while (is_tname_char(s[i], i == off))
		i++;
	s[i] = '\0';
}

static int
parse_literal(struct parser *p, size_t i, size_t e)
{
	char *s = p->t->src;
	size_t st;
	int r;

	while (i < e && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= e || s[i] != '"')
		return perr(p, SD_ERR_FORMAT, i, "expected a quoted literal");
	st = ++i;
	while (i < e && s[i] != '"' && (unsigned char)s[i] >= 0x20 && s[i] != '\\')
		i++;
	if (i >= e || s[i] != '"' || i == st)
		return perr(
		    p, SD_ERR_FORMAT, st, "bad literal (empty, unclosed, control or backslash)");
	s[i++] = '\0';
	while (i < e && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i != e)
		return perr(p, SD_ERR_FORMAT, i, "unexpected character after literal");
	if ((r = op_push(p, OP_TR, st, 0)) != 0)
		return r;
	return 0;
}

static int
parse_open(struct parser *p, size_t i, size_t e)
{
	char *s = p->t->src;
	uint8_t kind;
	size_t off;
	int r;

	if (e - i > 3 && memcmp(s + i, "if ", 3) == 0)
		kind = OP_IF, i += 3;
	else if (e - i > 7 && memcmp(s + i, "unless ", 7) == 0)
		kind = OP_UNLESS, i += 7;
	else if (e - i > 5 && memcmp(s + i, "each ", 5) == 0)
		kind = OP_EACH, i += 5;
	else
		return perr(p, SD_ERR_FORMAT, i, "unknown block");
	while (i < e && s[i] == ' ')
		i++;
	if ((r = take_name(p, &i, e, 0, &off)) != 0)
		return r;
	if (p->depth >= TMPL_NEST_MAX)
		return perr(p, SD_ERR_RANGE, i, "blocks nested too deep");
	if ((r = op_push(p, kind, off, 0)) != 0)
		return r;
	terminate_name(s, off);
	p->stack[p->depth++] = p->t->nops - 1;
	return 0;
}

static int
parse_else(struct parser *p, size_t at)
{
	struct op *o;
	int r;

	if (p->depth == 0)
		return perr(p, SD_ERR_FORMAT, at, "else outside a block");
	o = &p->t->ops[p->stack[p->depth - 1]];
	if ((o->kind != OP_IF && o->kind != OP_UNLESS) || o->alt != 0)
		return perr(p, SD_ERR_FORMAT, at, "misplaced else");
	if ((r = op_push(p, OP_ELSE, at, 0)) != 0)
		return r;
	p->t->ops[p->stack[p->depth - 1]].alt = p->t->nops - 1;
	return 0;
}

static int
parse_close(struct parser *p, size_t i, size_t e)
{
	char *s = p->t->src;
	uint8_t want;
	struct op *o;
	uint32_t end;
	int r;

	if (e - i == 2 && memcmp(s + i, "if", 2) == 0)
		want = OP_IF;
	else if (e - i == 6 && memcmp(s + i, "unless", 6) == 0)
		want = OP_UNLESS;
	else if (e - i == 4 && memcmp(s + i, "each", 4) == 0)
		want = OP_EACH;
	else
		return perr(p, SD_ERR_FORMAT, i, "unknown closing tag");
	if (p->depth == 0 || p->t->ops[p->stack[p->depth - 1]].kind != want)
		return perr(p, SD_ERR_FORMAT, i, "unbalanced closing tag");
	if ((r = op_push(p, OP_END, i, 0)) != 0)
		return r;
	end = p->t->nops - 1;
	o = &p->t->ops[p->stack[--p->depth]];
	o->end = end;
	if (o->alt == 0)
		o->alt = end;
	return 0;
}

/* One tag, its content at src[i..e) with surrounding blanks trimmed. */
static int
parse_tag(struct parser *p, size_t i, size_t e)
{
	char *s = p->t->src;
	size_t off;
	int r;

	while (i < e && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
		i++;
	while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n'))
		e--;
	if (i == e)
		return perr(p, SD_ERR_FORMAT, i, "empty tag");
	switch (s[i]) {
	case '!':
		return 0;
	case '#':
		return parse_open(p, i + 1, e);
	case '/':
		return parse_close(p, i + 1, e);
	case '_':
		if (i + 1 < e && (s[i + 1] == ' ' || s[i + 1] == '\t'))
			return parse_literal(p, i + 1, e);
		return perr(p, SD_ERR_FORMAT, i, "expected _ \"literal\"");
	case '>':
		i++;
		while (i < e && s[i] == ' ')
			i++;
		if ((r = take_name(p, &i, e, 1, &off)) != 0 ||
		    (r = op_push(p, OP_PARTIAL, off, 0)) != 0)
			return r;
		terminate_name(s, off);
		return 0;
	default:
		if (e - i == 4 && memcmp(s + i, "else", 4) == 0)
			return parse_else(p, i);
		if ((r = take_name(p, &i, e, 0, &off)) != 0 ||
		    (r = op_push(p, OP_VAR, off, 0)) != 0)
			return r;
		terminate_name(s, off);
		return 0;
	}
}

static const char *
find2(const char *s, size_t from, size_t len, char c)
{
	for (size_t i = from; i + 1 < len; i++)
		if (s[i] == c && s[i + 1] == c)
			return s + i;
	return NULL;
}

static int
parse_tmpl(struct tmpl *t, char *err, size_t errlen)
{
	struct parser p = { .t = t, .depth = 0, .err = err, .errlen = errlen };
	size_t i = 0;
	int r;

	while (i < t->len) {
		const char *o = find2(t->src, i, t->len, '{');
		size_t at = o ? (size_t)(o - t->src) : t->len;
		const char *c;

		if (at > i && (r = op_push(&p, OP_TEXT, i, at - i)) != 0)
			return r;
		if (o == NULL)
			break;
		c = find2(t->src, at + 2, t->len, '}');
		if (c == NULL)
			return perr(&p, SD_ERR_FORMAT, at, "unclosed tag");
		if (find2(t->src, at + 2, (size_t)(c - t->src), '{') != NULL)
			return perr(&p, SD_ERR_FORMAT, at, "'{{' inside a tag");
		if ((r = parse_tag(&p, at + 2, (size_t)(c - t->src))) != 0)
			return r;
		i = (size_t)(c - t->src) + 2;
	}
	if (p.depth != 0)
		return perr(&p, SD_ERR_FORMAT, t->ops[p.stack[p.depth - 1]].off, "unclosed block");
	return 0;
}

static int
find_tmpl(const struct tmpl_lib *lib, const char *name, size_t *idx)
{
	for (size_t i = 0; i < lib->n; i++) {
		if (strcmp(lib->t[i].name, name) == 0) {
			*idx = i;
			return 0;
		}
	}
	return SD_ERR_ARG;
}

/* Resolve a partial name: with a '/', as is; else in the including
 * template's namespace ("source/index" includes "_head" as "source/_head"). */
static int
resolve_partial(const struct tmpl_lib *lib, const struct tmpl *t, const char *name, size_t *idx)
{
	char full[2 * TMPL_NAME_MAX + 2];
	const char *slash = strrchr(t->name, '/');
	int n;

	if (strchr(name, '/') != NULL || slash == NULL)
		return find_tmpl(lib, name, idx);
	n = snprintf(full, sizeof full, "%.*s/%s", (int)(slash - t->name), t->name, name);
	if (n < 0 || (size_t)n >= sizeof full)
		return SD_ERR_RANGE;
	return find_tmpl(lib, full, idx);
}

static int
resolve_all(struct tmpl_lib *lib, char *err, size_t errlen)
{
	for (size_t i = 0; i < lib->n; i++) {
		struct tmpl *t = &lib->t[i];
		for (uint32_t k = 0; k < t->nops; k++) {
			size_t idx;
			if (t->ops[k].kind != OP_PARTIAL)
				continue;
			if (resolve_partial(lib, t, t->src + t->ops[k].off, &idx) != 0) {
				if (err != NULL && errlen > 0)
					snprintf(err, errlen, "%s: unknown partial \"%s\"", t->name,
					    t->src + t->ops[k].off);
				return SD_ERR_FORMAT;
			}
			t->ops[k].target = (uint32_t)idx;
		}
	}
	return 0;
}

/* Depth of partial inclusion below template i, memoised in depth[] (0:
 * not computed, -1: being computed, so met again means a cycle). */
static int
partial_depth(const struct tmpl_lib *lib, size_t i, int *depth)
{
	const struct tmpl *t = &lib->t[i];
	int d = 0;

	if (depth[i] == -1)
		return SD_ERR_RANGE;
	if (depth[i] > 0)
		return depth[i];
	depth[i] = -1;
	for (uint32_t k = 0; k < t->nops; k++) {
		int sub;
		if (t->ops[k].kind != OP_PARTIAL)
			continue;
		if ((sub = partial_depth(lib, t->ops[k].target, depth)) < 0)
			return sub;
		if (sub > d)
			d = sub;
	}
	if (d + 1 > TMPL_PARTIAL_DEPTH + 1)
		return SD_ERR_RANGE;
	depth[i] = d + 1;
	return depth[i];
}

static int
check_partials(const struct tmpl_lib *lib, char *err, size_t errlen)
{
	int *depth = calloc(lib->n ? lib->n : 1, sizeof *depth);
	int r = 0;

	if (depth == NULL)
		return SD_ERR_NOMEM;
	for (size_t i = 0; i < lib->n && r == 0; i++) {
		if (partial_depth(lib, i, depth) < 0) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "%s: partials nested too deep or in a cycle",
				    lib->t[i].name);
			r = SD_ERR_RANGE;
		}
	}
	free(depth);
	return r;
}

static void
tmpl_free_one(struct tmpl *t)
{
	free(t->name);
	free(t->src);
	free(t->ops);
}

void
tmpl_lib_free(struct tmpl_lib *lib)
{
	if (lib == NULL)
		return;
	for (size_t i = 0; i < lib->n; i++)
		tmpl_free_one(&lib->t[i]);
	free(lib->t);
	free(lib);
}

static int
valid_tname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > TMPL_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_tname_char(s[i], i == 0))
			return 0;
	return 1;
}

static int
load_one(struct tmpl *t, const struct tmpl_src *s, char *err, size_t errlen)
{
	if (s->name == NULL || !valid_tname(s->name) || (s->data == NULL && s->len > 0))
		return SD_ERR_ARG;
	if (s->len > TMPL_SRC_MAX)
		return SD_ERR_TOOLONG;
	if (s->len > 0 && memchr(s->data, '\0', s->len) != NULL)
		return SD_ERR_FORMAT;
	t->name = strdup(s->name);
	t->src = malloc(s->len + 1);
	if (t->name == NULL || t->src == NULL)
		return SD_ERR_NOMEM;
	if (s->len > 0)
		memcpy(t->src, s->data, s->len);
	t->src[s->len] = '\0';
	t->len = s->len;
	return parse_tmpl(t, err, errlen);
}

int
tmpl_lib_parse(
    const struct tmpl_src *srcs, size_t n, struct tmpl_lib **out, char *err, size_t errlen)
{
	struct tmpl_lib *lib = NULL;
	size_t dummy;
	int r = SD_ERR_ARG;

	if (out == NULL || (srcs == NULL && n > 0) || n > TMPL_COUNT_MAX)
		goto out;
	r = SD_ERR_NOMEM;
	if ((lib = calloc(1, sizeof *lib)) == NULL ||
	    (n > 0 && (lib->t = calloc(n, sizeof *lib->t)) == NULL))
		goto out;
	for (size_t i = 0; i < n; i++) {
		lib->n = i + 1;
		if ((r = load_one(&lib->t[i], &srcs[i], err, errlen)) != 0)
			goto out;
		if (find_tmpl(lib, srcs[i].name, &dummy) == 0 && dummy != i) {
			r = SD_ERR_EXISTS;
			goto out;
		}
	}
	if ((r = resolve_all(lib, err, errlen)) != 0 || (r = check_partials(lib, err, errlen)) != 0)
		goto out;
	*out = lib;
	lib = NULL;
	r = 0;
out:
	tmpl_lib_free(lib);
	return r;
}

/* ---- variables ------------------------------------------------------- */

int
tmpl_vars_new(struct tmpl_vars **out)
{
	struct tmpl_vars *v;

	if (out == NULL)
		return SD_ERR_ARG;
	if ((v = calloc(1, sizeof *v)) == NULL)
		return SD_ERR_NOMEM;
	*out = v;
	return 0;
}

static void
wipe_str(char *s)
{
	if (s != NULL) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

static void
var_clear(struct tmpl_var *e)
{
	wipe_str(e->value);
	e->value = NULL;
	for (size_t i = 0; i < e->n; i++)
		tmpl_vars_free(e->items[i]);
	free(e->items);
	e->items = NULL;
	e->n = e->cap = 0;
}

void
tmpl_vars_free(struct tmpl_vars *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		var_clear(&v->v[i]);
		free(v->v[i].name);
	}
	free(v->v);
	free(v);
}

static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > TMPL_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_name_char(s[i], i == 0))
			return 0;
	return 1;
}

/* The entry for name, created empty if absent. */
static int
var_slot(struct tmpl_vars *v, const char *name, struct tmpl_var **out)
{
	struct tmpl_var *e;

	if (v == NULL || name == NULL || !valid_name(name))
		return SD_ERR_ARG;
	for (size_t i = 0; i < v->n; i++) {
		if (strcmp(v->v[i].name, name) == 0) {
			*out = &v->v[i];
			return 0;
		}
	}
	if (v->n >= TMPL_VARS_MAX)
		return SD_ERR_RANGE;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		struct tmpl_var *n = realloc(v->v, cap * sizeof *n);
		if (n == NULL)
			return SD_ERR_NOMEM;
		v->v = n;
		v->cap = cap;
	}
	e = &v->v[v->n];
	memset(e, 0, sizeof *e);
	if ((e->name = strdup(name)) == NULL)
		return SD_ERR_NOMEM;
	v->n++;
	*out = e;
	return 0;
}

static int
set_owned(struct tmpl_vars *v, const char *name, char *copy)
{
	struct tmpl_var *e;
	int r;

	if ((r = var_slot(v, name, &e)) != 0) {
		wipe_str(copy);
		return r;
	}
	var_clear(e);
	e->value = copy;
	return 0;
}

/* Record r, the first error only, in the top set of v; returns r. */
static int
sticky(struct tmpl_vars *v, int r)
{
	if (r != 0 && v != NULL) {
		struct tmpl_vars *top = v->root != NULL ? v->root : v;
		if (top->err == 0)
			top->err = r;
	}
	return r;
}

int
tmpl_vars_error(const struct tmpl_vars *v)
{
	if (v == NULL)
		return SD_ERR_ARG;
	return v->root != NULL ? v->root->err : v->err;
}

static int
set_copy(struct tmpl_vars *v, const char *name, const char *value)
{
	size_t n;
	char *copy;

	if (value == NULL)
		return SD_ERR_ARG;
	n = strlen(value);
	if (n > TMPL_VALUE_MAX)
		return SD_ERR_TOOLONG;
	if ((copy = malloc(n + 1)) == NULL)
		return SD_ERR_NOMEM;
	memcpy(copy, value, n + 1);
	return set_owned(v, name, copy);
}

int
tmpl_set(struct tmpl_vars *v, const char *name, const char *value)
{
	return sticky(v, set_copy(v, name, value));
}

static int
set_vformat(struct tmpl_vars *v, const char *name, const char *fmt, va_list ap)
{
	va_list ap2;
	char *copy;
	int n;

	if (fmt == NULL)
		return SD_ERR_ARG;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0 || (size_t)n > TMPL_VALUE_MAX) {
		va_end(ap2);
		return n < 0 ? SD_ERR_ARG : SD_ERR_TOOLONG;
	}
	if ((copy = malloc((size_t)n + 1)) == NULL) {
		va_end(ap2);
		return SD_ERR_NOMEM;
	}
	n = vsnprintf(copy, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		free(copy);
		return SD_ERR_ARG;
	}
	return set_owned(v, name, copy);
}

int
tmpl_setf(struct tmpl_vars *v, const char *name, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = set_vformat(v, name, fmt, ap);
	va_end(ap);
	return sticky(v, r);
}

static int
list_add(struct tmpl_vars *v, const char *name, struct tmpl_vars **item)
{
	struct tmpl_var *e;
	struct tmpl_vars *it;
	int r;

	if ((r = var_slot(v, name, &e)) != 0)
		return r;
	if (e->value != NULL)
		var_clear(e);
	if (e->n >= TMPL_LIST_MAX)
		return SD_ERR_RANGE;
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		struct tmpl_vars **n = realloc(e->items, cap * sizeof *n);
		if (n == NULL)
			return SD_ERR_NOMEM;
		e->items = n;
		e->cap = cap;
	}
	if ((r = tmpl_vars_new(&it)) != 0)
		return r;
	it->root = v->root != NULL ? v->root : v;
	e->items[e->n++] = it;
	*item = it;
	return 0;
}

int
tmpl_list_add(struct tmpl_vars *v, const char *name, struct tmpl_vars **item)
{
	if (item == NULL)
		return sticky(v, SD_ERR_ARG);
	*item = NULL; /* calls on a NULL item do nothing: the error is in v */
	return sticky(v, list_add(v, name, item));
}

/* ---- rendering ------------------------------------------------------- */

struct scope {
	const struct tmpl_vars *v;
	const struct scope *up;
};

struct rctx {
	const struct tmpl_lib *lib;
	const char *lang;
	struct sdbuf *out;
	int depth;
	unsigned long steps;
};

static const struct tmpl_var *
lookup(const struct scope *sc, const char *name)
{
	for (; sc != NULL; sc = sc->up) {
		if (sc->v == NULL)
			continue;
		for (size_t i = 0; i < sc->v->n; i++)
			if (strcmp(sc->v->v[i].name, name) == 0)
				return &sc->v->v[i];
	}
	return NULL;
}

static int
truthy(const struct tmpl_var *e)
{
	if (e == NULL)
		return 0;
	if (e->value == NULL)
		return e->n > 0;
	return e->value[0] != '\0' && strcmp(e->value, "0") != 0;
}

static int render_range(
    struct rctx *c, const struct tmpl *t, uint32_t from, uint32_t to, const struct scope *sc);

static int
render_each(
    struct rctx *c, const struct tmpl *t, const struct op *o, uint32_t i, const struct scope *sc)
{
	const struct tmpl_var *e = lookup(sc, t->src + o->off);
	int r;

	if (e == NULL || e->value != NULL)
		return 0;
	for (size_t k = 0; k < e->n; k++) {
		struct scope inner = { e->items[k], sc };
		if (++c->steps > TMPL_STEPS_MAX)
			return SD_ERR_RANGE;
		if ((r = render_range(c, t, i + 1, o->end, &inner)) != 0)
			return r;
	}
	return 0;
}

static int
render_block(struct rctx *c, const struct tmpl *t, uint32_t i, const struct scope *sc)
{
	const struct op *o = &t->ops[i];
	int cond;

	if (o->kind == OP_EACH)
		return render_each(c, t, o, i, sc);
	cond = truthy(lookup(sc, t->src + o->off));
	if (o->kind == OP_UNLESS)
		cond = !cond;
	if (cond)
		return render_range(c, t, i + 1, o->alt, sc);
	if (o->alt != o->end)
		return render_range(c, t, o->alt + 1, o->end, sc);
	return 0;
}

static int
render_partial(struct rctx *c, const struct op *o, const struct scope *sc)
{
	const struct tmpl *p = &c->lib->t[o->target];
	int r;

	if (c->depth >= TMPL_PARTIAL_DEPTH)
		return SD_ERR_RANGE;
	c->depth++;
	r = render_range(c, p, 0, p->nops, sc);
	c->depth--;
	return r;
}

static int
render_range(
    struct rctx *c, const struct tmpl *t, uint32_t from, uint32_t to, const struct scope *sc)
{
	int r = 0;

	for (uint32_t i = from; i < to && r == 0; i++) {
		const struct op *o = &t->ops[i];
		const struct tmpl_var *e;
		const char *s;

		if (++c->steps > TMPL_STEPS_MAX)
			return SD_ERR_RANGE;

		switch (o->kind) {
		case OP_TEXT:
			r = sdbuf_add(c->out, t->src + o->off, o->len);
			break;
		case OP_VAR:
			e = lookup(sc, t->src + o->off);
			if (e != NULL && e->value != NULL)
				r = sdbuf_add_html(c->out, e->value, strlen(e->value));
			break;
		case OP_TR:
			s = i18n_get(c->lang, t->src + o->off);
			r = sdbuf_add_html(c->out, s, strlen(s));
			break;
		case OP_IF:
		case OP_UNLESS:
		case OP_EACH:
			r = render_block(c, t, i, sc);
			i = o->end;
			break;
		case OP_PARTIAL:
			r = render_partial(c, o, sc);
			break;
		default: /* ELSE and END are only reached as range bounds */
			break;
		}
	}
	return r;
}

int
tmpl_lib_render(const struct tmpl_lib *lib, const char *name, const char *lang,
    const struct tmpl_vars *v, struct sdbuf *out)
{
	struct rctx c = { lib, lang != NULL ? lang : "en", out, 0, 0 };
	struct scope sc = { v, NULL };
	size_t start, idx;
	int r;

	if (lib == NULL || name == NULL || out == NULL)
		return SD_ERR_ARG;
	if (v != NULL && (r = tmpl_vars_error(v)) != 0)
		return r; /* a set call failed: the page would lack a value */
	if (find_tmpl(lib, name, &idx) != 0)
		return SD_ERR_ARG;
	start = out->len;
	r = render_range(&c, &lib->t[idx], 0, lib->t[idx].nops, &sc);
	if (r != 0 && out->p != NULL) {
		/* Leave out as it was; wipe what this call appended. */
		sodium_memzero(out->p + start, out->len - start);
		out->len = start;
		out->p[start] = '\0';
	}
	return r;
}

int
tmpl_lib_foreach_msgid(const struct tmpl_lib *lib,
    int (*fn)(const char *tmpl_name, const char *msgid, void *arg), void *arg)
{
	int r;

	if (lib == NULL || fn == NULL)
		return SD_ERR_ARG;
	for (size_t i = 0; i < lib->n; i++) {
		const struct tmpl *t = &lib->t[i];
		for (uint32_t k = 0; k < t->nops; k++)
			if (t->ops[k].kind == OP_TR &&
			    (r = fn(t->name, t->src + t->ops[k].off, arg)) != 0)
				return r;
	}
	return 0;
}

/* ---- the embedded library ------------------------------------------- */

int
tmpl_init(const struct sd_blob *templates, size_t n)
{
	struct tmpl_src *srcs = NULL;
	struct tmpl_lib *lib = NULL;
	int r;

	if (g_lib != NULL)
		return 0;
	g_err[0] = '\0';
	if ((r = i18n_init()) != 0) {
		snprintf(g_err, sizeof g_err, "translations: %s", sd_strerror(r));
		goto out;
	}
	r = SD_ERR_NOMEM;
	if (n > 0 && (srcs = calloc(n, sizeof *srcs)) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		srcs[i].name = templates[i].name;
		srcs[i].data = (const char *)templates[i].data;
		srcs[i].len = templates[i].len;
	}
	if ((r = tmpl_lib_parse(srcs, n, &lib, g_err, sizeof g_err)) != 0)
		goto out;
	g_lib = lib;
out:
	free(srcs);
	return r;
}

const char *
tmpl_init_error(void)
{
	return g_err;
}

void
tmpl_shutdown(void)
{
	tmpl_lib_free(g_lib);
	g_lib = NULL;
}

const struct tmpl_lib *
tmpl_lib_global(void)
{
	return g_lib;
}

int
tmpl_render(const char *name, const char *lang, const struct tmpl_vars *v, struct sdbuf *out)
{
	if (g_lib == NULL)
		return SD_ERR_STATE;
	return tmpl_lib_render(g_lib, name, lang, v, out);
}
