// xap.cc — the C wrapper over Xapian declared in xap.h; the only C++ file of libhsok.
//
// Every extern "C" entry point runs its body through guarded(), which catches every exception
// and turns it into a status plus a malloc'd message in one place (map_error()). No exception
// leaves this file: unwinding through C frames is undefined behaviour.

#include <xapian.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
#include "buf.h"
#include "hsok/text.h"
}
#include "xap.h"

#if defined(__SANITIZE_ADDRESS__)
// In sanitizer builds only. libxapian 1.4's Database::check() deletes one of its objects
// through a pointer to a smaller type (AddressSanitizer: new-delete-type-mismatch, 440 vs 432
// bytes, inside libxapian.so); harmless, but it would abort every check. hsok's own C++ code
// (this file) never deletes through a base pointer. ASAN_OPTIONS still overrides this.
extern "C" __attribute__((visibility("default"), used)) const char *__asan_default_options()
{
    return "new_delete_type_mismatch=0";
}
#endif

struct xap_db {
    Xapian::WritableDatabase wdb; // used when writable
    Xapian::Database rdb;         // used when read-only
    std::string path;
    bool writable = false;
    bool in_txn = false;
    // An error met by a call that returns no status (xap_doccount, xap_termfreq): every later
    // call that returns one reports it, so a damaged index is not read as one holding nothing.
    hsok_status_t failed = HSOK_OK;
    std::string failed_msg;
    // A set of shards searched as one (xap_open_shards): each one open on its own, for what
    // Xapian reads from the first only in rdb (metadata). Empty for a single index.
    std::vector<Xapian::Database> shards;
    std::vector<std::string> shard_specs; // as given: a directory or "tcp:HOST:PORT"
    // The value slot that orders documents of equal weight (xap_set_tiebreak), then docid
    Xapian::valueno tie_slot = Xapian::BAD_VALUENO;
    bool xapian_collapse = false; // xap_set_xapian_collapse (tests)

    Xapian::Database &rd() { return writable ? wdb : rdb; }
};

struct xap_doc {
    Xapian::Document doc;
    bool failed = false; // an edit failed: the document is incomplete
    bool nomem = false;  // ... because memory ran out (else Xapian refused an argument)
};

namespace {

// Thrown by the wrapper itself for a malformed argument (NULL query node, read-only db, ...).
struct invalid_arg : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string lower_first(std::string s)
{
    // "Couldn't read" -> "couldn't read", but "EOF reading" stays as it is
    if (!s.empty() && (s.size() < 2 || !std::isupper((unsigned char)s[1])))
        s[0] = (char)std::tolower((unsigned char)s[0]);
    return s;
}

// The Xapian message without its type name, with the system error if there is one.
std::string xapian_msg(const Xapian::Error &e)
{
    std::string m = lower_first(e.get_msg());
    const char *es = e.get_error_string();
    if (es && *es)
        m += std::string(" (") + es + ")";
    return m;
}

// Map the exception being handled to a status and message. Call only from a catch block.
// `opening_ro` is true while opening a database read-only: a missing index is then
// HSOK_ERR_NOT_FOUND rather than a database error.
hsok_status_t map_error(const std::string &path, bool opening_ro, char **errmsg) noexcept
{
    const char *p = path.c_str();
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &) {
        return hsok_seterr(errmsg, HSOK_ERR_LOCKED, "index '%s' is locked by another process", p);
    } catch (const Xapian::DatabaseVersionError &e) {
        return hsok_seterr(errmsg, HSOK_ERR_DB, "cannot open index '%s': %s", p,
                           xapian_msg(e).c_str());
    } catch (const Xapian::DatabaseNotFoundError &e) {
        if (opening_ro)
            return hsok_seterr(errmsg, HSOK_ERR_NOT_FOUND,
                               "no index at '%s': run 'hsok index' first", p);
        return hsok_seterr(errmsg, HSOK_ERR_DB, "cannot open index '%s': %s", p,
                           xapian_msg(e).c_str());
    } catch (const Xapian::DatabaseOpeningError &e) { // an index that exists but is damaged
        return hsok_seterr(errmsg, HSOK_ERR_DB, "cannot open index '%s': %s", p,
                           xapian_msg(e).c_str());
    } catch (const Xapian::DatabaseCreateError &e) {
        return hsok_seterr(errmsg, HSOK_ERR_DB, "cannot create index '%s': %s", p,
                           xapian_msg(e).c_str());
    } catch (const Xapian::DatabaseCorruptError &e) {
        return hsok_seterr(errmsg, HSOK_ERR_DB, "index '%s' is damaged: %s (" XAP_REBUILD ")",
                           p, xapian_msg(e).c_str());
    } catch (const Xapian::DatabaseModifiedError &) {
        return hsok_seterr(errmsg, HSOK_ERR_DB,
                           "index '%s' changed while being read: try again", p);
    } catch (const Xapian::NetworkError &e) { // a remote shard (xap_open_shards)
        return hsok_seterr(errmsg, HSOK_ERR_DB, "cannot reach index server '%s': %s", p,
                           xapian_msg(e).c_str());
    } catch (const Xapian::DatabaseError &e) { // I/O inside the tables
        const std::string &m = e.get_msg();
        if (m.find("writ") != std::string::npos || m.find("sync") != std::string::npos ||
            m.find("space") != std::string::npos) // a full disk: the index itself is fine
            return hsok_seterr(errmsg, HSOK_ERR_DB, "cannot write to index '%s': %s", p,
                               xapian_msg(e).c_str());
        return hsok_seterr(errmsg, HSOK_ERR_DB,
                           "index '%s' cannot be read: %s (" XAP_REBUILD ")",
                           p, xapian_msg(e).c_str());
    } catch (const Xapian::Error &e) {
        return hsok_seterr(errmsg, HSOK_ERR_DB, "index '%s': %s", p, xapian_msg(e).c_str());
    } catch (const std::bad_alloc &) {
        return hsok_seterr(errmsg, HSOK_ERR_NOMEM, "out of memory");
    } catch (const invalid_arg &e) {
        return hsok_seterr(errmsg, HSOK_ERR_INVALID, "%s", e.what());
    } catch (const std::exception &e) {
        // from inside Xapian (std::length_error "basic_string::append" and the like): a
        // damaged table read as if it were sound
        return hsok_seterr(errmsg, HSOK_ERR_DB, "index '%s' cannot be read: %s (" XAP_REBUILD
                           ")", p, e.what());
    } catch (...) {
        return hsok_seterr(errmsg, HSOK_ERR_DB, "index '%s': unknown error", p);
    }
}

// Run f() (returning hsok_status_t) with every exception mapped. A DatabaseModifiedError
// (a read-only db overtaken by a writer) reopens the database and retries once, so f must
// not hand anything out before it has finished. An error a count met before (db->failed) is
// returned instead of running f, unless `after_failure` says to run it anyway.
template <class F>
hsok_status_t guarded(xap_db *db, char **errmsg, F f, bool after_failure = false) noexcept
{
    static const std::string nopath = "(none)";
    const std::string &path = db ? db->path : nopath;
    if (db && db->failed != HSOK_OK && !after_failure)
        return hsok_seterr(errmsg, db->failed, "%s", db->failed_msg.c_str());
    try {
        return f();
    } catch (const Xapian::DatabaseModifiedError &) {
        if (!db)
            return map_error(path, false, errmsg);
        try {
            db->rd().reopen();
            return f();
        } catch (...) {
            return map_error(path, false, errmsg);
        }
    } catch (...) {
        return map_error(path, false, errmsg);
    }
}

// ---- what may be opened as an index ----
//
// An index is a directory of Xapian's glass backend that hsok made. Xapian itself would also
// open a stub database file (or a directory holding XAPIANDB), and a stub line
// `remote :PROGRAM` runs PROGRAM: so every path is looked at here first, and Xapian is only
// ever asked for the glass backend (DB_BACKEND_GLASS), which reads no stub.

// What a path holds.
enum class dir_kind {
    missing, // nothing there: a writer creates the index
    empty,   // an empty directory: a writer creates the index in it
    index,   // a directory with glass's version file (iamglass)
    partial, // only glass's own files, but no iamglass: an index begun and not finished, or
             // one that lost its version file
    other    // a directory holding other files and no index
};

// Glass's own file names: iamglass, flintlock, v.tmp (iamglass being written), *.glass.
bool glass_file(const char *name)
{
    size_t n = std::strlen(name);
    return std::strcmp(name, "iamglass") == 0 || std::strcmp(name, "flintlock") == 0 ||
           std::strcmp(name, "v.tmp") == 0 || (n > 6 && std::strcmp(name + n - 6, ".glass") == 0);
}

std::string sys_error(int e)
{
    return lower_first(std::strerror(e));
}

