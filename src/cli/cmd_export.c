/* cmd_export.c — `hsok export`: the tagged passages (or all) as CSV, JSON lines, Markdown or
 * HTML, to stdout or to a file that appears only when the export is complete: a temporary file
 * renamed into place, which replaces only a regular file (with --force, keeping its mode), never
 * a link, FIFO, socket, device or directory. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "hsok/codes.h"
#include "hsok/copies.h"
#include "hsok/db.h"
#include "hsok/export.h"
#include "hsok/ingest.h"
#include "hsok/manifest.h"
#include "out.h"

enum {
    OPT_FORMAT = CLI_OPT_FIRST_LOCAL,
    OPT_EXCEL,
    OPT_TITLE,
    OPT_FORCE,
    OPT_MANIFEST,
};

static const struct option export_opts[] = {
    {"theme", required_argument, NULL, 't'},
    {"respondent", required_argument, NULL, 'r'},
    {"respondent-exact", required_argument, NULL, 'R'},
    {"type", required_argument, NULL, CLI_OPT_TYPE},
    {"position", required_argument, NULL, CLI_OPT_POSITION},
    {"query", required_argument, NULL, 'q'},
    {"all", no_argument, NULL, 'a'},
    {"with-form-text", no_argument, NULL, CLI_OPT_FORM_TEXT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"excel", no_argument, NULL, OPT_EXCEL},
    {"title", required_argument, NULL, OPT_TITLE},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, OPT_FORCE},
    {"manifest", required_argument, NULL, OPT_MANIFEST},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"shards", required_argument, NULL, CLI_OPT_SHARDS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct export_args {
    const char *db, *query, *title, *output;
    const char *manifest; /* --manifest: its url column links the html report's citations */
    const char **themes, **respondents;
    size_t nthemes, nrespondents;
    const char *types[16]; /* --type */
    size_t ntypes;
    const char *positions[16]; /* --position */
    size_t npositions;
    int respondent_exact; /* -1 before -r or -R, 0 -r, 1 -R */
    int all, excel, force, have_format;
    int with_form_text;
    hsok_export_format_t format;
} export_args_t;

/* Parse argv into *a. Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, export_args_t *a)
{
    a->themes = malloc((size_t)argc * sizeof *a->themes);
    a->respondents = malloc((size_t)argc * sizeof *a->respondents);
    if (a->themes == NULL || a->respondents == NULL) {
        cli_error("out of memory");
        return CLI_ERR;
    }
    int c, rc = -1;
    a->respondent_exact = -1;
    while (rc < 0 && (c = cli_getopt(argc, argv, "ht:r:R:q:ao:", export_opts)) != -1) {
        switch (c) {
        case 'h':
            cli_cmd_help(cli_find_cmd("export"));
            rc = CLI_OK;
            break;
        case 't': a->themes[a->nthemes++] = optarg; break;
        case 'r':
        case 'R':
            if (cli_respondent_mode(argv[0], c == 'R', &a->respondent_exact) < 0)
                rc = CLI_USAGE;
            a->respondents[a->nrespondents++] = optarg;
            break;
        case 'q': a->query = optarg; break;
        case CLI_OPT_TYPE:
            if (cli_add_type(argv[0], optarg, a->types, &a->ntypes, 16) < 0)
                rc = CLI_USAGE;
            break;
        case CLI_OPT_POSITION:
            if (cli_add_position(argv[0], optarg, a->positions, &a->npositions, 16) < 0)
                rc = CLI_USAGE;
            break;
        case 'a': a->all = 1; break;
        case CLI_OPT_FORM_TEXT: a->with_form_text = 1; break;
        case OPT_FORMAT:
            if (hsok_export_format_parse(optarg, &a->format) < 0)
                rc = cli_usage_error(argv[0], "unknown format '%s': expected csv, jsonl, md "
                                              "or html", optarg);
            a->have_format = 1;
            break;
        case OPT_EXCEL: a->excel = 1; break;
        case OPT_TITLE: a->title = optarg; break;
        case 'o': a->output = optarg; break;
        case OPT_FORCE: a->force = 1; break;
        case OPT_MANIFEST: a->manifest = optarg; break;
        case CLI_OPT_DB: a->db = optarg; break;
        default: rc = CLI_USAGE; break;
        }
    }
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s' (use --query for a query)",
                               argv[optind]);
    if (!a->have_format && a->output) {
        /* -o report.html says the format as well as --format html would */
        const char *dot = strrchr(a->output, '.');
        const char *slash = strrchr(a->output, '/');
        char ext[16];
        size_t k = 0;
        if (dot && (!slash || dot > slash))
            for (const char *e = dot + 1; *e && k + 1 < sizeof ext; e++)
                ext[k++] = (char)tolower((unsigned char)*e); /* "out.HTML" too */
        ext[k] = '\0';
        if (k && hsok_export_format_parse(strcmp(ext, "htm") == 0 ? "html" : ext, &a->format) == 0)
            a->have_format = 1;
    }
    if (!a->have_format)
        return cli_usage_error(argv[0], "--format is required (or -o FILE ending in .csv, "
                                        ".jsonl, .md, .html or .xlsx)");
    if (a->excel && a->format != HSOK_EXPORT_CSV)
        return cli_usage_error(argv[0], "--excel goes with --format csv");
    if (a->output != NULL && a->output[0] == '\0')
        return cli_usage_error(argv[0], "empty file name for --output");
    if (a->output != NULL && strcmp(a->output, "-") == 0)
        a->output = NULL;
    if (a->format == HSOK_EXPORT_XLSX && a->output == NULL)
        return cli_usage_error(argv[0], "--format xlsx writes a workbook to a file: give "
                                        "-o FILE.xlsx");
    return -1;
}

