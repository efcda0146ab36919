/* compound.c — Norwegian compound splitting from a full-form lexicon (see compound.h).
 *
 * The lexicon is a set of normalised words in one arena, indexed by an open-addressing hash
 * table of arena offsets. Loading Debian's bokmål + nynorsk lists (1.5 million words, 20 MB)
 * takes a fraction of a second and is done once per `hsok index` run, never for a search.
 *
 * Splitting: every split point where the head is a lexicon word (full form, so inflected heads
 * such as "sikkerheten" work) and the modifier is a lexicon word, directly or after dropping a
 * linking -s- or -e-, is a candidate; the most balanced candidate wins (the longest shorter
 * side), which prefers "informasjon|s|sikkerhet" over odd splits with tiny parts. Head and
 * modifier are split again (depth-limited), so "kommunehelsetjenesten" gives kommune,
 * helsetjenesten, helse, tjenesten. A word the lexicon lacks that has no such split may have
 * a modifier or head that is two lexicon words itself ("kjernejournal|forskriften").
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hsok/compound.h"
#include "hsok/ingest.h"
#include "hsok/text.h"

/* Debian's word lists are 8-13 MB; a word list of more than this is not one. */
#define LEXICON_MAX_BYTES ((size_t)256 << 20)
#define MIN_PART_CHARS 5 /* shorter parts only from short_parts[] */
#define MIN_WORD_CHARS 8
#define MAX_DEPTH 3
#define MAX_PARTS 8
/* Splits kept for words seen again: an entry takes about 100 bytes, so 64 Ki words are about
 * 7 MB. A corpus's long words keep coming (about 860,000 distinct words in the 100 MB
 * gen-corpus, a cache of 60 MB or more if kept all), so a full cache is emptied and fills
 * again; the frequent words are back after their next use, and a split costs microseconds. */
#define SPLIT_CACHE_MAX ((size_t)1 << 16)

/* Modifiers that are prefixes or particles: a split on them changes the meaning
 * ("forsikring" is not "for" + "sikring"). Shorter than MIN_MOD_CHARS are excluded anyway. */
static const char *const bad_modifiers[] = {
    "over", "under", "etter", "gjennom", "mellom", "sammen", "imot", "innen", "utenom",
    "omkring", "forut", "forbi", "fore", "frem", "fram", "bort", "hjem", "inne", "ute", "oppe",
    "nede", "vekk", "tilbake", "ikke", "ikkje", "anti", "inter", "multi", "super", "mega",
    "selv", "sjølv", "utover", "innover", "nedover", "oppover", "bakover", "framover",
    "fremover", "iblant", "blant", "unntaks", "også", "samt", "uten", "utan", "hver", "kvar",
    "alle", "ingen", "noen", "nokon", "mange", "flere", "fleire", "dens", "deres", "disse",
    "andre", "annen", "annet", "egen", "eget", "eigen", "eige", "være", "vere", "blir", "bli",
    "skal", "ville", "kunne", "måtte", "burde", "samme", "slik", "sånn", "hvor", "kor",
    "aner", "ende", "ting", "stor", "store", "småe", "trans", "unders", "overs", "fores",
    "priori", "regjer", "kjern", NULL };

/* Common short compound elements: parts of 3-4 letters are accepted only from this list, since
 * a full-form lexicon is full of short fragments ("samar|beid", "tekno|logi", "utvi|kling"). */
static const char *const short_parts[] = {
    "data", "nett", "plan", "lege", "krav", "bruk", "rett", "verk", "vern", "hjem", "lønn",
    "form", "vann", "barn", "syke", "drift", "mål", "tid", "dag", "lov", "del", "sak", "råd",
    "vei", "veg", "hus", "bil", "mat", "liv", "helg", "land", "fag", "team", "rom", "side",
    "sted", "stad", "time", "uke", "veke", "år", "ansvar", "kost", "pris", "skatt", "avgift",
    "kurs", "lag", "felt", "gang", "makt", "test", "kode", "nivå", "vakt", "post", "kart",
    "evne", "rute", "lege", "bank", "mote", "sone", "ledd",
    NULL };

/* Heads that are suffixes rather than words in a compound. */
static const char *const bad_heads[] = {
    "else", "elsen", "elser", "elsene", "ning", "ninga", "ningen", "ninger", "ningene", "skap",
    "skapet", "skaper", "skapene", "heten", "heter", "hetene", "heit", "heita", "heiter",
    "sjon", "sjonen", "sjoner", "sjonene", "aktig", "aktige", "messig", "messige", "ende",
    "ande", "inga", "ingen", "inger", "ingene", "eriet", "erier", "eriene", "ere", "erne",
    "ene", "ing", "lige", "lighet", "barhet", "somhet", "nings", "elig", "vis", "ters",
    "anser", "ansen", "ansene", "enser", "ensen", "logien", "logiar", "kling", "klinga",
    "klingen", "ering", "eringen", "eringer", "iteten", "isten", "ister", "ismen", NULL };

