/* index.c — passages into the Xapian index; stats; passages by id.
 *
 * Per passage: word terms with positions (normalised surface form), Z+stem for every word,
 * P+stem for compound parts, boolean terms for id, file, respondent, question, goal, section
 * words and kind, value slots for the source and the collapse keys (prefix.h).
 * Per file: a metadata record "file:<key>" with the content signature, so unchanged files
 * are skipped and vanished files can be pruned.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "db_internal.h"
#include "hsok/compound.h"
#include "hsok/ingest.h"
#include "hsok/position.h"
#include "hsok/reader.h"
#include "hsok/segment.h"
#include "hsok/themes.h"
#include "hsok_config.h"
#include "lemma.h"
#include "prefix.h"

/* When hsok_db_index_file commits: after COMMIT_BYTES of passage text (memory stays bounded),
 * or once COMMIT_SECONDS have passed since the last commit, so that a killed run loses only
 * the last seconds of work. Until a commit, Xapian keeps the new postings, positions, values
 * and spelling changes in memory, 60-75 bytes of heap per byte of text (mallinfo2 over
 * `hsok index` of the 10 MB gen-corpus): 1 MB of text holds about 70 MB, on top of the
 * 100 MB of word lists and dictionaries, whatever the corpus size. At 16 MB of source (cut
 * to about 4 MB by the time rule below) the batch reached 270 MB and the peak RSS 420 MB,
 * for the same CPU time. A commit costs time of its own (Xapian rewrites the B-tree blocks the
 * new postings touch, then syncs: 0.2 s to 20 s measured), so the next one waits at least
 * COMMIT_COST_RATIO times as long as the last took: committing stays a few percent of the
 * time on a large index or a slow disk. Part of a commit's time is flushing work that would be
 * done anyway and grows with the wait, so the wait is capped at COMMIT_MAX_SECONDS. */
#define COMMIT_BYTES (1u << 20)
#define COMMIT_SECONDS 2.0
#define COMMIT_COST_RATIO 30.0
#define COMMIT_MAX_SECONDS 60.0
/* Bump when analysis or storage changes, so that re-indexing re-reads every file. */
#define INDEX_FORMAT "18" /* bump when analysis or segmentation changes */

const char *hsok_db_default_path(const char *explicit_path)
{
    if (explicit_path) /* even "": hsok_db_open refuses it rather than using ./index */
        return explicit_path;
    const char *env = getenv("HSOK_DB");
    if (env && *env)
        return env;
    return "index";
}

hsok_analyzer_t *db_analyzer(hsok_db_t *db, char **errmsg)
{
    if (!db->an && hsok_analyzer_new(&db->an, errmsg) != HSOK_OK)
        db->an = NULL;
    return db->an;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* HSOK_ERR_INVALID for no path or "" (which is never taken to mean ./index). */
static hsok_status_t need_path(const char *path, char **errmsg)
{
    if (!path)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "no index path given");
    if (!*path)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "no index directory given: the path is empty");
    return HSOK_OK;
}

hsok_status_t hsok_db_open(const char *path, hsok_db_mode_t mode, hsok_db_t **out,
                           char **errmsg)
{
    *out = NULL;
    if (need_path(path, errmsg) != HSOK_OK)
        return HSOK_ERR_INVALID;
    hsok_db_t *db = calloc(1, sizeof *db);
    if (!db || !(db->path = strdup(path))) {
        free(db);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    db->writable = mode == HSOK_DB_WRITE;
    db->last_commit = now_seconds();
    hsok_status_t st = xap_open(path, db->writable, &db->x, errmsg);
    if (st != HSOK_OK) {
        free(db->path);
        free(db);
        return st;
    }
    if (!db->writable) /* as over shards (shards.c), so that both rank ties alike */
        db_set_tiebreak(db);
    *out = db;
    return HSOK_OK;
}

/* Free the reader's warnings of the last indexed file. */
static void drop_warnings(hsok_db_t *db)
{
    for (size_t i = 0; i < db->nwarnings; i++)
        free(db->warnings[i]);
    free(db->warnings);
    db->warnings = NULL;
    db->nwarnings = 0;
}

hsok_status_t hsok_db_close(hsok_db_t *db, char **errmsg)
{
    if (!db)
        return HSOK_OK;
    hsok_status_t st = xap_close(db->x, errmsg);
    hsok_analyzer_free(db->an);
    hsok_lexicon_free(db->lex);
    lemma_free(db->lm);
    lemma_free(db->hl);
    drop_warnings(db);
    free(db->path);
    free(db->dup_path);
    free(db);
    return st;
}

/* The word tables hsok_db_close_for_exit left to the exit, reachable from here. */
static struct {
    struct hsok_lexicon *lex;
    struct hsok_lemmatizer *lm, *hl;
} exit_kept[4];
static size_t exit_nkept;

hsok_status_t hsok_db_close_for_exit(hsok_db_t *db, char **errmsg)
{
    if (db && exit_nkept < sizeof exit_kept / sizeof *exit_kept) {
        exit_kept[exit_nkept].lex = db->lex;
        exit_kept[exit_nkept].lm = db->lm;
        exit_kept[exit_nkept].hl = db->hl;
        exit_nkept++;
        db->lex = NULL;
        db->lm = db->hl = NULL;
    }
    return hsok_db_close(db, errmsg);
}

void hsok_db_drop_lexicon(hsok_db_t *db)
{
    if (!db || !db->lex)
        return;
    hsok_analyzer_set_splitter(db->an, NULL, NULL);
    hsok_lexicon_free(db->lex);
    db->lex = NULL;
    db->lex_tried = 0; /* the next file loads it again */
}

hsok_status_t hsok_db_commit(hsok_db_t *db, char **errmsg)
{
    double t0 = now_seconds();
    db->uncommitted = 0;
    db->uncommitted_files = 0;
    hsok_status_t st = xap_commit(db->x, errmsg);
    db->last_commit = now_seconds();
    db->commit_secs = db->last_commit - t0;
    return st;
}

hsok_status_t hsok_db_compact(hsok_db_t *db, int *done, char **errmsg)
{
    int packed = 0;
    hsok_status_t st = xap_compact(db->x, &packed, errmsg);
    db->uncommitted = 0;
    db->uncommitted_files = 0;
    if (done)
        *done = packed;
    return st;
}

/* The commit policy above. */
static int commit_due(const hsok_db_t *db)
{
    if (db->uncommitted >= COMMIT_BYTES)
        return 1;
    double wait = COMMIT_COST_RATIO * db->commit_secs;
    if (wait < COMMIT_SECONDS)
        wait = COMMIT_SECONDS;
    if (wait > COMMIT_MAX_SECONDS)
        wait = COMMIT_MAX_SECONDS;
    return now_seconds() - db->last_commit >= wait;
}

/* ---- stored record: "key\tvalue\n" lines, value escaped (\\ \n \t) ---- */

static void add_escaped(buf_t *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\\': buf_add(b, "\\\\", 2); break;
        case '\n': buf_add(b, "\\n", 2); break;
        case '\t': buf_add(b, "\\t", 2); break;
        default: buf_addch(b, *s);
        }
    }
}

void db_rec_add_field(buf_t *b, const char *key, const char *val)
{
    buf_addstr(b, key);
    buf_addch(b, '\t');
    add_escaped(b, val ? val : "");
    buf_addch(b, '\n');
}

/* evidence words never hold control characters: they separate fields in a "tag" value */
static void add_clean(buf_t *b, const char *s)
{
    for (; *s; s++)
        buf_addch(b, (unsigned char)*s < 0x20 ? ' ' : *s);
}

void db_rec_encode(buf_t *out, const hsok_record_t *rec, unsigned kind, const char *filekey)
{
    db_rec_add_field(out, "id", rec->id);
    db_rec_add_field(out, "file", filekey);
    db_rec_add_field(out, "source", rec->source);
    db_rec_add_field(out, "respondent", rec->respondent);
    db_rec_add_field(out, "rtype", rec->respondent_type);
    db_rec_add_field(out, "section", rec->section);
    buf_addf(out, "line\t%u\nend_line\t%u\nordinal\t%u\nstart\t%zu\nend\t%zu\n", rec->line,
             rec->end_line, rec->ordinal, rec->start, rec->end);
    if (rec->page)
        buf_addf(out, "page\t%u\nend_page\t%u\n", rec->page, rec->end_page);
    buf_addf(out, "kind\t%u\nquestion\t%d\ngoal\t%d\n", kind, rec->question_no, rec->goal_no);
    buf_addstr(out, "themes\t");
    for (size_t i = 0; i < rec->nthemes; i++) {
        if (i)
            buf_addch(out, ',');
        add_escaped(out, rec->themes[i]);
    }
    buf_addch(out, '\n');
    /* one line per tag: id RS score RS evidence US evidence ... [RS "u" when unsure] (an index
     * written before there was a flag reads as sure, as it was shown then) */
    for (size_t i = 0; i < rec->ntags; i++) {
        const hsok_tag_t *t = &rec->tags[i];
        buf_t v = BUF_INIT;
        add_clean(&v, t->theme);
        buf_addf(&v, "\x1e%.2f\x1e", t->score);
        for (size_t k = 0; k < t->nevidence; k++) {
            if (k)
                buf_addch(&v, '\x1f');
            add_clean(&v, t->evidence[k]);
        }
        if (t->unsure)
            buf_addstr(&v, "\x1eu");
        if (v.err)
            out->err = 1;
        else
            db_rec_add_field(out, "tag", v.data);
        buf_free(&v);
    }
    if (rec->position && *rec->position) {
        db_rec_add_field(out, "position", rec->position);
        db_rec_add_field(out, "position_evidence", rec->position_evidence);
    }
    db_rec_add_field(out, "text", rec->text);
}

