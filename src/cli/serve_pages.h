/* serve_pages.h — the pages of `hsok serve`, without HTTP.
 *
 * cmd_serve.c (the libmicrohttpd glue) turns a request into a serve_req_t and sends back the
 * serve_resp_t that serve_handle fills; everything a page shows comes from libhsok (search,
 * the theme matrix, a whole response, the manual codes, the exports), HTML-escaped with
 * hsok_write_html. Nothing here reads a file that the index or the codes file does not name.
 */
#ifndef HSOK_SERVE_PAGES_H
#define HSOK_SERVE_PAGES_H

#include <stddef.h>

/* One decoded parameter (a GET argument or a field of a POST form). Borrowed. */
typedef struct serve_param {
    const char *key, *value;
} serve_param_t;

typedef struct serve_req {
    const char *method;           /* "GET", "HEAD" or "POST" (others are refused earlier) */
    const char *path;             /* the decoded path, "/search" */
    const serve_param_t *params;  /* GET arguments, or the POST form's fields */
    size_t nparams;
} serve_req_t;

typedef struct serve_resp {
    unsigned status;              /* 200, 303, 400, 403, 404, 500 ... */
    const char *content_type;     /* static */
    char *body;                   /* malloc'd, may be NULL (empty) */
    size_t len;
    char *location;               /* malloc'd, for 303; NULL otherwise */
    char *filename;               /* malloc'd: Content-Disposition attachment name, or NULL */
} serve_resp_t;

/* What every request shares: set up once by cmd_serve.c, only read afterwards. */
typedef struct serve_ctx {
    const char *db_path;          /* the index */
    const char *codes_path;       /* the manual codes file (hsok_codes_default_path) */
    char csrf[65];                /* per-server random token that each POST form carries */
    int read_only;                /* --read-only: coding is off */
    const char *manifest;         /* --manifest: a manifest whose url column links the html
                                     report's citations (NULL: none) */
} serve_ctx_t;

/* Fill *resp for req (never fails: an error is a page with its status). Free with
 * serve_resp_free. */
void serve_handle(const serve_ctx_t *ctx, const serve_req_t *req, serve_resp_t *resp);
void serve_resp_free(serve_resp_t *resp);

/* serve_handle keeps the whole index's theme matrix between requests (until the index or the
 * codes file changes), so it must be called one request at a time. This frees what it keeps
 * (when the server stops). */
void serve_cache_free(void);

/* Decode an application/x-www-form-urlencoded body (or query string) s[0..len): '+' is a
 * space, %XX a byte; a key or value with a NUL byte (%00) is dropped. *params (malloc'd) points
 * into *store (malloc'd); free both. Returns 0, or -1 when out of memory. */
int serve_form_decode(const char *s, size_t len, serve_param_t **params, size_t *n,
                      char **store);

/* Whether the index at db_path is locked by a writer (a running `hsok index`): a probe of
 * the lock without taking it. 1 locked, 0 not (or no lock file). */
int serve_index_locked(const char *db_path);

/* Compare two NUL-terminated secrets in time that does not depend on where they differ. */
int serve_secret_equal(const char *a, const char *b);

/* The stylesheet served at /static/app.css. */
extern const char serve_css[];

#endif
