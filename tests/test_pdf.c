/* test_pdf.c — the PDF reader (reader_pdf.c) on PDFs this test builds with tests/docs/make-pdf.py
 * (Debian's python3-reportlab) from the seed responses and the dev corpus (../shared/devcorpus,
 * read at test time; nothing of it is kept): the text of each page in reading order with '\f'
 * between pages, a two-column page column by column, running headers and page numbers left out,
 * an image-only page warned about, image-only, encrypted and damaged files refused with their
 * status and message and nothing on stderr; the passages, respondents and sections of a PDF as
 * those of the same content as text, and each passage's page. With argv[1] (the hsok binary):
 * `hsok index DIR` on a folder of PDF and text files, its warnings, per-type summary and exit
 * code. Without reportlab every test is skipped with a message that says so. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hsok/ingest.h"
#include "hsok/reader.h"
#include "hsok/segment.h"
#include "hsok/text.h"

#include "doctest.h"

static const char *hsok_path;
static char tmp[1024];
static int have_reportlab;

#define PYTHON "/usr/bin/python3"

/* ---- helpers ---- */

/* make-pdf.py OPTIONS... IN OUT [IN OUT ...]: args ends with NULL. */
static void make_pdf(const char *const *args)
{
    char *script = path_in(src_root(), "tests/docs/make-pdf.py");
    const char *argv[256];
    size_t n = 0;
    argv[n++] = PYTHON;
    argv[n++] = script;
    for (size_t i = 0; args[i] && n + 1 < 256; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char *err = path_in(tmp, "make-pdf.err");
    int rc = run((char *const *)argv, NULL, err);
    if (rc != 0) {
        size_t len;
        char *msg = read_all(err, &len);
        fail_msg("make-pdf.py failed (%d): %s", rc, msg);
    }
    free(err);
    free(script);
}

static char *seed_path(const char *name)
{
    char *dir = path_in(src_root(), "seeds");
    char *p = path_in(dir, name);
    free(dir);
    return p;
}

/* Read the file at path with hsok_document_read (doctest.h), its stderr kept. */
static hsok_status_t read_doc(const char *path, hsok_document_t *doc, char **errmsg,
                              char **stderr_text)
{
    return doc_read(tmp, path, doc, errmsg, stderr_text);
}

static size_t count_char(const char *s, size_t n, char c)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

/* s without white space; with a header, also without the lines that are that running header
 * or a page number at the bottom of a page. malloc'd. */
static char *letters(const char *s, const char *header)
{
    size_t n = strlen(s), k = 0;
    char *o = malloc(n + 1);
    assert_non_null(o);
    for (size_t i = 0; i < n;) {
        const char *nl = strchr(s + i, '\n');
        size_t e = nl ? (size_t)(nl - s) : n;
        const char *l = s + i;
        size_t ln = e - i;
        while (ln && (*l == '\f' || *l == ' '))
            l++, ln--;
        int digits = ln > 0;
        for (size_t j = 0; j < ln; j++)
            digits &= l[j] >= '0' && l[j] <= '9';
        /* a page number is the last line of its page */
        size_t j = e;
        while (j < n && (s[j] == '\n' || s[j] == ' '))
            j++;
        digits &= j == n || s[j] == '\f';
        int furniture = header && (digits || (ln == strlen(header) && !memcmp(l, header, ln)));
        for (size_t j = 0; !furniture && j < ln; j++)
            if (l[j] != ' ' && l[j] != '\t' && l[j] != '\f')
                o[k++] = l[j];
        i = e + 1;
    }
    o[k] = '\0';
    return o;
}

static hsok_segdoc_t *segment(const char *name, const char *text, size_t len)
{
    hsok_segdoc_t *sd = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_segment(name, text, len, NULL, &sd, &err);
    if (st != HSOK_OK)
        fail_msg("segment '%s': %s", name, err ? err : "?");
    return sd;
}

/* Whether each passage of sd (from the PDF made with make-pdf.py, whose text version is txt
 * and page list pages) has the page of the paragraph it comes from: the paragraph is found
 * by the passage's first characters, in order; its page range is in the page list. The
 * number of passages whose page is wrong or whose paragraph was not found (printed). */
/* s without '-' and bullets '•' (the segmenter joins "helse-" + "nettet", drops bullets). */
static void drop_dashes(char *s)
{
    size_t k = 0;
    for (size_t i = 0; s[i]; i++) {
        if (!strncmp(s + i, "\xe2\x80\xa2", 3))
            i += 2;
        else if (s[i] != '-')
            s[k++] = s[i];
    }
    s[k] = '\0';
}

static size_t wrong_pages(const char *what, const hsok_segdoc_t *sd, const char *txt,
                          const char *pages)
{
    /* the paragraphs' characters one after another, and whose each is */
    size_t tl = strlen(txt), n = 0, npara = 0, bad = 0, from = 0;
    char *all = malloc(tl + 1);
    unsigned *first = malloc((tl + 1) * sizeof *first), *last = malloc((tl + 1) * sizeof *last);
    assert_true(all && first && last);
    const char *t = txt, *pg = pages;
    /* a PDF of one page has no form feed: its passages have page 0 (segment.h) */
    int one = !strncmp(pages + strlen(pages) - 8, "pages\t1\n", 8);
    while (*t) {
        const char *nl = strchr(t, '\n');
        size_t ln = nl ? (size_t)(nl - t) : strlen(t);
        if (ln) {
            char *end;
            unsigned a = (unsigned)strtoul(pg, &end, 10), b = (unsigned)strtoul(end, &end, 10);
            assert_true(a >= 1 && b >= a);
            pg = strchr(end, '\n') + 1;
            char *line = strndup(t, ln);
            assert_non_null(line);
            char *l = letters(line, NULL);
            drop_dashes(l); /* "helse-" + "nettet" is joined */
            for (size_t i = 0; l[i]; i++, n++)
                all[n] = l[i], first[n] = a, last[n] = b;
            free(l);
            free(line);
            npara++;
        }
        t += ln + (nl != NULL);
    }
    all[n] = '\0';
    for (size_t i = 0; i < hsok_segdoc_passage_count(sd); i++) {
        const hsok_passage_t *p = hsok_segdoc_passage(sd, i);
        char *key = letters(p->text, NULL);
        drop_dashes(key);
        if (strlen(key) > 40)
            key[40] = '\0';
        const char *hit = strstr(all + from, key);
        size_t k = hit ? (size_t)(hit - all) : 0;
        if (!hit) {
            print_message("%s: passage %zu not found in the text: %s\n", what, i, p->text);
            bad++;
        } else if (one ? p->page != 0 || p->end_page != 0
                       : p->page < first[k] || p->page > last[k] || p->end_page < p->page) {
            print_message("%s: passage %zu on page %u-%u, its paragraph on %u-%u: %s\n", what, i,
                          p->page, p->end_page, first[k], last[k], p->text);
            bad++;
        } else {
            from = k + 1;
        }
        free(key);
    }
    free(all);
    free(first);
    free(last);
    return bad;
}

/* ---- the reader ---- */

static int skip_without_reportlab(void)
{
    if (have_reportlab)
        return 0;
    print_message("skipped: python3-reportlab is not installed (apt-get install "
                  "python3-reportlab; scripts/setup installs it)\n");
    return 1;
}

/* A seed response as a 7-page PDF: running header, "Side N av M", page 2 in two columns, an
 * image page after page 3. Pages, form feeds, the warning, no furniture, and the passages,
 * respondents and sections of the text version. */
static void test_pdf_seed_pages(void **state)
{
    (void)state;
    if (skip_without_reportlab())
        skip();
    char *seed = seed_path("000_a029a37dc8fc4944.txt");
    char *pdf = path_in(tmp, "seed0.pdf");
    const char *args[] = { "--header", "Saksnr. 2023/1234", "--page-numbers", "side",
                           "--fontsize", "8", "--image-page", "3", seed, pdf, NULL };
    make_pdf(args);
    hsok_document_t doc;
    char *err = NULL, *said = NULL;
    hsok_status_t st = read_doc(pdf, &doc, &err, &said);
    if (st != HSOK_OK)
        fail_msg("%s", err);
    assert_string_equal(said, "");
    assert_int_equal(doc.format, HSOK_FORMAT_PDF);

    char *pagesfile = path_in(tmp, "seed0.pdf.pages");
    char *pages = read_all(pagesfile, NULL);
    char *tot = strstr(pages, "pages\t");
    assert_non_null(tot);
    unsigned npages = (unsigned)strtoul(tot + 6, NULL, 10);
    assert_true(npages >= 4);
    assert_int_equal(doc.pages, npages);
    assert_int_equal(count_char(doc.src.text, doc.src.len, '\f'), npages - 1);
    assert_true(hsok_utf8_valid(doc.src.text, doc.src.len, NULL));
    assert_null(memchr(doc.src.text, '\r', doc.src.len));
    /* the image page (PDF page 4) has no text layer: said, and the rest read */
    assert_int_equal(doc.nwarnings, 1);
    assert_string_equal(doc.warnings[0], "page 4: no text layer; needs OCR");

    char *txtfile = path_in(tmp, "seed0.pdf.txt");
    size_t tlen;
    char *txt = read_all(txtfile, &tlen);
    hsok_segdoc_t *a = segment(pdf, doc.src.text, doc.src.len);
    hsok_segdoc_t *b = segment(txtfile, txt, tlen);
    for (size_t i = 0; i < hsok_segdoc_passage_count(a); i++) {
        const char *t = hsok_segdoc_passage(a, i)->text;
        if (strstr(t, "Saksnr.") || strstr(t, "Side ") || strstr(t, " av 7"))
            fail_msg("furniture left in passage %zu: %s", i, t);
    }
    assert_true(same_passages("pdf:", "seed 000", a, b));
    assert_int_equal(wrong_pages("seed 000", a, txt, pages), 0);
    assert_true(hsok_segdoc_passage(a, hsok_segdoc_passage_count(a) - 1)->page >= npages - 1);
    hsok_segdoc_free(a);
    hsok_segdoc_free(b);
    free(txt);
    free(txtfile);
    free(pages);
    free(pagesfile);
    hsok_document_clear(&doc);
    free(said);
    free(pdf);
    free(seed);
}

/* Two pages in two columns: read column by column, every character in its order. */
static void test_pdf_two_columns(void **state)
{
    (void)state;
    if (skip_without_reportlab())
        skip();
    char *seed = seed_path("004_6450df641f7c9d61.txt");
    char *pdf = path_in(tmp, "cols.pdf");
    const char *args[] = { "--two-column", "1", "--fontsize", "9", seed, pdf, NULL };
    make_pdf(args);
    hsok_document_t doc;
    char *err = NULL, *said = NULL;
    hsok_status_t st = read_doc(pdf, &doc, &err, &said);
    if (st != HSOK_OK)
        fail_msg("%s", err);
    assert_string_equal(said, "");
    char *txtfile = path_in(tmp, "cols.pdf.txt");
    size_t tlen;
    char *txt = read_all(txtfile, &tlen);
    char *got = letters(doc.src.text, ""), *want = letters(txt, NULL);
    size_t at = 0;
    while (got[at] && got[at] == want[at])
        at++;
    if (got[at] || want[at])
        fail_msg("the two-column text differs from character %zu: '%.60s' where the text has "
                 "'%.60s'", at, got + at, want + at);
    /* the respondent of the text version (the passages themselves differ where a line wraps
     * in the narrow column: the segmenter reads the first line of a numbered question as the
     * heading, or a wrapped line that starts with an organisation's name as its own) */
    hsok_segdoc_t *a = segment(pdf, doc.src.text, doc.src.len);
    hsok_segdoc_t *b = segment(txtfile, txt, tlen);
    size_t np = hsok_segdoc_passage_count(a), same = 0;
    assert_true(np > 20);
    assert_string_equal(hsok_segdoc_passage(b, 0)->respondent, "Drammen kommune");
    assert_string_equal(hsok_segdoc_passage(a, 0)->respondent, "Drammen kommune");
    for (size_t i = 0; i < np; i++)
        same += !strcmp(hsok_segdoc_passage(a, i)->respondent, "Drammen kommune");
    assert_true(same * 10 >= np * 8);
    hsok_segdoc_free(a);
    hsok_segdoc_free(b);
    free(got);
    free(want);
    free(txt);
    free(txtfile);
    free(said);
    hsok_document_clear(&doc);
    free(pdf);
    free(seed);
}

/* Read the PDF made from a seed with the options given; the status, and the message in *err
 * (stderr must stay silent). */
static hsok_status_t read_made(const char *file, const char *const *opts, hsok_document_t *doc,
                               char **err)
{
    char *seed = seed_path("000_a029a37dc8fc4944.txt");
    char *pdf = path_in(tmp, file);
    const char *args[32];
    size_t n = 0;
    for (; opts[n]; n++)
        args[n] = opts[n];
    args[n++] = seed;
    args[n++] = pdf;
    args[n] = NULL;
    make_pdf(args);
    char *said = NULL;
    *err = NULL;
    hsok_status_t st = read_doc(pdf, doc, err, &said);
    if (*said)
        fail_msg("reading '%s' wrote to stderr: %s", pdf, said);
    free(said);
    free(pdf);
    free(seed);
    return st;
}

/* A scan (every page an image): no text layer, HSOK_ERR_NO_TEXT naming the file. */
static void test_pdf_image_only(void **state)
{
    (void)state;
    if (skip_without_reportlab())
        skip();
    hsok_document_t doc;
    char *err;
    const char *opts[] = { "--image-only", "--fontsize", "8", NULL };
    assert_int_equal(read_made("scan.pdf", opts, &doc, &err), HSOK_ERR_NO_TEXT);
    char *want = path_in(tmp, "scan.pdf");
    char msg[2048];
    snprintf(msg, sizeof msg, "'%s': no text layer; needs OCR", want);
    if (strncmp(err, msg, strlen(msg)))
        fail_msg("message: %s", err);
    assert_null(doc.src.text);
    free(want);
    free(err);
    hsok_document_clear(&doc);
}

/* A PDF of one page has no form feed, yet its passages cite page 1 like every PDF's. */
static void test_pdf_one_page(void **state)
{
    (void)state;
    if (skip_without_reportlab())
        skip();
    char *txt = path_in(tmp, "en-side.txt"), *pdf = path_in(tmp, "en-side.pdf");
    FILE *f = fopen(txt, "w");
    assert_non_null(f);
    fputs("Høringssvar fra Ensidig kommune\n\nEnsidig kommune støtter forslaget om "
          "felles journal for pasientene.\n", f);
    fclose(f);
    const char *args[] = { txt, pdf, NULL };
    make_pdf(args);
    char *db = path_in(tmp, "en-side.db"), *out = path_in(tmp, "en-side.out");
    char *const ix[] = { (char *)hsok_path, "--db", db, "index", "--no-themes", pdf, NULL };
    assert_int_equal(run(ix, NULL, NULL), 0);
    char *const q[] = { (char *)hsok_path, "--db", db, "--json", "journal", NULL };
    assert_int_equal(run(q, out, NULL), 0);
    size_t len;
    char *json = read_all(out, &len);
    if (!strstr(json, "\"page\":1,\"end_page\":1"))
        fail_msg("a one-page PDF's passage cites no page: %s", json);
    free(json);
    free(out);
    free(db);
    free(pdf);
    free(txt);
}

/* Encrypted with a user password: HSOK_ERR_NO_TEXT, "encrypted; needs its password". With an
 * owner password only (no password to open it) it is read. */
static void test_pdf_encrypted(void **state)
{
    (void)state;
    if (skip_without_reportlab())
        skip();
    hsok_document_t doc;
    char *err;
    const char *locked[] = { "--encrypt", "hemmelig", NULL };
    assert_int_equal(read_made("locked.pdf", locked, &doc, &err), HSOK_ERR_NO_TEXT);
    assert_non_null(strstr(err, "locked.pdf': encrypted; needs its password"));
    free(err);
    hsok_document_clear(&doc);

    const char *owner[] = { "--owner-only", NULL };
    hsok_status_t st = read_made("owner.pdf", owner, &doc, &err);
    if (st != HSOK_OK)
        fail_msg("%s", err);
    assert_true(doc.pages >= 2);
    assert_non_null(strstr(doc.src.text, "Norsk helsenett stiller seg bak"));
    hsok_document_clear(&doc);
}

/* Damaged files: cut short, or garbage after the header: HSOK_ERR_PARSE naming the file, or
 * (poppler rebuilds what it can) the pages it could read; never a crash, nothing on stderr. */
static void test_pdf_damaged(void **state)
{
    (void)state;
    if (skip_without_reportlab())
        skip();
    static const char *const cuts[] = { "3", "30", "60", "90", "99.5" };
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        hsok_document_t doc;
        char *err, file[64];
        snprintf(file, sizeof file, "cut%zu.pdf", i);
        const char *opts[] = { "--truncate", cuts[i], "--fontsize", "8", NULL };
        hsok_status_t st = read_made(file, opts, &doc, &err);
        if (st == HSOK_OK) {
            assert_true(doc.pages >= 1);
            assert_true(hsok_utf8_valid(doc.src.text, doc.src.len, NULL));
        } else {
            if (st != HSOK_ERR_PARSE && st != HSOK_ERR_NO_TEXT)
                fail_msg("%s cut at %s%%: status %d: %s", file, cuts[i], st, err);
            assert_non_null(strstr(err, file));
        }
        free(err);
        hsok_document_clear(&doc);
    }
    /* cut at 3% nothing is left to rebuild */
    hsok_document_t doc;
    char *err = NULL;
    const char garbage[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage\n";
    assert_int_equal(hsok_document_read("bad.pdf", garbage, sizeof garbage - 1, &doc, &err),
                     HSOK_ERR_PARSE);
    assert_non_null(strstr(err, "'bad.pdf': a damaged PDF file"));
    free(err);
    hsok_document_clear(&doc);
}

/* The dev corpus (../shared/devcorpus beside the source tree), if it is there. */
static char *devcorpus_dir(void)
{
    char *d = path_in(src_root(), "../shared/devcorpus");
    struct stat st;
    if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
        free(d);
        return NULL;
    }
    return d;
}