const hsok_tag_t *hsok_record_tag(const hsok_record_t *r, const char *theme)
{
    for (size_t i = 0; r && theme && i < r->ntags; i++)
        if (r->tags[i].theme != NULL && strcmp(r->tags[i].theme, theme) == 0)
            return &r->tags[i];
    return NULL;
}

const char *hsok_page_label(unsigned page, unsigned end_page, char *buf, size_t cap)
{
    if (cap == 0)
        return buf;
    if (page == 0)
        buf[0] = '\0';
    else if (end_page > page)
        snprintf(buf, cap, "s. %u\xe2\x80\x93%u", page, end_page);
    else
        snprintf(buf, cap, "s. %u", page);
    return buf;
}

static unsigned long to_ulong(const char *s)
{
    return strtoul(s, NULL, 10);
}

void db_field_next(const char **p, const char *end, char **w, const char **key, char **val)
{
    const char *s = *p;
    char *o = *w;
    *key = o;
    while (s < end && *s != '\t' && *s != '\n')
        *o++ = *s++;
    *o++ = '\0';
    if (s >= end || *s != '\t') { /* no value: "" (the key's NUL), so w never outgrows p */
        *val = o - 1;
        if (s < end)
            s++;
        *p = s;
        *w = o;
        return;
    }
    s++;
    *val = o;
    while (s < end && *s != '\n') {
        if (*s == '\\' && s + 1 < end) {
            s++;
            *o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
            s++;
        } else {
            *o++ = *s++;
        }
    }
    *o++ = '\0';
    if (s < end)
        s++;
    *p = s;
    *w = o;
}

int db_rec_decode(const char *data, size_t len, db_rec_t *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->mem = malloc(len + 1);
    if (!rec->mem)
        return -1;
    /* unescape line by line in place: keys and values become NUL-terminated */
    char *w = rec->mem;
    const char *p = data, *end = data + len;
    static const char *empty = "";
    hsok_record_t *r = &rec->pub;
    r->id = r->source = r->respondent = r->section = r->text = r->respondent_type = empty;
    r->position = r->position_evidence = empty;
    const char *themes = empty, *fsection = empty;
    size_t ntags = 0;
    rec->filekey = empty;
    while (p < end) {
        const char *key;
        char *val;
        db_field_next(&p, end, &w, &key, &val);
        if (!strcmp(key, "id")) r->id = val;
        else if (!strcmp(key, "source")) r->source = val;
        else if (!strcmp(key, "respondent")) r->respondent = val;
        else if (!strcmp(key, "rtype")) r->respondent_type = val;
        else if (!strcmp(key, "section")) r->section = val;
        else if (!strcmp(key, "text")) r->text = val;
        else if (!strcmp(key, "line")) r->line = (unsigned)to_ulong(val);
        else if (!strcmp(key, "end_line")) r->end_line = (unsigned)to_ulong(val);
        else if (!strcmp(key, "page")) r->page = (unsigned)to_ulong(val);
        else if (!strcmp(key, "end_page")) r->end_page = (unsigned)to_ulong(val);
        else if (!strcmp(key, "ordinal")) r->ordinal = (unsigned)to_ulong(val);
        else if (!strcmp(key, "start")) r->start = to_ulong(val);
        else if (!strcmp(key, "end")) r->end = to_ulong(val);
        else if (!strcmp(key, "themes")) themes = val;
        else if (!strcmp(key, "file")) rec->filekey = val;
        else if (!strcmp(key, "kind")) rec->kind = (unsigned)to_ulong(val);
        else if (!strcmp(key, "question")) r->question_no = atoi(val);
        else if (!strcmp(key, "goal")) r->goal_no = atoi(val);
        else if (!strcmp(key, "tag")) ntags++;
        else if (!strcmp(key, "fsection")) fsection = val;
        else if (!strcmp(key, "form")) r->form_text = atoi(val) != 0;
        else if (!strcmp(key, "position")) r->position = val;
        else if (!strcmp(key, "position_evidence")) r->position_evidence = val;
    }
    rec->own_section = r->section;
    if (*fsection)
        r->section = fsection;
    /* tags: walk the unescaped block again for the "tag" values */
    if (ntags) {
        size_t nev = 0;
        for (char *q = rec->mem; q < w;) {
            char *k = q;
            q += strlen(q) + 1;
            char *v = q;
            q += strlen(q) + 1;
            if (!strcmp(k, "tag")) {
                nev++;
                for (char *c = v; *c; c++)
                    nev += *c == '\x1f';
            }
        }
        rec->tags = calloc(ntags, sizeof *rec->tags);
        rec->evs = calloc(nev ? nev : 1, sizeof *rec->evs);
        if (!rec->tags || !rec->evs) {
            db_rec_clear(rec);
            return -1;
        }
        size_t t = 0, e = 0;
        for (char *q = rec->mem; q < w && t < ntags;) {
            char *k = q;
            q += strlen(q) + 1;
            char *v = q;
            q += strlen(q) + 1;
            if (strcmp(k, "tag"))
                continue;
            hsok_tag_t *tag = &rec->tags[t++];
            tag->theme = v;
            char *rs = strchr(v, '\x1e');
            if (!rs)
                continue;
            *rs = '\0';
            tag->score = strtod(rs + 1, NULL);
            char *ev = strchr(rs + 1, '\x1e');
            tag->evidence = rec->evs + e;
            if (!ev)
                continue;
            char *flag = strchr(ev + 1, '\x1e');
            if (flag) {
                *flag = '\0';
                tag->unsure = !strcmp(flag + 1, "u");
            }
            if (!ev[1])
                continue;
            for (char *c = ev + 1;;) {
                char *us = strchr(c, '\x1f');
                if (us)
                    *us = '\0';
                rec->evs[e++] = c;
                tag->nevidence++;
                if (!us)
                    break;
                c = us + 1;
            }
        }
        r->tags = rec->tags;
        r->ntags = t;
    }
    /* themes: comma-separated ids (ids never contain commas) */
    size_t n = 0;
    if (*themes) {
        n = 1;
        for (const char *t = themes; *t; t++)
            n += *t == ',';
    }
    rec->themes = calloc(n + 1, sizeof *rec->themes);
    if (!rec->themes) {
        free(rec->mem);
        rec->mem = NULL;
        return -1;
    }
    size_t i = 0;
    char *t = (char *)themes;
    while (n && *t) {
        rec->themes[i++] = t;
        char *c = strchr(t, ',');
        if (!c)
            break;
        *c = '\0';
        t = c + 1;
    }
    r->themes = rec->themes;
    r->nthemes = i;
    return 0;
}

hsok_status_t db_rec_load(const hsok_db_t *db, const char *data, size_t len, db_rec_t *rec,
                          char **errmsg)
{
    if (db_rec_decode(data, len, rec) != 0)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (!rec->pub.id[0]) {
        db_rec_clear(rec);
        return hsok_seterr(errmsg, HSOK_ERR_DB,
                           "index '%s' is damaged: a passage has no stored record (" XAP_REBUILD
                           ")",
                           db->path);
    }
    return HSOK_OK;
}

void db_rec_clear(db_rec_t *rec)
{
    free(rec->mem);
    free(rec->themes);
    free(rec->tags);
    free(rec->evs);
    memset(rec, 0, sizeof *rec);
}

char *db_norm_name(const char *s)
{
    size_t n = 0;
    char *norm = hsok_normalize(s, strlen(s), &n);
    if (!norm)
        return NULL;
    /* collapse whitespace runs, trim */
    char *w = norm;
    int space = 1;
    for (char *p = norm; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            if (!space)
                *w++ = ' ';
            space = 1;
        } else {
            *w++ = *p;
            space = 0;
        }
    }
    if (w > norm && w[-1] == ' ')
        w--;
    *w = '\0';
    return norm;
}

/* ---- indexing ---- */

typedef struct term_ctx {
    xap_db_t *x;
    xap_doc_t *doc;
    buf_t term;
    int spelling;  /* add words to the spelling table */
    buf_t words;   /* the file's spelling words, NUL-separated, added once per distinct word */
    int failed;
    char **errmsg;
} term_ctx_t;

static int add_prefixed(term_ctx_t *c, const char *pfx, const char *s, size_t n, unsigned pos)
{
    buf_reset(&c->term);
    buf_addstr(&c->term, pfx);
    buf_add(&c->term, s, n);
    if (c->term.err)
        return -1;
    if (c->term.len > 240) /* Xapian's term length limit is 245 bytes */
        return 0;
    if (pos)
        return xap_doc_add_posting(c->doc, c->term.data, c->term.len, pos, 1);
    return xap_doc_add_term(c->doc, c->term.data, c->term.len, 1);
}

