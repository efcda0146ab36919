/* test_themes.c — the codebook format, tagging, the shipped codebook on the seeds, re-tagging,
 * the theme matrix, selection and stances. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsok/db.h"
#include "hsok/query.h"
#include "hsok/text.h"
#include "hsok/themes.h"

static char tmpdir[256];
static char dbpath[300];
static char themesdir[512];
static char seeds[512];

static int setup_all(void **state)
{
    (void)state;
    const char *root = getenv("HSOK_SOURCE_ROOT");
    if (!root)
        root = ".";
    snprintf(themesdir, sizeof themesdir, "%s/themes", root);
    snprintf(seeds, sizeof seeds, "%s/seeds", root);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hsok-test-themes-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/db", tmpdir);
    /* index the seeds with the shipped codebook */
    hsok_codebook_t *cb = NULL;
    char *err = NULL;
    if (hsok_codebook_load_dir(themesdir, &cb, &err) != HSOK_OK) {
        fprintf(stderr, "codebook: %s\n", err);
        return -1;
    }
    hsok_db_t *db = NULL;
    if (hsok_db_open(dbpath, HSOK_DB_WRITE, &db, &err) != HSOK_OK)
        return -1;
    const char *files[] = { "000_a029a37dc8fc4944.txt", "004_6450df641f7c9d61.txt" };
    hsok_index_opts_t o = { .codebook = cb };
    for (int i = 0; i < 2; i++) {
        char p[700];
        snprintf(p, sizeof p, "%s/%s", seeds, files[i]);
        hsok_index_result_t res;
        if (hsok_db_index_file(db, p, &o, &res, &err) != HSOK_OK) {
            fprintf(stderr, "index: %s\n", err);
            return -1;
        }
    }
    hsok_codebook_free(cb);
    return hsok_db_close(db, &err) == HSOK_OK ? 0 : -1;
}

static int teardown_all(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- the file format ---- */

static hsok_status_t parse(const char *text, char **err)
{
    hsok_codebook_t *cb = NULL;
    assert_int_equal(hsok_codebook_new(&cb, NULL), HSOK_OK);
    hsok_status_t st = hsok_codebook_add(cb, "t.theme", text, strlen(text), err);
    if (st == HSOK_OK)
        st = hsok_codebook_check(cb, err);
    hsok_codebook_free(cb);
    return st;
}

static void expect_error(const char *text, const char *needle)
{
    char *err = NULL;
    hsok_status_t st = parse(text, &err);
    if (st != HSOK_ERR_PARSE)
        fail_msg("accepted: %s", text);
    assert_non_null(err);
    if (!strstr(err, needle))
        fail_msg("message '%s' lacks '%s'", err, needle);
    assert_non_null(strstr(err, "t.theme"));
    assert_null(strchr(err, '\n'));
    free(err);
}

static void test_format_errors(void **state)
{
    (void)state;
    char *err = NULL;
    assert_int_equal(parse("id: a\nlabel: A\nterms:\n  2 ord\n", &err), HSOK_OK);
    /* errors name the file and the line */
    expect_error("id: a\nlabel: A\nfoo: bar\nterms:\n ord\n", "line 3");
    expect_error("id: a\nlabel: A\nterms:\n  2 ord\n  x\"bad\n", "line 5");
    expect_error("id: a\nlabel: A\nterms:\n  \"unbalanced\n", "line 4");
    expect_error("id: a\nlabel: A\nterms:\n  0 ord\n", "line 4");
    expect_error("id: a\nlabel: A\nterms:\n  -1 ord\n", "line 4");
    expect_error("id: a\nlabel: A\nterms:\n  og\n", "stopword");
    expect_error("id: A B\nlabel: A\nterms:\n ord\n", "line 1");
    expect_error("id: a\nid: b\nlabel: A\nterms:\n ord\n", "line 2");
    expect_error("label: A\nterms:\n ord\n", "id");
    expect_error("id: a\nterms:\n ord\n", "label");
    expect_error("id: a\nlabel: A\n", "terms");
    expect_error("id: a\nlabel: A\nthreshold: x\nterms:\n ord\n", "line 3");
    expect_error("id: a\nlabel: A\nparent: b\nterms:\n ord\n", "parent");
    expect_error("id: a\nlabel: A\nterms:\n ord\nlabel: B\n", "line 5");
    expect_error("id: a\nlabel: A\nterms:\n  to ord*\n", "prefix");
}

/* Weights and thresholds are plain decimal numbers: what strtod would also read as a number
 * (hex, exponents, inf, nan, signs) is an error naming the file and line, not a weight of
 * 16, 1000 or infinity. */
static void test_plain_numbers(void **state)
{
    (void)state;
    static const char *const bad[] = { "0x10", "inf", "nan", "INF", "infinity", "1e3", "1E1",
                                       "+2", "-1", "0x1p3", "2,5" };
    char text[200];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(text, sizeof text, "id: a\nlabel: A\nterms:\n  %s  ord\n", bad[i]);
        expect_error(text, "line 4");
        snprintf(text, sizeof text, "id: a\nlabel: A\nthreshold: %s\nterms:\n  ord\n", bad[i]);
        expect_error(text, "line 3");
    }
    /* the message says what a weight must be */
    expect_error("id: a\nlabel: A\nterms:\n  0x10 ord\n", "weight '0x10' is not a plain decimal");
    /* out of range */
    expect_error("id: a\nlabel: A\nterms:\n  101 ord\n", "line 4");
    expect_error("id: a\nlabel: A\nthreshold: 1001\nterms:\n  ord\n", "line 3");
    expect_error("id: a\nlabel: A\nthreshold: 0\nterms:\n  ord\n", "line 3");

    static const struct { const char *s; int ok; double v; } nums[] = {
        { "2", 1, 2 }, { "2.5", 1, 2.5 }, { ".5", 1, 0.5 }, { "3.", 1, 3 }, { "007", 1, 7 },
        { "0.1", 1, 0.1 }, { "123456789012345", 1, 123456789012345.0 },
        { "1234567890123456", 0, 0 }, { "", 0, 0 }, { ".", 0, 0 }, { "1..2", 0, 0 },
        { "1.2.3", 0, 0 }, { " 2", 0, 0 }, { "2 ", 0, 0 }, { "-2", 0, 0 }, { "+2", 0, 0 },
        { "0x10", 0, 0 }, { "1e3", 0, 0 }, { "inf", 0, 0 }, { "nan", 0, 0 }, { "2,5", 0, 0 },
    };
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
        double v = -1;
        int r = hsok_parse_decimal(nums[i].s, strlen(nums[i].s), &v);
        if ((r == 0) != nums[i].ok)
            fail_msg("'%s': %s", nums[i].s, r == 0 ? "accepted" : "refused");
        if (nums[i].ok)
            assert_true(v == nums[i].v); /* exact: the same double as the literal */
    }
    /* plain numbers are weights and thresholds as before */
    char *err = NULL;
    assert_int_equal(parse("id: a\nlabel: A\nthreshold: 2.5\nterms:\n  .5 ord\n  3. helse\n",
                           &err),
                     HSOK_OK);
}

