/* links.c — the links of a manifest's url column to the sources of exported passages, for
 * the html report's citations ('hsok export --manifest', 'hsok serve --manifest'). */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hsok/export.h"
#include "hsok/manifest.h"

/* The links of the manifest's url column to the sources of recs: a row's file, taken
 * relative to the manifest's folder, is the same file as a source (or, a bare file name, the
 * one source of that name). *links (free) borrows from *mf (hsok_manifest_free) and recs.
 * Returns -1 to go on, else the exit code; with warn 0 nothing is printed (a url that is not
 * http(s) is left out unlinked, a manifest that cannot be read gives CLI_ERR). */
int cli_manifest_links(const char *path, const hsok_records_t *recs, hsok_manifest_t **mf,
                       hsok_export_link_t **links, size_t *nlinks, int warn)
{
    char *err = NULL;
    hsok_status_t st = hsok_manifest_load(path, mf, &err);
    if (st != HSOK_OK && !warn) {
        free(err);
        return CLI_ERR;
    }
    if (st != HSOK_OK)
        return cli_fail(st, err, 0);
    size_t n = hsok_records_count(recs), nsrc = 0;
    const char **src = malloc((n + 1) * sizeof *src);
    char **real = calloc(n + 1, sizeof *real);
    size_t nrows = hsok_manifest_count(*mf);
    *links = malloc((nrows + 1) * sizeof **links);
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    int rc = -1;
    if (!src || !real || !*links) {
        if (warn)
            cli_error("out of memory");
        rc = CLI_ERR;
        goto done;
    }
    for (size_t i = 0; i < n; i++) { /* the distinct sources (recs come by source) */
        const char *s = hsok_records_get(recs, i)->source;
        if (s && (!nsrc || strcmp(src[nsrc - 1], s) != 0)) {
            real[nsrc] = realpath(s, NULL);
            src[nsrc++] = s;
        }
    }
    for (size_t r = 0; r < nrows; r++) {
        const hsok_manifest_row_t *row = hsok_manifest_row(*mf, r);
        if (!row->url || !row->url[0])
            continue;
        if (strncmp(row->url, "https://", 8) != 0 && strncmp(row->url, "http://", 7) != 0) {
            if (warn)
                cli_error("'%s' line %u: url '%s' is not an http:// or https:// address; not "
                          "linked", path, row->line, row->url);
            continue;
        }
        char *file = row->file[0] == '/' ? strdup(row->file)
                                         : malloc(dirlen + strlen(row->file) + 1);
        if (!file) {
            if (warn)
                cli_error("out of memory");
            rc = CLI_ERR;
            goto done;
        }
        if (row->file[0] != '/') {
            memcpy(file, path, dirlen);
            strcpy(file + dirlen, row->file);
        }
        char *rp = realpath(file, NULL);
        free(file);
        size_t hit = nsrc, hits = 0;
        for (size_t k = 0; k < nsrc && rp; k++)
            if (real[k] && strcmp(real[k], rp) == 0)
                hit = k, hits = 1;
        free(rp);
        if (!hits && !strchr(row->file, '/'))
            for (size_t k = 0; k < nsrc; k++) {
                const char *base = strrchr(src[k], '/');
                if (strcmp(base ? base + 1 : src[k], row->file) == 0)
                    hit = k, hits++;
            }
        if (hits == 1)
            (*links)[(*nlinks)++] = (hsok_export_link_t){src[hit], row->url};
    }
done:
    for (size_t k = 0; k < nsrc; k++)
        free(real[k]);
    free(real);
    free(src);
    return rc;
}
