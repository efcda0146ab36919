/* fuzz_sidecar.c — libFuzzer harness for the .meta sidecar parser.
 *
 * Input: the bytes of a sidecar. They are written to x.txt.meta in a temporary directory
 * and read with hsok_read_meta("…/x.txt"), as `hsok index` reads the sidecar of x.txt.
 * Checked: a respondent, when there is one, is non-empty valid UTF-8 without a newline;
 * an error comes with a one-line message and leaves no respondent. */
#include "fuzz.h"

#include <unistd.h>

#include "hsok/segment.h"

static char tmpdir[512];
static char src_path[1024], meta_path[1024];

static void cleanup(void)
{
    unlink(meta_path);
    rmdir(tmpdir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!*src_path) {
        fuzz_tmpdir(tmpdir, sizeof tmpdir, "sidecar");
    if (!mkdtemp(tmpdir)) {
            perror("fuzz_sidecar: mkdtemp");
            abort();
        }
        snprintf(src_path, sizeof src_path, "%s/x.txt", tmpdir);
        snprintf(meta_path, sizeof meta_path, "%s/x.txt.meta", tmpdir);
        atexit(cleanup);
    }
    FILE *f = fopen(meta_path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror("fuzz_sidecar: cannot write the sidecar");
        abort();
    }
    char *who = NULL, *err = NULL;
    hsok_status_t st = hsok_read_meta(src_path, &who, &err);
    if (st == HSOK_OK) {
        if (who) {
            fuzz_check_utf8(who, "respondent");
            FUZZ_CHECK(*who, "empty respondent");
            FUZZ_CHECK(!strchr(who, '\n'), "respondent with a newline");
        }
    } else {
        FUZZ_CHECK(st == HSOK_ERR_PARSE || st == HSOK_ERR_ENCODING, "unexpected status %s: %s",
                   hsok_status_str(st), err ? err : "");
        FUZZ_CHECK(err != NULL, "%s without a message", hsok_status_str(st));
        FUZZ_CHECK(!strchr(err, '\n'), "message of more than one line: %s", err);
        FUZZ_CHECK(who == NULL, "respondent '%s' left after an error", who);
    }
    free(who);
    free(err);
    return 0;
}