static int on_token(void *ctx, const hsok_token_t *t)
{
    term_ctx_t *c = ctx;
    int rc = 0;
    if (t->flags & HSOK_TOKEN_PART) {
        rc = add_prefixed(c, PFX_PART, t->stem, t->stem_len, 0);
        /* a part's variant: "sikkerhet" finds "informasjonstryggleik" */
        for (size_t off = 0; !rc && off < t->variants_len; off += strlen(t->variants + off) + 1)
            rc = add_prefixed(c, PFX_VARIANT, t->variants + off, strlen(t->variants + off), 0);
    } else {
        if (t->norm_len <= 240)
            rc = xap_doc_add_posting(c->doc, t->norm, t->norm_len, t->pos, 1);
        if (!rc)
            rc = add_prefixed(c, PFX_STEM, t->stem, t->stem_len, 0);
        for (size_t off = 0; !rc && off < t->lemmas_len; off += strlen(t->lemmas + off) + 1)
            rc = add_prefixed(c, PFX_LEMMA, t->lemmas + off, strlen(t->lemmas + off), 0);
        for (size_t off = 0; !rc && off < t->variants_len; off += strlen(t->variants + off) + 1)
            rc = add_prefixed(c, PFX_VARIANT, t->variants + off, strlen(t->variants + off), 0);
        if (!rc && c->spelling && !(t->flags & (HSOK_TOKEN_STOPWORD | HSOK_TOKEN_NUMBER)) &&
            t->norm_len >= 3 && t->norm_len <= HSOK_SPELLING_WORD_MAX) {
            buf_add(&c->words, t->norm, t->norm_len);
            buf_addch(&c->words, '\0');
            if (c->words.err)
                rc = -1;
        }
    }
    if (rc)
        c->failed = 1;
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct spell_word {
    const char *w;
    int n; /* +1: one more in the passages added, -1: one fewer (deleted) */
} spell_word_t;

static int cmp_spell_word(const void *a, const void *b)
{
    return strcmp(((const spell_word_t *)a)->w, ((const spell_word_t *)b)->w);
}

/* Bring the spelling table in step with the words of the passages just added (words, one
 * entry per occurrence, NUL-separated) and just deleted (gone, the same): a word is in it as
 * often as in the indexed passages, if that is at least HSOK_SPELLING_MIN_FREQ times over the
 * whole index, so a word seen once in each of two files is in it. Each distinct word whose
 * count changed is looked at once: Xapian's spelling table is slow to update word by word. */
static hsok_status_t add_spellings(xap_db_t *x, buf_t *words, buf_t *gone, char **errmsg)
{
    size_t n = 0;
    for (size_t i = 0; i < words->len; i++)
        n += words->data[i] == '\0';
    for (size_t i = 0; i < gone->len; i++)
        n += gone->data[i] == '\0';
    hsok_status_t st = HSOK_OK;
    spell_word_t *v = n ? malloc(n * sizeof *v) : NULL;
    if (n && !v)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; v && i < words->len; i += strlen(words->data + i) + 1)
        v[k++] = (spell_word_t){ words->data + i, 1 };
    for (size_t i = 0; v && i < gone->len; i += strlen(gone->data + i) + 1)
        v[k++] = (spell_word_t){ gone->data + i, -1 };
    if (v)
        qsort(v, n, sizeof *v, cmp_spell_word);
    for (size_t i = 0; v && i < n && st == HSOK_OK;) {
        long delta = 0;
        size_t j = i;
        for (; j < n && !strcmp(v[j].w, v[i].w); j++)
            delta += v[j].n;
        st = xap_spelling_sync(x, v[i].w, strlen(v[i].w), HSOK_SPELLING_MIN_FREQ, delta, errmsg);
        i = j;
    }
    free(v);
    buf_reset(words);
    buf_reset(gone);
    return st;
}

/* Collect a spelling word (prefix.h) of a passage about to be deleted into the list ctx, once
 * for each time the passage has it. */
static int on_gone_term(void *ctx, const char *t, size_t n, unsigned wdf)
{
    buf_t *gone = ctx;
    if (n >= 3 && n <= HSOK_SPELLING_WORD_MAX && !(*t >= 'A' && *t <= 'Z'))
        for (unsigned i = 0; i < wdf; i++) {
            buf_add(gone, t, n);
            buf_addch(gone, '\0');
        }
    return gone->err;
}

/* Inside a transaction: make sure the spelling table is kept as add_spellings keeps it. An
 * index made before (up to format 16) held every word, each as often as the passages do:
 * once, its words seen fewer than HSOK_SPELLING_MIN_FREQ times go (and words of files
 * removed since). */
static hsok_status_t spelling_in_step(hsok_db_t *db, char **errmsg)
{
    if (db->spelling_ok)
        return HSOK_OK;
    char want[32], *val = NULL;
    snprintf(want, sizeof want, "min %d", HSOK_SPELLING_MIN_FREQ);
    hsok_status_t st = xap_get_meta(db->x, META_SPELLING, &val, errmsg);
    if (st == HSOK_OK && strcmp(val, want)) {
        st = xap_spelling_resync(db->x, HSOK_SPELLING_MIN_FREQ, errmsg);
        if (st == HSOK_OK)
            st = xap_set_meta(db->x, META_SPELLING, want, errmsg);
    }
    free(val);
    db->spelling_ok = st == HSOK_OK;
    return st;
}

/* Inside a transaction: delete the passages indexed by the term t[0..n), their words going
 * into the list gone for add_spellings. */
static hsok_status_t delete_passages(xap_db_t *x, const char *t, size_t n, buf_t *gone,
                                     char **errmsg)
{
    hsok_status_t st = xap_doc_terms(x, t, n, on_gone_term, gone, errmsg);
    if (st == HSOK_OK && gone->err)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    return st == HSOK_OK ? xap_delete_term(x, t, n, errmsg) : st;
}

static int add_boolean(term_ctx_t *c, const char *pfx, const char *s)
{
    buf_reset(&c->term);
    buf_addstr(&c->term, pfx);
    buf_addstr(&c->term, s);
    if (c->term.err)
        return -1;
    if (c->term.len > 240)
        c->term.len = 240;
    return xap_doc_add_boolean(c->doc, c->term.data, c->term.len);
}

static int on_section_token(void *ctx, const hsok_token_t *t)
{
    term_ctx_t *c = ctx;
    if (t->flags & (HSOK_TOKEN_PART | HSOK_TOKEN_STOPWORD))
        return 0;
    buf_t b = BUF_INIT;
    buf_add(&b, t->stem, t->stem_len);
    int rc = b.err ? -1 : add_boolean(c, PFX_SECTION, b.data);
    buf_free(&b);
    if (rc)
        c->failed = 1;
    return rc;
}

static int set_value_str(xap_doc_t *doc, unsigned slot, const char *s)
{
    return xap_doc_set_value(doc, slot, s, strlen(s));
}

void hsok_db_set_max_file_size(hsok_db_t *db, size_t max)
{
    db->max_file_size = max;
}

static const char *kind_code(hsok_passage_kind_t k)
{
    return k == HSOK_PASSAGE_BULLETS ? "b" : k == HSOK_PASSAGE_FOOTNOTE ? "f" : "p";
}

/* Parse "k=v\t" fields of a file record's first line. Returns a malloc'd value or NULL. */
static char *meta_field(const char *rec, const char *key)
{
    size_t kl = strlen(key);
    const char *p = rec;
    while (p && *p && *p != '\n') {
        if (!strncmp(p, key, kl) && p[kl] == '=') {
            const char *v = p + kl + 1;
            size_t n = strcspn(v, "\t\n");
            return hsok_strndup(v, n);
        }
        p = strpbrk(p, "\t\n");
        if (p && *p == '\t')
            p++;
        else
            break;
    }
    return NULL;
}

static char *meta_field_unescaped(const char *rec, const char *key);

/* The key of the path `real` in the path map (META_PATH), and of an index made before files
 * were known by content (format 10 and older: the file record was keyed by it). */
static void path_key(const char *real, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)hsok_hash64(real, strlen(real)));
}

/* The key of a file: its content, and what was given for it that changes its passages (the
 * respondent and type given by option, sidecar or manifest). Ids of passages start with it, so
 * they do not depend on where the file is. */
