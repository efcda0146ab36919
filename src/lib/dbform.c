/* dbform.c — a hearing's form text across its responses (see db.h, hsok_db_mark_form_text).
 *
 * Every passage of three words or more carries its normalised text's hash (PFX_FORMKEY,
 * formtext.h: numbering, case, spacing and punctuation ignored). After each `hsok index` and
 * `hsok retag` this pass looks at the hashes that stand in files of at least two respondents
 * and marks the passages that are the form's, not the respondents' (PFX_FORM); searches,
 * theme counts and exports leave those out unless asked. Since the pass looks at the whole
 * index each time, a mark comes and goes as files are added and pruned.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "formtext.h"
#include "prefix.h"

#define TEMPLATE_SHARE 0.9 /* a text in this share of the files (and in 3 or more) is the template's */
#define SCAN_MAX 500       /* passages looked at after one, for its file's questions */

typedef struct shared_ctx {
    strvec_t keys;
    int oom;
} shared_ctx_t;

static int collect_shared(void *ctx, const char *term, size_t len, unsigned freq)
{
    shared_ctx_t *c = ctx;
    if (freq >= 2 && sv_push(&c->keys, term, len) < 0)
        c->oom = 1;
    return c->oom;
}

static int cmp_docid(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

static int count_term(void *ctx, const char *term, size_t len, unsigned freq)
{
    (void)term, (void)len, (void)freq;
    ++*(size_t *)ctx;
    return 0;
}

/* The hash key of text (as build_doc stores it), or "" for fewer than three words. */
void db_form_key(const char *text, char out[17])
{
    buf_t b = BUF_INIT;
    size_t words = ft_normalise(text, strlen(text), &b);
    if (words < 3 || b.err)
        out[0] = '\0';
    else
        snprintf(out, 17, "%016" PRIx64, hsok_hash64(b.data, b.len));
    buf_free(&b);
}

/* The passage `ordinal` of the file whose passage ids start with key8, loaded into rec:
 * 1, 0 when there is none, -1 on an error (*st set). */
static int passage_at(hsok_db_t *db, const char *id, unsigned ordinal, db_rec_t *rec,
                      hsok_status_t *st, char **errmsg)
{
    const char *dot = strrchr(id, '.');
    size_t kl = dot ? (size_t)(dot - id) : strlen(id);
    char term[64];
    snprintf(term, sizeof term, "%s%.*s.%u", PFX_ID, (int)(kl < 40 ? kl : 40), id, ordinal);
    char *data = NULL;
    size_t len = 0;
    *st = xap_data_by_term(db->x, term, strlen(term), &data, &len, NULL);
    if (*st == HSOK_ERR_NOT_FOUND) {
        *st = HSOK_OK;
        return 0;
    }
    if (*st != HSOK_OK) {
        free(data);
        *st = hsok_seterr(errmsg, *st, "cannot read passage '%s' of '%s'", term + strlen(PFX_ID),
                          db->path);
        return -1;
    }
    *st = db_rec_load(db, data, len, rec, errmsg);
    free(data);
    return *st == HSOK_OK ? 1 : -1;
}

/* Does the text end with a question mark (closing quotes and brackets aside)? */
static int asks(const char *t)
{
    size_t n = strlen(t);
    for (;;) {
        if (n > 0 && strchr(" )\"'", t[n - 1]))
            n--;
        else if (n >= 3 && !memcmp(t + n - 3, "\xe2\x80\x9d", 3)) /* ” */
            n -= 3;
        else if (n >= 2 && !memcmp(t + n - 2, "\xc2\xbb", 2)) /* » */
            n -= 2;
        else
            break;
    }
    return n > 0 && t[n - 1] == '?';
}

typedef struct member {
    unsigned docid;
    db_rec_t rec;
    int loaded;
} member_t;

/* The rules, for one text shared by the passages m[0..n) (files of >= 2 respondents). */
static int in_sorted(const strvec_t *v, const char *s);

/* Phase 0 tries rules 3 and 1 (*form 1 or 3), phase 1 rule 2 (*form 2), which needs the ids of
 * the passages rule 1 marked (questions, sorted). */
static hsok_status_t is_form_text(hsok_db_t *db, member_t *m, size_t n, size_t files_with,
                                  size_t files, int phase, const strvec_t *questions, int *form,
                                  char **errmsg)
{
    *form = 0;
    hsok_status_t st = HSOK_OK;
    if (phase == 1)
        goto preamble;
    /* 3. the template's: in (nearly) every response, and nowhere under a numbered question
     * (the same short answer from every respondent is theirs) */
    int answers = 0;
    for (size_t i = 0; i < n; i++)
        answers |= m[i].rec.pub.question_no > 0;
    if (!answers && files_with >= 3 && (double)files_with >= TEMPLATE_SHARE * (double)files) {
        *form = 3;
        return HSOK_OK;
    }
    /* 1. a question whose answers differ: what follows it is not the same in every file (a
     * campaign letter's rhetorical question is followed by the same text everywhere) */
    if (asks(m[0].rec.pub.text)) {
        char first[24] = "";
        for (size_t i = 0; i < n && !*form; i++) {
            db_rec_t next;
            char key[24] = "end";
            int r = passage_at(db, m[i].rec.pub.id, m[i].rec.pub.ordinal + 1, &next, &st, errmsg);
            if (r < 0)
                return st;
            if (r > 0) {
                db_form_key(next.pub.text, key);
                if (!*key) /* a short answer ("Ja.") is its own */
                    snprintf(key, sizeof key, "own%zu", i);
                db_rec_clear(&next);
            }
            if (i == 0)
                memcpy(first, key, sizeof first);
            else if (strcmp(first, key))
                *form = 1;
        }
    }
    return HSOK_OK;
preamble:
    /* 2. a preamble: in each file it stands before the form's questions (no numbered question
     * open at it; a later passage of the file is under one, or is a question rule 1 marked) */
    for (size_t i = 0; i < n; i++) {
        if (m[i].rec.pub.question_no > 0)
            return HSOK_OK;
        int found = 0;
        for (unsigned k = 1; k <= SCAN_MAX && !found; k++) {
            db_rec_t next;
            int r = passage_at(db, m[i].rec.pub.id, m[i].rec.pub.ordinal + k, &next, &st, errmsg);
            if (r < 0)
                return st;
            if (r == 0)
                break;
            found = next.pub.question_no > 0 || in_sorted(questions, next.pub.id);
            db_rec_clear(&next);
        }
        if (!found)
            return HSOK_OK;
    }
    *form = 2;
    return HSOK_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int in_sorted(const strvec_t *v, const char *s)
{
    return v->n && bsearch(&s, v->v, v->n, sizeof *v->v, cmp_str) != NULL;
}

/* Distinct values among n strings (n is small: the copies of one text). */
static size_t distinct(const char *const *v, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < i && strcmp(v[j], v[i]))
            j++;
        d += j == i;
    }
    return d;
}

