/* test_export.c — the export stage (include/hsok/export.h): the four escaping helpers on
 * their own (tables of hostile and ordinary strings), a CSV parser and a strict JSON parser to
 * read the output back, and end to end: crafted documents with markup, formula and URL text
 * indexed with a small codebook, selected, and exported in every format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "hsok/db.h"
#include "hsok/export.h"
#include "hsok/themes.h"

/* ---- capturing output ---- */

typedef struct mem {
    char *data;
    size_t len;
    FILE *f;
} mem_t;

static void mem_open(mem_t *m)
{
    m->data = NULL;
    m->len = 0;
    m->f = open_memstream(&m->data, &m->len);
    assert_non_null(m->f);
}

/* Close the stream; m->data is the output (NUL-terminated). */
static void mem_close(mem_t *m)
{
    assert_int_equal(fclose(m->f), 0);
    m->f = NULL;
}

typedef int (*writer_fn)(FILE *, const char *);

static char *write_with(writer_fn fn, const char *in)
{
    mem_t m;
    mem_open(&m);
    assert_int_equal(fn(m.f, in), 0);
    mem_close(&m);
    return m.data;
}

typedef struct case_ {
    const char *in, *want;
} case_t;

static void run_table(writer_fn fn, const case_t *cases, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        char *got = write_with(fn, cases[i].in);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s case %zu: input [%s]\n got [%s]\nwant [%s]", name, i, cases[i].in,
                     got, cases[i].want);
        free(got);
    }
}

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the escaping helpers ---- */

static void test_csv_cells(void **state)
{
    (void)state;
    static const case_t cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"æøå ÆØÅ 😀", "æøå ÆØÅ 😀"},
        {"<script>alert(1)</script>", "<script>alert(1)</script>"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"\" & '", "\"\"\" & '\""},
        {"line1\nline2", "\"line1\nline2\""},
        {"line1\r\nline2", "\"line1\r\nline2\""},
        {"semi;colon", "semi;colon"},
        /* formula injection: a leading apostrophe, and quoting when needed as well */
        {"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""},
        {"=1+1", "'=1+1"},
        {"+1", "'+1"},
        {"-2", "'-2"},
        {"@SUM(A1:A2)", "'@SUM(A1:A2)"},
        {"\tTAB", "'\tTAB"},
        {"\rCR", "\"'\rCR\""},
        {"=a,b", "\"'=a,b\""},
        /* only the first character counts */
        {"a=1", "a=1"},
        {" =1", " =1"},
        {"1-2", "1-2"},
        {"'quoted'", "'quoted'"},
    };
    run_table(hsok_write_csv_cell, cases, NCASES(cases), "csv");
}

static void test_json_strings(void **state)
{
    (void)state;
    static const case_t cases[] = {
        {"plain", "\"plain\""},
        {"", "\"\""},
        {"æøå ÆØÅ 😀", "\"æøå ÆØÅ 😀\""},
        {"<script>alert(1)</script>", "\"<script>alert(1)</script>\""},
        {"\" & '", "\"\\\" & '\""},
        {"back\\slash", "\"back\\\\slash\""},
        {"a\nb\rc\td\be\ff", "\"a\\nb\\rc\\td\\be\\ff\""},
        {"\x01\x02\x1f\x7f", "\"\\u0001\\u0002\\u001f\\u007f\""},
        {"=HYPERLINK(\"http://x\")", "\"=HYPERLINK(\\\"http://x\\\")\""},
        /* invalid UTF-8: each byte of a bad sequence becomes U+FFFD */
        {"a\xffz", "\"a\\ufffdz\""},
        {"a\xc3", "\"a\\ufffd\""},
        {"\xc0\xaf", "\"\\ufffd\\ufffd\""},         /* overlong '/' */
        {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""}, /* a surrogate */
        /* valid JSON but not valid JavaScript: escaped */
        {"a\xe2\x80\xa8z", "\"a\\u2028z\""},
        /* C1 and bidi controls: escaped, so JSON shown in a terminal runs or hides nothing */
        {"\x1b]0;x\x07", "\"\\u001b]0;x\\u0007\""},
        {"a\xc2\x9b" "2J\xc2\x80\xc2\x9f\xc2\xa0", "\"a\\u009b2J\\u0080\\u009f\xc2\xa0\""},
        {"\xe2\x80\xaetxt \xe2\x81\xa6\xe2\x80\x8f", "\"\\u202etxt \\u2066\\u200f\""},
    };
    run_table(hsok_write_json_string, cases, NCASES(cases), "json");
}

static void test_html_text(void **state)
{
    (void)state;
    static const case_t cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"æøå ÆØÅ 😀", "æøå ÆØÅ 😀"},
        {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
        {"\" & '", "&quot; &amp; &#39;"},
        {"&amp;", "&amp;amp;"},
        {"<a href=\"http://x\" onclick='y'>", "&lt;a href=&quot;http://x&quot; onclick=&#39;y&#39;&gt;"},
        {"=HYPERLINK(\"http://x\")", "=HYPERLINK(&quot;http://x&quot;)"},
        {"line1\nline2", "line1\nline2"},
    };
    run_table(hsok_write_html, cases, NCASES(cases), "html");
}