const char *file_type(mode_t m)
{
    return S_ISREG(m)    ? "a regular file"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISCHR(m) || S_ISBLK(m) ? "a device"
           : S_ISSOCK(m) ? "a socket"
           : S_ISLNK(m)  ? "a symbolic link"
                         : "not a directory";
}

// Look at path without opening anything in it: *kind says what it holds. A path that is not
// a directory (a file, a stub, a FIFO, a device, a symbolic link to nothing) or a directory
// whose glass files are not all regular files is refused with HSOK_ERR_DB. A symbolic link
// to a directory is followed.
hsok_status_t inspect_dir(const std::string &p, dir_kind *kind, char **errmsg)
{
    const char *cp = p.c_str();
    *kind = dir_kind::missing;
    struct stat sb;
    if (lstat(cp, &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return HSOK_OK;
        return hsok_seterr(errmsg, HSOK_ERR_DB, "cannot open index '%s': %s", cp,
                           sys_error(errno).c_str());
    }
    if (S_ISLNK(sb.st_mode) && stat(cp, &sb) != 0)
        return hsok_seterr(errmsg, HSOK_ERR_DB,
                           "'%s' is not an index directory: it is a symbolic link to nothing",
                           cp);
    if (!S_ISDIR(sb.st_mode))
        return hsok_seterr(errmsg, HSOK_ERR_DB, "'%s' is not an index directory: it is %s", cp,
                           file_type(sb.st_mode));
    DIR *d = opendir(cp);
    if (!d)
        return hsok_seterr(errmsg, HSOK_ERR_DB, "cannot open index '%s': %s", cp,
                           sys_error(errno).c_str());
    bool has_version = false, has_glass = false, has_other = false;
    std::string bad;
    struct dirent *e;
    while ((e = readdir(d)) != nullptr) {
        const char *n = e->d_name;
        if (std::strcmp(n, ".") == 0 || std::strcmp(n, "..") == 0)
            continue;
        if (!glass_file(n)) {
            has_other = true;
            continue;
        }
        has_glass = true;
        has_version |= std::strcmp(n, "iamglass") == 0;
        struct stat fb;
        if (bad.empty() && (fstatat(dirfd(d), n, &fb, AT_SYMLINK_NOFOLLOW) != 0 ||
                            !S_ISREG(fb.st_mode)))
            bad = n;
    }
    closedir(d);
    if (!bad.empty())
        return hsok_seterr(errmsg, HSOK_ERR_DB,
                           "'%s' is not an index directory: '%s/%s' is not a regular file", cp,
                           cp, bad.c_str());
    *kind = has_version  ? dir_kind::index
            : has_other ? dir_kind::other
            : has_glass ? dir_kind::partial
                        : dir_kind::empty;
    return HSOK_OK;
}

// Look at path (inspect_dir) and say whether it may be opened: an index, or for a writer also
// nothing or an empty directory (where it creates one). Otherwise the status and message.
hsok_status_t usable_path(const std::string &p, bool writable, char **errmsg)
{
    dir_kind kind;
    hsok_status_t st = inspect_dir(p, &kind, errmsg);
    if (st != HSOK_OK)
        return st;
    const char *cp = p.c_str();
    switch (kind) {
    case dir_kind::index:
        return HSOK_OK;
    case dir_kind::partial: // Xapian itself can neither open nor create over it
        return hsok_seterr(errmsg, HSOK_ERR_DB,
                           "index '%s' is damaged: its version file 'iamglass' is missing "
                           "(" XAP_REBUILD ")",
                           cp);
    case dir_kind::other:
        if (writable)
            return hsok_seterr(errmsg, HSOK_ERR_DB,
                               "'%s' holds other files but no hsok index; give an empty or new "
                               "directory",
                               cp);
        break;
    case dir_kind::missing:
    case dir_kind::empty:
        if (writable)
            return HSOK_OK;
        break;
    }
    return hsok_seterr(errmsg, HSOK_ERR_NOT_FOUND, "no index at '%s': run 'hsok index' first",
                       cp);
}

// After a DatabaseLockError on opening for writing: the index may simply be read-only (no
// write permission, a read-only file system), which Xapian reports as a lock it cannot
// take. Returns the reason, or "" when it is a lock held by another process.
std::string read_only_reason(const std::string &p, const Xapian::DatabaseLockError &e)
{
    for (const std::string &f : {p, p + "/flintlock"}) {
        if (access(f.c_str(), W_OK) != 0 && errno != ENOENT)
            return sys_error(errno);
    }
    if (e.get_msg().find("Couldn't open lockfile") != std::string::npos)
        return xapian_msg(e);
    return std::string();
}

// One line of Xapian's check report fit for a one-line message: bytes that are not printable
// ASCII or valid UTF-8 (a damaged key or value is quoted raw) become '?', and at most about
// 100 bytes are kept.
std::string report_line(const std::string &line)
{
    std::string out;
    for (size_t i = 0; i < line.size() && out.size() < 100;) {
        unsigned char c = (unsigned char)line[i];
        size_t n = c < 0x80 ? 1 : hsok_utf8_next(line.data() + i, line.size() - i, nullptr);
        if (n == 0 || (c < 0x80 && (c < 0x20 || c == 0x7f))) {
            out += '?';
            i++;
        } else {
            out.append(line, i, n);
            i += n;
        }
    }
    if (out.size() < line.size())
        out += "...";
    return lower_first(out);
}

bool ends_with(const std::string &s, const char *suffix)
{
    size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// The first problem in Xapian's check report, with its table ("postlist table: item 3 ends
// outside block"), or "" if the report names none; `exc` is the message of an exception that
// ended the check, if any (reported under the table being checked).
std::string first_problem(const std::string &report, const std::string &exc)
{
    std::istringstream in(report);
    std::string line, table;
    while (std::getline(in, line)) {
        if (line.empty() || ends_with(line, "checked OK") || line == "Not present." ||
            line == "Lazily created, and not yet used." || line == "Continuing check anyway" ||
            ends_with(line, "Full structure check not implemented, checking readability") ||
            line.find(" table errors found: ") != std::string::npos)
            continue;
        if (line.back() == ':' && line.find(' ') == std::string::npos) {
            table = line.substr(0, line.size() - 1);
            continue;
        }
        if (line.compare(0, 36, "Database couldn't be opened for read") == 0 && !exc.empty())
            continue; // the exception says the same, with its table
        return (table.empty() ? "" : table + " table: ") + report_line(line);
    }
    if (exc.empty())
        return std::string();
    return (table.empty() ? "" : table + " table: ") + report_line(exc);
}

// ---- a private copy of an index, for Xapian's check ----
//
// Xapian 1.4's Database::check() opens every table read/write, so it fails on an index the
// user may not write to, and on an index never committed it truncates the tables (O_TRUNC)
// that a writer may be filling. So it runs on a copy of the index's files in a private
// temporary directory, never on the index itself.

void replace_all(std::string &s, const std::string &from, const std::string &to)
{
    if (from.empty())
        return;
    for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
        s.replace(at, from.size(), to);
}

// Remove the files of directory fd `dfd` (which it closes), then the directory at path.
void remove_flat_dir(int dfd, const std::string &path)
{
    if (DIR *d = fdopendir(dfd)) {
        while (struct dirent *e = readdir(d))
            if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    } else {
        close(dfd);
    }
    rmdir(path.c_str());
}

#define SNAPSHOT_PREFIX "hsok-check-"

// The copy lives in $TMPDIR/hsok-check-XXXXXX, locked (flock) while in use. A process killed
// while checking (Ctrl-C, or a crash inside Xapian's check) leaves its copy behind: copies of
// this user's that no process holds and that are over a minute old are removed first.
struct snapshot {
    std::string dir; // the private directory, "" until made
    int fd = -1;     // the directory, flock'ed

    ~snapshot()
    {
        if (!dir.empty() && fd >= 0)
            remove_flat_dir(fd, dir);
    }
};

void sweep_snapshots(const std::string &tmp)
{
    DIR *d = opendir(tmp.c_str());
    if (!d)
        return;
    time_t now = time(nullptr);
    while (struct dirent *e = readdir(d)) {
        if (std::strncmp(e->d_name, SNAPSHOT_PREFIX, sizeof SNAPSHOT_PREFIX - 1) != 0)
            continue;
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat sb;
        if (fd < 0)
            continue;
        if (fstat(fd, &sb) == 0 && sb.st_uid == geteuid() && sb.st_mtime < now - 60 &&
            flock(fd, LOCK_EX | LOCK_NB) == 0)
            remove_flat_dir(fd, tmp + "/" + e->d_name);
        else
            close(fd);
    }
    closedir(d);
}

// Copy the regular file `name` of directory fd `from` (not following a symbolic link, never
// blocking on a FIFO) to directory `to`. On failure returns false; *why says what failed.
bool copy_file(int from, const char *name, const std::string &to, std::string *why)
{
    int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    std::string reason;
    if (in < 0 || fstat(in, &sb) != 0)
        reason = sys_error(errno);
    else if (!S_ISREG(sb.st_mode))
        reason = "not a regular file";
    if (!reason.empty()) {
        *why = std::string("cannot read '") + name + "': " + reason;
        if (in >= 0)
            close(in);
        return false;
    }
    std::string dst = to + "/" + name;
    int out = open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = out >= 0;
    std::vector<char> chunk(1 << 16);
    while (ok) {
        ssize_t n = read(in, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = n == 0;
            if (!ok)
                *why = std::string("cannot read '") + name + "': " + sys_error(errno);
            break;
        }
        for (ssize_t done = 0; ok && done < n;) {
            ssize_t w = write(out, chunk.data() + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            ok = w > 0;
            done += w > 0 ? w : 0;
        }
        if (!ok)
            *why = "cannot write '" + dst + "': " + sys_error(errno);
    }
    if (out < 0)
        *why = "cannot write '" + dst + "': " + sys_error(errno);
    close(in);
    if (out >= 0 && close(out) != 0 && ok) {
        *why = "cannot write '" + dst + "': " + sys_error(errno);
        ok = false;
    }
    return ok;
}

// The bytes of the regular file dir/name ("" if it cannot be read).
std::string file_bytes(int dir, const char *name)
{
    std::string s;
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    if (fd < 0)
        return s;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
        char chunk[4096];
        ssize_t n;
        while ((n = read(fd, chunk, sizeof chunk)) > 0)
            s.append(chunk, (size_t)n);
    }
    close(fd);
    return s;
}

// Copy the index at p (iamglass and the *.glass tables) into a new private directory. A
// writer committing meanwhile changes iamglass: then the copy is taken again.
hsok_status_t take_snapshot(const std::string &p, snapshot *snap, char **errmsg)
{
    const char *env = getenv("TMPDIR");
    std::string tmp = env && *env ? env : "/tmp";
    sweep_snapshots(tmp);
    std::string templ = tmp + "/" SNAPSHOT_PREFIX "XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data()))
        return hsok_seterr(errmsg, HSOK_ERR_IO, "cannot check index '%s': cannot create '%s': %s",
                           p.c_str(), templ.c_str(), sys_error(errno).c_str());
    snap->dir = buf.data();
    snap->fd = open(buf.data(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (snap->fd < 0 || flock(snap->fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (snap->fd < 0)
            rmdir(buf.data());
        return hsok_seterr(errmsg, HSOK_ERR_IO, "cannot check index '%s': cannot use '%s': %s",
                           p.c_str(), buf.data(), sys_error(e).c_str());
    }
    for (int attempt = 0; attempt < 3; attempt++) {
        int dfd = open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = dfd < 0 ? nullptr : fdopendir(dfd);
        if (!d) {
            if (dfd >= 0)
                close(dfd);
            return hsok_seterr(errmsg, HSOK_ERR_IO, "cannot check index '%s': %s", p.c_str(),
                               sys_error(errno).c_str());
        }
        std::string version = file_bytes(dfd, "iamglass"), why;
        bool ok = true;
        while (struct dirent *e = readdir(d)) {
            size_t n = std::strlen(e->d_name);
            if (n > 6 && std::strcmp(e->d_name + n - 6, ".glass") == 0 &&
                !(ok = copy_file(dfd, e->d_name, snap->dir, &why)))
                break;
        }
        bool same = ok && file_bytes(dfd, "iamglass") == version;
        if (same)
            ok = copy_file(dfd, "iamglass", snap->dir, &why) &&
                 file_bytes(dfd, "iamglass") == version;
        closedir(d);
        if (!why.empty())
            return hsok_seterr(errmsg, HSOK_ERR_IO, "cannot check index '%s': %s", p.c_str(),
                               why.c_str());
        if (ok && same)
            return HSOK_OK;
    }
    return hsok_seterr(errmsg, HSOK_ERR_DB,
                       "cannot check index '%s': it changed while being read (is 'hsok index' "
                       "writing to it?): try again when it has finished",
                       p.c_str());
}

// malloc'd copy with a NUL; throws bad_alloc so the guard reports it.
char *dup_bytes(const std::string &s)
{
    char *p = hsok_strndup(s.data(), s.size());
    if (!p)
        throw std::bad_alloc();
    return p;
}

std::string str(const char *s, size_t len)
{
    return s ? std::string(s, len) : std::string();
}

void need_db(const xap_db *db)
{
    if (!db)
        throw invalid_arg("no index");
}

void need_writable(const xap_db *db)
{
    need_db(db);
    if (!db->writable)
        throw invalid_arg("index '" + db->path + "' is open read-only");
}

bool same_query(const xap_query_t *a, const xap_query_t *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->op != b->op || a->nsub != b->nsub || a->scale != b->scale ||
        a->window != b->window || a->term_len != b->term_len ||
        (a->term_len && memcmp(a->term, b->term, a->term_len)))
        return false;
    for (size_t i = 0; i < a->nsub; i++)
        if (!same_query(a->sub[i], b->sub[i]))
            return false;
    return true;
}

Xapian::Query build_query(const xap_query_t *q);

// (A FILTER F) AND_NOT (B FILTER F) as (A AND_NOT B) FILTER F: the same documents and
// weights, and the form libxapian 1.4 matches right over several databases. Given the first,
// it reads uninitialised memory in get_mset when F's terms are missing from one shard (seen
// with valgrind), and a respondent-filtered search over shards found other passages from run
// to run (test_shards). False when q is not of that form.
bool hoist_common_filter(const xap_query_t *q, Xapian::Query &out)
{
    if (q->op != XQ_AND_NOT || q->nsub != 2 || !q->sub || !q->sub[0] || !q->sub[1])
        return false;
    const xap_query_t *a = q->sub[0], *b = q->sub[1];
    if (a->op != XQ_FILTER || b->op != XQ_FILTER || a->nsub < 2 || a->nsub != b->nsub)
        return false;
    for (size_t i = 1; i < a->nsub; i++)
        if (!same_query(a->sub[i], b->sub[i]))
            return false;
    std::vector<Xapian::Query> subs;
    subs.push_back(Xapian::Query(Xapian::Query::OP_AND_NOT, build_query(a->sub[0]),
                                 build_query(b->sub[0])));
    for (size_t i = 1; i < a->nsub; i++)
        subs.push_back(build_query(a->sub[i]));
    out = Xapian::Query(Xapian::Query::OP_FILTER, subs.begin(), subs.end());
    return true;
}

Xapian::Query build_query(const xap_query_t *q)
{
    if (!q)
        throw invalid_arg("query has an empty node");
    Xapian::Query hoisted;
    if (hoist_common_filter(q, hoisted))
        return hoisted;
    std::vector<Xapian::Query> subs;
    subs.reserve(q->nsub);
    if (q->nsub && !q->sub)
        throw invalid_arg("query node has no subqueries");
    for (size_t i = 0; i < q->nsub; i++)
        subs.push_back(build_query(q->sub[i]));

    switch (q->op) {
    case XQ_TERM:
        if (!q->term)
            throw invalid_arg("query term is missing");
        // Xapian reads Query("") as "match everything"; an empty word matches nothing.
        if (!q->term_len)
            return Xapian::Query::MatchNothing;
        return Xapian::Query(std::string(q->term, q->term_len));
    case XQ_AND:
        return Xapian::Query(Xapian::Query::OP_AND, subs.begin(), subs.end());
    case XQ_OR:
        return Xapian::Query(Xapian::Query::OP_OR, subs.begin(), subs.end());
    // Xapian reads these three with several subqueries as sub[0] OP (the rest), where the
    // rest are ORed for AND_NOT and AND_MAYBE and all required for FILTER.
    case XQ_AND_NOT:
        return Xapian::Query(Xapian::Query::OP_AND_NOT, subs.begin(), subs.end());
    case XQ_AND_MAYBE:
        return Xapian::Query(Xapian::Query::OP_AND_MAYBE, subs.begin(), subs.end());
    case XQ_FILTER:
        return Xapian::Query(Xapian::Query::OP_FILTER, subs.begin(), subs.end());
    case XQ_PHRASE:
        return Xapian::Query(Xapian::Query::OP_PHRASE, subs.begin(), subs.end(),
                             (Xapian::termcount)subs.size());
    case XQ_NEAR:
        return Xapian::Query(Xapian::Query::OP_NEAR, subs.begin(), subs.end(), q->window);
    case XQ_SCALE:
        if (subs.size() != 1)
            throw invalid_arg("scaled query needs exactly one subquery");
        if (!(q->scale >= 0))
            throw invalid_arg("scaled query has a negative scale");
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, subs[0], q->scale);
    case XQ_WILDCARD:
        if (!q->term)
            throw invalid_arg("wildcard term is missing");
        return Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(q->term, q->term_len), 200,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    case XQ_ALL:
        return Xapian::Query::MatchAll;
    case XQ_NONE:
        return Xapian::Query::MatchNothing;
    }
    throw invalid_arg("query node has an unknown operator");
}

// Documents whose weights agree to this many parts are ties (tie_order).
#define TIE_QUANTUM 1e-9
// Matches fetched beyond the page, so that a tie across its end is ordered whole.
#define TIE_MARGIN 32

// The order in which to hand out the matches of ms (indices into it): by weight, and among
// ties by the value of `slot`, then as Xapian ranked them. Xapian's own tie order by value
// needs weights exactly equal, but a sum of term weights comes out a unit in the last place
// apart when shards add the terms in another order (each shard orders its OR tree by its own
// term frequencies): weights equal to TIE_QUANTUM are ties here. Only runs of ties that
// reach into the page [first, first + n) are looked at (their values read).
// (weight(k) and value(k): of the k-th match in Xapian's order, size of them)
template <class W, class V>
std::vector<Xapian::doccount> tie_order_by(Xapian::doccount size, W weight, V value,
                                           Xapian::doccount first, Xapian::doccount n)
{
    std::vector<Xapian::doccount> order(size);
    std::vector<long long> q(size);
    for (Xapian::doccount i = 0; i < size; i++) {
        order[i] = i;
        q[i] = std::llround(weight(i) / TIE_QUANTUM);
    }
    for (Xapian::doccount i = 0; i < size && i < first + n;) {
        Xapian::doccount j = i + 1;
        while (j < size && q[j] == q[i])
            j++;
        // a run of weights exactly equal is in order already (Xapian sorts those by slot)
        bool mixed = false;
        for (Xapian::doccount k = i + 1; k < j && !mixed; k++)
            mixed = weight(k) != weight(i);
        if (mixed && j > first) {
            std::vector<std::pair<std::string, Xapian::doccount>> run;
            for (Xapian::doccount k = i; k < j; k++)
                run.emplace_back(value(k), k);
            std::stable_sort(run.begin(), run.end(),
                             [](const std::pair<std::string, Xapian::doccount> &a,
                                const std::pair<std::string, Xapian::doccount> &b) {
                                 return a.first < b.first;
                             });
            for (Xapian::doccount k = i; k < j; k++)
                order[k] = run[k - i].second;
        }
        i = j;
    }
    return order;
}

std::vector<Xapian::doccount> tie_order(const Xapian::MSet &ms, Xapian::valueno slot,
                                        Xapian::doccount first, Xapian::doccount n)
{
    return tie_order_by(
        ms.size(), [&](Xapian::doccount k) { return ms[k].get_weight(); },
        [&](Xapian::doccount k) { return ms[k].get_document().get_value(slot); }, first, n);
}

// Frees a partly built result if the search throws half-way.
struct hits_holder {
    xap_hits_t *h = nullptr;
    ~hits_holder() { xap_hits_free(h); }
};

// ---- a collapsing search that sees every match (xap_search_collapse) ----
//
// When Xapian checks every match (check_at_least at least the documents), its collapser keeps,
// of each collapse key, the match that ranks first, counts the others of the key on it, and
// the search keeps the `want` best of those; the count is one per key (and per match without
// one), exact when fewer than `want` were kept or when the query's upper bound is the number
// of matches (multimatch.cc, collapser.cc of Xapian 1.4). It does so reading the collapse key
// and, sorting by relevance then value, the tie value of every match into strings it copies
// around a heap: about three quarters of a frequent word's search. collapse_all gets the same
// from one pass with a match spy that reads only the collapse key (the tie value only of matches
// whose weight another match has too) and groups the keys in a hash table.

struct cmatch {
    Xapian::docid did;
    double wt;
    size_t key, key_len; // the collapse key, in the spy's arena
};

struct collect_spy : Xapian::MatchSpy {
    std::vector<cmatch> &out;
    std::string &arena;
    Xapian::valueno slot;
    collect_spy(std::vector<cmatch> &o, std::string &a, Xapian::valueno s)
        : out(o), arena(a), slot(s)
    {
    }
    void operator()(const Xapian::Document &doc, double wt) override
    {
        std::string v = doc.get_value(slot);
        out.push_back(cmatch{ doc.get_docid(), wt, arena.size(), v.size() });
        arena += v;
    }
};

// The values of `slot` of the documents dids (ascending), read along the value stream.
std::vector<std::string> values_of(Xapian::Database &d, Xapian::valueno slot,
                                   const std::vector<Xapian::docid> &dids)
{
    std::vector<std::string> v(dids.size());
    Xapian::ValueIterator it = d.valuestream_begin(slot), end = d.valuestream_end(slot);
    for (size_t i = 0; i < dids.size() && it != end; i++) {
        it.skip_to(dids[i]);
        if (it != end && it.get_docid() == dids[i])
            v[i] = *it;
    }
    return v;
}

// The hits [offset, offset + limit) of get_mset(0, want, check) for query with the collapse
// key cslot, relevance order and ties by db->tie_slot (if set), where check is at least the
// number of documents of the single index db.
xap_hits_t *collapse_all(xap_db *db, const Xapian::Query &query, Xapian::valueno cslot,
                         Xapian::doccount offset, Xapian::doccount limit, Xapian::doccount want,
                         Xapian::doccount check)
{
    Xapian::Database &d = db->rd();
    std::vector<cmatch> m;
    std::string arena;
    {
        collect_spy spy(m, arena, cslot);
        Xapian::Enquire enq(d);
        enq.set_query(query);
        enq.set_weighting_scheme(Xapian::BM25Weight());
        enq.add_matchspy(&spy);
        if (check)
            enq.get_mset(0, 0, check);
    }
    const size_t nm = m.size();
    // the tie value of each match whose weight another match has (only those are compared)
    bool ties = db->tie_slot != Xapian::BAD_VALUENO;
    std::vector<std::string> tv(ties ? nm : 0);
    if (ties && nm > 1) {
        std::vector<std::pair<double, size_t>> byw(nm);
        for (size_t i = 0; i < nm; i++)
            byw[i] = { m[i].wt, i };
        std::sort(byw.begin(), byw.end());
        std::vector<char> is_tied(nm, 0);
        for (size_t i = 0; i < nm;) {
            size_t j = i + 1;
            while (j < nm && byw[j].first == byw[i].first)
                j++;
            for (size_t k = i; j - i > 1 && k < j; k++)
                is_tied[byw[k].second] = 1;
            i = j;
        }
        std::vector<size_t> tied;
        for (size_t i = 0; i < nm; i++)
            if (is_tied[i])
                tied.push_back(i);
        // (the spy sees one index's matches in docid order)
        auto by_did = [&](size_t a, size_t b) { return m[a].did < m[b].did; };
        if (!std::is_sorted(tied.begin(), tied.end(), by_did))
            std::sort(tied.begin(), tied.end(), by_did);
        std::vector<Xapian::docid> dids(tied.size());
        for (size_t i = 0; i < tied.size(); i++)
            dids[i] = m[tied[i]].did;
        std::vector<std::string> v = values_of(d, db->tie_slot, dids);
        for (size_t i = 0; i < tied.size(); i++)
            tv[tied[i]].swap(v[i]);
    }
    // Xapian's order (msetcmp_by_relevance_then_value, ascending values, forward docids)
    auto before = [&](size_t a, size_t b) {
        if (m[a].wt != m[b].wt)
            return m[a].wt > m[b].wt;
        if (ties) {
            int c = tv[a].compare(tv[b]);
            if (c)
                return c < 0;
        }
        return m[a].did < m[b].did;
    };
    // groups: the first match of each key, the best of it, and how many others it has
    std::vector<size_t> rep;           // per group: the match that represents it
    std::vector<Xapian::doccount> dup; // per group: other matches with its key
    std::vector<uint32_t> slots;       // open addressing over groups + 1, at most half full
    size_t mask = 0;
    if (nm) {
        size_t ns = 16;
        while (ns < nm * 2)
            ns *= 2;
        slots.assign(ns, 0);
        mask = ns - 1;
    }
    for (size_t i = 0; i < nm; i++) {
        const cmatch &c = m[i];
        if (!c.key_len) { // no key: a group of its own
            rep.push_back(i);
            dup.push_back(0);
            continue;
        }
        const char *k = arena.data() + c.key;
        size_t at = (size_t)hsok_hash64(k, c.key_len) & mask;
        for (;; at = (at + 1) & mask) {
            if (!slots[at]) {
                rep.push_back(i);
                dup.push_back(0);
                slots[at] = (uint32_t)rep.size();
                break;
            }
            size_t g = slots[at] - 1;
            const cmatch &r = m[rep[g]];
            if (r.key_len == c.key_len && !memcmp(arena.data() + r.key, k, c.key_len)) {
                dup[g]++;
                if (before(i, rep[g]))
                    rep[g] = i;
                break;
            }
        }
    }
    const size_t groups = rep.size();
    size_t kept = groups < want ? groups : want;
    // the groups in the order of their best matches, the first `kept` of them
    std::vector<size_t> order(groups);
    for (size_t g = 0; g < groups; g++)
        order[g] = g;
    std::partial_sort(order.begin(), order.begin() + (long)kept, order.end(),
                      [&](size_t a, size_t b) { return before(rep[a], rep[b]); });
    order.resize(kept);

    hits_holder hold;
    hold.h = (xap_hits_t *)calloc(1, sizeof *hold.h);
    if (!hold.h)
        throw std::bad_alloc();
    hold.h->estimated = groups;
    hold.h->count = groups;
    hold.h->passages = nm;
    hold.h->passages_exact = 1;
    if (groups < want) {
        hold.h->count_exact = 1;
    } else {
        // Xapian's upper bound is the query's, less the matches folded into others
        Xapian::Enquire enq(d);
        enq.set_query(query);
        enq.set_weighting_scheme(Xapian::BM25Weight());
        hold.h->count_exact = enq.get_mset(0, 0, (Xapian::doccount)0).get_matches_upper_bound() == nm;
    }
    Xapian::doccount first = offset < kept ? offset : (Xapian::doccount)kept;
    Xapian::doccount n = kept - first < limit ? (Xapian::doccount)kept - first : limit;
    if (n) {
        hold.h->hits = (xap_hit_t *)calloc(n, sizeof *hold.h->hits);
        if (!hold.h->hits)
            throw std::bad_alloc();
    }
    std::vector<Xapian::doccount> torder;
    if (ties)
        torder = tie_order_by(
            (Xapian::doccount)kept, [&](Xapian::doccount k) { return m[rep[order[k]]].wt; },
            [&](Xapian::doccount k) {
                size_t i = rep[order[k]];
                return tv[i].empty() ? d.get_document(m[i].did).get_value(db->tie_slot)
                                     : tv[i];
            },
            first, n);
    for (; hold.h->n < n;) {
        size_t g = order[ties ? torder[first + hold.h->n] : first + hold.h->n];
        const cmatch &c = m[rep[g]];
        xap_hit_t *hit = &hold.h->hits[hold.h->n];
        std::string s = d.get_document(c.did).get_data();
        hit->data = dup_bytes(s);
        hit->data_len = s.size();
        hit->docid = c.did;
        hit->score = c.wt;
        hit->collapsed = dup[g];
        hold.h->n++;
    }
    xap_hits_t *h = hold.h;
    hold.h = nullptr;
    return h;
}

} // namespace

extern "C" {

hsok_status_t xap_open(const char *path, int writable, xap_db_t **out, char **errmsg)
{
    *out = nullptr;
    std::string p;
    try {
        if (!path)
            return hsok_seterr(errmsg, HSOK_ERR_INVALID, "no index path given");
        p = path;
        hsok_status_t st = usable_path(p, writable != 0, errmsg);
        if (st != HSOK_OK)
            return st;
        xap_db *db = new xap_db;
        db->path = p;
        db->writable = writable != 0;
        try {
            if (db->writable)
                db->wdb = Xapian::WritableDatabase(
                    p, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
            else
                db->rdb = Xapian::Database(p, Xapian::DB_BACKEND_GLASS);
        } catch (...) {
            delete db;
            throw;
        }
        *out = db;
        return HSOK_OK;
    } catch (const Xapian::DatabaseLockError &e) {
        std::string why = writable ? read_only_reason(p, e) : std::string();
        if (!why.empty())
            return hsok_seterr(errmsg, HSOK_ERR_DB, "index '%s' is read-only: %s", p.c_str(),
                               why.c_str());
        return map_error(p, !writable, errmsg);
    } catch (...) {
        return map_error(p, !writable, errmsg);
    }
}

} // extern "C"

namespace {

// "tcp:HOST:PORT" (HOST may be "[v6 address]"): true with host and port filled in.
bool parse_tcp(const std::string &spec, std::string *host, unsigned *port)
{
    if (spec.compare(0, 4, "tcp:") != 0)
        return false;
    size_t colon = spec.rfind(':');
    if (colon <= 4)
        return false;
    std::string h = spec.substr(4, colon - 4), ps = spec.substr(colon + 1);
    if (h.size() > 2 && h.front() == '[' && h.back() == ']')
        h = h.substr(1, h.size() - 2);
    if (h.empty() || ps.empty() || ps.size() > 5 ||
        ps.find_first_not_of("0123456789") != std::string::npos)
        return false;
    unsigned long v = std::strtoul(ps.c_str(), nullptr, 10);
    if (v == 0 || v > 65535)
        return false;
    *host = h;
    *port = (unsigned)v;
    return true;
}

} // namespace

extern "C" {

hsok_status_t xap_open_shards(const char *const *specs, size_t n, xap_db_t **out,
                              char **errmsg)
{
    *out = nullptr;
    std::string p; // the shard being opened, for messages
    try {
        if (!specs || !n)
            return hsok_seterr(errmsg, HSOK_ERR_INVALID, "no index path given");
        std::unique_ptr<xap_db> db(new xap_db);
        for (size_t i = 0; i < n; i++) {
            p = specs[i] ? specs[i] : "";
            if (p.empty())
                return hsok_seterr(errmsg, HSOK_ERR_INVALID,
                                   "no index directory given: the path is empty");
            std::string host;
            unsigned port = 0;
            Xapian::Database sub;
            if (p.compare(0, 4, "tcp:") == 0) {
                if (!parse_tcp(p, &host, &port))
                    return hsok_seterr(errmsg, HSOK_ERR_INVALID,
                                       "'%s' is not a remote index: write tcp:HOST:PORT",
                                       p.c_str());
                // TCP only: Xapian's "remote :PROGRAM" (a program run) is never opened
                sub = Xapian::Remote::open(host, port, 30000, 10000);
            } else {
                hsok_status_t st = usable_path(p, false, errmsg);
                if (st != HSOK_OK)
                    return st;
                sub = Xapian::Database(p, Xapian::DB_BACKEND_GLASS);
            }
            db->rdb.add_database(sub);
            db->shards.push_back(sub);
            db->shard_specs.push_back(p);
            if (i)
                db->path += ", ";
            db->path += p;
        }
        if (n == 1) { // one shard: what Xapian reads from the first is all there is
            db->shards.clear();
            db->shard_specs.clear();
        }
        *out = db.release();
        return HSOK_OK;
    } catch (...) {
        return map_error(p, true, errmsg);
    }
}

void xap_set_xapian_collapse(xap_db_t *db, int on)
{
    if (db)
        db->xapian_collapse = on != 0;
}

void xap_set_tiebreak(xap_db_t *db, int slot)
{
    if (db)
        db->tie_slot = slot < 0 ? Xapian::BAD_VALUENO : (Xapian::valueno)slot;
}

size_t xap_shard_count(xap_db_t *db)
{
    return db && !db->shards.empty() ? db->shards.size() : 1;
}

const char *xap_shard_path(xap_db_t *db, size_t i)
{
    if (!db)
        return nullptr;
    if (db->shards.empty())
        return i == 0 ? db->path.c_str() : nullptr;
    if (i >= db->shard_specs.size() || db->shard_specs[i].compare(0, 4, "tcp:") == 0)
        return nullptr;
    return db->shard_specs[i].c_str();
}

const char *xap_shard_name(xap_db_t *db, size_t i)
{
    if (!db)
        return nullptr;
    if (db->shards.empty())
        return i == 0 ? db->path.c_str() : nullptr;
    return i < db->shard_specs.size() ? db->shard_specs[i].c_str() : nullptr;
}

hsok_status_t xap_check(const char *path, int strict, unsigned *docs, char **report,
                        char **errmsg)
{
    if (docs)
        *docs = 0;
    if (report)
        *report = nullptr;
    std::string p;
    try {
        if (!path || !*path)
            return hsok_seterr(errmsg, HSOK_ERR_INVALID, "no index path given");
        p = path;
        hsok_status_t st = usable_path(p, false, errmsg);
        if (st != HSOK_OK)
            return st;
        snapshot snap;
        st = take_snapshot(p, &snap, errmsg);
        if (st != HSOK_OK)
            return st;
        const std::string &c = snap.dir;
        std::ostringstream out;
        std::string exc, problem;
        size_t errors = 0;
        try {
            errors = Xapian::Database::check(c, 0, &out);
        } catch (const Xapian::Error &e) {
            exc = xapian_msg(e);
        } catch (const std::bad_alloc &) {
            throw;
        } catch (const std::exception &e) {
            exc = e.what();
        }
        std::string text = out.str();
        replace_all(text, c, p); // messages name the index, not the copy
        replace_all(exc, c, p);
        if (errors || !exc.empty()) {
            problem = first_problem(text, exc);
            if (problem.empty())
                problem = std::to_string(errors) + " problems found by Xapian's check";
        } else if (strict && access((c + "/termlist.glass").c_str(), F_OK) != 0) {
            // Xapian takes a missing termlist for an index made without one
            problem = "termlist table: 'termlist.glass' is missing";
        } else {
            try {
                Xapian::Database db(c, Xapian::DB_BACKEND_GLASS);
                if (docs)
                    *docs = db.get_doccount();
                // hsok keeps every passage's record as its document data; the table that
                // holds them counts as optional for Xapian, which so misses its loss
                for (Xapian::PostingIterator it = db.postlist_begin("");
                     strict && it != db.postlist_end(""); ++it) {
                    if (db.get_document(*it).get_data().empty()) {
                        problem = "document " + std::to_string(*it) +
                                  " has no stored passage: 'docdata.glass' is missing or "
                                  "damaged";
                        break;
                    }
                }
            } catch (const Xapian::Error &e) {
                problem = xapian_msg(e);
                replace_all(problem, c, p);
                problem = report_line(problem);
            }
        }
        if (report)
            *report = dup_bytes(text);
        if (!problem.empty()) {
            if (docs)
                *docs = 0;
            return hsok_seterr(errmsg, HSOK_ERR_DB,
                               "index '%s' is damaged: %s (" XAP_REBUILD ")", path,
                               problem.c_str());
        }
        return HSOK_OK;
    } catch (...) {
        if (report) {
            free(*report);
            *report = nullptr;
        }
        return map_error(p, true, errmsg);
    }
}

hsok_status_t xap_close(xap_db_t *db, char **errmsg)
{
    if (!db)
        return HSOK_OK;
    hsok_status_t st = guarded(db, errmsg, [&] {
        if (db->writable) {
            // A transaction left open by the caller is abandoned, not half-committed.
            if (db->in_txn) {
                db->in_txn = false;
                db->wdb.cancel_transaction();
            }
            db->wdb.commit();
        }
        db->rd().close();
        return HSOK_OK;
    }, true);
    try {
        delete db; // destructors of closed databases do not throw
    } catch (...) {
    }
    return st;
}

hsok_status_t xap_commit(xap_db_t *db, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        db->wdb.commit();
        return HSOK_OK;
    });
}

// Unflushed transactions: a file's changes are applied all together or not at all, and they
// reach the disk at the next xap_commit (hsok commits after each MB of passage text and at
// close) — a flushed transaction per file would write the changed B-tree blocks for every
// file, and index a few MB of responses at under 0.1 MB/s. Caveat: cancelling also discards
// the changes made since the last commit (Xapian's rule); those files have no "file:" record
// either, so the next `hsok index` indexes them again.
hsok_status_t xap_begin(xap_db_t *db, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        if (db->in_txn)
            throw invalid_arg("index '" + db->path + "' is already in a transaction");
        db->wdb.begin_transaction(false);
        db->in_txn = true;
        return HSOK_OK;
    });
}

