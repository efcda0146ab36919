/* copies.c — passages that several respondents sent in the same words (see copies.h).
 *
 * hsok_db_find_copies reads every passage once: its normalised words (formtext.h) give a set
 * of 3-word shingles (64-bit hashes) and a MinHash signature of COPY_HASHES values. The
 * signature is cut into COPY_BANDS bands of COPY_ROWS values; passages that agree on a whole
 * band are candidates (locality-sensitive hashing: a pair with Jaccard similarity s is a
 * candidate with probability 1 - (1 - s^2)^48, 0.99 at s = 0.3, 0.11 at s = 0.05), and each
 * candidate pair is measured exactly on the shingle sets. Pairs that are copies are joined
 * (union-find); each such set is split into groups of a centre and its copies (a chain of
 * small changes may join texts that are far apart), and a group with at least two
 * respondents is stored:
 *   - each member: the boolean term PFX_COPY and "c" + group id in SLOT_DUP, the search
 *     collapse key, so that a search shows the group as one hit;
 *   - META_COPY + group id: the group (members, their similarity, the centre's text);
 *   - META_COPY_OF + passage id: the group id, for a search hit's look-up;
 *   - META_COPIES: "GROUPS PASSAGES".
 * What an earlier run stored and no longer holds is taken away in the same transaction.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "formtext.h"
#include "hsok/copies.h"
#include "prefix.h"

#define COPY_SHINGLE 3 /* words per shingle */
#define COPY_BANDS 48
#define COPY_ROWS 2
#define COPY_HASHES (COPY_BANDS * COPY_ROWS)
/* Bands banded and joined at a time: each group needs its items' signature values only for
 * its own bands (the same hashes in all, each computed once), so the candidates are held
 * COPY_BAND_GROUP bands at a time, 128 bytes an item instead of 768 for all 48 (on 100 MB of
 * responses, 25 MB instead of 150); the sets found do not depend on the order (the root of a
 * set is its lowest item). */
#define COPY_BAND_GROUP 8
#define COPY_BUCKET_PAIRS 64 /* in a larger bucket, each item meets the next 64 only */
#define COPY_PAGE 5000       /* passages read per search */
#define COPY_SPLIT_FULL 300  /* a chain of copies up to this long is split on all its pairs */

/* ---- stored groups ---- */

typedef struct group_mem {
    hsok_copy_group_t pub;
    char *mem;                   /* unescaped record; the strings point into it */
    hsok_copy_member_t *members;
    const char **respondents;
    char id[16];
} group_mem_t;

void hsok_copy_group_free(hsok_copy_group_t *g)
{
    if (!g)
        return;
    group_mem_t *gm = (group_mem_t *)g;
    free(gm->mem);
    free(gm->members);
    free(gm->respondents);
    free(gm);
}

/* The group gid from its stored record val; NULL when memory ran out. */
static hsok_copy_group_t *group_parse(const char *gid, const char *val)
{
    group_mem_t *g = calloc(1, sizeof *g);
    size_t len = strlen(val), nm = 0;
    if (!g || !(g->mem = malloc(len + 1))) {
        free(g);
        return NULL;
    }
    snprintf(g->id, sizeof g->id, "%s", gid);
    for (const char *p = val; (p = strstr(p, "id\t")); p += 3)
        nm += p == val || p[-1] == '\n';
    g->members = calloc(nm ? nm : 1, sizeof *g->members);
    g->respondents = calloc(nm ? nm : 1, sizeof *g->respondents);
    if (!g->members || !g->respondents) {
        hsok_copy_group_free(&g->pub);
        return NULL;
    }
    g->pub.id = g->id;
    g->pub.text = "";
    g->pub.similarity = 1;
    /* key\tvalue lines, values escaped as db_rec_add_field writes them: unescape in place */
    char *w = g->mem;
    const char *p = val, *end = val + len;
    hsok_copy_member_t *m = NULL;
    size_t k = 0;
    while (p < end) {
        const char *key;
        char *v;
        db_field_next(&p, end, &w, &key, &v);
        if (!strcmp(key, "id") && k < nm) {
            m = &g->members[k++];
            m->id = v;
            m->respondent = m->source = "";
            m->similarity = 1;
        } else if (!strcmp(key, "sim")) {
            g->pub.similarity = strtod(v, NULL);
        } else if (!strcmp(key, "text")) {
            g->pub.text = v;
        } else if (m && !strcmp(key, "respondent")) {
            m->respondent = v;
        } else if (m && !strcmp(key, "source")) {
            m->source = v;
        } else if (m && !strcmp(key, "line")) {
            m->line = (unsigned)strtoul(v, NULL, 10);
        } else if (m && !strcmp(key, "msim")) {
            m->similarity = strtod(v, NULL);
        }
    }
    g->pub.members = g->members;
    g->pub.nmembers = k;
    for (size_t i = 0; i < k; i++) {
        const char *r = *g->members[i].respondent ? g->members[i].respondent
                                                  : g->members[i].source;
        size_t j = 0;
        while (j < g->pub.nrespondents && strcmp(g->respondents[j], r))
            j++;
        if (j == g->pub.nrespondents)
            g->respondents[g->pub.nrespondents++] = r;
    }
    g->pub.respondents = g->respondents;
    return &g->pub;
}