typedef struct cache_ent {
    char *word;
    uint16_t n;
    uint16_t s[MAX_PARTS], e[MAX_PARTS];
    struct cache_ent *next;
} cache_ent_t;

struct hsok_lexicon {
    char *arena;
    size_t alen, acap;
    uint32_t *slots; /* arena offset + 1; 0 = empty */
    size_t nslots, nwords;
    cache_ent_t **cache;
    size_t ncache, cachecap;
    hsok_analyzer_t *an; /* for the stopword check */
};

static void cache_clear(hsok_lexicon_t *lex);

const char *const *hsok_lexicon_default_paths(void)
{
    static const char *const paths[] = { "/usr/share/dict/bokmaal", "/usr/share/dict/nynorsk",
                                         NULL };
    return paths;
}

static uint32_t hash(const char *s, size_t n)
{
    return (uint32_t)hsok_hash64(s, n);
}

static int lex_find(const hsok_lexicon_t *lex, const char *w, size_t n, size_t *slot)
{
    size_t mask = lex->nslots - 1, i = hash(w, n) & mask;
    for (;;) {
        uint32_t v = lex->slots[i];
        if (!v) {
            *slot = i;
            return 0;
        }
        const char *s = lex->arena + v - 1;
        if (!strncmp(s, w, n) && s[n] == '\0') {
            *slot = i;
            return 1;
        }
        i = (i + 1) & mask;
    }
}

/* Rehash into ns slots (a power of two). */
static int lex_rehash(hsok_lexicon_t *lex, size_t ns)
{
    uint32_t *nt = calloc(ns, sizeof *nt);
    if (!nt)
        return -1;
    uint32_t *old = lex->slots;
    size_t on = lex->nslots;
    lex->slots = nt;
    lex->nslots = ns;
    for (size_t i = 0; i < on; i++) {
        if (!old[i])
            continue;
        const char *s = lex->arena + old[i] - 1;
        size_t slot;
        lex_find(lex, s, strlen(s), &slot);
        lex->slots[slot] = old[i];
    }
    free(old);
    return 0;
}

static int lex_grow(hsok_lexicon_t *lex)
{
    return lex_rehash(lex, lex->nslots ? lex->nslots * 2 : 1u << 16);
}

/* Make room for n words in all, the table at most half full. */
static int lex_reserve(hsok_lexicon_t *lex, size_t n)
{
    size_t ns = lex->nslots;
    while (n * 2 > ns)
        ns *= 2;
    return ns == lex->nslots ? 0 : lex_rehash(lex, ns);
}

static int lex_add(hsok_lexicon_t *lex, const char *w, size_t n)
{
    if (n == 0 || n > 200)
        return 0;
    if ((lex->nwords + 1) * 2 > lex->nslots && lex_grow(lex) < 0)
        return -1;
    size_t slot;
    if (lex_find(lex, w, n, &slot))
        return 0;
    if (lex->alen + n + 1 > lex->acap) {
        size_t nc = lex->acap ? lex->acap * 2 : 1u << 20;
        while (nc < lex->alen + n + 1)
            nc *= 2;
        if (nc > UINT32_MAX)
            return -1;
        char *p = realloc(lex->arena, nc);
        if (!p)
            return -1;
        lex->arena = p;
        lex->acap = nc;
    }
    memcpy(lex->arena + lex->alen, w, n);
    lex->arena[lex->alen + n] = '\0';
    lex->slots[slot] = (uint32_t)(lex->alen + 1);
    lex->alen += n + 1;
    lex->nwords++;
    return 0;
}

int hsok_lexicon_has(const hsok_lexicon_t *lex, const char *word, size_t len)
{
    size_t slot;
    return lex && lex->nslots && lex_find(lex, word, len, &slot);
}

static hsok_lexicon_t *lex_new(char **errmsg)
{
    hsok_lexicon_t *lex = calloc(1, sizeof *lex);
    if (!lex)
        return NULL;
    if (lex_grow(lex) < 0 || hsok_analyzer_new(&lex->an, errmsg) != HSOK_OK) {
        hsok_lexicon_free(lex);
        return NULL;
    }
    return lex;
}

