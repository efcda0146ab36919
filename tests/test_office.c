/* test_office.c — the Word, OpenDocument and e-mail readers (reader_office.c, reader_eml.c) on
 * files this test builds with tests/docs/make-office.py (python's zipfile and hand-written XML
 * and MIME) from the seed responses, the dev corpus (../shared/devcorpus, read at test time;
 * nothing of it is kept) and hand-built fixtures: the text, headings, list items and table rows
 * with their hints; footnotes, text boxes, deleted text; encoded headers, quoted-printable and
 * base64 bodies, charsets, HTML-only mail, attachments; hostile files (a zip bomb, billion
 * laughs, a truncated zip, damaged XML, a spreadsheet named .odt) refused with their status
 * and a message naming the file, and nothing on stderr; the passages, respondents and sections
 * of each format as those of the same text. With argv[1] (the hsok binary): `hsok index` of
 * such files, the sender as respondent, and what it says about hostile ones. */
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

#include "doctest.h"

static const char *hsok_path;
static char tmp[1024];

#define PYTHON "/usr/bin/python3"

/* ---- helpers ---- */

static void write_file(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
    assert_int_equal(fclose(f), 0);
}

/* make-office.py ARGS...: args ends with NULL. */
static void make_office(const char *const *args)
{
    char *script = path_in(src_root(), "tests/docs/make-office.py");
    const char *argv[300];
    size_t n = 0;
    argv[n++] = PYTHON;
    argv[n++] = script;
    for (size_t i = 0; args[i] && n + 1 < 300; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char *err = path_in(tmp, "make-office.err");
    int rc = run((char *const *)argv, NULL, err);
    if (rc != 0)
        fail_msg("make-office.py failed (%d): %s", rc, read_all(err, NULL));
    free(err);
    free(script);
}

/* tmp/NAME built as the fixture NAME; malloc'd path. */
static char *fixture(const char *name)
{
    char *out = path_in(tmp, name);
    const char *args[] = { "fixture", name, out, NULL };
    make_office(args);
    return out;
}

/* Read the file at path with hsok_document_read; what it wrote to stderr meanwhile is
 * asserted to be nothing. */
static hsok_status_t read_doc(const char *path, hsok_document_t *doc, char **errmsg)
{
    char *said = NULL;
    hsok_status_t st = doc_read(tmp, path, doc, errmsg, &said);
    if (*said)
        fail_msg("reading '%s' wrote to stderr: %s", path, said);
    free(said);
    return st;
}

/* The document at path, which must read. */
static void read_ok(const char *path, hsok_document_t *doc)
{
    char *err = NULL;
    hsok_status_t st = read_doc(path, doc, &err);
    if (st != HSOK_OK)
        fail_msg("'%s': status %d: %s", path, st, err ? err : "?");
    assert_non_null(doc->src.text);
    assert_int_equal(doc->src.text[doc->src.len], '\0');
}

/* The hints of doc as "KIND LEVEL: LINE" lines, one per hint. */
static char *hint_lines(const hsok_document_t *doc)
{
    static const char *const kinds[] = { "?", "heading", "item", "row" };
    size_t cap = 64 * (doc->nhints + 1), n = 0;
    char *o = malloc(cap * 4);
    assert_non_null(o);
    o[0] = '\0';
    for (size_t i = 0; i < doc->nhints; i++) {
        const hsok_hint_t *h = &doc->hints[i];
        assert_true(h->offset < doc->src.len);
        assert_true(h->offset == 0 || doc->src.text[h->offset - 1] == '\n');
        if (i)
            assert_true(h->offset > doc->hints[i - 1].offset);
        const char *l = doc->src.text + h->offset, *nl = strchr(l, '\n');
        int ll = nl ? (int)(nl - l) : (int)strlen(l);
        n += (size_t)snprintf(o + n, cap * 4 - n, "%s %u: %.*s\n",
                              kinds[h->kind < 4 ? h->kind : 0], h->level, ll < 60 ? ll : 60, l);
    }
    return o;
}

static hsok_segdoc_t *segment(const char *name, const hsok_document_t *doc)
{
    hsok_segdoc_t *sd = NULL;
    char *err = NULL;
    hsok_segment_opts_t so = { .hints = doc->hints, .nhints = doc->nhints };
    if (hsok_segment(name, doc->src.text, doc->src.len, &so, &sd, &err) != HSOK_OK)
        fail_msg("segment '%s': %s", name, err ? err : "?");
    return sd;
}

/* ---- Word and OpenDocument structure ---- */

static void test_docx_structure(void **state)
{
    (void)state;
    char *path = fixture("structure.docx");
    hsok_document_t doc;
    read_ok(path, &doc);
    assert_int_equal(doc.format, HSOK_FORMAT_DOCX);
    assert_int_equal(doc.pages, 0);
    /* tab and line break kept, deleted text and the field code left out, the text box once
     * after its paragraph, the footnote at the end, bullets and numbers as Word shows them
     * (the Symbol-font bullet as "•", a list style's numbering, "a)" under "1.") */
    assert_string_equal(doc.src.text,
                        "Høringssvar fra Testvik kommune\n\n"
                        "Innledning\n\n"
                        "Testvik kommune viser til høringen og gir med dette sitt svar.\n\n"
                        "Personvern og informasjonssikkerhet\n\n"
                        "Første\tkolonne\nandre linje med e-post og innsatt.\n\n"
                        "• Første punkt\n• Andre punkt\n\n"
                        "1. Første tiltak\na) Et underpunkt\n2. Andre tiltak\n\n"
                        "Tema | Vurdering\n\n"
                        "Personvern | Godt ivaretatt\n\n"
                        "Et nivå under\n\n"
                        "Avsnitt med boks.\n\n"
                        "Tekst i boks\n\n"
                        "KIT står for kommunal IT.\n");
    /* Overskrift1 by its outline level, Heading2 by its name, a style based on a heading with
     * a direct outline level 2 (level 3); the table's empty row is no row */
    char *h = hint_lines(&doc);
    assert_string_equal(h, "heading 1: Innledning\n"
                           "heading 2: Personvern og informasjonssikkerhet\n"
                           "item 1: • Første punkt\n"
                           "item 1: • Andre punkt\n"
                           "item 1: 1. Første tiltak\n"
                           "item 2: a) Et underpunkt\n"
                           "item 1: 2. Andre tiltak\n"
                           "row 0: Tema | Vurdering\n"
                           "row 0: Personvern | Godt ivaretatt\n"
                           "heading 3: Et nivå under\n");
    free(h);
    /* the segmenter: the headings are the sections of the passages under them */
    hsok_segdoc_t *sd = segment(path, &doc);
    int found = 0;
    for (size_t i = 0; i < hsok_segdoc_passage_count(sd); i++) {
        const hsok_passage_t *p = hsok_segdoc_passage(sd, i);
        if (strstr(p->text, "gir med dette sitt svar")) {
            assert_string_equal(p->section, "Innledning");
            found++;
        }
        if (strstr(p->text, "e-post og innsatt")) {
            assert_non_null(strstr(p->section, "Personvern og informasjonssikkerhet"));
            found++;
        }
    }
    assert_int_equal(found, 2);
    hsok_segdoc_free(sd);
    hsok_document_clear(&doc);
    free(path);
}

/* The first page's header (a letterhead) leads the text, so the respondent is found in it */
static void test_docx_letterhead(void **state)
{
    (void)state;
    char *path = fixture("letterhead.docx");
    hsok_document_t doc;
    read_ok(path, &doc);
    const char *head = "LØVSTAD KOMMUNE\n\nHelse og omsorg\n\nHøring om felles journal\n\n";
    if (strncmp(doc.src.text, head, strlen(head)))
        fail_msg("the text begins otherwise:\n%s", doc.src.text);
    assert_null(strstr(doc.src.text, "Side 2"));
    hsok_segdoc_t *sd = segment(path, &doc);
    assert_int_equal(hsok_segdoc_respondent_count(sd), 1);
    assert_string_equal(hsok_segdoc_respondent(sd, 0), "Løvstad kommune");
    assert_string_equal(hsok_segdoc_respondent_how(sd, 0), "letterhead");
    hsok_segdoc_free(sd);
    hsok_document_clear(&doc);
    free(path);
}

static void test_odt_structure(void **state)
{
    (void)state;
    char *path = fixture("structure.odt");
    hsok_document_t doc;
    read_ok(path, &doc);
    assert_int_equal(doc.format, HSOK_FORMAT_ODT);
    /* white space as ODF reads it (runs are one space, text:s counts), the annotation and the
     * tracked deletion left out, the list style's bullet and numbers, the note at the end */
    assert_string_equal(doc.src.text,
                        "Høringssvar fra Testvik kommune\n\n"
                        "Innledning\n\n"
                        "Testvik kommune viser til høringen og gir  sitt svar.\n\n"
                        "Personvern\n\n"
                        "Første\tkolonne\nandre linje.\n\n"
                        "– Første punkt\na) Under\n– Andre punkt\n\n"
                        "1. Første tiltak\n2. Andre tiltak\n\n"
                        "Tema | Vurdering\n\n"
                        "Personvern | Godt ivaretatt\n\n"
                        "KIT står for kommunal IT.\n");
    char *h = hint_lines(&doc);
    assert_string_equal(h, "heading 1: Innledning\n"
                           "heading 2: Personvern\n"
                           "item 1: – Første punkt\n"
                           "item 2: a) Under\n"
                           "item 1: – Andre punkt\n"
                           "item 1: 1. Første tiltak\n"
                           "item 1: 2. Andre tiltak\n"
                           "row 0: Tema | Vurdering\n"
                           "row 0: Personvern | Godt ivaretatt\n");
    free(h);
    hsok_document_clear(&doc);
    free(path);
}

/* ---- hostile files ---- */

static void test_office_hostile(void **state)
{
    (void)state;
    static const struct {
        const char *fixture;
        hsok_status_t st;
        const char *says;
    } cases[] = {
        { "bomb.docx", HSOK_ERR_PARSE, "'word/document.xml' unpacks to more than 256 MB or "
                                           "at a ratio no document has (a zip bomb?); not read" },
        { "laughs.docx", HSOK_ERR_PARSE, "'word/document.xml' declares a DTD" },
        { "laughs16.docx", HSOK_ERR_PARSE, "'word/document.xml' declares a DTD" },
        { "truncated.docx", HSOK_ERR_PARSE, ": a damaged zip archive (" },
        { "badxml.docx", HSOK_ERR_PARSE, "'word/document.xml' is damaged: line " },
        { "spreadsheet.odt", HSOK_ERR_UNSUPPORTED, "not a Word (.docx) or OpenDocument (.odt)" },
        { "nocontent.odt", HSOK_ERR_PARSE, "a damaged document: no 'content.xml' in it" },
        { "empty.docx", HSOK_ERR_NO_TEXT, ": no text in the document" },
        { "encrypted.docx", HSOK_ERR_NO_TEXT, "': encrypted (a Word or OpenDocument file); "
                                              "needs its password" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = fixture(cases[i].fixture);
        hsok_document_t doc;
        char *err = NULL;
        hsok_status_t st = read_doc(path, &doc, &err);
        if (st != cases[i].st || !err || !strstr(err, cases[i].says) || !strstr(err, path))
            fail_msg("%s: status %d, message '%s'; want %d with '%s' and the path",
                     cases[i].fixture, st, err ? err : "", cases[i].st, cases[i].says);
        hsok_document_clear(&doc);
        free(err);
        free(path);
    }
}

/* ---- the same passages as the text ---- */

/* Each of names (paths of .txt files) as .docx, .odt, .eml and an HTML-only .eml, read and
 * segmented as the text is: the same passages, respondents and sections. pdf_lines: the texts
 * are double-spaced PDF extractions, made into documents whose paragraphs hold their lines. */
static void same_as_text(char **names, size_t n, int pdf_lines)
{
    const char **args = calloc(n + 4, sizeof *args);
    assert_non_null(args);
    char *dir = path_in(tmp, "same");
    mkdir(dir, 0700);
    size_t na = 0;
    args[na++] = "batch";
    if (pdf_lines)
        args[na++] = "--pdf-lines";
    args[na++] = dir;
    for (size_t i = 0; i < n; i++)
        args[na++] = names[i];
    make_office(args);
    static const char *const exts[] = { ".docx", ".odt", ".eml", ".html.eml" };
    size_t differ = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        hsok_document_t txt;
        read_ok(names[i], &txt);
        hsok_segdoc_t *want = segment(names[i], &txt);
        const char *base = strrchr(names[i], '/') ? strrchr(names[i], '/') + 1 : names[i];
        for (size_t k = 0; k < 4; k++) {
            char file[512];
            snprintf(file, sizeof file, "%s/%.*s%s", dir, (int)(strlen(base) - 4), base,
                     exts[k]);
            hsok_document_t doc;
            read_ok(file, &doc);
            hsok_segdoc_t *got = segment(file, &doc);
            total++;
            if (!same_passages("this:", file, got, want))
                differ++;
            if (k >= 2) /* the sender, decoded */
                assert_string_equal(doc.sender, "Ola Nordmann <ola@example.no>");
            hsok_segdoc_free(got);
            hsok_document_clear(&doc);
        }
        hsok_segdoc_free(want);
        hsok_document_clear(&txt);
    }
    print_message("%zu of %zu documents segmented as their text\n", total - differ, total);
    assert_int_equal(differ, 0);
    free(args);
    free(dir);
}

static void test_seeds_same_as_text(void **state)
{
    (void)state;
    char *seeds = path_in(src_root(), "seeds");
    char *names[] = { path_in(seeds, "000_a029a37dc8fc4944.txt"),
                      path_in(seeds, "004_6450df641f7c9d61.txt") };
    same_as_text(names, 1, 1);
    same_as_text(names + 1, 1, 0);
    free(names[0]);
    free(names[1]);
    free(seeds);
}

static void test_devcorpus_same_as_text(void **state)
{
    (void)state;
    char *dc = path_in(src_root(), "../shared/devcorpus");
    struct stat st;
    if (stat(dc, &st) != 0 || !S_ISDIR(st.st_mode)) {
        print_message("skipped: no ../shared/devcorpus beside the source tree\n");
        free(dc);
        skip();
    }
    char *names[200];
    size_t n = 0;
    for (int i = 1; i < 200 && n < 200; i++) {
        char nm[32];
        snprintf(nm, sizeof nm, "d%03d.txt", i);
        char *p = path_in(dc, nm);
        if (stat(p, &st) == 0)
            names[n++] = p;
        else
            free(p);
    }
    assert_true(n >= 10);
    same_as_text(names, n, 0);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(dc);
}


/* ---- e-mail ---- */

/* tmp/name written with text, read; the document must read. malloc'd path in *path. */
static void read_eml_text(const char *name, const char *text, hsok_document_t *doc)
{
    char *path = path_in(tmp, name);
    write_file(path, text);
    read_ok(path, doc);
    assert_int_equal(doc->format, HSOK_FORMAT_EML);
    free(path);
}

static void test_eml_headers_qp(void **state)
{
    (void)state;
    hsok_document_t doc;
    /* a folded subject of two encoded-words (the space between them goes), a Latin-1 name in
     * From:, a quoted-printable Latin-1 body with a soft line break and CRLF line ends */
    read_eml_text("qp.eml",
                  "From: =?iso-8859-1?Q?Kari_Nordmann_p=E5_vegne_av_=D8stby?= "
                  "<kari@example.no>\r\n"
                  "To: postmottak@example.no\r\n"
                  "Subject: =?utf-8?Q?H=C3=B8ringssvar_fra?=\r\n"
                  " =?utf-8?B?IEzDuHZzdGFkIGtvbW11bmU=?=\r\n"
                  "MIME-Version: 1.0\r\n"
                  "Content-Type: text/plain;\r\n\tcharset=\"iso-8859-1\"\r\n"
                  "Content-Transfer-Encoding: quoted-printable\r\n"
                  "\r\n"
                  "L=F8vstad kommune st=F8tter forslaget om =E5 styrke personvernet i "
                  "hele sekto=\r\n"
                  "ren.\r\n"
                  "\r\n"
                  "Vi har ingen flere merknader =3D ferdig.\r\n",
                  &doc);
    assert_string_equal(doc.sender, "Kari Nordmann på vegne av Østby <kari@example.no>");
    char *who = hsok_sender_name(doc.sender);
    assert_string_equal(who, "Kari Nordmann på vegne av Østby");
    free(who);
    assert_string_equal(doc.src.text,
                        "Emne: Høringssvar fra Løvstad kommune\n\n"
                        "Løvstad kommune støtter forslaget om å styrke personvernet i hele "
                        "sektoren.\n\nVi har ingen flere merknader = ferdig.\n");
    assert_int_equal(doc.nwarnings, 0);
    /* the subject names the respondent as a title does */
    hsok_segdoc_t *sd = segment("qp.eml", &doc);
    assert_true(hsok_segdoc_passage_count(sd) >= 1);
    assert_string_equal(hsok_segdoc_passage(sd, 0)->respondent, "Løvstad kommune");
    assert_null(strstr(hsok_segdoc_passage(sd, 0)->text, "Emne"));
    hsok_segdoc_free(sd);
    hsok_document_clear(&doc);

    /* a bare address, a name in quotes */
    const char *const senders[][2] = { { "kari@example.no", "kari@example.no" },
                                       { "<kari@example.no>", "kari@example.no" },
                                       { "\"Nordmann, Kari\" <kari@example.no>",
                                         "Nordmann, Kari" } };
    for (size_t i = 0; i < 3; i++) {
        char *n = hsok_sender_name(senders[i][0]);
        assert_string_equal(n, senders[i][1]);
        free(n);
    }
}

static void test_eml_charsets(void **state)
{
    (void)state;
    hsok_document_t doc;
    /* base64 UTF-8 */
    read_eml_text("b64.eml",
                  "From: ola@example.no\nSubject: Svar\nContent-Type: text/plain; "
                  "charset=UTF-8\nContent-Transfer-Encoding: base64\n\n"
                  "Vmkgc3TDuHR0ZXIgZm9yc2xhZ2V0LCBtZW4gc2F2bmVyIGVuIHZ1cmRlcmluZyBhdiBrb3N0bmFk\n"
                  "ZW5lIGZvciBrb21tdW5lbmUuCg==\n",
                  &doc);
    assert_string_equal(doc.src.text, "Emne: Svar\n\nVi støtter forslaget, men savner en "
                                      "vurdering av kostnadene for kommunene.\n");
    hsok_document_clear(&doc);
    /* 8-bit Windows-1252 (€ and – are not in Latin-1) */
    read_eml_text("cp1252.eml",
                  "From: ola@example.no\nContent-Type: text/plain; charset=windows-1252\n"
                  "Content-Transfer-Encoding: 8bit\n\nPrisen er 5 \x80 \x96 for h\xf8y.\n",
                  &doc);
    assert_string_equal(doc.src.text, "Prisen er 5 € – for høy.\n");
    assert_int_equal(doc.nwarnings, 0);
    hsok_document_clear(&doc);
    /* a charset no one knows: read as UTF-8, with a warning that names it */
    read_eml_text("unknown.eml",
                  "From: ola@example.no\nContent-Type: text/plain; charset=x-ukjent\n\n"
                  "Vi støtter forslaget.\n",
                  &doc);
    assert_string_equal(doc.src.text, "Vi støtter forslaget.\n");
    assert_int_equal(doc.nwarnings, 1);
    assert_non_null(strstr(doc.warnings[0], "'x-ukjent'"));
    hsok_document_clear(&doc);
}

static void test_eml_multipart(void **state)
{
    (void)state;
    hsok_document_t doc;
    /* alternative: the text/plain part, not the HTML one */
    read_eml_text("alt.eml",
                  "From: ola@example.no\nMIME-Version: 1.0\n"
                  "Content-Type: multipart/alternative; boundary=\"b1\"\n\n"
                  "preamble\n--b1\nContent-Type: text/plain; charset=utf-8\n\n"
                  "Ren tekst.\n--b1\nContent-Type: text/html; charset=utf-8\n\n"
                  "<p>HTML-tekst</p>\n--b1--\nepilogue\n",
                  &doc);
    assert_string_equal(doc.src.text, "Ren tekst.\n");
    hsok_document_clear(&doc);
    /* only HTML: its text, headings and list items with hints, scripts and styles left out */
    read_eml_text("html.eml",
                  "From: ola@example.no\nMIME-Version: 1.0\n"
                  "Content-Type: multipart/alternative; boundary=\"b1\"\n\n"
                  "--b1\nContent-Type: text/html; charset=iso-8859-1\n"
                  "Content-Transfer-Encoding: quoted-printable\n\n"
                  "<html><head><style>p {color: red}</style><script>alert(1)</script></head>"
                  "<body><h2>Om personvern</h2><p>Vi st=F8tter&nbsp;forslaget,<br>men savner =\n"
                  "mer.</p><ul><li>F=F8rste</li><li>Andre</li></ul>"
                  "<table><tr><td>A</td><td>B</td></tr></table></body></html>\n--b1--\n",
                  &doc);
    assert_string_equal(doc.src.text, "Om personvern\n\nVi støtter\xc2\xa0" "forslaget,\n"
                                      "men savner mer.\n\n• Første\n• Andre\n\nA | B\n");
    char *h = hint_lines(&doc);
    assert_string_equal(h, "heading 2: Om personvern\nitem 1: • Første\nitem 1: • Andre\n"
                           "row 0: A | B\n");
    free(h);
    hsok_document_clear(&doc);
}

/* base64 of data[0..n), in lines of 76 characters; malloc'd. */
static char *b64(const unsigned char *d, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *o = malloc(n * 2 + 16), *p = o;
    assert_non_null(o);
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)d[i] << 16 | (i + 1 < n ? (unsigned)d[i + 1] << 8 : 0) |
                     (i + 2 < n ? d[i + 2] : 0);
        *p++ = a[v >> 18 & 63];
        *p++ = a[v >> 12 & 63];
        *p++ = i + 1 < n ? a[v >> 6 & 63] : '=';
        *p++ = i + 2 < n ? a[v & 63] : '=';
        if ((i / 3 + 1) % 19 == 0)
            *p++ = '\n';
    }
    *p = '\0';
    return o;
}

