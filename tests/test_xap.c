/* test_xap.c — the C wrapper over Xapian (src/lib/xap.h): databases, documents, metadata,
 * term lists, every query operator, sorting and paging, deletion, spelling, transactions,
 * and the error paths (missing, locked and damaged indexes, misuse), all in a temporary
 * directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xap.h"

/* ---- temporary directory ---- */

static char tmpdir[256];
static char fixpath[320]; /* the shared read-only fixture index */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_rf(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh path inside the temporary directory (not created). */
static void tpath(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", tmpdir, name);
    rm_rf(out);
}

static int path_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

/* ---- messages ---- */

/* An error message follows the library convention (hsok.h): one line, lowercase first
 * letter, no full stop; it names `needle` if given. Frees it. */
static void check_msg(char **err, const char *needle)
{
    assert_non_null(*err);
    const char *m = *err;
    size_t n = strlen(m);
    assert_true(n > 0);
    assert_false(isupper((unsigned char)m[0]));
    assert_null(strchr(m, '\n'));
    assert_true(m[n - 1] != '.');
    if (needle && !strstr(m, needle))
        fail_msg("message '%s' does not mention '%s'", m, needle);
    free(*err);
    *err = NULL;
}

/* ---- opening ---- */

static xap_db_t *open_ok(const char *path, int writable)
{
    xap_db_t *db = NULL;
    char *err = NULL;
    hsok_status_t st = xap_open(path, writable, &db, &err);
    if (st != HSOK_OK)
        fail_msg("xap_open(%s, %d): %d %s", path, writable, st, err ? err : "(no message)");
    assert_null(err);
    assert_non_null(db);
    return db;
}

static void close_ok(xap_db_t *db)
{
    char *err = NULL;
    hsok_status_t st = xap_close(db, &err);
    if (st != HSOK_OK)
        fail_msg("xap_close: %d %s", st, err ? err : "(no message)");
    assert_null(err);
}

/* ---- documents ---- */

/* A document: words of `text` (split on spaces) as postings at positions 1, 2, ...; the
 * space-separated boolean terms `bools`; an optional value in slot 0; data. */
static xap_doc_t *make_doc(const char *text, const char *bools, const char *slot0,
                           const char *data, size_t data_len)
{
    xap_doc_t *doc = xap_doc_new();
    assert_non_null(doc);
    for (int pass = 0; pass < 2; pass++) {
        const char *p = pass ? bools : text;
        unsigned pos = 1;
        while (p && *p) {
            while (*p == ' ')
                p++;
            const char *e = p;
            while (*e && *e != ' ')
                e++;
            if (e > p && pass)
                assert_int_equal(xap_doc_add_boolean(doc, p, (size_t)(e - p)), 0);
            else if (e > p)
                assert_int_equal(xap_doc_add_posting(doc, p, (size_t)(e - p), pos++, 1), 0);
            p = e;
        }
    }
    if (slot0)
        assert_int_equal(xap_doc_set_value(doc, 0, slot0, strlen(slot0)), 0);
    if (data)
        assert_int_equal(xap_doc_set_data(doc, data, data_len), 0);
    return doc;
}

/* Add doc to db and free it; returns the docid. */
static unsigned add_made(xap_db_t *db, xap_doc_t *doc)
{
    unsigned id = 0;
    char *err = NULL;
    hsok_status_t st = xap_add(db, doc, &id, &err);
    if (st != HSOK_OK)
        fail_msg("xap_add: %d %s", st, err ? err : "(no message)");
    assert_null(err);
    assert_true(id > 0);
    xap_doc_free(doc);
    return id;
}

static unsigned add_doc(xap_db_t *db, const char *text, const char *bools, const char *data)
{
    return add_made(db, make_doc(text, bools, NULL, data, data ? strlen(data) : 0));
}

/* The fixture: doc i (1-based) has id term Qd<i> and data fix_data[i]. */
#define NFIX 7
static const char *const fix_text[NFIX + 1] = {
    NULL,
    "the quick brown fox jumps",                  /* 1 */
    "brown quick fox",                            /* 2 */
    "lazy dog sleeps quietly by the brown river", /* 3 */
    "quick quick quick quick quick",              /* 4 */
    "alpha one two three four beta",              /* 5 */
    "beta alpha",                                 /* 6 */
    NULL,                                         /* 7: quick, brown without positions */
};
static const char *const fix_bools[NFIX + 1] = { NULL,  "Qd1 Kred", "Qd2 Kblue", "Qd3 Kblue",
                                                 "Qd4 Kred", "Qd5", "Qd6", "Qd7" };
static const char *const fix_slot0[NFIX + 1] = { NULL, "c", "a", "b", "d", "e", "e", NULL };
static const char fix_data3[] = "three\0bin"; /* data with a NUL byte */
static const char *const fix_data[NFIX + 1] = { NULL,  "one",  "two", fix_data3,
                                                "four", "five", "six", "seven" };
static const size_t fix_len[NFIX + 1] = { 0, 3, 3, sizeof fix_data3 - 1, 4, 4, 3, 5 };
static unsigned fix_id[NFIX + 1];
static const char bin_term[] = "Zbin\0ary"; /* a term with a NUL byte, in doc 5 */
#define BIN_TERM_LEN (sizeof bin_term - 1)
#define FIX_NTERMS 27 /* distinct terms of the fixture */

static void build_fixture(const char *path)
{
    xap_db_t *db = open_ok(path, 1);
    for (int i = 1; i <= NFIX; i++) {
        xap_doc_t *doc = make_doc(fix_text[i], fix_bools[i], fix_slot0[i], fix_data[i],
                                  fix_len[i]);
        if (i == 5)
            assert_int_equal(xap_doc_add_boolean(doc, bin_term, BIN_TERM_LEN), 0);
        if (i == 7) {
            assert_int_equal(xap_doc_add_term(doc, "quick", 5, 1), 0);
            assert_int_equal(xap_doc_add_term(doc, "brown", 5, 1), 0);
        }
        fix_id[i] = add_made(db, doc);
        assert_int_equal(fix_id[i], (unsigned)i); /* docids are handed out in order */
    }
    close_ok(db);
}

/* The shared fixture, built on first use, opened read-only. */
static xap_db_t *open_fixture(void)
{
    static int built;
    if (!built) {
        build_fixture(fixpath);
        built = 1;
    }
    return open_ok(fixpath, 0);
}

/* ---- queries ---- */

static xap_query_t qnodes[256];
static xap_query_t *qsubs[512];
static size_t nqnodes, nqsubs;

static void q_reset(void)
{
    nqnodes = nqsubs = 0;
    memset(qnodes, 0, sizeof qnodes);
    memset(qsubs, 0, sizeof qsubs);
}

static xap_query_t *q_node(xap_op_t op)
{
    assert_true(nqnodes < sizeof qnodes / sizeof qnodes[0]);
    xap_query_t *q = &qnodes[nqnodes++];
    memset(q, 0, sizeof *q);
    q->op = op;
    return q;
}

static xap_query_t *T(const char *term)
{
    xap_query_t *q = q_node(XQ_TERM);
    q->term = term;
    q->term_len = strlen(term);
    return q;
}

static xap_query_t *W(const char *prefix)
{
    xap_query_t *q = q_node(XQ_WILDCARD);
    q->term = prefix;
    q->term_len = strlen(prefix);
    return q;
}

/* OP(op, n, sub...) */
static xap_query_t *OP(xap_op_t op, size_t n, ...)
{
    xap_query_t *q = q_node(op);
    assert_true(nqsubs + n <= sizeof qsubs / sizeof qsubs[0]);
    q->sub = &qsubs[nqsubs];
    q->nsub = n;
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        qsubs[nqsubs++] = va_arg(ap, xap_query_t *);
    va_end(ap);
    return q;
}

static xap_query_t *NEAR(unsigned window, size_t n, ...)
{
    xap_query_t *q = q_node(XQ_NEAR);
    q->window = window;
    assert_true(nqsubs + n <= sizeof qsubs / sizeof qsubs[0]);
    q->sub = &qsubs[nqsubs];
    q->nsub = n;
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        qsubs[nqsubs++] = va_arg(ap, xap_query_t *);
    va_end(ap);
    return q;
}

static xap_query_t *SCALE(double scale, xap_query_t *sub)
{
    xap_query_t *q = OP(XQ_SCALE, 1, sub);
    q->scale = scale;
    return q;
}

/* ---- searching the fixture ---- */

#define D(i) (1u << (i))

/* Fixture index of a docid (fails if unknown). */
static int fix_index(unsigned docid)
{
    for (int i = 1; i <= NFIX; i++)
        if (fix_id[i] == docid)
            return i;
    fail_msg("unknown docid %u", docid);
    return 0;
}

typedef struct res {
    size_t n;
    int idx[64];      /* fixture index of each hit, in order */
    double score[64]; /* score of each hit */
    size_t estimated;
} res_t;

/* Run q on the fixture, checking every hit's data against the fixture. */
static res_t search_fix(xap_db_t *db, const xap_query_t *q, unsigned off, unsigned lim, int slot)
{
    res_t r;
    memset(&r, 0, sizeof r);
    xap_hits_t *h = NULL;
    char *err = NULL;
    hsok_status_t st = xap_search(db, q, off, lim, slot, &h, &err);
    if (st != HSOK_OK)
        fail_msg("xap_search: %d %s", st, err ? err : "(no message)");
    assert_null(err);
    assert_non_null(h);
    assert_true(h->n <= 64);
    assert_true(h->n <= lim);
    r.n = h->n;
    r.estimated = h->estimated;
    for (size_t i = 0; i < h->n; i++) {
        int k = fix_index(h->hits[i].docid);
        assert_non_null(h->hits[i].data);
        assert_int_equal(h->hits[i].data_len, fix_len[k]);
        assert_memory_equal(h->hits[i].data, fix_data[k], fix_len[k]);
        assert_int_equal(h->hits[i].data[fix_len[k]], '\0');
        r.idx[i] = k;
        r.score[i] = h->hits[i].score;
    }
    xap_hits_free(h);
    return r;
}

static unsigned mask_of(const res_t *r)
{
    unsigned m = 0;
    for (size_t i = 0; i < r->n; i++) {
        assert_false(m & D(r->idx[i])); /* no document twice */
        m |= D(r->idx[i]);
    }
    return m;
}

static void expect_docs_(xap_db_t *db, const xap_query_t *q, unsigned want, const char *what)
{
    res_t r = search_fix(db, q, 0, 64, -1);
    unsigned got = mask_of(&r);
    if (got != want) {
        char *d = xap_query_describe(q);
        fail_msg("%s (%s): got docs mask 0x%x, want 0x%x", what, d ? d : "?", got, want);
    }
    /* relevance order */
    for (size_t i = 1; i < r.n; i++)
        assert_true(r.score[i - 1] >= r.score[i]);
}
#define expect_docs(db, q, want) expect_docs_(db, q, want, #q)

/* Score of fixture doc k in the result (fails if absent). */
static double score_of(const res_t *r, int k)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->idx[i] == k)
            return r->score[i];
    fail_msg("doc %d not in result", k);
    return 0;
}

/* ---- group setup ---- */

static int setup_all(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hsok-test-xap-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(fixpath, sizeof fixpath, "%s/fixture", tmpdir);
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    rm_rf(tmpdir);
    return path_exists(tmpdir) ? -1 : 0;
}

/* ---- creating, adding, committing ---- */

static void test_open_creates(void **state)
{
    (void)state;
    char path[400], glass[450];
    tpath(path, sizeof path, "create");
    snprintf(glass, sizeof glass, "%s/iamglass", path);
    assert_false(path_exists(path));

    xap_db_t *db = open_ok(path, 1);
    assert_true(path_exists(path));
    assert_true(path_exists(glass));
    assert_int_equal(xap_doccount(db), 0);
    close_ok(db);

    /* the empty index opens read-only and is empty */
    db = open_ok(path, 0);
    assert_int_equal(xap_doccount(db), 0);
    assert_int_equal(xap_termfreq(db, "x", 1), 0);
    close_ok(db);

    /* opening an existing index for writing keeps its documents */
    db = open_ok(path, 1);
    add_doc(db, "kept", "Qk", "k");
    close_ok(db);
    db = open_ok(path, 1);
    assert_int_equal(xap_doccount(db), 1);
    close_ok(db);

    /* NULL is a no-op */
    char *err = NULL;
    assert_int_equal(xap_close(NULL, &err), HSOK_OK);
    assert_null(err);
}

