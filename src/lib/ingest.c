/* ingest.c — bytes of a source file become clean UTF-8 text (see ingest.h). */
#include "hsok/ingest.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "hsok/text.h"

/* Windows-1252 0x80..0x9F; 0 marks the five undefined bytes. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

const char *hsok_encoding_name(hsok_encoding_t enc)
{
    switch (enc) {
    case HSOK_ENC_UTF8: return "utf-8";
    case HSOK_ENC_UTF8_BOM: return "utf-8 with bom";
    case HSOK_ENC_CP1252: return "windows-1252";
    }
    return "utf-8";
}

void hsok_source_clear(hsok_source_t *src)
{
    if (!src)
        return;
    free(src->text);
    memset(src, 0, sizeof *src);
}

static void add_cp(buf_t *b, unsigned cp)
{
    char u[4];
    if (cp < 0x80) {
        buf_addch(b, (char)cp);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        buf_add(b, u, 2);
    } else {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        buf_add(b, u, 3);
    }
}

/* Append s[0..n) to b turning CRLF and lone CR into LF; returns nonzero if any CR was seen. */
static int add_lf(buf_t *b, const char *s, size_t n)
{
    int cr = 0;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\r')
            continue;
        cr = 1;
        buf_add(b, s + run, i - run);
        buf_addch(b, '\n');
        if (i + 1 < n && s[i + 1] == '\n')
            i++;
        run = i + 1;
    }
    buf_add(b, s + run, n - run);
    return cr;
}

hsok_status_t hsok_source_decode(const char *name, const char *bytes, size_t len,
                                 hsok_source_t *src, char **errmsg)
{
    const unsigned char *u = (const unsigned char *)bytes;
    memset(src, 0, sizeof *src);
    if (!name)
        name = "(input)";
    if (!bytes && len)
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "'%s': no input", name);

    /* Formats people drop in by mistake get a message that says what to do. */
    if (len >= 5 && memcmp(bytes, "%PDF-", 5) == 0)
        return hsok_seterr(errmsg, HSOK_ERR_ENCODING,
                           "'%s': a PDF file, not text; extract the text first "
                           "(pdftotext FILE.pdf FILE.txt)", name);
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return hsok_seterr(errmsg, HSOK_ERR_ENCODING,
                           "'%s': UTF-16 text; convert it to UTF-8 first "
                           "(iconv -f UTF-16 -t UTF-8)", name);
    if (len >= 4 && memcmp(bytes, "PK\x03\x04", 4) == 0)
        return hsok_seterr(errmsg, HSOK_ERR_ENCODING,
                           "'%s': a zip archive (Word .docx or ODF?), not text; save it as "
                           "plain UTF-8 text first", name);

    const void *nul = len ? memchr(bytes, '\0', len) : NULL;
    if (nul)
        return hsok_seterr(errmsg, HSOK_ERR_ENCODING, "'%s': binary data, not text (nul byte %zu)",
                           name, (size_t)((const char *)nul - bytes));

    size_t start = 0;
    hsok_encoding_t enc = HSOK_ENC_UTF8;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        start = 3;
        enc = HSOK_ENC_UTF8_BOM;
    }

    size_t bad = len;
    for (size_t i = start; i < len;) {
        size_t k = hsok_utf8_next(bytes + i, len - i, NULL);
        if (!k) {
            bad = i;
            break;
        }
        i += k;
    }

    buf_t out = BUF_INIT;
    if (bad == len) {
        src->had_crlf = add_lf(&out, bytes + start, len - start);
    } else {
        if (enc == HSOK_ENC_UTF8_BOM)
            return hsok_seterr(errmsg, HSOK_ERR_ENCODING,
                               "'%s': not valid UTF-8 or Windows-1252 text (byte %zu)", name, bad);
        for (size_t i = 0; i < len; i++) {
            unsigned c = u[i];
            if (c >= 0x80 && c < 0xA0 && !cp1252_high[c - 0x80]) {
                buf_free(&out);
                return hsok_seterr(errmsg, HSOK_ERR_ENCODING,
                                   "'%s': not valid UTF-8 or Windows-1252 text (byte %zu)", name, i);
            }
        }
        buf_t tmp = BUF_INIT;
        for (size_t i = 0; i < len; i++) {
            unsigned c = u[i];
            add_cp(&tmp, c >= 0x80 && c < 0xA0 ? cp1252_high[c - 0x80] : c);
        }
        if (tmp.err) {
            buf_free(&tmp);
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", name);
        }
        src->had_crlf = add_lf(&out, tmp.data, tmp.len);
        buf_free(&tmp);
        enc = HSOK_ENC_CP1252;
    }
    size_t n = 0;
    char *text = buf_detach(&out, &n);
    if (!text) {
        src->had_crlf = 0;
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "'%s': out of memory", name);
    }
    src->text = text;
    src->len = n;
    src->encoding = enc;
    return HSOK_OK;
}

/* strerror with a lowercase first letter, as our messages want. */
static void add_reason(buf_t *b, int err)
{
    const char *s = strerror(err);
    if (*s) {
        buf_addch(b, (char)tolower((unsigned char)*s));
        buf_addstr(b, s + 1);
    }
}

