/* lemma.c — lemmas from hunspell (nb_NO, nn_NO) and the bokmål ↔ nynorsk variant table.
 *
 * Hunspell's Norwegian dictionaries are ISO 8859-1: a word is converted before it is asked
 * and the stems after; a word with a character outside Latin-1 has no lemma. Every stem both
 * dictionaries give is a lemma ("lederen" → lederen, ledere, leder; "tenesta" → tenest,
 * teneste): the index stores them all and a query matches any, which is what makes a base
 * form and its inflections meet where Snowball's stems differ ("ansvar"/"ansvaret").
 *
 * Variants: a lemma in the table maps to its concept (the bokmål lemma); a lemma that ends in
 * a table word of at least 5 bytes after at least 3 bytes of its own maps to its first part
 * plus that concept ("informasjonstryggleik" → "informasjonssikkerhet"), so compounds meet too;
 * else the safe spelling rules: -leg → -lig and -heit → -het (a bokmål -lig/-het word is its
 * own concept, so that both meet).
 */
#include "lemma.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hunspell/hunspell.h>

#include "hsok/text.h"
#include "lazy_hunspell.h"

#define MIN_HEAD 5 /* bytes of a table word matched at the end of a compound */
#define MIN_MOD 3  /* bytes before it */

/* A word and two NUL-separated lists (lemmas and variants; or, in the table, the concept),
 * as offsets into the map's arena. */
typedef struct entry {
    uint32_t w, nw, l, nl, v, nv;
} entry_t;

/* Words to entries: open addressing over entry indexes + 1 (0 empty), at most half full. */
typedef struct map {
    buf_t arena;
    entry_t *ent;
    size_t nent, capent;
    uint32_t *slot;
    size_t nslot;
} map_t;

struct hsok_lemmatizer {
    Hunhandle *hs[2];
    int loaded;  /* the dictionaries were looked for */
    lemma_source_fn source; /* lemmas from here instead of the dictionaries, if set */
    void *source_ctx;
    map_t cache; /* word → lemmas, variants */
    map_t table; /* word of the variant table → its concept (in l) */
    buf_t tmp, lem, var;
};

static size_t map_slot(const map_t *m, const char *w, size_t n)
{
    size_t mask = m->nslot - 1, i = (size_t)hsok_hash64(w, n) & mask;
    for (; m->slot[i]; i = (i + 1) & mask) {
        const entry_t *e = &m->ent[m->slot[i] - 1];
        if (e->nw == n && !memcmp(m->arena.data + e->w, w, n))
            break;
    }
    return i;
}

static const entry_t *map_get(const map_t *m, const char *w, size_t n)
{
    if (!m->nslot)
        return NULL;
    uint32_t k = m->slot[map_slot(m, w, n)];
    return k ? &m->ent[k - 1] : NULL;
}

static uint32_t map_str(map_t *m, const char *s, size_t n)
{
    uint32_t at = (uint32_t)m->arena.len;
    buf_add(&m->arena, s, n);
    buf_addch(&m->arena, '\0');
    return at;
}

/* Add w (not yet in m) with the lists l and v (copied). NULL on no memory. */
static const entry_t *map_put(map_t *m, const char *w, size_t n, const char *l, size_t nl,
                              const char *v, size_t nv)
{
    if (m->nent == m->capent) {
        size_t cap = m->capent ? m->capent * 2 : 256;
        entry_t *e = realloc(m->ent, cap * sizeof *e);
        if (!e)
            return NULL;
        m->ent = e;
        m->capent = cap;
    }
    if ((m->nent + 1) * 2 > m->nslot) {
        size_t ns = m->nslot ? m->nslot * 2 : 512;
        uint32_t *t = calloc(ns, sizeof *t);
        if (!t)
            return NULL;
        free(m->slot);
        m->slot = t;
        m->nslot = ns;
        for (size_t j = 0; j < m->nent; j++)
            t[map_slot(m, m->arena.data + m->ent[j].w, m->ent[j].nw)] = (uint32_t)j + 1;
    }
    if (m->arena.len + n + nl + nv + 3 > UINT32_MAX)
        return NULL;
    entry_t e = { 0, (uint32_t)n, 0, (uint32_t)nl, 0, (uint32_t)nv };
    e.w = map_str(m, w, n);
    e.l = map_str(m, l, nl);
    e.v = map_str(m, v, nv);
    if (m->arena.err)
        return NULL;
    m->ent[m->nent++] = e;
    m->slot[map_slot(m, w, n)] = (uint32_t)m->nent;
    return &m->ent[m->nent - 1];
}

