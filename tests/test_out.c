/* test_out.c — the CLI's text writers (src/cli/out.c) on their own: out_safe and the writers
 * built on it (out_abbrev, out_section, out_wrapped) against tables of hostile strings:
 * terminal escape sequences, C1 and bidi controls, invalid UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

/* The output of a writer as a malloc'd, NUL-terminated string. */
typedef struct mem {
    char *data;
    size_t len;
    FILE *f;
} mem_t;

static FILE *mem_open(mem_t *m)
{
    memset(m, 0, sizeof *m);
    m->f = open_memstream(&m->data, &m->len);
    assert_non_null(m->f);
    return m->f;
}

static char *mem_close(mem_t *m)
{
    assert_int_equal(fclose(m->f), 0);
    return m->data;
}

/* Close m and check what was written; what and i name the case in a failure. */
static void expect_output(mem_t *m, const char *want, const char *what, size_t i)
{
    char *got = mem_close(m);
    if (strcmp(got, want) != 0)
        fail_msg("%s case %zu: got \"%s\", want \"%s\"", what, i, got, want);
    free(got);
}

/* Code points in s[0..n): the columns a string takes as written. */
static size_t cp_count(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xc0) != 0x80;
    return k;
}

typedef struct case_ {
    const char *in, *want;
} case_t;

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* Every character a terminal could run or that disguises text, one by one and in context. */
static const case_t safe_cases[] = {
    {"", ""},
    {"plain text", "plain text"},
    {"æøå ÆØÅ — “sitat” 😀", "æøå ÆØÅ — “sitat” 😀"},
    /* C0 controls */
    {"\033]0;pwned\007", "\\x1b]0;pwned\\x07"},
    {"\033[2J", "\\x1b[2J"},
    {"\033]8;;http://evil\033\\lenke\033]8;;\033\\", "\\x1b]8;;http://evil\\x1b\\lenke\\x1b]8;;\\x1b\\"},
    {"a\tb", "a\\tb"},
    {"a\nb", "a\\nb"},
    {"a\r\nb", "a\\r\\nb"},
    {"\001\010\013\014\016\037", "\\x01\\x08\\x0b\\x0c\\x0e\\x1f"},
    {"\177", "\\x7f"},
    /* C1 controls, as UTF-8 */
    {"\xc2\x80", "\\u0080"},
    {"\xc2\x9b" "2J", "\\u009b2J"},
    {"\xc2\x9d" "0;x\xc2\x9c", "\\u009d0;x\\u009c"},
    {"\xc2\x9f", "\\u009f"},
    {"\xc2\xa0", "\xc2\xa0"}, /* NO-BREAK SPACE, just after the C1 block: kept */
    /* bidi controls (Bidi_Control) */
    {"\xe2\x80\xae" "txt.exe", "\\u202etxt.exe"},
    {"\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "\\u202a\\u202b\\u202c\\u202d"},
    {"\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "\\u2066\\u2067\\u2068\\u2069"},
    {"\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\u200e\\u200f\\u061c"},
    {"\xe2\x80\xa9\xe2\x81\xa5", "\xe2\x80\xa9\xe2\x81\xa5"}, /* neighbours of the blocks */
    /* invalid UTF-8: each byte shown */
    {"\xff", "\\xff"},
    {"Bl\xe5" "b\xe6r", "Bl\\xe5b\\xe6r"},
    {"\xc3", "\\xc3"},                     /* cut sequence */
    {"\xc0\xaf", "\\xc0\\xaf"},             /* overlong '/' */
    {"\xed\xa0\x80", "\\xed\\xa0\\x80"},     /* surrogate */
    {"\xe2\x80", "\\xe2\\x80"},             /* cut bidi control */
    {"\x9b" "2J", "\\x9b2J"},               /* a bare C1 byte */
};

static void test_out_safe_table(void **state)
{
    (void)state;
    mem_t m;
    for (size_t i = 0; i < NCASES(safe_cases); i++) {
        const case_t *c = &safe_cases[i];
        out_safe_str(mem_open(&m), c->in);
        expect_output(&m, c->want, "out_safe", i);
        /* the width is what was written, in code points */
        assert_int_equal(out_safe_width(c->in, strlen(c->in)),
                         cp_count(c->want, strlen(c->want)));
    }
    /* with a length: an embedded NUL, and a cut that ends inside a character */
    out_safe(mem_open(&m), "a\0b", 3);
    expect_output(&m, "a\\x00b", "NUL", 0);
    out_safe(mem_open(&m), "\xc3\xa5\xc3\xa5", 3);
    expect_output(&m, "\xc3\xa5\\xc3", "cut", 0);
    out_safe_str(mem_open(&m), NULL);
    expect_output(&m, "", "NULL", 0);
}

/* No byte of s is a raw control, C1 or bidi character. */
static void assert_clean(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
            fail_msg("raw control 0x%02x in \"%s\"", *p, s);
        if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            fail_msg("raw C1 control in \"%s\"", s);
        if (p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
                             (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)))
            fail_msg("raw bidi control in \"%s\"", s);
    }
}