static void test_md_text(void **state)
{
    (void)state;
    static const case_t cases[] = {
        {"plain text", "plain text"},
        {"", ""},
        {"æøå ÆØÅ 😀", "æøå ÆØÅ 😀"},
        {"<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"},
        {"\" & '", "\" \\& '"},
        {"*a* _b_ `c` [d](e) #f |g| \\h ~i~",
         "\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\#f \\|g\\| \\\\h \\~i\\~"},
        /* line starts that would be lists, headings, rules, code */
        {"# heading", "\\# heading"},
        {"- item", "\\- item"},
        {"+ item", "\\+ item"},
        {"+1", "\\+1"},
        {"-2", "\\-2"},
        {"---", "\\---"},
        {"===", "\\==="},
        {"1. first", "1\\. first"},
        {"12) twelfth", "12\\) twelfth"},
        {"3.5 millioner", "3.5 millioner"},
        {"2020", "2020"},
        {"> quote", "\\> quote"},
        {"    code", "code"},
        {"a\n- b\n  2. c\nd", "a\n\\- b\n2\\. c\nd"},
        {"a\r\n# b", "a\n\\# b"},
        /* not at a line start: no list escape */
        {"a - b + c 1. d", "a - b + c 1. d"},
        {"=HYPERLINK(\"http://x\")", "\\=HYPERLINK(\"http://x\")"},
        {"@SUM", "@SUM"},
        /* terminal controls, bidi controls and invalid bytes as visible escapes (the file is
         * read in terminals and editors too); TAB and line ends stay text */
        {"a\033]0;pwned\007b", "a\\x1b\\]0;pwned\\x07b"},
        {"\033[2J", "\\x1b\\[2J"},
        {"\033]8;;http://evil\033\\x", "\\x1b\\]8;;http://evil\\x1b\\\\x"},
        {"\xc2\x9b" "2J \xe2\x80\xae" "txt \xe2\x81\xa6", "\\u009b2J \\u202etxt \\u2066"},
        {"Bl\xe5" "b\xe6r \x7f\x01", "Bl\\xe5b\\xe6r \\x7f\\x01"},
        {"a\tb\nc", "a\tb\nc"},
        {"\033- x", "\\x1b- x"},
        {"æøå \xe2\x80\x94 😀", "æøå \xe2\x80\x94 😀"},
    };
    run_table(hsok_write_md, cases, NCASES(cases), "md");
}

static void test_helpers_null_and_errors(void **state)
{
    (void)state;
    writer_fn fns[] = {hsok_write_csv_cell, hsok_write_json_string, hsok_write_html,
                       hsok_write_md};
    /* NULL is an empty string (JSON: "") */
    const char *want_null[] = {"", "\"\"", "", ""};
    for (size_t i = 0; i < NCASES(fns); i++) {
        char *got = write_with(fns[i], NULL);
        assert_string_equal(got, want_null[i]);
        free(got);
    }
    /* a stream that cannot be written */
    FILE *ro = fopen("/dev/null", "r");
    assert_non_null(ro);
    const char *inputs[] = {"x", "=x,\"y\"", "<&>", "# x"};
    for (size_t i = 0; i < NCASES(fns); i++)
        for (size_t k = 0; k < NCASES(inputs); k++)
            assert_int_equal(fns[i](ro, inputs[k]), -1);
    fclose(ro);
}

static void test_format_parse(void **state)
{
    (void)state;
    hsok_export_format_t f = HSOK_EXPORT_HTML;
    assert_int_equal(hsok_export_format_parse("csv", &f), 0);
    assert_int_equal(f, HSOK_EXPORT_CSV);
    assert_int_equal(hsok_export_format_parse("jsonl", &f), 0);
    assert_int_equal(f, HSOK_EXPORT_JSONL);
    f = HSOK_EXPORT_CSV;
    assert_int_equal(hsok_export_format_parse("json", &f), 0);
    assert_int_equal(f, HSOK_EXPORT_JSONL);
    assert_int_equal(hsok_export_format_parse("md", &f), 0);
    assert_int_equal(f, HSOK_EXPORT_MD);
    f = HSOK_EXPORT_CSV;
    assert_int_equal(hsok_export_format_parse("markdown", &f), 0);
    assert_int_equal(f, HSOK_EXPORT_MD);
    assert_int_equal(hsok_export_format_parse("html", &f), 0);
    assert_int_equal(f, HSOK_EXPORT_HTML);
    f = HSOK_EXPORT_MD;
    const char *bad[] = {"", "CSV", "xml", "htm", "csv ", "jsonlines"};
    for (size_t i = 0; i < NCASES(bad); i++) {
        assert_int_equal(hsok_export_format_parse(bad[i], &f), -1);
        assert_int_equal(f, HSOK_EXPORT_MD); /* untouched */
    }
    assert_int_equal(hsok_export_format_parse(NULL, &f), -1);
}

/* ---- a strict RFC 4180 reader ---- */

typedef struct csv_table {
    char ***rows; /* rows[r][c] */
    size_t *ncells;
    size_t nrows;
} csv_table_t;

static void csv_free(csv_table_t *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncells[r]; c++)
            free(t->rows[r][c]);
        free(t->rows[r]);
    }
    free(t->rows);
    free(t->ncells);
    memset(t, 0, sizeof *t);
}

/* Parse s: every record ends with CRLF (including the last), quoted fields may hold
 * anything with "" for a quote, unquoted fields hold no quote, CR or LF. Returns -1 with a
 * message in err on any deviation. */
