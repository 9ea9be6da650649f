/*
 * i18n.c - translations from GNU .mo catalogues embedded at build time.
 *
 * The build compiles every po/LANG.po with msgfmt and embeds the .mo bytes
 * (web/CMakeLists.txt). i18n_init() checks each catalogue completely once:
 * magic, revision, both string tables inside the buffer, every string's
 * offset and length inside the buffer and NUL-terminated, the originals
 * sorted (msgfmt sorts them; we look up by binary search and ignore the
 * optional hash table). The data is ours, but a reader that trusts offsets
 * is a reader that one bad build turns into an out-of-bounds read. After
 * init everything is read-only: lookups from any thread are safe.
 * English is the source language and has no catalogue. Messages with a
 * plural form (i18n_nget) follow the rule the catalogue's Plural-Forms
 * header names, among the two-form rules this file knows.
 */
#include "sdi18n.h"
#include "sdi18n_int.h"
#include "sdblob.h"
#include "sdbytes.h"
#include "sderr.h"

#include <stdint.h>
#include <string.h>

#define MO_MAGIC 0x950412deu
#define MO_MAGIC_SWAPPED 0xde120495u
#define I18N_MAX_LANGS 16

struct lang {
	char code[I18N_LANG_MAX];
	struct i18n_mo mo;
	enum i18n_plural plural;
};

static struct lang g_langs[I18N_MAX_LANGS];
static size_t g_nlangs;
static const char *g_codes[I18N_MAX_LANGS + 2] = { "en", NULL };
static int g_ready;

static const struct {
	const char *code, *name;
} native_names[] = {
	{ "en", "English" },
	{ "fr", "Français" },
	{ "de", "Deutsch" },
	{ "es", "Español" },
	{ "it", "Italiano" },
	{ "pt", "Português" },
	{ "ar", "العربية" },
	{ "ru", "Русский" },
	{ "tr", "Türkçe" },
};

/* ---- the .mo reader -------------------------------------------------- */

/* A 32-bit field of the catalogue: little-endian, or big-endian when swap. */
static uint32_t
rd32(const unsigned char *p, int swap)
{
	return swap ? sd_load_be32(p) : sd_load_le32(p);
}

/* String k of the table at tab: its bytes (checked at parse time). */
static const char *
mo_str(const struct i18n_mo *mo, uint32_t tab, uint32_t k, uint32_t *len)
{
	const unsigned char *e = mo->data + tab + (size_t)k * 8;

	*len = rd32(e, mo->swap);
	return (const char *)mo->data + rd32(e + 4, mo->swap);
}

/* Entry k of the table at tab lies inside the buffer and ends with a NUL. */
static int
mo_check_entry(const unsigned char *d, size_t len, uint32_t tab, uint32_t k, int swap)
{
	const unsigned char *e = d + tab + (size_t)k * 8;
	uint32_t slen = rd32(e, swap), soff = rd32(e + 4, swap);

	if ((size_t)soff > len || (size_t)slen >= len - soff)
		return SD_ERR_RANGE;
	if (d[(size_t)soff + slen] != '\0')
		return SD_ERR_FORMAT;
	return 0;
}

static int
mo_check_tables(const unsigned char *d, size_t len, const struct i18n_mo *mo)
{
	size_t tab = (size_t)mo->n * 8;
	int r;

	if ((size_t)mo->orig_off > len || tab > len - mo->orig_off || (size_t)mo->trans_off > len ||
	    tab > len - mo->trans_off)
		return SD_ERR_TRUNCATED;
	for (uint32_t k = 0; k < mo->n; k++) {
		if ((r = mo_check_entry(d, len, mo->orig_off, k, mo->swap)) != 0 ||
		    (r = mo_check_entry(d, len, mo->trans_off, k, mo->swap)) != 0)
			return r;
	}
	for (uint32_t k = 1; k < mo->n; k++) {
		uint32_t l1, l2;
		const char *a = mo_str(mo, mo->orig_off, k - 1, &l1);
		const char *b = mo_str(mo, mo->orig_off, k, &l2);
		if (strcmp(a, b) >= 0)
			return SD_ERR_FORMAT;
	}
	return 0;
}

