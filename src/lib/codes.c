/* codes.c — the analyst's manual codes file (see include/hsok/codes.h).
 *
 * The file is read whole, kept as an array sorted by (file, hash, theme), and written whole
 * through a temporary file renamed over the old one. A code is matched to a passage by the
 * source's file name and a hash of the passage's text, never by the passage id, so it follows
 * its passage through `index --force`, `retag`, a rebuilt index and a moved folder.
 */
#include "hsok/codes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "db_internal.h"
#include "prefix.h"
#include "hsok/ingest.h"

#define CODES_MAX_BYTES (64u << 20)

typedef struct code {
    hsok_code_t pub;
    char *file, *hash, *id, *theme, *date, *note;
    int add, found;
} code_t;

struct hsok_codes {
    code_t *v;
    size_t n, cap;
    int lockfd;
    const char **added, **removed; /* lookup results, borrowed strings */
    size_t cap_lookup;
};

char *hsok_codes_default_path(const char *explicit_path, const char *db_path)
{
    if (explicit_path)
        return strdup(explicit_path);
    const char *env = getenv("HSOK_CODES");
    if (env && *env)
        return strdup(env);
    size_t n = strlen(db_path);
    while (n > 1 && db_path[n - 1] == '/')
        n--;
    buf_t b = BUF_INIT;
    buf_add(&b, db_path, n);
    buf_addstr(&b, ".codes.tsv");
    return buf_detach(&b, NULL);
}

/* the file name of a path: what follows the last '/' */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* the text hash: white space runs as one space, ends trimmed */
static void text_hash(const char *text, char out[17])
{
    uint64_t h = 1469598103934665603ull;
    int space = 0, any = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v') {
            space = any;
            continue;
        }
        if (space) {
            h = (h ^ ' ') * 1099511628211ull;
            space = 0;
        }
        h = (h ^ *p) * 1099511628211ull;
        any = 1;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void code_free(code_t *c)
{
    free(c->file);
    free(c->hash);
    free(c->id);
    free(c->theme);
    free(c->date);
    free(c->note);
}

static void code_pub(code_t *c)
{
    c->pub.file = c->file;
    c->pub.hash = c->hash;
    c->pub.id = c->id;
    c->pub.theme = c->theme;
    c->pub.date = c->date;
    c->pub.note = c->note;
}

void hsok_codes_free(hsok_codes_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        code_free(&c->v[i]);
    free(c->v);
    free(c->added);
    free(c->removed);
    if (c->lockfd >= 0)
        close(c->lockfd); /* releases the flock */
    free(c);
}

size_t hsok_codes_count(const hsok_codes_t *c) { return c ? c->n : 0; }

const hsok_code_t *hsok_codes_get(const hsok_codes_t *c, size_t i)
{
    return c && i < c->n ? &c->v[i].pub : NULL;
}

int hsok_codes_found(const hsok_codes_t *c, size_t i) { return c && i < c->n && c->v[i].found; }

static int code_cmp(const void *a, const void *b)
{
    const code_t *x = a, *y = b;
    int d = strcmp(x->file, y->file);
    if (!d)
        d = strcmp(x->hash, y->hash);
    if (!d)
        d = strcmp(x->theme, y->theme);
    return d;
}

static int push(hsok_codes_t *c, code_t *k)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        code_t *v = realloc(c->v, nc * sizeof *v);
        if (!v)
            return -1;
        c->v = v;
        c->cap = nc;
    }
    c->v[c->n++] = *k;
    return 0;
}

/* unescape \t \n \\ in place; -1 on another escape */
static int unescape(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r != '\\') {
            *w++ = *r;
            continue;
        }
        r++;
        if (*r == 't')
            *w++ = '\t';
        else if (*r == 'n')
            *w++ = '\n';
        else if (*r == '\\')
            *w++ = '\\';
        else
            return -1;
    }
    *w = '\0';
    return 0;
}

static void add_escaped(buf_t *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\t')
            buf_addstr(b, "\\t");
        else if (*s == '\n')
            buf_addstr(b, "\\n");
        else if (*s == '\\')
            buf_addstr(b, "\\\\");
        else if (*s != '\r')
            buf_addch(b, *s);
    }
}

