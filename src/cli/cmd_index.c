/* cmd_index.c — `hsok index PATH...`: add or update files, optionally prune vanished ones. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "hsok/db.h"
#include "hsok/export.h"
#include "hsok/themes.h"
#include "out.h"

enum { OPT_PRUNE = CLI_OPT_FIRST_LOCAL };

static const struct option index_opts[] = {
    {"respondent", required_argument, NULL, 'r'},
    {"force", no_argument, NULL, 'f'},
    {"prune", no_argument, NULL, OPT_PRUNE},
    {"themes", required_argument, NULL, CLI_OPT_THEMES},
    {"threshold", required_argument, NULL, CLI_OPT_THRESHOLD},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct file_list {
    char **paths;
    size_t n, cap;
    size_t failed; /* paths that could not be read while listing */
    int nomem;
} file_list_t;

typedef struct index_run {
    int tty;       /* stderr is a terminal: progress and summary */
    int progress;  /* a progress line is on screen */
    size_t indexed, unchanged, failed, passages, pruned;
    unsigned long long bytes;
    double t0;     /* start, for MB/s */
} index_run_t;

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

static void list_free(file_list_t *fl)
{
    for (size_t i = 0; i < fl->n; i++)
        free(fl->paths[i]);
    free(fl->paths);
}

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

static void error_errno(const char *what, const char *path, int e)
{
    cli_error("%s '%s': %s", what, path, cli_strerror(e));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add the *.txt files under dir (sorted, recursively; hidden entries, *.meta sidecars and
 * symlinked directories are skipped). */
static void walk_dir(file_list_t *fl, const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        error_errno("cannot open directory", dir, errno);
        fl->failed++;
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
        struct stat lst, st;
        if (lstat(p, &lst) != 0)
            continue; /* vanished while listing */
        if (S_ISDIR(lst.st_mode)) {
            walk_dir(fl, p);
        } else if (has_suffix(p, ".txt") && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            list_add(fl, names.paths[i]);
            names.paths[i] = NULL;
        }
    }
    fl->nomem |= names.nomem;
    list_free(&names);
}