static void file_key(uint64_t content, const char *respondent, const char *type, char out[17])
{
    buf_t b = BUF_INIT;
    buf_addf(&b, "%016llx\t%s\t%s", (unsigned long long)content, respondent ? respondent : "",
             type ? type : "");
    uint64_t h = b.err ? content : hsok_hash64(b.data, b.len);
    buf_free(&b);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Whether the regular file at `real` holds content whose hash is `content`. */
static int same_content_at(const char *real, uint64_t content, size_t max)
{
    char *bytes = NULL;
    size_t len = 0;
    if (hsok_read_regular_file(real, max, &bytes, &len, NULL) != HSOK_OK)
        return 0;
    int same = hsok_hash64(bytes, len) == content;
    free(bytes);
    return same;
}

/* Inside a transaction: remove the passages and the record of the file with key `key`, if its
 * record says it was indexed from `real` (else another path holds it now: leave it). Their
 * words go into gone (delete_passages). */
static hsok_status_t drop_file_at(xap_db_t *x, const char *key, const char *real, buf_t *gone,
                                  char **errmsg)
{
    buf_t k = BUF_INIT;
    char *val = NULL;
    buf_addf(&k, "%s%s", META_FILE, key);
    hsok_status_t st = k.err ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory")
                             : xap_get_meta(x, k.data, &val, errmsg);
    if (st == HSOK_OK && *val) {
        char *r = meta_field_unescaped(val, "real");
        int here = r && !strcmp(r, real);
        free(r);
        if (here) {
            buf_t t = BUF_INIT;
            buf_addf(&t, "%s%s", PFX_FILE, key);
            st = t.err ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory")
                       : delete_passages(x, t.data, t.len, gone, errmsg);
            buf_free(&t);
            if (st == HSOK_OK)
                st = xap_set_meta(x, k.data, "", errmsg);
        }
    }
    free(val);
    buf_free(&k);
    return st;
}

/* Load the compound lexicon: $HSOK_LEXICON (files separated by ':'; empty: no compound
 * splitting), else Debian's word lists. Without a lexicon, indexing goes on unsplit and the
 * index records it ("compounds" metadata), so `hsok stats` can tell. */
static hsok_status_t load_lexicon(hsok_db_t *db, char **errmsg)
{
    const char *env = getenv("HSOK_LEXICON");
    const char *paths[16];
    size_t n = 0;
    char *copy = NULL;
    if (env) {
        copy = strdup(env);
        if (!copy)
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        for (char *p = strtok(copy, ":"); p && n < 15; p = strtok(NULL, ":"))
            if (*p)
                paths[n++] = p;
    } else {
        const char *const *d = hsok_lexicon_default_paths();
        while (d[n] && n < 15) {
            paths[n] = d[n];
            n++;
        }
    }
    paths[n] = NULL;
    hsok_status_t st = HSOK_ERR_NOT_FOUND;
    char *lerr = NULL;
    if (n > 0)
        st = hsok_lexicon_load(paths, n, &db->lex, &lerr);
    free(copy);
    free(lerr);
    if (st == HSOK_ERR_NOMEM)
        return hsok_seterr(errmsg, st, "out of memory loading the compound lexicon");
    if (st == HSOK_OK)
        hsok_analyzer_set_splitter(db->an, hsok_compound_split, db->lex);
    return xap_set_meta(db->x, META_COMPOUNDS, st == HSOK_OK ? "on" : "off", errmsg);
}

void db_dup_key(const char *respondent, const char *text, char out[17])
{
    uint64_t dh = hsok_hash64(respondent, strlen(respondent)) * 31 + hsok_hash64(text, strlen(text));
    snprintf(out, 17, "%016llx", (unsigned long long)dh);
}

/* The document of one passage (see db_build_doc). tc collects spelling words if enabled. */
static hsok_status_t build_doc(term_ctx_t *tc, hsok_db_t *db, const hsok_record_t *rec_in,
                               unsigned kind, const char *key, const hsok_codebook_t *cb,
                               const hsok_tagging_t *tagged, xap_doc_t **out, char **errmsg)
{
    *out = NULL;
    hsok_analyzer_t *an = db_analyzer(db, errmsg);
    if (!an)
        return HSOK_ERR_NOMEM;
    hsok_record_t r = *rec_in;
    hsok_tagging_t *tg = NULL;
    const char **ids = NULL;
    hsok_tag_t *tags = NULL;
    char *pevs = NULL; /* the position's evidence */
    hsok_status_t st = HSOK_OK;
    if (cb) {
        if (!tagged) {
            st = hsok_tag_passage(cb, an, r.text, strlen(r.text), r.section, &tg, errmsg);
            if (st != HSOK_OK)
                return st;
            tagged = tg;
        }
        size_t n = hsok_tagging_count(tagged);
        ids = calloc(n + 1, sizeof *ids);
        tags = calloc(n + 1, sizeof *tags);
        if (!ids || !tags) {
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            tags[i] = *hsok_tagging_get(tagged, i);
            ids[i] = tags[i].theme;
        }
        r.themes = ids;
        r.nthemes = n;
        r.tags = tags;
        r.ntags = n;
    }
    /* the position the text states; else the one a form's answer gave (kept through retag) */
    hsok_position_evidence_t pev;
    hsok_position_t stated = hsok_position_detect(r.text, strlen(r.text), &pev);
    int from_form = r.position && *r.position && r.position_evidence &&
                    !strncmp(r.position_evidence, "svar: ", 6);
    if (stated != HSOK_POSITION_NONE || !from_form) {
        pevs = hsok_position_evidence_text(r.text, &pev);
        if (!pevs) {
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            goto out;
        }
        r.position = hsok_position_id(stated);
        r.position_evidence = pevs;
    }
    buf_t data = BUF_INIT;
    db_rec_encode(&data, &r, kind, key);
    xap_doc_t *doc = xap_doc_new();
    if (!doc || data.err) {
        buf_free(&data);
        xap_doc_free(doc);
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        goto out;
    }
    tc->doc = doc;
    tc->failed = 0;
    unsigned pos = 0;
    st = hsok_analyze(an, r.text, strlen(r.text), HSOK_ANALYZE_DOCUMENT, &pos, on_token, tc);
    if (st == HSOK_OK && !tc->failed)
        hsok_analyze(an, r.section, strlen(r.section), HSOK_ANALYZE_QUERY, NULL,
                     on_section_token, tc);
    char num[16], dupkey[17];
    db_dup_key(r.respondent, r.text, dupkey);
    int bad = st != HSOK_OK || tc->failed;
    bad = bad || add_boolean(tc, PFX_ID, r.id);
    bad = bad || add_boolean(tc, PFX_FILE, key);
    bad = bad || add_boolean(tc, PFX_KIND, kind_code((hsok_passage_kind_t)kind));
    for (size_t i = 0; !bad && i < r.nthemes; i++)
        bad = add_boolean(tc, PFX_THEME, r.themes[i]);
    if (!bad && *r.position)
        bad = add_boolean(tc, PFX_POSITION, r.position);
    if (!bad && *r.respondent) {
        char *rn = db_norm_name(r.respondent);
        bad = !rn || add_boolean(tc, PFX_RESPONDENT, rn);
        free(rn);
    }
    if (!bad && r.respondent_type && *r.respondent_type)
        bad = add_boolean(tc, PFX_RTYPE, r.respondent_type);
    if (!bad) { /* the same text in other responses may be the hearing's form (dbform.c) */
        char fkey[17];
        db_form_key(r.text, fkey);
        bad = *fkey && add_boolean(tc, PFX_FORMKEY, fkey);
    }
    if (!bad && r.question_no > 0) {
        snprintf(num, sizeof num, "%d", r.question_no);
        bad = add_boolean(tc, PFX_QUESTION, num);
    }
    if (!bad && r.goal_no > 0) {
        snprintf(num, sizeof num, "%d", r.goal_no);
        bad = add_boolean(tc, PFX_GOAL, num);
    }
    bad = bad || set_value_str(doc, SLOT_SOURCE, r.source) ||
          set_value_str(doc, SLOT_DUP, dupkey) || set_value_str(doc, SLOT_OWNDUP, dupkey) ||
          xap_doc_set_data(doc, data.data, data.len);
    buf_free(&data);
    if (bad) {
        if (st == HSOK_OK)
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "cannot index '%s': out of memory",
                             r.source);
        xap_doc_free(doc);
        goto out;
    }
    *out = doc;
out:
    free(ids);
    free(tags);
    free(pevs);
    hsok_tagging_free(tg);
    return st;
}

hsok_status_t db_build_doc(hsok_db_t *db, const hsok_record_t *rec, unsigned kind,
                           const char *filekey, const hsok_codebook_t *cb,
                           const hsok_tagging_t *tagged, xap_doc_t **out, char **errmsg)
{
    term_ctx_t tc = { db->x, NULL, BUF_INIT, 0, BUF_INIT, 0, errmsg };
    hsok_status_t st = build_doc(&tc, db, rec, kind, filekey, cb, tagged, out, errmsg);
    buf_free(&tc.term);
    buf_free(&tc.words);
    return st;
}

static int meta_put(hsok_db_t *db, buf_t *k, buf_t *v, char **errmsg, hsok_status_t *st)
{
    if (k->err || v->err) {
        *st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        return -1;
    }
    *st = xap_set_meta(db->x, k->data, v->data, errmsg);
    return *st == HSOK_OK ? 0 : -1;
}

hsok_status_t db_store_codebook(hsok_db_t *db, const hsok_codebook_t *cb, char **errmsg)
{
    if (db->stored_cb == cb)
        return HSOK_OK;
    hsok_status_t st = HSOK_OK;
    buf_t k = BUF_INIT, v = BUF_INIT, list = BUF_INIT;
    for (size_t i = 0; i < hsok_codebook_count(cb); i++) {
        const hsok_theme_info_t *t = hsok_codebook_theme(cb, i);
        buf_reset(&k);
        buf_reset(&v);
        buf_addf(&k, "theme:%s", t->id);
        db_rec_add_field(&v, "label", t->label);
        db_rec_add_field(&v, "description", t->description);
        db_rec_add_field(&v, "parent", t->parent);
        if (meta_put(db, &k, &v, errmsg, &st))
            goto out;
        if (i)
            buf_addch(&list, ',');
        buf_addstr(&list, t->id);
    }
    buf_reset(&k);
    buf_addstr(&k, "themes");
    if (meta_put(db, &k, &list, errmsg, &st))
        goto out;
    buf_reset(&k);
    buf_reset(&v);
    buf_addstr(&k, "codebook");
    buf_addstr(&v, hsok_codebook_fingerprint(cb));
    if (meta_put(db, &k, &v, errmsg, &st))
        goto out;
    db->stored_cb = cb;
out:
    buf_free(&k);
    buf_free(&v);
    buf_free(&list);
    return st;
}

hsok_status_t db_need_lexicon(hsok_db_t *db, char **errmsg)
{
    if (db->lex_tried)
        return HSOK_OK;
    if (!db_analyzer(db, errmsg))
        return HSOK_ERR_NOMEM;
    db->lex_tried = 1;
    hsok_status_t st = load_lexicon(db, errmsg);
    return st == HSOK_OK ? db_need_lemmas(db, errmsg) : st;
}

/* A respondent of the file being indexed: what found it, its type, its passages. */
typedef struct resp_info {
    const char *name; /* borrowed from the segdoc; "" for passages with none */
    const char *how, *type, *thow;
    int doubt;
    size_t passages;
} resp_info_t;