/* ---- a form question as the label of the respondent's answer under it ---- */

typedef struct qitem {
    char *id, *section, *label; /* section: its own, as segmented */
    int question_no;
} qitem_t;

typedef struct qlist {
    qitem_t *v;
    size_t n, cap;
} qlist_t;

static int ql_push(qlist_t *q, const db_rec_t *rec)
{
    if (q->n == q->cap) {
        size_t nc = q->cap ? q->cap * 2 : 16;
        qitem_t *v = realloc(q->v, nc * sizeof *v);
        if (!v)
            return -1;
        q->v = v;
        q->cap = nc;
    }
    qitem_t *it = &q->v[q->n];
    buf_t b = BUF_INIT;
    if (*rec->own_section)
        buf_addf(&b, "%s \xe2\x80\xba ", rec->own_section);
    buf_addstr(&b, rec->pub.text);
    it->id = strdup(rec->pub.id);
    it->section = strdup(rec->own_section);
    it->label = b.err ? NULL : hsok_strndup(b.data, b.len);
    it->question_no = rec->pub.question_no;
    buf_free(&b);
    if (!it->id || !it->section || !it->label) {
        free(it->id);
        free(it->section);
        free(it->label);
        return -1;
    }
    q->n++;
    return 0;
}

static void ql_free(qlist_t *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->v[i].id);
        free(q->v[i].section);
        free(q->v[i].label);
    }
    free(q->v);
    memset(q, 0, sizeof *q);
}