static hsok_status_t meta_key(buf_t *k, const char *pfx, const char *name, char **errmsg)
{
    buf_reset(k);
    buf_addstr(k, pfx);
    buf_addstr(k, name);
    return k->err ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory") : HSOK_OK;
}

int hsok_db_has_copies(hsok_db_t *db)
{
    char *v = NULL;
    int has = xap_get_meta(db->x, META_COPIES, &v, NULL) == HSOK_OK && v && *v && *v != '0';
    free(v);
    return has;
}

hsok_status_t hsok_db_copy_group_of(hsok_db_t *db, const char *id, hsok_copy_group_t **out,
                                    char **errmsg)
{
    *out = NULL;
    buf_t k = BUF_INIT;
    char *gid = NULL, *val = NULL;
    hsok_status_t st = meta_key(&k, META_COPY_OF, id, errmsg);
    if (st == HSOK_OK)
        st = xap_get_meta(db->x, k.data, &gid, errmsg);
    if (st == HSOK_OK && *gid) {
        st = meta_key(&k, META_COPY, gid, errmsg);
        if (st == HSOK_OK)
            st = xap_get_meta(db->x, k.data, &val, errmsg);
        if (st == HSOK_OK && *val && !(*out = group_parse(gid, val)))
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    free(gid);
    free(val);
    buf_free(&k);
    return st;
}

typedef struct member_ref {
    const char *id;
    const hsok_copy_group_t *g;
} member_ref_t;

struct hsok_copies {
    hsok_copy_group_t **v;
    size_t n, cap;
    member_ref_t *refs; /* every member, by id */
    size_t nrefs;
    hsok_status_t st;
    hsok_db_t *db;
    char **errmsg;
};

static int load_one(void *ctx, const char *key)
{
    hsok_copies_t *c = ctx;
    char *val = NULL;
    c->st = xap_get_meta(c->db->x, key, &val, c->errmsg);
    if (c->st == HSOK_OK && *val) {
        if (c->n == c->cap) {
            size_t nc = c->cap ? c->cap * 2 : 16;
            hsok_copy_group_t **v = realloc(c->v, nc * sizeof *v);
            if (!v) {
                free(val);
                c->st = hsok_seterr(c->errmsg, HSOK_ERR_NOMEM, "out of memory");
                return 1;
            }
            c->v = v;
            c->cap = nc;
        }
        if (!(c->v[c->n] = group_parse(key + strlen(META_COPY), val)))
            c->st = hsok_seterr(c->errmsg, HSOK_ERR_NOMEM, "out of memory");
        else
            c->n++;
    }
    free(val);
    return c->st != HSOK_OK;
}

static int cmp_group(const void *a, const void *b)
{
    const hsok_copy_group_t *x = *(hsok_copy_group_t *const *)a;
    const hsok_copy_group_t *y = *(hsok_copy_group_t *const *)b;
    if (x->nrespondents != y->nrespondents)
        return x->nrespondents > y->nrespondents ? -1 : 1;
    return strcmp(x->id, y->id);
}

static int cmp_ref(const void *a, const void *b)
{
    return strcmp(((const member_ref_t *)a)->id, ((const member_ref_t *)b)->id);
}

hsok_status_t hsok_copies_load(hsok_db_t *db, hsok_copies_t **out, char **errmsg)
{
    *out = NULL;
    hsok_copies_t *c = calloc(1, sizeof *c);
    if (!c)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    c->db = db;
    c->errmsg = errmsg;
    hsok_status_t st = xap_meta_keys(db->x, META_COPY, load_one, c, errmsg);
    if (st == HSOK_OK)
        st = c->st;
    size_t total = 0;
    for (size_t i = 0; st == HSOK_OK && i < c->n; i++)
        total += c->v[i]->nmembers;
    if (st == HSOK_OK && total && !(c->refs = calloc(total, sizeof *c->refs)))
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (st != HSOK_OK) {
        hsok_copies_free(c);
        return st;
    }
    if (c->n)
        qsort(c->v, c->n, sizeof *c->v, cmp_group);
    for (size_t i = 0; i < c->n; i++)
        for (size_t k = 0; k < c->v[i]->nmembers; k++)
            c->refs[c->nrefs++] = (member_ref_t){ c->v[i]->members[k].id, c->v[i] };
    if (c->nrefs)
        qsort(c->refs, c->nrefs, sizeof *c->refs, cmp_ref);
    c->db = NULL;
    c->errmsg = NULL;
    *out = c;
    return HSOK_OK;
}

size_t hsok_copies_count(const hsok_copies_t *c)
{
    return c ? c->n : 0;
}

const hsok_copy_group_t *hsok_copies_get(const hsok_copies_t *c, size_t i)
{
    return c && i < c->n ? c->v[i] : NULL;
}

const hsok_copy_group_t *hsok_copies_of(const hsok_copies_t *c, const char *id)
{
    if (!c || !c->nrefs || !id)
        return NULL;
    member_ref_t key = { id, NULL };
    const member_ref_t *r = bsearch(&key, c->refs, c->nrefs, sizeof *c->refs, cmp_ref);
    return r ? r->g : NULL;
}

size_t hsok_copies_passages(const hsok_copies_t *c)
{
    return c ? c->nrefs : 0;
}

void hsok_copies_free(hsok_copies_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        hsok_copy_group_free(c->v[i]);
    free(c->v);
    free(c->refs);
    free(c);
}

/* ---- finding them ---- */

typedef struct item {
    unsigned docid;
    uint64_t who;      /* hash of the respondent, or of the file key when it has none */
    size_t sh, nsh;    /* its shingles: pass.sh[sh .. sh + nsh), sorted, distinct */
} item_t;

typedef struct band_entry {
    uint64_t key;
    uint32_t item;
} band_entry_t;

typedef struct pass {
    item_t *items;
    size_t n, cap;
    uint64_t *sh;
    size_t nsh, capsh;
    band_entry_t *bands; /* the candidates of COPY_BAND_GROUP bands (join_copies) */
    size_t nbands;
    uint32_t *parent;
} pass_t;

static uint64_t mix64(uint64_t x)
{
    /* splitmix64's finaliser */
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_band(const void *a, const void *b)
{
    const band_entry_t *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->item < y->item ? -1 : x->item > y->item;
}

/* Shingles of the normalised words t[0..n) (single spaces between words) into p->sh; the
 * number appended (sorted, distinct), or (size_t)-1 when memory ran out. */
static size_t add_shingles(pass_t *p, const char *t, size_t n)
{
    size_t starts[COPY_SHINGLE] = { 0 };
    size_t nw = 0, first = p->nsh;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && t[i] != ' ')
            continue;
        /* a word ends at i; it started after the previous space */
        size_t ws = i;
        while (ws > 0 && t[ws - 1] != ' ')
            ws--;
        if (ws == i)
            continue;
        for (int k = 0; k < COPY_SHINGLE - 1; k++)
            starts[k] = starts[k + 1];
        starts[COPY_SHINGLE - 1] = ws;
        if (++nw < COPY_SHINGLE)
            continue;
        if (p->nsh == p->capsh) {
            size_t nc = p->capsh ? p->capsh * 2 : 1 << 16;
            uint64_t *v = realloc(p->sh, nc * sizeof *v);
            if (!v)
                return (size_t)-1;
            p->sh = v;
            p->capsh = nc;
        }
        p->sh[p->nsh++] = hsok_hash64(t + starts[0], i - starts[0]);
    }
    size_t m = p->nsh - first;
    if (m > 1) {
        uint64_t *s = p->sh + first;
        qsort(s, m, sizeof *s, cmp_u64);
        size_t w = 1;
        for (size_t i = 1; i < m; i++)
            if (s[i] != s[w - 1])
                s[w++] = s[i];
        p->nsh = first + w;
        m = w;
    }
    return m;
}

