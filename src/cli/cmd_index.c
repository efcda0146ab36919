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
#include "hsok/copies.h"
#include "hsok/db.h"
#include "hsok/export.h"
#include "hsok/ingest.h"
#include "hsok/manifest.h"
#include "hsok/segment.h"
#include "hsok/text.h"
#include "hsok/themes.h"
#include "out.h"
#include "walk.h"

enum { OPT_PRUNE = CLI_OPT_FIRST_LOCAL, OPT_MAX_SIZE, OPT_FOLLOW, OPT_NO_THEMES, OPT_TYPE,
       OPT_MANIFEST, OPT_MIX_SAMPLES };

static const struct option index_opts[] = {
    {"respondent", required_argument, NULL, 'r'},
    {"type", required_argument, NULL, OPT_TYPE},
    {"manifest", required_argument, NULL, OPT_MANIFEST},
    {"force", no_argument, NULL, 'f'},
    {"prune", no_argument, NULL, OPT_PRUNE},
    {"themes", required_argument, NULL, CLI_OPT_THEMES},
    {"no-themes", no_argument, NULL, OPT_NO_THEMES},
    {"threshold", required_argument, NULL, CLI_OPT_THRESHOLD},
    {"max-size", required_argument, NULL, OPT_MAX_SIZE},
    {"follow", no_argument, NULL, OPT_FOLLOW},
    {"mix-samples", no_argument, NULL, OPT_MIX_SAMPLES},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"shards", required_argument, NULL, CLI_OPT_SHARDS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Files by type ("pdf", "txt" ...): how many were indexed, unchanged, failed. */
typedef struct type_tally {
    struct {
        const char *kind; /* static */
        size_t indexed, unchanged, failed;
    } t[8];
    size_t n;
} type_tally_t;

typedef struct index_run {
    int tty;       /* stderr is a terminal: progress and summary */
    int progress;  /* a progress line is on screen */
    size_t indexed, unchanged, failed, passages, pruned;
    size_t not_done; /* files left when a signal stopped the run */
    int prune_skipped; /* --prune not run because of a signal */
    skip_tally_t skips; /* files not read: by the walk, or refused by the library */
    type_tally_t types;
    unsigned long long bytes;
    double t0;     /* start, for MB/s */
} index_run_t;

/* Parse a --max-size value: bytes, or a number with k, M or G (binary: 64M = 64 MiB). */
static int parse_size(const char *cmd, const char *arg, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = arg[0] >= '0' && arg[0] <= '9' ? strtoull(arg, &end, 10) : 0;
    int shift = 0;
    if (v > 0 && errno == 0) {
        if (*end == 'k' || *end == 'K')
            shift = 10, end++;
        else if (*end == 'm' || *end == 'M')
            shift = 20, end++;
        else if (*end == 'g' || *end == 'G')
            shift = 30, end++;
    }
    if (v == 0 || errno != 0 || *end != '\0' || v > (SIZE_MAX / 4) >> shift) {
        cli_usage_error(cmd, "invalid value '%s' for --max-size: expected a size in bytes "
                             "above 0, or with k, M or G (64M)", arg);
        return -1;
    }
    *out = (size_t)(v << shift);
    return 0;
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

/* The type of a file for the summary: its format as read ("text" is "txt"), else by its name
 * (a file not read, or unchanged). Static. */
static const char *file_kind(const char *path, const char *format)
{
    static const char *const kinds[] = { "pdf", "docx", "odt", "eml", "doc", "rtf", "msg" };
    if (format && *format)
        return !strcmp(format, "text") ? "txt" : format;
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (!strcasecmp(dot + 1, kinds[i]))
                return kinds[i];
    return "txt";
}

/* Count a file of kind: what (0 indexed, 1 unchanged, 2 failed). */
static void type_count(type_tally_t *t, const char *kind, int what)
{
    size_t i = 0;
    while (i < t->n && strcmp(t->t[i].kind, kind))
        i++;
    if (i == t->n) {
        if (t->n == sizeof t->t / sizeof t->t[0])
            i = t->n - 1; /* cannot happen with file_kind's kinds; keep the count */
        else
            memset(&t->t[t->n++], 0, sizeof t->t[0]);
        t->t[i].kind = kind;
    }
    if (what == 0)
        t->t[i].indexed++;
    else if (what == 1)
        t->t[i].unchanged++;
    else
        t->t[i].failed++;
}

/* "by type: 9 pdf, 2 docx, 1 txt indexed; 3 txt unchanged; 1 pdf failed" (no newline). */
static void type_summary(FILE *f, const type_tally_t *t)
{
    static const char *const what[] = { "indexed", "unchanged", "failed" };
    int parts = 0;
    fputs("by type:", f);
    for (int w = 0; w < 3; w++) {
        int any = 0;
        for (size_t i = 0; i < t->n; i++) {
            size_t k = w == 0 ? t->t[i].indexed : w == 1 ? t->t[i].unchanged : t->t[i].failed;
            if (!k)
                continue;
            fprintf(f, "%s%zu %s", any ? ", " : parts ? "; " : " ", k, t->t[i].kind);
            any = 1;
        }
        if (any) {
            fprintf(f, " %s", what[w]);
            parts++;
        }
    }
}

/* A file the library did not index: skipped (what it is, its size, no text in it, a format
 * hsok does not read) or failed. */
static void report_file_error(index_run_t *run, const char *path, hsok_status_t st,
                              const char *err)
{
    const char *msg = err != NULL ? err : hsok_status_str(st);
    if (st == HSOK_ERR_NO_TEXT) { /* "'x.pdf': no text layer; needs OCR", "encrypted" */
        cli_error("skipped %s", msg);
        const char *kind = file_kind(path, NULL);
        if (strstr(msg, "': encrypted"))
            skip_count(&run->skips, !strcmp(kind, "pdf") ? "encrypted pdf" : "encrypted file",
                       !strcmp(kind, "pdf") ? "encrypted pdfs" : "encrypted files");
        else if (!strcmp(kind, "pdf"))
            skip_count(&run->skips, "pdf without text layer", "pdfs without text layer");
        else
            skip_count(&run->skips, "file without text", "files without text");
    } else if (st == HSOK_ERR_UNSUPPORTED) { /* .doc, .rtf, .msg, another zip: convert it */
        cli_error("skipped %s", msg);
        const char *kind = file_kind(path, NULL);
        skip_count(&run->skips, !strcmp(kind, "txt") ? "other" : kind,
                   !strcmp(kind, "txt") ? "other" : kind);
    } else if (st == HSOK_ERR_TOO_LARGE) {
        cli_error("skipped %s (raise it with --max-size)", msg);
        skip_count(&run->skips, "too large", "too large");
    } else if (st == HSOK_ERR_NOT_REGULAR) {
        cli_error("skipped %s", msg);
        if (strstr(msg, "sidecar '"))
            skip_count(&run->skips, "sidecar not a file", "sidecars not files");
        else
            skip_count(&run->skips, "special file", "special files");
    } else {
        cli_error("%s", msg);
        run->failed++;
        type_count(&run->types, file_kind(path, NULL), 2);
    }
}

/* Statuses after which the index itself cannot go on; the rest are one bad file. */
static int is_fatal(hsok_status_t st)
{
    return st == HSOK_ERR_NOMEM || st == HSOK_ERR_LOCKED || st == HSOK_ERR_DB;
}


void cli_warn_replaced(const char *path, size_t n, size_t first)
{
    if (n)
        cli_error("'%s': %zu invalid UTF-8 byte%s replaced by U+FFFD (first at byte %zu)", path,
                  n, n == 1 ? "" : "s", first);
}

/* The manifest's rows matched to the files to index: row[i] for fl->paths[i] (or NULL). */
typedef struct manifest_match {
    const hsok_manifest_t *m;
    const char *name;                  /* the manifest's path, for messages */
    const hsok_manifest_row_t **row;   /* per file */
    unsigned char *found, *indexed;    /* per row */
} manifest_match_t;

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Match each manifest row to a file of fl: the row's path taken relative to the manifest's
 * folder, else (a bare file name) the one file of that name. A row naming two files, or two
 * rows one file, is a usage error (CLI_USAGE, nothing indexed). */
static int match_manifest(manifest_match_t *mm, const file_list_t *fl)
{
    size_t nr = hsok_manifest_count(mm->m);
    mm->row = calloc(fl->n + 1, sizeof *mm->row);
    mm->found = calloc(nr + 1, 1);
    mm->indexed = calloc(nr + 1, 1);
    char **reals = calloc(fl->n + 1, sizeof *reals);
    char *dir = strdup(mm->name);
    int rc = CLI_OK;
    if (!mm->row || !mm->found || !mm->indexed || !reals || !dir) {
        cli_error("out of memory");
        rc = CLI_ERR;
        goto out;
    }
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[1] = '\0';
    else
        dir[0] = '\0';
    for (size_t i = 0; i < fl->n; i++)
        reals[i] = realpath(fl->paths[i], NULL);
    for (size_t r = 0; r < nr && rc == CLI_OK; r++) {
        const hsok_manifest_row_t *row = hsok_manifest_row(mm->m, r);
        size_t hit = (size_t)-1, hits = 0;
        char *want = NULL;
        if (row->file[0] == '/') {
            want = realpath(row->file, NULL);
        } else {
            size_t l = strlen(dir) + strlen(row->file) + 1;
            char *p = malloc(l);
            if (p) {
                snprintf(p, l, "%s%s", dir, row->file);
                want = realpath(p, NULL);
                free(p);
            }
        }
        for (size_t i = 0; want && i < fl->n; i++)
            if (reals[i] && !strcmp(reals[i], want))
                hit = i, hits = 1;
        if (!want && !strchr(row->file, '/'))
            for (size_t i = 0; i < fl->n; i++)
                if (!strcmp(base_name(fl->paths[i]), row->file))
                    hit = i, hits++;
        free(want);
        if (hits > 1) {
            cli_error("'%s' line %u: '%s' names %zu of the files to index; give its path "
                      "relative to the manifest's folder", mm->name, row->line, row->file, hits);
            rc = CLI_USAGE;
        } else if (hits == 1 && mm->row[hit]) {
            cli_error("'%s' line %u: '%s' is the file of line %u too; a file has one row",
                      mm->name, row->line, row->file, mm->row[hit]->line);
            rc = CLI_USAGE;
        } else if (hits == 1) {
            mm->row[hit] = row;
            mm->found[r] = 1;
        }
    }
out:
    for (size_t i = 0; reals && i < fl->n; i++)
        free(reals[i]);
    free(reals);
    free(dir);
    return rc;
}

/* Rows whose file was not found or not indexed: said, counted as skipped. */
static size_t report_manifest(const manifest_match_t *mm)
{
    size_t n = 0;
    for (size_t r = 0; r < hsok_manifest_count(mm->m); r++) {
        const hsok_manifest_row_t *row = hsok_manifest_row(mm->m, r);
        if (!mm->found[r])
            cli_error("'%s' line %u: no file '%s' among the files to index (a path is "
                      "relative to the manifest's folder)", mm->name, row->line, row->file);
        else if (!mm->indexed[r])
            cli_error("'%s' line %u: '%s' was not indexed (see above)", mm->name, row->line,
                      row->file);
        else
            continue;
        n++;
    }
    return n;
}

static int run_index(hsok_db_t *db, const file_list_t *fl, const hsok_index_opts_t *opts,
                     manifest_match_t *mm, int prune, index_run_t *run)
{
    char *err = NULL;
    for (size_t i = 0; i < fl->n; i++) {
        if (cli_stop_signal) { /* Ctrl-C or SIGTERM: keep what is finished, leave the rest */
            run->not_done = fl->n - i;
            break;
        }
        hsok_index_result_t res;
        memset(&res, 0, sizeof res);
        show_progress(run, i, fl->n, fl->paths[i]);
        hsok_index_opts_t o = *opts;
        const hsok_manifest_row_t *row = mm && mm->row ? mm->row[i] : NULL;
        if (row) {
            o.manifest_respondent = row->respondent;
            o.manifest_type = row->type;
        }
        hsok_status_t st = hsok_db_index_file(db, fl->paths[i], &o, &res, &err);
        if (st != HSOK_OK) {
            clear_progress(run);
            if (is_fatal(st))
                return cli_fail(st, err, 0);
            report_file_error(run, fl->paths[i], st, err);
            free(err);
            err = NULL;
            continue;
        }
        if (row)
            mm->indexed[row - hsok_manifest_row(mm->m, 0)] = 1;
        if (res.invalid_bytes) {
            clear_progress(run);
            cli_warn_replaced(fl->paths[i], res.invalid_bytes, res.first_invalid);
        }
        for (size_t w = 0; w < res.nwarnings; w++) { /* "page 3: no text layer; needs OCR" */
            clear_progress(run);
            cli_error("'%s': %s", fl->paths[i], res.warnings[w]);
        }
        run->bytes += res.bytes;
        if (res.duplicate_of) {
            clear_progress(run);
            cli_error("'%s': same content as '%s', indexed once", fl->paths[i],
                      res.duplicate_of);
        }
        type_count(&run->types, file_kind(fl->paths[i], res.format), res.unchanged ? 1 : 0);
        if (res.unchanged) {
            run->unchanged++;
        } else {
            run->indexed++;
            run->passages += res.passages;
        }
    }
    clear_progress(run);
    run->prune_skipped = prune && cli_stop_signal;
    if (prune && !cli_stop_signal) {
        hsok_status_t st = hsok_db_prune(db, on_pruned, run, &run->pruned, &err);
        if (st != HSOK_OK)
            return cli_fail(st, err, 0);
    }
    return CLI_OK;
}

static int index_files(int argc, char **argv, hsok_index_opts_t *optsp, const char *dbpath,
                       const char *themes_dir, double threshold, size_t max_size,
                       walk_opts_t *wop, int prune, int no_themes, manifest_match_t *mm,
                       int mix_samples);

/* Say when the files were indexed without lemmas or compound splitting because a word list
 * is missing: searches then miss forms an analyst expects to be found. An empty
 * $HSOK_LEXICON turns splitting off on purpose, so that is not warned about. */
static void warn_analysis_gaps(hsok_db_t *db)
{
    int no_lemmas = 0, no_compounds = 0;
    if (hsok_db_analysis_gaps(db, &no_lemmas, &no_compounds, NULL) != HSOK_OK)
        return;
    if (no_lemmas)
        cli_error("warning: indexed without base forms: hunspell's Norwegian dictionaries were "
                  "not found (install Debian's hunspell-no and libhunspell-1.7-0, then run "
                  "'hsok index --force')");
    const char *lex = getenv("HSOK_LEXICON");
    if (no_compounds && !(lex && !*lex))
        cli_error("warning: indexed without compound splitting: no word list was found "
                  "(install Debian's wnorwegian, then run 'hsok index --force')");
}

int cmd_index(int argc, char **argv)
{
    hsok_index_opts_t opts = {0};
    const char *dbpath = NULL, *themes_dir = NULL, *manifest = NULL;
    double threshold = 0;
    size_t max_size = HSOK_MAX_SOURCE_BYTES;
    walk_opts_t wo = {0};
    int prune = 0, no_themes = 0, mix_samples = 0, c;
    while ((c = cli_getopt(argc, argv, "hr:f", index_opts)) != -1) {
        switch (c) {
        case 'h': cli_cmd_help(cli_find_cmd("index")); return CLI_OK;
        case 'r': opts.respondent = optarg; break;
        case OPT_TYPE:
            opts.type = hsok_respondent_type_name(optarg, strlen(optarg));
            if (!opts.type)
                return cli_usage_error(argv[0], "unknown respondent type '%s' for --type (%s)",
                                       optarg, HSOK_RESPONDENT_TYPES);
            break;
        case OPT_MANIFEST: manifest = optarg; break;
        case 'f': opts.force = 1; break;
        case OPT_PRUNE: prune = 1; break;
        case CLI_OPT_THEMES: themes_dir = optarg; break;
        case OPT_NO_THEMES: no_themes = 1; break;
        case CLI_OPT_THRESHOLD:
            if (cli_parse_threshold(argv[0], optarg, &threshold) < 0)
                return CLI_USAGE;
            break;
        case OPT_MAX_SIZE:
            if (parse_size(argv[0], optarg, &max_size) < 0)
                return CLI_USAGE;
            break;
        case OPT_FOLLOW: wo.follow = 1; break;
        case OPT_MIX_SAMPLES: mix_samples = 1; break;
        case CLI_OPT_DB: dbpath = optarg; break;
        default: return CLI_USAGE;
        }
    }
    if (optind >= argc && !prune)
        return cli_usage_error(argv[0], "no path given");
    if (cli_db_several())
        return cli_db_refuse("index");
    if (no_themes && themes_dir)
        return cli_usage_error(argv[0], "--themes and --no-themes exclude each other");
    if (opts.respondent && !hsok_utf8_valid(opts.respondent, strlen(opts.respondent), NULL))
        return cli_usage_error(argv[0], "the --respondent value is not UTF-8 text");

    /* a malformed manifest stops the run before anything is indexed */
    manifest_match_t mm = {0};
    hsok_manifest_t *mf = NULL;
    if (manifest) {
        char *merr = NULL;
        hsok_status_t mst = hsok_manifest_load(manifest, &mf, &merr);
        if (mst != HSOK_OK) {
            cli_error("%s", merr ? merr : hsok_status_str(mst));
            free(merr);
            return mst == HSOK_ERR_NOT_FOUND || mst == HSOK_ERR_IO ? CLI_ERR : CLI_USAGE;
        }
        mm.m = mf;
        mm.name = manifest;
        wo.manifest = manifest;
    }
    int rc = index_files(argc, argv, &opts, dbpath, themes_dir, threshold, max_size, &wo, prune,
                         no_themes, manifest ? &mm : NULL, mix_samples);
    free(mm.row);
    free(mm.found);
    free(mm.indexed);
    hsok_manifest_free(mf);
    return rc;
}

/* The bundled samples (seeds/) and an analyst's own responses are kept in separate indexes,
 * or every count of the hearing includes the samples: adding one kind to an index that holds
 * the other is refused before anything is indexed, unless --mix-samples. */
static int refuse_mixing(hsok_db_t *db, const file_list_t *fl, const char *dbpath,
                         char *const *paths, int npaths)
{
    size_t samples = 0, files = 0, new_samples = 0, new_other = 0;
    if (hsok_db_samples(db, &samples, &files, NULL) != HSOK_OK)
        return CLI_OK;
    for (size_t i = 0; i < fl->n; i++) {
        if (hsok_is_sample_path(fl->paths[i]))
            new_samples++;
        else
            new_other++;
    }
    if (samples > 0 && new_other > 0) {
        fflush(stdout);
        fputs("hsok: '", stderr);
        out_safe_str(stderr, dbpath);
        fprintf(stderr, "' holds the bundled sample responses (%zu file%s from ", samples,
                samples == 1 ? "" : "s");
        out_safe_str(stderr, hsok_samples_dir());
        fputs("); index your hearing into its own index: hsok --db myhearing index", stderr);
        for (int k = 0; k < npaths && k < 3; k++) {
            fputc(' ', stderr);
            out_safe_str(stderr, paths[k]);
        }
        fputs(npaths > 3 ? " … (or add --mix-samples)\n" : " (or add --mix-samples)\n", stderr);
        return CLI_USAGE;
    }
    if (files > samples && new_samples > 0) {
        fflush(stdout);
        fputs("hsok: '", stderr);
        out_safe_str(stderr, dbpath);
        fprintf(stderr, "' holds %zu file%s of your own; the bundled sample responses from ",
                files - samples, files - samples == 1 ? "" : "s");
        out_safe_str(stderr, hsok_samples_dir());
        fputs(" would count with them: index them into an index of their own: hsok --db "
              "samples index ", stderr);
        out_safe_str(stderr, hsok_samples_dir());
        fputs("/*.txt (or add --mix-samples)\n", stderr);
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* cmd_index after its options: walk, index, report. */
static int index_files(int argc, char **argv, hsok_index_opts_t *optsp, const char *dbpath,
                       const char *themes_dir, double threshold, size_t max_size,
                       walk_opts_t *wop, int prune, int no_themes, manifest_match_t *mm,
                       int mix_samples)
{
    hsok_index_opts_t opts = *optsp;
    walk_opts_t wo = *wop;
    hsok_codebook_t *cb = NULL;
    if (!no_themes) {
        int crc = cli_load_codebook(themes_dir, threshold, &cb);
        if (crc != CLI_OK)
            return crc;
    }
    opts.codebook = cb;

    index_run_t run;
    memset(&run, 0, sizeof run);
    run.tty = isatty(STDERR_FILENO);
    if (!cb && !no_themes) /* an untagged index should be asked for, not found out later */
        cli_error("note: no codebook at '%s': indexing without themes (give --themes DIR, or "
                  "--no-themes)", hsok_codebook_default_dir());
    double t0 = now_seconds();
    run.t0 = t0;

    cli_stop_between(); /* from here, Ctrl-C stops between files and keeps the finished ones */
    file_list_t fl = {0};
    wo.index_dir = hsok_db_default_path(dbpath);
    walk_collect(&fl, argv + optind, argc - optind, &wo, &run.skips);
    if (fl.nomem) {
        walk_free(&fl);
        hsok_codebook_free(cb);
        cli_error("out of memory");
        return CLI_ERR;
    }
    run.failed = fl.failed;
    if (mm) {
        int mrc = match_manifest(mm, &fl);
        if (mrc != CLI_OK) {
            walk_free(&fl);
            hsok_codebook_free(cb);
            return mrc;
        }
    }

    hsok_db_t *db = NULL;
    char *err = NULL;
    hsok_status_t st = hsok_db_open(hsok_db_default_path(dbpath), HSOK_DB_WRITE, &db, &err);
    if (st != HSOK_OK) {
        walk_free(&fl);
        hsok_codebook_free(cb);
        return cli_fail(st, err, 0);
    }
    hsok_db_set_max_file_size(db, max_size);
    int mrc = mix_samples ? CLI_OK : refuse_mixing(db, &fl, hsok_db_default_path(dbpath),
                                                    argv + optind, argc - optind);
    if (mrc != CLI_OK) {
        hsok_db_close(db, NULL);
        walk_free(&fl);
        hsok_codebook_free(cb);
        return mrc;
    }
    char *old_fp = NULL;
    if (cb && hsok_db_codebook_fingerprint(db, &old_fp, NULL) != HSOK_OK) {
        free(old_fp);
        old_fp = NULL;
    }
    int rc = run_index(db, &fl, &opts, mm, prune, &run);
    walk_free(&fl);
    if (run.indexed > 0)
        warn_analysis_gaps(db);
    hsok_db_drop_lexicon(db); /* the passes below split no words: 50 MB less at their peak */
    size_t form_marked = 0, copy_groups = 0, copy_passages = 0;
    if (rc == CLI_OK && !cli_stop_signal && (run.indexed > 0 || run.pruned > 0)) {
        /* the hearing's form text, looked for across all of the index's files */
        st = hsok_db_mark_form_text(db, &form_marked, &err);
        /* then the texts several respondents sent (copies.h), form text left out */
        if (st == HSOK_OK)
            st = hsok_db_find_copies(db, &copy_groups, &copy_passages, &err);
        if (st != HSOK_OK)
            rc = cli_fail(st, err, 0);
    }
    /* updates leave Xapian's tables half empty: pack them (about half the size) */
    if (rc == CLI_OK && !cli_stop_signal && (run.indexed > 0 || run.pruned > 0)) {
        char *cerr = NULL;
        if (hsok_db_compact(db, NULL, &cerr) != HSOK_OK)
            cli_error("note: the index was not compacted: %s", cerr ? cerr : "unknown error");
        free(cerr);
    }
    /* unchanged files keep the tags of the codebook they were indexed with */
    if (cb && old_fp && *old_fp && strcmp(old_fp, hsok_codebook_fingerprint(cb)) &&
        run.unchanged > 0)
        cli_error("note: the codebook has changed since the index was tagged; run 'hsok "
                  "retag' to re-tag the unchanged files");
    free(old_fp);
    st = hsok_db_close_for_exit(db, &err); /* the word tables are left to the exit */
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
    if (run.not_done > 0 || run.prune_skipped) { /* the close above committed the finished files */
        cli_error("interrupted: %zu file%s indexed and saved, %zu not done%s; run the same "
                  "command again to do the rest", run.indexed, run.indexed == 1 ? "" : "s",
                  run.not_done, run.prune_skipped ? ", --prune not run" : "");
        return 128 + cli_stop_signal;
    }
    if (mm)
        for (size_t k = report_manifest(mm); k > 0; k--)
            skip_count(&run.skips, "manifest row not indexed", "manifest rows not indexed");

    if (run.tty) {
        double secs = now_seconds() - t0;
        double mbs = secs > 0 ? (double)run.bytes / 1e6 / secs : 0;
        fprintf(stderr, "indexed %zu file%s (%zu passages), %zu unchanged, %zu skipped, "
                        "%zu failed, %.1f MB/s\n",
                run.indexed, run.indexed == 1 ? "" : "s", run.passages, run.unchanged,
                run.skips.total, run.failed, mbs);
        if (run.types.n) {
            type_summary(stderr, &run.types);
            fputc('\n', stderr);
        }
        if (prune)
            fprintf(stderr, "pruned %zu file%s\n", run.pruned, run.pruned == 1 ? "" : "s");
        if (form_marked)
            fprintf(stderr, "%zu passage%s of form text (left out of searches, themes and "
                            "exports; --with-form-text shows them)\n",
                    form_marked, form_marked == 1 ? "" : "s");
        if (copy_groups)
            fprintf(stderr, "%zu text%s sent by several respondents (%zu passages; searches "
                            "show each once: hsok copies)\n",
                    copy_groups, copy_groups == 1 ? "" : "s", copy_passages);
    }
    /* what was not indexed is said once more where it cannot scroll by unnoticed */
    if (run.skips.total > 0 || run.failed > 0) {
        fputs("hsok: ", stderr);
        skip_summary(stderr, &run.skips, run.failed);
        fputs("; see above\n", stderr);
    }
    return run.failed > 0 || run.skips.total > 0 ? CLI_PARTIAL : CLI_OK;
}