hsok_status_t xap_end(xap_db_t *db, int commit, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        if (!db->in_txn)
            throw invalid_arg("index '" + db->path + "' is not in a transaction");
        // Whatever happens, the transaction is over (Xapian ends it even when commit throws).
        db->in_txn = false;
        if (commit)
            db->wdb.commit_transaction();
        else
            db->wdb.cancel_transaction();
        return HSOK_OK;
    });
}

xap_doc_t *xap_doc_new(void)
{
    try {
        return new xap_doc;
    } catch (...) {
        return nullptr;
    }
}

void xap_doc_free(xap_doc_t *doc)
{
    try {
        delete doc;
    } catch (...) {
    }
}

} // extern "C"

namespace {

// Run a document edit; any failure marks the document unusable.
template <class F> int doc_edit(xap_doc_t *doc, F f) noexcept
{
    if (!doc || doc->failed)
        return -1;
    try {
        f();
        return 0;
    } catch (const std::bad_alloc &) {
        doc->failed = doc->nomem = true;
        return -1;
    } catch (...) {
        doc->failed = true;
        return -1;
    }
}

} // namespace

extern "C" {

int xap_doc_add_posting(xap_doc_t *doc, const char *term, size_t len, unsigned pos, unsigned wdf)
{
    return doc_edit(doc, [&] { doc->doc.add_posting(str(term, len), pos, wdf); });
}

int xap_doc_add_term(xap_doc_t *doc, const char *term, size_t len, unsigned wdf)
{
    return doc_edit(doc, [&] { doc->doc.add_term(str(term, len), wdf); });
}

int xap_doc_add_boolean(xap_doc_t *doc, const char *term, size_t len)
{
    return doc_edit(doc, [&] { doc->doc.add_boolean_term(str(term, len)); });
}

int xap_doc_set_value(xap_doc_t *doc, unsigned slot, const char *val, size_t len)
{
    return doc_edit(doc, [&] { doc->doc.add_value(slot, str(val, len)); });
}

int xap_doc_set_data(xap_doc_t *doc, const char *data, size_t len)
{
    return doc_edit(doc, [&] { doc->doc.set_data(str(data, len)); });
}

hsok_status_t xap_add(xap_db_t *db, xap_doc_t *doc, unsigned *docid, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        if (!doc)
            throw invalid_arg("no document to add");
        if (doc->nomem)
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM,
                               "cannot add document to '%s': out of memory", db->path.c_str());
        if (doc->failed)
            return hsok_seterr(errmsg, HSOK_ERR_INVALID,
                               "cannot add document to '%s': it holds an invalid term or value",
                               db->path.c_str());
        Xapian::docid id = db->wdb.add_document(doc->doc);
        if (docid)
            *docid = id;
        return HSOK_OK;
    });
}