static void map_free(map_t *m)
{
    buf_free(&m->arena);
    free(m->ent);
    free(m->slot);
}

lemma_t *lemma_new(void)
{
    lemma_t *lm = calloc(1, sizeof *lm);
    if (!lm)
        return NULL;
    buf_init(&lm->cache.arena);
    buf_init(&lm->table.arena);
    buf_init(&lm->tmp);
    buf_init(&lm->lem);
    buf_init(&lm->var);
    return lm;
}

void lemma_free(lemma_t *lm)
{
    if (!lm)
        return;
    for (int i = 0; i < 2; i++)
        if (lm->hs[i])
            Hunspell_destroy(lm->hs[i]);
    map_free(&lm->cache);
    map_free(&lm->table);
    buf_free(&lm->tmp);
    buf_free(&lm->lem);
    buf_free(&lm->var);
    free(lm);
}

int lemma_list_has(const char *list, size_t len, const char *s, size_t n)
{
    for (size_t off = 0; off < len;) {
        size_t l = strlen(list + off);
        if (l == n && !memcmp(list + off, s, n))
            return 1;
        off += l + 1;
    }
    return 0;
}

static void list_add(buf_t *b, const char *s, size_t n)
{
    if (!n || lemma_list_has(b->data, b->len, s, n))
        return;
    buf_add(b, s, n);
    buf_addch(b, '\0');
}

/* ---- the variant table ---- */

/* Normalised s[0..n) without surrounding blanks, into out (reset first).
 * 1 if a word, 0 if empty or invalid, -1 on no memory. */
