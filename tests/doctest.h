/* doctest.h — what the tests of the document readers share (test_pdf.c, test_office.c): they
 * run a generator (tests/docs/make-*.py) or the hsok binary, and read what comes out. Failures
 * end the running cmocka test. */
#ifndef HSOK_TEST_DOCTEST_H
#define HSOK_TEST_DOCTEST_H

#include <stddef.h>

#include "hsok/reader.h"

/* Run argv; stdout and stderr to the files out/err (NULL: /dev/null). The exit status, or -1. */
int run(char *const argv[], const char *out, const char *err);

/* "dir/name", malloc'd. */
char *path_in(const char *dir, const char *name);

/* The whole file at path (at most 256 MiB), malloc'd; *len (may be NULL) its size. */
char *read_all(const char *path, size_t *len);

/* The source tree: $HSOK_SOURCE_ROOT, else ".". */
const char *src_root(void);

/* s with every run of white space (form feeds too) one space, trimmed; malloc'd. */
char *squeeze(const char *s);

struct hsok_segdoc;
/* Read the file at path with hsok_document_read; what it wrote to stderr meanwhile (through a
 * file in tmpdir) in *stderr_text, malloc'd. The status of the read. */
hsok_status_t doc_read(const char *tmpdir, const char *path, hsok_document_t *doc,
                       char **errmsg, char **stderr_text);

/* Whether the passages of a (read from a document) and b (from the text version) agree: the
 * same number, each with the same text (white space aside), respondent and section. The
 * first few differences are printed, a's side labelled `label` ("pdf: "). */
int same_passages(const char *label, const char *what, const struct hsok_segdoc *a,
                  const struct hsok_segdoc *b);

#endif