/* The segdoc's respondents, and last the unknown one (""): *n entries, malloc'd. The type
 * given (type, by thow) holds for all; else it is detected from the name. */
static resp_info_t *resp_infos(const hsok_segdoc_t *seg, const hsok_aliases_t *aliases,
                               const char *rhow, const char *type, const char *thow, size_t *n)
{
    size_t nr = hsok_segdoc_respondent_count(seg);
    resp_info_t *ri = calloc(nr + 1, sizeof *ri);
    if (!ri)
        return NULL;
    for (size_t i = 0; i <= nr; i++) {
        resp_info_t *e = &ri[i];
        e->name = i < nr ? hsok_segdoc_respondent(seg, i) : "";
        e->how = !e->name[0] ? "" : rhow ? rhow : hsok_segdoc_respondent_how(seg, i);
        if (type) {
            e->type = type;
            e->thow = thow;
        } else {
            const char *h = NULL;
            e->type = hsok_respondent_type(e->name, aliases, &h, &e->doubt);
            e->type = e->type ? e->type : "";
            e->thow = h ? h : "";
        }
    }
    *n = nr + 1;
    return ri;
}

static resp_info_t *resp_info_of(resp_info_t *ri, size_t n, const char *name)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (!strcmp(ri[i].name, name))
            return &ri[i];
    return &ri[n - 1];
}

/* The position a form's answer gives passage p: the stance of its respondent under its
 * question, when the question asks for support ("Støtter dere …?" – "Ja"); evidence gets
 * "svar: ANSWER". HSOK_POSITION_NONE when there is none. */
static hsok_position_t form_position(const hsok_segdoc_t *seg, const hsok_passage_t *p,
                                     char *evidence, size_t cap)
{
    for (size_t i = 0; i < hsok_segdoc_stance_count(seg); i++) {
        const hsok_stance_t *s = hsok_segdoc_stance(seg, i);
        int same_q = (p->question_no > 0 && s->question_no == p->question_no) ||
                     (*s->question && !strcmp(s->question, p->question));
        if (!same_q || strcmp(s->respondent, p->respondent))
            continue;
        hsok_position_t pos = hsok_position_from_answer(s->question, s->answer);
        if (pos != HSOK_POSITION_NONE) {
            snprintf(evidence, cap, "svar: %s", s->answer);
            return pos;
        }
    }
    return HSOK_POSITION_NONE;
}

