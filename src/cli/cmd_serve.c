/* cmd_serve.c — `hsok serve`: the web view over the index, on this machine only unless
 * --listen says otherwise. The HTTP side lives here (libmicrohttpd: a small thread pool, a
 * listening socket made here so that a busy port is said plainly); the pages are rendered by
 * serve_pages.c. What every response carries: a strict Content-Security-Policy, nosniff, no
 * referrer, no framing, no caching. Only GET, HEAD and POST; a POST body is at most 64 KiB
 * of a urlencoded form. On loopback the Host header must name loopback (a web page cannot
 * reach the server by DNS rebinding); with --listen every request needs the token.
 */
#define _GNU_SOURCE /* asprintf, strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cli.h"
#include "hsok/codes.h"
#include "hsok/db.h"
#include "hsok/manifest.h"
#include "lazy_mhd.h"
#include "serve_pages.h"

#define DEFAULT_PORT 8731
#define MAX_BODY (64 * 1024) /* a coding form is far smaller */
#define POOL_THREADS 4

enum { OPT_PORT = CLI_OPT_FIRST_LOCAL, OPT_LISTEN, OPT_TOKEN, OPT_READ_ONLY, OPT_CODES,
       OPT_MANIFEST };

static const struct option serve_opts[] = {
    {"port", required_argument, NULL, OPT_PORT},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"token", required_argument, NULL, OPT_TOKEN},
    {"read-only", no_argument, NULL, OPT_READ_ONLY},
    {"codes", required_argument, NULL, OPT_CODES},
    {"manifest", required_argument, NULL, OPT_MANIFEST},
    {"db", required_argument, NULL, CLI_OPT_DB},
    {"shards", required_argument, NULL, CLI_OPT_SHARDS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct server {
    serve_ctx_t ctx;
    char token[65];     /* "" when none is needed (loopback without --token) */
    int loopback;       /* listening on loopback only: the Host header must say so */
    unsigned port;
    pthread_mutex_t lock; /* libhsok calls one at a time */
} server_t;

/* what one connection collects before its request is answered */
typedef struct conn {
    char *body;
    size_t len;
    int too_big;
} conn_t;

static const char csp[] = "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

static void random_hex(char *out, size_t bytes)
{
    unsigned char b[64];
    size_t got = 0;
    while (got < bytes) {
        ssize_t n = getrandom(b + got, bytes - got, 0);
        if (n > 0)
            got += (size_t)n;
        else if (errno != EINTR)
            abort(); /* no randomness: no token may be made */
    }
    for (size_t i = 0; i < bytes; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
    out[2 * bytes] = '\0';
}

static enum MHD_Result send_resp(struct MHD_Connection *c, serve_resp_t *r, const char *cookie,
                                 const char *extra_name, const char *extra_value)
{
    struct MHD_Response *m = MHD_create_response_from_buffer(
        r->len, r->body ? r->body : (void *)"", r->body ? MHD_RESPMEM_MUST_FREE
                                                        : MHD_RESPMEM_PERSISTENT);
    if (!m) {
        serve_resp_free(r);
        return MHD_NO;
    }
    r->body = NULL; /* the response owns it now */
    MHD_add_response_header(m, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    MHD_add_response_header(m, "Content-Security-Policy", csp);
    MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(m, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(m, "X-Frame-Options", "DENY");
    MHD_add_response_header(m, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(m, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (r->location)
        MHD_add_response_header(m, MHD_HTTP_HEADER_LOCATION, r->location);
    if (r->filename) {
        char cd[256];
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", r->filename);
        MHD_add_response_header(m, MHD_HTTP_HEADER_CONTENT_DISPOSITION, cd);
    }
    if (cookie)
        MHD_add_response_header(m, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    if (extra_name)
        MHD_add_response_header(m, extra_name, extra_value);
    enum MHD_Result ret = MHD_queue_response(c, r->status, m);
    MHD_destroy_response(m);
    serve_resp_free(r);
    return ret;
}

/* A short plain-text refusal. */
static enum MHD_Result refuse(struct MHD_Connection *c, unsigned status, const char *msg,
                              const char *extra_name, const char *extra_value)
{
    serve_resp_t r;
    memset(&r, 0, sizeof r);
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    if (asprintf(&r.body, "%s\n", msg) < 0)
        r.body = NULL;
    r.len = r.body ? strlen(r.body) : 0;
    return send_resp(c, &r, NULL, extra_name, extra_value);
}

/* The Host header names this server on loopback ("127.0.0.1:PORT", "localhost:PORT",
 * "[::1]:PORT"). */
static int host_ok(const server_t *s, const char *host)
{
    if (!host)
        return 1; /* HTTP/1.0 without Host: nothing a browser sends */
    static const char *const names[] = { "127.0.0.1", "localhost", "[::1]" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t n = strlen(names[i]);
        if (strncasecmp(host, names[i], n))
            continue;
        if (!host[n])
            return s->port == 80;
        char *end;
        if (host[n] == ':' && strtoul(host + n + 1, &end, 10) == s->port && !*end &&
            host[n + 1] >= '0' && host[n + 1] <= '9')
            return 1;
    }
    return 0;
}

/* The token the request carries: "Authorization: Bearer T", the cookie hsok_token, or
 * ?token=T (a link opened once; the cookie is then set). NULL when none. */
static const char *given_token(struct MHD_Connection *c, int *from_query)
{
    *from_query = 0;
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth && !strncasecmp(auth, "Bearer ", 7))
        return auth + 7;
    const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "hsok_token");
    if (cookie)
        return cookie;
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    if (q)
        *from_query = 1;
    return q;
}

typedef struct params {
    serve_param_t *v;
    size_t n, cap;
} params_t;

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    params_t *p = cls;
    if (!key || !strcmp(key, "token"))
        return MHD_YES;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        if (cap > 256)
            return MHD_NO; /* no page takes that many */
        serve_param_t *v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return MHD_NO;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = (serve_param_t){ key, value ? value : "" };
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    server_t *s = cls;
    int post = !strcmp(method, "POST");
    if (!*con_cls) {
        conn_t *cs = calloc(1, sizeof *cs);
        if (!cs)
            return MHD_NO;
        *con_cls = cs;
        if (!post && strcmp(method, "GET") && strcmp(method, "HEAD"))
            return refuse(c, 405, "method not allowed", MHD_HTTP_HEADER_ALLOW,
                          "GET, HEAD, POST");
        if (post)
            return MHD_YES; /* the body comes in the next calls */
    }
    conn_t *cs = *con_cls;
    if (post && *upload_size) {
        if (!cs->too_big && cs->len + *upload_size <= MAX_BODY) {
            char *b = realloc(cs->body, cs->len + *upload_size + 1);
            if (!b)
                return MHD_NO;
            memcpy(b + cs->len, upload, *upload_size);
            cs->body = b;
            cs->len += *upload_size;
        } else {
            cs->too_big = 1;
        }
        *upload_size = 0;
        return MHD_YES;
    }

    if (s->loopback &&
        !host_ok(s, MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST)))
        return refuse(c, 403, "wrong Host header: this server answers to 127.0.0.1 or "
                              "localhost only", NULL, NULL);
    char cookie[128] = "";
    if (s->token[0]) {
        int from_query;
        const char *t = given_token(c, &from_query);
        if (!t)
            return refuse(c, 401, "a token is needed: open the URL hsok serve printed",
                          MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"hsok\"");
        if (!serve_secret_equal(t, s->token))
            return refuse(c, 403, "wrong token", NULL, NULL);
        if (from_query)
            snprintf(cookie, sizeof cookie,
                     "hsok_token=%s; Path=/; HttpOnly; SameSite=Strict", s->token);
    }
    if (post && cs->too_big)
        return refuse(c, 413, "form too large", NULL, NULL);
    const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                    MHD_HTTP_HEADER_CONTENT_TYPE);
    if (post && (!ctype || strncasecmp(ctype, "application/x-www-form-urlencoded", 33)))
        return refuse(c, 415, "a form must be application/x-www-form-urlencoded", NULL, NULL);

    params_t gp = { 0 };
    serve_param_t *fp = NULL;
    size_t nfp = 0;
    char *store = NULL;
    serve_req_t req = { .method = method, .path = url };
    if (post) {
        if (serve_form_decode(cs->body ? cs->body : "", cs->len, &fp, &nfp, &store) != 0)
            return MHD_NO;
        req.params = fp;
        req.nparams = nfp;
    } else {
        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect, &gp);
        req.params = gp.v;
        req.nparams = gp.n;
    }
    serve_resp_t r;
    pthread_mutex_lock(&s->lock);
    serve_handle(&s->ctx, &req, &r);
    pthread_mutex_unlock(&s->lock);
    free(gp.v);
    free(fp);
    free(store);
    return send_resp(c, &r, cookie[0] ? cookie : NULL, NULL, NULL);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    conn_t *cs = *con_cls;
    if (cs) {
        free(cs->body);
        free(cs);
    }
    *con_cls = NULL;
}

/* MHD's own complaints (a malformed request) are the client's business, not the terminal's */
static void quiet_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    (void)fmt;
    (void)ap;
}