static int csv_parse(const char *s, size_t len, csv_table_t *t, char *err, size_t errcap)
{
    memset(t, 0, sizeof *t);
    size_t i = 0;
    while (i < len) {
        t->rows = realloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
        t->ncells = realloc(t->ncells, (t->nrows + 1) * sizeof *t->ncells);
        t->rows[t->nrows] = NULL;
        t->ncells[t->nrows] = 0;
        size_t r = t->nrows++;
        for (;;) {
            char *cell = malloc(len - i + 1);
            size_t n = 0;
            if (i < len && s[i] == '"') {
                i++;
                for (;;) {
                    if (i >= len) {
                        snprintf(err, errcap, "row %zu: unterminated quote", r);
                        free(cell);
                        return -1;
                    }
                    if (s[i] == '"') {
                        if (i + 1 < len && s[i + 1] == '"') {
                            cell[n++] = '"';
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    cell[n++] = s[i++];
                }
            } else {
                while (i < len && s[i] != ',' && s[i] != '\r') {
                    if (s[i] == '"' || s[i] == '\n') {
                        snprintf(err, errcap, "row %zu: bare %s in an unquoted field", r,
                                 s[i] == '"' ? "quote" : "LF");
                        free(cell);
                        return -1;
                    }
                    cell[n++] = s[i++];
                }
            }
            cell[n] = '\0';
            t->rows[r] = realloc(t->rows[r], (t->ncells[r] + 1) * sizeof *t->rows[r]);
            t->rows[r][t->ncells[r]++] = cell;
            if (i < len && s[i] == ',') {
                i++;
                continue;
            }
            if (i + 1 < len && s[i] == '\r' && s[i + 1] == '\n') {
                i += 2;
                break;
            }
            snprintf(err, errcap, "row %zu: record does not end with CRLF (at byte %zu)", r, i);
            return -1;
        }
    }
    return 0;
}

static int starts_formula(const char *s)
{
    return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
           s[0] == '\r';
}

static void test_csv_round_trip(void **state)
{
    (void)state;
    static const char *const rows[][4] = {
        {"id", "text", "n", "empty"},
        {"a,b,c", "say \"hi\", \"bye\"", "3", ""},
        {"multi\nline", "crlf\r\ninside", "cr\ronly", "\"\""},
        {"=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)"},
        {"\tlead tab", "\rlead cr", "æøå, 😀", "<script>alert(1)</script>"},
        {",", "\"", "\n", "'"},
    };
    mem_t m;
    mem_open(&m);
    for (size_t r = 0; r < NCASES(rows); r++) {
        for (size_t c = 0; c < 4; c++) {
            if (c > 0)
                fputc(',', m.f);
            assert_int_equal(hsok_write_csv_cell(m.f, rows[r][c]), 0);
        }
        fputs("\r\n", m.f);
    }
    mem_close(&m);
    csv_table_t t;
    char err[200] = "";
    if (csv_parse(m.data, m.len, &t, err, sizeof err) != 0)
        fail_msg("%s\n%s", err, m.data);
    assert_int_equal(t.nrows, NCASES(rows));
    for (size_t r = 0; r < NCASES(rows); r++) {
        assert_int_equal(t.ncells[r], 4);
        for (size_t c = 0; c < 4; c++) {
            const char *in = rows[r][c], *got = t.rows[r][c];
            if (starts_formula(in)) {
                assert_int_equal(got[0], '\'');
                assert_string_equal(got + 1, in);
            } else {
                assert_string_equal(got, in);
            }
        }
    }
    csv_free(&t);
    free(m.data);
}

static void test_json_reader_rejects(void **state)
{
    (void)state;
    /* the reader itself must be strict, or the export checks below prove nothing */
    const char *bad[] = {"{\"a\":1,}", "[1 2]", "\"a\nb\"", "\"\\x\"", "{\"a\":1,\"a\":2}",
                         "01",        "1.",    "\"\xff\"", "{a:1}", "[1]x", "\"\\ud800\""};
    for (size_t i = 0; i < NCASES(bad); i++) {
        const char *err = NULL;
        jval_t *v = json_parse(bad[i], strlen(bad[i]), &err, NULL);
        if (v != NULL)
            fail_msg("reader accepted %s", bad[i]);
    }
    const char *err = NULL;
    const char *good = "{\"a\":[1,-2.5e3,true,null,\"\\u00e6\\ud83d\\ude00\"],\"b\":{}}";
    jval_t *v = json_parse(good, strlen(good), &err, NULL);
    assert_non_null(v);
    assert_string_equal(jget(v, "a")->items[4]->s, "æ😀");
    jfree(v);
}

static void test_json_control_chars(void **state)
{
    (void)state;
    /* every ASCII byte but NUL, then non-ASCII text: written and read back unchanged */
    char in[256];
    size_t n = 0;
    for (int c = 1; c < 0x80; c++)
        in[n++] = (char)c;
    const char *tail = "æøå ÆØÅ 😀 \xe2\x80\xa8\xe2\x80\xa9";
    memcpy(in + n, tail, strlen(tail) + 1);
    char *out = write_with(hsok_write_json_string, in);
    for (const char *p = out; *p; p++)
        assert_true((unsigned char)*p >= 0x20); /* no raw control character */
    const char *err = NULL;
    jval_t *v = json_parse(out, strlen(out), &err, NULL);
    if (v == NULL)
        fail_msg("%s: %s", err, out);
    assert_int_equal(v->t, J_STR);
    assert_string_equal(v->s, in);
    jfree(v);
    free(out);

    /* invalid UTF-8 still gives valid JSON */
    out = write_with(hsok_write_json_string, "a\xff\xfe\xc3(b");
    v = json_parse(out, strlen(out), &err, NULL);
    assert_non_null(v);
    assert_string_equal(v->s, "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd(b");
    jfree(v);
    free(out);
}

/* ---- end to end: crafted documents, a small codebook ---- */

static char tmpdir[256];
static char dbpath[320];

static const char doc_a[] =
    "Innledning om sikkerhet i kommunen og hvordan vi jobber med dette hver eneste dag.\n"
    "\n"
    "Vi mener <script>alert(\"x\")</script> er en alvorlig risiko for sikkerhet i alle "
    "systemer.\n"
    "\n"
    "=HYPERLINK(\"http://evil\") er en lenke, og en hyperlink kan lure brukeren til å "
    "klikke.\n"
    "\n"
    "+1 for sikkerhet, sier vi, med \"sitat\", komma, og semikolon; alt i samme avsnitt.\n"
    "\n"
    "@SUM(A1) er ikke et tema, og dette avsnittet handler om været og ingenting annet.\n";

static const char doc_b[] =
    "Sikkerhet og datasikkerhet er viktig for oss, men sikkerheten må ikke gå foran alt.\n"
    "\n"
    "-2 grader ute, og vi skriver om sikkerhet & <b>fet</b> tekst med 'apostrof' og æøå 😀.\n"
    "\n"
    "Et avsnitt om ingenting spesielt, bare ord om vær og vind og sommerferie på hytta.\n"
    "\n"
    "Ordet 2sikkerhet og sikkerhet2 er ikke sikkerhet, men usikkerhet og Sikkerhet er noe "
    "annet.\n";

static const char theme_sikkerhet[] = "id: sikkerhet\n"
                                      "label: Sikkerhet & <trygghet>\n"
                                      "description: Test \"tema\" med <b>markup</b>\n"
                                      "terms:\n"
                                      "  2 sikkerhet\n";
static const char theme_lenke[] = "id: lenke\n"
                                  "label: Lenker\n"
                                  "terms:\n"
                                  "  2 hyperlink\n";

#define RESP_A "Testkommune <script>"
#define RESP_B "Ærlig Ørn \"AS\" 😀"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int setup_db(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hsok-test-export-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/db", tmpdir);
    char pa[320], pb[320];
    snprintf(pa, sizeof pa, "%s/a.txt", tmpdir);
    snprintf(pb, sizeof pb, "%s/b.txt", tmpdir);
    if (write_text(pa, doc_a) != 0 || write_text(pb, doc_b) != 0)
        return -1;
    char *err = NULL;
    hsok_codebook_t *cb = NULL;
    if (hsok_codebook_new(&cb, &err) != HSOK_OK ||
        hsok_codebook_add(cb, "sikkerhet.theme", theme_sikkerhet, strlen(theme_sikkerhet),
                          &err) != HSOK_OK ||
        hsok_codebook_add(cb, "lenke.theme", theme_lenke, strlen(theme_lenke), &err) !=
            HSOK_OK ||
        hsok_codebook_check(cb, &err) != HSOK_OK) {
        fprintf(stderr, "codebook: %s\n", err);
        return -1;
    }
    hsok_db_t *db = NULL;
    if (hsok_db_open(dbpath, HSOK_DB_WRITE, &db, &err) != HSOK_OK) {
        fprintf(stderr, "open: %s\n", err);
        return -1;
    }
    const char *paths[] = {pa, pb};
    const char *resp[] = {RESP_A, RESP_B};
    const char *type[] = {"kommune", NULL}; /* RESP_B's is unknown */
    for (int i = 0; i < 2; i++) {
        hsok_index_opts_t o = {.respondent = resp[i], .force = 0, .codebook = cb,
                               .type = type[i]};
        hsok_index_result_t res;
        if (hsok_db_index_file(db, paths[i], &o, &res, &err) != HSOK_OK) {
            fprintf(stderr, "index: %s\n", err);
            return -1;
        }
    }
    hsok_codebook_free(cb);
    return hsok_db_close(db, &err) == HSOK_OK ? 0 : -1;
}

static int teardown_db(void **state)
{
    (void)state;
    nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

typedef struct fixture {
    hsok_db_t *db;
    hsok_records_t *recs;
    hsok_theme_matrix_t *matrix;
    hsok_stances_t *stances;
} fixture_t;

static void fx_open(fixture_t *fx, const hsok_select_t *sel)
{
    memset(fx, 0, sizeof *fx);
    char *err = NULL;
    hsok_status_t st = hsok_db_open(dbpath, HSOK_DB_READ, &fx->db, &err);
    if (st == HSOK_OK)
        st = hsok_db_select(fx->db, sel, &fx->recs, &err);
    if (st == HSOK_OK)
        st = hsok_db_theme_matrix(fx->db, sel, &fx->matrix, &err);
    if (st == HSOK_OK)
        st = hsok_db_stances(fx->db, &fx->stances, &err);
    if (st != HSOK_OK)
        fail_msg("%s", err ? err : hsok_status_str(st));
}

static void fx_close(fixture_t *fx)
{
    hsok_records_free(fx->recs);
    hsok_theme_matrix_free(fx->matrix);
    hsok_stances_free(fx->stances);
    hsok_db_close(fx->db, NULL);
}

static char *export_to_string(const fixture_t *fx, hsok_export_format_t fmt, int excel,
                              const char *title, size_t *len)
{
    hsok_export_opts_t o = {
        .format = fmt,
        .excel = excel,
        .title = title,
        .selection = "tema: <alle> & \"mer\"",
        .matrix = fx->matrix,
        .stances = fx->stances,
    };
    mem_t m;
    mem_open(&m);
    char *err = NULL;
    hsok_status_t st = hsok_export(m.f, fx->recs, &o, &err);
    if (st != HSOK_OK)
        fail_msg("export: %s", err ? err : hsok_status_str(st));
    mem_close(&m);
    if (len)
        *len = m.len;
    return m.data;
}

static size_t count_str(const char *hay, const char *needle)
{
    size_t n = 0, l = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + l, needle))
        n++;
    return n;
}