typedef struct labelled {
    unsigned docid;
    const char *label; /* NULL: no label (the passage is only marked, or loses its marks) */
} labelled_t;

static int cmp_labelled(const void *a, const void *b)
{
    const labelled_t *x = a, *y = b;
    return x->docid < y->docid ? -1 : x->docid > y->docid;
}

static int lb_push(labelled_t **v, size_t *n, size_t *cap, unsigned docid, const char *label)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        labelled_t *p = realloc(*v, nc * sizeof *p);
        if (!p)
            return -1;
        *v = p;
        *cap = nc;
    }
    (*v)[(*n)++] = (labelled_t){ docid, label };
    return 0;
}

/* The data with its "form" and "fsection" lines replaced by the wanted ones. */
static void rewrite_data(buf_t *out, const char *data, size_t len, int form, const char *label)
{
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl + 1 : end;
        size_t n = (size_t)(e - p);
        if (!(n >= 5 && !memcmp(p, "form\t", 5)) && !(n >= 9 && !memcmp(p, "fsection\t", 9)))
            buf_add(out, p, n);
        p = e;
    }
    if (form)
        db_rec_add_field(out, "form", "1");
    if (label)
        db_rec_add_field(out, "fsection", label);
}

/* A form question (asks, marked) labels the unmarked passages after it in its file, up to
 * the next marked passage or where the section or numbered question changes. Each passage
 * marked, labelled or so before gets its data's "form"/"fsection" lines set anew and the
 * PFX_FORMDATA term when it has one; now and was are sorted. In the caller's transaction. */
static hsok_status_t store_labels(hsok_db_t *db, const qlist_t *asked, const unsigned *now,
                                  size_t nnow, const unsigned *was, size_t nwas, char **errmsg)
{
    labelled_t *lb = NULL;
    size_t nlb = 0, cap = 0;
    hsok_status_t st = HSOK_OK;
    int oom = 0;
    for (size_t q = 0; q < asked->n && st == HSOK_OK && !oom; q++) {
        const qitem_t *it = &asked->v[q];
        const char *dot = strrchr(it->id, '.');
        if (!dot)
            continue;
        unsigned ord = (unsigned)strtoul(dot + 1, NULL, 10);
        for (unsigned k = 1; k <= SCAN_MAX && st == HSOK_OK && !oom; k++) {
            char term[80];
            int kl = (int)(dot - it->id < 40 ? dot - it->id : 40);
            snprintf(term, sizeof term, "%s%.*s.%u", PFX_ID, kl, it->id, ord + k);
            xap_query_t tq = { XQ_TERM, term, strlen(term), 0, 0, NULL, 0 };
            xap_hits_t *h = NULL;
            st = xap_search(db->x, &tq, 0, 1, -1, &h, errmsg);
            if (st != HSOK_OK || !h->n) {
                xap_hits_free(h);
                break;
            }
            unsigned docid = h->hits[0].docid;
            db_rec_t next;
            st = db_rec_load(db, h->hits[0].data, h->hits[0].data_len, &next, errmsg);
            xap_hits_free(h);
            if (st != HSOK_OK)
                break;
            int stop = (nnow && bsearch(&docid, now, nnow, sizeof *now, cmp_docid)) ||
                       strcmp(next.own_section, it->section) ||
                       next.pub.question_no != it->question_no;
            db_rec_clear(&next);
            if (stop)
                break;
            oom = lb_push(&lb, &nlb, &cap, docid, it->label) < 0;
        }
    }
    /* the passages that carry data lines now: all get looked at */
    xap_query_t dq = { XQ_TERM, PFX_FORMDATA, strlen(PFX_FORMDATA), 0, 0, NULL, 0 };
    xap_hits_t *h = NULL;
    if (st == HSOK_OK && !oom) {
        unsigned n = xap_doccount(db->x);
        st = xap_search(db->x, &dq, 0, n ? n : 1, -1, &h, errmsg);
    }
    for (size_t i = 0; st == HSOK_OK && h && i < h->n && !oom; i++)
        oom = lb_push(&lb, &nlb, &cap, h->hits[i].docid, NULL) < 0;
    xap_hits_free(h);
    for (size_t i = 0; st == HSOK_OK && i < nnow && !oom; i++)
        oom = lb_push(&lb, &nlb, &cap, now[i], NULL) < 0;
    for (size_t i = 0; st == HSOK_OK && i < nwas && !oom; i++)
        oom = lb_push(&lb, &nlb, &cap, was[i], NULL) < 0;
    if (oom && st == HSOK_OK)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (nlb) /* a docid's label, if it has one, wins over its NULLs */
        qsort(lb, nlb, sizeof *lb, cmp_labelled);
    for (size_t i = 0; i < nlb && st == HSOK_OK;) {
        unsigned docid = lb[i].docid;
        const char *label = NULL;
        for (; i < nlb && lb[i].docid == docid; i++)
            if (!label)
                label = lb[i].label;
        int form = nnow && bsearch(&docid, now, nnow, sizeof *now, cmp_docid);
        char *data = NULL;
        size_t len = 0;
        st = xap_data_by_docid(db->x, docid, &data, &len, errmsg);
        buf_t b = BUF_INIT;
        if (st == HSOK_OK)
            rewrite_data(&b, data, len, form, label);
        if (st == HSOK_OK && b.err)
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        if (st == HSOK_OK && (b.len != len || memcmp(b.data, data, len)))
            st = xap_set_data(db->x, docid, b.data, b.len, errmsg);
        if (st == HSOK_OK)
            st = xap_set_boolean(db->x, docid, PFX_FORMDATA, strlen(PFX_FORMDATA),
                                 form || label, errmsg);
        buf_free(&b);
        free(data);
    }
    free(lb);
    return st;
}