/* out_safe_vprintf behind a printf-like function, as cli_error uses it. */
static void safe_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void safe_printf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out_safe_vprintf(f, fmt, ap);
    va_end(ap);
}

static void test_out_safe_printf(void **state)
{
    (void)state;
    /* a message as cli_error writes it: the quoted name is neutralised, also in a message
     * longer than the formatting buffer */
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[1000] = '\033';
    const char *names[] = {"svar\033]0;pwned\007.txt", big};
    for (size_t i = 0; i < NCASES(names); i++) {
        mem_t m;
        safe_printf(mem_open(&m), "cannot open '%s': %s", names[i], "no such file");
        char *got = mem_close(&m);
        assert_clean(got);
        assert_int_equal(strncmp(got, "cannot open '", 13), 0);
        assert_non_null(strstr(got, "\\x1b"));
        assert_non_null(strstr(got, "': no such file"));
        if (i == 1) /* 1998 x, the escape and the fixed text: nothing lost */
            assert_int_equal(m.len, strlen("cannot open '': no such file") + 1998 + 4);
        free(got);
    }
}

static void test_out_abbrev_and_section(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t max;
        const char *want;
    } cases[] = {
        {"Evil \033]0;t\007 AS", 40, "Evil \\x1b]0;t\\x07 AS"},
        /* cut to 10 columns: the escape counts by its length and is never split */
        {"abcdef\033ghijkl", 10, "abcdef…"},
        {"abcde\033ghijkl", 10, "abcde\\x1b…"},
        {"\xe2\x80\xae" "abcdefghijkl", 8, "\\u202ea…"},
        {"kort navn", 20, "kort navn"},
    };
    mem_t m;
    for (size_t i = 0; i < NCASES(cases); i++) {
        out_abbrev(mem_open(&m), cases[i].in, cases[i].max);
        expect_output(&m, cases[i].want, "out_abbrev", i);
    }
    out_section(mem_open(&m), "Del 1 \xe2\x80\xba \033[2JMål \xe2\x80\xae", 90);
    expect_output(&m, "Del 1 \xe2\x80\xba \\x1b[2JMål \\u202e", "out_section", 0);
    /* too long: the head is cut, the last heading kept whole and neutralised */
    out_section(mem_open(&m),
                "En svært lang overskrift om noe helt annet enn dette \xe2\x80\xba Siste \033]0;x\007",
                40);
    char *got = mem_close(&m);
    assert_clean(got);
    assert_non_null(strstr(got, "\xe2\x80\xba Siste \\x1b]0;x\\x07"));
    free(got);
}

static void test_out_wrapped(void **state)
{
    (void)state;
    static const char text[] = "Vi mener\tat \033]0;pwned\007 personvernet\r\n\033[2J må "
                               "\033]8;;http://evil\033\\lenke\033]8;;\033\\ \xe2\x80\xae"
                               "snudd \xc2\x9b" "2J og Bl\xe5" "b\xe6r.";
    const char *word = strstr(text, "personvernet");
    hsok_span_t span = {(size_t)(word - text), (size_t)(word - text) + strlen("personvernet")};
    mem_t m;
    out_wrapped(mem_open(&m), text, strlen(text), &span, 1, "  ", 200, 0);
    char *got = mem_close(&m);
    assert_clean(got);
    /* whitespace (TAB, CR, LF) separates words; other controls are shown */
    assert_non_null(strstr(got, "  Vi mener at \\x1b]0;pwned\\x07 **personvernet**"));
    assert_non_null(strstr(got, "\\x1b[2J må"));
    assert_non_null(strstr(got, "\\x1b]8;;http://evil\\x1b\\lenke\\x1b]8;;\\x1b\\"));
    assert_non_null(strstr(got, "\\u202esnudd \\u009b2J og Bl\\xe5b\\xe6r."));
    free(got);
    /* wrapped at 40: every line fits in 40 columns, counted as written */
    out_wrapped(mem_open(&m), text, strlen(text), &span, 1, "  ", 40, 0);
    got = mem_close(&m);
    assert_clean(got);
    assert_true(strchr(got, '\n') < got + strlen(got) - 1); /* more than one line */
    for (char *line = got; *line;) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        size_t cps = cp_count(line, (size_t)(nl - line));
        char *sp = strchr(line + 2, ' '); /* after the indent */
        if (sp != NULL && sp < nl && cps > 40) /* a single long word may overflow */
            fail_msg("line wider than 40: %.*s", (int)(nl - line), line);
        line = nl + 1;
    }
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_out_safe_table),
        cmocka_unit_test(test_out_safe_printf),
        cmocka_unit_test(test_out_abbrev_and_section),
        cmocka_unit_test(test_out_wrapped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