/* An e-mail with a body, a Word attachment (RFC 2231 file name), a spreadsheet and an inline
 * image: at path; the body names no organisation. */
static void write_mail_with_attachments(const char *path)
{
    char *docx = fixture("structure.docx");
    size_t n;
    char *bytes = read_all(docx, &n);
    char *enc = b64((const unsigned char *)bytes, n);
    size_t cap = strlen(enc) + 4096;
    char *mail = malloc(cap);
    assert_non_null(mail);
    snprintf(mail, cap,
             "From: Kari Nordmann <kari@example.no>\nTo: postmottak@example.no\n"
             "Subject: =?utf-8?Q?Innspill_til_h=C3=B8ringen?=\nMIME-Version: 1.0\n"
             "Content-Type: multipart/mixed; boundary=\"ytre\"\n\n"
             "--ytre\nContent-Type: multipart/alternative; boundary=\"indre\"\n\n"
             "--indre\nContent-Type: text/plain; charset=utf-8\n\n"
             "Hei, vedlagt følger mitt innspill til høringen.\n\n"
             "--indre\nContent-Type: text/html; charset=utf-8\n\n<p>Hei</p>\n--indre--\n\n"
             "--ytre\nContent-Type: application/vnd.openxmlformats-officedocument."
             "wordprocessingml.document;\n name=\"x.docx\"\n"
             "Content-Disposition: attachment;\n filename*=utf-8''h%%C3%%B8ringssvar.docx\n"
             "Content-Transfer-Encoding: base64\n\n%s\n"
             "--ytre\nContent-Type: application/vnd.ms-excel\n"
             "Content-Disposition: attachment; filename=\"tall.xlsx\"\n"
             "Content-Transfer-Encoding: base64\n\nUEsDBAo=\n"
             "--ytre\nContent-Type: image/png\nContent-ID: <logo>\n"
             "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
             "--ytre--\n", enc);
    write_file(path, mail);
    free(mail);
    free(enc);
    free(bytes);
    free(docx);
}