static const char *strcasestr_(const char *hay, const char *needle)
{
    size_t l = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, l) == 0)
            return p;
    return NULL;
}

static const hsok_record_t *find_rec(const hsok_records_t *recs, const char *prefix)
{
    for (size_t i = 0; i < hsok_records_count(recs); i++)
        if (strncmp(hsok_records_get(recs, i)->text, prefix, strlen(prefix)) == 0)
            return hsok_records_get(recs, i);
    return NULL;
}

static void test_e2e_fixture(void **state)
{
    (void)state;
    /* The documents were indexed as intended: the hostile passages exist and are tagged. */
    hsok_select_t all = {.tagged_only = 0};
    fixture_t fx;
    fx_open(&fx, &all);
    const hsok_record_t *r;
    assert_non_null(r = find_rec(fx.recs, "Vi mener <script>"));
    assert_int_equal(r->nthemes, 1);
    assert_string_equal(r->themes[0], "sikkerhet");
    assert_non_null(r = find_rec(fx.recs, "=HYPERLINK(\"http://evil\")"));
    assert_int_equal(r->nthemes, 1);
    assert_string_equal(r->themes[0], "lenke");
    assert_non_null(r = find_rec(fx.recs, "+1 for"));
    assert_non_null(r = find_rec(fx.recs, "-2 grader"));
    assert_non_null(r = find_rec(fx.recs, "@SUM"));
    assert_int_equal(r->nthemes, 0);
    assert_int_equal(fx.matrix->nthemes, 2);
    fx_close(&fx);
}

