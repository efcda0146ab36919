/* segment.c — PDF-extracted text becomes passages with respondent and section.
 *
 * Three passes:
 *  1. lines (segment_lines.c): every source line with its trimmed extent, byte offset and
 *     number; the gaps between text lines are classified: none (consecutive), soft (one empty
 *     line — in double-spaced text, the artefact of PDF extraction) or hard (a whitespace-only
 *     line, several blank lines, or a single blank line in single-spaced surroundings).
 *  2. blocks (segment_blocks.c, then segment_furniture.c): lines are joined into blocks
 *     (paragraph, bullet, heading, checkbox line, footnote, title), rejoining hyphenated words
 *     and dropping footnote markers; letter furniture is marked.
 *  3. passages (this file): blocks become passages (long paragraphs cut at sentence ends,
 *     short bullets grouped), with their section path; responses are split at title lines and
 *     each part's respondent is detected (respondent.c) from who "stiller seg bak", "mener",
 *     "støtter" … in the text.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "buf.h"
#include "hsok/segment.h"
#include "hsok/text.h"
#include "segment_internal.h"

#define DEFAULT_MAX_CHARS 1200
#define BULLET_SHORT 120     /* bullets at most this long are grouped */
#define BULLET_GROUP_MAX 5   /* at most this many bullets in one passage */
#define BULLET_GROUP_CHARS 500


/* ---------------------------------------------------------------------------------------- */
/* the document                                                                             */

struct hsok_segdoc {
    hsok_passage_t *passages;
    size_t npassages, cap;
    hsok_stance_t *stances;
    size_t nstances, capstances;
    char **respondents;
    const char **respondent_hows; /* parallel: what found each (resp_detect), "" if given */
    size_t nrespondents;
    char **strings; /* everything the passages and stances point at */
    size_t nstrings, capstrings;
};

static const char *keep(hsok_segdoc_t *d, char *s)
{
    if (!s)
        return NULL;
    if (d->nstrings == d->capstrings) {
        size_t nc = d->capstrings ? d->capstrings * 2 : 64;
        char **p = realloc(d->strings, nc * sizeof *p);
        if (!p) {
            free(s);
            return NULL;
        }
        d->strings = p;
        d->capstrings = nc;
    }
    d->strings[d->nstrings++] = s;
    return s;
}

static const char *keepn(hsok_segdoc_t *d, const char *s, size_t n)
{
    return keep(d, hsok_strndup(s, n));
}

void hsok_segdoc_free(hsok_segdoc_t *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nstrings; i++)
        free(d->strings[i]);
    free(d->strings);
    free(d->passages);
    free(d->stances);
    free(d->respondents);
    free(d->respondent_hows);
    free(d);
}