/* The bands [b0, b0 + nb) of item it's MinHash signature, into p->bands. */
static void add_bands(pass_t *p, uint32_t it, int b0, int nb)
{
    const item_t *x = &p->items[it];
    uint64_t sig[COPY_BAND_GROUP * COPY_ROWS];
    int h0 = b0 * COPY_ROWS, nh = nb * COPY_ROWS;
    for (int h = 0; h < nh; h++)
        sig[h] = UINT64_MAX;
    for (size_t i = 0; i < x->nsh; i++) {
        uint64_t s = p->sh[x->sh + i];
        for (int h = 0; h < nh; h++) {
            uint64_t v = mix64(s ^ (UINT64_C(0x9e3779b97f4a7c15) * (uint64_t)(h0 + h + 1)));
            if (v < sig[h])
                sig[h] = v;
        }
    }
    for (int b = 0; b < nb; b++) {
        uint64_t k = (uint64_t)(b0 + b + 1) * UINT64_C(0xd6e8feb86659fd93);
        for (int r = 0; r < COPY_ROWS; r++)
            k = mix64(k ^ sig[b * COPY_ROWS + r]);
        p->bands[p->nbands++] = (band_entry_t){ k, it };
    }
}

/* Common shingles of a and b (both sorted). */
static size_t overlap(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i = 0, j = 0, n = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j])
            i++;
        else if (a[i] > b[j])
            j++;
        else
            n++, i++, j++;
    }
    return n;
}