hsok_status_t hsok_db_index_file(hsok_db_t *db, const char *path, const hsok_index_opts_t *opts,
                                 hsok_index_result_t *res, char **errmsg)
{
    static const hsok_index_opts_t defaults = { 0 };
    if (!opts)
        opts = &defaults;
    memset(res, 0, sizeof *res);
    res->encoding = "";
    res->format = "";
    drop_warnings(db);
    if (!db->writable)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "index '%s' is open read-only", db->path);

    char real[PATH_MAX];
    if (!realpath(path, real))
        return hsok_seterr(errmsg, HSOK_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    size_t len = 0;
    char *bytes = NULL;
    hsok_status_t rst = hsok_read_regular_file(
        path, db->max_file_size ? db->max_file_size : HSOK_MAX_SOURCE_BYTES, &bytes, &len,
        errmsg);
    if (rst != HSOK_OK)
        return rst;
    res->bytes = len;

    hsok_status_t st = HSOK_OK;
    char *respondent = NULL, *meta_text = NULL, *side_type = NULL;
    const char *rhow = NULL;             /* the respondent given: "option", "sidecar" … */
    const char *type = NULL, *thow = ""; /* the type given, and by what */
    resp_info_t *ri = NULL;
    size_t nri = 0;
    hsok_aliases_t *aliases = NULL;
    hsok_document_t rd = { 0 };
    hsok_segdoc_t *seg = NULL;
    xap_doc_t *doc = NULL;
    hsok_tagging_t **tgs = NULL; /* each passage's themes, ntgs of them */
    size_t ntgs = 0;
    buf_t data = BUF_INIT, sig = BUF_INIT, rec = BUF_INIT, idbuf = BUF_INIT, pathrec = BUF_INIT;
    char *prev_key = NULL, oldpkey[17] = "";
    int moved = 0;
    term_ctx_t tc = { db->x, NULL, BUF_INIT, 1, BUF_INIT, 0, errmsg };
    buf_t gone = BUF_INIT; /* words of the passages deleted, for add_spellings */
    int in_txn = 0;

    /* the sidecar and the override are part of the file's signature */
    st = hsok_read_meta_type(real, &respondent, &side_type, errmsg);
    if (st == HSOK_ERR_NOT_REGULAR && errmsg && *errmsg) {
        /* the file is skipped for its sidecar: say which file */
        char *why = *errmsg;
        *errmsg = NULL;
        hsok_seterr(errmsg, st, "'%s': %s", path, why);
        free(why);
    }
    if (st != HSOK_OK)
        goto out;
    /* precedence: the option, the sidecar, the manifest, then detection */
    if (respondent)
        rhow = "sidecar";
    const char *given = opts->respondent && *opts->respondent ? opts->respondent : NULL;
    if (!given && !respondent && opts->manifest_respondent && *opts->manifest_respondent)
        given = opts->manifest_respondent;
    if (given) {
        rhow = given == opts->respondent ? "option" : "manifest";
        free(respondent);
        respondent = strdup(given);
        if (!respondent) {
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    if (opts->type && *opts->type)
        type = opts->type, thow = "option";
    else if (side_type)
        type = side_type, thow = "sidecar";
    else if (opts->manifest_type && *opts->manifest_type)
        type = opts->manifest_type, thow = "manifest";
    if (type && !(type = hsok_respondent_type_name(type, strlen(type)))) {
        st = hsok_seterr(errmsg, HSOK_ERR_INVALID, "unknown respondent type '%s' (%s)",
                         thow[0] == 'o' ? opts->type : opts->manifest_type,
                         HSOK_RESPONDENT_TYPES);
        goto out;
    }
    /* the alias table names the respondents: a changed table re-reads the files */
    st = hsok_aliases_load(&aliases, errmsg);
    if (st != HSOK_OK)
        goto out;
    char key[17], pkey[17];
    uint64_t content = hsok_hash64(bytes, len);
    file_key(content, respondent, type, key);
    path_key(real, pkey);
    buf_addf(&pathrec, "%s%s", META_PATH, pkey);
    if (pathrec.err) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* what was indexed from this path before: the path map, or an index of format 10 and
     * older, which keyed the file's record by its path */
    st = xap_get_meta(db->x, pathrec.data, &prev_key, errmsg);
    if (st != HSOK_OK)
        goto out;
    if (!*prev_key) {
        free(prev_key);
        prev_key = strdup(pkey);
        if (!prev_key) {
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    buf_addf(&sig, "%016llx:%zu:%s:%s:%016llx:%s:%s:%s",
             (unsigned long long)hsok_hash64(bytes, len), len, respondent ? respondent : "",
             INDEX_FORMAT, (unsigned long long)hsok_aliases_hash(aliases), rhow ? rhow : "",
             type ? type : "", thow);
    buf_addf(&rec, "%s%s", META_FILE, key);
    if (sig.err || rec.err) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        goto out;
    }
    st = xap_get_meta(db->x, rec.data, &meta_text, errmsg);
    if (st != HSOK_OK)
        goto out;
    if (*meta_text) {
        /* the same content was indexed from another path: moved (that path is gone or holds
         * something else now) or a second copy (still there) */
        char *oldreal = meta_field_unescaped(meta_text, "real");
        if (oldreal && strcmp(oldreal, real)) {
            if (same_content_at(oldreal, content, db->max_file_size ? db->max_file_size
                                                                      : HSOK_MAX_SOURCE_BYTES)) {
                free(db->dup_path);
                db->dup_path = meta_field_unescaped(meta_text, "path");
                if (!db->dup_path)
                    db->dup_path = oldreal, oldreal = NULL;
                res->duplicate_of = db->dup_path;
                res->unchanged = 1;
                free(oldreal);
                goto out;
            }
            path_key(oldreal, oldpkey);
            moved = 1;
        }
        free(oldreal);
    }
    if (!opts->force && !moved && *meta_text) {
        char *old = meta_field(meta_text, "sig");
        char *oldpath = meta_field(meta_text, "path");
        int same = old && !strcmp(old, sig.data) && oldpath && !strcmp(oldpath, path);
        char *np = meta_field(meta_text, "passages");
        char *nr = meta_field(meta_text, "respondents");
        char *enc = meta_field(meta_text, "encoding");
        if (same) {
            res->unchanged = 1;
            res->passages = np ? strtoul(np, NULL, 10) : 0;
            res->respondents = nr ? strtoul(nr, NULL, 10) : 0;
            res->encoding = !enc ? "" : !strcmp(enc, "windows-1252") ? "windows-1252"
                                      : !strcmp(enc, "utf-8 with bom") ? "utf-8 with bom"
                                                                       : "utf-8";
        }
        free(old);
        free(oldpath);
        free(np);
        free(nr);
        free(enc);
        if (same)
            goto out;
    }

    st = hsok_document_read(path, bytes, len, &rd, errmsg);
    if (st != HSOK_OK)
        goto out;
    res->format = hsok_format_name(rd.format);
    db->warnings = rd.warnings; /* the db keeps them for the caller until the next file */
    db->nwarnings = rd.nwarnings;
    rd.warnings = NULL;
    rd.nwarnings = 0;
    res->warnings = (const char *const *)db->warnings;
    res->nwarnings = db->nwarnings;
    res->encoding = hsok_encoding_name(rd.src.encoding);
    res->invalid_bytes = rd.src.invalid_bytes;
    res->first_invalid = rd.src.first_invalid;
    hsok_segment_opts_t so = { .respondent = respondent, .aliases = aliases,
                               .hints = rd.hints, .nhints = rd.nhints };
    st = hsok_segment(path, rd.src.text, rd.src.len, &so, &seg, errmsg);
    if (st == HSOK_OK && !respondent && rd.sender && !hsok_segdoc_respondent_count(seg)) {
        /* an e-mail whose text names no one: its sender is the respondent */
        char *who = hsok_sender_name(rd.sender);
        if (who && *who) {
            hsok_segdoc_free(seg);
            seg = NULL;
            respondent = who;
            rhow = "e-mail sender";
            so.respondent = respondent;
            st = hsok_segment(path, rd.src.text, rd.src.len, &so, &seg, errmsg);
        } else {
            free(who);
        }
    }
    if (st != HSOK_OK)
        goto out;
    hsok_analyzer_t *an = db_analyzer(db, errmsg);
    if (!an) {
        st = HSOK_ERR_NOMEM;
        goto out;
    }
    st = db_need_lexicon(db, errmsg);
    if (st == HSOK_OK && opts->codebook)
        st = db_store_codebook(db, opts->codebook, errmsg);
    if (st == HSOK_OK && !(ri = resp_infos(seg, aliases, rhow, type, thow, &nri)))
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (st != HSOK_OK)
        goto out;

    st = xap_begin(db->x, errmsg);
    if (st != HSOK_OK)
        goto out;
    in_txn = 1;
    st = spelling_in_step(db, errmsg);
    if (st != HSOK_OK)
        goto out;
    buf_t fterm = BUF_INIT;
    buf_addf(&fterm, "%s%s", PFX_FILE, key);
    st = fterm.err ? HSOK_ERR_NOMEM
                   : delete_passages(db->x, fterm.data, fterm.len, &gone, errmsg);
    buf_free(&fterm);
    /* the path held other content before: that file's passages go */
    if (st == HSOK_OK && strcmp(prev_key, key))
        st = drop_file_at(db->x, prev_key, real, &gone, errmsg);
    /* the path map: this path holds key; a moved file's old path holds nothing now */
    if (st == HSOK_OK)
        st = xap_set_meta(db->x, pathrec.data, key, errmsg);
    if (st == HSOK_OK && moved) {
        buf_t op = BUF_INIT;
        buf_addf(&op, "%s%s", META_PATH, oldpkey);
        st = op.err ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory")
                    : xap_set_meta(db->x, op.data, "", errmsg);
        buf_free(&op);
    }
    if (st != HSOK_OK)
        goto out;

    size_t np = hsok_segdoc_passage_count(seg);
    /* the themes of every passage first: each respondent's passages are tagged in context */
    if (opts->codebook && np) {
        hsok_analyzer_t *an = db_analyzer(db, errmsg);
        tgs = an ? calloc(np, sizeof *tgs) : NULL;
        ntgs = tgs ? np : 0;
        if (!tgs) {
            st = an ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory") : HSOK_ERR_NOMEM;
            goto out;
        }
        /* build_doc analyses each passage again for its terms: the tokens are kept (at most
         * 8 MB of them for a file) and replayed, not analysed twice */
        hsok_analyzer_memo(an, (size_t)8 << 20);
        st = hsok_tag_segdoc(opts->codebook, an, seg, tgs, errmsg);
        if (st != HSOK_OK)
            goto out;
    }
    for (size_t i = 0; i < np; i++) {
        const hsok_passage_t *p = hsok_segdoc_passage(seg, i);
        buf_reset(&idbuf);
        buf_addf(&idbuf, "%.8s.%u", key, p->ordinal);
        if (idbuf.err) {
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            goto out;
        }
        hsok_record_t r = { 0 };
        r.id = idbuf.data;
        r.source = path;
        r.respondent = p->respondent;
        r.section = p->section;
        r.text = p->text;
        r.line = p->line;
        r.end_line = p->end_line;
        r.page = p->page;
        r.end_page = p->end_page;
        if (!r.page && rd.format == HSOK_FORMAT_PDF && rd.pages == 1)
            r.page = r.end_page = 1; /* one page, so no form feed: every passage is on page 1 */
        r.ordinal = p->ordinal;
        r.start = p->start;
        r.end = p->end;
        r.question_no = p->question_no;
        r.goal_no = p->goal_no;
        resp_info_t *info = resp_info_of(ri, nri, p->respondent);
        info->passages++;
        r.respondent_type = info->type;
        char answer[96];
        hsok_position_t fpos = form_position(seg, p, answer, sizeof answer);
        if (fpos != HSOK_POSITION_NONE) {
            r.position = hsok_position_id(fpos);
            r.position_evidence = answer;
        }
        st = build_doc(&tc, db, &r, p->kind, key, opts->codebook, tgs ? tgs[i] : NULL, &doc,
                       errmsg);
        if (st != HSOK_OK)
            goto out;
        st = xap_add(db->x, doc, NULL, errmsg);
        xap_doc_free(doc);
        doc = NULL;
        if (st != HSOK_OK)
            goto out;
    }

    st = add_spellings(db->x, &tc.words, &gone, errmsg);
    if (st == HSOK_OK)
        st = db_store_lemmas(db, errmsg);
    if (st != HSOK_OK)
        goto out;
    /* the file record: one line of k=v fields, then one line per stance */
    buf_t fr = BUF_INIT;
    buf_addf(&fr, "sig=%s\tpassages=%zu\trespondents=%zu\tencoding=%s\tbytes=%zu\tpath=", sig.data,
             np, hsok_segdoc_respondent_count(seg), res->encoding, len);
    add_escaped(&fr, path);
    buf_addstr(&fr, "\treal=");
    add_escaped(&fr, real);
    buf_addch(&fr, '\n');
    /* then one line per respondent: resp NAME HOW TYPE TYPE-HOW DOUBT PASSAGES */
    for (size_t i = 0; i < nri; i++) {
        /* the unknown one only when it has passages, or when there is nothing else */
        if (!ri[i].name[0] && !ri[i].passages && nri > 1)
            continue;
        buf_addstr(&fr, "resp\t");
        add_escaped(&fr, ri[i].name);
        buf_addf(&fr, "\t%s\t%s\t%s\t%d\t%zu\n", ri[i].how, ri[i].type, ri[i].thow,
                 ri[i].doubt, ri[i].passages);
    }
    for (size_t i = 0; i < hsok_segdoc_stance_count(seg); i++) {
        const hsok_stance_t *s = hsok_segdoc_stance(seg, i);
        buf_addf(&fr, "stance\t%d\t", s->question_no);
        add_escaped(&fr, s->respondent);
        buf_addch(&fr, '\t');
        add_escaped(&fr, s->answer);
        buf_addch(&fr, '\t');
        add_escaped(&fr, s->options);
        buf_addf(&fr, "\t%u\t", s->line);
        add_escaped(&fr, s->question);
        buf_addch(&fr, '\n');
    }
    st = fr.err ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory")
                : xap_set_meta(db->x, rec.data, fr.data, errmsg);
    buf_free(&fr);
    if (st != HSOK_OK)
        goto out;
    st = xap_end(db->x, 1, errmsg);
    in_txn = 0;
    if (st == HSOK_OK) {
        res->passages = np;
        res->respondents = hsok_segdoc_respondent_count(seg);
        /* commit now and then, so memory stays bounded and little is redone after a crash */
        for (size_t i = 0; i < np; i++)
            db->uncommitted += strlen(hsok_segdoc_passage(seg, i)->text);
        db->uncommitted_files++;
        if (commit_due(db))
            st = hsok_db_commit(db, errmsg);
    }

out:
    if (in_txn) {
        /* only an index error or out of memory gets here; cancelling also drops the files
         * indexed since the last commit (they have no record either, so they are redone) */
        xap_end(db->x, 0, NULL);
        db->spelling_ok = 0; /* its metadata may be gone with the rest */
        if (db->uncommitted_files && errmsg && *errmsg) {
            char *m = NULL;
            hsok_seterr(&m, st, "%s; the %zu file(s) indexed before it in this run were "
                        "not saved: run 'hsok index' again", *errmsg, db->uncommitted_files);
            if (m) {
                free(*errmsg);
                *errmsg = m;
            }
        }
        db->uncommitted = 0;
        db->uncommitted_files = 0;
    }
    xap_doc_free(doc);
    for (size_t i = 0; i < ntgs; i++)
        hsok_tagging_free(tgs[i]);
    free(tgs);
    hsok_analyzer_memo(db->an, 0);
    buf_free(&tc.term);
    buf_free(&tc.words);
    buf_free(&gone);
    buf_free(&data);
    buf_free(&sig);
    buf_free(&rec);
    buf_free(&idbuf);
    buf_free(&pathrec);
    free(prev_key);
    hsok_segdoc_free(seg);
    hsok_document_clear(&rd);
    free(meta_text);
    free(respondent);
    free(side_type);
    free(ri);
    hsok_aliases_free(aliases);
    free(bytes);
    return st;
}

/* ---- prune ---- */

typedef struct prune_ctx {
    hsok_db_t *db;
    void (*fn)(void *, const char *);
    void *fnctx;
    size_t removed;
    hsok_status_t st;
    char **errmsg;
} prune_ctx_t;

static char *unescape_dup(const char *s, size_t n)
{
    char *o = malloc(n + 1), *w = o;
    if (!o)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            i++;
            *w++ = s[i] == 'n' ? '\n' : s[i] == 't' ? '\t' : s[i];
        } else {
            *w++ = s[i];
        }
    }
    *w = '\0';
    return o;
}

static char *meta_field_unescaped(const char *rec, const char *key)
{
    char *raw = meta_field(rec, key);
    if (!raw)
        return NULL;
    char *v = unescape_dup(raw, strlen(raw));
    free(raw);
    return v;
}

/* Inside a transaction: the path map forgets `real` if it names key there. */
static hsok_status_t unmap_path(xap_db_t *x, const char *real, const char *key, char **errmsg)
{
    char pkey[17];
    path_key(real, pkey);
    buf_t k = BUF_INIT;
    char *val = NULL;
    buf_addf(&k, "%s%s", META_PATH, pkey);
    hsok_status_t st = k.err ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory")
                             : xap_get_meta(x, k.data, &val, errmsg);
    if (st == HSOK_OK && !strcmp(val, key))
        st = xap_set_meta(x, k.data, "", errmsg);
    free(val);
    buf_free(&k);
    return st;
}

static int prune_one(void *ctx, const char *mkey)
{
    prune_ctx_t *pc = ctx;
    char *val = NULL;
    pc->st = xap_get_meta(pc->db->x, mkey, &val, pc->errmsg);
    if (pc->st != HSOK_OK)
        return 1;
    char *real = meta_field_unescaped(val, "real");
    char *path = meta_field_unescaped(val, "path");
    struct stat sb;
    if (real && stat(real, &sb) != 0 && errno == ENOENT) {
        buf_t t = BUF_INIT, gone = BUF_INIT, none = BUF_INIT;
        buf_addf(&t, "%s%s", PFX_FILE, mkey + strlen(META_FILE));
        pc->st = t.err ? HSOK_ERR_NOMEM : xap_begin(pc->db->x, pc->errmsg);
        if (pc->st == HSOK_OK) {
            pc->st = spelling_in_step(pc->db, pc->errmsg);
            if (pc->st == HSOK_OK)
                pc->st = delete_passages(pc->db->x, t.data, t.len, &gone, pc->errmsg);
            if (pc->st == HSOK_OK)
                pc->st = add_spellings(pc->db->x, &none, &gone, pc->errmsg);
            if (pc->st == HSOK_OK)
                pc->st = xap_set_meta(pc->db->x, mkey, "", pc->errmsg);
            if (pc->st == HSOK_OK)
                pc->st = unmap_path(pc->db->x, real, mkey + strlen(META_FILE), pc->errmsg);
            hsok_status_t e = xap_end(pc->db->x, pc->st == HSOK_OK, pc->errmsg);
            if (pc->st == HSOK_OK)
                pc->st = e;
            if (pc->st != HSOK_OK)
                pc->db->spelling_ok = 0;
        }
        buf_free(&t);
        buf_free(&gone);
        if (pc->st == HSOK_OK) {
            pc->removed++;
            if (pc->fn)
                pc->fn(pc->fnctx, path ? path : real);
        }
    }
    free(real);
    free(path);
    free(val);
    return pc->st != HSOK_OK;
}

hsok_status_t hsok_db_prune(hsok_db_t *db, void (*fn)(void *ctx, const char *path), void *ctx,
                            size_t *removed, char **errmsg)
{
    prune_ctx_t pc = { db, fn, ctx, 0, HSOK_OK, errmsg };
    if (removed)
        *removed = 0;
    if (!db->writable)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "index '%s' is open read-only", db->path);
    hsok_status_t st = xap_meta_keys(db->x, META_FILE, prune_one, &pc, errmsg);
    if (st == HSOK_OK)
        st = pc.st;
    if (removed)
        *removed = pc.removed;
    return st;
}