static void test_e2e_html(void **state)
{
    (void)state;
    hsok_select_t all = {.tagged_only = 0};
    fixture_t fx;
    fx_open(&fx, &all);
    char *html = export_to_string(&fx, HSOK_EXPORT_HTML, 0, "Rapport <1> & \"x\"", NULL);

    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert_null(strcasestr_(html, "<script"));
    assert_null(strcasestr_(html, "</script"));
    assert_non_null(strstr(html, "<title>Rapport &lt;1&gt; &amp; &quot;x&quot;</title>"));
    assert_non_null(strstr(html, "<h1>Rapport &lt;1&gt; &amp; &quot;x&quot;</h1>"));
    assert_non_null(strstr(html, "tema: &lt;alle&gt; &amp; &quot;mer&quot;"));
    assert_non_null(strstr(html, "Testkommune &lt;script&gt;"));
    /* the respondent's type after its name: heading, citation and the table's row; none
       for the respondent whose type is unknown */
    assert_non_null(strstr(html, "<h3>Testkommune &lt;script&gt; (kommune)</h3>\n"));
    /* the citation: "Respondent (type)" (", s. N" from a paged source), no path, no id */
    assert_non_null(strstr(html, "<cite class=\"attr\">— Testkommune &lt;script&gt; (kommune) "));
    assert_non_null(strstr(html, "<th scope=\"row\">Testkommune &lt;script&gt; (kommune)</th>"));
    assert_non_null(strstr(html, "<h3>Ærlig Ørn &quot;AS&quot; 😀</h3>\n"));
    assert_non_null(strstr(html, "Ærlig Ørn &quot;AS&quot; 😀"));
    assert_non_null(strstr(html, "Sikkerhet &amp; &lt;trygghet&gt;"));
    assert_non_null(strstr(html, "Test &quot;tema&quot; med &lt;b&gt;markup&lt;/b&gt;"));
    assert_non_null(strstr(html, "<mark>sikkerhet</mark> &amp; &lt;b&gt;fet&lt;/b&gt; tekst med "
                                 "&#39;apostrof&#39; og æøå 😀"));
    /* evidence marked inside the escaped text, case-sensitively, whole words only */
    assert_non_null(strstr(html, "risiko for <mark>sikkerhet</mark> i alle"));
    assert_non_null(strstr(html, "=<mark>HYPERLINK</mark>(&quot;http://evil&quot;)"));
    assert_non_null(strstr(html, "en <mark>hyperlink</mark> kan"));
    assert_null(strstr(html, "<mark>sikkerhet</mark>en")); /* "sikkerheten" is one word */
    assert_null(strstr(html, "data<mark>"));
    assert_non_null(strstr(html, "Ordet 2sikkerhet og sikkerhet2 er ikke <mark>sikkerhet</mark>, "
                                 "men "));
    assert_null(strstr(html, "2<mark>"));
    assert_null(strstr(html, "</mark>2"));
    assert_null(strstr(html, "u<mark>"));
    /* no way to reach the network: no URL but the document's own (escaped) text */
    size_t urls = count_str(html, "http://evil");
    assert_true(urls >= 1);
    assert_int_equal(count_str(html, "(&quot;http://evil&quot;)"), urls);
    assert_int_equal(count_str(html, "http://") + count_str(html, "https://"), urls);
    assert_null(strstr(html, "//evil\""));
    const char *banned[] = {"<link", "<img", "<iframe", "<object", "<embed", "<base",
                            "<form", "url(", "@import", "src=", "srcset=", "javascript:",
                            "onload=", "onclick=", "onerror="};
    for (size_t i = 0; i < NCASES(banned); i++)
        if (strcasestr_(html, banned[i]) != NULL)
            fail_msg("html contains %s", banned[i]);
    /* print styles, the heatmap with shaded cells, the groups */
    assert_non_null(strstr(html, "@media print"));
    assert_non_null(strstr(html, "<table class=\"heatmap\">"));
    assert_non_null(strstr(html, "style=\"background-color:hsl("));
    assert_non_null(strstr(html, "<section class=\"theme\" id=\"tema-sikkerhet\">"));
    assert_non_null(strstr(html, "<section class=\"theme\" id=\"tema-lenke\">"));
    /* the overview's charts are inline SVG, the matrix and the passages are appendices */
    assert_non_null(strstr(html, "<figure class=\"chart\" id=\"diagram-type\">"));
    assert_non_null(strstr(html, "<figure class=\"chart\" id=\"diagram-tema-type\">"));
    const char *appendix = strstr(html, "<section id=\"oversikt\" class=\"appendix\">");
    assert_non_null(appendix);
    assert_true(strstr(html, "<section class=\"theme\"") < appendix);
    assert_non_null(strstr(html, "<section id=\"utdrag\" class=\"appendix\">"));
    /* every passage appears once in the appendix, with all its themes; untagged ones too */
    size_t n = hsok_records_count(fx.recs);
    assert_int_equal(count_str(html, "<blockquote class=\"utdrag\">"), n);
    assert_int_equal(count_str(html, "<blockquote"), count_str(html, "</blockquote>"));
    assert_int_equal(count_str(html, "@SUM"), 1);
    assert_non_null(strstr(html, "· tema: Sikkerhet &amp; &lt;trygghet&gt;</span>"));
    /* chosen quotes: at least one per theme, at most 5, each passage quoted once at most, and
     * neither a passage id nor a source path before the appendices (the main text) */
    size_t quotes = count_str(html, "<blockquote class=\"sitat\"");
    assert_true(quotes >= 2 && quotes <= 10);
    for (size_t i = 0; i < n; i++) {
        const hsok_record_t *r = hsok_records_get(fx.recs, i);
        const char *at = strstr(html, r->id);
        assert_true(at == NULL || at > appendix);
        assert_null(strstr(html, r->source));
    }
    for (size_t q = 1; q <= quotes; q++) {
        char id[40];
        snprintf(id, sizeof id, "id=\"sitat-%zu\"", q);
        assert_int_equal(count_str(html, id), 1);
    }

    /* the tags balance (void elements aside) */
    const char *stack[64];
    size_t depth = 0;
    for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
        if (p[1] == '!')
            continue;
        int close = p[1] == '/';
        const char *name = p + 1 + close;
        size_t nl = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");
        assert_true(nl > 0);
        const char *gt = strchr(name, '>');
        assert_non_null(gt);
        assert_null(memchr(name, '<', (size_t)(gt - name)));
        static const char *const voids[] = {"meta", "br", "hr", "img", "link", "input"};
        int is_void = 0;
        for (size_t v = 0; v < NCASES(voids); v++)
            if (strlen(voids[v]) == nl && strncmp(name, voids[v], nl) == 0)
                is_void = 1;
        if (is_void)
            continue;
        if (!close) {
            assert_true(depth < 64);
            stack[depth++] = name;
        } else {
            assert_true(depth > 0);
            depth--;
            if (strncmp(stack[depth], name, nl) != 0 || isalnum((unsigned char)stack[depth][nl]))
                fail_msg("</%.*s> closes <%.10s", (int)nl, name, stack[depth]);
        }
    }
    assert_int_equal(depth, 0);
    free(html);
    fx_close(&fx);
}

/* A citation links to its document when opts.links gives an http(s) URL for its source: the
 * URL escaped in the attribute; another scheme (javascript:) is never a link. */