/* Jaccard similarity of items x and y; *copy: whether they are copies (copies.h). */
static double similarity(const pass_t *p, uint32_t x, uint32_t y, int *copy)
{
    const item_t *a = &p->items[x], *b = &p->items[y];
    size_t in = overlap(p->sh + a->sh, a->nsh, p->sh + b->sh, b->nsh);
    size_t un = a->nsh + b->nsh - in, small = a->nsh < b->nsh ? a->nsh : b->nsh;
    double j = un ? (double)in / (double)un : 1;
    double c = small ? (double)in / (double)small : 1;
    size_t extra = (a->nsh > b->nsh ? a->nsh : b->nsh) - in;
    *copy = j >= HSOK_COPY_JACCARD || (c >= HSOK_COPY_CONTAINED &&
                                       j >= HSOK_COPY_JACCARD_CONTAINED &&
                                       extra <= HSOK_COPY_EXTRA);
    return j;
}

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Read every passage that may be a copy into p. */
static hsok_status_t read_passages(hsok_db_t *db, pass_t *p, char **errmsg)
{
    xap_query_t all = { XQ_ALL, NULL, 0, 0, 0, NULL, 0 };
    hsok_status_t st = HSOK_OK;
    buf_t norm = BUF_INIT;
    for (unsigned off = 0; st == HSOK_OK;) {
        xap_hits_t *h = NULL;
        st = xap_search(db->x, &all, off, COPY_PAGE, -1, &h, errmsg);
        if (st != HSOK_OK)
            break;
        size_t got = h->n;
        for (size_t i = 0; i < got && st == HSOK_OK; i++) {
            db_rec_t rec;
            st = db_rec_load(db, h->hits[i].data, h->hits[i].data_len, &rec, errmsg);
            if (st != HSOK_OK)
                break;
            buf_reset(&norm);
            size_t words = rec.pub.form_text ? 0 : ft_normalise(rec.pub.text,
                                                                strlen(rec.pub.text), &norm);
            if (norm.err)
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            if (st == HSOK_OK && words >= HSOK_COPY_MIN_WORDS) {
                if (p->n == p->cap) {
                    size_t nc = p->cap ? p->cap * 2 : 1024;
                    item_t *v = realloc(p->items, nc * sizeof *v);
                    if (!v)
                        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                    else
                        p->items = v, p->cap = nc;
                }
                size_t at = p->nsh, m = st == HSOK_OK ? add_shingles(p, norm.data, norm.len)
                                                      : (size_t)-1;
                if (st == HSOK_OK && m == (size_t)-1)
                    st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                if (st == HSOK_OK) {
                    const char *who = *rec.pub.respondent ? rec.pub.respondent : rec.filekey;
                    item_t *it = &p->items[p->n];
                    it->docid = h->hits[i].docid;
                    it->who = hsok_hash64(who, strlen(who)) ^ (uint64_t)!*rec.pub.respondent;
                    it->sh = at;
                    it->nsh = m;
                    p->n++;
                }
            }
            db_rec_clear(&rec);
        }
        xap_hits_free(h);
        if (got < COPY_PAGE)
            break;
        off += COPY_PAGE;
    }
    buf_free(&norm);
    return st;
}