static int table_word(const char *s, size_t n, buf_t *out)
{
    while (n && (*s == ' ' || *s == '\r'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
        n--;
    buf_reset(out);
    if (!n)
        return 0;
    size_t nl;
    char *w = hsok_normalize(s, n, &nl);
    if (!w)
        return hsok_utf8_valid(s, n, NULL) ? -1 : 0;
    buf_add(out, w, nl);
    free(w);
    return out->err ? -1 : nl > 0;
}

int lemma_set_table(lemma_t *lm, const char *text, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        const char *line = text + i;
        size_t ll = e - i;
        i = e + 1;
        const char *hash = memchr(line, '#', ll);
        if (hash)
            ll = (size_t)(hash - line);
        const char *tab = memchr(line, '\t', ll);
        if (!tab)
            continue;
        int a = table_word(line, (size_t)(tab - line), &lm->lem);
        int b = a > 0 ? table_word(tab + 1, ll - (size_t)(tab + 1 - line), &lm->var) : a;
        if (a < 0 || b < 0)
            return -1;
        if (!a || !b)
            continue;
        /* both words map to the bokmål one; the first line with a word wins */
        const char *w[2] = { lm->lem.data, lm->var.data };
        size_t n[2] = { lm->lem.len, lm->var.len };
        for (int k = 0; k < 2; k++)
            if (!map_get(&lm->table, w[k], n[k]) &&
                !map_put(&lm->table, w[k], n[k], lm->var.data, lm->var.len, "", 0))
                return -1;
    }
    return 0;
}

int lemma_copy_table(lemma_t *dst, const lemma_t *src)
{
    const map_t *f = &src->table;
    map_t *t = &dst->table;
    if (t->nent || !f->nent)
        return t->nent ? -1 : 0;
    t->ent = malloc(f->nent * sizeof *t->ent);
    t->slot = malloc(f->nslot * sizeof *t->slot);
    buf_add(&t->arena, f->arena.data, f->arena.len);
    if (!t->ent || !t->slot || t->arena.err) {
        map_free(t);
        memset(t, 0, sizeof *t);
        buf_init(&t->arena);
        return -1;
    }
    memcpy(t->ent, f->ent, f->nent * sizeof *t->ent);
    memcpy(t->slot, f->slot, f->nslot * sizeof *t->slot);
    t->nent = t->capent = f->nent;
    t->nslot = f->nslot;
    return 0;
}

/* Append s[0..n) + suffix to out unless the list already has it. */
static void add_concept(buf_t *out, const char *s, size_t n, const char *suf, size_t sl)
{
    size_t at = out->len;
    buf_add(out, s, n);
    buf_add(out, suf, sl);
    if (!out->err && lemma_list_has(out->data, at, out->data + at, out->len - at))
        out->len = at;
    else
        buf_addch(out, '\0');
}

static void variants_of(const lemma_t *lm, const char *w, size_t n, buf_t *out)
{
    const entry_t *p = map_get(&lm->table, w, n);
    if (p) {
        list_add(out, lm->table.arena.data + p->l, p->nl);
        return;
    }
    /* the longest table word that ends the compound */
    for (size_t i = MIN_MOD; i + MIN_HEAD <= n; i++) {
        if (((unsigned char)w[i] & 0xC0) == 0x80)
            continue;
        p = map_get(&lm->table, w + i, n - i);
        if (p) {
            add_concept(out, w, i, lm->table.arena.data + p->l, p->nl);
            return;
        }
    }
    /* spelling rules: nynorsk -leg/-heit is bokmål -lig/-het */
    static const char *const rules[][2] = { { "leg", "lig" }, { "lig", "lig" },
                                             { "heit", "het" }, { "het", "het" } };
    for (size_t r = 0; r < sizeof rules / sizeof *rules; r++) {
        size_t sl = strlen(rules[r][0]);
        if (n >= sl + 4 && !memcmp(w + n - sl, rules[r][0], sl)) {
            add_concept(out, w, n - sl, rules[r][1], strlen(rules[r][1]));
            return;
        }
    }
}

/* Regular noun and verb endings of bokmål and nynorsk, longest first (inflected_base). */
static const char *const endings[] = { "ane", "ene", "ast", "ar", "er", "en", "et", "a", "e" };

void lemma_variants(const lemma_t *lm, const char *w, size_t n, const char *lemmas,
                    size_t llen, buf_t *out)
{
    if (!lm || !lm->table.nent)
        return;
    size_t at = out->len;
    for (size_t off = 0; off < llen;) {
        size_t l = strlen(lemmas + off);
        variants_of(lm, lemmas + off, l, out);
        off += l + 1;
    }
    /* The dictionaries give many nouns in -ing only the verb they come from ("høyringa" →
     * høyre, "utgreiinga" → utgreie) and some words a shorter base ("særleg" → sær), so a
     * word whose lemmas meet nothing is looked up itself, then without a regular ending
     * ("høyringa" → høyring = høring, "spørreundersøkingar" → …undersøking = undersøkelse);
     * a base keeps at least 4 bytes and meets the table or a rule as a lemma does. */
    if (out->len > at)
        return;
    if (!lemma_list_has(lemmas, llen, w, n))
        variants_of(lm, w, n, out);
    for (size_t i = 0; out->len == at && i < sizeof endings / sizeof *endings; i++) {
        size_t el = strlen(endings[i]);
        if (n >= el + 4 && !memcmp(w + n - el, endings[i], el))
            variants_of(lm, w, n - el, out);
    }
}

/* ---- hunspell ---- */
static void load(lemma_t *lm)
{
    lm->loaded = 1;
    if (lazy_hunspell_load(NULL) != HSOK_OK)
        return; /* no libhunspell: no dictionaries */
    const char *dir = getenv("HSOK_HUNSPELL_DIR");
    if (!dir || !*dir)
        dir = "/usr/share/hunspell";
    static const char *const names[2] = { "nb_NO", "nn_NO" };
    for (int i = 0; i < 2; i++) {
        buf_t aff = BUF_INIT, dic = BUF_INIT;
        buf_addf(&aff, "%s/%s.aff", dir, names[i]);
        buf_addf(&dic, "%s/%s.dic", dir, names[i]);
        FILE *f = aff.err || dic.err ? NULL : fopen(dic.data, "r");
        if (f) {
            fclose(f);
            lm->hs[i] = Hunspell_create(aff.data, dic.data);
        }
        buf_free(&aff);
        buf_free(&dic);
    }
}

int lemma_has_dictionaries(lemma_t *lm)
{
    if (!lm->loaded)
        load(lm);
    return lm->hs[0] || lm->hs[1];
}

/* UTF-8 → ISO 8859-1 into tmp; 0 if a character is outside it. */
static int to_latin1(buf_t *b, const char *w, size_t n)
{
    buf_reset(b);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = hsok_utf8_next(w + i, n - i, &cp);
        if (!k || cp > 0xFF || cp == 0)
            return 0;
        buf_addch(b, (char)cp);
        i += k;
    }
    return !b->err;
}