static void test_commit_visibility(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "commit");
    char *err = NULL;
    xap_db_t *w = open_ok(path, 1);
    assert_int_equal(add_doc(w, "first", "Qa", "a"), 1);
    /* docid may be NULL */
    xap_doc_t *doc = make_doc("second", "Qb", NULL, "b", 1);
    assert_int_equal(xap_add(w, doc, NULL, &err), HSOK_OK);
    assert_null(err);
    xap_doc_free(doc);
    assert_int_equal(add_doc(w, "third", "Qc", "c"), 3);
    /* the writer sees its own changes at once */
    assert_int_equal(xap_doccount(w), 3);

    /* a reader sees only committed revisions */
    xap_db_t *r = open_ok(path, 0);
    assert_int_equal(xap_doccount(r), 0);
    close_ok(r);
    assert_int_equal(xap_commit(w, &err), HSOK_OK);
    assert_null(err);
    r = open_ok(path, 0);
    assert_int_equal(xap_doccount(r), 3);
    assert_int_equal(xap_termfreq(r, "second", 6), 1);
    close_ok(r);

    /* close commits */
    add_doc(w, "fourth", "Qd", "d");
    close_ok(w);
    r = open_ok(path, 0);
    assert_int_equal(xap_doccount(r), 4);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(xap_data_by_term(r, "Qd", 2, &data, &len, &err), HSOK_OK);
    assert_null(err);
    assert_int_equal(len, 1);
    assert_string_equal(data, "d");
    free(data);
    close_ok(r);
}

/* ---- reading the fixture ---- */

static void test_counts(void **state)
{
    (void)state;
    xap_db_t *db = open_fixture();
    assert_int_equal(xap_doccount(db), NFIX);
    assert_int_equal(xap_termfreq(db, "quick", 5), 4);
    assert_int_equal(xap_termfreq(db, "brown", 5), 4);
    assert_int_equal(xap_termfreq(db, "fox", 3), 2);
    assert_int_equal(xap_termfreq(db, "the", 3), 2);
    assert_int_equal(xap_termfreq(db, "alpha", 5), 2);
    assert_int_equal(xap_termfreq(db, "Kred", 4), 2);
    assert_int_equal(xap_termfreq(db, "Kblue", 5), 2);
    assert_int_equal(xap_termfreq(db, "Qd3", 3), 1);
    assert_int_equal(xap_termfreq(db, "missing", 7), 0);
    /* lengths are honoured: a prefix of a term is another term */
    assert_int_equal(xap_termfreq(db, "quickly", 5), 4);
    assert_int_equal(xap_termfreq(db, "quick", 4), 0);
    assert_int_equal(xap_termfreq(db, bin_term, BIN_TERM_LEN), 1);
    assert_int_equal(xap_termfreq(db, bin_term, 4), 0);
    close_ok(db);
}

static void test_data_by_term(void **state)
{
    (void)state;
    xap_db_t *db = open_fixture();
    char *err = NULL, *data = NULL;
    size_t len = 99;

    for (int i = 1; i <= NFIX; i++) {
        char idterm[16];
        snprintf(idterm, sizeof idterm, "Qd%d", i);
        assert_int_equal(xap_data_by_term(db, idterm, strlen(idterm), &data, &len, &err),
                         HSOK_OK);
        assert_null(err);
        assert_non_null(data);
        assert_int_equal(len, fix_len[i]);
        assert_memory_equal(data, fix_data[i], len);
        assert_int_equal(data[len], '\0');
        free(data);
    }
    /* several documents: the first one */
    assert_int_equal(xap_data_by_term(db, "Kblue", 5, &data, &len, &err), HSOK_OK);
    assert_int_equal(len, fix_len[2]);
    assert_memory_equal(data, fix_data[2], len);
    free(data);
    /* a binary term; len may be NULL */
    assert_int_equal(xap_data_by_term(db, bin_term, BIN_TERM_LEN, &data, NULL, &err), HSOK_OK);
    assert_string_equal(data, "five");
    free(data);

    /* none */
    data = (char *)"sentinel";
    len = 99;
    assert_int_equal(xap_data_by_term(db, "Qd99", 4, &data, &len, &err), HSOK_ERR_NOT_FOUND);
    assert_null(data);
    assert_int_equal(len, 0);
    check_msg(&err, "Qd99");
    /* without a message */
    assert_int_equal(xap_data_by_term(db, "Qd99", 4, &data, &len, NULL), HSOK_ERR_NOT_FOUND);
    close_ok(db);
}

/* ---- metadata ---- */

typedef struct keys {
    char k[16][32];
    size_t n;
    size_t stop_after; /* 0: never */
    xap_db_t *db;      /* if set: remove each key while iterating */
} keys_t;

static int collect_key(void *ctx, const char *key)
{
    keys_t *c = ctx;
    assert_true(c->n < 16);
    snprintf(c->k[c->n++], sizeof c->k[0], "%s", key);
    if (c->db) {
        char *err = NULL;
        assert_int_equal(xap_set_meta(c->db, key, "", &err), HSOK_OK);
        assert_null(err);
    }
    return c->stop_after && c->n >= c->stop_after;
}

static void get_meta_is(xap_db_t *db, const char *key, const char *want)
{
    char *val = NULL, *err = NULL;
    assert_int_equal(xap_get_meta(db, key, &val, &err), HSOK_OK);
    assert_null(err);
    assert_non_null(val);
    assert_string_equal(val, want);
    free(val);
}

static void test_metadata(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "meta");
    char *err = NULL;
    xap_db_t *w = open_ok(path, 1);
    get_meta_is(w, "a.x", "");
    assert_int_equal(xap_set_meta(w, "a.x", "1", &err), HSOK_OK);
    assert_int_equal(xap_set_meta(w, "a.y", "two", &err), HSOK_OK);
    assert_int_equal(xap_set_meta(w, "b.z", "3", &err), HSOK_OK);
    assert_int_equal(xap_set_meta(w, "a.gone", "x", &err), HSOK_OK);
    assert_int_equal(xap_set_meta(w, "a.gone", "", &err), HSOK_OK); /* removes */
    assert_int_equal(xap_set_meta(w, "b.null", "x", &err), HSOK_OK);
    assert_int_equal(xap_set_meta(w, "b.null", NULL, &err), HSOK_OK); /* NULL as "" */
    assert_null(err);
    assert_int_equal(xap_commit(w, &err), HSOK_OK);

    xap_db_t *r = open_ok(path, 0);
    get_meta_is(r, "a.x", "1");
    get_meta_is(r, "a.y", "two");
    get_meta_is(r, "b.z", "3");
    get_meta_is(r, "a.gone", "");
    get_meta_is(r, "nope", "");

    keys_t c;
    memset(&c, 0, sizeof c);
    assert_int_equal(xap_meta_keys(r, "a.", collect_key, &c, &err), HSOK_OK);
    assert_null(err);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.k[0], "a.x");
    assert_string_equal(c.k[1], "a.y");

    memset(&c, 0, sizeof c);
    assert_int_equal(xap_meta_keys(r, NULL, collect_key, &c, &err), HSOK_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.k[0], "a.x");
    assert_string_equal(c.k[1], "a.y");
    assert_string_equal(c.k[2], "b.z");

    memset(&c, 0, sizeof c);
    assert_int_equal(xap_meta_keys(r, "", collect_key, &c, &err), HSOK_OK);
    assert_int_equal(c.n, 3);

    memset(&c, 0, sizeof c);
    assert_int_equal(xap_meta_keys(r, "c.", collect_key, &c, &err), HSOK_OK);
    assert_int_equal(c.n, 0);

    /* stop early */
    memset(&c, 0, sizeof c);
    c.stop_after = 1;
    assert_int_equal(xap_meta_keys(r, NULL, collect_key, &c, &err), HSOK_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.k[0], "a.x");

    /* empty keys are refused */
    char *val = (char *)"sentinel";
    assert_int_equal(xap_get_meta(r, "", &val, &err), HSOK_ERR_INVALID);
    assert_null(val);
    check_msg(&err, NULL);
    /* read-only */
    assert_int_equal(xap_set_meta(r, "a.x", "2", &err), HSOK_ERR_INVALID);
    check_msg(&err, path);
    get_meta_is(r, "a.x", "1");
    close_ok(r);

    assert_int_equal(xap_set_meta(w, "", "v", &err), HSOK_ERR_INVALID);
    check_msg(&err, NULL);

    /* keys are collected first, so the callback may remove them: every key is seen */
    memset(&c, 0, sizeof c);
    c.db = w;
    assert_int_equal(xap_meta_keys(w, NULL, collect_key, &c, &err), HSOK_OK);
    assert_null(err);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.k[2], "b.z");
    close_ok(w);
    r = open_ok(path, 0);
    memset(&c, 0, sizeof c);
    assert_int_equal(xap_meta_keys(r, NULL, collect_key, &c, &err), HSOK_OK);
    assert_int_equal(c.n, 0);
    get_meta_is(r, "a.x", "");
    close_ok(r);
}

/* ---- term lists ---- */

typedef struct terms {
    char t[64][32];
    size_t len[64];
    unsigned freq[64];
    size_t n;
    size_t stop_after;
} terms_t;

static int collect_term(void *ctx, const char *term, size_t len, unsigned freq)
{
    terms_t *c = ctx;
    assert_true(c->n < 64);
    assert_true(len < sizeof c->t[0]);
    memcpy(c->t[c->n], term, len);
    c->t[c->n][len] = '\0';
    c->len[c->n] = len;
    c->freq[c->n] = freq;
    c->n++;
    return c->stop_after && c->n >= c->stop_after;
}

static void terms_of(xap_db_t *db, const char *prefix, size_t plen, terms_t *c, size_t stop)
{
    char *err = NULL;
    memset(c, 0, sizeof *c);
    c->stop_after = stop;
    assert_int_equal(xap_terms(db, prefix, plen, collect_term, c, &err), HSOK_OK);
    assert_null(err);
    for (size_t i = 0; i < c->n; i++) {
        assert_true(c->len[i] >= plen);
        assert_memory_equal(c->t[i], prefix, plen);
        if (i) { /* strictly ascending byte order */
            size_t m = c->len[i - 1] < c->len[i] ? c->len[i - 1] : c->len[i];
            int cmp = memcmp(c->t[i - 1], c->t[i], m);
            assert_true(cmp < 0 || (cmp == 0 && c->len[i - 1] < c->len[i]));
        }
    }
}

static void test_terms(void **state)
{
    (void)state;
    xap_db_t *db = open_fixture();
    terms_t c;

    terms_of(db, "Q", 1, &c, 0);
    assert_int_equal(c.n, NFIX);
    for (size_t i = 0; i < c.n; i++) {
        char want[32];
        snprintf(want, sizeof want, "Qd%zu", i + 1);
        assert_string_equal(c.t[i], want);
        assert_int_equal(c.freq[i], 1);
    }

    terms_of(db, "K", 1, &c, 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.t[0], "Kblue");
    assert_int_equal(c.freq[0], 2);
    assert_string_equal(c.t[1], "Kred");
    assert_int_equal(c.freq[1], 2);

    terms_of(db, "qu", 2, &c, 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.t[0], "quick");
    assert_int_equal(c.freq[0], 4);
    assert_string_equal(c.t[1], "quietly");
    assert_int_equal(c.freq[1], 1);

    /* a prefix holding a NUL byte */
    terms_of(db, bin_term, 5, &c, 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.len[0], BIN_TERM_LEN);
    assert_memory_equal(c.t[0], bin_term, BIN_TERM_LEN);
    assert_int_equal(c.freq[0], 1);

    /* every term */
    terms_of(db, NULL, 0, &c, 0);
    assert_int_equal(c.n, FIX_NTERMS);
    terms_of(db, "", 0, &c, 0);
    assert_int_equal(c.n, FIX_NTERMS);

    /* stop early, no match */
    terms_of(db, "Q", 1, &c, 2);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.t[1], "Qd2");
    terms_of(db, "nomatch", 7, &c, 0);
    assert_int_equal(c.n, 0);
    close_ok(db);
}

/* ---- queries ---- */

