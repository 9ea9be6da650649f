/*
 * clean_markup.c - SVG and HTML through libxml2, by allow-lists.
 *
 * SVG: only elements in the SVG namespace survive (editor namespaces such
 * as Inkscape, Sodipodi, RDF, Dublin Core and Creative Commons go, with
 * <metadata>, <script>, <foreignObject>, <title> and <desc>, which
 * editors fill with file names and authors); only attributes without a
 * namespace, xlink:href and xml:space/xml:lang survive (editor attributes
 * such as sodipodi:docname or inkscape:export-filename, which hold file
 * paths, go), and event handlers (on*) go. HTML: elements outside a list of
 * content elements are unwrapped (their children kept); script, style,
 * the document's <title>, meta (but a charset), link, base, iframe, object, embed, form controls,
 * noscript and template are removed with their content; attributes outside
 * a short list are removed. In both, comments, processing instructions and
 * the DTD go (a DTD declaring entities is refused, since entities are not
 * expanded); references to anything outside the file (http:, //, file:...)
 * are removed; images embedded as base64 data: URIs are decoded, cleaned
 * like any file (clean_any) and encoded again, or removed when that fails.
 *
 * XHTML (html == 2, the chapters of an EPUB) is parsed and written as XML
 * with the HTML rules, except that a <link rel="stylesheet"> to a file
 * inside the book and epub:type attributes (the navigation document's
 * "toc") stay. clean_opf cleans an EPUB's package document (OPF:
 * in <metadata> only the identifier, title and language stay, and the
 * required modification date is set to 2000-01-01), its NCX table of
 * contents (docAuthor and generator metadata removed) and any other XML
 * member (comments and processing instructions removed).
 */
#include "clean_int.h"
#include "sderr.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sodium.h>

#define SVG_NS "http://www.w3.org/2000/svg"
#define XLINK_NS "http://www.w3.org/1999/xlink"

struct mjob {
	struct clean_ctx *c;
	unsigned depth;
	int html;
	struct clean_report *rep;
};

static int
in_list(const char *s, const char *const *l)
{
	for (; *l; l++)
		if (strcmp(s, *l) == 0)
			return 1;
	return 0;
}

static const char *const html_keep[] = { "html", "head", "body", "p", "div", "span", "a", "b", "i",
	"u", "s", "em", "strong", "small", "sub", "sup", "h1", "h2", "h3", "h4", "h5", "h6", "ul",
	"ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
	"caption", "colgroup", "col", "br", "hr", "img", "pre", "code", "blockquote", "q", "cite",
	"abbr", "section", "article", "header", "footer", "nav", "main", "aside", "figure",
	"figcaption", "mark", "del", "ins", "center", "font", "tt", "big", "kbd", "samp", "var",
	"address", "time", "wbr", "picture", "svg", NULL };
static const char *const html_drop[] = { "script", "style", "link", "base", "iframe", "frame",
	"frameset", "object", "embed", "applet", "form", "input", "button", "select", "textarea",
	"noscript", "template", "audio", "video", "source", "track", "canvas", "meta", "title",
	NULL };
static const char *const html_attrs[] = { "href", "src", "alt", "title", "class", "id", "colspan",
	"rowspan", "width", "height", "lang", "dir", "align", "valign", "border", "cellpadding",
	"cellspacing", "start", "type", "charset", "color", "size", "face", NULL };

/* Does a URL point outside the file? */
static int
external(const char *u)
{
	while (*u == ' ' || *u == '\t' || *u == '\n' || *u == '\r')
		u++;
	if (*u == '#' || strncmp(u, "data:", 5) == 0)
		return 0;
	return strchr(u, ':') != NULL || strncmp(u, "//", 2) == 0 || strncmp(u, "\\\\", 2) == 0;
}