hsok_status_t xap_replace(xap_db_t *db, unsigned docid, xap_doc_t *doc, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        if (!doc || !docid)
            throw invalid_arg("no document to replace");
        if (doc->nomem)
            return hsok_seterr(errmsg, HSOK_ERR_NOMEM,
                               "cannot replace document in '%s': out of memory",
                               db->path.c_str());
        if (doc->failed)
            return hsok_seterr(errmsg, HSOK_ERR_INVALID,
                               "cannot replace document in '%s': it holds an invalid term or value",
                               db->path.c_str());
        db->wdb.replace_document(docid, doc->doc);
        return HSOK_OK;
    });
}

hsok_status_t xap_delete_term(xap_db_t *db, const char *term, size_t len, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        db->wdb.delete_document(str(term, len));
        return HSOK_OK;
    });
}

hsok_status_t xap_add_spelling(xap_db_t *db, const char *word, size_t len, unsigned freq,
                               char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        if (len)
            db->wdb.add_spelling(str(word, len), freq ? freq : 1);
        return HSOK_OK;
    });
}

namespace {
// Set the table's count of w to its collection frequency if that is at least min_freq, else
// take w out; `have` is what the table holds now
void spelling_set(Xapian::WritableDatabase &d, const std::string &w, Xapian::termcount have,
                  Xapian::termcount cf, unsigned min_freq)
{
    Xapian::termcount want = cf >= min_freq ? cf : 0;
    if (want > have)
        d.add_spelling(w, want - have);
    else if (want < have)
        d.remove_spelling(w, have - want);
}

// Hand the collected terms (term, number) to fn until it returns nonzero. Terms are collected
// before the first call: guarded() may retry its body, and nothing may be handed out twice.
using counted_terms = std::vector<std::pair<std::string, unsigned>>;
void hand_out(const counted_terms &terms, int (*fn)(void *, const char *, size_t, unsigned),
              void *ctx)
{
    for (const auto &t : terms)
        if (fn(ctx, t.first.data(), t.first.size(), t.second))
            break;
}
} // namespace