static void test_eml_attachments(void **state)
{
    (void)state;
    char *path = path_in(tmp, "vedlegg.eml");
    write_mail_with_attachments(path);
    hsok_document_t doc;
    read_ok(path, &doc);
    /* the body, then the Word file under a heading with its name, with its own hints */
    const char *t = doc.src.text;
    const char *head = "Emne: Innspill til høringen\n\nHei, vedlagt følger mitt innspill til "
                       "høringen.\n\nhøringssvar.docx\n\nHøringssvar fra Testvik kommune\n\n"
                       "Innledning\n\n";
    if (strncmp(t, head, strlen(head)))
        fail_msg("the text begins otherwise:\n%s", t);
    assert_non_null(strstr(t, "\n\n• Første punkt\n• Andre punkt\n\n"));
    assert_null(strstr(t, "<p>"));
    char *h = hint_lines(&doc);
    head = "heading 1: høringssvar.docx\nheading 1: Innledning\n";
    if (strncmp(h, head, strlen(head)))
        fail_msg("the hints begin otherwise:\n%s", h);
    assert_non_null(strstr(h, "row 0: Personvern | Godt ivaretatt\nheading 3: Et nivå under\n"));
    free(h);
    /* the spreadsheet is named in a warning; the inline image is not */
    assert_int_equal(doc.nwarnings, 1);
    assert_non_null(strstr(doc.warnings[0], "attachment 'tall.xlsx' not read"));
    hsok_document_clear(&doc);
    free(path);
}