static void collect(file_list_t *fl, char **paths, int n)
{
    for (int i = 0; i < n && !fl->nomem; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            error_errno("cannot access", paths[i], errno);
            fl->failed++;
        } else if (S_ISDIR(st.st_mode)) {
            walk_dir(fl, paths[i]);
        } else {
            list_add(fl, join_path("", paths[i]));
        }
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void clear_progress(index_run_t *run)
{
    if (run->progress) {
        fputs("\r\033[K", stderr);
        run->progress = 0;
    }
}

static void show_progress(index_run_t *run, size_t i, size_t n, const char *path)
{
    if (!run->tty)
        return;
    /* the end of the path, in at most 36 columns as out_safe writes it */
    size_t len = strlen(path);
    const char *tail = len > 36 ? path + len - 36 : path;
    while (((unsigned char)*tail & 0xc0) == 0x80)
        tail++;
    while (out_safe_width(tail, strlen(tail)) > 36) {
        char esc[HSOK_ESCAPE_MAX];
        tail += hsok_visible_next(tail, strlen(tail), esc);
    }
    double secs = now_seconds() - run->t0;
    double mbs = secs > 0.2 ? (double)run->bytes / 1e6 / secs : 0;
    fprintf(stderr, "\r\033[K[%zu/%zu files, %zu passages, %.2f MB/s] %s", i + 1, n,
            run->passages, mbs, tail != path ? "…" : "");
    out_safe_str(stderr, tail);
    run->progress = 1;
}

static void on_pruned(void *ctx, const char *path)
{
    index_run_t *run = ctx;
    if (run->tty) {
        clear_progress(run);
        fputs("pruned '", stderr);
        out_safe_str(stderr, path);
        fputs("'\n", stderr);
    }
}

/* Statuses after which the index itself cannot go on; the rest are one bad file. */
static int is_fatal(hsok_status_t st)
{
    return st == HSOK_ERR_NOMEM || st == HSOK_ERR_LOCKED || st == HSOK_ERR_DB;
}


static int run_index(hsok_db_t *db, const file_list_t *fl, const hsok_index_opts_t *opts,
                     int prune, index_run_t *run)
{
    char *err = NULL;
    for (size_t i = 0; i < fl->n; i++) {
        hsok_index_result_t res;
        memset(&res, 0, sizeof res);
        show_progress(run, i, fl->n, fl->paths[i]);
        hsok_status_t st = hsok_db_index_file(db, fl->paths[i], opts, &res, &err);
        if (st != HSOK_OK) {
            clear_progress(run);
            if (is_fatal(st))
                return cli_fail(st, err, 0);
            cli_error("%s", err != NULL ? err : hsok_status_str(st));
            free(err);
            err = NULL;
            run->failed++;
            continue;
        }
        run->bytes += res.bytes;
        if (res.unchanged) {
            run->unchanged++;
        } else {
            run->indexed++;
            run->passages += res.passages;
        }
    }
    clear_progress(run);
    if (prune) {
        hsok_status_t st = hsok_db_prune(db, on_pruned, run, &run->pruned, &err);
        if (st != HSOK_OK)
            return cli_fail(st, err, 0);
    }
    return CLI_OK;
}

int cmd_index(int argc, char **argv)
{
    hsok_index_opts_t opts = {NULL, 0, NULL};
    const char *dbpath = NULL, *themes_dir = NULL;
    double threshold = 0;
    int prune = 0, c;
    while ((c = cli_getopt(argc, argv, "hr:f", index_opts)) != -1) {
        switch (c) {
        case 'h': cli_cmd_help(cli_find_cmd("index")); return CLI_OK;
        case 'r': opts.respondent = optarg; break;
        case 'f': opts.force = 1; break;
        case OPT_PRUNE: prune = 1; break;
        case CLI_OPT_THEMES: themes_dir = optarg; break;
        case CLI_OPT_THRESHOLD:
            if (cli_parse_threshold(argv[0], optarg, &threshold) < 0)
                return CLI_USAGE;
            break;
        case CLI_OPT_DB: dbpath = optarg; break;
        default: return CLI_USAGE;
        }
    }
    if (optind >= argc && !prune)
        return cli_usage_error(argv[0], "no path given");

    hsok_codebook_t *cb = NULL;
    int crc = cli_load_codebook(themes_dir, threshold, &cb);
    if (crc != CLI_OK)
        return crc;
    opts.codebook = cb;

    index_run_t run;
    memset(&run, 0, sizeof run);
    run.tty = isatty(STDERR_FILENO);
    if (!cb && run.tty) /* said where progress is shown: a person is watching */
        cli_error("no codebook at '%s': indexing without themes (give --themes DIR)",
                  hsok_codebook_default_dir());
    double t0 = now_seconds();
    run.t0 = t0;

    file_list_t fl = {0};
    collect(&fl, argv + optind, argc - optind);
    if (fl.nomem) {
        list_free(&fl);
        cli_error("out of memory");
        return CLI_ERR;
    }
    run.failed = fl.failed;

    hsok_db_t *db = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_db_open(hsok_db_default_path(dbpath), HSOK_DB_WRITE, &db, &err);
    if (st != HSOK_OK) {
        list_free(&fl);
        hsok_codebook_free(cb);
        return cli_fail(st, err, 0);
    }
    char *old_fp = NULL;
    if (cb && hsok_db_codebook_fingerprint(db, &old_fp, NULL) != HSOK_OK) {
        free(old_fp);
        old_fp = NULL;
    }
    int rc = run_index(db, &fl, &opts, prune, &run);
    list_free(&fl);
    /* unchanged files keep the tags of the codebook they were indexed with */
    if (cb && old_fp && *old_fp && strcmp(old_fp, hsok_codebook_fingerprint(cb)) &&
        run.unchanged > 0)
        cli_error("note: the codebook has changed since the index was tagged; run 'hsok "
                  "retag' to re-tag the unchanged files");
    free(old_fp);
    st = hsok_db_close(db, &err);
    hsok_codebook_free(cb);
    if (st != HSOK_OK) {
        if (rc != CLI_OK) {
            free(err);
            return rc;
        }
        return cli_fail(st, err, 0);
    }
    if (rc != CLI_OK)
        return rc;

    if (run.tty) {
        double secs = now_seconds() - t0;
        double mbs = secs > 0 ? (double)run.bytes / 1e6 / secs : 0;
        fprintf(stderr, "indexed %zu file%s (%zu passages), %zu unchanged, %zu failed, "
                        "%.1f MB/s\n",
                run.indexed, run.indexed == 1 ? "" : "s", run.passages, run.unchanged,
                run.failed, mbs);
        if (prune)
            fprintf(stderr, "pruned %zu file%s\n", run.pruned, run.pruned == 1 ? "" : "s");
    }
    return run.failed > 0 ? CLI_PARTIAL : CLI_OK;
}