/* Only words of letters (a dictionary's "A4-format" or "o'l" are no use as parts). */
static int letters_only_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return 0;
    }
    return 1;
}

/* Add the lines of a buffer: UTF-8 (normalised) or, if not valid UTF-8, ISO-8859-1. */
static int add_lines(hsok_lexicon_t *lex, const char *p, size_t len)
{
    int utf8 = hsok_utf8_valid(p, len, NULL);
    buf_t w = BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < len && rc == 0;) {
        size_t e = i;
        while (e < len && p[e] != '\n')
            e++;
        size_t b = i, z = e;
        while (z > b && (p[z - 1] == '\r' || p[z - 1] == ' ' || p[z - 1] == '\t'))
            z--;
        while (b < z && (p[b] == ' ' || p[b] == '\t'))
            b++;
        i = e + 1;
        if (z == b || p[b] == '#')
            continue;
        if (utf8) {
            if (!letters_only_utf8(p + b, z - b))
                continue;
            size_t nl;
            char *norm = hsok_normalize(p + b, z - b, &nl);
            if (!norm) {
                rc = -1;
                break;
            }
            rc = lex_add(lex, norm, nl);
            free(norm);
            continue;
        }
        buf_reset(&w);
        int ok = 1;
        for (size_t k = b; k < z; k++) {
            unsigned char c = (unsigned char)p[k];
            if (c < 0x80) {
                if (c >= 'A' && c <= 'Z')
                    c = (unsigned char)(c + 32);
                else if (!(c >= 'a' && c <= 'z')) {
                    ok = 0;
                    break;
                }
                buf_addch(&w, (char)c);
            } else if (c >= 0xC0 && c != 0xD7 && c != 0xF7) {
                if (c <= 0xDE)
                    c = (unsigned char)(c + 32); /* Latin-1 upper → lower */
                buf_addch(&w, (char)(0xC0 | (c >> 6)));
                buf_addch(&w, (char)(0x80 | (c & 0x3F)));
            } else {
                ok = 0;
                break;
            }
        }
        if (w.err) {
            rc = -1;
            break;
        }
        if (ok)
            rc = lex_add(lex, w.data, w.len);
    }
    buf_free(&w);
    return rc;
}

hsok_status_t hsok_lexicon_load(const char *const *paths, size_t n, hsok_lexicon_t **out,
                                char **errmsg)
{
    *out = NULL;
    hsok_lexicon_t *lex = lex_new(errmsg);
    if (!lex)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    /* every list is read first, so the table is sized once for all their lines: growing it
     * as lines came rehashed the words six times, and sizing it per list still rehashed the
     * first list's 0.9 M words for the second (0.2 s a run) */
    char *data[16] = { 0 };
    size_t lens[16] = { 0 }, found = 0, lines = 0;
    hsok_status_t st = HSOK_OK;
    int rc = 0;
    for (size_t i = 0; i < n && i < 16 && paths[i] && st == HSOK_OK; i++) {
        /* $HSOK_LEXICON names these: a FIFO or /dev/zero there must not hang or fill memory */
        char *rerr = NULL;
        st = hsok_read_regular_file(paths[i], LEXICON_MAX_BYTES, &data[i], &lens[i], &rerr);
        if (st == HSOK_ERR_NOT_FOUND) {
            st = HSOK_OK;
        } else if (st != HSOK_OK) {
            hsok_seterr(errmsg, st, "lexicon %s", rerr ? rerr : paths[i]);
        } else {
            found++;
            const char *d = data[i];
            size_t len = lens[i];
            for (const char *q = d; len && (q = memchr(q, '\n', len - (size_t)(q - d))); q++)
                lines++;
        }
        free(rerr);
    }
    if (st == HSOK_OK && found)
        rc = lex_reserve(lex, lines + 1);
    for (size_t i = 0; i < n && i < 16; i++) {
        if (st == HSOK_OK && rc == 0 && data[i]) {
            rc = add_lines(lex, data[i], lens[i]);
            if (rc < 0)
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory loading '%s'", paths[i]);
        }
        free(data[i]);
    }
    if (st == HSOK_OK && rc < 0)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory loading the lexicon");
    if (st != HSOK_OK) {
        hsok_lexicon_free(lex);
        return st;
    }
    if (!found) {
        hsok_lexicon_free(lex);
        return hsok_seterr(errmsg, HSOK_ERR_NOT_FOUND,
                           "no lexicon found (install Debian's wnorwegian)");
    }
    *out = lex;
    return HSOK_OK;
}