hsok_status_t hsok_db_mark_form_text(hsok_db_t *db, size_t *marked, char **errmsg)
{
    if (marked)
        *marked = 0;
    if (!db->writable)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "index '%s' is open read-only", db->path);
    shared_ctx_t sc = { { 0 }, 0 };
    size_t files = 0;
    hsok_status_t st = xap_terms(db->x, PFX_FORMKEY, strlen(PFX_FORMKEY), collect_shared, &sc,
                                 errmsg);
    if (st == HSOK_OK)
        st = xap_terms(db->x, PFX_FILE, strlen(PFX_FILE), count_term, &files, errmsg);
    if (st == HSOK_OK && sc.oom)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    const strvec_t keys = sc.keys; /* freed as sc.keys */
    /* the passages marked now */
    unsigned *was = NULL, *now = NULL;
    size_t nwas = 0, nnow = 0, capnow = 0;
    xap_query_t formq = { XQ_TERM, PFX_FORM, strlen(PFX_FORM), 0, 0, NULL, 0 };
    xap_hits_t *hits = NULL;
    if (st == HSOK_OK) {
        unsigned n = xap_doccount(db->x);
        st = xap_search(db->x, &formq, 0, n ? n : 1, -1, &hits, errmsg);
    }
    if (st == HSOK_OK && hits->n) {
        was = malloc(hits->n * sizeof *was);
        if (!was)
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        for (size_t i = 0; was && i < hits->n; i++)
            was[nwas++] = hits->hits[i].docid;
    }
    xap_hits_free(hits);
    hits = NULL;

    strvec_t questions = { 0 };
    qlist_t asked = { 0 };
    char *decided = calloc(keys.n ? keys.n : 1, 1);
    if (!decided && st == HSOK_OK)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    for (int phase = 0; phase < 2 && st == HSOK_OK; phase++) {
        if (phase == 1 && questions.n)
            qsort(questions.v, questions.n, sizeof *questions.v, cmp_str);
        for (size_t k = 0; k < keys.n && st == HSOK_OK; k++) {
            if (decided[k])
                continue;
            xap_query_t q = { XQ_TERM, keys.v[k], strlen(keys.v[k]), 0, 0, NULL, 0 };
            hits = NULL;
            st = xap_search(db->x, &q, 0, 10000, -1, &hits, errmsg);
            if (st != HSOK_OK)
                break;
            size_t n = hits->n;
            member_t *m = calloc(n ? n : 1, sizeof *m);
            const char **who = calloc(n ? n : 1, sizeof *who);
            const char **file = calloc(n ? n : 1, sizeof *file);
            if (!m || !who || !file)
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            for (size_t i = 0; i < n && st == HSOK_OK; i++) {
                st = db_rec_load(db, hits->hits[i].data, hits->hits[i].data_len, &m[i].rec,
                                 errmsg);
                m[i].loaded = st == HSOK_OK;
                m[i].docid = hits->hits[i].docid;
                if (m[i].loaded) {
                    file[i] = m[i].rec.filekey;
                    /* a file without a respondent counts as one of its own */
                    who[i] = *m[i].rec.pub.respondent ? m[i].rec.pub.respondent
                                                      : m[i].rec.filekey;
                }
            }
            int form = 0;
            if (st == HSOK_OK && n >= 2 && distinct(who, n) >= 2)
                st = is_form_text(db, m, n, distinct(file, n), files, phase, &questions, &form,
                                  errmsg);
            else
                decided[k] = 1; /* one respondent's own repetition */
            if (form)
                decided[k] = 1;
            for (size_t i = 0; form && i < n && st == HSOK_OK; i++) {
                if (nnow == capnow) {
                    size_t nc = capnow ? capnow * 2 : 64;
                    unsigned *p = realloc(now, nc * sizeof *p);
                    if (!p) {
                        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                        break;
                    }
                    now = p;
                    capnow = nc;
                }
                now[nnow++] = m[i].docid;
                if (form == 1 && sv_push(&questions, m[i].rec.pub.id, strlen(m[i].rec.pub.id)))
                    st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                if (asks(m[i].rec.pub.text) && st == HSOK_OK &&
                    ql_push(&asked, &m[i].rec) < 0)
                    st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            }
            for (size_t i = 0; m && i < n; i++)
                if (m[i].loaded)
                    db_rec_clear(&m[i].rec);
            free(m);
            free(who);
            free(file);
            xap_hits_free(hits);
            hits = NULL;
        }
    }
    free(decided);
    sv_free(&questions);
    /* set the marks that are new, take away those that no longer hold */
    if (nnow)
        qsort(now, nnow, sizeof *now, cmp_docid);
    if (st == HSOK_OK)
        st = xap_begin(db->x, errmsg);
    int in_txn = st == HSOK_OK;
    for (size_t i = 0; i < nnow && st == HSOK_OK; i++)
        st = xap_set_boolean(db->x, now[i], PFX_FORM, strlen(PFX_FORM), 1, errmsg);
    for (size_t i = 0; i < nwas && st == HSOK_OK; i++)
        if (!nnow || !bsearch(&was[i], now, nnow, sizeof *now, cmp_docid))
            st = xap_set_boolean(db->x, was[i], PFX_FORM, strlen(PFX_FORM), 0, errmsg);
    if (st == HSOK_OK)
        st = store_labels(db, &asked, now, nnow, was, nwas, errmsg);
    if (in_txn) {
        hsok_status_t e = xap_end(db->x, st == HSOK_OK, st == HSOK_OK ? errmsg : NULL);
        if (st == HSOK_OK)
            st = e;
    }
    if (st == HSOK_OK)
        st = hsok_db_commit(db, errmsg);
    if (st == HSOK_OK && marked)
        *marked = nnow;
    free(was);
    free(now);
    sv_free(&sc.keys);
    ql_free(&asked);
    return st;
}

hsok_status_t hsok_db_form_text_count(hsok_db_t *db, size_t *n, char **errmsg)
{
    (void)errmsg;
    *n = xap_termfreq(db->x, PFX_FORM, strlen(PFX_FORM));
    return HSOK_OK;
}

void hsok_db_with_form_text(hsok_db_t *db, int on)
{
    db->with_form_text = on != 0;
}
