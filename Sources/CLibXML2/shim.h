#ifndef NEWSWATCH_CLIBXML2_SHIM_H
#define NEWSWATCH_CLIBXML2_SHIM_H

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

/// `xmlFree` is a global function pointer, which Swift 6 will not import as callable.
static inline void nw_xml_free(void *p) { xmlFree(p); }

/// The libxml2 version number the headers were built against (e.g. 20914).
static inline int nw_xml_version(void) { return LIBXML_VERSION; }

#endif