/* Clean a base64 data: URI in place; 0 kept, 1 to drop the attribute. */
static int
clean_data_uri(struct mjob *j, xmlAttrPtr a, const char *v)
{
	const char *b64 = strstr(v, ";base64,");
	size_t vl = strlen(v), bl = 0, need;
	unsigned char *bin = NULL;
	struct sdbuf out = CLEAN_BUF_INIT;
	struct clean_report sub = { 0 };
	char *enc = NULL, *nv = NULL;
	int drop = 1;

	if (b64 == NULL || (bin = malloc(vl)) == NULL)
		goto out;
	b64 += 8;
	if (sodium_base642bin(bin, vl, b64, strlen(b64), " \t\r\n", &bl, NULL,
		sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    clean_any(j->c, bin, bl, j->depth + 1, &out, &sub) != 0 || out.len > (64u << 20))
		goto out;
	need = sodium_base64_ENCODED_LEN(out.len, sodium_base64_VARIANT_ORIGINAL);
	if ((enc = malloc(need)) == NULL || (nv = malloc((size_t)(b64 - v) + need)) == NULL)
		goto out;
	sodium_bin2base64(enc, need, out.data, out.len, sodium_base64_VARIANT_ORIGINAL);
	memcpy(nv, v, (size_t)(b64 - v));
	memcpy(nv + (b64 - v), enc, strlen(enc) + 1);
	xmlNodeSetContent((xmlNodePtr)a, (const xmlChar *)nv);
	if (sub.removed[0])
		clean_note_removed(j->rep, "metadata of embedded images");
	drop = 0;
out:
	free(bin);
	free(enc);
	free(nv);
	sdbuf_free(&out);
	return drop;
}

static int
attr_allowed(struct mjob *j, xmlAttrPtr a)
{
	const char *n = (const char *)a->name;

	if (strncmp(n, "on", 2) == 0)
		return 0;
	if (j->html == 2 && a->ns != NULL && strcmp(n, "type") == 0 &&
	    strcmp((const char *)a->ns->href, "http://www.idpf.org/2007/ops") == 0)
		return 1; /* epub:type="toc" marks the navigation document */
	if (j->html)
		return a->ns == NULL &&
		    (in_list(n, html_attrs) ||
			(j->html == 2 && strcmp(n, "rel") == 0 && a->parent != NULL &&
			    strcmp((const char *)a->parent->name, "link") == 0));
	if (a->ns == NULL)
		return 1;
	return (strcmp((const char *)a->ns->href, XLINK_NS) == 0 && strcmp(n, "href") == 0) ||
	    (strcmp((const char *)a->ns->href, "http://www.w3.org/XML/1998/namespace") == 0 &&
		(strcmp(n, "space") == 0 || strcmp(n, "lang") == 0));
}

static void
clean_attrs(struct mjob *j, xmlNodePtr el)
{
	for (xmlAttrPtr a = el->properties, next; a != NULL; a = next) {
		xmlChar *v;
		int drop = !attr_allowed(j, a);
		next = a->next;
		if (!drop &&
		    (strcmp((const char *)a->name, "href") == 0 ||
			strcmp((const char *)a->name, "src") == 0)) {
			v = xmlNodeGetContent((xmlNodePtr)a);
			if (v != NULL && external((const char *)v)) {
				drop = 1;
				clean_note_removed(j->rep, "references to outside resources");
			} else if (v != NULL && strncmp((const char *)v, "data:", 5) == 0) {
				drop = clean_data_uri(j, a, (const char *)v);
			}
			xmlFree(v);
		} else if (drop) {
			clean_note_removed(j->rep, "%s",
			    strncmp((const char *)a->name, "on", 2) == 0
				? "event handlers (scripts)"
				: "editor and non-standard attributes");
		}
		if (drop)
			xmlRemoveProp(a);
	}
}

/* 0 keep, 1 remove with content, 2 unwrap (HTML only). */
static int
element_fate(struct mjob *j, xmlNodePtr n)
{
	const char *name = (const char *)n->name;

	if (j->html) {
		if (strcmp(name, "meta") == 0 && xmlHasProp(n, (const xmlChar *)"charset") &&
		    n->properties != NULL && n->properties->next == NULL)
			return 0;
		if (strcmp(name, "title") == 0 && n->parent != NULL &&
		    n->parent->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->parent->name, "head") != 0)
			return 2; /* <title> outside <head> is not the document's title */
		if (j->html == 2 && strcmp(name, "link") == 0) {
			xmlChar *rel = xmlGetProp(n, (const xmlChar *)"rel");
			int sheet = rel != NULL && strcmp((const char *)rel, "stylesheet") == 0;
			xmlFree(rel);
			if (sheet)
				return 0; /* its href is checked like any: inside the book only */
		}
		if (in_list(name, html_drop))
			return 1;
		return in_list(name, html_keep) ? 0 : 2;
	}
	if (n->ns == NULL || strcmp((const char *)n->ns->href, SVG_NS) != 0)
		return 1;
	return strcmp(name, "metadata") == 0 || strcmp(name, "script") == 0 ||
	    strcmp(name, "foreignObject") == 0 || strcmp(name, "title") == 0 ||
	    strcmp(name, "desc") == 0;
}