static int valid_theme(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

static int valid_hash(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return 0;
    return n == 16;
}

static int valid_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return 1;
}

/* parse one line (NUL-terminated, modified); NULL on success, else what is wrong */
static const char *parse_line(char *line, code_t *k)
{
    char *f[6];
    size_t nf = 0;
    char *p = line;
    for (;;) {
        if (nf == 6)
            return "more than 6 tab-separated columns";
        f[nf++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    if (nf < 6)
        return "fewer than 6 tab-separated columns (file, text hash, id, +/-theme, date, note)";
    for (size_t i = 0; i < 6; i++)
        if (unescape(f[i]) != 0)
            return "a backslash that is not \\t, \\n or \\\\";
    if (!*f[0])
        return "empty file name";
    if (!valid_hash(f[1]))
        return "text hash is not 16 hex digits";
    if ((f[3][0] != '+' && f[3][0] != '-') || !valid_theme(f[3] + 1))
        return "code is not +THEME or -THEME (theme ids: lowercase letters, digits and '-')";
    if (!valid_date(f[4]))
        return "date is not YYYY-MM-DD";
    memset(k, 0, sizeof *k);
    k->add = f[3][0] == '+';
    k->file = strdup(f[0]);
    k->hash = strdup(f[1]);
    k->id = strdup(f[2]);
    k->theme = strdup(f[3] + 1);
    k->date = strdup(f[4]);
    k->note = strdup(f[5]);
    k->pub.add = k->add;
    return NULL;
}

static hsok_status_t parse(hsok_codes_t *c, const char *path, char *data, char **errmsg)
{
    unsigned lineno = 0;
    char *p = data;
    while (*p) {
        char *nl = strchr(p, '\n');
        char *next = nl ? nl + 1 : p + strlen(p);
        if (nl)
            *nl = '\0';
        lineno++;
        size_t len = strlen(p);
        if (len && p[len - 1] == '\r')
            p[--len] = '\0';
        if (len && p[0] != '#') {
            code_t k;
            const char *what = parse_line(p, &k);
            if (what)
                return hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s':%u: %s", path, lineno, what);
            if (!k.file || !k.hash || !k.id || !k.theme || !k.date || !k.note || push(c, &k)) {
                code_free(&k);
                return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
            }
        }
        p = next;
    }
    qsort(c->v, c->n, sizeof *c->v, code_cmp);
    for (size_t i = 0; i < c->n; i++) {
        code_pub(&c->v[i]);
        if (i && !code_cmp(&c->v[i - 1], &c->v[i]))
            return hsok_seterr(errmsg, HSOK_ERR_PARSE,
                               "'%s': theme '%s' is coded twice on one passage of '%s'", path,
                               c->v[i].theme, c->v[i].file);
    }
    return HSOK_OK;
}

hsok_status_t hsok_codes_load(const char *path, int for_update, hsok_codes_t **out,
                              char **errmsg)
{
    *out = NULL;
    hsok_codes_t *c = calloc(1, sizeof *c);
    if (!c)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    c->lockfd = -1;
    hsok_status_t st = HSOK_OK;
    if (for_update) {
        buf_t lp = BUF_INIT;
        buf_addf(&lp, "%s.lock", path);
        if (lp.err) {
            hsok_codes_free(c);
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        }
        c->lockfd = open(lp.data, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (c->lockfd < 0)
            st = hsok_seterr(errmsg, HSOK_ERR_IO, "cannot open '%s': %s", lp.data,
                             strerror(errno));
        else if (flock(c->lockfd, LOCK_EX | LOCK_NB) != 0)
            st = errno == EWOULDBLOCK
                     ? hsok_seterr(errmsg, HSOK_ERR_LOCKED,
                                   "codes file '%s' is being written by another hsok", path)
                     : hsok_seterr(errmsg, HSOK_ERR_IO, "cannot lock '%s': %s", lp.data,
                                   strerror(errno));
        buf_free(&lp);
        if (st != HSOK_OK) {
            hsok_codes_free(c);
            return st;
        }
    }
    char *data = NULL;
    size_t len = 0;
    st = hsok_read_regular_file(path, CODES_MAX_BYTES, &data, &len, errmsg);
    if (st == HSOK_ERR_NOT_FOUND) {
        if (errmsg) {
            free(*errmsg);
            *errmsg = NULL;
        }
        st = HSOK_OK;
    } else if (st == HSOK_OK) {
        if (memchr(data, '\0', len))
            st = hsok_seterr(errmsg, HSOK_ERR_PARSE, "'%s': holds a NUL byte", path);
        else
            st = parse(c, path, data, errmsg);
    }
    free(data);
    if (st != HSOK_OK) {
        hsok_codes_free(c);
        return st;
    }
    *out = c;
    return HSOK_OK;
}

hsok_status_t hsok_codes_set(hsok_codes_t *c, const hsok_record_t *rec, const char *theme,
                             int add, const char *note, const char *date, char **errmsg)
{
    if (!valid_theme(theme))
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "'%s' is not a theme id", theme);
    char today[16];
    if (!date) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(today, sizeof today, "%Y-%m-%d", &tm);
        date = today;
    }
    code_t k = { 0 };
    char hash[17];
    text_hash(rec->text ? rec->text : "", hash);
    k.add = add != 0;
    k.file = strdup(base_name(rec->source ? rec->source : ""));
    k.hash = strdup(hash);
    k.id = strdup(rec->id ? rec->id : "");
    k.theme = strdup(theme);
    k.date = strdup(date);
    k.note = strdup(note ? note : "");
    if (!k.file || !k.hash || !k.id || !k.theme || !k.date || !k.note) {
        code_free(&k);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    k.pub.add = k.add;
    k.found = 1;
    for (size_t i = 0; i < c->n; i++)
        if (!code_cmp(&c->v[i], &k)) {
            /* keep the old note when none is given */
            if (!note) {
                free(k.note);
                k.note = c->v[i].note;
                c->v[i].note = NULL;
            }
            code_free(&c->v[i]);
            c->v[i] = k;
            code_pub(&c->v[i]);
            return HSOK_OK;
        }
    if (push(c, &k) != 0) {
        code_free(&k);
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    }
    qsort(c->v, c->n, sizeof *c->v, code_cmp);
    for (size_t i = 0; i < c->n; i++)
        code_pub(&c->v[i]);
    return HSOK_OK;
}

hsok_status_t hsok_codes_save(hsok_codes_t *c, const char *path, char **errmsg)
{
    buf_t b = BUF_INIT, tmp = BUF_INIT;
    buf_addstr(&b, "# hsok manual codes (hsok code): file, text hash, id, +/-theme, date, "
                   "note; tab-separated\n");
    for (size_t i = 0; i < c->n; i++) {
        const code_t *k = &c->v[i];
        add_escaped(&b, k->file);
        buf_addf(&b, "\t%s\t", k->hash);
        add_escaped(&b, k->id);
        buf_addf(&b, "\t%c%s\t%s\t", k->add ? '+' : '-', k->theme, k->date);
        add_escaped(&b, k->note);
        buf_addch(&b, '\n');
    }
    buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    hsok_status_t st = HSOK_OK;
    if (b.err || tmp.err) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
        goto out;
    }
    int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        st = hsok_seterr(errmsg, HSOK_ERR_IO, "cannot write '%s': %s", tmp.data,
                         strerror(errno));
        goto out;
    }
    size_t off = 0;
    int bad = 0;
    while (off < b.len && !bad) {
        ssize_t w = write(fd, b.data + off, b.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            bad = errno ? errno : EIO;
        else
            off += (size_t)w;
    }
    if (!bad && fsync(fd) != 0)
        bad = errno;
    if (close(fd) != 0 && !bad)
        bad = errno;
    if (!bad && rename(tmp.data, path) != 0)
        bad = errno;
    if (bad) {
        unlink(tmp.data);
        st = hsok_seterr(errmsg, HSOK_ERR_IO, "cannot write '%s': %s", path, strerror(bad));
    }
out:
    buf_free(&b);
    buf_free(&tmp);
    return st;
}

void hsok_codes_lookup(hsok_codes_t *c, const hsok_record_t *rec, const char *const **added,
                       size_t *nadded, const char *const **removed, size_t *nremoved)
{
    *nadded = *nremoved = 0;
    *added = *removed = NULL;
    if (!c || !c->n)
        return;
    if (c->cap_lookup < c->n) {
        const char **a = realloc(c->added, c->n * sizeof *a);
        if (a)
            c->added = a;
        const char **r = a ? realloc(c->removed, c->n * sizeof *r) : NULL;
        if (r)
            c->removed = r;
        if (!a || !r)
            return;
        c->cap_lookup = c->n;
    }
    char hash[17];
    text_hash(rec->text ? rec->text : "", hash);
    const char *file = base_name(rec->source ? rec->source : "");
    for (size_t i = 0; i < c->n; i++) {
        code_t *k = &c->v[i];
        if (strcmp(k->hash, hash) || strcmp(k->file, file))
            continue;
        k->found = 1;
        if (k->add)
            c->added[(*nadded)++] = k->theme;
        else
            c->removed[(*nremoved)++] = k->theme;
    }
    *added = c->added;
    *removed = c->removed;
}

static int in_list(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return 1;
    return 0;
}

hsok_status_t hsok_codes_effective(hsok_codes_t *c, const hsok_record_t *rec,
                                   const char ***out, size_t *n, char **errmsg)
{
    const char *const *add, *const *rem;
    size_t nadd, nrem;
    hsok_codes_lookup(c, rec, &add, &nadd, &rem, &nrem);
    const char **v = malloc((rec->nthemes + nadd + 1) * sizeof *v);
    if (!v)
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < rec->nthemes; i++)
        if (!in_list(rem, nrem, rec->themes[i]))
            v[k++] = rec->themes[i];
    for (size_t i = 0; i < nadd; i++)
        if (!in_list(v, k, add[i]))
            v[k++] = add[i];
    *out = v;
    *n = k;
    return HSOK_OK;
}

