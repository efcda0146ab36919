/* lazy_zip.h — libzip, loaded on first use (lazylib.h): included by reader_office.c
 * after <zip.h>; lazy_zip_load() comes before
 * the first call. Each name below becomes a call through a pointer, so a function of the
 * library used there and missing here fails to link. */
#ifndef HSOK_LAZY_ZIP_H
#define HSOK_LAZY_ZIP_H

#include "lazylib.h"

#define LAZY_ZIP_SYMS(X) \
    X(zip_discard) X(zip_error_fini) X(zip_error_init) \
    X(zip_error_strerror) X(zip_fclose) X(zip_file_strerror) \
    X(zip_fopen_index) X(zip_fread) X(zip_get_error) \
    X(zip_name_locate) X(zip_open_from_source) X(zip_source_buffer_create) \
    X(zip_source_free) X(zip_stat_index) X(zip_stat_init) \
    X(zip_strerror)

LAZYLIB_DEFINE(zip, LAZY_ZIP_SYMS, "the Word and OpenDocument reader (libzip)",
               "libzip.so.4", "libzip.so")

#define zip_discard (*lazy_zip.zip_discard)
#define zip_error_fini (*lazy_zip.zip_error_fini)
#define zip_error_init (*lazy_zip.zip_error_init)
#define zip_error_strerror (*lazy_zip.zip_error_strerror)
#define zip_fclose (*lazy_zip.zip_fclose)
#define zip_file_strerror (*lazy_zip.zip_file_strerror)
#define zip_fopen_index (*lazy_zip.zip_fopen_index)
#define zip_fread (*lazy_zip.zip_fread)
#define zip_get_error (*lazy_zip.zip_get_error)
#define zip_name_locate (*lazy_zip.zip_name_locate)
#define zip_open_from_source (*lazy_zip.zip_open_from_source)
#define zip_source_buffer_create (*lazy_zip.zip_source_buffer_create)
#define zip_source_free (*lazy_zip.zip_source_free)
#define zip_stat_index (*lazy_zip.zip_stat_index)
#define zip_stat_init (*lazy_zip.zip_stat_init)
#define zip_strerror (*lazy_zip.zip_strerror)

#endif
