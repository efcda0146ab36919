/* lazy_xml.h — libxml2, loaded on first use (lazylib.h): included by reader_office.c
 * after the libxml2 headers; lazy_xml_load() comes before
 * the first call. Each name below becomes a call through a pointer, so a function of the
 * library used there and missing here fails to link. */
#ifndef HSOK_LAZY_XML_H
#define HSOK_LAZY_XML_H

#include "lazylib.h"

#define LAZY_XML_SYMS(X) \
    X(__xmlGenericError) X(__xmlGenericErrorContext) X(__xmlStructuredError) \
    X(__xmlStructuredErrorContext) X(htmlReadMemory) X(xmlDocGetRootElement) \
    X(xmlFree) X(xmlFreeDoc) X(xmlGetNsProp) \
    X(xmlGetProp) X(xmlReadMemory) X(xmlSetGenericErrorFunc) \
    X(xmlSetStructuredErrorFunc)

LAZYLIB_DEFINE(xml, LAZY_XML_SYMS, "the XML and HTML reader (libxml2)",
               "libxml2.so.2", "libxml2.so")

#define __xmlGenericError (*lazy_xml.__xmlGenericError)
#define __xmlGenericErrorContext (*lazy_xml.__xmlGenericErrorContext)
#define __xmlStructuredError (*lazy_xml.__xmlStructuredError)
#define __xmlStructuredErrorContext (*lazy_xml.__xmlStructuredErrorContext)
#define htmlReadMemory (*lazy_xml.htmlReadMemory)
#define xmlDocGetRootElement (*lazy_xml.xmlDocGetRootElement)
#define xmlFree (*lazy_xml.xmlFree)
#define xmlFreeDoc (*lazy_xml.xmlFreeDoc)
#define xmlGetNsProp (*lazy_xml.xmlGetNsProp)
#define xmlGetProp (*lazy_xml.xmlGetProp)
#define xmlReadMemory (*lazy_xml.xmlReadMemory)
#define xmlSetGenericErrorFunc (*lazy_xml.xmlSetGenericErrorFunc)
#define xmlSetStructuredErrorFunc (*lazy_xml.xmlSetStructuredErrorFunc)

#endif