hsok_status_t hsok_lexicon_from_string(const char *words, hsok_lexicon_t **out, char **errmsg)
{
    *out = NULL;
    hsok_lexicon_t *lex = lex_new(errmsg);
    if (!lex)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (words && add_lines(lex, words, strlen(words)) < 0) {
        hsok_lexicon_free(lex);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    *out = lex;
    return HSOK_OK;
}

void hsok_lexicon_free(hsok_lexicon_t *lex)
{
    if (!lex)
        return;
    cache_clear(lex);
    free(lex->cache);
    free(lex->arena);
    free(lex->slots);
    hsok_analyzer_free(lex->an);
    free(lex);
}

/* ---- splitting ---- */

static size_t nchars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static int in_list(const char *const *list, const char *s, size_t n)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == n && !memcmp(list[i], s, n))
            return 1;
    return 0;
}

static int long_enough(const char *s, size_t n)
{
    size_t k = nchars(s, n);
    return k >= MIN_PART_CHARS || (k >= 3 && in_list(short_parts, s, n));
}

/* The look-up comes first: most pieces of a word are no word, and it is the cheapest test. */
static int good_modifier(const hsok_lexicon_t *lex, const char *s, size_t n)
{
    return hsok_lexicon_has(lex, s, n) && long_enough(s, n) && !in_list(bad_modifiers, s, n) &&
           !hsok_is_stopword(lex->an, s, n);
}

static int good_head(const hsok_lexicon_t *lex, const char *s, size_t n)
{
    return hsok_lexicon_has(lex, s, n) && long_enough(s, n) && !in_list(bad_heads, s, n) &&
           !hsok_is_stopword(lex->an, s, n);
}

/* Is s[0..n) two lexicon words, a modifier (with or without a linking -s-/-e-) and a head,
 * when it is no lexicon word itself ("kjernejournal": kjerne + journal)? A compound the word
 * list lacks can still be the modifier or head of a longer one. */
static int two_words(const hsok_lexicon_t *lex, const char *s, size_t n)
{
    if (nchars(s, n) < MIN_WORD_CHARS || hsok_lexicon_has(lex, s, n))
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80 || !good_head(lex, s + i, n - i))
            continue;
        if (good_modifier(lex, s, i) ||
            ((s[i - 1] == 's' || s[i - 1] == 'e') && good_modifier(lex, s, i - 1)))
            return 1;
    }
    return 0;
}

typedef struct parts {
    size_t n;
    size_t s[MAX_PARTS], e[MAX_PARTS];
} parts_t;

static void add_part(parts_t *p, size_t s, size_t e)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->s[i] == s && p->e[i] == e)
            return;
    if (p->n < MAX_PARTS) {
        p->s[p->n] = s;
        p->e[p->n] = e;
        p->n++;
    }
}

typedef struct cand {
    size_t i;      /* head start */
    size_t me[2];  /* modifier ends: with and without a linking letter (0: not a word) */
    size_t score;
} cand_t;

/* Split w[a..b) (offsets into the whole word) and add its parts. The best split is taken, and
 * a runner-up that is nearly as balanced too: a lexicon cannot tell "helse|næringen" from
 * "helsen|æringen", and a missed part costs recall while an odd extra part costs little (part
 * matches rank low, and nobody searches "æringen"). When a modifier is a word both with and
 * without its linking letter ("felles"/"felle", "informasjons"/"informasjon"), both are parts. */