static void add_latin1(buf_t *out, const char *s)
{
    char u[512];
    size_t n = 0;
    for (; *s && n + 2 < sizeof u; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x80) {
            u[n++] = (char)c;
        } else {
            u[n++] = (char)(0xC0 | (c >> 6));
            u[n++] = (char)(0x80 | (c & 0x3F));
        }
    }
    if (!*s)
        list_add(out, u, n);
}

static void hun_stems(lemma_t *lm, const char *w, size_t n, buf_t *out);

/* A word the dictionaries do not know may still be a regular inflection of one they know
 * ("temaet", "dramaet": hunspell-no lacks the definite form of many nouns in -a): its base is
 * a lemma if the dictionaries give it as its own stem. */
static void guess_stems(lemma_t *lm, const char *w, size_t n, buf_t *out)
{
    static const char *const ends[] = { "ene", "ane", "et", "en", "er", "ar", "a", "e" };
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        size_t el = strlen(ends[i]);
        if (n < el + 3 || memcmp(w + n - el, ends[i], el))
            continue;
        buf_t sub = BUF_INIT;
        hun_stems(lm, w, n - el, &sub);
        if (lemma_list_has(sub.data, sub.len, w, n - el))
            list_add(out, w, n - el);
        buf_free(&sub);
    }
}

void lemma_set_source(lemma_t *lm, lemma_source_fn fn, void *ctx)
{
    lm->source = fn;
    lm->source_ctx = fn ? ctx : NULL;
}

static void stems(lemma_t *lm, const char *w, size_t n, buf_t *out)
{
    if (lm->source) {
        lm->source(lm->source_ctx, w, n, out);
        return;
    }
    size_t at = out->len;
    hun_stems(lm, w, n, out);
    if (out->len == at)
        guess_stems(lm, w, n, out);
}

static void hun_stems(lemma_t *lm, const char *w, size_t n, buf_t *out)
{
    if (!lm->loaded)
        load(lm);
    if (n > 100 || !to_latin1(&lm->tmp, w, n))
        return;
    for (int i = 0; i < 2; i++) {
        if (!lm->hs[i])
            continue;
        char **list = NULL;
        int k = Hunspell_stem(lm->hs[i], &list, lm->tmp.data);
        for (int j = 0; j < k; j++)
            add_latin1(out, list[j]);
        if (list)
            Hunspell_free_list(lm->hs[i], &list, k);
    }
}

/* ---- cache ---- */

int lemma_get(lemma_t *lm, const char *w, size_t n, const char **lemmas, size_t *llen,
              const char **variants, size_t *vlen)
{
    const entry_t *e = map_get(&lm->cache, w, n);
    if (!e) {
        buf_reset(&lm->lem);
        buf_reset(&lm->var);
        stems(lm, w, n, &lm->lem);
        lemma_variants(lm, w, n, lm->lem.data, lm->lem.len, &lm->var);
        if (lm->lem.err || lm->var.err)
            return -1;
        e = map_put(&lm->cache, w, n, lm->lem.data, lm->lem.len, lm->var.data, lm->var.len);
        if (!e)
            return -1;
    }
    *lemmas = lm->cache.arena.data + e->l;
    *llen = e->nl;
    *variants = lm->cache.arena.data + e->v;
    *vlen = e->nv;
    return 0;
}

void lemma_clear(lemma_t *lm)
{
    if (!lm)
        return;
    /* the memory stays for the words to come */
    buf_reset(&lm->cache.arena);
    lm->cache.nent = 0;
    if (lm->cache.nslot)
        memset(lm->cache.slot, 0, lm->cache.nslot * sizeof *lm->cache.slot);
}

size_t lemma_count(const lemma_t *lm)
{
    return lm ? lm->cache.nent : 0;
}

void lemma_entry(const lemma_t *lm, size_t i, const char **w, size_t *n, const char **lemmas,
                 size_t *llen)
{
    const entry_t *e = &lm->cache.ent[i];
    *w = lm->cache.arena.data + e->w;
    *n = e->nw;
    *lemmas = lm->cache.arena.data + e->l;
    *llen = e->nl;
}