static void test_e2e_html_links(void **state)
{
    (void)state;
    hsok_select_t all = {.tagged_only = 0};
    fixture_t fx;
    fx_open(&fx, &all);
    const hsok_record_t *a = find_rec(fx.recs, "Vi mener <script>");
    const hsok_record_t *b = NULL;
    assert_non_null(a);
    for (size_t i = 0; i < hsok_records_count(fx.recs) && !b; i++)
        if (strcmp(hsok_records_get(fx.recs, i)->source, a->source) != 0)
            b = hsok_records_get(fx.recs, i);
    assert_non_null(b);
    assert_string_not_equal(a->source, b->source);
    hsok_export_link_t links[] = {{a->source, "https://example.org/svar?a=1&b=\"x\"<y>"},
                                  {b->source, "javascript:alert(1)"}};
    hsok_export_opts_t o = {.format = HSOK_EXPORT_HTML, .matrix = fx.matrix,
                            .links = links, .nlinks = 2};
    mem_t m;
    mem_open(&m);
    char *err = NULL;
    assert_int_equal(hsok_export(m.f, fx.recs, &o, &err), HSOK_OK);
    mem_close(&m);
    assert_non_null(strstr(m.data, "<a href=\"https://example.org/svar?a=1&amp;b=&quot;x&quot;"
                                   "&lt;y&gt;\" rel=\"noreferrer\">Testkommune &lt;script&gt; "
                                   "(kommune)</a>"));
    assert_null(strcasestr_(m.data, "javascript:"));
    assert_null(strstr(m.data, "href=\"https://example.org/svar?a=1&b"));
    /* only the passages of a's source are linked: one link per citation of them */
    size_t cites = count_str(m.data, "<cite class=\"attr\">— <a href=");
    assert_true(cites >= 1);
    assert_int_equal(cites, count_str(m.data, "— <a href=\"https://example.org/"));
    free(m.data);
    fx_close(&fx);
}

static void test_e2e_csv(void **state)
{
    (void)state;
    hsok_select_t all = {.tagged_only = 0};
    fixture_t fx;
    fx_open(&fx, &all);
    size_t len;
    char *csv = export_to_string(&fx, HSOK_EXPORT_CSV, 0, NULL, &len);
    assert_int_equal(strlen(csv), len);
    csv_table_t t;
    char err[200] = "";
    if (csv_parse(csv, len, &t, err, sizeof err) != 0)
        fail_msg("%s", err);
    size_t n = hsok_records_count(fx.recs);
    assert_true(n >= 8);
    assert_int_equal(t.nrows, n + 1);
    const char *header[] = {"id", "respondent", "section", "themes", "evidence", "source",
                            "line", "text", "respondent_type", "page", "end_page",
                            "position", "position_evidence", "themes_unsure"};
    assert_int_equal(t.ncells[0], 14);
    for (size_t c = 0; c < 14; c++)
        assert_string_equal(t.rows[0][c], header[c]);
    size_t nunsure = 0, nsure = 0;
    size_t neutralised = 0;
    for (size_t i = 0; i < n; i++) {
        const hsok_record_t *r = hsok_records_get(fx.recs, i);
        char **row = t.rows[i + 1];
        assert_int_equal(t.ncells[i + 1], 14);
        for (size_t c = 0; c < 14; c++)
            assert_false(starts_formula(row[c]));
        /* the themes whose tag is unsure, in tag order */
        char unsure[256] = "";
        for (size_t k = 0; k < r->ntags; k++) {
            if (!r->tags[k].unsure) {
                nsure++;
                continue;
            }
            nunsure++;
            if (*unsure)
                strcat(unsure, "; ");
            strcat(unsure, r->tags[k].theme);
        }
        assert_string_equal(row[13], unsure);
        assert_string_equal(row[8], r->respondent_type);
        /* the position the passage states, and its evidence, or two empty cells */
        assert_string_equal(row[11], r->position);
        assert_string_equal(row[12], *r->position ? r->position_evidence : "");
        /* the seeds have no pages: the page cells are empty */
        assert_int_equal(r->page, 0);
        assert_string_equal(row[9], "");
        assert_string_equal(row[10], "");
        assert_string_equal(row[0], r->id);
        assert_string_equal(row[1], r->respondent);
        assert_string_equal(row[2], r->section);
        char themes[256] = "", evidence[512] = "";
        for (size_t k = 0; k < r->nthemes; k++) {
            if (k)
                strcat(themes, "; ");
            strcat(themes, r->themes[k]);
        }
        assert_string_equal(row[3], themes);
        for (size_t k = 0; k < r->ntags; k++) {
            if (k)
                strcat(evidence, "; ");
            strcat(evidence, r->tags[k].theme);
            strcat(evidence, ":");
            for (size_t e = 0; e < r->tags[k].nevidence; e++) {
                strcat(evidence, e ? ", " : " ");
                strcat(evidence, r->tags[k].evidence[e]);
            }
        }
        assert_string_equal(row[4], evidence);
        assert_string_equal(row[5], r->source);
        char line[24];
        snprintf(line, sizeof line, "%u", r->line);
        assert_string_equal(row[6], line);
        if (starts_formula(r->text)) {
            neutralised++;
            assert_int_equal(row[7][0], '\'');
            assert_string_equal(row[7] + 1, r->text);
        } else {
            assert_string_equal(row[7], r->text);
        }
    }
    assert_int_equal(neutralised, 4); /* =HYPERLINK, +1, -2, @SUM */
    /* the fixture has both kinds of tag, so the column is tested both ways */
    assert_true(nunsure > 0 && nsure > 0);
    assert_non_null(strstr(csv, "\"'=HYPERLINK(\"\"http://evil\"\")"));
    assert_true(strstr(csv, ",\"lenke: HYPERLINK, hyperlink\",") != NULL ||
                strstr(csv, ",\"lenke: hyperlink, HYPERLINK\",") != NULL);
    csv_free(&t);
    free(csv);

    /* --excel: a BOM, then the same bytes */
    size_t xlen;
    char *x = export_to_string(&fx, HSOK_EXPORT_CSV, 1, NULL, &xlen);
    csv = export_to_string(&fx, HSOK_EXPORT_CSV, 0, NULL, &len);
    assert_int_equal(xlen, len + 3);
    assert_memory_equal(x, "\xef\xbb\xbf", 3);
    assert_memory_equal(x + 3, csv, len);
    free(x);
    free(csv);
    fx_close(&fx);
}