static void test_eml_hostile(void **state)
{
    (void)state;
    hsok_document_t doc;
    /* a multipart cut off before its closing delimiter, a part with a nul byte */
    read_eml_text("cut.eml",
                  "From: ola@example.no\nContent-Type: multipart/mixed; boundary=b\n\n"
                  "--b\nContent-Type: text/plain\n\nFørste del.\n--b\nContent-Type: text/plain\n"
                  "Content-Transfer-Encoding: base64\n\nQUEAQkI=\n--b\nContent-Type: text/plain\n\n"
                  "Avbrutt her",
                  &doc);
    assert_string_equal(doc.src.text, "Første del.\n\nAA BB\n\nAvbrutt her\n");
    hsok_document_clear(&doc);
    /* multiparts nested 40 deep: the ones past the limit are a warning, not a crash */
    size_t cap = 40 * 120 + 400;
    char *m = malloc(cap);
    assert_non_null(m);
    size_t n = (size_t)snprintf(m, cap, "From: ola@example.no\n");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(m + n, cap - n, "Content-Type: multipart/mixed; boundary=\"n%d\"\n"
                              "\n--n%d\n", i, i);
    n += (size_t)snprintf(m + n, cap - n, "Content-Type: text/plain\n\nInnerst.\n");
    read_eml_text("deep.eml", m, &doc);
    assert_int_equal(doc.nwarnings, 1);
    assert_non_null(strstr(doc.warnings[0], "nested more than"));
    hsok_document_clear(&doc);
    free(m);
    /* encoded-words cut off, a bad base64 and a bad quoted-printable escape */
    read_eml_text("words.eml",
                  "From: =?utf-8?Q?Kari?= =?utf-8?B?!!!?= =?bogus\nSubject: =?utf-8?X?y?= "
                  "=?\nContent-Transfer-Encoding: quoted-printable\n\nA=ZZB=4\n",
                  &doc);
    assert_non_null(doc.sender);
    assert_string_equal(doc.src.text, "Emne: =?utf-8?X?y?= =?\n\nA=ZZB=4\n");
    hsok_document_clear(&doc);
}