/* The listening socket on addr:port (port 0: a free one, put in *port). Returns the fd, or
 * -1 after printing why (*rc: the exit code). */
static int listen_on(const char *addr, unsigned *port, int *rc)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t slen;
    char host[64];
    snprintf(host, sizeof host, "%s", addr);
    size_t hl = strlen(host);
    if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    if (!strcmp(host, "localhost"))
        strcpy(host, "127.0.0.1");
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)*port);
        slen = sizeof *v4;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)*port);
        slen = sizeof *v6;
    } else {
        *rc = cli_usage_error("serve", "--listen wants an IP address (127.0.0.1, 0.0.0.0, "
                                       "::1 ...), not '%s'", addr);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, (struct sockaddr *)&ss, slen) != 0 || listen(fd, 128) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        if (e == EADDRINUSE)
            cli_error("port %u on %s is in use (another hsok serve?): give --port N, or "
                      "--port 0 for a free one", *port, addr);
        else
            cli_error("cannot listen on %s port %u: %s", addr, *port, cli_strerror(e));
        *rc = CLI_ERR;
        return -1;
    }
    getsockname(fd, (struct sockaddr *)&ss, &slen);
    *port = ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
    return fd;
}

/* a --token is letters, digits and - . _ ~, 16 or more (it goes into a cookie and a URL) */
static int token_ok(const char *t)
{
    size_t n = strlen(t);
    if (n < 16 || n > 64)
        return 0;
    for (; *t; t++)
        if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') ||
              strchr("-._~", *t)))
            return 0;
    return 1;
}