/* ---- stats ---- */

typedef struct stats_priv {
    hsok_stats_t pub;
    hsok_stat_respondent_t *resp;
    size_t cap;
    char *path;
    char **unknown; /* files without a respondent */
    size_t ucap;
} stats_priv_t;

typedef struct stats_ctx {
    stats_priv_t *sp;
    xap_db_t *x;
    char **errmsg;
    int nomem;
} stats_ctx_t;

/* Count a file; a file in which no respondent was found is listed by its path. */
static int count_file(void *ctx, const char *key)
{
    stats_ctx_t *c = ctx;
    stats_priv_t *sp = c->sp;
    sp->pub.files++;
    char *val = NULL;
    if (xap_get_meta(c->x, key, &val, NULL) != HSOK_OK)
        return 0; /* the counts below still hold; a damaged index failed the check before */
    char *nr = meta_field(val, "respondents");
    char *path = nr && !strcmp(nr, "0") ? meta_field_unescaped(val, "path") : NULL;
    free(nr);
    free(val);
    if (!path)
        return 0;
    if (sp->pub.nunknown_files == sp->ucap) {
        size_t ncap = sp->ucap ? sp->ucap * 2 : 8;
        char **p = realloc(sp->unknown, ncap * sizeof *p);
        if (!p) {
            free(path);
            c->nomem = 1;
            return 1;
        }
        sp->unknown = p;
        sp->ucap = ncap;
    }
    sp->unknown[sp->pub.nunknown_files++] = path;
    return 0;
}

static int count_word(void *ctx, const char *term, size_t len, unsigned freq)
{
    (void)freq;
    /* word terms have no prefix: they never start with an ASCII capital */
    if (len && !(term[0] >= 'A' && term[0] <= 'Z'))
        ((stats_ctx_t *)ctx)->sp->pub.terms++;
    return 0;
}

static uint64_t dir_size(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    uint64_t total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        buf_t p = BUF_INIT;
        buf_addf(&p, "%s/%s", path, e->d_name);
        struct stat sb;
        if (!p.err && stat(p.data, &sb) == 0)
            total += S_ISDIR(sb.st_mode) ? dir_size(p.data) : (uint64_t)sb.st_size;
        buf_free(&p);
    }
    closedir(d);
    return total;
}

static int cmp_resp(const void *a, const void *b)
{
    const hsok_stat_respondent_t *x = a, *y = b;
    if (x->passages != y->passages)
        return x->passages < y->passages ? 1 : -1;
    return strcmp(x->name, y->name);
}

/* Respondent names come from the documents' stored value, not the normalised XR term:
 * walk each XR term's first document. */
static int count_respondent(void *ctx, const char *term, size_t len, unsigned freq)
{
    stats_ctx_t *c = ctx;
    stats_priv_t *sp = c->sp;
    char *data = NULL;
    size_t dlen = 0;
    if (xap_data_by_term(c->x, term, len, &data, &dlen, NULL) != HSOK_OK)
        return 0;
    db_rec_t rec;
    if (db_rec_decode(data, dlen, &rec) == 0) {
        if (sp->pub.nrespondents == sp->cap) {
            size_t ncap = sp->cap ? sp->cap * 2 : 8;
            void *p = realloc(sp->resp, ncap * sizeof *sp->resp);
            if (!p) {
                c->nomem = 1;
                db_rec_clear(&rec);
                free(data);
                return 1;
            }
            sp->resp = p;
            sp->cap = ncap;
        }
        char *name = strdup(rec.pub.respondent);
        char *type = strdup(rec.pub.respondent_type ? rec.pub.respondent_type : "");
        if (!name || !type) {
            free(name);
            free(type);
            c->nomem = 1;
        } else {
            sp->resp[sp->pub.nrespondents].name = name;
            sp->resp[sp->pub.nrespondents].type = type;
            sp->resp[sp->pub.nrespondents].passages = freq;
            sp->pub.nrespondents++;
        }
        db_rec_clear(&rec);
    }
    free(data);
    return c->nomem;
}