static void test_search_boolean_ops(void **state)
{
    (void)state;
    xap_db_t *db = open_fixture();
    q_reset();

    expect_docs(db, T("quick"), D(1) | D(2) | D(4) | D(7));
    expect_docs(db, T("missing"), 0);
    expect_docs(db, T("Kred"), D(1) | D(4));
    expect_docs(db, OP(XQ_AND, 2, T("quick"), T("brown")), D(1) | D(2) | D(7));
    expect_docs(db, OP(XQ_AND, 3, T("quick"), T("brown"), T("the")), D(1));
    expect_docs(db, OP(XQ_AND, 2, T("quick"), T("missing")), 0);
    expect_docs(db, OP(XQ_OR, 2, T("fox"), T("dog")), D(1) | D(2) | D(3));
    expect_docs(db, OP(XQ_OR, 3, T("fox"), T("dog"), T("alpha")),
                D(1) | D(2) | D(3) | D(5) | D(6));
    expect_docs(db, OP(XQ_AND_NOT, 2, T("brown"), T("fox")), D(3) | D(7));
    /* sub[0] AND NOT (sub[1] OR sub[2]) */
    expect_docs(db, OP(XQ_AND_NOT, 3, T("brown"), T("fox"), T("dog")), D(7));
    expect_docs(db, OP(XQ_AND_NOT, 2, OP(XQ_ALL, 0), T("quick")), D(3) | D(5) | D(6));
    expect_docs(db, OP(XQ_ALL, 0), D(1) | D(2) | D(3) | D(4) | D(5) | D(6) | D(7));
    expect_docs(db, OP(XQ_NONE, 0), 0);
    expect_docs(db, OP(XQ_OR, 2, OP(XQ_NONE, 0), T("dog")), D(3));
    /* an empty word matches nothing (not everything) */
    xap_query_t *empty = T("");
    expect_docs(db, empty, 0);
    expect_docs(db, OP(XQ_OR, 2, empty, T("dog")), D(3));

    /* relevance: doc 4 says "quick" five times in five words */
    res_t r = search_fix(db, T("quick"), 0, 10, -1);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.idx[0], 4);
    assert_true(r.score[0] > r.score[1]);
    assert_true(r.score[3] > 0);
    assert_int_equal(r.estimated, 4);

    /* AND_MAYBE: sub[0]'s documents, those with sub[1] weigh more */
    res_t plain = search_fix(db, T("brown"), 0, 10, -1);
    r = search_fix(db, OP(XQ_AND_MAYBE, 2, T("brown"), T("fox")), 0, 10, -1);
    assert_int_equal(mask_of(&r), D(1) | D(2) | D(3) | D(7));
    assert_true(score_of(&r, 1) > score_of(&plain, 1));
    assert_true(score_of(&r, 2) > score_of(&plain, 2));
    assert_float_equal(score_of(&r, 3), score_of(&plain, 3), 1e-9);
    assert_float_equal(score_of(&r, 7), score_of(&plain, 7), 1e-9);
    close_ok(db);
}

static void test_search_phrase_near(void **state)
{
    (void)state;
    xap_db_t *db = open_fixture();
    q_reset();

    /* doc 1: the quick brown fox; doc 2: brown quick fox; doc 7 has no positions */
    expect_docs(db, OP(XQ_PHRASE, 2, T("quick"), T("brown")), D(1));
    expect_docs(db, OP(XQ_PHRASE, 2, T("brown"), T("quick")), D(2));
    expect_docs(db, OP(XQ_PHRASE, 3, T("quick"), T("brown"), T("fox")), D(1));
    expect_docs(db, OP(XQ_PHRASE, 3, T("brown"), T("quick"), T("fox")), D(2));
    expect_docs(db, OP(XQ_PHRASE, 3, T("fox"), T("brown"), T("quick")), 0);
    expect_docs(db, OP(XQ_PHRASE, 2, T("quick"), T("fox")), D(2)); /* adjacent only */
    expect_docs(db, OP(XQ_PHRASE, 2, T("fox"), T("quick")), 0);
    expect_docs(db, OP(XQ_PHRASE, 2, T("alpha"), T("beta")), 0);
    expect_docs(db, OP(XQ_PHRASE, 2, T("beta"), T("alpha")), D(6));
    expect_docs(db, OP(XQ_PHRASE, 2, T("quick"), T("quick")), D(4));

    /* NEAR: any order, all within `window` positions */
    expect_docs(db, NEAR(2, 2, T("alpha"), T("beta")), D(6));
    expect_docs(db, NEAR(2, 2, T("beta"), T("alpha")), D(6));
    expect_docs(db, NEAR(5, 2, T("alpha"), T("beta")), D(6));
    expect_docs(db, NEAR(6, 2, T("alpha"), T("beta")), D(5) | D(6)); /* positions 1 and 6 */
    expect_docs(db, NEAR(2, 2, T("quick"), T("fox")), D(2));
    expect_docs(db, NEAR(2, 2, T("fox"), T("quick")), D(2));
    expect_docs(db, NEAR(3, 2, T("fox"), T("quick")), D(1) | D(2));
    expect_docs(db, NEAR(3, 3, T("fox"), T("quick"), T("brown")), D(1) | D(2));
    expect_docs(db, NEAR(20, 2, T("quick"), T("brown")), D(1) | D(2)); /* not 7 */
    expect_docs(db, NEAR(20, 2, T("quick"), T("dog")), 0);
    close_ok(db);
}

static void test_search_filter_scale(void **state)
{
    (void)state;
    xap_db_t *db = open_fixture();
    q_reset();

    res_t quick = search_fix(db, T("quick"), 0, 10, -1);

    /* filters restrict and add no weight */
    res_t r = search_fix(db, OP(XQ_FILTER, 2, T("quick"), T("Kred")), 0, 10, -1);
    assert_int_equal(mask_of(&r), D(1) | D(4));
    assert_float_equal(score_of(&r, 1), score_of(&quick, 1), 1e-9);
    assert_float_equal(score_of(&r, 4), score_of(&quick, 4), 1e-9);

    r = search_fix(db, OP(XQ_FILTER, 2, T("quick"), T("fox")), 0, 10, -1);
    assert_int_equal(mask_of(&r), D(1) | D(2));
    assert_float_equal(score_of(&r, 1), score_of(&quick, 1), 1e-9);
    assert_float_equal(score_of(&r, 2), score_of(&quick, 2), 1e-9);
    res_t both = search_fix(db, OP(XQ_AND, 2, T("quick"), T("fox")), 0, 10, -1);
    assert_int_equal(mask_of(&both), D(1) | D(2));
    assert_true(score_of(&both, 1) > score_of(&r, 1));

    /* every filter is required */
    expect_docs(db, OP(XQ_FILTER, 3, T("brown"), T("Kblue"), T("fox")), D(2));
    expect_docs(db, OP(XQ_FILTER, 2, OP(XQ_ALL, 0), T("Kblue")), D(2) | D(3));

    /* SCALE multiplies the weights */
    r = search_fix(db, SCALE(2.5, T("quick")), 0, 10, -1);
    assert_int_equal(mask_of(&r), D(1) | D(2) | D(4) | D(7));
    for (int k = 1; k <= NFIX; k++)
        if (mask_of(&r) & D(k))
            assert_float_equal(score_of(&r, k), 2.5 * score_of(&quick, k), 1e-9);
    r = search_fix(db, SCALE(0, T("quick")), 0, 10, -1);
    assert_int_equal(mask_of(&r), D(1) | D(2) | D(4) | D(7));
    for (size_t i = 0; i < r.n; i++)
        assert_float_equal(r.score[i], 0, 1e-12);
    /* scaling one side of an OR changes the ranking */
    r = search_fix(db, OP(XQ_OR, 2, T("dog"), SCALE(10, T("alpha"))), 0, 10, -1);
    assert_int_equal(mask_of(&r), D(3) | D(5) | D(6));
    assert_int_equal(r.idx[2], 3);
    r = search_fix(db, OP(XQ_OR, 2, SCALE(10, T("dog")), T("alpha")), 0, 10, -1);
    assert_int_equal(r.idx[0], 3);
    close_ok(db);
}

/* Count the distinct data strings among hits of q. */
static size_t distinct_data(xap_db_t *db, const xap_query_t *q, int *has, size_t nhas)
{
    xap_hits_t *h = NULL;
    char *err = NULL;
    assert_int_equal(xap_search(db, q, 0, 10000, -1, &h, &err), HSOK_OK);
    assert_null(err);
    memset(has, 0, nhas * sizeof *has);
    size_t n = 0;
    for (size_t i = 0; i < h->n; i++) {
        unsigned k;
        assert_int_equal(sscanf(h->hits[i].data, "zw%u", &k), 1);
        assert_true(k < nhas);
        if (!has[k]++)
            n++;
    }
    xap_hits_free(h);
    return n;
}

static void test_search_wildcard(void **state)
{
    (void)state;
    xap_db_t *db = open_fixture();
    q_reset();
    expect_docs(db, W("qui"), D(1) | D(2) | D(3) | D(4) | D(7));
    expect_docs(db, W("quie"), D(3));
    expect_docs(db, W("Kr"), D(1) | D(4));
    expect_docs(db, W("nomatch"), 0);
    expect_docs(db, OP(XQ_AND, 2, W("qui"), W("fo")), D(1) | D(2));
    expect_docs(db, OP(XQ_AND_NOT, 2, W("qui"), T("brown")), D(4));
    close_ok(db);

    /* at most 200 expansions: 250 terms zw000..zw249, one document each, and a second
     * document for each of zw200..zw249 (the most frequent) */
    char path[400];
    tpath(path, sizeof path, "wild");
    xap_db_t *w = open_ok(path, 1);
    for (int i = 0; i < 300; i++) {
        char term[16];
        snprintf(term, sizeof term, "zw%03d", i < 250 ? i : i - 50);
        add_doc(w, term, NULL, term);
    }
    close_ok(w);
    db = open_ok(path, 0);
    int has[250];
    size_t n = distinct_data(db, W("zw"), has, 250);
    assert_int_equal(n, 200);
    /* the wrapper keeps the most frequent terms */
    for (int i = 200; i < 250; i++)
        assert_int_equal(has[i], 2);
    /* under the limit, every term */
    assert_int_equal(distinct_data(db, W("zw1"), has, 250), 100);
    assert_int_equal(distinct_data(db, W("zw24"), has, 250), 10);
    close_ok(db);
}

static void test_sort_and_paging(void **state)
{
    (void)state;
    xap_db_t *db = open_fixture();
    q_reset();
    xap_query_t *all = OP(XQ_ALL, 0);

    /* ascending by slot 0; doc 7 has no value (empty, first) */
    res_t r = search_fix(db, all, 0, 10, 0);
    assert_int_equal(r.n, NFIX);
    assert_int_equal(r.estimated, NFIX);
    static const int order[] = { 7, 2, 3, 1, 4 };
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(r.idx[i], order[i]);
    assert_int_equal(mask_of(&r), (unsigned)(D(1) | D(2) | D(3) | D(4) | D(5) | D(6) | D(7)));

    /* sorting overrides relevance: by relevance doc 4 leads for quick */
    r = search_fix(db, T("quick"), 0, 10, 0);
    assert_int_equal(r.n, 4);
    static const int qorder[] = { 7, 2, 1, 4 };
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(r.idx[i], qorder[i]);

    /* equal values (docs 5 and 6) keep the relevance order */
    xap_query_t *ab = OP(XQ_OR, 2, T("alpha"), T("beta"));
    res_t rel = search_fix(db, ab, 0, 10, -1);
    r = search_fix(db, ab, 0, 10, 0);
    assert_int_equal(rel.n, 2);
    assert_int_equal(r.n, 2);
    assert_true(rel.score[0] > rel.score[1]);
    assert_int_equal(r.idx[0], rel.idx[0]);
    assert_int_equal(r.idx[1], rel.idx[1]);

    /* a slot nobody set: every document, no error */
    r = search_fix(db, all, 0, 10, 9);
    assert_int_equal(r.n, NFIX);

    /* offset and limit */
    r = search_fix(db, all, 1, 3, 0);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.idx[0], 2);
    assert_int_equal(r.idx[1], 3);
    assert_int_equal(r.idx[2], 1);
    assert_int_equal(r.estimated, NFIX);
    r = search_fix(db, all, 5, 10, 0);
    assert_int_equal(r.n, 2);
    assert_int_equal(mask_of(&r), D(5) | D(6));
    r = search_fix(db, all, NFIX, 10, 0);
    assert_int_equal(r.n, 0);
    r = search_fix(db, all, 100, 10, -1);
    assert_int_equal(r.n, 0);
    r = search_fix(db, all, 0, 0, -1);
    assert_int_equal(r.n, 0);

    /* pages of one, by relevance, concatenate to the full ranking */
    res_t full = search_fix(db, T("brown"), 0, 10, -1);
    assert_int_equal(full.n, 4);
    for (unsigned i = 0; i < full.n; i++) {
        r = search_fix(db, T("brown"), i, 1, -1);
        assert_int_equal(r.n, 1);
        assert_int_equal(r.idx[0], full.idx[i]);
        assert_float_equal(r.score[0], full.score[i], 1e-9);
        assert_int_equal(r.estimated, 4);
    }
    close_ok(db);
}