int
i18n_mo_parse(const unsigned char *data, size_t len, struct i18n_mo *out)
{
	struct i18n_mo mo;
	uint32_t magic;
	int r;

	if (data == NULL || out == NULL)
		return SD_ERR_ARG;
	if (len > I18N_MO_MAX)
		return SD_ERR_TOOLONG;
	if (len < 20)
		return SD_ERR_TRUNCATED;
	memset(&mo, 0, sizeof mo);
	magic = rd32(data, 0);
	if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED)
		return SD_ERR_FORMAT;
	mo.swap = magic == MO_MAGIC_SWAPPED;
	if ((rd32(data + 4, mo.swap) >> 16) != 0) /* major revision 0 */
		return SD_ERR_FORMAT;
	mo.n = rd32(data + 8, mo.swap);
	mo.orig_off = rd32(data + 12, mo.swap);
	mo.trans_off = rd32(data + 16, mo.swap);
	if (mo.n > I18N_MO_STRINGS_MAX)
		return SD_ERR_RANGE;
	mo.data = data;
	mo.len = len;
	if ((r = mo_check_tables(data, len, &mo)) != 0)
		return r;
	*out = mo;
	return 0;
}

/* The entry of msgid, or -1. */
static long
mo_find(const struct i18n_mo *mo, const char *msgid)
{
	uint32_t lo = 0, hi, len;

	if (mo == NULL || msgid == NULL || msgid[0] == '\0')
		return -1;
	hi = mo->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(msgid, mo_str(mo, mo->orig_off, mid, &len));
		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

const char *
i18n_mo_lookup(const struct i18n_mo *mo, const char *msgid)
{
	long k = mo_find(mo, msgid);
	uint32_t len;
	const char *t;

	if (k < 0)
		return NULL;
	t = mo_str(mo, mo->trans_off, (uint32_t)k, &len);
	return len > 0 ? t : NULL;
}

const char *
i18n_mo_nlookup(const struct i18n_mo *mo, const char *msgid, unsigned form)
{
	long k = mo_find(mo, msgid);
	uint32_t olen, tlen;
	const char *t;
	size_t at = 0;

	if (k < 0)
		return NULL;
	/* a message with a plural form: "singular\0plural" (checked at parse
	 * time to end inside the buffer), its forms likewise */
	(void)mo_str(mo, mo->orig_off, (uint32_t)k, &olen);
	if (strlen(msgid) >= olen)
		return NULL;
	t = mo_str(mo, mo->trans_off, (uint32_t)k, &tlen);
	for (unsigned f = 0; f < form; f++) {
		at += strnlen(t + at, tlen - at) + 1;
		if (at >= tlen)
			return NULL;
	}
	return t[at] != '\0' ? t + at : NULL;
}

/* Plural-Forms: the value of the header line, spaces dropped, or "". */
static void
mo_plural_header(const struct i18n_mo *mo, char *out, size_t sz)
{
	uint32_t len;
	const char *h, *p, *end;
	size_t k = 0;

	out[0] = '\0';
	if (mo->n == 0 || mo_str(mo, mo->orig_off, 0, &len)[0] != '\0')
		return; /* no header entry (msgid "") */
	h = mo_str(mo, mo->trans_off, 0, &len);
	for (p = h; p < h + len; p = end + 1) {
		end = memchr(p, '\n', (size_t)(h + len - p));
		if (end == NULL)
			end = h + len;
		if ((size_t)(end - p) > 13 && memcmp(p, "Plural-Forms:", 13) == 0) {
			for (p += 13; p < end && k + 1 < sz; p++)
				if (*p != ' ' && *p != '\t')
					out[k++] = *p;
			out[k] = '\0';
			return;
		}
	}
}

int
i18n_mo_plural_rule(const struct i18n_mo *mo, enum i18n_plural *rule)
{
	static const struct {
		const char *header;
		enum i18n_plural rule;
	} known[] = {
		{ "nplurals=2;plural=(n!=1);", I18N_PLURAL_NOT_ONE },
		{ "nplurals=2;plural=n!=1;", I18N_PLURAL_NOT_ONE },
		{ "nplurals=2;plural=(n>1);", I18N_PLURAL_GT_ONE },
		{ "nplurals=2;plural=n>1;", I18N_PLURAL_GT_ONE },
	};
	char h[128];

	mo_plural_header(mo, h, sizeof h);
	if (h[0] == '\0') {
		*rule = I18N_PLURAL_NOT_ONE;
		return 0;
	}
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(h, known[i].header) == 0) {
			*rule = known[i].rule;
			return 0;
		}
	return SD_ERR_FORMAT;
}

/* ---- the public API -------------------------------------------------- */

