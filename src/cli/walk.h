/* walk.h — which files `hsok index PATH...` reads, and what it says about the rest.
 *
 * A file named on the command line is read whatever its name. A directory is walked
 * recursively for *.txt, *.pdf, *.docx, *.odt and *.eml (any case; the reader tells the format
 * by content); hidden entries are passed over. Every other entry that is not read is named on
 * stderr ("hsok: skipped 'PATH': REASON", the reason saying how to make it readable: .doc,
 * .rtf and .msg are to be converted) and counted by kind, except the *.meta sidecars of .txt
 * files (read with their file) and the index directory being written. FIFOs, devices and
 * sockets are never opened. A symbolic link whose target lies outside the folder being walked is followed only
 * with --follow; links inside it are followed, each real file is listed once (under its own
 * path when the walk also reaches it directly), and directories are walked once (dev/ino),
 * so a link loop ends. A path that cannot be listed (too long, unreadable) is reported and
 * counted as failed, never dropped in silence.
 */
#ifndef HSOK_CLI_WALK_H
#define HSOK_CLI_WALK_H

#include <stddef.h>
#include <stdio.h>

/* Files not read, by kind ("pdf", "docx", "FIFO", ...), for the summary. */
typedef struct skip_tally {
    size_t total;
    struct {
        const char *one, *many; /* static: "FIFO", "FIFOs" */
        size_t n;
    } kinds[24];
    size_t nkinds;
} skip_tally_t;

/* Count one skipped file of kind one/many (static strings). */
void skip_count(skip_tally_t *t, const char *one, const char *many);

/* "2 files skipped (1 pdf, 1 docx), 0 failed" (no newline) to f. */
void skip_summary(FILE *f, const skip_tally_t *t, size_t failed);

typedef struct walk_opts {
    int follow;             /* --follow: also symbolic links out of the walked folder */
    const char *index_dir;  /* the index being written: never walked nor reported (or NULL) */
    const char *manifest;   /* index --manifest FILE: not listed nor reported in a folder */
} walk_opts_t;

struct walk_state;

typedef struct file_list {
    char **paths;  /* the files to index, in walk order; malloc'd */
    size_t n, cap;
    size_t failed; /* paths that could not be listed (reported) */
    int nomem;
    struct walk_state *ws;
} file_list_t;

/* List the files of paths[0..n) into fl (zeroed by the caller), reporting what is skipped
 * into skips and on stderr. fl->nomem is set when memory ran out (the list is then partial). */
void walk_collect(file_list_t *fl, char *const *paths, int n, const walk_opts_t *o,
                  skip_tally_t *skips);

/* Free what fl holds. */
void walk_free(file_list_t *fl);

#endif