static void test_query_describe(void **state)
{
    (void)state;
    q_reset();
    char *d = xap_query_describe(OP(XQ_PHRASE, 3, T("a"), T("b"), T("c")));
    assert_non_null(d);
    assert_non_null(strstr(d, "PHRASE 3"));
    free(d);
    d = xap_query_describe(NEAR(7, 2, T("a"), T("b")));
    assert_non_null(d);
    assert_non_null(strstr(d, "NEAR 7"));
    free(d);
    d = xap_query_describe(OP(XQ_AND_NOT, 3, T("a"), T("b"), T("c")));
    assert_non_null(d);
    assert_non_null(strstr(d, "a AND_NOT b"));
    assert_non_null(strstr(d, "c"));
    free(d);
    d = xap_query_describe(T("word"));
    assert_non_null(d);
    assert_non_null(strstr(d, "word"));
    free(d);
    assert_null(xap_query_describe(NULL));
    assert_null(xap_query_describe(OP(XQ_SCALE, 2, T("a"), T("b"))));
}

/* ---- deletion ---- */

static void test_delete_term(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "delete");
    build_fixture(path);
    q_reset();
    char *err = NULL, *data = NULL;
    size_t len;

    xap_db_t *w = open_ok(path, 1);
    assert_int_equal(xap_delete_term(w, "Qd2", 3, &err), HSOK_OK);
    assert_null(err);
    assert_int_equal(xap_doccount(w), NFIX - 1);
    assert_int_equal(xap_termfreq(w, "Qd2", 3), 0);
    assert_int_equal(xap_termfreq(w, "quick", 5), 3);
    assert_int_equal(xap_data_by_term(w, "Qd2", 3, &data, &len, &err), HSOK_ERR_NOT_FOUND);
    check_msg(&err, NULL);
    expect_docs(w, OP(XQ_PHRASE, 2, T("brown"), T("quick")), 0);
    expect_docs(w, T("Kblue"), D(3));

    /* every document indexed by the term */
    assert_int_equal(xap_delete_term(w, "Kred", 4, &err), HSOK_OK);
    assert_int_equal(xap_doccount(w), NFIX - 3);
    expect_docs(w, T("quick"), D(7));
    /* a term with a NUL byte, and the prefix of it that is no term */
    assert_int_equal(xap_delete_term(w, bin_term, 4, &err), HSOK_OK);
    assert_int_equal(xap_doccount(w), NFIX - 3);
    assert_int_equal(xap_delete_term(w, bin_term, BIN_TERM_LEN, &err), HSOK_OK);
    assert_int_equal(xap_doccount(w), NFIX - 4);
    /* no such term */
    assert_int_equal(xap_delete_term(w, "missing", 7, &err), HSOK_OK);
    assert_null(err);
    assert_int_equal(xap_doccount(w), NFIX - 4);
    close_ok(w);

    xap_db_t *r = open_ok(path, 0);
    assert_int_equal(xap_doccount(r), NFIX - 4);
    expect_docs(r, OP(XQ_ALL, 0), D(3) | D(6) | D(7));
    /* read-only */
    assert_int_equal(xap_delete_term(r, "Qd3", 3, &err), HSOK_ERR_INVALID);
    check_msg(&err, path);
    assert_int_equal(xap_doccount(r), NFIX - 4);
    close_ok(r);
}

/* ---- spelling ---- */

static void spelling_is(xap_db_t *db, const char *word, const char *want)
{
    char *out = (char *)"sentinel", *err = NULL;
    assert_int_equal(xap_spelling(db, word, strlen(word), &out, &err), HSOK_OK);
    assert_null(err);
    if (!want) {
        if (out)
            fail_msg("suggestion for '%s': '%s', want none", word, out);
        return;
    }
    if (!out)
        fail_msg("no suggestion for '%s', want '%s'", word, want);
    assert_string_equal(out, want);
    free(out);
}

static void test_spelling(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "spell");
    char *err = NULL;
    xap_db_t *w = open_ok(path, 1);
    const char *words[] = { "helsenett", "kommune", "høringssvar", "kommune" };
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(xap_add_spelling(w, words[i], strlen(words[i]), 1, &err), HSOK_OK);
        assert_null(err);
    }
    /* an empty word is ignored */
    assert_int_equal(xap_add_spelling(w, "", 0, 1, &err), HSOK_OK);
    assert_null(err);
    close_ok(w);

    xap_db_t *r = open_ok(path, 0);
    spelling_is(r, "helsenet", "helsenett");
    spelling_is(r, "helsnett", "helsenett");
    spelling_is(r, "komune", "kommune");
    spelling_is(r, "høringsvar", "høringssvar");
    spelling_is(r, "haeringsvor", NULL); /* four edits away */
    spelling_is(r, "qwertyuiop", NULL);
    /* read-only */
    assert_int_equal(xap_add_spelling(r, "ord", 3, 1, &err), HSOK_ERR_INVALID);
    check_msg(&err, path);
    close_ok(r);

    /* an index without a spelling table */
    r = open_fixture();
    spelling_is(r, "quik", NULL);
    close_ok(r);
}

/* xap_spelling_sync: the table follows the documents' words (uncommitted ones too, inside
 * a transaction), a word below the minimum is left out, a word it never held stays out;
 * xap_doc_terms lists the words of the documents about to go; xap_spelling_resync puts a
 * table filled otherwise in step. */
static int collect_doc_term(void *ctx, const char *t, size_t n, unsigned wdf)
{
    char *b = ctx;
    size_t at = strlen(b);
    assert_true(at + n + 4 < 200);
    memcpy(b + at, t, n);
    snprintf(b + at + n, 200 - at - n, ":%u ", wdf);
    return 0;
}

static void sync_ok(xap_db_t *db, const char *word, long delta)
{
    char *err = NULL;
    assert_int_equal(xap_spelling_sync(db, word, strlen(word), 2, delta, &err), HSOK_OK);
    assert_null(err);
}

static void test_spelling_sync(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "spellsync");
    char *err = NULL;
    xap_db_t *w = open_ok(path, 1);
    assert_int_equal(xap_begin(w, &err), HSOK_OK);
    add_doc(w, "helsenett kommune kommune og", "XFa", NULL);
    add_doc(w, "høringssvar helsenett og", "XFb", NULL);
    sync_ok(w, "helsenett", 2);   /* 2 times: in */
    sync_ok(w, "kommune", 2);     /* 2 times in one document: in */
    sync_ok(w, "høringssvar", 1); /* once: out */
    assert_int_equal(xap_end(w, 1, &err), HSOK_OK);
    spelling_is(w, "helsenet", "helsenett");
    spelling_is(w, "komune", "kommune");
    spelling_is(w, "høringsvar", NULL);

    /* the words of the documents indexed by XFa, with their wdf */
    char b[200] = "";
    assert_int_equal(xap_doc_terms(w, "XFa", 3, collect_doc_term, b, &err), HSOK_OK);
    assert_null(err);
    assert_string_equal(b, "XFa:0 helsenett:1 kommune:2 og:1 ");

    /* a third document: høringssvar now twice; deleting XFa takes helsenett down to once
     * and kommune to none; "og" (never in the table) stays out */
    assert_int_equal(xap_begin(w, &err), HSOK_OK);
    add_doc(w, "høringssvar ordliste", "XFc", NULL);
    assert_int_equal(xap_delete_term(w, "XFa", 3, &err), HSOK_OK);
    sync_ok(w, "høringssvar", 1);
    sync_ok(w, "helsenett", -1);
    sync_ok(w, "kommune", -2);
    sync_ok(w, "og", -1);
    sync_ok(w, "ordliste", 1);
    assert_int_equal(xap_end(w, 1, &err), HSOK_OK);
    spelling_is(w, "høringsvar", "høringssvar");
    spelling_is(w, "helsenet", NULL);
    spelling_is(w, "komune", NULL);
    spelling_is(w, "ordlista", NULL);
    spelling_is(w, "ogg", NULL);
    add_doc(w, "ordliste", "XFd", NULL);
    sync_ok(w, "ordliste", 1);
    spelling_is(w, "ordlista", "ordliste");

    /* a table filled word by word: resync keeps the words held twice, at their count */
    assert_int_equal(xap_add_spelling(w, "helsenett", 9, 5, &err), HSOK_OK);
    assert_int_equal(xap_add_spelling(w, "ordliste", 8, 1, &err), HSOK_OK); /* 3: too many */
    assert_int_equal(xap_commit(w, &err), HSOK_OK);
    spelling_is(w, "helsenet", "helsenett");
    assert_int_equal(xap_spelling_resync(w, 2, &err), HSOK_OK);
    assert_null(err);
    spelling_is(w, "helsenet", NULL); /* once in the documents */
    spelling_is(w, "ordlista", "ordliste");
    add_doc(w, "ordlisten", "XFe", NULL);
    add_doc(w, "ordlisten", "XFf", NULL);
    add_doc(w, "ordlisten", "XFg", NULL);
    sync_ok(w, "ordlisten", 3);
    /* "ordliste" 2 against "ordlisten" 3: one edit each from "ordlistne"; the more frequent */
    spelling_is(w, "ordlistne", "ordlisten");
    close_ok(w);

    xap_db_t *r = open_ok(path, 0);
    spelling_is(r, "ordlista", "ordliste");
    assert_int_equal(xap_spelling_sync(r, "ord", 3, 2, 1, &err), HSOK_ERR_INVALID);
    check_msg(&err, path);
    assert_int_equal(xap_spelling_resync(r, 2, &err), HSOK_ERR_INVALID);
    check_msg(&err, path);
    close_ok(r);
}

/* ---- transactions ---- */

static void test_transactions(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "txn");
    char *err = NULL;
    xap_db_t *w = open_ok(path, 1);

    /* committed transaction */
    assert_int_equal(xap_begin(w, &err), HSOK_OK);
    assert_null(err);
    add_doc(w, "one", "Q1", "1");
    add_doc(w, "two", "Q2", "2");
    assert_int_equal(xap_set_meta(w, "k", "v", &err), HSOK_OK);
    /* no nesting */
    assert_int_equal(xap_begin(w, &err), HSOK_ERR_INVALID);
    check_msg(&err, NULL);
    assert_int_equal(xap_end(w, 1, &err), HSOK_OK);
    assert_null(err);
    /* the writer sees it at once; readers after the next commit */
    assert_int_equal(xap_doccount(w), 2);
    xap_db_t *r = open_ok(path, 0);
    assert_int_equal(xap_doccount(r), 0);
    close_ok(r);
    assert_int_equal(xap_commit(w, &err), HSOK_OK);
    r = open_ok(path, 0);
    assert_int_equal(xap_doccount(r), 2);
    get_meta_is(r, "k", "v");
    close_ok(r);

    /* cancelled: gone, and so is what was added since the last commit (documented) */
    add_doc(w, "lost", "Q9", "9");
    assert_int_equal(xap_begin(w, &err), HSOK_OK);
    add_doc(w, "four", "Q4", "4");
    assert_int_equal(xap_end(w, 0, &err), HSOK_OK);
    assert_int_equal(xap_termfreq(w, "Q9", 2), 0);
    assert_int_equal(xap_termfreq(w, "Q4", 2), 0);
    assert_int_equal(xap_doccount(w), 2);

    /* cancelled after a commit: what came before the transaction stays */
    add_doc(w, "three", "Q3", "3");
    assert_int_equal(xap_commit(w, &err), HSOK_OK);
    assert_int_equal(xap_begin(w, &err), HSOK_OK);
    add_doc(w, "four", "Q4", "4");
    assert_int_equal(xap_delete_term(w, "Q1", 2, &err), HSOK_OK);
    assert_int_equal(xap_set_meta(w, "k", "", &err), HSOK_OK);
    assert_int_equal(xap_doccount(w), 3);
    assert_int_equal(xap_end(w, 0, &err), HSOK_OK);
    assert_null(err);
    assert_int_equal(xap_doccount(w), 3);
    assert_int_equal(xap_termfreq(w, "Q4", 2), 0);
    assert_int_equal(xap_termfreq(w, "Q1", 2), 1);
    assert_int_equal(xap_termfreq(w, "Q3", 2), 1);
    get_meta_is(w, "k", "v");
    r = open_ok(path, 0);
    assert_int_equal(xap_doccount(r), 3);
    close_ok(r);

    /* no transaction to end */
    assert_int_equal(xap_end(w, 1, &err), HSOK_ERR_INVALID);
    check_msg(&err, NULL);
    assert_int_equal(xap_end(w, 0, &err), HSOK_ERR_INVALID);
    check_msg(&err, NULL);

    /* a transaction left open at close is abandoned, not committed */
    add_doc(w, "five", "Q5", "5");
    assert_int_equal(xap_commit(w, &err), HSOK_OK);
    assert_int_equal(xap_begin(w, &err), HSOK_OK);
    add_doc(w, "six", "Q6", "6");
    close_ok(w);
    r = open_ok(path, 0);
    assert_int_equal(xap_doccount(r), 4);
    assert_int_equal(xap_termfreq(r, "Q5", 2), 1);
    assert_int_equal(xap_termfreq(r, "Q6", 2), 0);
    /* read-only */
    assert_int_equal(xap_begin(r, &err), HSOK_ERR_INVALID);
    check_msg(&err, path);
    assert_int_equal(xap_end(r, 1, &err), HSOK_ERR_INVALID);
    check_msg(&err, path);
    close_ok(r);

    /* the index can be written again after all that */
    w = open_ok(path, 1);
    assert_int_equal(xap_begin(w, &err), HSOK_OK);
    add_doc(w, "seven", "Q7", "7");
    assert_int_equal(xap_end(w, 1, &err), HSOK_OK);
    assert_int_equal(xap_doccount(w), 5);
    close_ok(w);
}

