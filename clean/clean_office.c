/*
 * clean_office.c - the XML members of Office Open XML and OpenDocument
 * files, cleaned with libxml2 (no network, no entity expansion).
 *
 * Replaced by empty documents: docProps/core.xml, docProps/app.xml,
 * docProps/custom.xml (OOXML) and meta.xml (ODF). In every other XML member:
 * comments and processing instructions are removed; tracked changes are
 * resolved as if accepted (deleted text removed with its record, inserted
 * text kept as ordinary text); comment marks (Word) and annotations (ODF)
 * are removed, the OOXML comment parts themselves being dropped by
 * clean_zip.c (clean_office_part_dropped); the text of Dublin Core
 * creator/date elements, spreadsheet comment <author>s and ODF creator
 * initials is emptied; revision-id attributes (w:rsid*, officeooo:rsid and
 * paragraph-rsid) and the <w:rsids> list, author/initials/date attributes,
 * person display names and user ids, picture descriptions and titles
 * (descr, title: often the picture's path), the <x15ac:absPath> file path,
 * <w15:presenceInfo>, the attached template, mail-merge sources and
 * document variables are removed or emptied; printer names in ODF settings
 * are emptied; relationships, content-type overrides and manifest entries
 * that point at dropped parts and thumbnails are dropped. What it meets and
 * does not remove (a comment or a deletion in a place it does not expect)
 * is listed as not inspected. Speaker notes are content: kept, and said.
 * An empty member stays empty (older tools write some); any other XML that
 * does not parse fails the document.
 */
#include "clean_int.h"
#include "sderr.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define DC_NS "http://purl.org/dc/elements/1.1/"
#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define ODF_TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define ODF_OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define ODF_PRES_NS "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
#define ODF_SVG_NS "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
#define OOO_OFFICE_NS "http://openoffice.org/2009/office" /* slide comments */

/* Members of an OOXML package dropped whole: comments with their text and
 * their people (display names, user ids), custom XML data, printer
 * settings (printer names). Relationships to them go by type (below),
 * content-type overrides by part name. */
static const char *const ooxml_dropped_prefix[] = { "customXml/", "word/comments",
	"word/people.xml", "word/printerSettings/", "xl/comments", "xl/threadedComments/",
	"xl/persons/", "xl/printerSettings/", "ppt/comments/", "ppt/commentAuthors.xml",
	"ppt/authors.xml", "ppt/printerSettings/", NULL };

/* The last segment of the relationship types that point at them, and at
 * the attached template and mail-merge data sources (paths on the
 * author's disk or network). */
static const char *const ooxml_dropped_rel[] = { "comments", "commentsExtended", "commentsIds",
	"commentsExtensible", "people", "customXml", "threadedComment", "person", "commentAuthors",
	"authors", "printerSettings", "attachedTemplate", "mailMergeSource",
	"mailMergeHeaderSource", "recipientData", NULL };

int
clean_office_part_dropped(const char *name)
{
	for (const char *const *p = ooxml_dropped_prefix; *p; p++)
		if (strncmp(name, *p, strlen(*p)) == 0)
			return 1;
	return 0;
}

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
replaced(const char *name, struct sdbuf *out, struct clean_report *rep)
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
	return sdbuf_add(out, doc, strlen(doc)) == 0 ? 1 : SD_ERR_NOMEM;
}

static int
lname_is(const xmlChar *n, const char *want)
{
	return strcmp((const char *)n, want) == 0;
}

static int
ns_is(xmlNodePtr n, const char *href)
{
	return n->ns != NULL && n->ns->href != NULL && lname_is(n->ns->href, href);
}

static int
rel_type_dropped(const char *type)
{
	const char *last = strrchr(type, '/');

	last = last ? last + 1 : type;
	for (const char *const *p = ooxml_dropped_rel; *p; p++)
		if (strcmp(last, *p) == 0)
			return 1;
	return 0;
}

