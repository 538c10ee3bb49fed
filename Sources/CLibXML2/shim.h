#ifndef NEWSWATCH_CLIBXML2_SHIM_H
#define NEWSWATCH_CLIBXML2_SHIM_H

/* Debian's libxml2 is built with ICU, so encoding.h would pull in the system ICU headers, which clash
 * with Foundation's own copy (_FoundationICU) in any Swift file importing both. Only the layout of
 * xmlCharEncodingHandler depends on this macro, and Swift never touches that struct's fields. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/uri.h>
#include <libxml/encoding.h>
#include <libxml/xmlversion.h>
#include <libxml/xmlIO.h>
#include <libxml/entities.h>

/// `xmlFree` is a global function pointer, which Swift 6 will not import as callable.
static inline void nw_xml_free(void *p) { xmlFree(p); }

/// The libxml2 version number the headers were built against (e.g. 20914).
static inline int nw_xml_version(void) { return LIBXML_VERSION; }

/// An external entity loader that loads nothing: no DTD, entity or XInclude ever reaches a file or the network.
static inline xmlParserInputPtr nw_deny_entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

/// Initialises libxml2 once and installs the deny-all external entity loader (process-wide).
static inline void nw_xml_setup(void) {
    xmlInitParser();
    xmlSetExternalEntityLoader(nw_deny_entity_loader);
}

/// Parses `len` bytes of UTF-8 HTML with a reusable HTML parser context whose SAX handler the caller set.
///
/// The context is reset first, so one context serves many fragments. The bytes are copied: libxml2 2.9's
/// static input buffers re-read text when the HTML parser shrinks its input (xmlParserInputShrink moves
/// `cur` back while the buffer moves its content pointer forward). Returns htmlParseDocument's result.
static inline int nw_html_parse_utf8(htmlParserCtxtPtr ctxt, const char *buf, int len, int options) {
    xmlParserInputBufferPtr input;
    xmlParserInputPtr stream;
    htmlCtxtReset(ctxt);
    input = xmlParserInputBufferCreateMem(buf, len, XML_CHAR_ENCODING_UTF8);
    if (input == NULL) return -2;
    stream = xmlNewIOInputStream(ctxt, input, XML_CHAR_ENCODING_UTF8);
    if (stream == NULL) {
        xmlFreeParserInputBuffer(input);
        return -2;
    }
    inputPush(ctxt, stream);
    htmlCtxtUseOptions(ctxt, options);
    return htmlParseDocument(ctxt);
}

/// The line the parser is at (for warnings), or 0.
static inline int nw_ctxt_line(xmlParserCtxtPtr ctxt) {
    return (ctxt != NULL && ctxt->input != NULL) ? ctxt->input->line : 0;
}

#endif
