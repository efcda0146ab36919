/* dbopen.c — which index a command opens: one --db (or $HSOK_DB, or ./index), or several
 * searched as one: --db given more than once, a --db tcp:HOST:PORT, or a shard list file
 * (--shards FILE). cli_getopt records every --db and --shards as it meets them. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hsok/codes.h"
#include "hsok/db.h"

static const char **dbs; /* each --db, in order */
static size_t ndbs;
static const char **files; /* each --shards FILE */
static size_t nfiles;

/* *err = msg (malloc'd; left NULL when out of memory), returning st */
static hsok_status_t fail(char **err, hsok_status_t st, const char *msg)
{
    if (err)
        *err = strdup(msg);
    return st;
}

static int push(const char ***v, size_t *n, const char *s)
{
    const char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    nv[(*n)++] = s;
    *v = nv;
    return 0;
}

int cli_db_note(int opt, const char *arg)
{
    if (opt == CLI_OPT_DB)
        return push(&dbs, &ndbs, arg);
    return push(&files, &nfiles, arg);
}

int cli_db_several(void)
{
    return ndbs > 1 || nfiles > 0 || (ndbs == 1 && strncmp(dbs[0], "tcp:", 4) == 0);
}

int cli_db_refuse(const char *cmd)
{
    cli_error("'hsok %s' %s one index: give one --db (several indexes, --shards and tcp: "
              "remotes are only read, by search, themes, export, respondents, stats, show and "
              "copies)", cmd,
              strcmp(cmd, "code") == 0    ? "codes the passages of"
              : strcmp(cmd, "serve") == 0 ? "serves (and codes in)"
                                          : "writes to");
    return CLI_USAGE;
}

/* Every shard: each --db, then the entries of each --shards file. */
static hsok_status_t collect(char ***out, size_t *n, char **err)
{
    char **v = NULL;
    size_t nv = 0;
    hsok_status_t st = HSOK_OK;
    for (size_t i = 0; i < ndbs && st == HSOK_OK; i++) {
        char **nvv = realloc(v, (nv + 1) * sizeof *v);
        if (!nvv || !(nvv[nv] = strdup(dbs[i]))) {
            if (nvv)
                v = nvv;
            st = fail(err, HSOK_ERR_NOMEM, "out of memory");
            break;
        }
        v = nvv;
        nv++;
    }
    for (size_t f = 0; f < nfiles && st == HSOK_OK; f++) {
        char **fv = NULL;
        size_t fn = 0;
        st = hsok_shards_read(files[f], &fv, &fn, err);
        if (st != HSOK_OK)
            break;
        char **nvv = realloc(v, (nv + fn) * sizeof *v);
        if (!nvv) {
            hsok_shards_free(fv, fn);
            st = fail(err, HSOK_ERR_NOMEM, "out of memory");
            break;
        }
        v = nvv;
        memcpy(v + nv, fv, fn * sizeof *fv);
        nv += fn;
        free(fv);
    }
    if (st != HSOK_OK) {
        hsok_shards_free(v, nv);
        return st;
    }
    *out = v;
    *n = nv;
    return HSOK_OK;
}

hsok_status_t cli_db_open(const char *dbpath, hsok_db_mode_t mode, hsok_db_t **out, char **err)
{
    *out = NULL;
    if (!cli_db_several())
        return hsok_db_open(hsok_db_default_path(dbpath), mode, out, err);
    if (mode == HSOK_DB_WRITE)
        return fail(err, HSOK_ERR_INVALID,
                    "several indexes are only read: give one --db to write to");
    char **specs = NULL;
    size_t n = 0;
    hsok_status_t st = collect(&specs, &n, err);
    if (st == HSOK_ERR_PARSE) /* a malformed shard list is a usage error, as a bad option */
        st = HSOK_ERR_INVALID;
    if (st == HSOK_OK)
        st = hsok_db_open_shards((const char *const *)specs, n, out, err);
    hsok_shards_free(specs, n);
    return st;
}

char *cli_db_codes_path(const char *explicit_path, const char *db_path, int *several)
{
    *several = 0;
    const char *env = getenv("HSOK_CODES");
    if (explicit_path || (env && *env) || !cli_db_several())
        return hsok_codes_default_path(explicit_path, db_path);
    /* over several indexes: the codes file beside a local one, when one has it */
    char **specs = NULL, *found = NULL;
    size_t n = 0;
    char *err = NULL;
    if (collect(&specs, &n, &err) != HSOK_OK) {
        free(err);
        return hsok_codes_default_path(NULL, db_path);
    }
    for (size_t i = 0; i < n; i++) {
        if (strncmp(specs[i], "tcp:", 4) == 0)
            continue;
        char *p = hsok_codes_default_path(NULL, specs[i]);
        if (p && access(p, F_OK) == 0) {
            if (found) {
                *several = 1;
                cli_error("manual codes lie beside more than one of the indexes ('%s', '%s'): "
                          "over several indexes put them in one file and give it with "
                          "$HSOK_CODES", found, p);
                free(p);
                free(found);
                found = NULL;
                break;
            }
            found = p;
        } else {
            free(p);
        }
    }
    /* none: the first local index's name, where no file is (no codes) */
    if (!found && !*several)
        found = hsok_codes_default_path(
            NULL, n && strncmp(specs[0], "tcp:", 4) ? specs[0] : "/nonexistent/hsok");
    hsok_shards_free(specs, n);
    return found;
}
