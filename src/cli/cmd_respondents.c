/* cmd_respondents.c — `hsok respondents`: each indexed file's respondent and type, how each
 * was found, and which ones an analyst should check (none found, found only from weak
 * evidence, type unknown or guessed), those first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hsok/db.h"
#include "hsok/segment.h"
#include "out.h"

enum { OPT_DOUBTFUL = CLI_OPT_FIRST_LOCAL };

int cli_add_type(const char *cmd, const char *arg, const char **types, size_t *n, size_t max)
{
    const char *t = hsok_respondent_type_name(arg, strlen(arg));
    if (!t) {
        cli_usage_error(cmd, "unknown respondent type '%s' for --type (%s)", arg,
                        HSOK_RESPONDENT_TYPES);
        return -1;
    }
    if (*n == max) {
        cli_usage_error(cmd, "too many --type options");
        return -1;
    }
    types[(*n)++] = t;
    return 0;
}

static const struct option respondents_opts[] = {
    {"json", no_argument, NULL, CLI_OPT_JSON},
    {"doubtful", no_argument, NULL, OPT_DOUBTFUL},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"shards", required_argument, NULL, CLI_OPT_SHARDS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Why e should be checked: up to 3 reasons into why[]; returns how many. named: the file has
 * a respondent besides e (then passages without one, such as a preamble before the response's
 * title, are no reason to check it). */
static size_t reasons(const hsok_file_respondent_t *e, int named, const char *why[3])
{
    size_t n = 0;
    if (!e->respondent[0] && named)
        return 0;
    if (!e->respondent[0])
        why[n++] = "no respondent found";
    else if (!strcmp(e->respondent_how, "signer"))
        why[n++] = "respondent only from a name under the closing";
    else if (!strcmp(e->respondent_how, "mailbox") ||
             !strcmp(e->respondent_how, "e-mail sender"))
        why[n++] = "respondent only from an e-mail's sender (forwarded?)";
    if (!e->type[0])
        why[n++] = "type unknown";
    else if (e->type_doubt)
        why[n++] = "type guessed from the name";
    return n;
}

typedef struct row {
    const hsok_file_respondent_t *e;
    const char *why[3];
    size_t nwhy;
} row_t;