static void walk(struct mjob *j, xmlNodePtr n);

static void
unwrap(struct mjob *j, xmlNodePtr c)
{
	walk(j, c);
	while (c->children != NULL) {
		xmlNodePtr k = c->children;
		xmlUnlinkNode(k);
		xmlAddPrevSibling(c, k);
	}
	xmlUnlinkNode(c);
	xmlFreeNode(c);
}

static void
walk(struct mjob *j, xmlNodePtr n)
{
	for (xmlNodePtr c = n->children, next; c != NULL; c = next) {
		int fate;
		next = c->next;
		if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE ||
		    c->type == XML_DTD_NODE) {
			clean_note_removed(j->rep, "comments, processing instructions and DTD");
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			continue;
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((fate = element_fate(j, c)) == 1) {
			clean_note_removed(j->rep, "%s",
			    j->html ? "the title, scripts, styles, meta "
				      "and link elements, embedded objects, forms"
				    : "metadata, titles and "
				      "descriptions, editor data and scripts");
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			continue;
		}
		clean_attrs(j, c);
		if (fate == 2)
			unwrap(j, c);
		else
			walk(j, c);
	}
}

int
clean_markup(struct clean_ctx *c, const unsigned char *buf, size_t len, int html, unsigned depth,
    struct sdbuf *out, struct clean_report *rep)
{
	struct mjob j = { .c = c, .depth = depth, .html = html, .rep = rep };
	xmlDocPtr doc = NULL;
	xmlChar *mem = NULL;
	int size = 0, e = CLEAN_E_MALFORMED;

	if (len > (size_t)INT32_MAX)
		return CLEAN_E_LIMIT;
	doc = html == 1 ? htmlReadMemory((const char *)buf, (int)len, NULL, NULL,
			      HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING)
			: xmlReadMemory((const char *)buf, (int)len, NULL, NULL,
			      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		clean_set_error(rep, "%s does not parse",
		    html == 1  ? "HTML"
			: html ? "XHTML"
			       : "SVG");
		goto out;
	}
	if (!html &&
	    (xmlDocGetRootElement(doc)->ns == NULL ||
		strcmp((const char *)xmlDocGetRootElement(doc)->ns->href, SVG_NS) != 0 ||
		strcmp((const char *)xmlDocGetRootElement(doc)->name, "svg") != 0)) {
		clean_set_error(rep, "the root element is not an SVG <svg>");
		goto out;
	}
	if (html == 2 && strcmp((const char *)xmlDocGetRootElement(doc)->name, "html") != 0) {
		clean_set_error(rep, "the root element is not an XHTML <html>");
		goto out;
	}
	if (doc->intSubset != NULL && doc->intSubset->entities != NULL) {
		clean_set_error(rep, "a DTD that declares entities (not expanded, so refused)");
		goto out;
	}
	walk(&j, (xmlNodePtr)doc);
	if (xmlDocGetRootElement(doc) == NULL) {
		clean_set_error(rep, "nothing left after cleaning");
		goto out;
	}
	if (html == 1)
		htmlDocDumpMemoryFormat(doc, &mem, &size, 0);
	else
		xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	e = (mem == NULL || size < 0) ? SD_ERR_NOMEM : sdbuf_add(out, mem, (size_t)size);
out:
	xmlFree(mem);
	xmlFreeDoc(doc);
	return e;
}

/* OPF <metadata>: what stays (dc:identifier, dc:title, dc:language; the
 * required dcterms:modified, whose date is replaced). */