hsok_status_t hsok_codes_apply(hsok_codes_t *c, hsok_records_t *recs, char **errmsg)
{
    if (!c || !c->n || !recs)
        return HSOK_OK;
    for (size_t i = 0; i < recs->n; i++) {
        db_rec_t *r = &recs->recs[i];
        const char **shown = NULL;
        size_t n = 0;
        hsok_status_t st = hsok_codes_effective(c, &r->pub, &shown, &n, errmsg);
        if (st != HSOK_OK)
            return st;
        /* the evidence of a theme removed by hand goes with it */
        size_t k = 0;
        for (size_t t = 0; t < r->pub.ntags; t++)
            if (r->tags[t].theme && in_list(shown, n, r->tags[t].theme))
                r->tags[k++] = r->tags[t];
        r->pub.ntags = k;
        free(r->themes);
        r->themes = shown;
        r->pub.themes = shown;
        r->pub.nthemes = n;
    }
    return HSOK_OK;
}

hsok_status_t hsok_codes_apply_select(hsok_codes_t *c, hsok_records_t *recs,
                                      const char *const *themes, size_t nthemes,
                                      int tagged_only, char **errmsg)
{
    hsok_status_t st = hsok_codes_apply(c, recs, errmsg);
    if (st != HSOK_OK || !recs)
        return st;
    size_t k = 0;
    for (size_t i = 0; i < recs->n; i++) {
        db_rec_t *r = &recs->recs[i];
        int keep = !tagged_only || r->pub.nthemes > 0;
        if (nthemes) {
            keep = 0;
            for (size_t t = 0; t < nthemes && !keep; t++)
                keep = in_list(r->pub.themes, r->pub.nthemes, themes[t]);
        }
        if (keep)
            recs->recs[k++] = *r;
        else
            db_rec_clear(r);
    }
    recs->n = k;
    return HSOK_OK;
}

