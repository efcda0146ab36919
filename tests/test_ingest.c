/* test_ingest.c — the one reader of files a user names (hsok_read_regular_file) and its
 * users: sources, sidecars, theme files and word lists.
 *
 * What must never happen: waiting on a FIFO, reading a device without end, holding more
 * than the limit in memory. Every case runs under alarm(): a reader that blocks kills the
 * test (SIGALRM) instead of hanging the suite. Files are made in a mkdtemp directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hsok/compound.h"
#include "hsok/ingest.h"
#include "hsok/segment.h"
#include "hsok/themes.h"

enum { TIMEOUT_S = 20 };

static char tmpdir[512];

static char *tpath(const char *name)
{
    static char p[4][1024];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", tmpdir, name);
    return p[k];
}

static void write_bytes(const char *name, const char *data, size_t len)
{
    FILE *f = fopen(tpath(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_str(const char *name, const char *s)
{
    write_bytes(name, s, strlen(s));
}

static void make_fifo(const char *name)
{
    if (mkfifo(tpath(name), 0600) != 0)
        fail_msg("mkfifo %s: %s", tpath(name), strerror(errno));
}

/* err is a one-line message holding each of the NULL-terminated needles in ap; freed. */
static void check_message(const char *what, char *err, va_list ap)
{
    assert_non_null(err);
    assert_null(strchr(err, '\n'));
    for (const char *n; (n = va_arg(ap, const char *)) != NULL;)
        if (!strstr(err, n))
            fail_msg("%s: message \"%s\" lacks \"%s\"", what, err, n);
    free(err);
}

/* Read path with limit max; the status must be want, and on an error the message must hold
 * each of the NULL-terminated needles. */
static void expect_read(const char *path, size_t max, hsok_status_t want, ...)
{
    char *data = (char *)"sentinel", *err = NULL;
    size_t len = 99;
    alarm(TIMEOUT_S);
    hsok_status_t st = hsok_read_regular_file(path, max, &data, &len, &err);
    alarm(0);
    if (st != want)
        fail_msg("'%s': status %d (%s), want %d; message: %s", path, st, hsok_status_str(st),
                 want, err ? err : "(none)");
    if (st == HSOK_OK) {
        assert_null(err);
        assert_non_null(data);
        assert_int_equal(data[len], '\0');
        free(data);
        return;
    }
    assert_null(data);
    assert_int_equal(len, 0);
    va_list ap;
    va_start(ap, want);
    check_message(path, err, ap);
    va_end(ap);
}

/* ---- the reader ---- */

static void test_regular_file(void **state)
{
    (void)state;
    static const char bytes[] = "Høringssvar\n\0med en nul\n";
    write_bytes("a.txt", bytes, sizeof bytes - 1);
    char *data = NULL, *err = NULL;
    size_t len = 0;
    assert_int_equal(hsok_read_regular_file(tpath("a.txt"), 1024, &data, &len, &err), HSOK_OK);
    assert_null(err);
    assert_int_equal(len, sizeof bytes - 1);
    assert_memory_equal(data, bytes, len);
    assert_int_equal(data[len], '\0');
    free(data);

    write_bytes("empty.txt", "", 0);
    assert_int_equal(hsok_read_regular_file(tpath("empty.txt"), 1024, &data, &len, &err),
                     HSOK_OK);
    assert_int_equal(len, 0);
    assert_non_null(data);
    assert_int_equal(data[0], '\0');
    free(data);

    /* a symlink to a regular file is that file */
    assert_int_equal(symlink(tpath("a.txt"), tpath("link.txt")), 0);
    expect_read(tpath("link.txt"), 1024, HSOK_OK, NULL);

    expect_read(tpath("missing.txt"), 1024, HSOK_ERR_NOT_FOUND, "cannot open",
                "missing.txt'", "no such file", NULL);
}