hsok_status_t xap_spelling_sync(xap_db_t *db, const char *word, size_t len, unsigned min_freq,
                                long delta, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        if (!len || !delta)
            return HSOK_OK;
        std::string w = str(word, len);
        // the collection frequency counts the changes not yet committed
        long cf = (long)db->wdb.get_collection_freq(w), before = cf - delta;
        Xapian::termcount have = before >= (long)min_freq ? (Xapian::termcount)before : 0;
        spelling_set(db->wdb, w, have, (Xapian::termcount)cf, min_freq);
        return HSOK_OK;
    });
}

hsok_status_t xap_spelling_resync(xap_db_t *db, unsigned min_freq, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        std::vector<std::pair<std::string, Xapian::termcount>> words;
        for (Xapian::TermIterator it = db->wdb.spellings_begin(); it != db->wdb.spellings_end();
             ++it)
            words.emplace_back(*it, it.get_termfreq());
        for (const auto &w : words)
            spelling_set(db->wdb, w.first, w.second, db->wdb.get_collection_freq(w.first),
                         min_freq);
        return HSOK_OK;
    });
}

hsok_status_t xap_doc_terms(xap_db_t *db, const char *term, size_t len,
                            int (*fn)(void *ctx, const char *t, size_t n, unsigned wdf),
                            void *ctx, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_db(db);
        Xapian::Database &d = db->rd();
        std::string t = str(term, len);
        counted_terms terms;
        for (Xapian::PostingIterator p = d.postlist_begin(t); p != d.postlist_end(t); ++p)
            for (Xapian::TermIterator it = d.termlist_begin(*p); it != d.termlist_end(*p); ++it)
                terms.emplace_back(*it, it.get_wdf());
        hand_out(terms, fn, ctx);
        return HSOK_OK;
    });
}