/* ---- errors ---- */

static void test_error_missing(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "missing");
    char *err = NULL;
    xap_db_t *db = (xap_db_t *)&err; /* must be reset */

    assert_int_equal(xap_open(path, 0, &db, &err), HSOK_ERR_NOT_FOUND);
    assert_null(db);
    check_msg(&err, path);
    assert_false(path_exists(path)); /* read-only open creates nothing */
    /* without a message */
    assert_int_equal(xap_open(path, 0, &db, NULL), HSOK_ERR_NOT_FOUND);
    assert_null(db);

    /* an empty directory is no index either */
    assert_int_equal(mkdir(path, 0755), 0);
    db = (xap_db_t *)&err;
    assert_int_equal(xap_open(path, 0, &db, &err), HSOK_ERR_NOT_FOUND);
    assert_null(db);
    check_msg(&err, path);

    /* no path */
    db = (xap_db_t *)&err;
    assert_int_equal(xap_open(NULL, 0, &db, &err), HSOK_ERR_INVALID);
    assert_null(db);
    check_msg(&err, NULL);
    assert_int_equal(xap_open(NULL, 1, &db, &err), HSOK_ERR_INVALID);
    check_msg(&err, NULL);

    /* cannot create: the parent does not exist */
    char deep[450];
    snprintf(deep, sizeof deep, "%s/no/such/parent", path);
    db = (xap_db_t *)&err;
    assert_int_equal(xap_open(deep, 1, &db, &err), HSOK_ERR_DB);
    assert_null(db);
    check_msg(&err, deep);

    /* cannot create: a file is in the way */
    char file[450];
    snprintf(file, sizeof file, "%s/file", path);
    write_file(file, "x", 1);
    assert_int_equal(xap_open(file, 1, &db, &err), HSOK_ERR_DB);
    assert_null(db);
    check_msg(&err, file);
}

static void test_error_locked(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "locked");
    char *err = NULL;
    xap_db_t *w1 = open_ok(path, 1);
    add_doc(w1, "locked", "Q1", "1");
    assert_int_equal(xap_commit(w1, &err), HSOK_OK);

    xap_db_t *w2 = (xap_db_t *)&err;
    assert_int_equal(xap_open(path, 1, &w2, &err), HSOK_ERR_LOCKED);
    assert_null(w2);
    char want[500];
    snprintf(want, sizeof want, "index '%s' is locked by another process", path);
    assert_non_null(err);
    assert_string_equal(err, want);
    free(err);
    err = NULL;

    /* readers are not locked out */
    xap_db_t *r = open_ok(path, 0);
    assert_int_equal(xap_doccount(r), 1);
    close_ok(r);
    /* the first writer is unharmed */
    add_doc(w1, "more", "Q2", "2");
    close_ok(w1);

    /* released at close */
    w2 = open_ok(path, 1);
    assert_int_equal(xap_doccount(w2), 2);
    close_ok(w2);
}

static void test_error_corrupt(void **state)
{
    (void)state;
    char path[400], file[450];
    char *err = NULL;
    xap_db_t *db;
    static const char junk[] = "this is not a xapian glass version file, just junk\n";

    /* a directory holding only a garbage iamglass */
    tpath(path, sizeof path, "corrupt");
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(file, sizeof file, "%s/iamglass", path);
    write_file(file, junk, sizeof junk - 1);
    db = (xap_db_t *)&err;
    assert_int_equal(xap_open(path, 0, &db, &err), HSOK_ERR_DB);
    assert_null(db);
    check_msg(&err, path);
    /* ... has no tables, so Xapian does not take it for an index: opening for writing
     * creates an empty one over it */
    db = open_ok(path, 1);
    assert_int_equal(xap_doccount(db), 0);
    close_ok(db);
    db = open_ok(path, 0);
    assert_int_equal(xap_doccount(db), 0);
    close_ok(db);

    /* a real index whose iamglass is garbage, or empty: refused both ways, not recreated */
    for (int empty = 0; empty < 2; empty++) {
        tpath(path, sizeof path, "corrupt-real");
        build_fixture(path);
        snprintf(file, sizeof file, "%s/iamglass", path);
        write_file(file, junk, empty ? 0 : sizeof junk - 1);
        for (int writable = 0; writable < 2; writable++) {
            db = (xap_db_t *)&err;
            hsok_status_t st = xap_open(path, writable, &db, &err);
            if (st != HSOK_ERR_DB)
                fail_msg("damaged iamglass (%s), %s: status %d, want %d", empty ? "empty" : "junk",
                         writable ? "writable" : "read-only", st, HSOK_ERR_DB);
            assert_null(db);
            check_msg(&err, path);
        }
    }

    /* a real index whose tables are overwritten with junk: opening or the first read
     * fails with a database error */
    tpath(path, sizeof path, "damaged");
    build_fixture(path);
    static const char *const tables[] = { "postlist.glass", "termlist.glass", "docdata.glass",
                                          "position.glass" };
    char block[8192];
    memset(block, 0x5a, sizeof block);
    for (size_t i = 0; i < 4; i++) {
        snprintf(file, sizeof file, "%s/%s", path, tables[i]);
        if (path_exists(file))
            write_file(file, block, sizeof block);
    }
    hsok_status_t st = xap_open(path, 0, &db, &err);
    if (st == HSOK_OK) {
        assert_null(err);
        q_reset();
        xap_hits_t *h = NULL;
        st = xap_search(db, T("quick"), 0, 10, -1, &h, &err);
        assert_null(h);
        assert_int_equal(st, HSOK_ERR_DB);
        check_msg(&err, path);
        char *data = NULL;
        st = xap_data_by_term(db, "Qd1", 3, &data, NULL, &err);
        assert_null(data);
        assert_int_equal(st, HSOK_ERR_DB);
        check_msg(&err, path);
        terms_t c;
        memset(&c, 0, sizeof c);
        assert_int_equal(xap_terms(db, "Q", 1, collect_term, &c, &err), HSOK_ERR_DB);
        check_msg(&err, path);
        close_ok(db);
    } else {
        assert_int_equal(st, HSOK_ERR_DB);
        assert_null(db);
        check_msg(&err, path);
    }
}

static void test_error_lost_table(void **state)
{
    (void)state;
    char path[400], file[450];
    char *err = NULL;
    xap_db_t *db;
    /* a real index that lost its postlist table exists, so it is damaged, not missing:
     * a database error, not HSOK_ERR_NOT_FOUND ("no index ... run 'hsok index' first") */
    tpath(path, sizeof path, "lost-table");
    build_fixture(path);
    snprintf(file, sizeof file, "%s/postlist.glass", path);
    assert_int_equal(unlink(file), 0);
    db = (xap_db_t *)&err;
    hsok_status_t st = xap_open(path, 0, &db, &err);
    assert_null(db);
    if (st != HSOK_ERR_DB)
        fail_msg("index without postlist.glass: status %d (%s), want %d", st,
                 err ? err : "(no message)", HSOK_ERR_DB);
    check_msg(&err, path);
}

static void test_error_misuse(void **state)
{
    (void)state;
    char *err = NULL;
    xap_hits_t *h = (xap_hits_t *)&err;
    q_reset();

    /* no database */
    assert_int_equal(xap_doccount(NULL), 0);
    assert_int_equal(xap_termfreq(NULL, "x", 1), 0);
    assert_int_equal(xap_search(NULL, T("x"), 0, 10, -1, &h, &err), HSOK_ERR_INVALID);
    assert_null(h);
    check_msg(&err, NULL);
    assert_int_equal(xap_commit(NULL, &err), HSOK_ERR_INVALID);
    check_msg(&err, NULL);
    char *val = NULL;
    assert_int_equal(xap_get_meta(NULL, "k", &val, &err), HSOK_ERR_INVALID);
    assert_null(val);
    check_msg(&err, NULL);

    xap_db_t *r = open_fixture();
    /* writing to a read-only index */
    xap_doc_t *doc = make_doc("x", NULL, NULL, NULL, 0);
    unsigned id = 12345;
    assert_int_equal(xap_add(r, doc, &id, &err), HSOK_ERR_INVALID);
    assert_int_equal(id, 12345);
    check_msg(&err, fixpath);
    xap_doc_free(doc);
    assert_int_equal(xap_commit(r, &err), HSOK_ERR_INVALID);
    check_msg(&err, fixpath);
    assert_int_equal(xap_doccount(r), NFIX);

    /* malformed queries */
    xap_query_t *bad[9];
    size_t nbad = 0;
    bad[nbad++] = NULL;
    bad[nbad++] = OP(XQ_AND, 2, T("quick"), NULL);
    xap_query_t *nosub = q_node(XQ_OR);
    nosub->nsub = 2; /* but sub is NULL */
    bad[nbad++] = nosub;
    xap_query_t *badop = q_node((xap_op_t)15); /* no operator, in the enum's range */
    bad[nbad++] = badop;
    bad[nbad++] = OP(XQ_SCALE, 2, T("quick"), T("fox"));
    bad[nbad++] = OP(XQ_SCALE, 0);
    bad[nbad++] = SCALE(-1, T("quick"));
    xap_query_t *noterm = q_node(XQ_TERM);
    noterm->term_len = 3;
    bad[nbad++] = noterm;
    xap_query_t *nowild = q_node(XQ_WILDCARD);
    bad[nbad++] = nowild;
    for (size_t i = 0; i < nbad; i++) {
        h = (xap_hits_t *)&err;
        hsok_status_t st = xap_search(r, bad[i], 0, 10, -1, &h, &err);
        if (st != HSOK_ERR_INVALID)
            fail_msg("bad query %zu: status %d, want %d", i, st, HSOK_ERR_INVALID);
        assert_null(h);
        check_msg(&err, NULL);
        /* nested anywhere */
        if (bad[i]) {
            st = xap_search(r, OP(XQ_OR, 2, T("quick"), OP(XQ_AND, 1, bad[i])), 0, 10, -1, &h,
                            &err);
            assert_int_equal(st, HSOK_ERR_INVALID);
            check_msg(&err, NULL);
        }
        assert_null(xap_query_describe(bad[i]));
    }
    /* the handle still works */
    expect_docs(r, T("fox"), D(1) | D(2));
    close_ok(r);

    /* documents: NULL, and an edit Xapian refuses (an empty term) */
    assert_int_equal(xap_doc_add_posting(NULL, "a", 1, 1, 1), -1);
    assert_int_equal(xap_doc_add_term(NULL, "a", 1, 1), -1);
    assert_int_equal(xap_doc_add_boolean(NULL, "a", 1), -1);
    assert_int_equal(xap_doc_set_value(NULL, 0, "a", 1), -1);
    assert_int_equal(xap_doc_set_data(NULL, "a", 1), -1);
    xap_doc_free(NULL);

    char path[400];
    tpath(path, sizeof path, "misuse");
    xap_db_t *w = open_ok(path, 1);
    assert_int_equal(xap_add(w, NULL, NULL, &err), HSOK_ERR_INVALID);
    check_msg(&err, NULL);
    doc = xap_doc_new();
    assert_non_null(doc);
    assert_int_equal(xap_doc_add_posting(doc, "good", 4, 1, 1), 0);
    assert_int_equal(xap_doc_add_term(doc, "", 0, 1), -1);
    /* the document is now unusable */
    assert_int_equal(xap_doc_add_posting(doc, "more", 4, 2, 1), -1);
    assert_int_equal(xap_doc_set_data(doc, "d", 1), -1);
    assert_int_equal(xap_add(w, doc, &id, &err), HSOK_ERR_INVALID);
    check_msg(&err, path);
    xap_doc_free(doc);
    assert_int_equal(xap_doccount(w), 0);

    /* a term Xapian cannot store: an error, and the index stays usable */
    char longterm[300];
    memset(longterm, 'x', sizeof longterm);
    doc = xap_doc_new();
    assert_non_null(doc);
    assert_int_equal(xap_doc_add_term(doc, longterm, sizeof longterm, 1), 0);
    hsok_status_t st = xap_add(w, doc, NULL, &err);
    if (st == HSOK_OK)
        st = xap_commit(w, &err);
    assert_int_equal(st, HSOK_ERR_DB);
    check_msg(&err, path);
    xap_doc_free(doc);
    add_doc(w, "fine", "Qf", "f");
    assert_int_equal(xap_commit(w, &err), HSOK_OK);
    assert_null(err);
    close_ok(w);
    r = open_ok(path, 0);
    assert_int_equal(xap_termfreq(r, "fine", 4), 1);
    close_ok(r);
}

