/* fuzz.h — shared by the libFuzzer harnesses in tests/fuzz/ (see tests/fuzz/run).
 *
 * A harness checks what the headers promise (offsets inside the text, NUL-terminated strings
 * of the stated length, valid UTF-8 out of valid UTF-8 in) and aborts with a message when a
 * promise is broken, so libFuzzer keeps the input as a crash like any sanitizer finding. */
#ifndef HSOK_FUZZ_H
#define HSOK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsok/text.h"

#define FUZZ_CHECK(cond, ...)                                                   \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "fuzz: %s:%d: broken promise: %s: ", __FILE__,      \
                    __LINE__, #cond);                                           \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
            abort();                                                            \
        }                                                                       \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A string is what it says it is: NUL at len, no NUL before it. */
static inline void fuzz_check_str(const char *s, size_t len, const char *what)
{
    FUZZ_CHECK(s != NULL, "%s is NULL", what);
    FUZZ_CHECK(s[len] == '\0' && strlen(s) == len, "%s: length %zu but strlen %zu", what, len,
               strlen(s));
}

/* A non-NULL string that must be valid UTF-8 (output made from valid UTF-8 input). */
static inline void fuzz_check_utf8(const char *s, const char *what)
{
    FUZZ_CHECK(s != NULL, "%s is NULL", what);
    size_t bad = 0;
    FUZZ_CHECK(hsok_utf8_valid(s, strlen(s), &bad), "%s: invalid UTF-8 at byte %zu", what, bad);
}

/* A NUL-terminated copy of data (queries and paths are C strings); caller frees. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* A mkdtemp template under $TMPDIR (tests/fuzz/run points it into the build directory and
 * empties it: a crash skips the harness's own clean-up), else /tmp. */
static inline void fuzz_tmpdir(char *buf, size_t n, const char *name)
{
    const char *t = getenv("TMPDIR");
    snprintf(buf, n, "%s/hsok-fuzz-%s-XXXXXX", t && *t ? t : "/tmp", name);
}

#endif