hsok_status_t hsok_db_stats(hsok_db_t *db, hsok_stats_t **out, char **errmsg)
{
    *out = NULL;
    stats_priv_t *sp = calloc(1, sizeof *sp);
    if (!sp || !(sp->path = strdup(db->path))) {
        free(sp);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    stats_ctx_t c = { sp, db->x, errmsg, 0 };
    sp->pub.path = sp->path;
    sp->pub.passages = xap_doccount(db->x);
    /* damage can change the counts without any error from Xapian: check it all first (each
     * local shard of several; a remote one is checked where it is served) */
    hsok_status_t st = HSOK_OK;
    for (size_t i = 0; st == HSOK_OK && i < xap_shard_count(db->x); i++)
        if (xap_shard_path(db->x, i))
            st = xap_check(xap_shard_path(db->x, i), 1, NULL, NULL, errmsg);
    if (st == HSOK_OK)
        st = xap_meta_keys(db->x, META_FILE, count_file, &c, errmsg);
    if (st == HSOK_OK)
        st = xap_terms(db->x, "", 0, count_word, &c, errmsg);
    if (st == HSOK_OK)
        st = xap_terms(db->x, PFX_RESPONDENT, strlen(PFX_RESPONDENT), count_respondent, &c,
                       errmsg);
    if (st == HSOK_OK && c.nomem)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (st != HSOK_OK) {
        hsok_stats_free(&sp->pub);
        return st;
    }
    if (sp->pub.nrespondents) /* sp->resp is NULL when there are none */
        qsort(sp->resp, sp->pub.nrespondents, sizeof *sp->resp, cmp_resp);
    sp->pub.respondents = sp->resp;
    if (sp->pub.nunknown_files)
        qsort(sp->unknown, sp->pub.nunknown_files, sizeof *sp->unknown, cmp_str);
    sp->pub.unknown_files = (const char *const *)sp->unknown;
    /* every passage has one respondent term or none */
    size_t with = 0;
    for (size_t i = 0; i < sp->pub.nrespondents; i++)
        with += sp->resp[i].passages;
    sp->pub.unknown_passages = sp->pub.passages > with ? sp->pub.passages - with : 0;
    sp->pub.bytes_on_disk = 0; /* of the local shards */
    for (size_t i = 0; i < xap_shard_count(db->x); i++)
        if (xap_shard_path(db->x, i))
            sp->pub.bytes_on_disk += dir_size(xap_shard_path(db->x, i));
    *out = &sp->pub;
    return HSOK_OK;
}

hsok_status_t hsok_db_check(const char *path, size_t *passages, char **report, char **errmsg)
{
    unsigned docs = 0;
    if (report)
        *report = NULL;
    if (passages)
        *passages = 0;
    if (need_path(path, errmsg) != HSOK_OK)
        return HSOK_ERR_INVALID;
    hsok_status_t st = xap_check(path, 1, &docs, report, errmsg);
    if (passages)
        *passages = docs;
    return st;
}

void hsok_stats_free(hsok_stats_t *st)
{
    if (!st)
        return;
    stats_priv_t *sp = (stats_priv_t *)st;
    for (size_t i = 0; i < sp->pub.nrespondents; i++) {
        free((char *)sp->resp[i].name);
        free((char *)sp->resp[i].type);
    }
    free(sp->resp);
    for (size_t i = 0; i < sp->pub.nunknown_files; i++)
        free(sp->unknown[i]);
    free(sp->unknown);
    free(sp->path);
    free(sp);
}

/* ---- passages by id ---- */


static hsok_status_t fetch_by_id(hsok_db_t *db, const char *id, db_rec_t *rec, char **errmsg)
{
    buf_t t = BUF_INIT;
    buf_addf(&t, "%s%s", PFX_ID, id);
    if (t.err)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    char *data = NULL;
    size_t len = 0;
    hsok_status_t st = xap_data_by_term(db->x, t.data, t.len, &data, &len, errmsg);
    buf_free(&t);
    if (st != HSOK_OK)
        return st;
    st = db_rec_load(db, data, len, rec, errmsg);
    free(data);
    return st;
}

hsok_status_t hsok_db_passage_context(hsok_db_t *db, const char *id, unsigned before,
                                      unsigned after, hsok_records_t **out, size_t *target,
                                      char **errmsg)
{
    *out = NULL;
    const char *dot = strrchr(id, '.');
    char *end = NULL;
    unsigned long ord = dot ? strtoul(dot + 1, &end, 10) : 0;
    if (!dot || dot == id || !end || *end || end == dot + 1 || strlen(id) > 64)
        return hsok_seterr(errmsg, HSOK_ERR_NOT_FOUND, "no passage '%s'", id);
    hsok_records_t *r = calloc(1, sizeof *r);
    if (!r || !(r->recs = calloc((size_t)before + after + 1, sizeof *r->recs))) {
        free(r);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    db_rec_t self;
    hsok_status_t st = fetch_by_id(db, id, &self, errmsg);
    if (st == HSOK_ERR_NOT_FOUND)
        hsok_seterr(errmsg, st, "no passage '%s'", id);
    if (st != HSOK_OK) {
        hsok_records_free(r);
        return st;
    }
    unsigned long first = ord > before ? ord - before : 0;
    for (unsigned long o = first; o <= ord + after; o++) {
        if (o == ord) {
            *target = r->n;
            r->recs[r->n++] = self;
            continue;
        }
        char nid[96];
        snprintf(nid, sizeof nid, "%.*s.%lu", (int)(dot - id), id, o);
        db_rec_t rec;
        st = fetch_by_id(db, nid, &rec, NULL);
        if (st == HSOK_ERR_NOT_FOUND)
            continue;
        if (st != HSOK_OK) {
            if (o < ord)
                db_rec_clear(&self);
            hsok_records_free(r);
            return hsok_seterr(errmsg, st, "cannot read passage '%s'", nid);
        }
        r->recs[r->n++] = rec;
    }
    *out = r;
    return HSOK_OK;
}

size_t hsok_records_count(const hsok_records_t *r)
{
    return r ? r->n : 0;
}

const hsok_record_t *hsok_records_get(const hsok_records_t *r, size_t i)
{
    return r && i < r->n ? &r->recs[i].pub : NULL;
}

void hsok_records_free(hsok_records_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        db_rec_clear(&r->recs[i]);
    free(r->recs);
    free(r);
}

/* ---- respondents per file ---- */

typedef struct fresp_ctx {
    hsok_db_t *db;
    hsok_file_respondent_t *v;
    size_t n, cap;
    buf_t strings; /* NUL-separated; offsets until the end, then pointers */
    hsok_status_t st;
    char **errmsg;
} fresp_ctx_t;

/* Append s (unescaped from s[0..n)) to the string pool; its offset, or (size_t)-1. */
static size_t pool_add(fresp_ctx_t *c, const char *s, size_t n)
{
    char *u = unescape_dup(s, n);
    if (!u)
        return (size_t)-1;
    size_t off = c->strings.len;
    buf_add(&c->strings, u, strlen(u) + 1);
    free(u);
    return c->strings.err ? (size_t)-1 : off;
}

static int on_file_resp(void *ctx, const char *mkey)
{
    fresp_ctx_t *c = ctx;
    char *val = NULL;
    c->st = xap_get_meta(c->db->x, mkey, &val, c->errmsg);
    if (c->st != HSOK_OK)
        return 1;
    const char *nl = strchr(val, '\n');
    char *path = meta_field(val, "path");
    size_t psrc = path && nl ? pool_add(c, path, strlen(path)) : (size_t)-2;
    free(path);
    for (const char *line = nl ? nl + 1 : NULL; psrc != (size_t)-2 && line && *line;) {
        const char *end = strchr(line, '\n');
        size_t ll = end ? (size_t)(end - line) : strlen(line);
        if (ll > 5 && !strncmp(line, "resp\t", 5)) {
            const char *f[6];
            size_t fl[6], nf = 0;
            for (const char *p = line + 5; nf < 6;) {
                const char *t = memchr(p, '\t', (size_t)(line + ll - p));
                f[nf] = p;
                fl[nf++] = t ? (size_t)(t - p) : (size_t)(line + ll - p);
                if (!t)
                    break;
                p = t + 1;
            }
            if (nf == 6) {
                if (c->n == c->cap) {
                    size_t ncap = c->cap ? c->cap * 2 : 64;
                    hsok_file_respondent_t *v = realloc(c->v, ncap * sizeof *v);
                    if (!v) {
                        psrc = (size_t)-1;
                        break;
                    }
                    c->v = v;
                    c->cap = ncap;
                }
                hsok_file_respondent_t *e = &c->v[c->n++];
                memset(e, 0, sizeof *e);
                /* offsets into the pool, turned into pointers at the end */
                e->source = (const char *)(uintptr_t)psrc;
                e->respondent = (const char *)(uintptr_t)pool_add(c, f[0], fl[0]);
                e->respondent_how = (const char *)(uintptr_t)pool_add(c, f[1], fl[1]);
                e->type = (const char *)(uintptr_t)pool_add(c, f[2], fl[2]);
                e->type_how = (const char *)(uintptr_t)pool_add(c, f[3], fl[3]);
                e->type_doubt = atoi(f[4]) != 0;
                e->passages = strtoul(f[5], NULL, 10);
            }
        }
        line = end ? end + 1 : NULL;
    }
    free(val);
    if (psrc == (size_t)-1 || c->strings.err) {
        c->st = hsok_seterr(c->errmsg, HSOK_ERR_NOMEM, "out of memory");
        return 1;
    }
    return 0;
}

static int cmp_fresp(const void *a, const void *b)
{
    const hsok_file_respondent_t *x = a, *y = b;
    int r = strcmp(x->source, y->source);
    return r ? r : strcmp(x->respondent, y->respondent);
}

hsok_status_t hsok_db_respondents(hsok_db_t *db, hsok_file_respondent_t **out, size_t *n,
                                  char **errmsg)
{
    *out = NULL;
    *n = 0;
    fresp_ctx_t c = { db, NULL, 0, 0, BUF_INIT, HSOK_OK, errmsg };
    hsok_status_t st = xap_meta_keys(db->x, META_FILE, on_file_resp, &c, errmsg);
    if (st == HSOK_OK)
        st = c.st;
    if (st != HSOK_OK) {
        free(c.v);
        buf_free(&c.strings);
        return st;
    }
    /* one block: the entries, then the strings */
    size_t head = c.n * sizeof *c.v;
    char *mem = malloc(head + c.strings.len + 1);
    if (!mem) {
        free(c.v);
        buf_free(&c.strings);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    char *pool = mem + head;
    if (c.strings.len)
        memcpy(pool, c.strings.data, c.strings.len);
    pool[c.strings.len] = '\0';
    hsok_file_respondent_t *v = (hsok_file_respondent_t *)(void *)mem;
    for (size_t i = 0; i < c.n; i++) {
        v[i] = c.v[i];
        v[i].source = pool + (uintptr_t)c.v[i].source;
        v[i].respondent = pool + (uintptr_t)c.v[i].respondent;
        v[i].respondent_how = pool + (uintptr_t)c.v[i].respondent_how;
        v[i].type = pool + (uintptr_t)c.v[i].type;
        v[i].type_how = pool + (uintptr_t)c.v[i].type_how;
    }
    if (c.n)
        qsort(v, c.n, sizeof *v, cmp_fresp);
    free(c.v);
    buf_free(&c.strings);
    *out = v;
    *n = c.n;
    return HSOK_OK;
}
