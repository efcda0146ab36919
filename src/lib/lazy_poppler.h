/* lazy_poppler.h — poppler-glib, loaded on first use (lazylib.h): included by reader_pdf.c
 * after <poppler.h>; lazy_poppler_load() comes before
 * the first call. Each name below becomes a call through a pointer, so a function of the
 * library used there and missing here fails to link. */
#ifndef HSOK_LAZY_POPPLER_H
#define HSOK_LAZY_POPPLER_H

#include "lazylib.h"

#define LAZY_POPPLER_SYMS(X) \
    X(g_bytes_new_static) X(g_bytes_unref) X(g_error_free) \
    X(g_free) X(g_log_remove_handler) X(g_log_set_handler) \
    X(g_object_unref) X(g_strdup) X(g_utf8_skip) \
    X(g_utf8_strlen) X(poppler_document_get_n_pages) X(poppler_document_get_page) \
    X(poppler_document_new_from_bytes) X(poppler_error_quark) X(poppler_page_free_image_mapping) \
    X(poppler_page_get_image_mapping) X(poppler_page_get_size) X(poppler_page_get_text) \
    X(poppler_page_get_text_layout)

LAZYLIB_DEFINE(poppler, LAZY_POPPLER_SYMS, "the PDF reader (poppler-glib)",
               "libpoppler-glib.so.8", "libpoppler-glib.so")

#define g_bytes_new_static (*lazy_poppler.g_bytes_new_static)
#define g_bytes_unref (*lazy_poppler.g_bytes_unref)
#define g_error_free (*lazy_poppler.g_error_free)
#define g_free (*lazy_poppler.g_free)
#define g_log_remove_handler (*lazy_poppler.g_log_remove_handler)
#define g_log_set_handler (*lazy_poppler.g_log_set_handler)
#define g_object_unref (*lazy_poppler.g_object_unref)
#define g_strdup (*lazy_poppler.g_strdup)
#define g_utf8_skip (*lazy_poppler.g_utf8_skip)
#define g_utf8_strlen (*lazy_poppler.g_utf8_strlen)
#define poppler_document_get_n_pages (*lazy_poppler.poppler_document_get_n_pages)
#define poppler_document_get_page (*lazy_poppler.poppler_document_get_page)
#define poppler_document_new_from_bytes (*lazy_poppler.poppler_document_new_from_bytes)
#define poppler_error_quark (*lazy_poppler.poppler_error_quark)
#define poppler_page_free_image_mapping (*lazy_poppler.poppler_page_free_image_mapping)
#define poppler_page_get_image_mapping (*lazy_poppler.poppler_page_get_image_mapping)
#define poppler_page_get_size (*lazy_poppler.poppler_page_get_size)
#define poppler_page_get_text (*lazy_poppler.poppler_page_get_text)
#define poppler_page_get_text_layout (*lazy_poppler.poppler_page_get_text_layout)

#endif
