/* shards.c — several indexes searched as one (issue 12 item 4).
 *
 * An archive split into indexes (one per hearing, or made apart on several machines) is opened
 * read-only as one Xapian database (xap_open_shards: Database::add_database; a remote shard is
 * one served by xapian-tcpsrv, reached with Xapian::Remote::open over TCP). Xapian combines
 * the statistics BM25 needs, so ranking equals that of one index holding the same passages.
 * What hsok keeps in metadata is read from every shard by the wrapper (xap_get_meta,
 * xap_meta_keys); here the shards are checked to agree on what the passages were analysed
 * with, and a shard list file is read.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "hsok/ingest.h"
#include "prefix.h"

#define SHARDS_FILE_MAX (1u << 20) /* a shard list file is small */

/* The index format of a file record "sig=HASH:LEN:RESPONDENT:FORMAT:ALIASES:HOW:TYPE:THOW\t…"
 * (index.c): the fifth field from the right, as a respondent may hold ':'. malloc'd, or NULL
 * when the record has none. */
static char *record_format(const char *rec)
{
    if (strncmp(rec, "sig=", 4) != 0)
        return NULL;
    const char *s = rec + 4, *end = s + strcspn(s, "\t\n");
    const char *p = end;
    for (int colons = 0; p > s; p--)
        if (p[-1] == ':' && ++colons == 5)
            break;
    if (p == s)
        return NULL;
    const char *q = memchr(p, ':', (size_t)(end - p));
    return q ? hsok_strndup(p, (size_t)(q - p)) : NULL;
}

typedef struct first_key {
    char *key;
    int nomem;
} first_key_t;

static int take_first(void *ctx, const char *key)
{
    first_key_t *f = ctx;
    f->key = strdup(key);
    f->nomem = !f->key;
    return 1;
}

/* What a shard says about how its passages were made: the index format of its first file
 * record, and the metadata that names the codebook, the lemmas, the bokmål/nynorsk table and
 * compound splitting. Each malloc'd ("" when the shard has none). */
enum { AGREE_FORMAT, AGREE_CODEBOOK, AGREE_LEMMAS, AGREE_VARIANTS, AGREE_COMPOUNDS, AGREE_N };
static const char *const agree_key[AGREE_N] = { NULL, "codebook", META_LEMMAS, META_VARIANTS,
                                                META_COMPOUNDS };
static const char *const agree_what[AGREE_N] = {
    "index format", "codebook (themes)", "lemmas (nb/nn dictionaries)",
    "bokmål/nynorsk table", "compound splitting"
};

