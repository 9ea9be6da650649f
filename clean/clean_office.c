/*
 * clean_office.c - the XML members of Office Open XML and OpenDocument
 * files, cleaned with libxml2 (no network, no entity expansion).
 *
 * Replaced by empty documents: docProps/core.xml, docProps/app.xml,
 * docProps/custom.xml (OOXML) and meta.xml (ODF). In every other XML member:
 * comments and processing instructions are removed; the text of Dublin Core
 * creator/date elements (ODF annotations and tracked changes), spreadsheet
 * comment <author>s and ODF creator initials is emptied; revision-id
 * attributes (w:rsid*) and the <w:rsids> list, author/initials/date
 * attributes (comments, tracked changes, people), person display names and
 * user ids, the <x15ac:absPath> file path and <w15:presenceInfo> are
 * removed or emptied; printer names in ODF settings are emptied;
 * relationships, content-type overrides and manifest entries that point at
 * thumbnails are dropped (the thumbnails themselves are dropped by
 * clean_zip.c).
 */
#include "clean.h"
#include "sderr.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define DC_NS "http://purl.org/dc/elements/1.1/"

static const char core_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/"
    "metadata/core-properties\" xmlns:dc=\"" DC_NS "\" xmlns:dcterms=\"http://purl.org/"
    "dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/>\n";
static const char app_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "extended-properties\"/>\n";
static const char custom_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "custom-properties\"/>\n";
static const char meta_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<office:document-meta xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:"
    "office:1.0\" office:version=\"1.2\"><office:meta/></office:document-meta>\n";

static int
replaced(const char *name, struct clean_buf *out, struct clean_report *rep)
{
	const char *doc = NULL, *what = NULL;

	if (strcmp(name, "docProps/core.xml") == 0)
		doc = core_xml, what = "core properties (author, title, dates, revision)";
	else if (strcmp(name, "docProps/app.xml") == 0)
		doc = app_xml, what = "application properties (company, manager, template)";
	else if (strcmp(name, "docProps/custom.xml") == 0)
		doc = custom_xml, what = "custom properties";
	else if (strcmp(name, "meta.xml") == 0)
		doc = meta_xml, what = "document metadata (meta.xml)";
	if (doc == NULL)
		return 0;
	clean_note_removed(rep, "%s", what);
	return clean_buf_append(out, doc, strlen(doc)) == 0 ? 1 : SD_ERR_NOMEM;
}

static int
lname_is(const xmlChar *n, const char *want)
{
	return strcmp((const char *)n, want) == 0;
}

/* Element to drop entirely? */
static int
drop_element(xmlNodePtr n)
{
	xmlChar *v;
	int drop = 0;

	if (lname_is(n->name, "rsids") || lname_is(n->name, "absPath") ||
	    lname_is(n->name, "presenceInfo"))
		return 1;
	if (lname_is(n->name, "Relationship") || lname_is(n->name, "Override") ||
	    lname_is(n->name, "file-entry")) {
		v = xmlGetProp(n, (const xmlChar *)(lname_is(n->name, "Relationship") ? "Target" :
		    lname_is(n->name, "Override") ? "PartName" : "full-path"));
		drop = v != NULL && (strstr((const char *)v, "thumbnail") != NULL ||
		    strstr((const char *)v, "Thumbnails/") != NULL);
		xmlFree(v);
	}
	return drop;
}

/* Element whose text content is emptied? */
static int
empty_element(xmlNodePtr n)
{
	xmlChar *v;
	int r;

	if (n->ns != NULL && lname_is(n->ns->href, DC_NS) &&
	    (lname_is(n->name, "creator") || lname_is(n->name, "date")))
		return 1;
	if (lname_is(n->name, "author") || lname_is(n->name, "creator-initials"))
		return 1;
	if (!lname_is(n->name, "config-item"))
		return 0;
	v = xmlGetNsProp(n, (const xmlChar *)"name",
	    (const xmlChar *)"urn:oasis:names:tc:opendocument:xmlns:config:1.0");
	r = v != NULL && (lname_is(v, "PrinterName") || lname_is(v, "PrinterSetup"));
	xmlFree(v);
	return r;
}