/* ---- codes resolved to passages, for theme filters ---- */

typedef struct resolve_ctx {
    hsok_db_t *db;
    hsok_codes_t *c;
    buf_t keys; /* file keys of indexed files whose name some code names, NUL-separated */
    int oom;
    hsok_status_t st;
    char **errmsg;
} resolve_ctx_t;

/* Whether some code names the file name `name` (the codes are sorted by file). */
static int codes_name_file(const hsok_codes_t *c, const char *name)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = strcmp(c->v[mid].file, name);
        if (d == 0)
            return 1;
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* The "path" field of a file record (index.c: "k=v" fields separated by tabs, values with
 * tab, newline and backslash escaped), malloc'd, or NULL. */
static char *record_path(const char *rec)
{
    const char *p = strstr(rec, "\tpath=");
    if (!p)
        return NULL;
    p += 6;
    buf_t b = BUF_INIT;
    for (; *p && *p != '\t' && *p != '\n'; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            buf_addch(&b, *p == 't' ? '\t' : *p == 'n' ? '\n' : *p);
        } else {
            buf_addch(&b, *p);
        }
    }
    buf_addch(&b, '\0');
    if (b.err) {
        buf_free(&b);
        return NULL;
    }
    return b.data;
}

static int resolve_file(void *ctx, const char *mkey)
{
    resolve_ctx_t *rc = ctx;
    char *val = NULL;
    rc->st = xap_get_meta(rc->db->x, mkey, &val, rc->errmsg);
    if (rc->st != HSOK_OK)
        return 1;
    char *path = *val ? record_path(val) : NULL;
    if (path && codes_name_file(rc->c, base_name(path)))
        buf_add(&rc->keys, mkey + strlen(META_FILE), strlen(mkey + strlen(META_FILE)) + 1);
    free(path);
    free(val);
    if (rc->keys.err) {
        rc->oom = 1;
        return 1;
    }
    return 0;
}