static int cmp_row(const void *a, const void *b)
{
    const row_t *x = a, *y = b;
    if ((x->nwhy > 0) != (y->nwhy > 0))
        return x->nwhy > 0 ? -1 : 1;
    int r = strcmp(x->e->source, y->e->source);
    return r ? r : strcmp(x->e->respondent, y->e->respondent);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t distinct(const char **v, size_t n)
{
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += i == 0 || strcmp(v[i], v[i - 1]);
    return k;
}

static void print_human(const row_t *r)
{
    const hsok_file_respondent_t *e = r->e;
    fputs(r->nwhy ? "check  " : "       ", stdout);
    out_safe_str(stdout, e->source);
    fputs("  ", stdout);
    out_safe_str(stdout, e->respondent[0] ? e->respondent : "(no respondent)");
    fputs(" (", stdout);
    out_safe_str(stdout, e->type[0] ? e->type : "type unknown");
    fputs(")  respondent: ", stdout);
    out_safe_str(stdout, e->respondent_how[0] ? e->respondent_how : "-");
    fputs(", type: ", stdout);
    out_safe_str(stdout, e->type_how[0] ? e->type_how : "-");
    printf("  %zu passage%s", e->passages, e->passages == 1 ? "" : "s");
    for (size_t i = 0; i < r->nwhy; i++) {
        fputs(i ? "; " : "  — ", stdout);
        fputs(r->why[i], stdout);
    }
    putchar('\n');
}

static void print_json(out_json_t *j, const row_t *r)
{
    const hsok_file_respondent_t *e = r->e;
    oj_obj_begin(j);
    oj_key(j, "file"); oj_str(j, e->source);
    oj_key(j, "respondent"); oj_str(j, e->respondent);
    oj_key(j, "respondent_how"); oj_str(j, e->respondent_how);
    oj_key(j, "type"); oj_str(j, e->type);
    oj_key(j, "type_how"); oj_str(j, e->type_how);
    oj_key(j, "passages"); oj_uint(j, e->passages);
    oj_key(j, "check"); oj_bool(j, r->nwhy > 0);
    oj_key(j, "reasons");
    oj_arr_begin(j);
    for (size_t i = 0; i < r->nwhy; i++)
        oj_str(j, r->why[i]);
    oj_arr_end(j);
    oj_obj_end(j);
}

int cmd_respondents(int argc, char **argv)
{
    const char *dbpath = NULL;
    int json = 0, doubtful = 0, c;
    while ((c = cli_getopt(argc, argv, "h", respondents_opts)) != -1) {
        switch (c) {
        case 'h': cli_cmd_help(cli_find_cmd("respondents")); return CLI_OK;
        case CLI_OPT_JSON: json = 1; break;
        case OPT_DOUBTFUL: doubtful = 1; break;
        case CLI_OPT_DB: dbpath = optarg; break;
        default: return CLI_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);

    hsok_db_t *db = NULL;
    char *err = NULL;
    hsok_status_t s = cli_db_open(dbpath, HSOK_DB_READ, &db, &err);
    if (s != HSOK_OK)
        return cli_fail(s, err, 0);
    hsok_file_respondent_t *v = NULL;
    size_t n = 0;
    s = hsok_db_respondents(db, &v, &n, &err);
    hsok_db_close(db, NULL);
    if (s != HSOK_OK)
        return cli_fail(s, err, 0);
    row_t *rows = calloc(n + 1, sizeof *rows);
    const char **files = calloc(n + 1, sizeof *files);
    const char **names = calloc(n + 1, sizeof *names);
    if (!rows || !files || !names) {
        free(rows);
        free(files);
        free(names);
        free(v);
        cli_error("out of memory");
        return CLI_ERR;
    }
    size_t nnames = 0, tocheck = 0;
    for (size_t i = 0; i < n; i++) {
        /* v is sorted by source: the file's other entries are next to it */
        int named = 0;
        for (size_t k = i; k > 0 && !strcmp(v[k - 1].source, v[i].source); k--)
            named |= v[k - 1].respondent[0] != '\0';
        for (size_t k = i + 1; k < n && !strcmp(v[k].source, v[i].source); k++)
            named |= v[k].respondent[0] != '\0';
        rows[i].e = &v[i];
        rows[i].nwhy = reasons(&v[i], named, rows[i].why);
        tocheck += rows[i].nwhy > 0;
        files[i] = v[i].source;
        if (v[i].respondent[0])
            names[nnames++] = v[i].respondent;
    }
    if (n)
        qsort(rows, n, sizeof *rows, cmp_row);
    size_t nfiles = distinct(files, n), nresp = distinct(names, nnames);
    out_json_t j;
    oj_init(&j, stdout);
    for (size_t i = 0; i < n; i++) {
        if (doubtful && !rows[i].nwhy)
            continue;
        if (json)
            print_json(&j, &rows[i]);
        else
            print_human(&rows[i]);
    }
    if (json) {
        oj_obj_begin(&j);
        oj_key(&j, "files"); oj_uint(&j, nfiles);
        oj_key(&j, "respondents"); oj_uint(&j, nresp);
        oj_key(&j, "to_check"); oj_uint(&j, tocheck);
        oj_obj_end(&j);
    } else {
        printf("%zu file%s, %zu respondent%s, %zu to check\n", nfiles, nfiles == 1 ? "" : "s",
               nresp, nresp == 1 ? "" : "s", tocheck);
    }
    free(rows);
    free(files);
    free(names);
    free(v);
    return CLI_OK;
}
