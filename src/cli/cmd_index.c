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
#include "hsok/ingest.h"
#include "hsok/text.h"
#include "hsok/themes.h"
#include "out.h"
#include "walk.h"

enum { OPT_PRUNE = CLI_OPT_FIRST_LOCAL, OPT_MAX_SIZE, OPT_FOLLOW, OPT_NO_THEMES,
       OPT_MIX_SAMPLES };

static const struct option index_opts[] = {
    {"respondent", required_argument, NULL, 'r'},
    {"force", no_argument, NULL, 'f'},
    {"prune", no_argument, NULL, OPT_PRUNE},
    {"themes", required_argument, NULL, CLI_OPT_THEMES},
    {"no-themes", no_argument, NULL, OPT_NO_THEMES},
    {"threshold", required_argument, NULL, CLI_OPT_THRESHOLD},
    {"max-size", required_argument, NULL, OPT_MAX_SIZE},
    {"follow", no_argument, NULL, OPT_FOLLOW},
    {"mix-samples", no_argument, NULL, OPT_MIX_SAMPLES},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct index_run {
    int tty;       /* stderr is a terminal: progress and summary */
    int progress;  /* a progress line is on screen */
    size_t indexed, unchanged, failed, passages, pruned;
    size_t not_done; /* files left when a signal stopped the run */
    int prune_skipped; /* --prune not run because of a signal */
    skip_tally_t skips; /* files not read: by the walk, or refused by the library */
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

/* A file the library did not index: skipped (what it is, or its size) or failed. */
static void report_file_error(index_run_t *run, hsok_status_t st, const char *err)
{
    const char *msg = err != NULL ? err : hsok_status_str(st);
    if (st == HSOK_ERR_TOO_LARGE) {
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

static int run_index(hsok_db_t *db, const file_list_t *fl, const hsok_index_opts_t *opts,
                     int prune, index_run_t *run)
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
        hsok_status_t st = hsok_db_index_file(db, fl->paths[i], opts, &res, &err);
        if (st != HSOK_OK) {
            clear_progress(run);
            if (is_fatal(st))
                return cli_fail(st, err, 0);
            report_file_error(run, st, err);
            free(err);
            err = NULL;
            continue;
        }
        if (res.invalid_bytes) {
            clear_progress(run);
            cli_warn_replaced(fl->paths[i], res.invalid_bytes, res.first_invalid);
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
    run->prune_skipped = prune && cli_stop_signal;
    if (prune && !cli_stop_signal) {
        hsok_status_t st = hsok_db_prune(db, on_pruned, run, &run->pruned, &err);
        if (st != HSOK_OK)
            return cli_fail(st, err, 0);
    }
    return CLI_OK;
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

int cmd_index(int argc, char **argv)
{
    hsok_index_opts_t opts = {NULL, 0, NULL};
    const char *dbpath = NULL, *themes_dir = NULL;
    double threshold = 0;
    size_t max_size = HSOK_MAX_SOURCE_BYTES;
    walk_opts_t wo = {0, NULL};
    int prune = 0, no_themes = 0, mix_samples = 0, c;
    while ((c = cli_getopt(argc, argv, "hr:f", index_opts)) != -1) {
        switch (c) {
        case 'h': cli_cmd_help(cli_find_cmd("index")); return CLI_OK;
        case 'r': opts.respondent = optarg; break;
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
    if (no_themes && themes_dir)
        return cli_usage_error(argv[0], "--themes and --no-themes exclude each other");
    if (opts.respondent && !hsok_utf8_valid(opts.respondent, strlen(opts.respondent), NULL))
        return cli_usage_error(argv[0], "the --respondent value is not UTF-8 text");

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
    int rc = run_index(db, &fl, &opts, prune, &run);
    walk_free(&fl);
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
    if (run.not_done > 0 || run.prune_skipped) { /* the close above committed the finished files */
        cli_error("interrupted: %zu file%s indexed and saved, %zu not done%s; run the same "
                  "command again to do the rest", run.indexed, run.indexed == 1 ? "" : "s",
                  run.not_done, run.prune_skipped ? ", --prune not run" : "");
        return 128 + cli_stop_signal;
    }

    if (run.tty) {
        double secs = now_seconds() - t0;
        double mbs = secs > 0 ? (double)run.bytes / 1e6 / secs : 0;
        fprintf(stderr, "indexed %zu file%s (%zu passages), %zu unchanged, %zu skipped, "
                        "%zu failed, %.1f MB/s\n",
                run.indexed, run.indexed == 1 ? "" : "s", run.passages, run.unchanged,
                run.skips.total, run.failed, mbs);
        if (prune)
            fprintf(stderr, "pruned %zu file%s\n", run.pruned, run.pruned == 1 ? "" : "s");
    }
    /* what was not indexed is said once more where it cannot scroll by unnoticed */
    if (run.skips.total > 0 || run.failed > 0) {
        fputs("hsok: ", stderr);
        skip_summary(stderr, &run.skips, run.failed);
        fputs("; see above\n", stderr);
    }
    return run.failed > 0 || run.skips.total > 0 ? CLI_PARTIAL : CLI_OK;
}