static void test_load_dir_errors(void **state)
{
    (void)state;
    char dir[400];
    snprintf(dir, sizeof dir, "%s/cb", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    hsok_codebook_t *cb = NULL;
    char *err = NULL;
    assert_int_equal(hsok_codebook_load_dir(dir, &cb, &err), HSOK_ERR_EMPTY);
    free(err);
    err = NULL;
    char p[500];
    snprintf(p, sizeof p, "%s/a.theme", dir);
    FILE *f = fopen(p, "w");
    fputs("id: a\nlabel: A\nparent: b\nterms:\n  ord\n", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/b.theme", dir);
    f = fopen(p, "w");
    fputs("id: b\nlabel: B\nparent: a\nterms:\n  ord\n", f);
    fclose(f);
    assert_int_equal(hsok_codebook_load_dir(dir, &cb, &err), HSOK_ERR_PARSE);
    assert_non_null(strstr(err, "cycle"));
    free(err);
    err = NULL;
    f = fopen(p, "w");
    fputs("id: a\nlabel: B\nterms:\n  ord\n", f);
    fclose(f);
    assert_int_equal(hsok_codebook_load_dir(dir, &cb, &err), HSOK_ERR_PARSE);
    assert_non_null(strstr(err, "twice"));
    free(err);
    err = NULL;
    assert_int_equal(hsok_codebook_load_dir("/nonexistent/hsok", &cb, &err),
                     HSOK_ERR_NOT_FOUND);
    free(err);
}

/* ---- tagging ---- */

static hsok_codebook_t *small_codebook(void)
{
    hsok_codebook_t *cb = NULL;
    assert_int_equal(hsok_codebook_new(&cb, NULL), HSOK_OK);
    const char *a = "id: sikkerhet\nlabel: Sikkerhet\nparent: digital\nterms:\n"
                    "  2 informasjonssikkerhet\n  1 sikkerhet\n  2 \"digital sikkerhet\"\n"
                    "exclude:\n  forsikring\n";
    const char *b = "id: digital\nlabel: Digitalisering\nterms:\n  2 digitalisering\n"
                    "  2 digital*\n";
    char *err = NULL;
    assert_int_equal(hsok_codebook_add(cb, "a", a, strlen(a), &err), HSOK_OK);
    assert_int_equal(hsok_codebook_add(cb, "b", b, strlen(b), &err), HSOK_OK);
    assert_int_equal(hsok_codebook_check(cb, &err), HSOK_OK);
    return cb;
}

static const hsok_tag_t *find_tag(const hsok_tagging_t *tg, const char *id)
{
    for (size_t i = 0; i < hsok_tagging_count(tg); i++)
        if (!strcmp(hsok_tagging_get(tg, i)->theme, id))
            return hsok_tagging_get(tg, i);
    return NULL;
}

static int has_evidence(const hsok_tag_t *t, const char *w)
{
    for (size_t i = 0; t && i < t->nevidence; i++)
        if (!strcmp(t->evidence[i], w))
            return 1;
    return 0;
}

static void test_tagging_rules(void **state)
{
    (void)state;
    hsok_codebook_t *cb = small_codebook();
    hsok_analyzer_t *an = NULL;
    assert_int_equal(hsok_analyzer_new(&an, NULL), HSOK_OK);
    hsok_tagging_t *tg = NULL;

    /* inflected form counts; evidence is the form as written; the parent is implied */
    const char *t1 = "Informasjonssikkerheten må styrkes.";
    assert_int_equal(hsok_tag_text(cb, an, t1, strlen(t1), &tg, NULL), HSOK_OK);
    const hsok_tag_t *s = find_tag(tg, "sikkerhet");
    assert_non_null(s);
    assert_true(s->score >= 2.0);
    assert_true(has_evidence(s, "Informasjonssikkerheten"));
    assert_non_null(find_tag(tg, "digital"));
    hsok_tagging_free(tg);

    /* below the threshold: one weak term once */
    const char *t2 = "Sikkerhet er viktig.";
    assert_int_equal(hsok_tag_text(cb, an, t2, strlen(t2), &tg, NULL), HSOK_OK);
    assert_null(find_tag(tg, "sikkerhet"));
    hsok_tagging_free(tg);
    /* repeated, it adds up (1 + 0.5 per repeat) */
    const char *t3 = "Sikkerhet, sikkerheten og sikkerhet igjen.";
    assert_int_equal(hsok_tag_text(cb, an, t3, strlen(t3), &tg, NULL), HSOK_OK);
    s = find_tag(tg, "sikkerhet");
    assert_non_null(s);
    assert_true(s->score >= 2.0 - 1e-9);
    hsok_tagging_free(tg);

    /* a phrase matches words in order, not apart */
    const char *t4 = "Digital sikkerhet er et ansvar.";
    assert_int_equal(hsok_tag_text(cb, an, t4, strlen(t4), &tg, NULL), HSOK_OK);
    assert_true(has_evidence(find_tag(tg, "sikkerhet"), "Digital sikkerhet"));
    hsok_tagging_free(tg);
    const char *t5 = "Sikkerhet er digital.";
    assert_int_equal(hsok_tag_text(cb, an, t5, strlen(t5), &tg, NULL), HSOK_OK);
    assert_false(has_evidence(find_tag(tg, "sikkerhet"), "Sikkerhet er digital"));
    hsok_tagging_free(tg);

    /* prefix terms */
    const char *t6 = "Digitale løsninger og digitalt utenforskap.";
    assert_int_equal(hsok_tag_text(cb, an, t6, strlen(t6), &tg, NULL), HSOK_OK);
    const hsok_tag_t *d = find_tag(tg, "digital");
    assert_non_null(d);
    assert_true(has_evidence(d, "Digitale") && has_evidence(d, "digitalt"));
    hsok_tagging_free(tg);

    /* an exclusion vetoes */
    const char *t7 = "Informasjonssikkerhet og forsikring av bygg.";
    assert_int_equal(hsok_tag_text(cb, an, t7, strlen(t7), &tg, NULL), HSOK_OK);
    assert_null(find_tag(tg, "sikkerhet"));
    hsok_tagging_free(tg);

    /* the threshold is tunable */
    hsok_codebook_set_threshold(cb, 0.5);
    assert_int_equal(hsok_tag_text(cb, an, t2, strlen(t2), &tg, NULL), HSOK_OK);
    assert_non_null(find_tag(tg, "sikkerhet"));
    hsok_tagging_free(tg);

    hsok_analyzer_free(an);
    hsok_codebook_free(cb);
}

/* A codebook for the heading and name rules: one strong phrase, one prefix, one weak word. */
static hsok_codebook_t *inclusion_codebook(void)
{
    hsok_codebook_t *cb = NULL;
    assert_int_equal(hsok_codebook_new(&cb, NULL), HSOK_OK);
    const char *files[] = {
        "id: inkludering\nlabel: Digital inkludering\nterms:\n  3 \"digitalt utenforskap\"\n"
        "  1 bredbånd\n",
        "id: beredskap\nlabel: Beredskap\nterms:\n  3 beredskap*\n  3 sivilforsvaret\n",
        "id: vern\nlabel: Personvern\nterms:\n  3 personvern\n",
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(hsok_codebook_add(cb, "t", files[i], strlen(files[i]), NULL), HSOK_OK);
    assert_int_equal(hsok_codebook_check(cb, NULL), HSOK_OK);
    return cb;
}

/* Tag text under section; the tag of theme copied to *out (score, and whether evidence ev is
 * there) when given. Returns whether theme was tagged. */
static int tagged(const hsok_codebook_t *cb, hsok_analyzer_t *an, const char *text,
                  const char *section, const char *theme, const char *ev, double *score)
{
    hsok_tagging_t *tg = NULL;
    assert_int_equal(hsok_tag_passage(cb, an, text, strlen(text), section, &tg, NULL), HSOK_OK);
    const hsok_tag_t *t = find_tag(tg, theme);
    int on = t != NULL && (!ev || has_evidence(t, ev));
    if (t && score)
        *score = t->score;
    hsok_tagging_free(tg);
    return on;
}

static void test_heading_evidence(void **state)
{
    (void)state;
    hsok_codebook_t *cb = inclusion_codebook();
    hsok_analyzer_t *an = NULL;
    assert_int_equal(hsok_analyzer_new(&an, NULL), HSOK_OK);
    const char *text = "Mange eldre klarer ikke å bruke tjenestene uten hjelp.";
    double score = 0;

    /* the text alone carries no term */
    assert_false(tagged(cb, an, text, "", "inkludering", NULL, NULL));
    assert_false(tagged(cb, an, text, NULL, "inkludering", NULL, NULL));
    /* under "4 Digitalt utenforskap" it does, and the evidence says it is the heading */
    const char *sec = "Innspill › 4 Digitalt utenforskap";
    assert_true(tagged(cb, an, text, sec, "inkludering", "heading: Digitalt utenforskap",
                       &score));
    /* … at 0.7 of the term's weight (3 x 0.7): a heading says less than the passage's words */
    assert_true(score > 2.1 - 1e-9 && score < 2.1 + 1e-9);
    assert_false(tagged(cb, an, text, sec, "inkludering", "Digitalt utenforskap", NULL));

    /* a heading above the passage's own counts at half: 3 x 0.5 is below the threshold */
    const char *outer = "4 Digitalt utenforskap › 4.1 Eldre";
    assert_false(tagged(cb, an, text, outer, "inkludering", NULL, NULL));
    /* … and adds to the passage's own words (1 + 1.5) */
    const char *text2 = "Mange har ikke bredbånd.";
    assert_true(tagged(cb, an, text2, outer, "inkludering", "bredbånd", &score));
    assert_true(score > 2.4 && score < 2.6);
    assert_true(tagged(cb, an, text2, outer, "inkludering", "heading: Digitalt utenforskap",
                       NULL));
    /* hsok_tag_text is the same without a section */
    hsok_tagging_t *tg = NULL;
    assert_int_equal(hsok_tag_text(cb, an, text2, strlen(text2), &tg, NULL), HSOK_OK);
    assert_null(find_tag(tg, "inkludering"));
    hsok_tagging_free(tg);

    /* a "heading" longer than 200 bytes is a paragraph, not read */
    char longsec[400];
    snprintf(longsec, sizeof longsec, "Digitalt utenforskap %0*d", 220, 0);
    assert_false(tagged(cb, an, text, longsec, "inkludering", NULL, NULL));
    /* the consultation form's own headings say what was asked, not what the answer is about */
    const char *form[] = { "2) Har dere innspill om digitalt utenforskap?",
                           "Mål 2: Mindre digitalt utenforskap", "Spørsmål 4 Digitalt utenforskap" };
    for (size_t i = 0; i < 3; i++)
        assert_false(tagged(cb, an, text, form[i], "inkludering", NULL, NULL));

    hsok_analyzer_free(an);
    hsok_codebook_free(cb);
}

/* A toy splitter: "kjerneforskriften" is kjerne + forskriften (the head), "forskriftendring"
 * forskrift (a modifier) + endring. */
static size_t toy_split(void *ctx, const char *word, size_t len, size_t starts[], size_t ends[],
                        size_t max)
{
    (void)ctx;
    static const char *const heads[] = { "forskriften", "endring", NULL };
    for (size_t k = 0; heads[k] && max >= 2; k++) {
        size_t hl = strlen(heads[k]);
        if (len > hl + 2 && !memcmp(word + len - hl, heads[k], hl)) {
            starts[0] = 0;
            ends[0] = len - hl;
            starts[1] = len - hl;
            ends[1] = len;
            return 2;
        }
    }
    return 0;
}

static void test_compound_head(void **state)
{
    (void)state;
    hsok_codebook_t *cb = NULL;
    assert_int_equal(hsok_codebook_new(&cb, NULL), HSOK_OK);
    const char *f = "id: regler\nlabel: Regelverk\nterms:\n  2 forskrift\n";
    assert_int_equal(hsok_codebook_add(cb, "t", f, strlen(f), NULL), HSOK_OK);
    hsok_analyzer_t *an = NULL;
    assert_int_equal(hsok_analyzer_new(&an, NULL), HSOK_OK);
    hsok_analyzer_set_splitter(an, toy_split, NULL);
    double score = 0;
    /* the head names what the compound is: a kjerneforskrift is a forskrift, at full weight */
    assert_true(tagged(cb, an, "Kjerneforskriften må endres.", NULL, "regler",
                       "Kjerneforskriften", &score));
    assert_true(score > 1.99 && score < 2.01);
    /* a modifier only at 0.7 of it: a forskriftendring is an endring */
    assert_false(tagged(cb, an, "Forskriftendringen må komme.", NULL, "regler", NULL, NULL));
    hsok_analyzer_free(an);
    hsok_codebook_free(cb);
}

/* A codebook for the context rule: one strong word, one weak. */
static hsok_codebook_t *context_codebook(void)
{
    hsok_codebook_t *cb = NULL;
    assert_int_equal(hsok_codebook_new(&cb, NULL), HSOK_OK);
    const char *f = "id: vern\nlabel: Personvern\nterms:\n  3 personvern\n  2.5 taushetsplikt\n"
                    "  1 samtykke\n";
    assert_int_equal(hsok_codebook_add(cb, "t", f, strlen(f), NULL), HSOK_OK);
    assert_int_equal(hsok_codebook_check(cb, NULL), HSOK_OK);
    return cb;
}

/* Tag texts[0..n) as one response's passages in context; bit k of the result says whether
 * passage k got theme, and *ev (when given) which of them hold evidence word ev. */
static unsigned tag_run(const hsok_codebook_t *cb, hsok_analyzer_t *an, const char *const *texts,
                        size_t n, const char *theme, const char *ev, unsigned *with_ev)
{
    hsok_tagging_t *v[8] = { 0 };
    unsigned on = 0;
    if (with_ev)
        *with_ev = 0;
    for (size_t k = 0; k < n; k++)
        assert_int_equal(hsok_tag_passage(cb, an, texts[k], strlen(texts[k]), NULL, &v[k], NULL),
                         HSOK_OK);
    assert_int_equal(hsok_tagging_context(cb, v, n, NULL), HSOK_OK);
    for (size_t k = 0; k < n; k++) {
        const hsok_tag_t *t = find_tag(v[k], theme);
        on |= (unsigned)(t != NULL) << k;
        if (t && ev && with_ev && has_evidence(t, ev))
            *with_ev |= 1u << k;
        hsok_tagging_free(v[k]);
    }
    return on;
}

static void test_context(void **state)
{
    (void)state;
    hsok_codebook_t *cb = context_codebook();
    hsok_analyzer_t *an = NULL;
    assert_int_equal(hsok_analyzer_new(&an, NULL), HSOK_OK);
    const char *strong = "Personvern og taushetsplikt er det viktigste."; /* 5.5: sure */
    const char *middling = "Personvern er det viktigste.";  /* 3: tagged, not sure enough */
    const char *weak = "Samtykke må innhentes.";            /* 1: half the threshold */
    const char *none = "Vi har ingen flere merknader.";
    unsigned ev = 0;

    /* alone, the weak passage is not tagged */
    assert_int_equal(tag_run(cb, an, &weak, 1, "vern", NULL, NULL), 0);
    /* after a passage sure of the theme it is, with its own word and the context as
     * evidence; a passage without any of the theme's words is not */
    const char *r1[] = { strong, weak, none };
    assert_int_equal(tag_run(cb, an, r1, 3, "vern", "context: passage before", &ev), 0x3);
    assert_int_equal(ev, 0x2);
    tag_run(cb, an, r1, 3, "vern", "Samtykke", &ev);
    assert_int_equal(ev, 0x2);
    /* before it, too */
    const char *r2[] = { weak, strong };
    assert_int_equal(tag_run(cb, an, r2, 2, "vern", "context: passage after", &ev), 0x3);
    assert_int_equal(ev, 0x1);
    /* a context tag is not passed on: the third weak passage stays untagged */
    const char *r3[] = { strong, weak, weak };
    assert_int_equal(tag_run(cb, an, r3, 3, "vern", NULL, NULL), 0x3);
    /* a neighbour tagged below twice the threshold does not carry it (3 = 1.5 x), before
     * or after */
    const char *r4[] = { middling, weak };
    assert_int_equal(tag_run(cb, an, r4, 2, "vern", NULL, NULL), 0x1);
    const char *r4b[] = { weak, middling };
    assert_int_equal(tag_run(cb, an, r4b, 2, "vern", NULL, NULL), 0x2);
    /* nor one further away */
    const char *r5[] = { strong, none, weak };
    assert_int_equal(tag_run(cb, an, r5, 3, "vern", NULL, NULL), 0x1);

    hsok_analyzer_free(an);
    hsok_codebook_free(cb);
}

/* hsok_db_index_file and hsok_db_retag tag each response's passages in context. */
static void test_context_in_index(void **state)
{
    (void)state;
    char dir[400], file[460], db2[460];
    snprintf(dir, sizeof dir, "%s/ctx", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(file, sizeof file, "%s/svar.txt", dir);
    snprintf(db2, sizeof db2, "%s/db", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("Vi mener at personvern og taushetsplikt er de viktigste hensynene i hele denne "
          "saken, og at de må vektlegges.\n\nSamtykke fra den enkelte må alltid innhentes før noe som helst skjer "
          "videre.\n\nVi har ellers ingen flere merknader til forslaget som er sendt ut.\n", f);
    fclose(f);
    hsok_codebook_t *cb = context_codebook();
    hsok_db_t *db = NULL;
    assert_int_equal(hsok_db_open(db2, HSOK_DB_WRITE, &db, NULL), HSOK_OK);
    hsok_index_opts_t o = { .codebook = cb };
    hsok_index_result_t res;
    assert_int_equal(hsok_db_index_file(db, file, &o, &res, NULL), HSOK_OK);
    assert_int_equal(res.passages, 3);
    for (int round = 0; round < 2; round++) {
        if (round == 1) { /* the same after a retag */
            size_t n = 0;
            assert_int_equal(hsok_db_retag(db, cb, &n, NULL), HSOK_OK);
            assert_int_equal(n, 3);
        }
        hsok_results_t *r = NULL;
        hsok_search_opts_t so = { 0 };
        assert_int_equal(hsok_search(db, "tema:vern", &so, &r, NULL), HSOK_OK);
        assert_int_equal(hsok_results_count(r), 2);
        hsok_results_free(r);
        assert_int_equal(hsok_search(db, "samtykke tema:vern", &so, &r, NULL), HSOK_OK);
        assert_int_equal(hsok_results_count(r), 1);
        hsok_results_free(r);
    }
    assert_int_equal(hsok_db_close(db, NULL), HSOK_OK);
    hsok_codebook_free(cb);
}

static void test_names_are_no_evidence(void **state)
{
    (void)state;
    hsok_codebook_t *cb = inclusion_codebook();
    hsok_analyzer_t *an = NULL;
    assert_int_equal(hsok_analyzer_new(&an, NULL), HSOK_OK);

    /* an organisation's name is not its theme; the same word that is not a name is */
    assert_false(tagged(cb, an, "Høringen er sendt fra Justis- og beredskapsdepartementet.", "",
                        "beredskap", NULL, NULL));
    assert_true(tagged(cb, an, "Kommunens beredskapsplan må øves.", "", "beredskap",
                       "beredskapsplan", NULL));

    /* a sentence that only refers to the hearing: bokmål, nynorsk, a title, a report */
    const char *refs[] = { "Vi viser til høringsnotatet om personvern i skolen.",
                           "Me syner til høyringa om personvern.",
                           "Høring – forslag til lov om personvern",
                           "Vi har gitt høringssvar til forslaget om personvern.",
                           /* what the hearing is about; the letter that sent it */
                           "Høringen gjelder forslag til endringer i reglene om personvern.",
                           "Høyringa gjeld personvern i barnehagen.",
                           "Vi viser til brev fra departementet om personvern i skolen.",
                           "Me syner til brevet frå departementet om personvern.",
                           /* a web page's label of the hearing, with or without ø; the hearing
                            * sent out; "høring av", "høringssvar på" (what it is about) */
                           "Til høringen: Høring – personvern i skolen",
                           "Til horingen: Høring - ny forskrift om personvern",
                           "Forslaget om personvern er sendt ut på høring.",
                           "Forslaget om personvern ble sendt på høring i mai.",
                           "Rapporten om personvern vart lagd ut på høyring i november.",
                           "Kommunestyret har behandlet høring av forslag om personvern.",
                           "Vårt høringssvar på forslaget om personvern i skolen",
                           /* the proposal or one's own input named in a short sentence that
                            * refers to it: sent over, received, thanked for */
                           "Det vises til oversendt forslag til forskrift om personvern datert 3.11.2017.",
                           "Vi har mottatt forslaget om personvern til uttalelse.",
                           "Vi takker for muligheten til å gi innspill til utkastet om personvern.",
                           /* the respondent describing itself */
                           "NEM er en av tre fagkomiteer for personvern i forskningen.",
                           "Foreningen består av fem utvalg for personvern og IKT.",
                           "Advokatforeningens høringsarbeid er organisert i 27 lovutvalg for personvern.",
                           "Forbundet representerer 20 000 medlemmer som arbeider med personvern." };
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++)
        assert_false(tagged(cb, an, refs[i], "", "vern", NULL, NULL));
    /* … a sentence that says something about it still counts, and a letter is only the
     * hearing's when the sentence refers to it */
    assert_true(tagged(cb, an, "Forslaget gjelder personvern for alle elever, og det er bra.", "",
                       "vern", NULL, NULL));
    assert_true(tagged(cb, an, "Mange får brev om personvern de ikke forstår.", "", "vern", NULL,
                       NULL));
    /* … but the next sentence, which says something, counts */
    assert_true(tagged(cb, an, "Vi viser til høringen. Vi mener personvern for elevene må styrkes.",
                       "", "vern", NULL, NULL));
    /* a sentence about the hearing's content that says something is not a reference */
    assert_true(tagged(cb, an,
                       "Høringsnotatet svekker personvern for elevene, og det kan vi ikke støtte.",
                       "", "vern", NULL, NULL));
    /* credits and proposal titles name, they do not say */
    assert_false(tagged(cb, an, "Høringssvaret er utarbeidet av lovutvalget for personvern.", "",
                        "vern", NULL, NULL));
    assert_false(tagged(cb, an, "Skrive av utvalet for personvern", "", "vern", NULL, NULL));
    assert_false(tagged(cb, an, "Forslag til forskrift om personvern i skolen", "", "vern", NULL,
                        NULL));
    assert_false(tagged(cb, an, "NOU 2022: 11 Ditt personvern", "", "vern", NULL, NULL));
    /* … an abbreviation's full stop does not make a title a sentence, as text or heading */
    assert_false(tagged(cb, an, "Forslag til endring i lov om personvern m.v", "", "vern", NULL,
                        NULL));
    assert_false(tagged(cb, an, "Vi støtter forslaget.", "Forslag til endringer i personvern m.m",
                        "vern", NULL, NULL));
    assert_false(tagged(cb, an, "Forslag til endring i lov om personvern m.v.", "", "vern", NULL,
                        NULL));
    /* … but a full stop after a plain word ends a sentence, trailing space or not */
    assert_true(tagged(cb, an, "Forslag til lov om personvern. ", "", "vern", NULL, NULL));
    /* … a proposal that is a sentence is not a title */
    assert_true(tagged(cb, an, "Forslag til endringer svekker personvern. Det må rettes.", "",
                       "vern", NULL, NULL));
    /* a heading that is the hearing's title is no evidence either */
    assert_false(tagged(cb, an, "Vi støtter forslaget.", "Høring – personvern i skolen", "vern",
                        NULL, NULL));

    /* … but a demand that it be sent out, a hearing of a child, the other bodies consulted, a
     * compound of "høring" and a quoted sentence say something */
    const char *says[] = { "Personvernet må utredes før forslaget sendes på høring.",
                           "Høringen av barn i barnevernet må ivareta personvernet.",
                           "Mange høringsinstanser på helsefeltet mener personvernet svekkes.",
                           "Høringsnotatet på side 12 drøfter ikke personvernet godt nok.",
                           "Vi sender en rapport om personvern, som vi la fram på høringsmøtet.",
                           "Departementet skriver: «Høringsinstansene har ikke vært opptatt av "
                           "personvern». Det er feil.",
                           "Til høringen: Vi mener personvernet må styrkes.",
                           "Forslag til ny § 4 svekker personvernet, jf. pkt. 2",
                           /* "viser til at", a second clause, changes thanked for */
                           "Vi viser til at personvern for elevene svekkes i forslaget.",
                           "Vi takker for muligheten til å gi innspill, og vil peke på at "
                           "personvernet svekkes.",
                           "Vi takker for endringene som styrker personvernet.",
                           /* a sentence about something else that opens with a capital, a
                            * question, a body that is not the respondent's description */
                           "Hvorvidt er forskriftene i tråd med personvernet?",
                           "Kommunen er en viktig aktør for personvern i skolen.",
                           "Det er et råd for personvern vi savner.",
                           "Datatilsynet er positiv til at personvernet styrkes." };
    for (size_t i = 0; i < sizeof says / sizeof *says; i++)
        assert_true(tagged(cb, an, says[i], "", "vern", NULL, NULL));
    /* … and a complaint about the deadline says something */
    assert_true(tagged(cb, an, "Høringsfristen på tre uker er for kort til å vurdere personvern.",
                       "", "vern", NULL, NULL));
    /* a quoted title names the hearing; a quoted word that is not a title still counts */
    assert_false(tagged(cb, an, "Departementet la fram «Forslag til lov om personvern i skolen» i mai.",
                        "", "vern", NULL, NULL));
    assert_false(tagged(cb, an, "KS slutter seg til «Høyringsnotat – personvern i skulen».", "",
                        "vern", NULL, NULL));
    assert_false(tagged(cb, an, "Vi har lest \"Høring om personvern i skolen\" med interesse.", "",
                        "vern", NULL, NULL));
    assert_true(tagged(cb, an, "Vi mener «personvern» må veie tyngst for elevene.", "", "vern",
                       "personvern", NULL));
    /* … and a quote that is never closed (on its line) marks nothing */
    assert_true(tagged(cb, an, "Vi sier «Forslag til personvern\nPersonvern må veie tyngst.", "",
                       "vern", NULL, NULL));
    assert_false(tagged(cb, an, "Vi sier «Forslag til personvern» og «Forslag til", "", "vern",
                        NULL, NULL));
    /* the words of a web address are no evidence; the text around it is */
    assert_false(tagged(cb, an, "Se https://www.regjeringen.no/no/dokumenter/personvern-i-skolen/id1/",
                        "", "vern", NULL, NULL));
    assert_false(tagged(cb, an, "Les mer på www.personvern.no/skolen (lenke).", "", "vern", NULL,
                        NULL));
    assert_true(tagged(cb, an,
                       "Personvern for elevene må styrkes, se https://example.no/rapport.pdf", "",
                       "vern", "Personvern", NULL));

    hsok_analyzer_free(an);
    hsok_codebook_free(cb);
}

/* With a lemmatizer (as at index time), a term also matches the words whose bokmål concept or
 * lemma it is: nynorsk "tryggleik" for "sikkerhet", which Snowball stems apart. */
static void test_lemma_matching(void **state)
{
    (void)state;
    char table[] = "/tmp/hsok-test-nbnn-XXXXXX";
    int fd = mkstemp(table);
    assert_true(fd >= 0);
    const char *rows = "# test table\ntryggleik\tsikkerhet\n";
    assert_int_equal(write(fd, rows, strlen(rows)), (ssize_t)strlen(rows));
    close(fd);
    const char *old = getenv("HSOK_VARIANTS");
    char *saved = old ? strdup(old) : NULL;
    setenv("HSOK_VARIANTS", table, 1);

    hsok_codebook_t *cb = NULL;
    assert_int_equal(hsok_codebook_new(&cb, NULL), HSOK_OK);
    const char *a = "id: kit\nlabel: KIT\nterms:\n  2 sikkerhet\n";
    assert_int_equal(hsok_codebook_add(cb, "a", a, strlen(a), NULL), HSOK_OK);
    assert_int_equal(hsok_codebook_check(cb, NULL), HSOK_OK);
    hsok_analyzer_t *an = NULL;
    assert_int_equal(hsok_analyzer_new(&an, NULL), HSOK_OK);
    const char *text = "Tryggleik for pasientane er viktig.";

    /* Snowball alone: no match */
    assert_false(tagged(cb, an, text, "", "kit", NULL, NULL));
    struct hsok_lemmatizer *lm = NULL;
    assert_int_equal(hsok_lemmatizer_open(&lm, NULL), HSOK_OK);
    assert_non_null(lm);
    hsok_analyzer_set_lemmatizer(an, lm);
    assert_true(tagged(cb, an, text, "", "kit", "Tryggleik", NULL));
    /* a word that is neither: still nothing */
    assert_false(tagged(cb, an, "Trygt og godt for pasientane.", "", "kit", NULL, NULL));

    hsok_analyzer_set_lemmatizer(an, NULL);
    hsok_lemmatizer_free(lm);
    hsok_analyzer_free(an);
    hsok_codebook_free(cb);
    unlink(table);
    if (saved) {
        setenv("HSOK_VARIANTS", saved, 1);
        free(saved);
    } else {
        unsetenv("HSOK_VARIANTS");
    }
}

/* ---- the shipped codebook on the seeds ---- */

static hsok_db_t *open_read(void)
{
    hsok_db_t *db = NULL;
    assert_int_equal(hsok_db_open(dbpath, HSOK_DB_READ, &db, NULL), HSOK_OK);
    return db;
}

/* the record of the seed passage containing s, with its themes */
static int tagged_with(hsok_records_t *recs, const char *s, const char *theme)
{
    for (size_t i = 0; i < hsok_records_count(recs); i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        if (!strstr(r->text, s))
            continue;
        for (size_t t = 0; t < r->nthemes; t++)
            if (!strcmp(r->themes[t], theme))
                return 1;
        return 0;
    }
    fail_msg("no passage contains '%s'", s);
    return 0;
}

static void test_shipped_codebook_on_seeds(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_select_t all = { NULL, NULL, 0, NULL, 0, 0, 0, NULL, 0, NULL, NULL, 0 };
    hsok_records_t *recs = NULL;
    assert_int_equal(hsok_db_select(db, &all, &recs, NULL), HSOK_OK);
    assert_int_equal(hsok_records_count(recs), 74);
    /* Drammen kommune's passage on KIT, and the footnote */
    assert_true(tagged_with(recs, "Positivt at personvern og informasjonssikkerhet nevnes",
                            "kit"));
    assert_true(tagged_with(recs, "KIT står for", "kit"));
    /* ... and it is about personvern too */
    assert_true(tagged_with(recs, "Positivt at personvern og informasjonssikkerhet nevnes",
                            "personvern"));
    /* Norsk helsenett on Helsenettet under Mål 4 */
    assert_true(tagged_with(recs, "I dag leverer vi Helsenettet", "samhandling"));
    /* Drammen kommune on digital kompetanse for helsepersonell */
    assert_true(tagged_with(recs, "Økt digital kompetanse hos helsepersonell",
                            "digital-kompetanse"));
    assert_true(tagged_with(recs, "Måleindikatorer for løpende kompetanseheving",
                            "digital-kompetanse"));
    /* and not everything is everything */
    assert_false(tagged_with(recs, "Det vedlagte høringsdokumentet oppsummerer fire tema som vi",
                             "kit"));
    /* evidence is stored with the tags */
    for (size_t i = 0; i < hsok_records_count(recs); i++) {
        const hsok_record_t *r = hsok_records_get(recs, i);
        assert_int_equal(r->nthemes, r->ntags);
        for (size_t t = 0; t < r->ntags; t++) {
            assert_string_equal(r->tags[t].theme, r->themes[t]);
            assert_true(r->tags[t].nevidence > 0);
            assert_true(r->tags[t].score > 0);
        }
    }
    hsok_records_free(recs);
    hsok_db_close(db, NULL);
}

static void test_matrix_select_stances(void **state)
{
    (void)state;
    hsok_db_t *db = open_read();
    hsok_theme_matrix_t *m = NULL;
    assert_int_equal(hsok_db_theme_matrix(db, NULL, &m, NULL), HSOK_OK);
    assert_int_equal(m->nrespondents, 3);
    assert_int_equal(m->passages, 74);
    assert_true(m->nthemes >= 4);
    size_t kit = m->nthemes;
    for (size_t t = 0; t < m->nthemes; t++)
        if (!strcmp(m->themes[t].id, "kit"))
            kit = t;
    assert_true(kit < m->nthemes);
    /* the column sums are the theme's passages; the row totals the respondent's passages */
    size_t sum = 0, rp = 0;
    for (size_t r = 0; r < m->nrespondents; r++) {
        sum += m->counts[r * m->nthemes + kit];
        rp += m->respondent_passages[r];
    }
    assert_int_equal(sum, m->theme_passages[kit]);
    assert_int_equal(rp, 74);
    assert_true(m->theme_respondents[kit] >= 2);

    /* select: the theme filter gives exactly that column */
    const char *th[] = { "kit" };
    hsok_select_t sel = { NULL, th, 1, NULL, 0, 1, 0, NULL, 0, NULL, NULL, 0 };
    hsok_records_t *recs = NULL;
    assert_int_equal(hsok_db_select(db, &sel, &recs, NULL), HSOK_OK);
    assert_int_equal(hsok_records_count(recs), m->theme_passages[kit]);
    /* ordered by respondent, then source, then ordinal */
    for (size_t i = 1; i < hsok_records_count(recs); i++) {
        const hsok_record_t *a = hsok_records_get(recs, i - 1), *b = hsok_records_get(recs, i);
        int c = strcmp(a->respondent, b->respondent);
        assert_true(c < 0 || (c == 0 && (strcmp(a->source, b->source) < 0 ||
                                         (!strcmp(a->source, b->source) &&
                                          a->ordinal < b->ordinal))));
    }
    hsok_records_free(recs);
    /* respondent filter and a query */
    const char *who[] = { "drammen" };
    hsok_select_t sel2 = { "personvern", NULL, 0, who, 1, 0, 0, NULL, 0, NULL, NULL, 0 };
    assert_int_equal(hsok_db_select(db, &sel2, &recs, NULL), HSOK_OK);
    assert_true(hsok_records_count(recs) >= 2);
    for (size_t i = 0; i < hsok_records_count(recs); i++)
        assert_string_equal(hsok_records_get(recs, i)->respondent, "Drammen kommune");
    hsok_records_free(recs);
    hsok_select_t bad = { "\"unbalanced", NULL, 0, NULL, 0, 0, 0, NULL, 0, NULL, NULL, 0 };
    char *err = NULL;
    assert_int_equal(hsok_db_select(db, &bad, &recs, &err), HSOK_ERR_QUERY);
    free(err);
    hsok_theme_matrix_free(m);

    /* stances: Spørsmål 1, Ja from Drammen kommune and Norsk helsenett */
    hsok_stances_t *s = NULL;
    assert_int_equal(hsok_db_stances(db, &s, NULL), HSOK_OK);
    assert_int_equal(hsok_stances_count(s), 2);
    for (size_t i = 0; i < 2; i++) {
        const hsok_db_stance_t *x = hsok_stances_get(s, i);
        assert_int_equal(x->question_no, 1);
        assert_string_equal(x->answer, "Ja");
        assert_string_equal(x->options, "Ja|Nei|Vet ikke");
        assert_true(x->line > 0);
    }
    assert_string_equal(hsok_stances_get(s, 0)->respondent, "Drammen kommune");
    assert_string_equal(hsok_stances_get(s, 1)->respondent, "Norsk helsenett");
    hsok_stances_free(s);
    hsok_db_close(db, NULL);
}

static void test_retag(void **state)
{
    (void)state;
    /* a codebook change: one new theme, re-tag without reading the sources */
    hsok_codebook_t *cb = NULL;
    assert_int_equal(hsok_codebook_new(&cb, NULL), HSOK_OK);
    const char *t = "id: beredskap-test\nlabel: Beredskap\nterms:\n  3 helseberedskap\n";
    assert_int_equal(hsok_codebook_add(cb, "x", t, strlen(t), NULL), HSOK_OK);
    hsok_db_t *db = NULL;
    assert_int_equal(hsok_db_open(dbpath, HSOK_DB_WRITE, &db, NULL), HSOK_OK);
    size_t n = 0;
    assert_int_equal(hsok_db_retag(db, cb, &n, NULL), HSOK_OK);
    assert_int_equal(n, 74);
    char *fp = NULL;
    assert_int_equal(hsok_db_codebook_fingerprint(db, &fp, NULL), HSOK_OK);
    assert_string_equal(fp, hsok_codebook_fingerprint(cb));
    free(fp);
    assert_int_equal(hsok_db_close(db, NULL), HSOK_OK);

    db = open_read();
    hsok_theme_matrix_t *m = NULL;
    assert_int_equal(hsok_db_theme_matrix(db, NULL, &m, NULL), HSOK_OK);
    assert_int_equal(m->nthemes, 1);
    assert_string_equal(m->themes[0].id, "beredskap-test");
    assert_true(m->theme_passages[0] >= 1);
    hsok_theme_matrix_free(m);
    /* search still works, and the tema: filter finds the new theme */
    hsok_results_t *r = NULL;
    hsok_search_opts_t o = { 0 };
    assert_int_equal(hsok_search(db, "tema:beredskap-test", &o, &r, NULL), HSOK_OK);
    assert_true(hsok_results_count(r) >= 1);
    hsok_results_free(r);
    assert_int_equal(hsok_search(db, "informasjonssikkerhet", &o, &r, NULL), HSOK_OK);
    assert_true(hsok_results_count(r) >= 3);
    hsok_results_free(r);
    hsok_db_close(db, NULL);

    /* back to the shipped codebook */
    hsok_codebook_free(cb);
    assert_int_equal(hsok_codebook_load_dir(themesdir, &cb, NULL), HSOK_OK);
    assert_int_equal(hsok_db_open(dbpath, HSOK_DB_WRITE, &db, NULL), HSOK_OK);
    assert_int_equal(hsok_db_retag(db, cb, &n, NULL), HSOK_OK);
    assert_int_equal(hsok_db_close(db, NULL), HSOK_OK);
    hsok_codebook_free(cb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_errors),
        cmocka_unit_test(test_plain_numbers),
        cmocka_unit_test(test_load_dir_errors),
        cmocka_unit_test(test_tagging_rules),
        cmocka_unit_test(test_heading_evidence),
        cmocka_unit_test(test_compound_head),
        cmocka_unit_test(test_context),
        cmocka_unit_test(test_context_in_index),
        cmocka_unit_test(test_names_are_no_evidence),
        cmocka_unit_test(test_lemma_matching),
        cmocka_unit_test(test_shipped_codebook_on_seeds),
        cmocka_unit_test(test_matrix_select_stances),
        cmocka_unit_test(test_retag),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