static int
opf_meta_kept(xmlNodePtr n)
{
	const char *name = (const char *)n->name;
	xmlChar *prop;
	int modified;

	if (n->ns != NULL &&
	    strcmp((const char *)n->ns->href, "http://purl.org/dc/elements/1.1/") == 0)
		return strcmp(name, "identifier") == 0 || strcmp(name, "title") == 0 ||
		    strcmp(name, "language") == 0;
	if (strcmp(name, "meta") != 0)
		return 0;
	prop = xmlGetProp(n, (const xmlChar *)"property");
	modified = prop != NULL && strcmp((const char *)prop, "dcterms:modified") == 0;
	xmlFree(prop);
	if (modified)
		xmlNodeSetContent(n, (const xmlChar *)"2000-01-01T00:00:00Z");
	return modified;
}

/* NCX <head>: only the uid and the table's depth and page counts stay. */
static int
ncx_meta_kept(xmlNodePtr n)
{
	xmlChar *nm;
	int keep;

	if (strcmp((const char *)n->name, "meta") != 0)
		return 0;
	nm = xmlGetProp(n, (const xmlChar *)"name");
	keep = nm != NULL &&
	    (strcmp((const char *)nm, "dtb:uid") == 0 ||
		strcmp((const char *)nm, "dtb:depth") == 0 ||
		strcmp((const char *)nm, "dtb:totalPageCount") == 0 ||
		strcmp((const char *)nm, "dtb:maxPageNumber") == 0);
	xmlFree(nm);
	return keep;
}

/* Comments and processing instructions out everywhere; the children of an
 * OPF <metadata> or NCX <head> outside their lists out; NCX <docAuthor>
 * out. */
static void
opf_walk(xmlNodePtr n, int in_meta, int in_head, struct clean_report *rep)
{
	for (xmlNodePtr c = n->children, next; c != NULL; c = next) {
		next = c->next;
		if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE) {
			clean_note_removed(rep, "comments and processing instructions");
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			continue;
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((in_meta && !opf_meta_kept(c)) || (in_head && !ncx_meta_kept(c)) ||
		    strcmp((const char *)c->name, "docAuthor") == 0) {
			clean_note_removed(rep, "%s",
			    in_meta
				? "book metadata (creator, contributors, "
				  "publisher, dates, description, subjects, rights, tool and other meta)"
				: "table of contents metadata (author, generator)");
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			continue;
		}
		if (in_meta)
			clean_note_kept(rep,
			    "the book's identifier, title and language (readers need "
			    "them; the modification date is set to 2000-01-01)");
		opf_walk(c,
		    strcmp((const char *)c->name, "metadata") == 0 && n->type == XML_ELEMENT_NODE &&
			strcmp((const char *)n->name, "package") == 0,
		    strcmp((const char *)c->name, "head") == 0 && n->type == XML_ELEMENT_NODE &&
			strcmp((const char *)n->name, "ncx") == 0,
		    rep);
	}
}

int
clean_opf(const unsigned char *buf, size_t len, struct sdbuf *out, struct clean_report *rep)
{
	xmlDocPtr doc = NULL;
	xmlChar *mem = NULL;
	int size = 0, e = CLEAN_E_MALFORMED;

	if (len > (size_t)INT32_MAX)
		return CLEAN_E_LIMIT;
	doc = xmlReadMemory((const char *)buf, (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		clean_set_error(rep, "XML does not parse");
		goto out;
	}
	if (doc->intSubset != NULL) {
		if (doc->intSubset->entities != NULL) {
			clean_set_error(
			    rep, "a DTD that declares entities (not expanded, so refused)");
			goto out;
		}
		xmlUnlinkNode((xmlNodePtr)doc->intSubset);
		xmlFreeDtd(doc->intSubset);
		doc->intSubset = NULL;
	}
	opf_walk((xmlNodePtr)doc, 0, 0, rep);
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	e = (mem == NULL || size < 0) ? SD_ERR_NOMEM : sdbuf_add(out, mem, (size_t)size);
out:
	xmlFree(mem);
	xmlFreeDoc(doc);
	return e;
}