static int
attr_cleared(xmlNodePtr el, xmlAttrPtr a)
{
	const char *n = (const char *)a->name;

	if (a->ns == NULL && !lname_is(el->name, "cmAuthor") && !lname_is(el->name, "person"))
		return 0;
	return strncmp(n, "rsid", 4) == 0 || strcmp(n, "author") == 0 ||
	    strcmp(n, "initials") == 0 || strcmp(n, "date") == 0 ||
	    strcmp(n, "userId") == 0 || strcmp(n, "providerId") == 0 ||
	    strcmp(n, "displayName") == 0 ||
	    (strcmp(n, "name") == 0 && lname_is(el->name, "cmAuthor"));
}

static void
clean_attrs(xmlNodePtr el, struct clean_report *rep)
{
	for (xmlAttrPtr a = el->properties, next; a != NULL; a = next) {
		next = a->next;
		if (!attr_cleared(el, a))
			continue;
		if (strncmp((const char *)a->name, "rsid", 4) == 0 ||
		    strcmp((const char *)a->name, "date") == 0) {
			clean_note_removed(rep, strcmp((const char *)a->name, "date") == 0 ?
			    "dates of comments and tracked changes" : "revision ids (rsid)");
			xmlRemoveProp(a);
		} else {
			clean_note_removed(rep, "names and initials of authors and reviewers");
			xmlNodeSetContent((xmlNodePtr)a, (const xmlChar *)"");
		}
	}
}

/* What this cleaner does not remove yet although it may name someone:
 * listed as not inspected, so the document is not reported as cleaned. */
static void
note_unresolved(xmlNodePtr n, struct clean_report *rep)
{
	if (lname_is(n->name, "del") || lname_is(n->name, "moveFrom") ||
	    lname_is(n->name, "tracked-changes"))
		clean_note_uninspected(rep, "tracked changes (deleted text) left in");
	else if (lname_is(n->name, "comment") || lname_is(n->name, "cm") ||
	    lname_is(n->name, "annotation"))
		clean_note_uninspected(rep, "comments and their text left in");
	else if (lname_is(n->name, "attachedTemplate"))
		clean_note_uninspected(rep, "template path left in");
	if ((lname_is(n->name, "docPr") || lname_is(n->name, "cNvPr")) &&
	    (xmlHasProp(n, (const xmlChar *)"descr") || xmlHasProp(n, (const xmlChar *)"title")))
		clean_note_uninspected(rep, "picture descriptions and titles left in");
}

static void
walk(xmlNodePtr n, struct clean_report *rep)
{
	for (xmlNodePtr c = n->children, next; c != NULL; c = next) {
		next = c->next;
		if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE ||
		    c->type == XML_DTD_NODE) {
			clean_note_removed(rep, "XML comments, processing instructions and DTDs");
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			continue;
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (drop_element(c)) {
			clean_note_removed(rep, "%s elements", (const char *)c->name);
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			continue;
		}
		if (empty_element(c)) {
			if (c->children != NULL)
				clean_note_removed(rep, "names and dates of authors (%s)",
				    (const char *)c->name);
			xmlNodeSetContent(c, (const xmlChar *)"");
		}
		note_unresolved(c, rep);
		clean_attrs(c, rep);
		walk(c, rep);
	}
}

int
clean_office_xml(const char *name, const unsigned char *buf, size_t len,
    struct clean_buf *out, struct clean_report *rep)
{
	xmlDocPtr doc = NULL;
	xmlChar *mem = NULL;
	int e, size = 0;

	(void)snprintf(rep->type, sizeof rep->type, "application/xml");
	if ((e = replaced(name, out, rep)) != 0)
		return e < 0 ? e : 0;
	if (len > (size_t)INT32_MAX) {
		e = CLEAN_E_LIMIT;
		goto out;
	}
	doc = xmlReadMemory((const char *)buf, (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		clean_set_error(rep, "XML does not parse");
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	if (doc->intSubset != NULL && doc->intSubset->entities != NULL) {
		clean_set_error(rep, "XML with a DTD that declares entities (not expanded, refused)");
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	walk((xmlNodePtr)doc, rep);
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (mem == NULL || size < 0) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	e = clean_buf_append(out, mem, (size_t)size);
out:
	xmlFree(mem);
	xmlFreeDoc(doc);
	return e;
}