/* Join the pairs that are copies among the candidates of the band bucket p->bands[a..b). */
static void join_bucket(pass_t *p, size_t a, size_t b)
{
    for (size_t x = a; x < b; x++) {
        size_t last = b - x > COPY_BUCKET_PAIRS ? x + COPY_BUCKET_PAIRS + 1 : b;
        for (size_t y = x + 1; y < last; y++) {
            uint32_t i = p->bands[x].item, j = p->bands[y].item;
            uint32_t ri = uf_find(p->parent, i), rj = uf_find(p->parent, j);
            if (ri == rj)
                continue;
            int copy = 0;
            similarity(p, i, j, &copy);
            if (copy)
                p->parent[ri < rj ? rj : ri] = ri < rj ? ri : rj;
        }
    }
}

/* Join the pairs that are copies among the candidates of each band bucket, COPY_BAND_GROUP
 * bands at a time. -1 when memory ran out. */
static int join_copies(pass_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        p->parent[i] = (uint32_t)i;
    if (!p->n)
        return 0;
    if (!(p->bands = malloc(p->n * COPY_BAND_GROUP * sizeof *p->bands)))
        return -1;
    for (int b0 = 0; b0 < COPY_BANDS; b0 += COPY_BAND_GROUP) {
        int nb = COPY_BANDS - b0 < COPY_BAND_GROUP ? COPY_BANDS - b0 : COPY_BAND_GROUP;
        p->nbands = 0;
        for (size_t i = 0; i < p->n; i++)
            add_bands(p, (uint32_t)i, b0, nb);
        qsort(p->bands, p->nbands, sizeof *p->bands, cmp_band);
        for (size_t a = 0; a < p->nbands;) {
            size_t b = a + 1;
            while (b < p->nbands && p->bands[b].key == p->bands[a].key)
                b++;
            join_bucket(p, a, b);
            a = b;
        }
    }
    return 0;
}

/* A group found now, its members' records loaded. */
typedef struct found {
    char gid[16];
    buf_t rec;          /* the META_COPY record */
} found_t;

typedef struct newmember {
    unsigned docid;
    char *id;
    size_t group;       /* index into the found groups */
} newmember_t;

typedef struct mrec {
    uint32_t item;
    db_rec_t rec;
    double sim;
} mrec_t;

static int cmp_mrec(const void *a, const void *b)
{
    const mrec_t *x = a, *y = b;
    int r = strcmp(x->rec.pub.respondent, y->rec.pub.respondent);
    if (!r)
        r = strcmp(x->rec.pub.source, y->rec.pub.source);
    if (!r)
        r = x->rec.pub.line < y->rec.pub.line ? -1 : x->rec.pub.line > y->rec.pub.line;
    return r ? r : strcmp(x->rec.pub.id, y->rec.pub.id);
}