/* What was selected, in words, for the report's header. malloc'd, NULL if out of memory. */
static char *describe(const export_args_t *a)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (f == NULL)
        return NULL;
    const char *sep = "";
    if (a->nthemes > 0) {
        fputs(a->nthemes == 1 ? "tema " : "temaer ", f);
        for (size_t i = 0; i < a->nthemes; i++)
            fprintf(f, "%s%s", i ? ", " : "", a->themes[i]);
        sep = "; ";
    }
    if (a->nrespondents > 0) {
        fprintf(f, "%srespondent ", sep);
        for (size_t i = 0; i < a->nrespondents; i++)
            fprintf(f, "%s«%s»", i ? " eller " : "", a->respondents[i]);
        sep = "; ";
    }
    if (a->npositions > 0) {
        fprintf(f, "%sposisjon ", sep);
        for (size_t i = 0; i < a->npositions; i++)
            fprintf(f, "%s%s", i ? " eller " : "", a->positions[i]);
        sep = "; ";
    }
    if (a->query != NULL && a->query[0] != '\0') {
        fprintf(f, "%ssøk «%s»", sep, a->query);
        sep = "; ";
    }
    fprintf(f, "%s%s", sep, a->all ? "alle utdrag" : "utdrag med minst ett tema");
    if (fclose(f) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

/* ---- the output file ---- */

/* The temporary file being written, removed if a signal ends the program. */
static char tmp_path[4096];
static volatile sig_atomic_t tmp_active;

static void on_signal(int sig)
{
    if (tmp_active)
        unlink(tmp_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_signals(int on)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on ? on_signal : SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

/* Whether the export may go to path as things are now. It may when nothing is there and the
 * directory it names exists, or when a regular file is there and force is set (*replace is
 * then set and *old is the file's stat, for its mode and owner). A symbolic link, FIFO,
 * socket, device or directory is never replaced or written into, with or without --force:
 * refused with exit 2, like an existing file without --force. Returns -1 to go on, else the
 * exit code after printing why. */
static int check_output(const char *path, int force, struct stat *old, int *replace)
{
    *replace = 0;
    size_t len = strlen(path);
    if (len > 0 && path[len - 1] == '/') {
        cli_error("cannot write '%s': not a file name", path);
        return CLI_USAGE;
    }
    if (lstat(path, old) == 0) {
        if (!S_ISREG(old->st_mode)) {
            cli_error("cannot write '%s': %s, not a regular file (-o replaces only a regular "
                      "file; leave out -o to write to standard output)",
                      path, hsok_file_type_name(old->st_mode));
            return CLI_USAGE;
        }
        if (!force) {
            cli_error("'%s' already exists; use --force to overwrite it", path);
            return CLI_USAGE;
        }
        *replace = 1;
        return -1;
    }
    if (errno != ENOENT && errno != ENOTDIR) {
        cli_error("cannot write '%s': %s", path, cli_strerror(errno));
        return CLI_ERR;
    }
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return -1; /* in the current directory */
    char *dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
    struct stat ds;
    int rc = -1;
    if (dir == NULL) {
        cli_error("out of memory");
        rc = CLI_ERR;
    } else if (stat(dir, &ds) != 0) {
        if (errno == ENOENT)
            cli_error("cannot write '%s': no directory '%s'", path, dir);
        else
            cli_error("cannot write '%s': %s", path, cli_strerror(errno));
        rc = CLI_ERR;
    } else if (!S_ISDIR(ds.st_mode)) {
        cli_error("cannot write '%s': '%s' is not a directory", path, dir);
        rc = CLI_ERR;
    }
    free(dir);
    return rc;
}

/* Give the temporary file fd the permission bits of the file it replaces (not its set-id
 * bits), and its owner and group when we may (root; the group when we are a member). */
static int keep_mode(int fd, const struct stat *old)
{
    if (fchown(fd, geteuid() == 0 ? old->st_uid : (uid_t)-1, old->st_gid) != 0) {
        /* not ours to give (or a file system without owners): the file stays ours */
    }
    return fchmod(fd, old->st_mode & 0777);
}

/* Open a temporary file next to path. Returns the stream or NULL (message printed). */
static FILE *open_temp(const char *path)
{
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    if (base[0] == '\0') {
        cli_error("cannot write '%s': not a file name", path);
        return NULL;
    }
    int n = snprintf(tmp_path, sizeof tmp_path, "%.*s.%s.XXXXXX", dirlen, path, base);
    if (n < 0 || (size_t)n >= sizeof tmp_path) {
        cli_error("cannot write '%s': name too long", path);
        return NULL;
    }
    catch_signals(1);
    int fd = mkstemp(tmp_path);
    if (fd < 0) {
        cli_error("cannot write '%s': %s", path, cli_strerror(errno));
        catch_signals(0);
        return NULL;
    }
    tmp_active = 1;
    /* mkstemp gives 0600; a new file gets the usual 0666 less the umask */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        cli_error("cannot write '%s': %s", path, cli_strerror(errno));
        close(fd);
        unlink(tmp_path);
        tmp_active = 0;
        catch_signals(0);
    }
    return f;
}

static void drop_temp(void)
{
    if (tmp_active)
        unlink(tmp_path);
    tmp_active = 0;
    catch_signals(0);
}

/* Close the temporary file and move it to path (without --force, never over a file that
 * appeared meanwhile; with it, only over a regular file, whose mode it keeps). Returns -1 to
 * go on, else the exit code. */
static int commit_temp(FILE *f, const char *path, int force)
{
    struct stat old;
    int replace = 0, rc = -1;
    if (force && (rc = check_output(path, force, &old, &replace)) >= 0) {
        fclose(f);
        drop_temp();
        return rc; /* something else took its place meanwhile */
    }
    int failed = fflush(f) != 0 || ferror(f) || (replace && keep_mode(fileno(f), &old) != 0) ||
                 fsync(fileno(f)) != 0;
    int e = errno;
    if (fclose(f) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    if (failed) {
        drop_temp();
        cli_error("cannot write '%s': %s", path, cli_strerror(e));
        return CLI_ERR;
    }
    if (force) {
        if (rename(tmp_path, path) != 0) {
            e = errno;
            drop_temp();
            cli_error("cannot write '%s': %s", path, cli_strerror(e));
            return CLI_ERR;
        }
    } else if (link(tmp_path, path) == 0) {
        unlink(tmp_path);
    } else if ((rc = check_output(path, 0, &old, &replace)) >= 0) {
        /* something is there now (EEXIST), or there are no hard links here (e.g. FAT) and
         * the check found something: else rename, as nothing is there */
        drop_temp();
        return rc;
    } else if (rename(tmp_path, path) != 0) {
        e = errno;
        drop_temp();
        cli_error("cannot write '%s': %s", path, cli_strerror(e));
        return CLI_ERR;
    }
    tmp_active = 0;
    catch_signals(0);
    return -1;
}

int cmd_export(int argc, char **argv)
{
    export_args_t a;
    memset(&a, 0, sizeof a);
    hsok_db_t *db = NULL;
    hsok_records_t *recs = NULL;
    hsok_theme_matrix_t *matrix = NULL;
    hsok_stances_t *stances = NULL;
    hsok_codes_t *codes = NULL; /* the manual codes (hsok code), applied to recs */
    hsok_copies_t *copies = NULL; /* the groups of copies (hsok copies), NULL when none */
    hsok_manifest_t *mf = NULL;   /* --manifest */
    hsok_export_link_t *links = NULL;
    size_t nlinks = 0;
    char *selection = NULL, *err = NULL;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        goto out;
    struct stat old;
    int replace;
    if (a.output != NULL && (rc = check_output(a.output, a.force, &old, &replace)) >= 0)
        goto out;

    hsok_select_t sel = {
        .query = a.query,
        .themes = a.themes,
        .nthemes = a.nthemes,
        .respondents = a.respondents,
        .nrespondents = a.nrespondents,
        .tagged_only = !a.all,
        .respondent_exact = a.respondent_exact == 1,
        .types = a.types,
        .ntypes = a.ntypes,
        .positions = a.positions,
        .npositions = a.npositions,
    };
    hsok_status_t st = cli_db_open(a.db, HSOK_DB_READ, &db, &err);
    if (st == HSOK_OK)
        hsok_db_with_form_text(db, a.with_form_text);
    if (st != HSOK_OK) {
        rc = cli_fail(st, err, 0);
        goto out;
    }
    if ((rc = cli_codes_load(NULL, hsok_db_default_path(a.db), 0, &codes, NULL)) != CLI_OK)
        goto out;
    sel.codes = codes; /* the heatmap and theme tables count with the manual codes applied */
    st = hsok_db_theme_matrix(db, &sel, &matrix, &err);
    if (st != HSOK_OK) {
        rc = cli_fail(st, err, 0);
        goto out;
    }
    cli_note_samples(db, hsok_db_default_path(a.db));
    /* with manual codes, --theme and the tagged-only default see them: select without the
       theme filters, then filter the passages with the codes applied */
    hsok_select_t csel = sel;
    if (hsok_codes_count(codes)) {
        csel.themes = NULL;
        csel.nthemes = 0;
        csel.tagged_only = 0;
    }
    st = hsok_db_select(db, &csel, &recs, &err);
    if (st == HSOK_OK && hsok_codes_count(codes))
        st = hsok_codes_apply_select(codes, recs, sel.themes, sel.nthemes, sel.tagged_only,
                                     &err);
    int report = a.format == HSOK_EXPORT_MD || a.format == HSOK_EXPORT_HTML;
    if (st == HSOK_OK && report)
        st = hsok_db_stances(db, &stances, &err);
    if (st != HSOK_OK) {
        rc = cli_fail(st, err, 0);
        goto out;
    }
    if (report && (selection = describe(&a)) == NULL) {
        cli_error("out of memory");
        rc = CLI_ERR;
        goto out;
    }

    hsok_export_opts_t eo = {
        .format = a.format,
        .excel = a.excel,
        .title = a.title,
        .selection = selection,
        .matrix = report || a.format == HSOK_EXPORT_XLSX ? matrix : NULL,
        .stances = stances,
        .themes = a.themes,
        .nthemes = a.nthemes,
    };
    eo.codes = hsok_codes_count(codes) ? codes : NULL;
    if (hsok_db_has_copies(db) && (st = hsok_copies_load(db, &copies, &err)) != HSOK_OK) {
        rc = cli_fail(st, err, 0);
        goto out;
    }
    eo.copies = copies;
    if (a.manifest && (rc = cli_manifest_links(a.manifest, recs, &mf, &links, &nlinks, 1)) >= 0)
        goto out;
    eo.links = links;
    eo.nlinks = nlinks;
    FILE *f = stdout;
    if (a.output != NULL && (f = open_temp(a.output)) == NULL) {
        rc = CLI_ERR;
        goto out;
    }
    /* a workbook is written by its library to the temporary file's path */
    st = a.format == HSOK_EXPORT_XLSX ? hsok_export_xlsx(tmp_path, recs, &eo, &err)
                                      : hsok_export(f, recs, &eo, &err);
    if (st != HSOK_OK) {
        if (f != stdout) {
            fclose(f);
            drop_temp();
        }
        rc = cli_fail(st, err, 0);
        goto out;
    }
    if (f != stdout && (rc = commit_temp(f, a.output, a.force)) >= 0)
        goto out;

    size_t n = hsok_records_count(recs);
    if (n == 0) {
        if (!a.all && matrix->nthemes == 0)
            cli_error("no passages match: the index has no themes (index with a codebook, "
                      "or use --all)");
        else
            cli_error("no passages match");
        rc = CLI_NONE;
    } else {
        rc = CLI_OK;
    }
out:
    if (recs != NULL)
        hsok_records_free(recs);
    hsok_codes_free(codes); /* after recs: they borrow its theme ids */
    hsok_copies_free(copies);
    free(links);
    hsok_manifest_free(mf);
    if (matrix != NULL)
        hsok_theme_matrix_free(matrix);
    if (stances != NULL)
        hsok_stances_free(stances);
    if (db != NULL)
        hsok_db_close(db, NULL);
    free(selection);
    free(a.themes);
    free(a.respondents);
    return rc;
}