static hsok_status_t shard_traits(xap_db_t *x, size_t i, char *out[AGREE_N], char **errmsg)
{
    hsok_status_t st = HSOK_OK;
    for (int k = 1; k < AGREE_N && st == HSOK_OK; k++)
        st = xap_get_meta_in(x, i, agree_key[k], &out[k], errmsg);
    if (st != HSOK_OK)
        return st;
    /* the first file record of this shard alone */
    char *rec = NULL;
    first_key_t f = { NULL, 0 };
    st = xap_meta_keys_in(x, i, META_FILE, take_first, &f, errmsg);
    if (st == HSOK_OK && f.nomem)
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    if (st == HSOK_OK && f.key)
        st = xap_get_meta_in(x, i, f.key, &rec, errmsg);
    if (st == HSOK_OK) {
        out[AGREE_FORMAT] = rec ? record_format(rec) : NULL;
        if (!out[AGREE_FORMAT] && !(out[AGREE_FORMAT] = strdup("")))
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    free(rec);
    free(f.key);
    return st;
}

/* Every shard that has passages agrees with the first that has them on each trait. */
static hsok_status_t shards_agree(xap_db_t *x, char **errmsg)
{
    size_t n = xap_shard_count(x), ref = SIZE_MAX;
    char *first[AGREE_N] = { 0 }, *cur[AGREE_N] = { 0 };
    hsok_status_t st = HSOK_OK;
    for (size_t i = 0; i < n && st == HSOK_OK; i++) {
        char **t = ref == SIZE_MAX ? first : cur;
        st = shard_traits(x, i, t, errmsg);
        if (st != HSOK_OK)
            break;
        if (!*t[AGREE_FORMAT]) { /* no file indexed: nothing to disagree with */
            for (int k = 0; k < AGREE_N; k++) {
                free(t[k]);
                t[k] = NULL;
            }
            continue;
        }
        if (ref == SIZE_MAX) {
            ref = i;
            continue;
        }
        for (int k = 0; k < AGREE_N && st == HSOK_OK; k++) {
            if (strcmp(first[k], cur[k]) == 0)
                continue;
            if (k == AGREE_FORMAT)
                st = hsok_seterr(errmsg, HSOK_ERR_DB,
                                 "indexes '%s' (format %s) and '%s' (format %s) differ in "
                                 "index format: index the older one again with this hsok",
                                 xap_shard_name(x, ref), first[k], xap_shard_name(x, i), cur[k]);
            else
                st = hsok_seterr(errmsg, HSOK_ERR_DB,
                                 "indexes '%s' and '%s' were made with another %s: they cannot "
                                 "be searched as one; index both with the same settings",
                                 xap_shard_name(x, ref), xap_shard_name(x, i), agree_what[k]);
        }
        for (int k = 0; k < AGREE_N; k++) {
            free(cur[k]);
            cur[k] = NULL;
        }
    }
    for (int k = 0; k < AGREE_N; k++) {
        free(first[k]);
        free(cur[k]);
    }
    return st;
}

void db_set_tiebreak(hsok_db_t *db)
{
    /* a file's passages are added in their order, so within one source docids follow it in
     * one index and in a shard alike (Xapian's remote backend takes a value slot, not a key
     * of two slots) */
    xap_set_tiebreak(db->x, SLOT_SOURCE);
}

/* The same index given twice would count its passages twice: HSOK_ERR_INVALID. Local
 * directories are compared by their real paths, remotes as written. */
static hsok_status_t same_twice(const char *const *specs, size_t n, char **errmsg)
{
    char **real = calloc(n, sizeof *real);
    if (!real)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    hsok_status_t st = HSOK_OK;
    for (size_t i = 0; i < n && st == HSOK_OK; i++) {
        real[i] = strncmp(specs[i], "tcp:", 4) ? realpath(specs[i], NULL) : strdup(specs[i]);
        for (size_t j = 0; real[i] && j < i && st == HSOK_OK; j++)
            if (real[j] && strcmp(real[i], real[j]) == 0)
                st = hsok_seterr(errmsg, HSOK_ERR_INVALID,
                                 "'%s' is '%s' again: give each index once", specs[i],
                                 specs[j]);
    }
    for (size_t i = 0; i < n; i++)
        free(real[i]);
    free(real);
    return st;
}

hsok_status_t hsok_db_open_shards(const char *const *specs, size_t n, hsok_db_t **out,
                                  char **errmsg)
{
    *out = NULL;
    if (!specs || !n)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "no index path given");
    buf_t name = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (!specs[i] || !*specs[i])
            return hsok_seterr(errmsg, HSOK_ERR_INVALID,
                               "no index directory given: the path is empty");
        if (i)
            buf_addstr(&name, ", ");
        buf_addstr(&name, specs[i]);
    }
    hsok_db_t *db = calloc(1, sizeof *db);
    if (!db || name.err) {
        free(db);
        buf_free(&name);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    db->path = buf_detach(&name, NULL);
    hsok_status_t st = same_twice(specs, n, errmsg);
    if (st == HSOK_OK)
        st = xap_open_shards(specs, n, &db->x, errmsg);
    if (st == HSOK_OK)
        st = shards_agree(db->x, errmsg);
    if (st == HSOK_OK)
        db_set_tiebreak(db);
    if (st != HSOK_OK) {
        hsok_db_close(db, NULL);
        return st;
    }
    *out = db;
    return HSOK_OK;
}

