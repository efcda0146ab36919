/* lazy_mhd.h — libmicrohttpd, loaded when `hsok serve` starts (lazylib.h), not by every hsok
 * process: it brings GnuTLS and ten more shared libraries. Included by cmd_serve.c after
 * <microhttpd.h>; lazy_mhd_load() comes before the first call. Each name below becomes a call
 * through a pointer, so a function of the library used there and missing here fails to link. */
#ifndef HSOK_LAZY_MHD_H
#define HSOK_LAZY_MHD_H

#include "lazylib.h"

#define LAZY_MHD_SYMS(X) \
    X(MHD_add_response_header) X(MHD_create_response_from_buffer) X(MHD_destroy_response) \
    X(MHD_get_connection_values) X(MHD_lookup_connection_value) X(MHD_queue_response) \
    X(MHD_start_daemon) X(MHD_stop_daemon)

LAZYLIB_DEFINE(mhd, LAZY_MHD_SYMS, "the web server (libmicrohttpd)", "libmicrohttpd.so.12",
               "libmicrohttpd.so")

#define MHD_add_response_header (*lazy_mhd.MHD_add_response_header)
#define MHD_create_response_from_buffer (*lazy_mhd.MHD_create_response_from_buffer)
#define MHD_destroy_response (*lazy_mhd.MHD_destroy_response)
#define MHD_get_connection_values (*lazy_mhd.MHD_get_connection_values)
#define MHD_lookup_connection_value (*lazy_mhd.MHD_lookup_connection_value)
#define MHD_queue_response (*lazy_mhd.MHD_queue_response)
#define MHD_start_daemon (*lazy_mhd.MHD_start_daemon)
#define MHD_stop_daemon (*lazy_mhd.MHD_stop_daemon)

#endif