static int cmp_newmember(const void *a, const void *b)
{
    unsigned x = ((const newmember_t *)a)->docid, y = ((const newmember_t *)b)->docid;
    return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The group of the items u[0..n), each a copy of u[0] (its centre): its record into f, its
 * members into nm (each gets the group index gi). Returns HSOK_OK with f->gid "" when the
 * items are no group (one respondent). */
static hsok_status_t make_group(hsok_db_t *db, const pass_t *p, const uint32_t *u, size_t n,
                                size_t gi, found_t *f, newmember_t **nm, size_t *nnm,
                                size_t *capnm, char **errmsg)
{
    f->gid[0] = '\0';
    size_t who = 1;
    for (size_t i = 1; i < n && who < 2; i++)
        if (p->items[u[i]].who != p->items[u[0]].who)
            who = 2;
    if (who < 2)
        return HSOK_OK;
    mrec_t *m = calloc(n, sizeof *m);
    if (!m)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    hsok_status_t st = HSOK_OK;
    size_t loaded = 0, first = 0, low_id = 0;
    for (; loaded < n && st == HSOK_OK; loaded++) {
        char *data = NULL;
        size_t len = 0;
        m[loaded].item = u[loaded];
        st = xap_data_by_docid(db->x, p->items[u[loaded]].docid, &data, &len, errmsg);
        if (st == HSOK_OK)
            st = db_rec_load(db, data, len, &m[loaded].rec, errmsg);
        free(data);
        if (st != HSOK_OK)
            break;
        if (strcmp(m[loaded].rec.pub.id, m[low_id].rec.pub.id) < 0)
            low_id = loaded;
    }
    if (st == HSOK_OK) {
        double low = 1;
        for (size_t i = 0; i < n; i++) {
            int copy;
            m[i].sim = i == first ? 1 : similarity(p, m[first].item, m[i].item, &copy);
            if (m[i].sim < low)
                low = m[i].sim;
        }
        snprintf(f->gid, sizeof f->gid, "%012" PRIx64,
                 hsok_hash64(m[low_id].rec.pub.id, strlen(m[low_id].rec.pub.id)) &
                     UINT64_C(0xffffffffffff));
        char num[32];
        snprintf(num, sizeof num, "%.3f", low);
        db_rec_add_field(&f->rec, "sim", num);
        db_rec_add_field(&f->rec, "text", m[first].rec.pub.text);
        qsort(m, n, sizeof *m, cmp_mrec);
        for (size_t i = 0; i < n; i++) {
            db_rec_add_field(&f->rec, "id", m[i].rec.pub.id);
            db_rec_add_field(&f->rec, "respondent", m[i].rec.pub.respondent);
            db_rec_add_field(&f->rec, "source", m[i].rec.pub.source);
            snprintf(num, sizeof num, "%u", m[i].rec.pub.line);
            db_rec_add_field(&f->rec, "line", num);
            snprintf(num, sizeof num, "%.3f", m[i].sim);
            db_rec_add_field(&f->rec, "msim", num);
            if (*nnm == *capnm) {
                size_t nc = *capnm ? *capnm * 2 : 64;
                newmember_t *v = realloc(*nm, nc * sizeof *v);
                if (!v) {
                    f->rec.err = 1;
                    break;
                }
                *nm = v;
                *capnm = nc;
            }
            newmember_t *e = &(*nm)[*nnm];
            e->docid = p->items[m[i].item].docid;
            e->group = gi;
            if (!(e->id = strdup(m[i].rec.pub.id))) {
                f->rec.err = 1;
                break;
            }
            ++*nnm;
        }
        if (f->rec.err)
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < loaded; i++)
        db_rec_clear(&m[i].rec);
    free(m);
    return st;
}

typedef struct groups {
    found_t *f;
    size_t nf, capf;
    newmember_t *nm;
    size_t nnm, capnm;
} groups_t;

/* Groups of the items u[0..n) of one union-find set (a chain of copies): a centre and the
 * items that are copies of it, the centre with the most such items first (in a set of more
 * than COPY_SPLIT_FULL items: the first left), until none are left. */
static hsok_status_t split_component(hsok_db_t *db, const pass_t *p, const uint32_t *u,
                                     size_t n, groups_t *gs, char **errmsg)
{
    int full = n <= COPY_SPLIT_FULL;
    unsigned char *adj = full ? calloc(n * n, 1) : NULL;
    unsigned char *done = calloc(n, 1);
    uint32_t *star = malloc(n * sizeof *star);
    hsok_status_t st = HSOK_OK;
    if ((full && !adj) || !done || !star)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    for (size_t i = 0; full && st == HSOK_OK && i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            int copy;
            similarity(p, u[i], u[j], &copy);
            adj[i * n + j] = adj[j * n + i] = (unsigned char)copy;
        }
    for (size_t left = n; st == HSOK_OK && left >= 2;) {
        size_t c = n, best = 0;
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            if (!full) {
                c = i;
                break;
            }
            size_t deg = 0;
            for (size_t j = 0; j < n; j++)
                deg += !done[j] && adj[i * n + j];
            if (c == n || deg > best)
                c = i, best = deg;
        }
        size_t ns = 0;
        star[ns++] = u[c];
        done[c] = 1;
        left--;
        for (size_t j = 0; j < n; j++) {
            if (done[j])
                continue;
            int copy = 0;
            if (full)
                copy = adj[c * n + j];
            else
                similarity(p, u[c], u[j], &copy);
            if (copy) {
                star[ns++] = u[j];
                done[j] = 1;
                left--;
            }
        }
        if (ns < 2)
            continue;
        if (gs->nf == gs->capf) {
            size_t nc = gs->capf ? gs->capf * 2 : 16;
            found_t *v = realloc(gs->f, nc * sizeof *v);
            if (!v) {
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                break;
            }
            gs->f = v;
            gs->capf = nc;
        }
        found_t *f = &gs->f[gs->nf];
        buf_init(&f->rec);
        st = make_group(db, p, star, ns, gs->nf, f, &gs->nm, &gs->nnm, &gs->capnm, errmsg);
        if (st == HSOK_OK && f->gid[0])
            gs->nf++;
        else
            buf_free(&f->rec);
    }
    free(adj);
    free(done);
    free(star);
    return st;
}