/* ---- what is opened as an index ---- */

/* The names in directory `dir`, sorted and joined with '/', for comparing listings. */
static void listing(const char *dir, char *out, size_t cap)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    assert_true(n >= 0);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
            strncat(out, names[i]->d_name, cap - strlen(out) - 1);
            strncat(out, "/", cap - strlen(out) - 1);
        }
        free(names[i]);
    }
    free(names);
}

static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    char *p = malloc((size_t)st.st_size + 1);
    assert_non_null(p);
    assert_int_equal(read(fd, p, (size_t)st.st_size), (ssize_t)st.st_size);
    p[st.st_size] = '\0';
    close(fd);
    if (len)
        *len = (size_t)st.st_size;
    return p;
}

/* A program that creates `marker` when run: the PROGRAM of a stub line `remote :PROGRAM`.
 * Checks that running it does leave the marker, so that its absence later means something. */
static void make_marker_program(char *prog, size_t pcap, char *marker, size_t mcap)
{
    snprintf(marker, mcap, "%s/RAN", tmpdir);
    snprintf(prog, pcap, "%s/leave-marker.sh", tmpdir);
    char body[600];
    snprintf(body, sizeof body, "#!/bin/sh\ntouch '%s'\nexit 1\n", marker);
    write_file(prog, body, strlen(body));
    assert_int_equal(chmod(prog, 0755), 0);
    unlink(marker);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(prog, prog, (char *)NULL);
        _exit(127);
    }
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(path_exists(marker));
    assert_int_equal(unlink(marker), 0);
}

/* xap_open of path refuses it both ways with HSOK_ERR_DB and a message holding `needle`, and
 * so does xap_check. */
static void expect_refused(const char *path, const char *needle)
{
    for (int writable = 0; writable < 2; writable++) {
        char *err = NULL;
        xap_db_t *db = (xap_db_t *)&err;
        hsok_status_t st = xap_open(path, writable, &db, &err);
        if (st != HSOK_ERR_DB)
            fail_msg("xap_open('%s', %d): status %d (%s), want %d", path, writable, st,
                     err ? err : "no message", HSOK_ERR_DB);
        assert_null(db);
        check_msg(&err, needle);
    }
    char *err = NULL, *report = (char *)&err;
    assert_int_equal(xap_check(path, 1, NULL, &report, &err), HSOK_ERR_DB);
    assert_null(report);
    check_msg(&err, needle);
}

/* Xapian opens a stub database file where it expects a directory, and a stub line
 * `remote :PROGRAM` runs PROGRAM: no stub is ever opened, for reading, writing or checking. */
static void test_open_refuses_stubs(void **state)
{
    (void)state;
    char prog[400], marker[400], path[400], line[900], want[900];
    make_marker_program(prog, sizeof prog, marker, sizeof marker);
    xap_close(open_fixture(), NULL);

    const char *const forms[] = { "remote :%s\n", "auto %s\n", "glass %s\n", "remote :%s" };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        tpath(path, sizeof path, "stub");
        snprintf(line, sizeof line, forms[i], i == 0 || i == 3 ? prog : fixpath);
        write_file(path, line, strlen(line));
        snprintf(want, sizeof want, "'%s' is not an index directory: it is a regular file", path);
        expect_refused(path, want);
        char *after = slurp(path, NULL);
        assert_string_equal(after, line); /* not overwritten either */
        free(after);
        assert_false(path_exists(marker));
    }

    /* a stub reached through a symbolic link */
    char link[450];
    tpath(path, sizeof path, "stub-target");
    snprintf(line, sizeof line, "remote :%s\n", prog);
    write_file(path, line, strlen(line));
    tpath(link, sizeof link, "stub-link");
    assert_int_equal(symlink(path, link), 0);
    expect_refused(link, "it is a regular file");
    assert_false(path_exists(marker));

    /* a directory holding a XAPIANDB stub: no index for a reader, other files for a writer */
    char stubdir[400], file[450], before[256], now[256];
    tpath(stubdir, sizeof stubdir, "stubdir");
    assert_int_equal(mkdir(stubdir, 0755), 0);
    snprintf(file, sizeof file, "%s/XAPIANDB", stubdir);
    write_file(file, line, strlen(line));
    listing(stubdir, before, sizeof before);
    char *err = NULL;
    xap_db_t *db = (xap_db_t *)&err;
    assert_int_equal(xap_open(stubdir, 0, &db, &err), HSOK_ERR_NOT_FOUND);
    assert_null(db);
    check_msg(&err, stubdir);
    assert_int_equal(xap_open(stubdir, 1, &db, &err), HSOK_ERR_DB);
    assert_null(db);
    check_msg(&err, "holds other files but no hsok index");
    assert_int_equal(xap_check(stubdir, 1, NULL, NULL, &err), HSOK_ERR_NOT_FOUND);
    check_msg(&err, stubdir);
    listing(stubdir, now, sizeof now);
    assert_string_equal(now, before);
    assert_false(path_exists(marker));
}

/* Only a directory is an index: FIFOs and devices are refused without being opened (a FIFO
 * would block), as is an index directory whose files are not regular; a symbolic link to a
 * directory is followed, one to nothing is refused. */
static void test_open_refuses_non_directories(void **state)
{
    (void)state;
    char path[400], file[450];
    tpath(path, sizeof path, "fifo");
    assert_int_equal(mkfifo(path, 0600), 0);
    expect_refused(path, "is not an index directory: it is a FIFO");
    expect_refused("/dev/null", "'/dev/null' is not an index directory: it is a device");

    tpath(path, sizeof path, "dangling");
    assert_int_equal(symlink("no-such-target", path), 0);
    expect_refused(path, "it is a symbolic link to nothing");

    xap_close(open_fixture(), NULL);
    tpath(path, sizeof path, "dir-link");
    assert_int_equal(symlink(fixpath, path), 0);
    xap_db_t *db = open_ok(path, 0);
    assert_int_equal(xap_doccount(db), NFIX);
    close_ok(db);

    /* iamglass a FIFO, postlist.glass a symbolic link to another index's table */
    static const char *const names[] = { "iamglass", "postlist.glass" };
    for (int i = 0; i < 2; i++) {
        tpath(path, sizeof path, "odd-files");
        build_fixture(path);
        snprintf(file, sizeof file, "%s/%s", path, names[i]);
        assert_int_equal(unlink(file), 0);
        if (i == 0) {
            assert_int_equal(mkfifo(file, 0600), 0);
        } else {
            char target[450];
            snprintf(target, sizeof target, "%s/postlist.glass", fixpath);
            assert_int_equal(symlink(target, file), 0);
        }
        char want[1000];
        snprintf(want, sizeof want, "'%s' is not an index directory: '%s' is not a regular file",
                 path, file);
        expect_refused(path, want);
    }
}

/* A writer creates the index only in a new or empty directory (or one begun by Xapian): a
 * folder of the user's files is refused and left as it was. */
static void test_open_user_folder(void **state)
{
    (void)state;
    char path[400], file[450], before[256], now[256], want[600];
    char *err = NULL;
    xap_db_t *db = (xap_db_t *)&err;

    tpath(path, sizeof path, "mine");
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(file, sizeof file, "%s/notater.txt", path);
    write_file(file, "mine notater\n", 13);
    listing(path, before, sizeof before);
    assert_int_equal(xap_open(path, 1, &db, &err), HSOK_ERR_DB);
    assert_null(db);
    snprintf(want, sizeof want,
             "'%s' holds other files but no hsok index; give an empty or new directory", path);
    assert_non_null(err);
    assert_string_equal(err, want);
    free(err);
    err = NULL;
    listing(path, now, sizeof now);
    assert_string_equal(now, before);
    assert_int_equal(xap_open(path, 0, &db, &err), HSOK_ERR_NOT_FOUND);
    check_msg(&err, "no index at");

    /* an empty directory is used */
    tpath(path, sizeof path, "empty");
    assert_int_equal(mkdir(path, 0755), 0);
    db = open_ok(path, 1);
    add_doc(db, "word", "Q1", "1");
    close_ok(db);
    snprintf(file, sizeof file, "%s/iamglass", path);
    assert_true(path_exists(file));

    /* an index keeps working when something else is put next to its files */
    snprintf(file, sizeof file, "%s/README", path);
    write_file(file, "x", 1);
    db = open_ok(path, 1);
    assert_int_equal(xap_doccount(db), 1);
    close_ok(db);

    /* Xapian's own files without its version file: an index begun and not finished (killed
     * while being created), or one that lost it, is damaged for readers and writers alike
     * (Xapian could neither open it nor create an index over it) */
    tpath(path, sizeof path, "begun");
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(file, sizeof file, "%s/flintlock", path);
    write_file(file, "", 0);
    snprintf(file, sizeof file, "%s/postlist.glass", path);
    write_file(file, "", 0);
    for (int writable = 0; writable < 2; writable++) {
        assert_int_equal(xap_open(path, writable, &db, &err), HSOK_ERR_DB);
        assert_null(db);
        check_msg(&err, "is damaged: its version file 'iamglass' is missing");
    }
}

/* Opening for writing an index the user may not write to says read-only, not "locked by
 * another process" (which is what Xapian's lock error would say). */
static void test_open_read_only(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "read-only");
    build_fixture(path);
    char want[600];
    snprintf(want, sizeof want, "index '%s' is read-only: permission denied", path);

    /* root may write anywhere: run the open as nobody in a child, else take the write
     * permission away */
    int as_root = geteuid() == 0;
    if (as_root)
        assert_int_equal(chmod(tmpdir, 0755), 0);
    else
        assert_int_equal(chmod(path, 0555), 0);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        if (as_root && (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0))
            _exit(77);
        char *err = NULL;
        xap_db_t *db = NULL;
        hsok_status_t st = xap_open(path, 1, &db, &err);
        /* and Xapian's check, which opens tables read/write, works on it all the same */
        unsigned docs = 0;
        hsok_status_t cst = xap_check(path, 1, &docs, NULL, NULL);
        dprintf(fds[1], "%d %s|%d %u", (int)st, err ? err : "", (int)cst, docs);
        _exit(0);
    }
    close(fds[1]);
    char got[700] = "";
    ssize_t n = read(fds[0], got, sizeof got - 1);
    close(fds[0]);
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    chmod(path, 0755);
    chmod(tmpdir, 0700);
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 77)
        skip(); /* cannot become another user here */
    assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    assert_true(n > 0);
    got[n] = '\0';
    char expect[700];
    snprintf(expect, sizeof expect, "%d %s|%d %u", (int)HSOK_ERR_DB, want, (int)HSOK_OK,
             (unsigned)NFIX);
    assert_string_equal(got, expect);

    /* readers are fine */
    xap_db_t *db = open_ok(path, 0);
    assert_int_equal(xap_doccount(db), NFIX);
    close_ok(db);
}

/* An index of n documents over many blocks (words u<i> and v<i % 97>, data "d<i>"). */
static void build_large(const char *path, int n)
{
    xap_db_t *db = open_ok(path, 1);
    for (int i = 0; i < n; i++) {
        char text[64], data[32];
        snprintf(text, sizeof text, "common u%05d v%d", i, i % 97);
        snprintf(data, sizeof data, "d%d", i);
        add_doc(db, text, NULL, data);
    }
    close_ok(db);
}

static void copy_dir(const char *from, const char *to)
{
    rm_rf(to);
    assert_int_equal(mkdir(to, 0755), 0);
    DIR *d = opendir(from);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char a[1000], b[1000];
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", to, e->d_name);
        size_t len;
        char *data = slurp(a, &len);
        write_file(b, data, len);
        free(data);
    }
    closedir(d);
}

static off_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* xap_check on a sound index, and on copies damaged in the ways a disk or a bad copy
 * damages files: each is reported as damaged, with what to do. */
