/* runhsok.h — running the hsok binary from a cmocka test and keeping what it printed, as the
 * CLI-level tests share it (test_copies.c, test_respondents.c, test_shards.c). Failures end
 * the running cmocka test. */
#ifndef HSOK_TEST_RUNHSOK_H
#define HSOK_TEST_RUNHSOK_H

#include <stddef.h>

typedef struct hsok_run {
    int status;     /* exit status, or 128 + the signal that ended it */
    char *out, *err; /* what it wrote to stdout and stderr, NUL-ended, malloc'd */
} hsok_run_t;

/* Run the binary hsok with the NULL-ended args (without argv[0]) in the folder dir, its
 * output captured through dir/.out and dir/.err. Its environment: NO_COLOR=1, an empty
 * HSOK_ALIASES (no alias table), HSOK_THEMES=themes ("" for none), and neither HSOK_DB nor
 * HSOK_CODES. At most 95 arguments. */
void hsok_runv(hsok_run_t *r, const char *hsok, const char *dir, const char *themes,
               const char *const *args);

/* The same with the arguments given one by one, NULL-ended. */
void hsok_run(hsok_run_t *r, const char *hsok, const char *dir, const char *themes, ...);

void hsok_run_free(hsok_run_t *r);

/* The whole file at path, NUL-ended, malloc'd (an empty string for an empty file); *len (may
 * be NULL) its size. NULL when it cannot be opened. */
char *hsok_slurp(const char *path, size_t *len);

#endif
