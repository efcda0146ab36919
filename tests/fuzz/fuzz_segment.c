/* fuzz_segment.c — libFuzzer harness for the reflow and segmenter.
 *
 * Input: the bytes of a source file. As in `hsok index`, they are decoded first
 * (hsok_source_decode) and the clean text is segmented (hsok_segment) twice: with respondent
 * detection and the default passage size, and with a respondent override and the smallest
 * passage size (which cuts long paragraphs at sentences most often).
 * Checked (what tests/test_segment.c's check_invariants asks of crafted texts, where it holds
 * for any text): every passage and stance has its strings (valid UTF-8, one line but for the
 * bullets of a run, no stray spaces); passages are in source order, their offsets inside the
 * text and their lines those of their offsets; a question opens its section; respondents are
 * distinct. */
#include "fuzz.h"

#include "hsok/ingest.h"
#include "hsok/segment.h"

/* 1-based line of byte off: one more than the newlines before it (nl: their offsets). */
static unsigned line_at(const size_t *nl, size_t nnl, size_t off)
{
    size_t lo = 0, hi = nnl;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (nl[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (unsigned)lo + 1;
}

static void check_doc(const hsok_segdoc_t *doc, const char *text, size_t len, const char *who)
{
    unsigned nlines = 1;
    size_t *nl = malloc((len + 1) * sizeof *nl), nnl = 0, prev_start = 0;
    if (!nl)
        abort();
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            nl[nnl++] = i;
            if (i + 1 < len)
                nlines++;
        }
    }
    size_t np = hsok_segdoc_passage_count(doc);
    for (size_t i = 0; i < np; i++) {
        const hsok_passage_t *p = hsok_segdoc_passage(doc, i);
        FUZZ_CHECK(p != NULL, "passage %zu of %zu is NULL", i, np);
        fuzz_check_utf8(p->text, "passage text");
        FUZZ_CHECK(*p->text, "passage %zu is empty", i);
        fuzz_check_utf8(p->respondent, "passage respondent");
        fuzz_check_utf8(p->section, "passage section");
        fuzz_check_utf8(p->question, "passage question");
        /* one line: only the bullets of a run are joined by "\n" */
        FUZZ_CHECK(p->kind == HSOK_PASSAGE_BULLETS || !strchr(p->text, '\n'),
                   "passage %zu (kind %d) has a newline: '%s'", i, (int)p->kind, p->text);
        FUZZ_CHECK(!strchr(p->respondent, '\n') && !strchr(p->section, '\n') &&
                       !strchr(p->question, '\n'),
                   "newline in respondent '%s', section '%s' or question '%s'", p->respondent,
                   p->section, p->question);
        if (who)
            FUZZ_CHECK(!strcmp(p->respondent, who), "respondent '%s', override '%s'",
                       p->respondent, who);
        FUZZ_CHECK(p->kind == HSOK_PASSAGE_PARAGRAPH || p->kind == HSOK_PASSAGE_BULLETS ||
                       p->kind == HSOK_PASSAGE_FOOTNOTE, "passage kind %d", (int)p->kind);
        FUZZ_CHECK(p->ordinal == i, "passage %zu has ordinal %u", i, p->ordinal);
        FUZZ_CHECK(p->start < p->end && p->end <= len, "passage [%zu, %zu) of %zu bytes",
                   p->start, p->end, len);
        FUZZ_CHECK(p->start >= prev_start, "passage %zu starts at %zu, the one before at %zu", i,
                   p->start, prev_start);
        prev_start = p->start;
        FUZZ_CHECK(p->line >= 1 && p->line <= p->end_line && p->end_line <= nlines,
                   "passage lines %u-%u of %u", p->line, p->end_line, nlines);
        FUZZ_CHECK(p->line == line_at(nl, nnl, p->start) &&
                       p->end_line == line_at(nl, nnl, p->end - 1),
                   "passage %zu: lines %u-%u, its bytes [%zu, %zu) on lines %u-%u", i, p->line,
                   p->end_line, p->start, p->end, line_at(nl, nnl, p->start),
                   line_at(nl, nnl, p->end - 1));
        size_t n = strlen(p->text);
        FUZZ_CHECK(p->text[0] != ' ' && p->text[n - 1] != ' ' && !strstr(p->text, "  ") &&
                       !strstr(p->text, "\n\n") && !strstr(p->text, " \n") &&
                       !strstr(p->text, "\n "),
                   "passage %zu has stray spaces: '%s'", i, p->text);
        FUZZ_CHECK(p->question_no >= 0 && p->goal_no >= 0, "question %d, goal %d",
                   p->question_no, p->goal_no);
        if (p->question_no > 0)
            FUZZ_CHECK(*p->question && !strncmp(p->section, p->question, strlen(p->question)),
                       "question %d '%s' does not open section '%s'", p->question_no,
                       p->question, p->section);
        else
            FUZZ_CHECK(!*p->question, "question '%s' without a number", p->question);
    }
    FUZZ_CHECK(hsok_segdoc_passage(doc, np) == NULL, "a passage after the last");
    free(nl);
    size_t ns = hsok_segdoc_stance_count(doc);
    for (size_t i = 0; i < ns; i++) {
        const hsok_stance_t *s = hsok_segdoc_stance(doc, i);
        FUZZ_CHECK(s != NULL, "stance %zu of %zu is NULL", i, ns);
        fuzz_check_utf8(s->respondent, "stance respondent");
        fuzz_check_utf8(s->question, "stance question");
        fuzz_check_utf8(s->answer, "stance answer");
        fuzz_check_utf8(s->options, "stance options");
        FUZZ_CHECK(s->line >= 1 && s->line <= nlines, "stance line %u of %u", s->line, nlines);
    }
    size_t nr = hsok_segdoc_respondent_count(doc);
    for (size_t i = 0; i < nr; i++) {
        const char *r = hsok_segdoc_respondent(doc, i);
        fuzz_check_utf8(r, "respondent");
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(r, hsok_segdoc_respondent(doc, j)) != 0,
                       "respondent '%s' listed twice", r);
    }
}

static void segment(const hsok_source_t *src, const hsok_segment_opts_t *opts)
{
    hsok_segdoc_t *doc = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_segment("fuzz.txt", src->text, src->len, opts, &doc, &err);
    FUZZ_CHECK(st == HSOK_OK, "hsok_segment: %s: %s", hsok_status_str(st), err ? err : "");
    check_doc(doc, src->text, src->len, opts ? opts->respondent : NULL);
    hsok_segdoc_free(doc);
    free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hsok_source_t src;
    if (hsok_source_decode("fuzz.txt", (const char *)data, size, &src, NULL) != HSOK_OK)
        return 0;
    segment(&src, NULL);
    hsok_segment_opts_t opts = { .respondent = "Fuzz kommune", .max_passage_chars = 1 };
    segment(&src, &opts);
    hsok_source_clear(&src);
    return 0;
}
