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

/* Length of the invalid UTF-8 at u[0..n) (where hsok_utf8_next found no character): the
 * maximal subpart of an ill-formed sequence (Unicode 3.9, as in W3C's decoders), that is a
 * lead byte and the continuation bytes that could still have followed it, or 1. */
static size_t invalid_len(const unsigned char *u, size_t n)
{
    unsigned c = u[0], lo = 0x80, hi = 0xBF;
    size_t need;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80; /* no overlong forms */
        hi = c == 0xED ? 0x9F : 0xBF; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF; /* nothing above U+10FFFF */
    } else {
        return 1;
    }
    size_t k = 1;
    while (k <= need && k < n && u[k] >= lo && u[k] <= hi) {
        k++;
        lo = 0x80;
        hi = 0xBF;
    }
    return k;
}

/* A wide Unicode encoding that a file without a BOM is in, told by its nul bytes: text in a
 * Latin script has a nul in every high byte of UTF-16 (one in two bytes, always on the same
 * side) and three in four bytes of UTF-32. NULL if the nul bytes show no such pattern. */
static const char *wide_encoding(const unsigned char *u, size_t len)
{
    size_t n = len < 65536 ? len : 65536;
    n -= n % 4;
    if (n < 4)
        return NULL;
    size_t z[4] = { 0, 0, 0, 0 };
    for (size_t i = 0; i < n; i++)
        z[i % 4] += u[i] == 0;
    size_t units = n / 4, pairs = n / 2;
    /* UTF-32: the top byte is nul in every character, the next in nearly every one */
    if (len % 4 == 0 && z[3] == units && z[2] * 10 >= units * 9 && z[0] * 10 <= units)
        return "UTF-32LE";
    if (len % 4 == 0 && z[0] == units && z[1] * 10 >= units * 9 && z[3] * 10 <= units)
        return "UTF-32BE";
    size_t odd = z[1] + z[3], even = z[0] + z[2];
    if (odd * 2 >= pairs && even * 20 <= pairs)
        return "UTF-16LE";
    if (even * 2 >= pairs && odd * 20 <= pairs)
        return "UTF-16BE";
    return NULL;
}

/* The encoding a byte order mark at u[0..len) names, or NULL. UTF-32LE's mark starts with
 * UTF-16LE's, so it is looked for first. */
static const char *bom_encoding(const unsigned char *u, size_t len)
{
    if (len >= 4 && !memcmp(u, "\xff\xfe\0\0", 4))
        return "UTF-32LE";
    if (len >= 4 && !memcmp(u, "\0\0\xfe\xff", 4))
        return "UTF-32BE";
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        return "UTF-16LE";
    if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        return "UTF-16BE";
    return NULL;
}

/* UTF-8 with each maximal invalid subpart of u[start..len) replaced by U+FFFD, then LF line
 * ends, into out. */
static int add_replaced(buf_t *out, const unsigned char *u, size_t start, size_t len)
{
    buf_t tmp = BUF_INIT;
    size_t run = start;
    for (size_t i = start; i < len;) {
        size_t k = u[i] < 0x80 ? 1 : hsok_utf8_next((const char *)u + i, len - i, NULL);
        if (k) {
            i += k;
            continue;
        }
        buf_add(&tmp, u + run, i - run);
        buf_add(&tmp, "\xef\xbf\xbd", 3);
        i += invalid_len(u + i, len - i);
        run = i;
    }
    buf_add(&tmp, u + run, len - run);
    int cr = add_lf(out, tmp.data, tmp.len);
    if (tmp.err)
        out->err = 1;
    buf_free(&tmp);
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
    if (len >= 4 && memcmp(bytes, "PK\x03\x04", 4) == 0)
        return hsok_seterr(errmsg, HSOK_ERR_ENCODING,
                           "'%s': a zip archive (Word .docx or ODF?), not text; save it as "
                           "plain UTF-8 text first", name);
    const char *wide = bom_encoding(u, len);
    const void *nul = len ? memchr(bytes, '\0', len) : NULL;
    if (!wide && nul)
        wide = wide_encoding(u, len);
    if (wide)
        return hsok_seterr(errmsg, HSOK_ERR_ENCODING,
                           "'%s': %s text, not UTF-8; convert it first "
                           "(iconv -f %s -t UTF-8 OLD.txt > NEW.txt)", name, wide, wide);
    if (nul)
        return hsok_seterr(errmsg, HSOK_ERR_ENCODING, "'%s': binary data, not text (nul byte %zu)",
                           name, (size_t)((const char *)nul - bytes));

    size_t start = 0;
    hsok_encoding_t enc = HSOK_ENC_UTF8;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        start = 3;
        enc = HSOK_ENC_UTF8_BOM;
    }

    /* valid multi-byte characters against invalid bytes */
    size_t multi = 0, invalid = 0, first = 0;
    for (size_t i = start; i < len;) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = hsok_utf8_next(bytes + i, len - i, NULL);
        if (k) {
            multi++;
            i += k;
            continue;
        }
        k = invalid_len(u + i, len - i);
        if (!invalid)
            first = i;
        invalid += k;
        i += k;
    }

    buf_t out = BUF_INIT;
    if (!invalid) {
        src->had_crlf = add_lf(&out, bytes + start, len - start);
    } else if (enc == HSOK_ENC_UTF8_BOM || (multi > 0 && invalid <= multi)) {
        /* UTF-8 with a few stray bytes (a cut-off character, a byte of another encoding
         * pasted in): those bytes are replaced, and the rest of the text is kept as is
         * rather than read as Windows-1252 */
        src->had_crlf = add_replaced(&out, u, start, len);
        src->invalid_bytes = invalid;
        src->first_invalid = first;
    } else {
        for (size_t i = 0; i < len; i++) {
            unsigned c = u[i];
            if (c >= 0x80 && c < 0xA0 && !cp1252_high[c - 0x80]) {
                buf_free(&out);
                return hsok_seterr(errmsg, HSOK_ERR_ENCODING,
                                   "'%s': not valid UTF-8 or Windows-1252 text (byte %zu)",
                                   name, i);
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
        memset(src, 0, sizeof *src);
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