static void test_not_regular(void **state)
{
    (void)state;
    make_fifo("fifo.txt");
    expect_read(tpath("fifo.txt"), 1024, HSOK_ERR_NOT_REGULAR, "fifo.txt'",
                "a FIFO, not a regular file", NULL);
    expect_read("/dev/null", 1024, HSOK_ERR_NOT_REGULAR, "'/dev/null'",
                "a character device, not a regular file", NULL);
    /* /dev/zero behind a symlink: refused, not read until memory runs out */
    assert_int_equal(symlink("/dev/zero", tpath("zero.txt")), 0);
    expect_read(tpath("zero.txt"), (size_t)1 << 40, HSOK_ERR_NOT_REGULAR, "zero.txt'",
                "a character device", NULL);
    assert_int_equal(mkdir(tpath("dir.txt"), 0700), 0);
    expect_read(tpath("dir.txt"), 1024, HSOK_ERR_NOT_REGULAR, "dir.txt'", "a directory",
                NULL);

    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(tpath("sock.txt")) < sizeof sa.sun_path) {
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s", tpath("sock.txt"));
        assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
        expect_read(tpath("sock.txt"), 1024, HSOK_ERR_NOT_REGULAR, "sock.txt'",
                    "a socket, not a regular file", NULL);
    }
    close(s);

    /* hsok_source_read, which `hsok tag` uses, goes through the same door */
    hsok_source_t src;
    char *err = NULL;
    alarm(TIMEOUT_S);
    assert_int_equal(hsok_source_read(tpath("fifo.txt"), &src, &err), HSOK_ERR_NOT_REGULAR);
    alarm(0);
    assert_non_null(strstr(err, "a FIFO"));
    assert_null(src.text);
    free(err);
}