static void test_check(void **state)
{
    (void)state;
    char *err = NULL, *report = NULL;
    unsigned docs = 0;
    xap_close(open_fixture(), NULL);
    hsok_status_t st = xap_check(fixpath, 1, &docs, &report, &err);
    if (st != HSOK_OK)
        fail_msg("check of a sound index: %d %s", st, err ? err : "");
    assert_null(err);
    assert_int_equal(docs, NFIX);
    assert_non_null(report);
    assert_non_null(strstr(report, "postlist"));
    free(report);

    char path[400], good[400], file[450];
    tpath(path, sizeof path, "check-missing");
    report = (char *)&err;
    assert_int_equal(xap_check(path, 1, &docs, &report, &err), HSOK_ERR_NOT_FOUND);
    assert_null(report);
    assert_int_equal(docs, 0);
    check_msg(&err, path);
    assert_int_equal(xap_check(NULL, 1, NULL, NULL, &err), HSOK_ERR_INVALID);
    check_msg(&err, NULL);

    tpath(good, sizeof good, "check-good");
    build_large(good, 3000);
    assert_int_equal(xap_check(good, 1, &docs, NULL, &err), HSOK_OK);
    assert_int_equal(docs, 3000);
    snprintf(file, sizeof file, "%s/postlist.glass", good);
    off_t size = file_size(file);
    assert_true(size >= 8 * 8192); /* enough blocks for the damage below to be inside */

    enum { TRUNCATED, SCRIBBLED, NO_TERMLIST, NO_DOCDATA, ZEROED, NO_VERSION, NCASES };
    static const char *const what[NCASES] = { "postlist.glass cut in half",
                                              "postlist.glass overwritten in every block",
                                              "termlist.glass deleted", "docdata.glass deleted",
                                              "docdata.glass zeroed", "iamglass deleted" };
    for (int c = 0; c < NCASES; c++) {
        tpath(path, sizeof path, "check-damaged");
        copy_dir(good, path);
        static const char *const table[NCASES] = { "postlist", "postlist", "termlist",
                                                   "docdata",  "docdata",  NULL };
        if (table[c])
            snprintf(file, sizeof file, "%s/%s.glass", path, table[c]);
        else
            snprintf(file, sizeof file, "%s/iamglass", path);
        if (c == TRUNCATED) {
            assert_int_equal(truncate(file, size / 2), 0);
        } else if (c == SCRIBBLED || c == ZEROED) {
            int fd = open(file, O_WRONLY);
            assert_true(fd >= 0);
            char junk[12];
            memset(junk, c == ZEROED ? 0 : 0x5a, sizeof junk);
            for (off_t at = 0; at < file_size(file); at += 8192)
                assert_int_equal(pwrite(fd, junk, sizeof junk, at + 11), (ssize_t)sizeof junk);
            close(fd);
        } else {
            assert_int_equal(unlink(file), 0);
        }
        report = NULL;
        docs = 12345;
        st = xap_check(path, 1, &docs, &report, &err);
        if (st != HSOK_ERR_DB)
            fail_msg("check with %s: status %d (%s), want %d", what[c], st, err ? err : "",
                     HSOK_ERR_DB);
        assert_int_equal(docs, 0);
        if (c != NO_VERSION) /* the check ran: Xapian's report comes with the verdict */
            assert_non_null(report);
        free(report);
        assert_non_null(err);
        if (!strstr(err, "is damaged") ||
            !strstr(err, "(delete it and run 'hsok index' again with the same files)"))
            fail_msg("check with %s: '%s'", what[c], err);
        check_msg(&err, path);
        /* Xapian counts both tables as optional: only the strict check notices they are
         * gone */
        if (c == NO_DOCDATA || c == NO_TERMLIST) {
            assert_int_equal(xap_check(path, 0, &docs, NULL, &err), HSOK_OK);
            assert_int_equal(docs, 3000);
        }
    }
}

/* xap_check beside a writer with uncommitted changes, in a new index (Xapian's own check
 * truncated its tables) and in a committed one: the writer's work survives, and the check
 * leaves nothing in $TMPDIR. */
static void test_check_beside_writer(void **state)
{
    (void)state;
    char path[400], tmp[400], list[256];
    tpath(tmp, sizeof tmp, "check-tmp");
    assert_int_equal(mkdir(tmp, 0700), 0);
    const char *old_tmp = getenv("TMPDIR");
    char *saved = old_tmp ? strdup(old_tmp) : NULL;
    setenv("TMPDIR", tmp, 1);
    for (int committed = 0; committed < 2; committed++) {
        tpath(path, sizeof path, "check-writer");
        xap_db_t *w = open_ok(path, 1);
        char *err = NULL;
        if (committed) {
            add_doc(w, "first", "Q0", "0");
            assert_int_equal(xap_commit(w, &err), HSOK_OK);
        }
        for (int i = 1; i <= 300; i++) {
            char text[64], id[16];
            snprintf(text, sizeof text, "common word%d", i);
            snprintf(id, sizeof id, "Q%d", i);
            add_doc(w, text, id, "data");
        }
        unsigned docs = 12345;
        hsok_status_t st = xap_check(path, 1, &docs, NULL, &err);
        if (st != HSOK_OK)
            fail_msg("check beside a writer: %d %s", st, err ? err : "");
        assert_int_equal(docs, committed ? 1 : 0); /* what was committed */
        listing(tmp, list, sizeof list);
        assert_string_equal(list, "");
        /* the writer goes on and commits; everything is there */
        add_doc(w, "last", "Qlast", "last");
        assert_int_equal(xap_commit(w, &err), HSOK_OK);
        assert_null(err);
        close_ok(w);
        assert_int_equal(xap_check(path, 1, &docs, NULL, &err), HSOK_OK);
        assert_int_equal(docs, committed + 301);
        xap_db_t *r = open_ok(path, 0);
        assert_int_equal(xap_termfreq(r, "common", 6), 300);
        close_ok(r);
    }
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
}

/* A check killed half-way (Ctrl-C, or a crash inside Xapian's check) leaves its copy of the
 * index in $TMPDIR: the next check removes such copies of this user's that are over a minute
 * old and that no process holds, and nothing else. */
static void test_check_sweeps_leftovers(void **state)
{
    (void)state;
    char tmp[400], dir[500], file[600], list[256];
    tpath(tmp, sizeof tmp, "sweep-tmp");
    assert_int_equal(mkdir(tmp, 0700), 0);
    static const char *const names[] = { "hsok-check-stale", "hsok-check-held",
                                         "hsok-check-fresh", "other-dir" };
    int held = -1;
    for (int i = 0; i < 4; i++) {
        snprintf(dir, sizeof dir, "%s/%s", tmp, names[i]);
        assert_int_equal(mkdir(dir, 0700), 0);
        snprintf(file, sizeof file, "%s/postlist.glass", dir);
        write_file(file, "x", 1);
        if (i != 2) { /* two minutes old */
            struct timespec ts[2] = { { time(NULL) - 120, 0 }, { time(NULL) - 120, 0 } };
            assert_int_equal(utimensat(AT_FDCWD, dir, ts, 0), 0);
        }
        if (i == 1) { /* a check still running holds its copy */
            held = open(dir, O_RDONLY | O_DIRECTORY);
            assert_true(held >= 0);
            assert_int_equal(flock(held, LOCK_EX | LOCK_NB), 0);
        }
    }
    const char *old_tmp = getenv("TMPDIR");
    char *saved = old_tmp ? strdup(old_tmp) : NULL;
    setenv("TMPDIR", tmp, 1);
    xap_close(open_fixture(), NULL);
    char *err = NULL;
    assert_int_equal(xap_check(fixpath, 1, NULL, NULL, &err), HSOK_OK);
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
    close(held);
    listing(tmp, list, sizeof list);
    assert_string_equal(list, "hsok-check-fresh/hsok-check-held/other-dir/");
}

/* ---- compaction ---- */

static long long glass_bytes(const char *dir)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    assert_true(n >= 0);
    long long sum = 0;
    for (int i = 0; i < n; i++) {
        char p[700];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, names[i]->d_name);
        if (strstr(names[i]->d_name, ".glass") && stat(p, &st) == 0)
            sum += st.st_size;
        free(names[i]);
    }
    free(names);
    return sum;
}

/* Compaction packs the tables and keeps documents, ids, data, positions and counts; a reader
 * opened before keeps reading; the writer stays writable; stale copies are swept; a read-only
 * handle is refused. */
static void test_compact(void **state)
{
    (void)state;
    char parent[400], path[450], stale[500], list[256];
    tpath(parent, sizeof parent, "compact");
    assert_int_equal(mkdir(parent, 0755), 0);
    snprintf(path, sizeof path, "%s/idx", parent);
    snprintf(stale, sizeof stale, "%s/.idx.compact-Stale1", parent);
    assert_int_equal(mkdir(stale, 0700), 0);
    char sfile[600];
    snprintf(sfile, sizeof sfile, "%s/postlist.glass", stale);
    write_file(sfile, "x", 1);
    build_fixture(path);
    q_reset();
    char *err = NULL, *data = NULL;
    size_t len = 0;
    xap_db_t *w = open_ok(path, 1);
    /* document 1 goes: renumbering would move every other id down */
    assert_int_equal(xap_delete_term(w, "Qd1", 3, &err), HSOK_OK);
    /* many small commits leave the blocks half empty */
    for (int i = 0; i < 300; i++) {
        char text[128], bools[32];
        snprintf(text, sizeof text, "filler%d word%d common text number %d", i, i % 17, i);
        snprintf(bools, sizeof bools, "Qf%d", i);
        add_doc(w, text, bools, "f");
        if (i % 3 == 0)
            assert_int_equal(xap_commit(w, &err), HSOK_OK);
    }
    assert_int_equal(xap_commit(w, &err), HSOK_OK);
    long long before = glass_bytes(path);
    xap_db_t *r = open_ok(path, 0);
    int done = -1;
    assert_int_equal(xap_compact(w, &done, &err), HSOK_OK);
    assert_null(err);
    assert_int_equal(done, 1);
    long long after = glass_bytes(path);
    if (!(after < before * 3 / 4))
        fail_msg("compaction: %lld bytes before, %lld after", before, after);
    /* the stale copy and the one just made are gone: only the index is left */
    listing(parent, list, sizeof list);
    assert_string_equal(list, "idx/");
    /* the reader opened before still reads its revision */
    assert_int_equal(xap_doccount(r), NFIX - 1 + 300);
    expect_docs(r, T("quick"), D(2) | D(4) | D(7));
    close_ok(r);
    /* same documents, ids, data, phrases */
    assert_int_equal(xap_doccount(w), NFIX - 1 + 300);
    expect_docs(w, T("quick"), D(2) | D(4) | D(7));
    expect_docs(w, OP(XQ_PHRASE, 2, T("brown"), T("river")), D(3));
    assert_int_equal(xap_data_by_term(w, "Qd3", 3, &data, &len, &err), HSOK_OK);
    assert_int_equal(len, fix_len[3]);
    assert_memory_equal(data, fix_data[3], len);
    free(data);
    assert_int_equal(xap_termfreq(w, "common", 6), 300);
    /* still writable, and its changes reach the packed index */
    assert_int_equal(add_doc(w, "after packing", "Qafter", "z"), NFIX + 300 + 1);
    close_ok(w);
    r = open_ok(path, 0);
    assert_int_equal(xap_doccount(r), NFIX + 300);
    assert_int_equal(xap_termfreq(r, "packing", 7), 1);
    /* a read-only handle is not compacted */
    assert_int_equal(xap_compact(r, &done, &err), HSOK_ERR_INVALID);
    check_msg(&err, path);
    assert_int_equal(done, 0);
    close_ok(r);
    assert_int_equal(xap_check(path, 1, NULL, NULL, &err), HSOK_OK);
    assert_null(err);
}

/* Counts under a collapse key: one per key (and per document without one), and every matching
 * document before collapsing, exact on an index this small. Fewer keys than the documents a
 * collapsing search keeps (1000) and more than that are counted apart (xap_search_collapse). */
static void test_collapse_counts(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "collapse");
    xap_db_t *w = open_ok(path, 1);
    /* 1100 documents: "few" in 60 of them, 5 per key k0..k9 and 10 without a key; "many" in
     * all, under 1045 keys (k0..k9 and 1035 of their own); "odd" in every other one. Xapian's
     * own bounds are exact for a single term: the counts of an OR are what needs counting */
    for (int i = 0; i < 1100; i++) {
        char text[64], key[16];
        snprintf(text, sizeof text, "many%s%s", i < 60 ? " few" : "", i % 2 ? " odd" : "");
        xap_doc_t *doc = make_doc(text, NULL, NULL, "d", 1);
        if (i < 50)
            snprintf(key, sizeof key, "k%d", i % 10);
        else if (i >= 60 || i % 2)
            snprintf(key, sizeof key, "own%d", i);
        else
            key[0] = '\0';
        if (i >= 50 && i < 60)
            key[0] = '\0';
        if (key[0])
            assert_int_equal(xap_doc_set_value(doc, 3, key, strlen(key)), 0);
        add_made(w, doc);
    }
    close_ok(w);
    xap_db_t *db = open_ok(path, 0);
    static const struct { const char *a, *b; size_t count, passages; } want[] = {
        { "few", "few", 10 + 10, 60 },         /* 10 keys, 10 without */
        { "few", "odd", 10 + 10 + 520, 60 + 520 }, /* and the odd ones of their own */
        { "many", "odd", 10 + 10 + 1040, 1100 },
    };
    for (size_t k = 0; k < 3; k++) {
        q_reset();
        xap_hits_t *h = NULL;
        char *err = NULL;
        assert_int_equal(xap_search_collapse(db, OP(XQ_OR, 2, T(want[k].a), T(want[k].b)), 0,
                                             5, -1, 3, &h, &err),
                         HSOK_OK);
        assert_null(err);
        assert_int_equal(h->count, want[k].count);
        assert_true(h->count_exact);
        assert_int_equal(h->passages, want[k].passages);
        assert_true(h->passages_exact);
        assert_int_equal(h->n, 5);
        xap_hits_free(h);
    }
    close_ok(db);
}