/* ---- hsok index ---- */

/* hsok ARGS... (NULL-terminated) with stdout and stderr into *out and *err (malloc'd); the
 * exit status. */
static int hsok(char **out, char **err, ...)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = hsok_path;
    va_list ap;
    va_start(ap, err);
    const char *a;
    while ((a = va_arg(ap, const char *)) && n + 1 < 32)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    char *o = path_in(tmp, "hsok.out"), *e = path_in(tmp, "hsok.err");
    int rc = run((char *const *)argv, o, e);
    *out = read_all(o, NULL);
    *err = read_all(e, NULL);
    free(o);
    free(e);
    return rc;
}

static void test_cli_index_office(void **state)
{
    (void)state;
    if (!hsok_path) {
        print_message("skipped: no hsok binary given\n");
        skip();
    }
    char *db = path_in(tmp, "db");
    char *docx = fixture("structure.docx"), *odt = fixture("structure.odt");
    char *mail = path_in(tmp, "vedlegg.eml"), *plain = path_in(tmp, "avsender.eml");
    write_mail_with_attachments(mail);
    /* the body names no one: the sender is the respondent */
    write_file(plain, "From: Kari Nordmann <kari@example.no>\nTo: postmottak@example.no\n"
                      "Subject: Innspill\nMIME-Version: 1.0\n"
                      "Content-Type: text/plain; charset=utf-8\n\n"
                      "Jeg mener forslaget om felles journal er bra for pasientene.\n");
    /* the e-mail in an index of its own: search shows identical passages of one respondent
     * (its attachment is structure.docx) once */
    char *db2 = path_in(tmp, "db-mail");
    char *out, *err;
    int rc = hsok(&out, &err, "index", "--no-themes", "--db", db, docx, odt, plain, NULL);
    if (rc != 0)
        fail_msg("hsok index: exit %d: %s", rc, err);
    free(out);
    free(err);
    rc = hsok(&out, &err, "index", "--no-themes", "--db", db2, mail, NULL);
    if (rc != 0)
        fail_msg("hsok index: exit %d: %s", rc, err);
    /* what the reader went on without, named with the e-mail */
    if (!strstr(err, "vedlegg.eml': attachment 'tall.xlsx' not read"))
        fail_msg("no warning about the spreadsheet: %s", err);
    free(out);
    free(err);

    rc = hsok(&out, &err, "respondents", "--json", "--db", db, NULL);
    assert_int_equal(rc, 0);
    /* the sender of the e-mail whose text names no one, marked to check */
    const char *l = strstr(out, "avsender.eml");
    if (!l)
        fail_msg("no avsender.eml in: %s", out);
    const char *eol = strchr(l, '\n');
    char line[1024];
    snprintf(line, sizeof line, "%.*s", (int)(eol ? eol - l : 1000), l);
    assert_non_null(strstr(line, "\"respondent\":\"Kari Nordmann\""));
    assert_non_null(strstr(line, "\"respondent_how\":\"e-mail sender\""));
    assert_non_null(strstr(line, "\"check\":true"));
    /* the Word files and the e-mail whose attachment names Testvik kommune (its cover note
     * before the attachment's title has no respondent, as a preamble) */
    char *out2, *err2;
    rc = hsok(&out2, &err2, "respondents", "--json", "--db", db2, NULL);
    assert_int_equal(rc, 0);
    size_t n1 = strlen(out), n2 = strlen(out2);
    out = realloc(out, n1 + n2 + 1);
    assert_non_null(out);
    memcpy(out + n1, out2, n2 + 1);
    free(out2);
    free(err2);
    const char *const named[] = { "structure.docx\"", "structure.odt\"", "vedlegg.eml\"" };
    for (size_t i = 0; i < 3; i++) {
        int found = 0;
        for (l = out; l && *l && !found; l = eol ? eol + 1 : NULL) {
            eol = strchr(l, '\n');
            snprintf(line, sizeof line, "%.*s", (int)(eol ? eol - l : 1000), l);
            found = strstr(line, named[i]) &&
                    strstr(line, "\"respondent\":\"Testvik kommune\",\"respondent_how\":"
                                 "\"title\"");
        }
        if (!found)
            fail_msg("no line for %s with Testvik kommune: %s", named[i], out);
    }
    free(out);
    free(err);

    /* the attachment's text is found, as part of the e-mail */
    rc = hsok(&out, &err, "search", "--json", "--db", db2, "underpunkt", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "vedlegg.eml"));
    assert_non_null(strstr(out, "Et underpunkt"));
    free(out);
    free(err);
    free(db);
    free(db2);
    free(docx);
    free(odt);
    free(mail);
    free(plain);
}