typedef struct keylist {
    strvec_t keys;
    int oom;
} keylist_t;

static int collect_key(void *ctx, const char *key)
{
    keylist_t *k = ctx;
    k->oom = sv_push(&k->keys, key, strlen(key)) < 0;
    return k->oom;
}

/* Set metadata key to val unless it holds that already. */
static hsok_status_t meta_put(hsok_db_t *db, const char *key, const char *val, char **errmsg)
{
    char *old = NULL;
    hsok_status_t st = xap_get_meta(db->x, key, &old, errmsg);
    if (st == HSOK_OK && strcmp(old, val))
        st = xap_set_meta(db->x, key, val, errmsg);
    free(old);
    return st;
}

/* Inside the transaction: store the groups found (f[0..nf), members nm sorted by docid) and
 * take away what an earlier run stored that no longer holds. */
static hsok_status_t store(hsok_db_t *db, const found_t *f, size_t nf, const newmember_t *nm,
                           size_t nnm, char **errmsg)
{
    hsok_status_t st = HSOK_OK;
    buf_t k = BUF_INIT;
    char val[40];
    /* the members now */
    for (size_t i = 0; i < nnm && st == HSOK_OK; i++) {
        snprintf(val, sizeof val, "c%s", f[nm[i].group].gid);
        st = xap_set_boolean(db->x, nm[i].docid, PFX_COPY, strlen(PFX_COPY), 1, errmsg);
        if (st == HSOK_OK)
            st = xap_set_value(db->x, nm[i].docid, SLOT_DUP, val, strlen(val), errmsg);
        if (st == HSOK_OK)
            st = meta_key(&k, META_COPY_OF, nm[i].id, errmsg);
        if (st == HSOK_OK)
            st = meta_put(db, k.data, f[nm[i].group].gid, errmsg);
    }
    for (size_t i = 0; i < nf && st == HSOK_OK; i++) {
        st = meta_key(&k, META_COPY, f[i].gid, errmsg);
        if (st == HSOK_OK)
            st = meta_put(db, k.data, f[i].rec.data, errmsg);
    }
    /* members before that are none now: their own collapse key back */
    xap_query_t q = { XQ_TERM, PFX_COPY, strlen(PFX_COPY), 0, 0, NULL, 0 };
    xap_hits_t *h = NULL;
    if (st == HSOK_OK) {
        unsigned n = xap_doccount(db->x);
        st = xap_search(db->x, &q, 0, n ? n : 1, -1, &h, errmsg);
    }
    for (size_t i = 0; st == HSOK_OK && i < h->n; i++) {
        newmember_t key = { h->hits[i].docid, NULL, 0 };
        if (nnm && bsearch(&key, nm, nnm, sizeof *nm, cmp_newmember))
            continue;
        db_rec_t rec;
        st = db_rec_load(db, h->hits[i].data, h->hits[i].data_len, &rec, errmsg);
        if (st != HSOK_OK)
            break;
        char dup[17];
        db_dup_key(rec.pub.respondent, rec.pub.text, dup);
        db_rec_clear(&rec);
        st = xap_set_boolean(db->x, h->hits[i].docid, PFX_COPY, strlen(PFX_COPY), 0, errmsg);
        if (st == HSOK_OK)
            st = xap_set_value(db->x, h->hits[i].docid, SLOT_DUP, dup, strlen(dup), errmsg);
    }
    xap_hits_free(h);
    /* metadata of groups and members gone (their passages may be gone with their files) */
    keylist_t keys = { { NULL, 0, 0 }, 0 };
    const char **ids = nnm ? malloc(nnm * sizeof *ids) : NULL;
    if (st == HSOK_OK && nnm && !ids)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == HSOK_OK && i < nnm; i++)
        ids[i] = nm[i].id;
    if (st == HSOK_OK && nnm)
        qsort(ids, nnm, sizeof *ids, cmp_str);
    if (st == HSOK_OK) /* "copy" takes in META_COPY, META_COPY_OF and META_COPIES */
        st = xap_meta_keys(db->x, "copy", collect_key, &keys, errmsg);
    if (st == HSOK_OK && keys.oom)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < keys.keys.n && st == HSOK_OK; i++) {
        const char *key = keys.keys.v[i];
        int keep = 0;
        if (!strncmp(key, META_COPY_OF, strlen(META_COPY_OF))) {
            const char *id = key + strlen(META_COPY_OF);
            keep = nnm && bsearch(&id, ids, nnm, sizeof *ids, cmp_str);
        } else if (!strncmp(key, META_COPY, strlen(META_COPY)) &&
                   strlen(key) == strlen(META_COPY) + 12) {
            for (size_t j = 0; j < nf && !keep; j++)
                keep = !strcmp(f[j].gid, key + strlen(META_COPY));
        } else {
            keep = 1; /* another key that happens to start so */
        }
        if (!keep)
            st = xap_set_meta(db->x, key, "", errmsg);
    }
    sv_free(&keys.keys);
    free(ids);
    if (st == HSOK_OK) {
        snprintf(val, sizeof val, "%zu %zu", nf, nnm);
        st = meta_put(db, META_COPIES, nf ? val : "", errmsg);
    }
    buf_free(&k);
    return st;
}

