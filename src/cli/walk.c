/* walk.c — the files of `hsok index PATH...` (see walk.h). */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "hsok/ingest.h"

/* ---- the skip tally ---- */

void skip_count(skip_tally_t *t, const char *one, const char *many)
{
    t->total++;
    for (size_t i = 0; i < t->nkinds; i++)
        if (!strcmp(t->kinds[i].one, one)) {
            t->kinds[i].n++;
            return;
        }
    size_t max = sizeof t->kinds / sizeof t->kinds[0];
    if (t->nkinds == max) { /* cannot happen with the kinds below; keep the count right */
        one = "other";
        many = "other";
        t->nkinds--;
    }
    t->kinds[t->nkinds].one = one;
    t->kinds[t->nkinds].many = many;
    t->kinds[t->nkinds].n = 1;
    t->nkinds++;
}

void skip_summary(FILE *f, const skip_tally_t *t, size_t failed)
{
    fprintf(f, "%zu file%s skipped", t->total, t->total == 1 ? "" : "s");
    for (size_t i = 0; i < t->nkinds; i++)
        fprintf(f, "%s%zu %s", i ? ", " : " (", t->kinds[i].n,
                t->kinds[i].n == 1 ? t->kinds[i].one : t->kinds[i].many);
    fprintf(f, "%s, %zu failed", t->nkinds ? ")" : "", failed);
}

/* ---- sets of files and directories by device and inode ---- */

typedef struct id_set {
    struct id { dev_t dev; ino_t ino; int used; } *v;
    size_t n, cap;
} id_set_t;

static size_t id_hash(dev_t dev, ino_t ino)
{
    uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ull ^ (uint64_t)dev * 0xC2B2AE3D27D4EB4Full;
    return (size_t)(h ^ (h >> 29));
}

/* Add (dev, ino): 1 if it was new, 0 if already there, -1 out of memory. */
static int id_add(id_set_t *s, dev_t dev, ino_t ino)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct id *v = calloc(cap, sizeof *v);
        if (!v)
            return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->v[i].used)
                continue;
            size_t k = id_hash(s->v[i].dev, s->v[i].ino) & (cap - 1);
            while (v[k].used)
                k = (k + 1) & (cap - 1);
            v[k] = s->v[i];
        }
        free(s->v);
        s->v = v;
        s->cap = cap;
    }
    size_t k = id_hash(dev, ino) & (s->cap - 1);
    for (; s->v[k].used; k = (k + 1) & (s->cap - 1))
        if (s->v[k].dev == dev && s->v[k].ino == ino)
            return 0;
    s->v[k].dev = dev;
    s->v[k].ino = ino;
    s->v[k].used = 1;
    s->n++;
    return 1;
}

/* ---- the walk ---- */

struct walk_state {
    const walk_opts_t *o;
    skip_tally_t *skips;
    id_set_t files, dirs;
    int have_index;
    dev_t index_dev;
    ino_t index_ino;
    int have_manifest;
    dev_t manifest_dev;
    ino_t manifest_ino;
    const char *root;   /* real path of the directory being walked */
    char **links;       /* symbolic links met in it, followed after its real entries */
    size_t nlinks, linkcap, nextlink;
};