void hsok_theme_codes_free(hsok_theme_code_t *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free((char *)v[i].id);
    free(v);
}

hsok_status_t hsok_codes_resolve(hsok_db_t *db, hsok_codes_t *c, hsok_theme_code_t **out,
                                 size_t *n, char **errmsg)
{
    *out = NULL;
    *n = 0;
    if (!c || !c->n)
        return HSOK_OK;
    resolve_ctx_t rc = { db, c, BUF_INIT, 0, HSOK_OK, errmsg };
    hsok_status_t st = xap_meta_keys(db->x, META_FILE, resolve_file, &rc, errmsg);
    if (st == HSOK_OK)
        st = rc.oom ? hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory") : rc.st;
    hsok_theme_code_t *v = NULL;
    size_t nv = 0, cap = 0;
    for (size_t at = 0; st == HSOK_OK && at < rc.keys.len;) {
        const char *key = rc.keys.data + at;
        at += strlen(key) + 1;
        char term[64];
        snprintf(term, sizeof term, "%s%s", PFX_FILE, key);
        xap_query_t q = { 0 };
        q.op = XQ_TERM;
        q.term = term;
        q.term_len = strlen(term);
        q.scale = 1.0;
        unsigned nd = xap_termfreq(db->x, term, q.term_len);
        xap_hits_t *hits = NULL;
        if (!nd)
            continue;
        st = xap_search(db->x, &q, 0, nd, -1, &hits, errmsg);
        for (size_t i = 0; st == HSOK_OK && i < hits->n; i++) {
            db_rec_t rec;
            st = db_rec_load(db, hits->hits[i].data, hits->hits[i].data_len, &rec, errmsg);
            if (st != HSOK_OK)
                break;
            char hash[17];
            text_hash(rec.pub.text ? rec.pub.text : "", hash);
            const char *name = base_name(rec.pub.source ? rec.pub.source : "");
            for (size_t k = 0; k < c->n && st == HSOK_OK; k++) {
                if (strcmp(c->v[k].file, name) || strcmp(c->v[k].hash, hash))
                    continue;
                if (nv == cap) {
                    size_t ncap = cap ? cap * 2 : 16;
                    hsok_theme_code_t *nvv = realloc(v, ncap * sizeof *nvv);
                    if (!nvv) {
                        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                        break;
                    }
                    v = nvv;
                    cap = ncap;
                }
                char *id = strdup(rec.pub.id ? rec.pub.id : "");
                if (!id) {
                    st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
                    break;
                }
                v[nv].id = id;
                v[nv].theme = c->v[k].theme;
                v[nv].add = c->v[k].add;
                nv++;
            }
            db_rec_clear(&rec);
        }
        xap_hits_free(hits);
    }
    buf_free(&rc.keys);
    if (st != HSOK_OK) {
        hsok_theme_codes_free(v, nv);
        return st;
    }
    *out = v;
    *n = nv;
    return HSOK_OK;
}
