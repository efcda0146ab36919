/* samples.c — the bundled sample responses (the source tree's seeds/) in an index.
 *
 * scripts/setup indexes the samples into ./index, where an analyst who follows the README also
 * indexes a hearing: every count would then include the samples. A sample is a file whose
 * real path lies in the source tree's seeds/ folder; an index holds it when it has the file's
 * record (keyed by the hash of the real path, as index.c keys files), so indexes made before
 * this check are recognised too.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db_internal.h"
#include "hsok_config.h"
#include "prefix.h"

/* The real path of the source tree's seeds/ folder (malloc'd), or NULL. */
static char *seeds_dir(void)
{
    return realpath(HSOK_SOURCE_ROOT "/seeds", NULL);
}

const char *hsok_samples_dir(void)
{
    return HSOK_SOURCE_ROOT "/seeds";
}

int hsok_is_sample_path(const char *path)
{
    char *dir = seeds_dir();
    char *real = dir ? realpath(path, NULL) : NULL;
    size_t dl = dir ? strlen(dir) : 0;
    int in = real && !strncmp(real, dir, dl) && real[dl] == '/';
    free(real);
    free(dir);
    return in;
}

static int count_key(void *ctx, const char *key)
{
    (void)key;
    (*(size_t *)ctx)++;
    return 0;
}

hsok_status_t hsok_db_samples(hsok_db_t *db, size_t *samples, size_t *files, char **errmsg)
{
    *samples = 0;
    hsok_status_t st = HSOK_OK;
    if (files) { /* O(files in the index): only for callers that need it */
        *files = 0;
        st = xap_meta_keys(db->x, META_FILE, count_key, files, errmsg);
    }
    char *dir = st == HSOK_OK ? seeds_dir() : NULL;
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *e;
    while (d && st == HSOK_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char real[PATH_MAX], key[64];
        struct stat sb;
        int n = snprintf(real, sizeof real, "%s/%s", dir, e->d_name);
        if (n < 0 || (size_t)n >= sizeof real || stat(real, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        /* the path map (index.c), or the file record of an index of format 10 and older,
         * which was keyed by the real path */
        unsigned long long h = (unsigned long long)hsok_hash64(real, strlen(real));
        char *rec = NULL;
        snprintf(key, sizeof key, "%s%016llx", META_PATH, h);
        st = xap_get_meta(db->x, key, &rec, errmsg);
        if (st == HSOK_OK && !*rec) {
            free(rec);
            rec = NULL;
            snprintf(key, sizeof key, "%s%016llx", META_FILE, h);
            st = xap_get_meta(db->x, key, &rec, errmsg);
        }
        if (st == HSOK_OK && *rec)
            (*samples)++;
        free(rec);
    }
    if (d)
        closedir(d);
    free(dir);
    return st;
}