static char *join_path(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    int slash = dl > 0 && dir[dl - 1] != '/';
    char *p = malloc(dl + (size_t)slash + nl + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, dir, dl);
    if (slash)
        p[dl] = '/';
    memcpy(p + dl + (size_t)slash, name, nl + 1);
    return p;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0; /* ".TXT" from Windows too */
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_add(file_list_t *fl, char *path)
{
    if (path == NULL) {
        fl->nomem = 1;
        return;
    }
    if (fl->n == fl->cap) {
        size_t cap = fl->cap ? fl->cap * 2 : 64;
        char **p = realloc(fl->paths, cap * sizeof *p);
        if (p == NULL) {
            free(path);
            fl->nomem = 1;
            return;
        }
        fl->paths = p;
        fl->cap = cap;
    }
    fl->paths[fl->n++] = path;
}

static void fail_path(file_list_t *fl, const char *what, const char *path, int e)
{
    cli_error("%s '%s': %s", what, path, cli_strerror(e));
    fl->failed++;
}

/* Add the file path (st: what it is, after links) unless that file is listed already. */
static void add_file(file_list_t *fl, const char *path, const struct stat *st)
{
    int r = id_add(&fl->ws->files, st->st_dev, st->st_ino);
    if (r < 0)
        fl->nomem = 1;
    else if (r > 0)
        list_add(fl, strdup(path));
}

/* Report and count a file not read because of what it is (st_mode not regular). */
static void skip_special(file_list_t *fl, const char *path, mode_t mode)
{
    cli_error("skipped '%s': %s, not a regular file", path, hsok_file_type_name((unsigned)mode));
    if (S_ISFIFO(mode))
        skip_count(fl->ws->skips, "FIFO", "FIFOs");
    else if (S_ISSOCK(mode))
        skip_count(fl->ws->skips, "socket", "sockets");
    else if (S_ISCHR(mode) || S_ISBLK(mode))
        skip_count(fl->ws->skips, "device", "devices");
    else
        skip_count(fl->ws->skips, "special file", "special files");
}

/* The documents a folder walk takes: text and the formats of reader.h (the reader tells the
 * format by content; the name only chooses what to read). */
static int readable_name(const char *path)
{
    static const char *const ext[] = { ".txt", ".pdf", ".docx", ".odt", ".eml" };
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (has_suffix(path, ext[i]))
            return 1;
    return 0;
}

/* What hsok does not read, by name, and how to make a document it reads of it (the messages
 * of reader.c for the same formats told by content). */
static const struct {
    const char *ext, *kind, *why;
} unread[] = {
    {".doc", "doc", "an old Word document (.doc); hsok does not read it: convert it "
                    "(libreoffice --headless --convert-to docx FILE.doc)"},
    {".rtf", "rtf", "an RTF document; hsok does not read it: convert it (libreoffice "
                    "--headless --convert-to docx FILE.rtf)"},
    {".msg", "msg", "an Outlook message; hsok does not read .msg: save it as .eml or as plain "
                    "text (UTF-8) first"},
};

/* Report and count a regular file the walk does not take. */
static void skip_by_name(file_list_t *fl, const char *path)
{
    for (size_t i = 0; i < sizeof unread / sizeof unread[0]; i++)
        if (has_suffix(path, unread[i].ext)) {
            cli_error("skipped '%s': %s", path, unread[i].why);
            skip_count(fl->ws->skips, unread[i].kind, unread[i].kind);
            return;
        }
    if (has_suffix(path, ".meta")) {
        cli_error("skipped '%s': a sidecar without its .txt file next to it", path);
        skip_count(fl->ws->skips, "lone sidecar", "lone sidecars");
        return;
    }
    cli_error("skipped '%s': not a document hsok reads (.txt, .pdf, .docx, .odt, .eml; name it "
              "on the command line to index it as text)", path);
    skip_count(fl->ws->skips, "other", "other");
}

/* Whether path exists as something other than a directory. */
static int exists_file(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* Whether path is the sidecar of a document next to it ("x.pdf.meta" or "x.meta" of "x.pdf",
 * for each name the walk takes): read with that file, not on its own. */
static int is_sidecar(const char *path)
{
    static const char *const ext[] = { ".txt", ".TXT", ".pdf", ".PDF", ".docx", ".DOCX",
                                       ".odt", ".ODT", ".eml", ".EML" };
    size_t n = strlen(path);
    if (!has_suffix(path, ".meta"))
        return 0;
    char *base = malloc(n + 1);
    if (!base)
        return 0;
    memcpy(base, path, n - 5);
    base[n - 5] = '\0';
    int yes = readable_name(base) && exists_file(base);
    for (size_t i = 0; !yes && i < sizeof ext / sizeof ext[0]; i++) {
        strcpy(base + n - 5, ext[i]);
        yes = exists_file(base);
    }
    free(base);
    return yes;
}

/* The walk reached a directory: walk it unless it is the index or was walked already. */
static void walk_dir(file_list_t *fl, const char *dir);

static void enter_dir(file_list_t *fl, const char *path, const struct stat *st)
{
    struct walk_state *ws = fl->ws;
    if (ws->have_index && st->st_dev == ws->index_dev && st->st_ino == ws->index_ino)
        return;
    int r = id_add(&ws->dirs, st->st_dev, st->st_ino);
    if (r < 0)
        fl->nomem = 1;
    else if (r > 0)
        walk_dir(fl, path);
}

/* A regular file or what a link leads to (st, after links), named path in the walk. */
static void walk_entry(file_list_t *fl, const char *path, const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        enter_dir(fl, path, st);
    else if (!S_ISREG(st->st_mode))
        skip_special(fl, path, st->st_mode);
    else if (readable_name(path))
        add_file(fl, path, st);
    else
        skip_by_name(fl, path);
}

/* Whether the real path real lies in the real directory root. */
static int inside(const char *real, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return 1;
    return strncmp(real, root, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

static void follow_link(file_list_t *fl, const char *path)
{
    struct walk_state *ws = fl->ws;
    char *real = realpath(path, NULL);
    if (!real) {
        int e = errno;
        if (e == ENOENT) {
            cli_error("skipped '%s': a symbolic link to nothing (its target is missing)", path);
            skip_count(ws->skips, "broken link", "broken links");
        } else if (e == ELOOP) {
            cli_error("skipped '%s': a symbolic link that leads round in a loop", path);
            skip_count(ws->skips, "broken link", "broken links");
        } else {
            fail_path(fl, "cannot resolve", path, e);
        }
        return;
    }
    int in = inside(real, ws->root);
    free(real);
    if (!in && !ws->o->follow) {
        cli_error("skipped '%s': a symbolic link out of the indexed folder (give --follow to "
                  "follow it)", path);
        skip_count(ws->skips, "link out of the folder", "links out of the folder");
        return;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        fail_path(fl, "cannot access", path, errno);
        return;
    }
    walk_entry(fl, path, &st);
}

static void walk_dir(file_list_t *fl, const char *dir)
{
    struct walk_state *ws = fl->ws;
    DIR *d = opendir(dir);
    if (d == NULL) {
        fail_path(fl, "cannot open directory", dir, errno);
        return;
    }
    file_list_t names = {0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            list_add(&names, join_path(dir, e->d_name));
    closedir(d);
    if (names.n > 0)
        qsort(names.paths, names.n, sizeof *names.paths, cmp_str);
    for (size_t i = 0; i < names.n && !fl->nomem; i++) {
        const char *p = names.paths[i];
        if (is_sidecar(p))
            continue; /* read with its .txt file, which reports a sidecar it cannot read */
        struct stat st;
        if (lstat(p, &st) != 0) {
            if (errno != ENOENT) /* ENOENT: gone since the listing */
                fail_path(fl, "cannot access", p, errno);
            continue;
        }
        if (fl->ws->have_manifest && st.st_dev == fl->ws->manifest_dev &&
            st.st_ino == fl->ws->manifest_ino)
            continue; /* the manifest of index --manifest, read on its own */
        if (!S_ISLNK(st.st_mode)) {
            walk_entry(fl, p, &st);
            continue;
        }
        /* after the real entries, so that a file reached both ways keeps its own path */
        if (ws->nlinks == ws->linkcap) {
            size_t cap = ws->linkcap ? ws->linkcap * 2 : 16;
            char **v = realloc(ws->links, cap * sizeof *v);
            if (!v) {
                fl->nomem = 1;
                break;
            }
            ws->links = v;
            ws->linkcap = cap;
        }
        ws->links[ws->nlinks++] = names.paths[i];
        names.paths[i] = NULL;
    }
    fl->nomem |= names.nomem;
    for (size_t i = 0; i < names.n; i++)
        free(names.paths[i]);
    free(names.paths);
}

static void walk_root(file_list_t *fl, const char *dir, const struct stat *st)
{
    struct walk_state *ws = fl->ws;
    char *root = realpath(dir, NULL);
    if (!root) {
        fail_path(fl, "cannot resolve", dir, errno);
        return;
    }
    ws->root = root;
    enter_dir(fl, dir, st);
    while (ws->nextlink < ws->nlinks && !fl->nomem)
        follow_link(fl, ws->links[ws->nextlink++]);
    for (size_t i = 0; i < ws->nlinks; i++)
        free(ws->links[i]);
    ws->nlinks = ws->nextlink = 0;
    ws->root = NULL;
    free(root);
}

void walk_collect(file_list_t *fl, char *const *paths, int n, const walk_opts_t *o,
                  skip_tally_t *skips)
{
    struct walk_state *ws = calloc(1, sizeof *ws);
    if (!ws) {
        fl->nomem = 1;
        return;
    }
    fl->ws = ws;
    ws->o = o;
    ws->skips = skips;
    struct stat st;
    if (o->index_dir && stat(o->index_dir, &st) == 0 && S_ISDIR(st.st_mode)) {
        ws->have_index = 1;
        ws->index_dev = st.st_dev;
        ws->index_ino = st.st_ino;
    }
    if (o->manifest && stat(o->manifest, &st) == 0) {
        ws->have_manifest = 1;
        ws->manifest_dev = st.st_dev;
        ws->manifest_ino = st.st_ino;
    }
    for (int i = 0; i < n && !fl->nomem; i++) {
        /* a path the user names is followed wherever it leads */
        if (stat(paths[i], &st) != 0)
            fail_path(fl, "cannot access", paths[i], errno);
        else if (S_ISDIR(st.st_mode))
            walk_root(fl, paths[i], &st);
        else if (!S_ISREG(st.st_mode))
            skip_special(fl, paths[i], st.st_mode);
        else
            add_file(fl, paths[i], &st);
    }
}

void walk_free(file_list_t *fl)
{
    for (size_t i = 0; i < fl->n; i++)
        free(fl->paths[i]);
    free(fl->paths);
    if (fl->ws) {
        free(fl->ws->files.v);
        free(fl->ws->dirs.v);
        free(fl->ws->links);
        free(fl->ws);
    }
    memset(fl, 0, sizeof *fl);
}