int
i18n_init(void)
{
	size_t n = 0;
	int r;

	if (g_ready)
		return 0;
	if (sd_mo_blobs_n > I18N_MAX_LANGS)
		return SD_ERR_RANGE;
	for (size_t i = 0; i < sd_mo_blobs_n; i++) {
		const struct sd_blob *b = &sd_mo_blobs[i];
		size_t cl = strlen(b->name);
		if (cl == 0 || cl >= I18N_LANG_MAX || strcmp(b->name, "en") == 0)
			return SD_ERR_FORMAT;
		if ((r = i18n_mo_parse(b->data, b->len, &g_langs[n].mo)) != 0 ||
		    (r = i18n_mo_plural_rule(&g_langs[n].mo, &g_langs[n].plural)) != 0)
			return r;
		memcpy(g_langs[n].code, b->name, cl + 1);
		g_codes[n + 1] = g_langs[n].code;
		n++;
	}
	g_codes[n + 1] = NULL;
	g_nlangs = n;
	g_ready = 1;
	return 0;
}

static const struct lang *
find_entry(const char *lang)
{
	if (lang == NULL || !g_ready)
		return NULL;
	for (size_t i = 0; i < g_nlangs; i++)
		if (strcmp(g_langs[i].code, lang) == 0)
			return &g_langs[i];
	return NULL;
}

static const struct i18n_mo *
find_lang(const char *lang)
{
	const struct lang *l = find_entry(lang);

	return l != NULL ? &l->mo : NULL;
}

const char *
i18n_nget(const char *lang, const char *msgid, const char *msgid_plural, unsigned long n)
{
	const struct lang *l = find_entry(lang);
	unsigned form;
	const char *t;

	if (msgid == NULL || msgid_plural == NULL)
		return "";
	form = l != NULL && l->plural == I18N_PLURAL_GT_ONE ? n > 1 : n != 1;
	t = l != NULL ? i18n_mo_nlookup(&l->mo, msgid, form) : NULL;
	return t != NULL ? t : n == 1 ? msgid : msgid_plural;
}

const char *
i18n_get(const char *lang, const char *msgid)
{
	const char *t;

	if (msgid == NULL)
		return "";
	t = i18n_mo_lookup(find_lang(lang), msgid);
	return t != NULL ? t : msgid;
}

/* ---- a formatted English message back to its translation -------------- */

#define FMT_ARGS 8
#define FMT_STEPS 20000
#define FMT_NOPREC ((size_t)-1)
#define FMT_LITERALS_MIN 4

struct fmt_arg {
	const char *p;
	size_t n;
	int conv; /* 's', 'd', 'u', 'x', 'c' */
};

struct fmt_match {
	struct fmt_arg arg[FMT_ARGS];
	unsigned nargs;
	unsigned long steps;
	const struct i18n_mo *need; /* a match counts only when one of its %s
	                                   arguments is a message of need */
};

static int fmt_arg_is_message(const struct fmt_match *m);

/* The directive at f (after its '%'): its conversion ('s', 'd', 'u', 'x',
 * 'c', '%'), its precision (FMT_NOPREC: none or '*'), its length in *len; 0
 * when it is one this matcher does not read (floats, %n, positions). */
static int
fmt_directive(const char *f, size_t *len, size_t *prec)
{
	size_t i = 0;

	*prec = FMT_NOPREC;
	if (f[0] == '%') {
		*len = 1;
		return '%';
	}
	while (f[i] == '-' || f[i] == '+' || f[i] == ' ' || f[i] == '#' || f[i] == '0')
		i++;
	while (f[i] >= '0' && f[i] <= '9')
		i++;
	if (f[i] == '.') {
		i++;
		if (f[i] == '*') {
			i++;
		} else {
			size_t v = 0;
			for (; f[i] >= '0' && f[i] <= '9'; i++)
				v = v < 100000 ? v * 10 + (size_t)(f[i] - '0') : v;
			*prec = v;
		}
	}
	while (f[i] == 'h' || f[i] == 'l' || f[i] == 'z' || f[i] == 'j' || f[i] == 't')
		i++;
	*len = i + 1;
	switch (f[i]) {
	case 's':
		return 's';
	case 'c':
		return 'c';
	case 'd':
	case 'i':
		return 'd';
	case 'u':
		return 'u';
	case 'x':
	case 'X':
		return 'x';
	default:
		return 0;
	}
}