size_t hsok_segdoc_passage_count(const hsok_segdoc_t *d) { return d ? d->npassages : 0; }
const hsok_passage_t *hsok_segdoc_passage(const hsok_segdoc_t *d, size_t i)
{
    return d && i < d->npassages ? &d->passages[i] : NULL;
}
size_t hsok_segdoc_stance_count(const hsok_segdoc_t *d) { return d ? d->nstances : 0; }
const hsok_stance_t *hsok_segdoc_stance(const hsok_segdoc_t *d, size_t i)
{
    return d && i < d->nstances ? &d->stances[i] : NULL;
}
size_t hsok_segdoc_respondent_count(const hsok_segdoc_t *d) { return d ? d->nrespondents : 0; }
const char *hsok_segdoc_respondent(const hsok_segdoc_t *d, size_t i)
{
    return d && i < d->nrespondents ? d->respondents[i] : NULL;
}
const char *hsok_segdoc_respondent_how(const hsok_segdoc_t *d, size_t i)
{
    return d && i < d->nrespondents ? d->respondent_hows[i] : NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* pass 3: passages                                                                         */

typedef struct ctx {
    hsok_segdoc_t *d;
    seg_t *sg;
    const char *respondent;
    const char *found;     /* the respondent's name as the text writes it (the letterhead) */
    const hsok_aliases_t *aliases;
    const char *q, *g, *u; /* open headings */
    int g_caps;            /* g is an all-caps heading */
    int qlevel, glevel;    /* the reader's heading levels of q and g (0: guessed) */
    int qno, gno;
    const char *section;   /* path, kept */
    unsigned max_chars;
} ctx_t;

static const char *section_path(ctx_t *c)
{
    buf_t p = BUF_INIT;
    const char *parts[3] = { c->q, c->g, c->u };
    for (int i = 0; i < 3; i++) {
        if (!parts[i] || !*parts[i])
            continue;
        if (p.len)
            buf_addstr(&p, " \xe2\x80\xba "); /* › */
        buf_addstr(&p, parts[i]);
    }
    if (p.len == 0) {
        buf_free(&p);
        return "";
    }
    return keep(c->d, buf_detach(&p, NULL));
}

static int add_passage(ctx_t *c, const char *text, size_t n, const block_t *first, size_t fo,
                       const block_t *last, size_t lo, hsok_passage_kind_t kind)
{
    hsok_segdoc_t *d = c->d;
    while (n > 0 && text[n - 1] == ' ')
        n--;
    if (n == 0)
        return 0;
    if (d->npassages == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 64;
        hsok_passage_t *p = realloc(d->passages, nc * sizeof *p);
        if (!p)
            return -1;
        d->passages = p;
        d->cap = nc;
    }
    hsok_passage_t *p = &d->passages[d->npassages];
    memset(p, 0, sizeof *p);
    p->text = keepn(d, text, n);
    if (!p->text)
        return -1;
    p->respondent = c->respondent;
    p->section = c->section;
    p->question = c->q ? c->q : "";
    p->question_no = c->qno;
    p->goal_no = c->gno;
    p->kind = kind;
    p->ordinal = (unsigned)d->npassages;
    seg_block_src(first, fo, 0, &p->start, &p->line);
    seg_block_src(last, lo, 1, &p->end, &p->end_line);
    if (p->end < p->start)
        p->end = p->start;
    d->npassages++;
    return 0;
}

/* byte offsets just after sentence ends in s[0..n) */
static int sentence_end_at(const char *s, size_t n, size_t i)
{
    /* s[i] is '.', '?' or '!' and s[i+1] == ' ' */
    if (i + 2 >= n || s[i + 1] != ' ')
        return 0;
    size_t cn;
    utf8proc_int32_t c = cp_at(s, n, i + 2, &cn);
    if (!(is_upper(c) || (c >= '0' && c <= '9') || c == '"' || c == 0xAB /* « */ ||
          c == '(' || c == '-'))
        return 0;
    if (s[i] == '.') {
        size_t b = i;
        while (b > 0 && s[b - 1] != ' ')
            b--;
        if (seg_in_list(seg_abbrevs, s + b, i - b))
            return 0;
        if (i - b == 1) /* "A. Hansen", "1." */
            return 0;
    }
    return 1;
}

static int emit_long(ctx_t *c, const block_t *b, hsok_passage_kind_t kind)
{
    const char *s = b->text.data;
    size_t n = b->text.len;
    size_t max = c->max_chars;
    if (n <= max)
        return add_passage(c, s, n, b, 0, b, n, kind);
    size_t parts = (n + max - 1) / max;
    size_t target = n / parts;
    size_t start = 0;
    while (start < n) {
        size_t rest = n - start;
        if (rest <= max)
            return add_passage(c, s + start, rest, b, start, b, n, kind);
        size_t cut = 0, last_ok = 0;
        for (size_t i = start; i < start + max && i < n; i++) {
            if ((s[i] == '.' || s[i] == '?' || s[i] == '!') && sentence_end_at(s, n, i)) {
                last_ok = i + 1;
                if (i + 1 - start >= target) {
                    cut = i + 1;
                    break;
                }
            }
        }
        if (!cut)
            cut = last_ok;
        if (!cut || cut - start < max / 4) {
            /* no sentence end: cut at a space near the limit */
            cut = start + max;
            while (cut > start + max / 2 && s[cut] != ' ')
                cut--;
            if (s[cut] != ' ')
                cut = start + max;
            while (cut < n && ((unsigned char)s[cut] & 0xC0) == 0x80)
                cut++;
        }
        if (add_passage(c, s + start, cut - start, b, start, b, cut, kind) < 0)
            return -1;
        start = cut;
        while (start < n && s[start] == ' ')
            start++;
    }
    return 0;
}

/* Record the stance of block b, if it holds one: a form line, a written answer, or (from =
 * SEG_PROSE) a run of checkboxes in a paragraph or bullet that stays text. */
static int add_stance(ctx_t *c, const block_t *b, seg_stance_from_t from)
{
    hsok_segdoc_t *d = c->d;
    buf_t opts = BUF_INIT;
    size_t at = 0, alen = 0;
    int r = seg_read_stance(b->text.data, b->text.len, from, &opts, &at, &alen);
    if (r <= 0) {
        buf_free(&opts);
        return r;
    }
    const char *answer = b->text.data + at;
    if (d->nstances == d->capstances) {
        size_t nc = d->capstances ? d->capstances * 2 : 8;
        hsok_stance_t *p = realloc(d->stances, nc * sizeof *p);
        if (!p) {
            buf_free(&opts);
            return -1;
        }
        d->stances = p;
        d->capstances = nc;
    }
    hsok_stance_t *st = &d->stances[d->nstances];
    st->respondent = c->respondent;
    st->question = c->q ? c->q : "";
    st->question_no = c->qno;
    st->answer = keepn(d, answer, alen);
    st->options = keep(d, buf_detach(&opts, NULL));
    size_t src;
    seg_block_src(b, at, 0, &src, &st->line); /* the line of the ticked box's label */
    if (!st->answer || !st->options)
        return -1;
    d->nstances++;
    return 0;
}

static int add_respondent(hsok_segdoc_t *d, const char *r, const char *how)
{
    if (!*r)
        return 0;
    for (size_t i = 0; i < d->nrespondents; i++)
        if (!strcmp(d->respondents[i], r))
            return 0;
    char **p = realloc(d->respondents, (d->nrespondents + 1) * sizeof *p);
    if (!p)
        return -1;
    d->respondents = p;
    const char **h = realloc(d->respondent_hows, (d->nrespondents + 1) * sizeof *h);
    if (!h)
        return -1;
    d->respondent_hows = h;
    d->respondent_hows[d->nrespondents] = how ? how : "";
    d->respondents[d->nrespondents++] = (char *)r;
    return 0;
}

/* emit passages for blocks [from, to) of one response */
/* inherit: the respondent when this part names none (a form that starts again at question 1
 * with no new letterhead or title is taken to be the same respondent's) */
/* All letters upper case: "GENERELLE MERKNADER", "INNLEDNING" (not "NHN", "GDPR") */
static int caps_heading(const char *s, size_t n)
{
    int letters = 0;
    for (size_t i = 0; i < n;) {
        size_t cn;
        utf8proc_int32_t c = cp_at(s, n, i, &cn);
        if (is_lower(c))
            return 0;
        letters += is_upper(c);
        i += cn;
    }
    return (letters >= 4 && memchr(s, ' ', n) != NULL) || letters >= 7;
}

/* A heading of the level the reader gave: a level at or above an open question's heading
 * closes the question; level 1 (or the first heading) is the section, a deeper one under an
 * open heading its sub-section. When memory runs out, c->section is NULL. */
static void hinted_heading(ctx_t *c, const block_t *b)
{
    if (c->q && c->qlevel && b->level <= c->qlevel) {
        c->q = NULL;
        c->qno = c->qlevel = 0;
    }
    const char *h = keepn(c->d, b->text.data, b->text.len);
    if (c->g && c->glevel && b->level > c->glevel) {
        c->u = h;
    } else {
        c->g = h;
        c->gno = b->goal ? b->number : 0;
        c->glevel = b->level;
        c->u = NULL;
    }
    c->section = h ? section_path(c) : NULL;
}

static int emit_part(ctx_t *c, size_t from, size_t to, const char *override, const char *inherit)
{
    seg_t *sg = c->sg;
    c->found = "";
    const char *how = "";
    if (override) {
        c->respondent = override;
    } else {
        char *r = resp_detect(sg->blocks, from, to, &how);
        if (r) {
            if (!(c->found = keep(c->d, r)) ||
                !(c->respondent = keep(c->d, resp_canonical(r, c->aliases))))
                return -1;
        } else {
            c->respondent = inherit ? inherit : "";
        }
    }
    if (add_respondent(c->d, c->respondent, how) < 0)
        return -1;
    c->q = c->g = c->u = NULL;
    c->g_caps = 0;
    c->qno = c->gno = c->qlevel = c->glevel = 0;
    c->section = "";
    for (size_t i = from; i < to; i++) {
        block_t *b = &sg->blocks[i];
        switch (b->kind) {
        case B_TITLE:
            c->q = c->g = c->u = NULL;
            c->qno = c->gno = c->qlevel = c->glevel = 0;
            c->section = "";
            break;
        case B_QUESTION:
            c->q = keepn(c->d, b->text.data, b->text.len);
            c->qno = b->number;
            c->qlevel = b->level;
            c->g = c->u = NULL;
            c->gno = c->glevel = 0;
            c->section = section_path(c);
            /* "2) Støtter dere forslaget? ☒ Ja ☐ Nei" answers itself */
            if (add_stance(c, b, SEG_PROSE) < 0)
                return -1;
            break;
        case B_HEADING:
            c->g_caps = 0;
            if (b->level) {
                hinted_heading(c, b);
                break;
            }
            c->g = keepn(c->d, b->text.data, b->text.len);
            c->gno = b->goal ? b->number : 0;
            c->glevel = 0;
            c->u = NULL;
            c->section = section_path(c);
            break;
        case B_UHEADING:
            /* the letterhead naming the respondent is not a section */
            if (!c->q && !c->g && !c->u && *c->found && b->text.len == strlen(c->found) &&
                !memcmp(b->text.data, c->found, b->text.len))
                break;
            if (caps_heading(b->text.data, b->text.len) && (!c->g || c->g_caps) && i + 1 < to &&
                (sg->blocks[i + 1].kind == B_PARA || sg->blocks[i + 1].kind == B_BULLET)) {
                /* "GENERELLE MERKNADER" over text: a heading of the document's own level
                 * (unless under a numbered heading: then a sub-heading; and "SAKSFRAMLEGG"
                 * right over another heading is a label, not a section) */
                c->g_caps = 1;
                c->g = keepn(c->d, b->text.data, b->text.len);
                c->gno = 0;
                c->u = NULL;
                c->section = section_path(c);
                break;
            }
            c->u = keepn(c->d, b->text.data, b->text.len);
            c->section = section_path(c);
            break;
        case B_CHECKBOX:
            if (add_stance(c, b, b->answer_len ? SEG_ANSWER_LINE : SEG_FORM_LINE) < 0)
                return -1;
            break;
        case B_META:
            break;
        case B_FOOTNOTE:
            if (emit_long(c, b, HSOK_PASSAGE_FOOTNOTE) < 0)
                return -1;
            break;
        case B_PARA:
            /* a letterhead too short to be a heading ("KS") is no passage either */
            if (!c->q && !c->g && !c->u && *c->found && b->text.len == strlen(c->found) &&
                !memcmp(b->text.data, c->found, b->text.len) && single_line_block(b))
                break;
            if (emit_long(c, b, HSOK_PASSAGE_PARAGRAPH) < 0 || add_stance(c, b, SEG_PROSE) < 0)
                return -1;
            break;
        case B_BULLET: {
            if (b->text.len > BULLET_SHORT) {
                if (emit_long(c, b, HSOK_PASSAGE_BULLETS) < 0 || add_stance(c, b, SEG_PROSE) < 0)
                    return -1;
                break;
            }
            /* a run of short bullets */
            size_t j = i + 1, total = b->text.len;
            while (j < to && j - i < BULLET_GROUP_MAX && sg->blocks[j].kind == B_BULLET &&
                   sg->blocks[j].text.len <= BULLET_SHORT &&
                   total + sg->blocks[j].text.len + 1 <= BULLET_GROUP_CHARS) {
                total += sg->blocks[j].text.len + 1;
                j++;
            }
            buf_t g = BUF_INIT;
            for (size_t k = i; k < j; k++) {
                if (k > i)
                    buf_addch(&g, '\n');
                buf_add(&g, sg->blocks[k].text.data, sg->blocks[k].text.len);
                if (add_stance(c, &sg->blocks[k], SEG_PROSE) < 0)
                    g.err = 1;
            }
            int rc = g.err ? -1
                           : add_passage(c, g.data, g.len, b, 0, &sg->blocks[j - 1],
                                         sg->blocks[j - 1].text.len, HSOK_PASSAGE_BULLETS);
            buf_free(&g);
            if (rc < 0)
                return -1;
            i = j - 1;
            break;
        }
        }
        if (!c->section || (b->kind == B_QUESTION && !c->q))
            return -1;
    }
    return 0;
}

/* Is there a passage's worth of text in blocks [from, to)? With short_lines 0, a short line
 * alone does not count: a letterhead ("KS") above a title is not a response of its own. */
static int has_content(const seg_t *sg, size_t from, size_t to, int short_lines)
{
    for (size_t i = from; i < to; i++) {
        const block_t *b = &sg->blocks[i];
        if (!short_lines && b->kind == B_PARA && single_line_block(b) && b->text.len <= 80 &&
            !seg_ends_sentence(b->text.data, b->text.len))
            continue;
        if (b->kind == B_PARA || b->kind == B_BULLET)
            return 1;
    }
    return 0;
}

/* Each passage's page and end_page: one more than the form feeds before its first and its
 * last character. Passages come in document order, so one walk over the text counts them. */
static void set_pages(hsok_segdoc_t *d, const char *t, size_t len)
{
    if (!memchr(t, '\f', len))
        return;
    size_t at = 0;
    unsigned page = 1;
    for (size_t i = 0; i < d->npassages; i++) {
        hsok_passage_t *p = &d->passages[i];
        size_t ends[2] = { p->start, p->end > p->start ? p->end - 1 : p->start };
        unsigned *out[2] = { &p->page, &p->end_page };
        for (int k = 0; k < 2; k++) {
            if (ends[k] < at) { /* out of order (never expected): count afresh */
                at = 0;
                page = 1;
            }
            for (; at < ends[k] && at < len; at++)
                page += t[at] == '\f';
            *out[k] = page;
        }
    }
}

hsok_status_t hsok_segment(const char *name, const char *text, size_t len,
                           const hsok_segment_opts_t *opts, hsok_segdoc_t **out, char **errmsg)
{
    *out = NULL;
    if (!name)
        name = "(text)";
    if (!text && len)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "%s: no text", name);
    hsok_segdoc_t *d = calloc(1, sizeof *d);
    if (!d)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    seg_t sg = { 0 };
    sg.name = name;
    sg.t = text ? text : "";
    sg.len = len;
    sg.hints = opts ? opts->hints : NULL;
    sg.nhints = opts && opts->hints ? opts->nhints : 0;
    hsok_status_t st = HSOK_OK;
    if (seg_build_lines(&sg) < 0) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        goto out;
    }
    seg_find_footnotes(&sg);
    seg_build_blocks(&sg);
    seg_mark_furniture(&sg);
    if (sg.oom) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < sg.nblocks; i++)
        if (sg.blocks[i].text.err) {
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            goto out;
        }

    ctx_t c = { 0 };
    c.d = d;
    c.sg = &sg;
    c.max_chars = opts && opts->max_passage_chars ? opts->max_passage_chars : DEFAULT_MAX_CHARS;
    if (c.max_chars < 200)
        c.max_chars = 200;
    c.aliases = opts ? opts->aliases : NULL;
    const char *given = opts && opts->respondent && *opts->respondent ? opts->respondent : NULL;
    const char *canon = given ? hsok_aliases_lookup(c.aliases, given, NULL) : NULL;
    const char *override = given ? keep(d, strdup(canon ? canon : given)) : NULL;
    if (opts && opts->respondent && *opts->respondent && !override) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* split into responses at title lines, and where a form restarts at question 1 */
    size_t from = 0;
    int maxq = 0, restarted = 0; /* the part at `from` began where the form restarted */
    for (size_t i = 0; i <= sg.nblocks; i++) {
        int split = 0;
        if (i < sg.nblocks && i > from) {
            const block_t *b = &sg.blocks[i];
            if (b->kind == B_TITLE && has_content(&sg, from, i, 0))
                split = 1;
            if (b->kind == B_QUESTION && b->number == 1 && maxq >= 2 &&
                has_content(&sg, from, i, 1))
                split = 2;
        }
        if (i == sg.nblocks || split) {
            const char *prev = c.respondent && *c.respondent ? c.respondent : NULL;
            if (emit_part(&c, from, i, override, restarted ? prev : NULL) < 0) {
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                goto out;
            }
            from = i;
            maxq = 0;
            restarted = split == 2;
        }
        if (i < sg.nblocks && sg.blocks[i].kind == B_QUESTION && sg.blocks[i].number > maxq)
            maxq = sg.blocks[i].number;
    }
    if (d->npassages == 0 && len > 0) {
        int any = 0;
        for (size_t i = 0; i < len; i++)
            if (!isspace((unsigned char)text[i]))
                any = 1;
        if (any && d->nstances == 0 && sg.nblocks > 0) {
            /* only headings: keep them as passages, so no text is lost */
            for (size_t i = 0; i < sg.nblocks; i++)
                if (emit_long(&c, &sg.blocks[i], HSOK_PASSAGE_PARAGRAPH) < 0) {
                    st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                    goto out;
                }
        }
    }
    set_pages(d, sg.t, sg.len);
out:
    for (size_t i = 0; i < sg.nblocks; i++)
        seg_block_free(&sg.blocks[i]);
    free(sg.blocks);
    free(sg.tl);
    if (st != HSOK_OK) {
        hsok_segdoc_free(d);
        return st;
    }
    *out = d;
    return HSOK_OK;
}