static void test_cli_index_hostile(void **state)
{
    (void)state;
    if (!hsok_path) {
        print_message("skipped: no hsok binary given\n");
        skip();
    }
    char *db = path_in(tmp, "db-hostile");
    char *f[] = { fixture("bomb.docx"), fixture("laughs.docx"), fixture("truncated.docx"),
                  fixture("badxml.docx") };
    char *good = path_in(tmp, "god.eml");
    write_file(good, "From: ola@example.no\nSubject: Svar\n\nVi støtter forslaget.\n");
    char *out, *err;
    int rc = hsok(&out, &err, "index", "--no-themes", "--db", db, f[0], f[1], f[2], f[3],
                  good, NULL);
    /* the others indexed, these reported each on its line, exit code 4 */
    if (rc != 4)
        fail_msg("exit %d, want 4: %s", rc, err);
    const char *says[] = { "(a zip bomb?); not read", "declares a DTD", "a damaged zip archive",
                           "is damaged: line " };
    for (size_t i = 0; i < 4; i++) {
        const char *l = strstr(err, f[i]);
        if (!l || !strstr(err, says[i]))
            fail_msg("no '%s' for %s in: %s", says[i], f[i], err);
        free(f[i]);
    }
    free(out);
    free(err);
    rc = hsok(&out, &err, "search", "--json", "--db", db, "forslaget", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "god.eml"));
    free(out);
    free(err);
    free(good);
    free(db);
}

int main(int argc, char **argv)
{
    hsok_path = argc > 1 ? argv[1] : NULL;
    const char *t = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/hsok-office-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docx_structure),
        cmocka_unit_test(test_docx_letterhead),
        cmocka_unit_test(test_odt_structure),
        cmocka_unit_test(test_office_hostile),
        cmocka_unit_test(test_seeds_same_as_text),
        cmocka_unit_test(test_devcorpus_same_as_text),
        cmocka_unit_test(test_eml_headers_qp),
        cmocka_unit_test(test_eml_charsets),
        cmocka_unit_test(test_eml_multipart),
        cmocka_unit_test(test_eml_attachments),
        cmocka_unit_test(test_eml_hostile),
        cmocka_unit_test(test_cli_index_office),
        cmocka_unit_test(test_cli_index_hostile),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char *rm[] = { "/bin/rm", "-rf", tmp, NULL };
    run(rm, NULL, NULL);
    return rc;
}