static void split_rec(const hsok_lexicon_t *lex, const char *w, size_t a, size_t b, int depth,
                      parts_t *out)
{
    if (depth > MAX_DEPTH || nchars(w + a, b - a) < MIN_WORD_CHARS)
        return;
    cand_t best[2] = { { 0, { 0, 0 }, 0 }, { 0, { 0, 0 }, 0 } };
    /* pass 1: modifier and head are lexicon words; pass 2, only for a word pass 1 cannot
     * split and the word list does not have: one of them may be a compound of two lexicon
     * words itself, so that a three-part compound the word list lacks in every two-part form
     * still splits ("kjernejournal|forskriften", then kjerne|journal). A word the list has
     * but pass 1 cannot split is a derivation or an inflection ("tulipanformetest"), not
     * such a compound. */
    int known = hsok_lexicon_has(lex, w + a, b - a);
    for (int pass = 0; pass < 2 - known && !best[0].score; pass++) {
        for (size_t i = a + 1; i < b; i++) {
            if (((unsigned char)w[i] & 0xC0) == 0x80)
                continue;
            int head = good_head(lex, w + i, b - i);
            if (!head && !(pass && two_words(lex, w + i, b - i)))
                continue;
            cand_t c = { i, { 0, 0 }, 0 };
            if (good_modifier(lex, w + a, i - a) ||
                (pass && head && two_words(lex, w + a, i - a)))
                c.me[0] = i;
            if ((w[i - 1] == 's' || w[i - 1] == 'e') && i - 1 > a &&
                (good_modifier(lex, w + a, i - 1 - a) ||
                 (pass && head && two_words(lex, w + a, i - 1 - a))))
                c.me[1] = i - 1;
            size_t me = c.me[1] ? c.me[1] : c.me[0];
            if (!me)
                continue;
            size_t hm = nchars(w + a, me - a), hh = nchars(w + i, b - i);
            c.score = hm < hh ? hm : hh;
            if (c.score > best[0].score) {
                best[1] = best[0];
                best[0] = c;
            } else if (c.score > best[1].score) {
                best[1] = c;
            }
        }
    }
    for (int k = 0; k < 2; k++) {
        const cand_t *c = &best[k];
        if (!c->score || (k == 1 && c->score + 2 < best[0].score))
            continue;
        for (int v = 0; v < 2; v++)
            if (c->me[v])
                add_part(out, a, c->me[v]);
        add_part(out, c->i, b);
        split_rec(lex, w, c->i, b, depth + 1, out);
        split_rec(lex, w, a, c->me[1] ? c->me[1] : c->me[0], depth + 1, out);
    }
}

static cache_ent_t *cache_get(hsok_lexicon_t *lex, const char *w, size_t n, uint32_t h)
{
    if (!lex->cachecap)
        return NULL;
    for (cache_ent_t *c = lex->cache[h & (lex->cachecap - 1)]; c; c = c->next)
        if (!strncmp(c->word, w, n) && c->word[n] == '\0')
            return c;
    return NULL;
}

/* Free every cached split (the table stays). */
static void cache_clear(hsok_lexicon_t *lex)
{
    for (size_t i = 0; i < lex->cachecap; i++) {
        cache_ent_t *c = lex->cache ? lex->cache[i] : NULL;
        while (c) {
            cache_ent_t *nx = c->next;
            free(c->word);
            free(c);
            c = nx;
        }
        if (lex->cache)
            lex->cache[i] = NULL;
    }
    lex->ncache = 0;
}

static void cache_put(hsok_lexicon_t *lex, const char *w, size_t n, uint32_t h, const parts_t *p)
{
    if (lex->ncache >= SPLIT_CACHE_MAX)
        cache_clear(lex);
    if (lex->ncache + 1 > lex->cachecap) {
        size_t nc = lex->cachecap ? lex->cachecap * 2 : 4096;
        cache_ent_t **t = calloc(nc, sizeof *t);
        if (!t)
            return; /* no cache: still correct, only slower */
        for (size_t i = 0; i < lex->cachecap; i++) {
            cache_ent_t *c = lex->cache[i];
            while (c) {
                cache_ent_t *nx = c->next;
                size_t j = hash(c->word, strlen(c->word)) & (nc - 1);
                c->next = t[j];
                t[j] = c;
                c = nx;
            }
        }
        free(lex->cache);
        lex->cache = t;
        lex->cachecap = nc;
    }
    cache_ent_t *c = calloc(1, sizeof *c);
    if (!c || !(c->word = hsok_strndup(w, n))) {
        free(c);
        return;
    }
    c->n = (uint16_t)p->n;
    for (size_t i = 0; i < p->n; i++) {
        c->s[i] = (uint16_t)p->s[i];
        c->e[i] = (uint16_t)p->e[i];
    }
    size_t j = h & (lex->cachecap - 1);
    c->next = lex->cache[j];
    lex->cache[j] = c;
    lex->ncache++;
}

size_t hsok_compound_split(void *lexicon, const char *word, size_t len, size_t starts[],
                           size_t ends[], size_t max)
{
    hsok_lexicon_t *lex = lexicon;
    if (!lex || !word || len < MIN_WORD_CHARS || len > 120)
        return 0;
    uint32_t h = hash(word, len);
    parts_t p = { 0 };
    cache_ent_t *c = cache_get(lex, word, len, h);
    if (c) {
        p.n = c->n;
        for (size_t i = 0; i < p.n; i++) {
            p.s[i] = c->s[i];
            p.e[i] = c->e[i];
        }
    } else {
        split_rec(lex, word, 0, len, 0, &p);
        cache_put(lex, word, len, h, &p);
    }
    size_t n = p.n < max ? p.n : max;
    for (size_t i = 0; i < n; i++) {
        starts[i] = p.s[i];
        ends[i] = p.e[i];
    }
    return n;
}