/* Every response of the dev corpus as a PDF of small pages (A6: each paragraph wraps, and runs
 * on over page breaks), with a running header, page numbers and its second page in two
 * columns, read and segmented as its text is. */
static void test_pdf_devcorpus(void **state)
{
    (void)state;
    if (skip_without_reportlab())
        skip();
    char *dc = devcorpus_dir();
    if (!dc) {
        print_message("skipped: no ../shared/devcorpus beside the source tree\n");
        skip();
    }
    const char *args[256] = { "--header", "Saksnr. 23/04567-2", "--page-numbers", "plain",
                              "--pagesize", "A5", "--fontsize", "12" };
    size_t na = 8, nfiles = 0; /* args so far */
    char *names[120];
    DIR *d = opendir(dc);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) && nfiles < 120) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == 'd' && n > 4 && !strcmp(e->d_name + n - 4, ".txt"))
            names[nfiles++] = strdup(e->d_name);
    }
    closedir(d);
    assert_true(nfiles >= 10);
    char *ins[120], *outs[120];
    for (size_t i = 0; i < nfiles; i++) {
        ins[i] = path_in(dc, names[i]);
        outs[i] = path_in(tmp, names[i]);
        strcpy(outs[i] + strlen(outs[i]) - 3, "pdf");
        args[na++] = ins[i];
        args[na++] = outs[i];
    }
    args[na] = NULL;
    make_pdf(args);
    size_t differ = 0, paged = 0, misplaced = 0;
    for (size_t i = 0; i < nfiles; i++) {
        hsok_document_t doc;
        char *err = NULL, *said = NULL;
        hsok_status_t st = read_doc(outs[i], &doc, &err, &said);
        if (st != HSOK_OK)
            fail_msg("%s", err);
        assert_string_equal(said, "");
        assert_int_equal(doc.nwarnings, 0);
        paged += doc.pages > 1;
        size_t tlen;
        char *txtfile = malloc(strlen(outs[i]) + 5);
        assert_non_null(txtfile);
        sprintf(txtfile, "%s.txt", outs[i]);
        char *txt = read_all(txtfile, &tlen);
        /* every character of the text, in its order, and nothing else */
        char *got = letters(doc.src.text, args[1]), *want = letters(txt, NULL);
        if (strcmp(got, want)) {
            size_t at = 0;
            while (got[at] && got[at] == want[at])
                at++;
            fail_msg("%s: the PDF's text differs from its text from character %zu: '%.40s' "
                     "where the text has '%.40s'", names[i], at, got + at, want + at);
        }
        free(got);
        free(want);
        hsok_segdoc_t *a = segment(outs[i], doc.src.text, doc.src.len);
        hsok_segdoc_t *b = segment(txtfile, txt, tlen);
        free(txtfile);
        differ += !same_passages("pdf:", names[i], a, b);
        char *pagesfile = malloc(strlen(outs[i]) + 7);
        assert_non_null(pagesfile);
        sprintf(pagesfile, "%s.pages", outs[i]);
        char *pages = read_all(pagesfile, NULL);
        misplaced += wrong_pages(names[i], a, txt, pages);
        free(pages);
        free(pagesfile);
        hsok_segdoc_free(a);
        hsok_segdoc_free(b);
        free(txt);
        free(said);
        hsok_document_clear(&doc);
        free(ins[i]);
        free(outs[i]);
        free(names[i]);
    }
    print_message("dev corpus: %zu of %zu PDFs give the passages of their text (%zu of more "
                  "than one page); %zu passages not on their paragraph's page\n", nfiles - differ,
                  nfiles, paged, misplaced);
    /* every PDF of more than one page; the text of each exactly (above); the passages of most
     * as their text gives them: the rest differ where the segmenter reads a line that
     * wrapping made (a title on two lines, a line that starts "30. juni" or "Høringssvaret")
     * otherwise than the whole line */
    assert_true(paged * 2 >= nfiles);
    assert_int_equal(misplaced, 0);
    assert_true(nfiles - differ >= nfiles / 2);
    free(dc);
}

static int state_setup(void **state)
{
    (void)state;
    return 0;
}

int main(int argc, char **argv)
{
    hsok_path = argc > 1 ? argv[1] : NULL;
    snprintf(tmp, sizeof tmp, "/tmp/hsok-test-pdf-XXXXXX");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    char *const check[] = { PYTHON, "-c", "import reportlab", NULL };
    have_reportlab = run(check, NULL, NULL) == 0;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_pdf_seed_pages, state_setup),
        cmocka_unit_test_setup(test_pdf_two_columns, state_setup),
        cmocka_unit_test_setup(test_pdf_image_only, state_setup),
        cmocka_unit_test_setup(test_pdf_one_page, state_setup),
        cmocka_unit_test_setup(test_pdf_encrypted, state_setup),
        cmocka_unit_test_setup(test_pdf_damaged, state_setup),
        cmocka_unit_test_setup(test_pdf_devcorpus, state_setup),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    return rc;
}