/* xap_search_collapse groups the matches itself when it sees every match; Xapian's own
 * collapser (xap_set_xapian_collapse) must give the same page, scores, collapse counts and
 * counts: over 1000 groups (the kept set overflows) and fewer, keys of several documents
 * whose best is not the first, documents without a key, equal weights ordered by the tie
 * slot (later documents with smaller values) or by docid, weights all 0, every document
 * matching, none, and pages deep into and past the kept documents. */
static void test_collapse_own_equals_xapian(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "collapse-own");
    xap_db_t *w = open_ok(path, 1);
    for (int i = 0; i < 2600; i++) {
        char text[256], key[16], src[16], data[16];
        int n = snprintf(text, sizeof text, "alpha%s%s", i % 3 ? "" : " beta",
                         i % 5 ? "" : " gamma");
        for (int k = 0; k < i % 13; k++)
            n += snprintf(text + n, sizeof text - (size_t)n, " f%d", k);
        int dl = snprintf(data, sizeof data, "d%d", i);
        xap_doc_t *doc = make_doc(text, NULL, NULL, data, (size_t)dl);
        snprintf(src, sizeof src, "s%03d", (i * 7919) % 97);
        assert_int_equal(xap_doc_set_value(doc, 2, src, strlen(src)), 0);
        if (i % 50 == 7)
            key[0] = '\0';
        else if (i < 1800)
            snprintf(key, sizeof key, "k%d", i % 600);
        else
            snprintf(key, sizeof key, "own%d", i);
        if (key[0])
            assert_int_equal(xap_doc_set_value(doc, 6, key, strlen(key)), 0);
        add_made(w, doc);
    }
    close_ok(w);
    static const struct { unsigned offset, limit; } pages[] = {
        { 0, 10 }, { 5, 10 }, { 0, 1 }, { 990, 20 }, { 0, 1100 }, { 2000, 10 }, { 1395, 40 },
    };
    xap_db_t *db = open_ok(path, 0);
    for (int tie = 0; tie < 2; tie++) {
        xap_set_tiebreak(db, tie ? 2 : -1);
        for (int qi = 0; qi < 7; qi++) {
            for (size_t pi = 0; pi < sizeof pages / sizeof *pages; pi++) {
                xap_hits_t *h[2] = { NULL, NULL };
                for (int own = 0; own < 2; own++) {
                    q_reset();
                    xap_query_t *q = qi == 0   ? T("alpha")
                                     : qi == 1 ? T("beta")
                                     : qi == 2 ? OP(XQ_OR, 2, T("beta"), T("gamma"))
                                     : qi == 3 ? SCALE(0, T("alpha"))
                                     : qi == 4 ? OP(XQ_FILTER, 2, OP(XQ_ALL, 0), T("gamma"))
                                     : qi == 5 ? OP(XQ_AND_NOT, 2, T("alpha"), T("beta"))
                                               : T("nothing");
                    char *err = NULL;
                    xap_set_xapian_collapse(db, !own);
                    assert_int_equal(xap_search_collapse(db, q, pages[pi].offset,
                                                         pages[pi].limit, -1, 6, &h[own], &err),
                                     HSOK_OK);
                    assert_null(err);
                }
                assert_int_equal(h[1]->count, h[0]->count);
                assert_int_equal(h[1]->count_exact, h[0]->count_exact);
                assert_int_equal(h[1]->passages, h[0]->passages);
                assert_int_equal(h[1]->passages_exact, h[0]->passages_exact);
                assert_int_equal(h[1]->n, h[0]->n);
                for (size_t i = 0; i < h[0]->n; i++) {
                    assert_int_equal(h[1]->hits[i].docid, h[0]->hits[i].docid);
                    assert_true(h[1]->hits[i].score == h[0]->hits[i].score);
                    assert_int_equal(h[1]->hits[i].collapsed, h[0]->hits[i].collapsed);
                    assert_int_equal(h[1]->hits[i].data_len, h[0]->hits[i].data_len);
                    assert_memory_equal(h[1]->hits[i].data, h[0]->hits[i].data,
                                        h[0]->hits[i].data_len);
                }
                if (qi == 0 && pi == 0) { /* the cases the test is for are there */
                    assert_true(h[0]->count > 1000);
                    assert_true(h[0]->passages > h[0]->count);
                }
                xap_hits_free(h[0]);
                xap_hits_free(h[1]);
            }
        }
    }
    close_ok(db);
}

/* A count that meets damage returns 0, and every later call with a status reports the damage:
 * a search must not take a damaged index for one that lacks the word (it printed 'no hits'). */
static void test_count_error_reported(void **state)
{
    (void)state;
    char good[400], path[400], file[450];
    tpath(good, sizeof good, "count-good");
    build_large(good, 3000);
    tpath(path, sizeof path, "count-damaged");
    copy_dir(good, path);
    snprintf(file, sizeof file, "%s/postlist.glass", path);
    assert_int_equal(truncate(file, file_size(file) / 2), 0);

    xap_db_t *db = open_ok(path, 0);
    unsigned missing = 0;
    for (int i = 0; i < 3000; i++) {
        char term[16];
        snprintf(term, sizeof term, "u%05d", i);
        missing += xap_termfreq(db, term, strlen(term)) == 0;
    }
    assert_true(missing > 0); /* some terms were in the lost half */
    char *err = NULL;
    q_reset();
    xap_hits_t *h = (xap_hits_t *)&err;
    assert_int_equal(xap_search(db, T("u00000"), 0, 10, -1, &h, &err), HSOK_ERR_DB);
    assert_null(h);
    check_msg(&err, path);
    char *val = NULL;
    assert_int_equal(xap_get_meta(db, "k", &val, &err), HSOK_ERR_DB);
    check_msg(&err, "(delete it and run 'hsok index' again with the same files)");
    close_ok(db);

    /* on a sound index the counts report nothing */
    db = open_ok(good, 0);
    assert_int_equal(xap_termfreq(db, "nosuchterm", 10), 0);
    q_reset();
    h = NULL;
    assert_int_equal(xap_search(db, T("u00007"), 0, 10, -1, &h, &err), HSOK_OK);
    assert_null(err);
    assert_int_equal(h->n, 1);
    xap_hits_free(h);
    close_ok(db);
}

/* A reader overtaken by a writer keeps working (the wrapper reopens on
 * DatabaseModifiedError and retries). */
static void test_reader_overtaken(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "overtaken");
    char *err = NULL;
    enum { NDOC = 2000 };
    static char data[600];
    /* tables deep enough that the reader must read blocks the writer later reuses */
    xap_db_t *w = open_ok(path, 1);
    memset(data, 'o', sizeof data - 1);
    for (int i = 0; i < NDOC; i++) {
        char text[64];
        snprintf(text, sizeof text, "common u%d", i);
        add_doc(w, text, NULL, data);
    }
    assert_int_equal(xap_commit(w, &err), HSOK_OK);
    xap_db_t *r = open_ok(path, 0);
    assert_int_equal(xap_doccount(r), NDOC);
    /* several revisions that rewrite everything */
    memset(data, 'n', sizeof data - 1);
    for (int rev = 0; rev < 3; rev++) {
        assert_int_equal(xap_delete_term(w, "common", 6, &err), HSOK_OK);
        for (int i = 0; i < NDOC; i++) {
            char text[64];
            snprintf(text, sizeof text, "common u%d", i);
            add_doc(w, text, NULL, data);
        }
        assert_int_equal(xap_commit(w, &err), HSOK_OK);
    }
    q_reset();
    xap_hits_t *h = NULL;
    hsok_status_t st = xap_search(r, T("common"), 0, NDOC, -1, &h, &err);
    if (st != HSOK_OK)
        fail_msg("search on an overtaken reader: %d %s", st, err ? err : "");
    assert_null(err);
    assert_int_equal(h->n, NDOC);
    /* one consistent revision (with Xapian 1.4 the reader is overtaken and the wrapper
     * reopens it, so this is the new one) */
    for (size_t i = 0; i < h->n; i++)
        assert_string_equal(h->hits[i].data, h->hits[0].data);
    xap_hits_free(h);
    assert_int_equal(xap_doccount(r), NDOC);
    close_ok(r);
    close_ok(w);
}

/* A reader whose term list is overtaken by a writer half-way through xap_terms: each term
 * reaches the callback at most once, in order (or the call fails); never twice. */
typedef struct overtake {
    xap_db_t *w;
    size_t n, at;
    char last[32];
    int dup;
} overtake_t;

static int overtake_term(void *ctx, const char *term, size_t len, unsigned freq)
{
    overtake_t *o = ctx;
    (void)freq;
    char t[32];
    assert_true(len < sizeof t);
    memcpy(t, term, len);
    t[len] = '\0';
    if (o->n && strcmp(o->last, t) >= 0)
        o->dup = 1;
    snprintf(o->last, sizeof o->last, "%s", t);
    if (++o->n == o->at) {
        /* rewrite everything, twice, so the reader's blocks are reused */
        char *err = NULL;
        for (int rev = 0; rev < 3; rev++) {
            assert_int_equal(xap_delete_term(o->w, "common", 6, &err), HSOK_OK);
            for (int i = 0; i < 2000; i++) {
                char text[64];
                snprintf(text, sizeof text, "common u%05d v%d", i, rev);
                add_doc(o->w, text, NULL, "x");
            }
            assert_int_equal(xap_commit(o->w, &err), HSOK_OK);
        }
    }
    return 0;
}

static void test_terms_overtaken(void **state)
{
    (void)state;
    char path[400];
    tpath(path, sizeof path, "terms-overtaken");
    char *err = NULL;
    xap_db_t *w = open_ok(path, 1);
    for (int i = 0; i < 2000; i++) {
        char text[64];
        snprintf(text, sizeof text, "common u%05d", i);
        add_doc(w, text, NULL, "x");
    }
    assert_int_equal(xap_commit(w, &err), HSOK_OK);
    xap_db_t *r = open_ok(path, 0);
    overtake_t o;
    memset(&o, 0, sizeof o);
    o.w = w;
    o.at = 100;
    hsok_status_t st = xap_terms(r, "u", 1, overtake_term, &o, &err);
    if (st == HSOK_OK) {
        assert_null(err);
        if (o.dup)
            fail_msg("xap_terms handed out terms twice (%zu calls for 2000 terms)", o.n);
        assert_int_equal(o.n, 2000);
    } else {
        assert_int_equal(st, HSOK_ERR_DB);
        check_msg(&err, path);
    }
    close_ok(r);
    close_ok(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_creates),
        cmocka_unit_test(test_commit_visibility),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_data_by_term),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_search_boolean_ops),
        cmocka_unit_test(test_search_phrase_near),
        cmocka_unit_test(test_search_filter_scale),
        cmocka_unit_test(test_search_wildcard),
        cmocka_unit_test(test_sort_and_paging),
        cmocka_unit_test(test_query_describe),
        cmocka_unit_test(test_delete_term),
        cmocka_unit_test(test_spelling),
        cmocka_unit_test(test_spelling_sync),
        cmocka_unit_test(test_transactions),
        cmocka_unit_test(test_error_missing),
        cmocka_unit_test(test_error_locked),
        cmocka_unit_test(test_error_corrupt),
        cmocka_unit_test(test_error_lost_table),
        cmocka_unit_test(test_error_misuse),
        cmocka_unit_test(test_open_refuses_stubs),
        cmocka_unit_test(test_open_refuses_non_directories),
        cmocka_unit_test(test_open_user_folder),
        cmocka_unit_test(test_open_read_only),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_check_beside_writer),
        cmocka_unit_test(test_count_error_reported),
        cmocka_unit_test(test_check_sweeps_leftovers),
        cmocka_unit_test(test_collapse_counts),
        cmocka_unit_test(test_collapse_own_equals_xapian),
        cmocka_unit_test(test_compact),
        cmocka_unit_test(test_reader_overtaken),
        cmocka_unit_test(test_terms_overtaken),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