hsok_status_t xap_spelling(xap_db_t *db, const char *word, size_t len, char **out, char **errmsg)
{
    *out = nullptr;
    return guarded(db, errmsg, [&] {
        need_db(db);
        std::string s = db->rd().get_spelling_suggestion(str(word, len), 2);
        *out = s.empty() ? nullptr : dup_bytes(s);
        return HSOK_OK;
    });
}

hsok_status_t xap_get_meta(xap_db_t *db, const char *key, char **val, char **errmsg)
{
    *val = nullptr;
    return guarded(db, errmsg, [&] {
        need_db(db);
        if (!key || !*key)
            throw invalid_arg("empty metadata key");
        if (db->shards.empty()) {
            *val = dup_bytes(db->rd().get_metadata(key));
            return HSOK_OK;
        }
        // Xapian reads a combined database's metadata from its first shard only: the first
        // shard that has the key answers (a file's record lives in the shard that holds it)
        std::string v;
        for (size_t i = 0; i < db->shards.size() && v.empty(); i++)
            v = db->shards[i].get_metadata(key);
        *val = dup_bytes(v);
        return HSOK_OK;
    });
}

hsok_status_t xap_get_meta_in(xap_db_t *db, size_t shard, const char *key, char **val,
                              char **errmsg)
{
    *val = nullptr;
    return guarded(db, errmsg, [&] {
        need_db(db);
        if (!key || !*key)
            throw invalid_arg("empty metadata key");
        if (shard >= xap_shard_count(db))
            throw invalid_arg("no such shard");
        Xapian::Database &d = db->shards.empty() ? db->rd() : db->shards[shard];
        *val = dup_bytes(d.get_metadata(key));
        return HSOK_OK;
    });
}