static void test_e2e_jsonl(void **state)
{
    (void)state;
    hsok_select_t all = {.tagged_only = 0};
    fixture_t fx;
    fx_open(&fx, &all);
    size_t len;
    char *out = export_to_string(&fx, HSOK_EXPORT_JSONL, 0, NULL, &len);
    size_t n = hsok_records_count(fx.recs), lines = 0;
    assert_true(len > 0 && out[len - 1] == '\n');
    const char *p = out;
    while (*p) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        assert_true(lines < n);
        const hsok_record_t *r = hsok_records_get(fx.recs, lines);
        const char *err = NULL;
        jval_t *v = json_parse(p, (size_t)(nl - p), &err, NULL);
        if (v == NULL)
            fail_msg("line %zu: %s: %.*s", lines + 1, err, (int)(nl - p), p);
        assert_int_equal(v->t, J_OBJ);
        const char *keys[] = {"format_version", "type",    "id",       "source",
                              "line",           "end_line", "respondent", "section",
                              "question",       "goal",    "themes",   "evidence",
                              "scores",         "text",    "respondent_type",
                              "position",       "position_evidence", "unsure"};
        assert_int_equal(v->n, NCASES(keys));
        for (size_t k = 0; k < NCASES(keys); k++)
            if (jget(v, keys[k]) == NULL)
                fail_msg("line %zu: no key %s", lines + 1, keys[k]);
        assert_int_equal(jget(v, "format_version")->t, J_NUM);
        assert_true(jget(v, "format_version")->num == 1);
        assert_string_equal(jget(v, "type")->s, "passage");
        assert_string_equal(jget(v, "id")->s, r->id);
        assert_string_equal(jget(v, "source")->s, r->source);
        assert_string_equal(jget(v, "respondent")->s, r->respondent);
        assert_string_equal(jget(v, "section")->s, r->section);
        assert_string_equal(jget(v, "text")->s, r->text);
        assert_true(jget(v, "line")->t == J_NUM && jget(v, "line")->num == r->line);
        assert_true(jget(v, "end_line")->num == r->end_line);
        const jval_t *q = jget(v, "question");
        assert_true(r->question_no ? q->t == J_NUM && q->num == r->question_no
                                   : q->t == J_NULL);
        const jval_t *th = jget(v, "themes");
        assert_int_equal(th->t, J_ARR);
        assert_int_equal(th->n, r->nthemes);
        for (size_t k = 0; k < r->nthemes; k++)
            assert_string_equal(th->items[k]->s, r->themes[k]);
        const jval_t *ev = jget(v, "evidence"), *sc = jget(v, "scores");
        assert_int_equal(ev->t, J_OBJ);
        assert_int_equal(sc->t, J_OBJ);
        assert_int_equal(ev->n, r->ntags);
        assert_int_equal(sc->n, r->ntags);
        for (size_t k = 0; k < r->ntags; k++) {
            const jval_t *words = jget(ev, r->tags[k].theme);
            assert_non_null(words);
            assert_int_equal(words->t, J_ARR);
            assert_int_equal(words->n, r->tags[k].nevidence);
            for (size_t e = 0; e < words->n; e++)
                assert_string_equal(words->items[e]->s, r->tags[k].evidence[e]);
            const jval_t *s = jget(sc, r->tags[k].theme);
            assert_non_null(s);
            assert_int_equal(s->t, J_NUM);
            assert_true(s->num > r->tags[k].score - 1e-4 && s->num < r->tags[k].score + 1e-4);
        }
        /* "unsure": the themes whose tag is unsure, in tag order */
        const jval_t *un = jget(v, "unsure");
        assert_int_equal(un->t, J_ARR);
        size_t ku = 0;
        for (size_t k = 0; k < r->ntags; k++)
            if (r->tags[k].unsure) {
                assert_true(ku < un->n);
                assert_string_equal(un->items[ku++]->s, r->tags[k].theme);
            }
        assert_int_equal(ku, un->n);
        jfree(v);
        lines++;
        p = nl + 1;
    }
    assert_int_equal(lines, n);
    free(out);
    fx_close(&fx);
}

static void test_e2e_md(void **state)
{
    (void)state;
    hsok_select_t all = {.tagged_only = 0};
    fixture_t fx;
    fx_open(&fx, &all);
    char *md = export_to_string(&fx, HSOK_EXPORT_MD, 0, NULL, NULL);
    assert_true(strncmp(md, "# Utdrag fra høringssvar\n", 26) == 0);
    /* no raw HTML: every '<' is escaped */
    for (const char *p = strchr(md, '<'); p; p = strchr(p + 1, '<'))
        assert_true(p > md && p[-1] == '\\');
    assert_non_null(strstr(md, "\\<b\\>fet\\</b\\>"));
    assert_non_null(strstr(md, "\\<script\\>alert(\"x\")\\</script\\>"));
    assert_non_null(strstr(md, "## Sikkerhet \\& \\<trygghet\\> (sikkerhet)\n"));
    assert_non_null(strstr(md, "## Lenker (lenke)\n"));
    assert_non_null(strstr(md, "## Uten tema\n"));
    assert_non_null(strstr(md, "### Testkommune \\<script\\> (kommune)\n"));
    assert_non_null(strstr(md, "> — Testkommune \\<script\\> (kommune), "));
    assert_non_null(strstr(md, "### Ærlig Ørn \"AS\" 😀\n"));
    assert_non_null(strstr(md, "> — Ærlig Ørn \"AS\" 😀, "));
    assert_non_null(strstr(md, "> \\=**HYPERLINK**(\"http://evil\")"));
    assert_non_null(strstr(md, "> \\+1 for **sikkerhet**"));
    assert_non_null(strstr(md, "> \\-2 grader"));
    /* the lines of a quote all start with "> ", and each quote ends with its attribution */
    size_t quotes = 0;
    for (const char *p = md; *p;) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        if (*p == '>') {
            assert_true(nl == p + 1 || p[1] == ' ');
            if (strncmp(p, "> — ", strlen("> — ")) == 0) {
                quotes++;
                assert_true(nl[1] == '\n');
            }
        }
        p = nl + 1;
    }
    size_t expect = 0;
    for (size_t i = 0; i < hsok_records_count(fx.recs); i++) {
        size_t nt = hsok_records_get(fx.recs, i)->nthemes;
        expect += nt ? nt : 1;
    }
    assert_int_equal(quotes, expect);
    free(md);
    fx_close(&fx);

    /* tagged only: no "Uten tema" */
    hsok_select_t tagged = {.tagged_only = 1};
    fx_open(&fx, &tagged);
    md = export_to_string(&fx, HSOK_EXPORT_MD, 0, "Bare tema", NULL);
    assert_true(strncmp(md, "# Bare tema\n", 12) == 0);
    assert_null(strstr(md, "Uten tema"));
    assert_null(strstr(md, "@SUM"));
    free(md);
    fx_close(&fx);
}