static void test_size_limit(void **state)
{
    (void)state;
    char big[4096];
    memset(big, 'x', sizeof big);
    write_bytes("100.txt", big, 100);
    expect_read(tpath("100.txt"), 100, HSOK_OK, NULL);
    expect_read(tpath("100.txt"), 99, HSOK_ERR_TOO_LARGE, "100.txt'",
                "larger than the 99 bytes limit", NULL);

    /* one byte over a limit of 1 MiB */
    FILE *f = fopen(tpath("1m.txt"), "wb");
    assert_non_null(f);
    for (size_t i = 0; i < 256; i++)
        assert_int_equal(fwrite(big, 1, sizeof big, f), sizeof big);
    fputc('x', f);
    assert_int_equal(fclose(f), 0);
    expect_read(tpath("1m.txt"), (size_t)1 << 20, HSOK_ERR_TOO_LARGE,
                "larger than the 1 MB limit", NULL);
    expect_read(tpath("1m.txt"), ((size_t)1 << 20) + 1, HSOK_OK, NULL);

    /* A file whose size says less than it holds (a /proc file says 0, as does a file that
     * grows while it is read): the limit holds on what is read, not on what stat said. */
    struct stat sb;
    if (stat("/proc/self/status", &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0) {
        expect_read("/proc/self/status", 16, HSOK_ERR_TOO_LARGE, "larger than the 16 bytes",
                    NULL);
        expect_read("/proc/self/status", 1 << 20, HSOK_OK, NULL);
    } else {
        print_message("no zero-sized /proc/self/status: the grown-file case is not run\n");
    }
}

static void test_format_size(void **state)
{
    (void)state;
    static const struct {
        size_t bytes;
        const char *want;
    } cases[] = {
        {0, "0 bytes"},
        {1, "1 byte"},
        {1000, "1000 bytes"},
        {1024, "1 KB"},
        {1536, "1536 bytes"},
        {(size_t)512 << 10, "512 KB"},
        {(size_t)64 << 20, "64 MB"},
        {((size_t)64 << 20) + 1024, "65537 KB"},
        {(size_t)2 << 30, "2 GB"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[32];
        hsok_format_size(cases[i].bytes, out, sizeof out);
        assert_string_equal(out, cases[i].want);
    }
    assert_string_equal(hsok_file_type_name(S_IFIFO | 0600), "a FIFO");
    assert_string_equal(hsok_file_type_name(S_IFBLK | 0600), "a block device");
    assert_string_equal(hsok_file_type_name(S_IFREG | 0600), "a regular file");
}

/* ---- the sidecar ---- */

/* hsok_read_meta on tmpdir/NAME: status want, a message holding the needles. */
static void expect_meta(const char *name, hsok_status_t want, const char *respondent, ...)
{
    char *r = NULL, *err = NULL;
    alarm(TIMEOUT_S);
    hsok_status_t st = hsok_read_meta(tpath(name), &r, &err);
    alarm(0);
    if (st != want)
        fail_msg("sidecar of %s: status %d, want %d; message: %s", name, st, want,
                 err ? err : "(none)");
    if (respondent) {
        assert_non_null(r);
        assert_string_equal(r, respondent);
    } else {
        assert_null(r);
    }
    if (st == HSOK_OK) {
        assert_null(err);
        free(r);
        return;
    }
    va_list ap;
    va_start(ap, respondent);
    check_message(name, err, ap);
    va_end(ap);
}

static void test_sidecar(void **state)
{
    (void)state;
    write_str("s1.txt.meta", "\xef\xbb\xbf# who\r\nRespondent :  Eksempel kommune \r\nlang: nb\n");
    expect_meta("s1.txt", HSOK_OK, "Eksempel kommune", NULL);

    /* the second of two respondent lines is an error, not a silent override */
    write_str("s2.txt.meta", "respondent: A\n# later\nrespondent: B\n");
    expect_meta("s2.txt", HSOK_ERR_PARSE, NULL, "s2.txt.meta' line 3",
                "a second 'respondent' line", "line 1", NULL);

    /* a nul byte is binary data, not a respondent cut short at the nul */
    static const char nul[] = "respondent: Eksempel\0 kommune\n";
    write_bytes("s3.txt.meta", nul, sizeof nul - 1);
    expect_meta("s3.txt", HSOK_ERR_PARSE, NULL, "s3.txt.meta' line 1", "binary data", NULL);

    write_str("s4.txt.meta", "respondent: Bl\xe5\x62\xe6r kommune\n");
    expect_meta("s4.txt", HSOK_ERR_ENCODING, NULL, "s4.txt.meta' line 1", "not UTF-8", NULL);

    write_str("s5.txt.meta", "respondent:\n");
    expect_meta("s5.txt", HSOK_ERR_PARSE, NULL, "empty respondent", NULL);

    /* x.meta when there is no x.txt.meta */
    write_str("s6.meta", "respondent: Seks\n");
    expect_meta("s6.txt", HSOK_OK, "Seks", NULL);

    /* a FIFO, /dev/zero or a directory as the sidecar: refused at once */
    make_fifo("f.txt.meta");
    expect_meta("f.txt", HSOK_ERR_NOT_REGULAR, NULL, "sidecar '", "f.txt.meta'",
                "a FIFO, not a regular file", NULL);
    assert_int_equal(symlink("/dev/zero", tpath("z.meta")), 0);
    expect_meta("z.txt", HSOK_ERR_NOT_REGULAR, NULL, "z.meta'", "a character device", NULL);
    assert_int_equal(mkdir(tpath("d.txt.meta"), 0700), 0);
    expect_meta("d.txt", HSOK_ERR_NOT_REGULAR, NULL, "d.txt.meta'", "a directory", NULL);

    /* over the 1 MiB a sidecar may be */
    char *big = malloc(((size_t)1 << 20) + 2);
    assert_non_null(big);
    memset(big, '#', ((size_t)1 << 20) + 1);
    big[0] = '\n';
    write_bytes("b.txt.meta", big, ((size_t)1 << 20) + 1);
    free(big);
    expect_meta("b.txt", HSOK_ERR_PARSE, NULL, "b.txt.meta'", "larger than 1 MB", NULL);
}

/* ---- theme files and word lists ---- */

static void test_theme_and_lexicon_files(void **state)
{
    (void)state;
    assert_int_equal(mkdir(tpath("themes"), 0700), 0);
    write_str("themes/a.theme", "id: a\nlabel: A\n\nterms:\n  3 personvern\n");
    make_fifo("themes/b.theme");
    hsok_codebook_t *cb = NULL;
    char *err = NULL;
    alarm(TIMEOUT_S);
    hsok_status_t st = hsok_codebook_load_dir(tpath("themes"), &cb, &err);
    alarm(0);
    if (st != HSOK_ERR_NOT_REGULAR)
        fail_msg("status %d, message %s", st, err ? err : "(none)");
    assert_null(cb);
    assert_non_null(strstr(err, "b.theme'"));
    assert_non_null(strstr(err, "a FIFO"));
    free(err);
    err = NULL;

    make_fifo("words.fifo");
    const char *paths[] = {tpath("words.fifo"), NULL};
    hsok_lexicon_t *lex = NULL;
    alarm(TIMEOUT_S);
    st = hsok_lexicon_load(paths, 1, &lex, &err);
    alarm(0);
    assert_int_equal(st, HSOK_ERR_NOT_REGULAR);
    assert_null(lex);
    assert_non_null(strstr(err, "lexicon '"));
    assert_non_null(strstr(err, "a FIFO"));
    free(err);
}

/* ---- fixture ---- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/hsok-ingest-XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (tmpdir[0])
        nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regular_file),
        cmocka_unit_test(test_not_regular),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_format_size),
        cmocka_unit_test(test_sidecar),
        cmocka_unit_test(test_theme_and_lexicon_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