int cmd_serve(int argc, char **argv)
{
    const char *db_arg = NULL, *listen_addr = NULL, *token = NULL, *codes_arg = NULL,
               *manifest = NULL;
    unsigned port = DEFAULT_PORT;
    int read_only = 0, c, rc = -1;
    while (rc < 0 && (c = cli_getopt(argc, argv, "h", serve_opts)) != -1) {
        switch (c) {
        case 'h':
            cli_cmd_help(cli_find_cmd("serve"));
            return CLI_OK;
        case OPT_PORT:
            if (cli_parse_uint(argv[0], "--port", optarg, 65535, &port) < 0)
                rc = CLI_USAGE;
            break;
        case OPT_LISTEN: listen_addr = optarg; break;
        case OPT_TOKEN: token = optarg; break;
        case OPT_READ_ONLY: read_only = 1; break;
        case OPT_CODES: codes_arg = optarg; break;
        case OPT_MANIFEST: manifest = optarg; break;
        case CLI_OPT_DB: db_arg = optarg; break;
        default: rc = CLI_USAGE; break;
        }
    }
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
    if (cli_db_several())
        return cli_db_refuse("serve");
    if (token && !token_ok(token))
        return cli_usage_error(argv[0], "--token wants 16 to 64 letters, digits or - . _ ~");

    char *err = NULL;
    if (lazy_mhd_load(&err) != HSOK_OK)
        return cli_fail(HSOK_ERR_IO, err, 0);
    static server_t s; /* the daemon's threads use it until MHD_stop_daemon returns */
    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.lock, NULL);
    const char *dbpath = hsok_db_default_path(db_arg);
    /* the index must be there now; each request opens it again */
    hsok_db_t *db = NULL;
    hsok_status_t st = hsok_db_open(dbpath, HSOK_DB_READ, &db, &err);
    if (st != HSOK_OK)
        return cli_fail(st, err, 0);
    hsok_db_close(db, NULL);
    if (manifest) { /* read on each report: say now when it cannot be */
        hsok_manifest_t *mf = NULL;
        st = hsok_manifest_load(manifest, &mf, &err);
        if (st != HSOK_OK)
            return cli_fail(st, err, 0);
        hsok_manifest_free(mf);
    }
    char *codes_path = hsok_codes_default_path(codes_arg, dbpath);
    if (!codes_path) {
        cli_error("out of memory");
        return CLI_ERR;
    }
    s.ctx.db_path = dbpath;
    s.ctx.codes_path = codes_path;
    s.ctx.read_only = read_only;
    s.ctx.manifest = manifest;
    random_hex(s.ctx.csrf, 32);
    s.loopback = listen_addr == NULL;
    if (token)
        snprintf(s.token, sizeof s.token, "%s", token);
    else if (listen_addr)
        random_hex(s.token, 24); /* --listen without --token: one is made and shown once */

    const char *addr = listen_addr ? listen_addr : "127.0.0.1";
    int fd = listen_on(addr, &port, &rc);
    if (fd < 0) {
        free(codes_path);
        return rc;
    }
    s.port = port;

    /* SIGINT and SIGTERM are waited for below; the daemon's threads inherit the mask */
    sigset_t sigs, old;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, &old);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
        on_request, &s,
        MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)POOL_THREADS,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)15,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, quiet_log, NULL,
        MHD_OPTION_END);
    if (!d) {
        close(fd);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        cli_error("cannot start the web server on %s port %u", addr, port);
        free(codes_path);
        return CLI_ERR;
    }
    int v6 = strchr(addr, ':') != NULL && addr[0] != '[';
    printf("hsok: serving http://%s%s%s:%u/%s%s (index '%s'%s; Ctrl-C stops)\n",
           v6 ? "[" : "", addr, v6 ? "]" : "", port, s.token[0] ? "?token=" : "",
           s.token, dbpath, read_only ? ", read-only" : "");
    fflush(stdout);
    if (listen_addr && !token)
        fprintf(stderr, "hsok: every request needs the token in the URL above (or "
                        "'Authorization: Bearer TOKEN'); it is shown only now\n");

    int sig = 0;
    while (sigwait(&sigs, &sig) != 0 || (sig != SIGINT && sig != SIGTERM && sig != SIGHUP))
        ;
    MHD_stop_daemon(d); /* closes fd too */
    serve_cache_free();
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_mutex_destroy(&s.lock);
    fprintf(stderr, "hsok: stopped\n");
    free(codes_path);
    return CLI_OK;
}