static void test_e2e_filters(void **state)
{
    (void)state;
    const char *lenke[] = {"lenke"};
    hsok_select_t sel = {.themes = lenke, .nthemes = 1, .tagged_only = 1};
    fixture_t fx;
    fx_open(&fx, &sel);
    size_t n = hsok_records_count(fx.recs);
    assert_int_equal(n, 1);
    char *out = export_to_string(&fx, HSOK_EXPORT_JSONL, 0, NULL, NULL);
    assert_int_equal(count_str(out, "\n"), 1);
    assert_non_null(strstr(out, "\"themes\":[\"lenke\"]"));
    free(out);
    fx_close(&fx);

    const char *resp[] = {"ærlig"};
    hsok_select_t byresp = {.respondents = resp, .nrespondents = 1, .tagged_only = 1};
    fx_open(&fx, &byresp);
    n = hsok_records_count(fx.recs);
    assert_true(n >= 2);
    out = export_to_string(&fx, HSOK_EXPORT_HTML, 0, NULL, NULL);
    assert_null(strstr(out, "Testkommune"));
    free(out);
    fx_close(&fx);
}

static void test_e2e_empty(void **state)
{
    (void)state;
    /* a theme the index does not have is an error, not an empty selection */
    const char *none[] = {"finnes-ikke"};
    hsok_select_t bad = {.themes = none, .nthemes = 1, .tagged_only = 1};
    hsok_db_t *db = NULL;
    hsok_records_t *recs = NULL;
    char *err = NULL;
    assert_int_equal(hsok_db_open(dbpath, HSOK_DB_READ, &db, &err), HSOK_OK);
    assert_int_equal(hsok_db_select(db, &bad, &recs, &err), HSOK_ERR_QUERY);
    assert_non_null(strstr(err, "no theme 'finnes-ikke' in the index; themes: "));
    free(err);
    hsok_db_close(db, NULL);
    /* a word no passage has selects nothing */
    hsok_select_t sel = {.query = "zzqxjvkw", .tagged_only = 1};
    fixture_t fx;
    fx_open(&fx, &sel);
    assert_int_equal(hsok_records_count(fx.recs), 0);
    size_t len;
    char *out = export_to_string(&fx, HSOK_EXPORT_CSV, 0, NULL, &len);
    assert_string_equal(out, "id,respondent,section,themes,evidence,source,line,text,"
                             "respondent_type,page,end_page,position,position_evidence,"
                             "themes_unsure\r\n");
    free(out);
    out = export_to_string(&fx, HSOK_EXPORT_JSONL, 0, NULL, &len);
    assert_int_equal(len, 0);
    free(out);
    out = export_to_string(&fx, HSOK_EXPORT_HTML, 0, NULL, &len);
    assert_non_null(strstr(out, "<h1>Utdrag fra høringssvar</h1>"));
    assert_non_null(strstr(out, "0 utdrag"));
    assert_non_null(strstr(out, "</html>\n"));
    assert_null(strstr(out, "<blockquote>"));
    free(out);
    out = export_to_string(&fx, HSOK_EXPORT_MD, 0, NULL, &len);
    assert_non_null(strstr(out, "# Utdrag fra høringssvar\n"));
    assert_null(strstr(out, "\n> "));
    free(out);
    fx_close(&fx);
}

static void test_e2e_write_error(void **state)
{
    (void)state;
    hsok_select_t all = {.tagged_only = 0};
    fixture_t fx;
    fx_open(&fx, &all);
    hsok_export_format_t fmts[] = {HSOK_EXPORT_CSV, HSOK_EXPORT_JSONL, HSOK_EXPORT_MD,
                                   HSOK_EXPORT_HTML};
    for (size_t i = 0; i < NCASES(fmts); i++) {
        /* /dev/full where it is the device (fopen "w" would create a plain file where it is
         * missing, as root); else a 64-byte memory stream, which fails the same way when full */
        struct stat st;
        char small[64];
        FILE *f = stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode)
                      ? fopen("/dev/full", "w")
                      : fmemopen(small, sizeof small, "w");
        assert_non_null(f);
        hsok_export_opts_t o = {.format = fmts[i], .matrix = fx.matrix};
        char *err = NULL;
        assert_int_equal(hsok_export(f, fx.recs, &o, &err), HSOK_ERR_IO);
        assert_non_null(err);
        assert_true(strncmp(err, "cannot write", 12) == 0);
        free(err);
        fclose(f);
    }
    /* bad arguments */
    char *err = NULL;
    hsok_export_opts_t o = {.format = (hsok_export_format_t)99};
    assert_int_equal(hsok_export(stdout, fx.recs, &o, &err), HSOK_ERR_INVALID);
    free(err);
    assert_int_equal(hsok_export(stdout, NULL, &o, NULL), HSOK_ERR_INVALID);
    fx_close(&fx);
}

int main(void)
{
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_csv_cells),
        cmocka_unit_test(test_json_strings),
        cmocka_unit_test(test_html_text),
        cmocka_unit_test(test_md_text),
        cmocka_unit_test(test_helpers_null_and_errors),
        cmocka_unit_test(test_format_parse),
        cmocka_unit_test(test_csv_round_trip),
        cmocka_unit_test(test_json_reader_rejects),
        cmocka_unit_test(test_json_control_chars),
    };
    const struct CMUnitTest e2e[] = {
        cmocka_unit_test(test_e2e_fixture),
        cmocka_unit_test(test_e2e_html),
        cmocka_unit_test(test_e2e_html_links),
        cmocka_unit_test(test_e2e_csv),
        cmocka_unit_test(test_e2e_jsonl),
        cmocka_unit_test(test_e2e_md),
        cmocka_unit_test(test_e2e_filters),
        cmocka_unit_test(test_e2e_empty),
        cmocka_unit_test(test_e2e_write_error),
    };
    int failed = cmocka_run_group_tests_name("escaping", unit, NULL, NULL);
    failed += cmocka_run_group_tests_name("end to end", e2e, setup_db, teardown_db);
    return failed;
}