/* Tracked changes are resolved as if every change were accepted: what was
 * deleted goes with its record, what was inserted stays as ordinary text.
 * Word: <w:del>, <w:moveFrom> and the property-change records go with
 * their content, <w:ins> and <w:moveTo> are unwrapped. ODF: the
 * <text:tracked-changes> list (which holds the deleted text) and the change
 * marks in the text go. Comments: Word's range marks and references, ODF's
 * <office:annotation> (author, date, text) and its end mark. */
enum fate { KEEP = 0, DROP, UNWRAP };

static const char *const w_dropped[] = { "del", "moveFrom", "rPrChange", "pPrChange",
	"sectPrChange", "tblPrChange", "trPrChange", "tcPrChange", "tblGridChange", "tblPrExChange",
	"numberingChange", "cellDel", "cellIns", "cellMerge", "moveFromRangeStart",
	"moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd", "commentRangeStart",
	"commentRangeEnd", "commentReference", "attachedTemplate", "mailMerge", "docVars", NULL };

static enum fate
element_fate(xmlNodePtr n, struct clean_report *rep)
{
	xmlChar *v;
	int drop = 0;

	if (lname_is(n->name, "rsids") || lname_is(n->name, "absPath") ||
	    lname_is(n->name, "presenceInfo"))
		return DROP;
	if (ns_is(n, W_NS)) {
		if (lname_is(n->name, "ins") || lname_is(n->name, "moveTo")) {
			clean_note_removed(rep,
			    "tracked changes (accepted: insertions kept as text, "
			    "deleted text removed)");
			return UNWRAP;
		}
		for (const char *const *p = w_dropped; *p; p++) {
			if (!lname_is(n->name, *p))
				continue;
			clean_note_removed(rep, "%s",
			    strncmp(*p, "comment", 7) == 0 ? "comment marks"
				: lname_is(n->name, "attachedTemplate")
				? "the attached template's path"
				: lname_is(n->name, "mailMerge") ? "mail-merge data source"
				: lname_is(n->name, "docVars")
				? "document variables"
				: "tracked changes (accepted: insertions kept as "
				  "text, deleted text removed)");
			return DROP;
		}
	}
	if (ns_is(n, ODF_TEXT_NS) &&
	    (lname_is(n->name, "tracked-changes") || lname_is(n->name, "changed-region") ||
		lname_is(n->name, "change") || lname_is(n->name, "change-start") ||
		lname_is(n->name, "change-end"))) {
		clean_note_removed(rep,
		    "tracked changes (accepted: insertions kept as text, "
		    "deleted text removed)");
		return DROP;
	}
	if ((ns_is(n, ODF_OFFICE_NS) || ns_is(n, OOO_OFFICE_NS)) &&
	    (lname_is(n->name, "annotation") || lname_is(n->name, "annotation-end"))) {
		clean_note_removed(
		    rep, "comments (annotations) with their authors, dates and text");
		return DROP;
	}
	if (ns_is(n, ODF_SVG_NS) && (lname_is(n->name, "title") || lname_is(n->name, "desc"))) {
		clean_note_removed(rep,
		    "picture descriptions and titles (often the picture's "
		    "path on the author's disk)");
		return DROP;
	}
	if (lname_is(n->name, "Relationship")) {
		v = xmlGetProp(n, (const xmlChar *)"Type");
		drop = v != NULL && rel_type_dropped((const char *)v);
		xmlFree(v);
		if (drop)
			return DROP;
	}
	if (lname_is(n->name, "Override")) {
		v = xmlGetProp(n, (const xmlChar *)"PartName");
		drop = v != NULL && clean_office_part_dropped((const char *)v + (v[0] == '/'));
		xmlFree(v);
		if (drop)
			return DROP;
	}
	if (lname_is(n->name, "Relationship") || lname_is(n->name, "Override") ||
	    lname_is(n->name, "file-entry")) {
		v = xmlGetProp(n,
		    (const xmlChar *)(lname_is(n->name, "Relationship") ? "Target"
			    : lname_is(n->name, "Override")             ? "PartName"
									: "full-path"));
		drop = v != NULL &&
		    (strstr((const char *)v, "thumbnail") != NULL ||
			strstr((const char *)v, "Thumbnails/") != NULL ||
			(lname_is(n->name, "file-entry") && lname_is(v, "layout-cache")));
		xmlFree(v);
	}
	if (ns_is(n, ODF_PRES_NS) && lname_is(n->name, "notes"))
		clean_note_kept(rep, "speaker notes (content of the presentation)");
	return drop ? DROP : KEEP;
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

	if ((lname_is(el->name, "docPr") || lname_is(el->name, "cNvPr")) &&
	    (strcmp(n, "descr") == 0 || strcmp(n, "title") == 0))
		return 1;
	if (a->ns == NULL && !lname_is(el->name, "cmAuthor") && !lname_is(el->name, "person"))
		return 0;
	return strncmp(n, "rsid", 4) == 0 || strcmp(n, "paragraph-rsid") == 0 ||
	    strcmp(n, "author") == 0 || strcmp(n, "initials") == 0 || strcmp(n, "date") == 0 ||
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
		if (strcmp((const char *)a->name, "descr") == 0 ||
		    strcmp((const char *)a->name, "title") == 0) {
			clean_note_removed(rep,
			    "picture descriptions and titles (often the "
			    "picture's path on the author's disk)");
			xmlRemoveProp(a);
		} else if (strncmp((const char *)a->name, "rsid", 4) == 0 ||
		    strcmp((const char *)a->name, "paragraph-rsid") == 0 ||
		    strcmp((const char *)a->name, "date") == 0) {
			clean_note_removed(rep,
			    strcmp((const char *)a->name, "date") == 0
				? "dates of comments and tracked changes"
				: "revision ids (rsid)");
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
	if (ns_is(n, ODF_SVG_NS) && (lname_is(n->name, "title") || lname_is(n->name, "desc")))
		clean_note_uninspected(rep, "picture descriptions and titles left in");
	if ((lname_is(n->name, "docPr") || lname_is(n->name, "cNvPr")) &&
	    (xmlHasProp(n, (const xmlChar *)"descr") || xmlHasProp(n, (const xmlChar *)"title")))
		clean_note_uninspected(rep, "picture descriptions and titles left in");
}

static void
walk(xmlNodePtr n, struct clean_report *rep)
{
	for (xmlNodePtr c = n->children, next; c != NULL; c = next) {
		enum fate fate;
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
		fate = element_fate(c, rep);
		if (fate == DROP) {
			if (lname_is(c->name, "rsids") || lname_is(c->name, "absPath") ||
			    lname_is(c->name, "presenceInfo"))
				clean_note_removed(rep, "%s elements", (const char *)c->name);
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			continue;
		}
		if (fate == UNWRAP) {
			walk(c, rep);
			while (c->children != NULL) {
				xmlNodePtr k = c->children;
				xmlUnlinkNode(k);
				xmlAddPrevSibling(c, k);
			}
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			continue;
		}
		if (empty_element(c)) {
			if (c->children != NULL)
				clean_note_removed(
				    rep, "names and dates of authors (%s)", (const char *)c->name);
			xmlNodeSetContent(c, (const xmlChar *)"");
		}
		clean_attrs(c, rep);
		note_unresolved(c, rep);
		walk(c, rep);
	}
}

int
clean_office_xml(const char *name, const unsigned char *buf, size_t len, struct sdbuf *out,
    struct clean_report *rep)
{
	xmlDocPtr doc = NULL;
	xmlChar *mem = NULL;
	int e, size = 0;

	(void)snprintf(rep->type, sizeof rep->type, "application/xml");
	if ((e = replaced(name, out, rep)) != 0)
		return e < 0 ? e : 0;
	if (len == 0)
		return 0; /* an empty member (LibreOffice's accelerator/current.xml,
		           * an empty fontTable.xml) holds nothing: kept empty */
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
		clean_set_error(
		    rep, "XML with a DTD that declares entities (not expanded, refused)");
		e = CLEAN_E_MALFORMED;
		goto out;
	}
	walk((xmlNodePtr)doc, rep);
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (mem == NULL || size < 0) {
		e = SD_ERR_NOMEM;
		goto out;
	}
	e = sdbuf_add(out, mem, (size_t)size);
out:
	xmlFree(mem);
	xmlFreeDoc(doc);
	return e;
}
