/* lazy_xlsx.h — libxlsxwriter, loaded on first use (lazylib.h): included by export_xlsx.c
 * after <xlsxwriter.h>; lazy_xlsx_load() comes before
 * the first call. Each name below becomes a call through a pointer, so a function of the
 * library used there and missing here fails to link. */
#ifndef HSOK_LAZY_XLSX_H
#define HSOK_LAZY_XLSX_H

#include "lazylib.h"

#define LAZY_XLSX_SYMS(X) \
    X(format_set_align) X(format_set_bold) X(format_set_text_wrap) \
    X(lxw_strerror) X(workbook_add_format) X(workbook_add_worksheet) \
    X(workbook_close) X(workbook_new_opt) X(worksheet_autofilter) \
    X(worksheet_freeze_panes) X(worksheet_set_column) X(worksheet_write_number) \
    X(worksheet_write_string)

LAZYLIB_DEFINE(xlsx, LAZY_XLSX_SYMS, "the Excel writer (libxlsxwriter)",
               "libxlsxwriter.so.4", "libxlsxwriter.so")

#define format_set_align (*lazy_xlsx.format_set_align)
#define format_set_bold (*lazy_xlsx.format_set_bold)
#define format_set_text_wrap (*lazy_xlsx.format_set_text_wrap)
#define lxw_strerror (*lazy_xlsx.lxw_strerror)
#define workbook_add_format (*lazy_xlsx.workbook_add_format)
#define workbook_add_worksheet (*lazy_xlsx.workbook_add_worksheet)
#define workbook_close (*lazy_xlsx.workbook_close)
#define workbook_new_opt (*lazy_xlsx.workbook_new_opt)
#define worksheet_autofilter (*lazy_xlsx.worksheet_autofilter)
#define worksheet_freeze_panes (*lazy_xlsx.worksheet_freeze_panes)
#define worksheet_set_column (*lazy_xlsx.worksheet_set_column)
#define worksheet_write_number (*lazy_xlsx.worksheet_write_number)
#define worksheet_write_string (*lazy_xlsx.worksheet_write_string)

#endif