hsok_status_t xap_set_meta(xap_db_t *db, const char *key, const char *val, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        if (!key || !*key)
            throw invalid_arg("empty metadata key");
        db->wdb.set_metadata(key, val ? val : "");
        return HSOK_OK;
    });
}

} // extern "C"

namespace {

// xap_meta_keys over shard `only` (SIZE_MAX: every shard)
hsok_status_t meta_keys(xap_db_t *db, size_t only, const char *prefix,
                        int (*fn)(void *ctx, const char *key), void *ctx, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_db(db);
        std::vector<std::string> keys;
        std::string pfx = prefix ? prefix : "";
        // a combined database lists the keys of its first shard only: list every shard's
        // (each list sorted; merged, sorted and without repeats)
        size_t ns = db->shards.empty() ? 1 : db->shards.size();
        if (only != SIZE_MAX && only >= ns)
            throw invalid_arg("no such shard");
        for (size_t i = 0; i < ns; i++) {
            if (only != SIZE_MAX && i != only)
                continue;
            Xapian::Database &d = db->shards.empty() ? db->rd() : db->shards[i];
            for (Xapian::TermIterator it = d.metadata_keys_begin(pfx);
                 it != d.metadata_keys_end(pfx); ++it)
                keys.push_back(*it);
        }
        if (ns > 1) {
            std::sort(keys.begin(), keys.end());
            keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        }
        for (const std::string &k : keys)
            if (fn(ctx, k.c_str()))
                break;
        return HSOK_OK;
    });
}

} // namespace

extern "C" {

hsok_status_t xap_meta_keys(xap_db_t *db, const char *prefix,
                            int (*fn)(void *ctx, const char *key), void *ctx, char **errmsg)
{
    return meta_keys(db, SIZE_MAX, prefix, fn, ctx, errmsg);
}

hsok_status_t xap_meta_keys_in(xap_db_t *db, size_t shard, const char *prefix,
                               int (*fn)(void *ctx, const char *key), void *ctx, char **errmsg)
{
    return meta_keys(db, shard, prefix, fn, ctx, errmsg);
}

hsok_status_t xap_terms(xap_db_t *db, const char *prefix, size_t prefix_len,
                        int (*fn)(void *ctx, const char *term, size_t len, unsigned freq),
                        void *ctx, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_db(db);
        Xapian::Database &d = db->rd();
        std::string pfx = str(prefix, prefix_len);
        counted_terms terms;
        for (Xapian::TermIterator it = d.allterms_begin(pfx); it != d.allterms_end(pfx); ++it)
            terms.emplace_back(*it, it.get_termfreq());
        hand_out(terms, fn, ctx);
        return HSOK_OK;
    });
}

hsok_status_t xap_set_boolean(xap_db_t *db, unsigned docid, const char *term, size_t len, int on,
                              char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        std::string t = str(term, len);
        Xapian::Document doc = db->wdb.get_document(docid);
        Xapian::TermIterator it = doc.termlist_begin();
        it.skip_to(t);
        bool has = it != doc.termlist_end() && *it == t;
        if (on && !has)
            doc.add_boolean_term(t);
        else if (!on && has)
            doc.remove_term(t);
        else
            return HSOK_OK;
        db->wdb.replace_document(docid, doc);
        return HSOK_OK;
    });
}

hsok_status_t xap_set_value(xap_db_t *db, unsigned docid, unsigned slot, const char *val,
                            size_t len, char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        std::string v = str(val, len);
        Xapian::Document doc = db->wdb.get_document(docid);
        if (doc.get_value(slot) == v)
            return HSOK_OK;
        doc.add_value(slot, v);
        db->wdb.replace_document(docid, doc);
        return HSOK_OK;
    });
}

} // extern "C"

namespace {

// guarded() for a call that returns no status: its error is kept in db->failed for the next
// call that does (the first one met is kept).
template <class F> void guarded_count(xap_db *db, F f) noexcept
{
    char *err = nullptr;
    hsok_status_t st = guarded(db, &err, f);
    if (st != HSOK_OK && db && db->failed == HSOK_OK) {
        try {
            db->failed_msg = err ? err : hsok_status_str(st);
            db->failed = st;
        } catch (...) {
            db->failed = HSOK_ERR_NOMEM;
        }
    }
    free(err);
}

} // namespace