size_t hsok_db_shard_count(hsok_db_t *db)
{
    return xap_shard_count(db->x);
}

const char *hsok_db_shard_path(hsok_db_t *db, size_t i)
{
    return xap_shard_path(db->x, i);
}

/* ---- the shard list file ---- */

void hsok_shards_free(char **specs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(specs[i]);
    free(specs);
}

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

hsok_status_t hsok_shards_read(const char *file, char ***specs, size_t *n, char **errmsg)
{
    *specs = NULL;
    *n = 0;
    char *text = NULL;
    size_t len = 0;
    hsok_status_t st = hsok_read_regular_file(file, SHARDS_FILE_MAX, &text, &len, errmsg);
    if (st != HSOK_OK)
        return st;
    /* the folder of FILE, for relative entries */
    const char *slash = strrchr(file, '/');
    size_t dirlen = slash ? (size_t)(slash - file) + 1 : 0;
    char **v = NULL;
    size_t nv = 0, cap = 0, lineno = 0;
    for (char *line = text; st == HSOK_OK && line < text + len;) {
        char *eol = memchr(line, '\n', (size_t)(text + len - line));
        char *next = eol ? eol + 1 : text + len;
        if (!eol)
            eol = text + len;
        lineno++;
        while (line < eol && (*line == ' ' || *line == '\t'))
            line++;
        while (eol > line && (eol[-1] == ' ' || eol[-1] == '\t' || eol[-1] == '\r'))
            eol--;
        *eol = '\0';
        const char *e = line;
        line = next;
        if (!*e || *e == '#')
            continue;
        if ((size_t)(eol - e) != strlen(e))
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s':%zu: a NUL byte in the line", file,
                             lineno);
        else if (!hsok_utf8_valid(e, strlen(e), NULL))
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s':%zu: not UTF-8 text", file, lineno);
        else if (has_prefix(e, "remote") || has_prefix(e, "prog:") || has_prefix(e, "ssh:") ||
                 e[0] == ':' || e[0] == '|')
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE,
                             "'%s':%zu: '%s' is not accepted: a shard is an index directory or "
                             "tcp:HOST:PORT (hsok never runs a program to reach an index)",
                             file, lineno, e);
        else if (has_prefix(e, "tcp:")) {
            const char *c = strrchr(e + 4, ':');
            size_t digits = c ? strspn(c + 1, "0123456789") : 0;
            unsigned long port = digits ? strtoul(c + 1, NULL, 10) : 0;
            if (!c || c == e + 4 || !digits || c[1 + digits] || digits > 5 || !port ||
                port > 65535)
                st = hsok_seterr(errmsg, HSOK_ERR_PARSE,
                                 "'%s':%zu: '%s' is not a remote index: write tcp:HOST:PORT "
                                 "(a port from 1 to 65535)",
                                 file, lineno, e);
        }
        if (st != HSOK_OK)
            break;
        if (nv == cap) {
            size_t nc = cap ? cap * 2 : 8;
            char **nvv = realloc(v, nc * sizeof *v);
            if (!nvv) {
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                break;
            }
            v = nvv;
            cap = nc;
        }
        buf_t b = BUF_INIT;
        if (e[0] != '/' && !has_prefix(e, "tcp:"))
            buf_add(&b, file, dirlen);
        buf_addstr(&b, e);
        if (b.err || !(v[nv] = buf_detach(&b, NULL))) {
            buf_free(&b);
            st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            break;
        }
        nv++;
    }
    free(text);
    if (st == HSOK_OK && !nv)
        st = hsok_seterr(errmsg, HSOK_ERR_PARSE,
                         "'%s' names no index: write one index directory or tcp:HOST:PORT a "
                         "line", file);
    if (st != HSOK_OK) {
        hsok_shards_free(v, nv);
        return st;
    }
    *specs = v;
    *n = nv;
    return HSOK_OK;
}