hsok_status_t hsok_db_find_copies(hsok_db_t *db, size_t *groups, size_t *passages,
                                  char **errmsg)
{
    if (groups)
        *groups = 0;
    if (passages)
        *passages = 0;
    if (!db->writable)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "index '%s' is open read-only", db->path);
    pass_t p = { 0 };
    hsok_status_t st = read_passages(db, &p, errmsg);
    if (st == HSOK_OK && p.n && !(p.parent = malloc(p.n * sizeof *p.parent)))
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (st == HSOK_OK && join_copies(&p) < 0)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    /* the sets, each as a run of items with the same root */
    uint32_t *order = NULL;
    if (st == HSOK_OK && p.n && !(order = malloc(p.n * sizeof *order)))
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    size_t *count = NULL, *start = NULL;
    if (st == HSOK_OK && p.n &&
        (!(count = calloc(p.n + 1, sizeof *count)) || !(start = calloc(p.n + 1, sizeof *start))))
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (st == HSOK_OK && p.n) {
        for (size_t i = 0; i < p.n; i++)
            count[uf_find(p.parent, (uint32_t)i)]++;
        for (size_t r = 0, at = 0; r < p.n; r++) {
            start[r] = at;
            at += count[r];
        }
        for (size_t i = 0; i < p.n; i++) {
            uint32_t r = uf_find(p.parent, (uint32_t)i);
            order[start[r]++] = (uint32_t)i;
        }
        for (size_t r = 0, at = 0; r < p.n; r++) { /* start[r] back to the run's first */
            start[r] = at;
            at += count[r];
        }
    }
    groups_t gs = { NULL, 0, 0, NULL, 0, 0 };
    for (size_t r = 0; st == HSOK_OK && r < p.n; r++)
        if (count[r] >= 2)
            st = split_component(db, &p, order + start[r], count[r], &gs, errmsg);
    found_t *f = gs.f;
    size_t nf = gs.nf;
    newmember_t *nm = gs.nm;
    size_t nnm = gs.nnm;
    free(order);
    free(count);
    free(start);
    free(p.items);
    free(p.sh);
    free(p.bands);
    free(p.parent);
    if (nnm)
        qsort(nm, nnm, sizeof *nm, cmp_newmember);
    if (st == HSOK_OK)
        st = xap_begin(db->x, errmsg);
    int in_txn = st == HSOK_OK;
    if (st == HSOK_OK)
        st = store(db, f, nf, nm, nnm, errmsg);
    if (in_txn) {
        hsok_status_t e = xap_end(db->x, st == HSOK_OK, st == HSOK_OK ? errmsg : NULL);
        if (st == HSOK_OK)
            st = e;
    }
    if (st == HSOK_OK)
        st = hsok_db_commit(db, errmsg);
    if (st == HSOK_OK && groups)
        *groups = nf;
    if (st == HSOK_OK && passages)
        *passages = nnm;
    for (size_t i = 0; i < nf; i++)
        buf_free(&f[i].rec);
    free(f);
    for (size_t i = 0; i < nnm; i++)
        free(nm[i].id);
    free(nm);
    return st;
}