extern "C" {

unsigned xap_doccount(xap_db_t *db)
{
    unsigned n = 0;
    guarded_count(db, [&] {
        need_db(db);
        n = db->rd().get_doccount();
        return HSOK_OK;
    });
    return n;
}

unsigned xap_termfreq(xap_db_t *db, const char *term, size_t len)
{
    unsigned n = 0;
    guarded_count(db, [&] {
        need_db(db);
        n = db->rd().get_termfreq(str(term, len));
        return HSOK_OK;
    });
    return n;
}

hsok_status_t xap_set_data(xap_db_t *db, unsigned docid, const char *data, size_t len,
                           char **errmsg)
{
    return guarded(db, errmsg, [&] {
        need_writable(db);
        Xapian::Document doc = db->wdb.get_document(docid);
        doc.set_data(str(data, len));
        db->wdb.replace_document(docid, doc);
        return HSOK_OK;
    });
}

hsok_status_t xap_data_by_docid(xap_db_t *db, unsigned docid, char **data, size_t *len,
                                char **errmsg)
{
    *data = nullptr;
    *len = 0;
    return guarded(db, errmsg, [&] {
        need_db(db);
        std::string s = db->rd().get_document(docid).get_data();
        *data = dup_bytes(s);
        *len = s.size();
        return HSOK_OK;
    });
}

hsok_status_t xap_data_by_term(xap_db_t *db, const char *term, size_t tlen, char **data,
                               size_t *len, char **errmsg)
{
    *data = nullptr;
    if (len)
        *len = 0;
    return guarded(db, errmsg, [&] {
        need_db(db);
        Xapian::Database &d = db->rd();
        std::string t = str(term, tlen);
        Xapian::PostingIterator it = d.postlist_begin(t);
        if (it == d.postlist_end(t))
            return hsok_seterr(errmsg, HSOK_ERR_NOT_FOUND, "no document for '%s' in '%s'",
                               t.c_str(), db->path.c_str());
        std::string s = d.get_document(*it).get_data();
        *data = dup_bytes(s);
        if (len)
            *len = s.size();
        return HSOK_OK;
    });
}

hsok_status_t xap_search(xap_db_t *db, const xap_query_t *q, unsigned offset, unsigned limit,
                         int sort_slot, xap_hits_t **out, char **errmsg)
{
    return xap_search_collapse(db, q, offset, limit, sort_slot, -1, out, errmsg);
}

hsok_status_t xap_search_collapse(xap_db_t *db, const xap_query_t *q, unsigned offset,
                                  unsigned limit, int sort_slot, int collapse_slot,
                                  xap_hits_t **out, char **errmsg)
{
    *out = nullptr;
    return guarded(db, errmsg, [&] {
        need_db(db);
        Xapian::Enquire enq(db->rd());
        Xapian::Query query = build_query(q);
        enq.set_query(query);
        enq.set_weighting_scheme(Xapian::BM25Weight());
        if (sort_slot >= 0)
            enq.set_sort_by_value_then_relevance((Xapian::valueno)sort_slot, false);
        else if (db->tie_slot != Xapian::BAD_VALUENO) // (a KeyMaker is not for remotes)
            enq.set_sort_by_relevance_then_value(db->tie_slot, false);
        if (collapse_slot >= 0)
            enq.set_collapse_key((Xapian::valueno)collapse_slot);
        // check every match on an index of modest size, so the counts are exact; on a
        // larger one enough documents for the page (the counts are then lower bounds)
        Xapian::doccount check = offset + limit > 1000 ? offset + limit : 1000;
        Xapian::doccount docs = db->rd().get_doccount();
        Xapian::doccount want0 = check;
        // With a collapse key Xapian knows duplicates only among the documents it keeps, so a
        // short page ("-n 1") overcounts passages that collapse into one: when collapsing,
        // keep `check` documents and hand out only the page
        Xapian::doccount want = offset + limit;
        bool ties = sort_slot < 0 && db->tie_slot != Xapian::BAD_VALUENO;
        if (ties) // a few more, for the ties at the end of the page (tie_order)
            want += TIE_MARGIN;
        if (collapse_slot >= 0 && want < want0)
            want = want0;
        if (docs <= XAP_EXACT_COUNT_MAX && docs > check)
            check = docs;
        if (collapse_slot >= 0 && sort_slot < 0 && check >= docs && db->shards.empty() &&
            !db->xapian_collapse) {
            *out = collapse_all(db, query, (Xapian::valueno)collapse_slot, offset, limit, want,
                                check);
            return HSOK_OK;
        }
        Xapian::MSet ms = enq.get_mset(0, want, check);
        Xapian::doccount first = offset < ms.size() ? offset : ms.size();
        Xapian::doccount n = ms.size() - first < limit ? ms.size() - first : limit;

        hits_holder hold;
        hold.h = (xap_hits_t *)calloc(1, sizeof *hold.h);
        if (!hold.h)
            throw std::bad_alloc();
        hold.h->estimated = ms.get_matches_estimated();
        hold.h->count = ms.get_matches_lower_bound();
        hold.h->count_exact = ms.get_matches_upper_bound() == hold.h->count;
        hold.h->passages = ms.get_uncollapsed_matches_lower_bound();
        hold.h->passages_exact = ms.get_uncollapsed_matches_upper_bound() == hold.h->passages;
        if (collapse_slot >= 0 && check >= docs && !hold.h->passages_exact &&
            db->shards.empty() && ms.size() < want) {
            // Fewer groups than the documents kept: the kept set never filled, so every match
            // reached the collapser, which counted each one it folded into a kept document.
            // Those counts add up to the matches exactly (no second match needed).
            Xapian::doccount seen = 0;
            for (Xapian::MSetIterator it = ms.begin(); it != ms.end(); ++it)
                seen += 1 + it.get_collapse_count();
            hold.h->passages = seen;
            hold.h->passages_exact = 1;
        }
        // (over shards count again too: a remote shard's collapse counts stay in that shard)
        if (collapse_slot >= 0 && check >= docs &&
            (!hold.h->passages_exact || !db->shards.empty())) {
            // Xapian leaves the bounds before collapsing apart even when it has seen every
            // match: count them again without the collapse key (no hit is kept)
            enq.set_collapse_key(Xapian::BAD_VALUENO);
            Xapian::MSet all = enq.get_mset(0, 0, check);
            hold.h->passages = all.get_matches_lower_bound();
            hold.h->passages_exact = all.get_matches_upper_bound() == hold.h->passages;
        }
        if (n) {
            hold.h->hits = (xap_hit_t *)calloc(n, sizeof *hold.h->hits);
            if (!hold.h->hits)
                throw std::bad_alloc();
        }
        std::vector<Xapian::doccount> order;
        if (ties)
            order = tie_order(ms, db->tie_slot, first, n);
        for (; hold.h->n < n;) {
            Xapian::MSetIterator it = ms[ties ? order[first + hold.h->n] : first + hold.h->n];
            xap_hit_t *hit = &hold.h->hits[hold.h->n];
            std::string s = it.get_document().get_data();
            hit->data = dup_bytes(s);
            hit->data_len = s.size();
            hit->docid = *it;
            hit->score = it.get_weight();
            hit->collapsed = it.get_collapse_count();
            hold.h->n++;
        }
        *out = hold.h;
        hold.h = nullptr;
        return HSOK_OK;
    });
}

void xap_hits_free(xap_hits_t *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        free(h->hits[i].data);
    free(h->hits);
    free(h);
}

char *xap_query_describe(const xap_query_t *q)
{
    try {
        return dup_bytes(build_query(q).get_description());
    } catch (...) {
        return nullptr;
    }
}

// ---- compaction (xap.h) ----

} // extern "C"

namespace {

// Remove the directory dir and the files in it (a glass directory has no subdirectories).
void remove_dir(const std::string &dir)
{
    if (DIR *d = opendir(dir.c_str())) {
        while (struct dirent *e = readdir(d))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(dir.c_str());
}

void sync_dir(const std::string &dir)
{
    int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

} // namespace

extern "C" {

hsok_status_t xap_compact(xap_db_t *db, int *done, char **errmsg)
{
    *done = 0;
    return guarded(db, errmsg, [&] {
        need_writable(db);
        if (db->in_txn)
            throw invalid_arg("compaction inside a transaction");
        db->wdb.commit();
        char *real = realpath(db->path.c_str(), nullptr);
        if (!real)
            return HSOK_OK; // gone or unreadable: a later call reports it
        std::string r(real);
        free(real);
        size_t slash = r.rfind('/');
        if (slash == std::string::npos || slash + 1 >= r.size())
            return HSOK_OK; // the root directory
        std::string parent = slash ? r.substr(0, slash) : "/";
        std::string stem = "." + r.substr(slash + 1) + ".compact-";
        // copies left by compactions that were killed: this process holds the write lock, so
        // no other is compacting now
        if (DIR *d = opendir(parent.c_str())) {
            std::vector<std::string> stale;
            while (struct dirent *e = readdir(d))
                if (!strncmp(e->d_name, stem.c_str(), stem.size()))
                    stale.push_back(parent + "/" + e->d_name);
            closedir(d);
            for (const std::string &s : stale)
                remove_dir(s);
        }
        std::string tmpl = parent + "/" + stem + "XXXXXX";
        std::vector<char> tbuf(tmpl.begin(), tmpl.end());
        tbuf.push_back('\0');
        if (!mkdtemp(tbuf.data()))
            return HSOK_OK; // no room or no permission beside the index: leave it as it is
        std::string tmp(tbuf.data());
        struct stat st;
        try {
            db->wdb.compact(tmp, Xapian::DBCOMPACT_NO_RENUMBER | Xapian::Compactor::FULL);
        } catch (...) {
            remove_dir(tmp);
            throw;
        }
        if (stat(r.c_str(), &st) == 0)
            chmod(tmp.c_str(), st.st_mode & 07777);
        sync_dir(tmp);
        if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, r.c_str(), RENAME_EXCHANGE) != 0) {
            remove_dir(tmp);
            return HSOK_OK;
        }
        sync_dir(parent);
        *done = 1;
        // the old tables, now at tmp, are closed (with their lock) and removed; the packed
        // index is opened in their place
        db->wdb.close();
        try {
            db->wdb = Xapian::WritableDatabase(db->path,
                                               Xapian::DB_OPEN | Xapian::DB_BACKEND_GLASS);
        } catch (const Xapian::DatabaseLockError &) {
            // another writer took the packed index at once: go on read-only
            db->writable = false;
            db->rdb = Xapian::Database(db->path, Xapian::DB_BACKEND_GLASS);
        }
        remove_dir(tmp);
        return HSOK_OK;
    });
}

} // extern "C"