/* "<what> '<path>': <strerror>" into *errmsg; the status fits the error. */
static hsok_status_t errno_error(char **errmsg, const char *what, const char *path, int err)
{
    hsok_status_t st = err == ENOENT || err == ENOTDIR ? HSOK_ERR_NOT_FOUND
                       : err == ENOMEM                 ? HSOK_ERR_NOMEM
                                                       : HSOK_ERR_IO;
    if (!errmsg)
        return st;
    buf_t msg = BUF_INIT;
    buf_addf(&msg, "%s '%s': ", what, path);
    add_reason(&msg, err);
    free(*errmsg);
    *errmsg = buf_detach(&msg, NULL);
    return st;
}

const char *hsok_file_type_name(unsigned mode)
{
    mode_t m = (mode_t)mode;
    if (S_ISREG(m))
        return "a regular file";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISLNK(m))
        return "a symbolic link";
    return "not a regular file";
}

void hsok_format_size(size_t bytes, char *out, size_t n)
{
    if (bytes >= ((size_t)1 << 30) && bytes % ((size_t)1 << 30) == 0)
        snprintf(out, n, "%zu GB", bytes >> 30);
    else if (bytes >= ((size_t)1 << 20) && bytes % ((size_t)1 << 20) == 0)
        snprintf(out, n, "%zu MB", bytes >> 20);
    else if (bytes >= 1024 && bytes % 1024 == 0)
        snprintf(out, n, "%zu KB", bytes >> 10);
    else
        snprintf(out, n, "%zu byte%s", bytes, bytes == 1 ? "" : "s");
}

static hsok_status_t not_regular(char **errmsg, const char *path, mode_t mode)
{
    if (S_ISDIR(mode))
        return hsok_seterr(errmsg, HSOK_ERR_NOT_REGULAR, "'%s': a directory, not a file", path);
    return hsok_seterr(errmsg, HSOK_ERR_NOT_REGULAR, "'%s': %s, not a regular file", path,
                       hsok_file_type_name((unsigned)mode));
}

static hsok_status_t too_large(char **errmsg, const char *path, size_t max)
{
    char lim[32];
    hsok_format_size(max, lim, sizeof lim);
    return hsok_seterr(errmsg, HSOK_ERR_TOO_LARGE, "'%s': larger than the %s limit", path, lim);
}

hsok_status_t hsok_read_regular_file(const char *path, size_t max, char **data, size_t *len,
                                     char **errmsg)
{
    *data = NULL;
    *len = 0;
    if (max > SIZE_MAX / 4)
        max = SIZE_MAX / 4; /* no overflow in max + 2 and the doubling below */
    /* Decide on the name first: opening a device can have effects of its own (a tape
     * rewinds, a terminal becomes ours); fstat below closes the race with a swapped file. */
    struct stat sb;
    if (stat(path, &sb) != 0)
        return errno_error(errmsg, "cannot open", path, errno);
    if (!S_ISREG(sb.st_mode))
        return not_regular(errmsg, path, sb.st_mode);
    if ((uintmax_t)sb.st_size > (uintmax_t)max)
        return too_large(errmsg, path, max);

    int fd;
    do
        fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return errno_error(errmsg, "cannot open", path, errno);
    hsok_status_t st = HSOK_OK;
    char *p = NULL;
    size_t n = 0;
    if (fstat(fd, &sb) != 0) {
        st = errno_error(errmsg, "cannot read", path, errno);
        goto out;
    }
    if (!S_ISREG(sb.st_mode)) {
        st = not_regular(errmsg, path, sb.st_mode);
        goto out;
    }
    if ((uintmax_t)sb.st_size > (uintmax_t)max) {
        st = too_large(errmsg, path, max);
        goto out;
    }
    /* A regular file does not block, but a network file system may honour the flag: read
     * in the ordinary blocking way from here on. */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);

    /* st_size is a hint (0 for /proc files, stale for a growing file); one byte beyond max
     * tells a file that grew past it. */
    size_t cap = (size_t)sb.st_size + 1 + 1;
    if (cap > max + 2 || cap < 2)
        cap = max + 2;
    if (cap < 4096 && max + 2 > 4096)
        cap = 4096;
    p = malloc(cap);
    if (!p) {
        st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "cannot read '%s': out of memory", path);
        goto out;
    }
    for (;;) {
        if (n + 1 == cap) {
            if (n > max)
                break;
            size_t ncap = cap <= (max + 2) / 2 ? cap * 2 : max + 2;
            char *q = realloc(p, ncap);
            if (!q) {
                st = hsok_seterr(errmsg, HSOK_ERR_NOMEM, "cannot read '%s': out of memory",
                                 path);
                goto out;
            }
            p = q;
            cap = ncap;
        }
        ssize_t got = read(fd, p + n, cap - 1 - n);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            st = errno_error(errmsg, "cannot read", path, errno);
            goto out;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > max)
            break;
    }
    if (n > max) {
        st = too_large(errmsg, path, max);
        goto out;
    }
    p[n] = '\0';
out:
    close(fd);
    if (st != HSOK_OK) {
        free(p);
        return st;
    }
    *data = p;
    *len = n;
    return HSOK_OK;
}

hsok_status_t hsok_source_read(const char *path, hsok_source_t *src, char **errmsg)
{
    memset(src, 0, sizeof *src);
    char *data = NULL;
    size_t len = 0;
    hsok_status_t st = hsok_read_regular_file(path, HSOK_MAX_SOURCE_BYTES, &data, &len, errmsg);
    if (st != HSOK_OK)
        return st;
    st = hsok_source_decode(path, data, len, src, errmsg);
    free(data);
    return st;
}