static int
fmt_digit(int c, int conv)
{
	return (c >= '0' && c <= '9') ||
	    (conv == 'x' && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

/* Does format f produce t exactly? Arguments go to m; backtracking over
 * the lengths of %s and numbers, within FMT_STEPS. */
static int
fmt_match(const char *f, const char *t, struct fmt_match *m)
{
	size_t dl, prec;
	int conv;

	if (++m->steps > FMT_STEPS)
		return 0;
	for (; *f != '%'; f++, t++) {
		if (*f == '\0')
			return *t == '\0' && (m->need == NULL || fmt_arg_is_message(m));
		if (*f != *t)
			return 0;
	}
	if ((conv = fmt_directive(f + 1, &dl, &prec)) == 0)
		return 0;
	if (conv == '%')
		return *t == '%' && fmt_match(f + 2, t + 1, m);
	if (m->nargs == FMT_ARGS)
		return 0;
	{
		unsigned k = m->nargs++;
		size_t max = strlen(t), min = 0;
		if (conv == 'c') {
			min = max = max > 0 ? 1 : 0;
			if (max == 0)
				goto fail;
		} else if (conv != 's') {
			size_t i = t[0] == '-' && conv == 'd';
			while (fmt_digit((unsigned char)t[i], conv))
				i++;
			if (i == (size_t)(t[0] == '-' && conv == 'd'))
				goto fail;
			min = 1;
			max = i;
		} else if (prec != FMT_NOPREC && prec < max) {
			max = prec;
		}
		for (size_t n = min; n <= max; n++) {
			m->arg[k].p = t;
			m->arg[k].n = n;
			m->arg[k].conv = conv;
			if (fmt_match(f + 1 + dl, t + n, m))
				return 1;
			if (m->steps > FMT_STEPS)
				break;
		}
fail:
		m->nargs = k;
		return 0;
	}
}

/* Literal characters of a format (its specificity). */
static size_t
fmt_literals(const char *f)
{
	size_t n = 0, dl, prec;

	while (*f) {
		if (*f != '%') {
			n++;
			f++;
		} else if (fmt_directive(f + 1, &dl, &prec) == 0) {
			return 0;
		} else {
			f += 1 + dl;
		}
	}
	return n;
}

/* Append n bytes of s to out (at *k, sz bytes), never cutting a UTF-8
 * sequence. */
static void
fmt_put(char *out, size_t sz, size_t *k, const char *s, size_t n)
{
	if (*k + n >= sz) {
		n = sz - 1 - *k;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out + *k, s, n);
	*k += n;
	out[*k] = '\0';
}

static const char *
get_text(const struct i18n_mo *mo, const char *text, char *out, size_t sz, int depth);

/* tr written with m's arguments into out; each %s argument that is itself
 * a message translated too (depth permitting). Returns how many were. */
static unsigned
fmt_render(const struct i18n_mo *mo, const char *tr, const struct fmt_match *m, char *out,
    size_t sz, int depth)
{
	size_t k = 0, dl, prec;
	unsigned a = 0, translated = 0;

	out[0] = '\0';
	while (*tr && k + 1 < sz) {
		const char *pct = strchr(tr, '%');
		int conv;
		if (pct == NULL) {
			fmt_put(out, sz, &k, tr, strlen(tr));
			break;
		}
		fmt_put(out, sz, &k, tr, (size_t)(pct - tr));
		conv = fmt_directive(pct + 1, &dl, &prec);
		if (conv == '%') {
			fmt_put(out, sz, &k, "%", 1);
		} else if (a < m->nargs) {
			const struct fmt_arg *g = &m->arg[a++];
			char sub[I18N_TEXT_MAX + 1], tsub[I18N_TEXT_MAX + 1];
			const char *w = NULL;
			if (g->conv == 's' && depth < 1 && g->n > 0 && g->n <= I18N_TEXT_MAX &&
			    (prec == FMT_NOPREC || prec >= g->n)) {
				memcpy(sub, g->p, g->n);
				sub[g->n] = '\0';
				w = get_text(mo, sub, tsub, sizeof tsub, depth + 1);
			}
			if (w != NULL) {
				fmt_put(out, sz, &k, w, strlen(w));
				translated++;
			} else
				fmt_put(out, sz, &k, g->p,
				    prec != FMT_NOPREC && prec < g->n ? prec : g->n);
		}
		tr = pct + 1 + dl;
	}
	return translated;
}

/* Is one of m's %s arguments a message of m->need (one level down)? */
static int
fmt_arg_is_message(const struct fmt_match *m)
{
	char sub[I18N_TEXT_MAX + 1], tsub[I18N_TEXT_MAX + 1];

	for (unsigned i = 0; i < m->nargs; i++) {
		if (m->arg[i].conv != 's' || m->arg[i].n == 0 || m->arg[i].n > I18N_TEXT_MAX)
			continue;
		memcpy(sub, m->arg[i].p, m->arg[i].n);
		sub[m->arg[i].n] = '\0';
		if (get_text(m->need, sub, tsub, sizeof tsub, 1) != NULL)
			return 1;
	}
	return 0;
}

static const char *
get_text(const struct i18n_mo *mo, const char *text, char *out, size_t sz, int depth)
{
	const char *t;
	struct fmt_match best = { 0 }, m;
	long best_k = -1;
	size_t best_lit = 0;

	if (mo == NULL || text == NULL || text[0] == '\0' || sz == 0 ||
	    strlen(text) > I18N_TEXT_MAX)
		return NULL;
	if ((t = i18n_mo_lookup(mo, text)) != NULL && strchr(text, '%') == NULL) {
		size_t k = 0;
		out[0] = '\0';
		fmt_put(out, sz, &k, t, strlen(t));
		return out;
	}
	for (uint32_t k = 0; k < mo->n; k++) {
		uint32_t ol, tl;
		const char *o = mo_str(mo, mo->orig_off, k, &ol), *pct = strchr(o, '%');
		size_t lit;
		if (pct == NULL || strlen(o) != ol || strncmp(o, text, (size_t)(pct - o)) != 0)
			continue; /* no directive, a plural message, or another start */
		if ((lit = fmt_literals(o)) <= best_lit && best_k >= 0)
			continue;
		(void)mo_str(mo, mo->trans_off, k, &tl);
		if (tl == 0)
			continue;
		memset(&m, 0, sizeof m);
		/* punctuation only ("%s: %s"): a split whose argument is a message */
		if (lit < FMT_LITERALS_MIN) {
			if (depth > 0)
				continue;
			m.need = mo;
		}
		if (fmt_match(o, text, &m)) {
			best = m;
			best_k = (long)k;
			best_lit = lit;
		}
	}
	if (best_k < 0)
		return NULL;
	{
		uint32_t tl;
		unsigned n = fmt_render(
		    mo, mo_str(mo, mo->trans_off, (uint32_t)best_k, &tl), &best, out, sz, depth);
		/* a format of punctuation only ("%s: %s") translates nothing by
		 * itself: only when one of its arguments is a message */
		if (best_lit < FMT_LITERALS_MIN && n == 0)
			return NULL;
	}
	return out;
}

const char *
i18n_get_text(const char *lang, const char *text, char *out, size_t sz)
{
	const char *t;

	if (text == NULL)
		return "";
	t = get_text(find_lang(lang), text, out, sz, 0);
	return t != NULL ? t : text;
}

const char *const *
i18n_languages(void)
{
	return g_codes;
}

int
i18n_supported(const char *lang)
{
	if (lang == NULL)
		return 0;
	return strcmp(lang, "en") == 0 || find_lang(lang) != NULL;
}

/* One "tag;q=0.8" entry of Accept-Language: its primary subtag (at most 7
 * letters, lower-cased) and q in thousandths; -1 when malformed. */
static int
accept_entry(const char *p, size_t n, char tag[8], int *q)
{
	size_t i = 0, t = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	for (; i < n && ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z'); i++) {
		if (t == 7)
			return -1;
		tag[t++] = (char)(p[i] | 0x20);
	}
	tag[t] = '\0';
	if (t == 0)
		return -1;
	while (i < n && p[i] != ';')
		i++; /* a region or script subtag */
	*q = 1000;
	for (; i < n; i++) {
		if (n - i >= 3 && p[i] == 'q' && p[i + 1] == '=') {
			int v = 0, scale = 1000, seen = 0;
			const char *d = p + i + 2;
			size_t k = 0, left = n - i - 2;
			if (k < left && d[k] >= '0' && d[k] <= '1')
				v = (d[k++] - '0') * 1000, seen = 1;
			if (k < left && d[k] == '.')
				for (k++, scale = 100;
				     k < left && d[k] >= '0' && d[k] <= '9' && scale > 0;
				     k++, scale /= 10)
					v += (d[k] - '0') * scale;
			if (!seen || v > 1000)
				return -1;
			*q = v;
			break;
		}
	}
	return 0;
}

const char *
i18n_from_accept(const char *accept)
{
	const char *best = NULL, *p = accept;
	int best_q = 0;

	for (int k = 0; p != NULL && *p != '\0' && k < 64; k++) {
		size_t n = strcspn(p, ",");
		char tag[8];
		int q = 0;
		if (accept_entry(p, n, tag, &q) == 0 && q > best_q) {
			const char *const *l = i18n_languages();
			for (size_t i = 0; l[i] != NULL; i++)
				if (strcmp(l[i], tag) == 0) {
					best = l[i];
					best_q = q;
				}
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return best;
}

const char *
i18n_native_name(const char *lang)
{
	if (lang == NULL)
		return "";
	for (size_t i = 0; i < sizeof native_names / sizeof native_names[0]; i++)
		if (strcmp(native_names[i].code, lang) == 0)
			return native_names[i].name;
	return lang;
}
