#!/usr/bin/env python3
"""Malformed HTTP against `hsok serve` (on the seeds, a free loopback port), over raw sockets.

usage: fuzz_http.py HSOK [SEED]   (HSOK_SOURCE_ROOT: the source tree, default: two levels up)

Bad paths ("..", %2e%2e, encoded NUL and slashes, absolute paths, a secret file's path in every
parameter), bad UTF-8 in the query, huge and many headers, unknown methods, truncated and
garbage requests, oversized and lying POST bodies, random mutations of good requests, and
1000 requests from 32 threads at once. Asserts: every answer is a sane HTTP status, no answer
holds a file outside the index (/etc/passwd, or a secret file beside the index), the server
stays up and answers a good request after each, and Ctrl-C ends it with exit 0 and no
sanitizer report.
"""
import os
import random
import socket
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servelib import Server, check, failures, finish, index_seeds, request  # noqa: E402

SANE = {200, 303, 400, 401, 403, 404, 405, 408, 411, 413, 414, 415, 417, 431, 500, 501, 505}
SECRET = b"hsok-fuzz-secret-7f3a9c"


TIMEOUTS = [0]


def raw(port, data, wait=2.0):
    """Send data, half-close, read the answer; (status or None, bytes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    try:
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        out = b""
        while True:
            try:
                b = s.recv(65536)
            except socket.timeout:
                TIMEOUTS[0] += 1  # an unfinished request: the server waits for the rest
                break
            except ConnectionResetError:
                break
            if not b:
                break
            out += b
    except (BrokenPipeError, ConnectionResetError):
        out = b""
    finally:
        s.close()
    status = None
    if out.startswith(b"HTTP/1."):
        try:
            status = int(out.split(b" ", 2)[1])
        except (IndexError, ValueError):
            status = -1
    return status, out


def leaks(body, secret_path):
    return b"root:x:0:0" in body or SECRET in body or b"PRIVATE KEY" in body


def main():
    hsok = os.path.abspath(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else int(time.time())
    print(f"seed {seed}")
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "idx")
        index_seeds(hsok, db)
        secret = os.path.join(tmp, "secret.txt")
        with open(secret, "wb") as f:
            f.write(SECRET + b"\n")
        s = Server(hsok, "--db", db)
        port = s.port
        host = f"Host: 127.0.0.1:{port}\r\n".encode()

        def alive(what):
            try:
                st, _, body = request(port, "GET", "/static/app.css")
                ok = st == 200
            except OSError as e:
                ok = False
                body = repr(e).encode()
            check(ok and s.alive(), f"server down after {what!r}: {body[:200]!r}")
            return ok

        def probe(data, what, wait=2.0):
            what = repr(what)[:100]
            st, out = raw(port, data, wait)
            check(st is None or st in SANE, f"{what}: status {st}")
            check(not leaks(out, secret), f"{what}: served a file outside the index")
            return st

        paths = ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                 "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/static/../../../../etc/passwd",
                 "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2f..%2fetc%2fpasswd",
                 "//etc/passwd", "/etc/passwd", "/static/app.css%00.html", "/%00",
                 "/search%00", "/search/", "/search/..", "/./search", "/static//app.css",
                 "/response?id=../../../../etc/passwd", "/response?id=/etc/passwd",
                 "/response?id=" + secret, "/response?respondent=" + secret,
                 "/search?file=/etc/passwd", "/search?file=" + secret,
                 "/search?q=a&file=%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                 "/export?format=csv&file=" + secret, "/export?format=../../etc/passwd",
                 "/export?format=html&q=%00", "/search?q=%00", "/search?q=%ff%fe%fd",
                 "/search?q=%c3", "/search?q=%ed%a0%80", "/search?q=%e2%80%ae%1b[31m",
                 "/search?%00=1&q=a", "/search?q=" + "a%20" * 3000, "/search?q=((((((((((((",
                 "/search?q=" + "(" * 200 + "a" + ")" * 200, "/search?theme=%ff&q=a",
                 "/search?respondent=%ff", "/search?offset=-1&q=a",
                 "/search?offset=99999999999999999999&q=a", "/search?type=%00",
                 "/matrix?x=" + "%" * 100, "/search?q=a&q=b&q=c",
                 "/" + "a" * 10000, "/search?q=" + "x" * 60000,
                 "http://evil.example/etc/passwd", "*", "/static/app.css/../../etc/passwd"]
        for p in paths:  # complete requests: each must be answered
            for method in ("GET", "HEAD"):
                st = probe(f"{method} {p} HTTP/1.1\r\n".encode() + host + b"\r\n",
                           f"{method} {p}", wait=30.0)
                check(st is not None, f"{method} {p[:100]}: no answer")
        alive("paths")

        reqs = [
            b"PUT / HTTP/1.1\r\n" + host + b"Content-Length: 3\r\n\r\nabc",
            b"DELETE /search HTTP/1.1\r\n" + host + b"\r\n",
            b"TRACE / HTTP/1.1\r\n" + host + b"\r\n",
            b"OPTIONS * HTTP/1.1\r\n" + host + b"\r\n",
            b"CONNECT 127.0.0.1:22 HTTP/1.1\r\n" + host + b"\r\n",
            b"PROPFIND / HTTP/1.1\r\n" + host + b"\r\n",
            b"G\x00T / HTTP/1.1\r\n" + host + b"\r\n",
            b"get / HTTP/1.1\r\n" + host + b"\r\n",
            b"GET / HTTP/9.9\r\n" + host + b"\r\n",
            b"GET / HTTP/1.1\r\n\r\n",  # no Host
            b"GET /\r\n\r\n",  # HTTP/0.9
            b"GET / HTTP/1.0\r\n\r\n",
            b"GET / HTTP/1.1\r\n" + host,  # truncated headers
            b"GET /search?q=a HTT",  # truncated request line
            b"GET",
            b"\r\n\r\n\r\n",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)),  # TLS hello
            bytes(rnd.randrange(256) for _ in range(4000)),
            b"GET / HTTP/1.1\r\n" + host + b"X-Big: " + b"a" * 200000 + b"\r\n\r\n",
            b"GET / HTTP/1.1\r\n" + host + b"".join(b"X-%d: v\r\n" % i for i in range(3000)) + b"\r\n",
            b"GET / HTTP/1.1\r\n" + host + b"Bad Header Line\r\n\r\n",
            # 5000 empty arguments overflow a connection's memory: MHD closes it unanswered
            b"GET /?" + b"&" * 5000 + b" HTTP/1.1\r\n" + host + b"\r\n",
            b"GET / HTTP/1.1\r\n" + host + b"X: \xff\xfe\x00\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nHost: evil\r\n\r\n" % port,
            b"GET / HTTP/1.1\r\n" + host + b"Cookie: hsok_token=" + b"x" * 5000 + b"\r\n\r\n",
            b"GET / HTTP/1.1\r\n" + host + b"Authorization: Bearer \r\n\r\n",
            b"POST /code HTTP/1.1\r\n" + host + b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 100000000\r\n\r\ncsrf=1",  # lying length, then close
            b"POST /code HTTP/1.1\r\n" + host + b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 200000\r\n\r\n" + b"a=" + b"b" * 199998,  # over 64 KiB
            b"POST /code HTTP/1.1\r\n" + host + b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",  # bad chunk
            b"POST /code HTTP/1.1\r\n" + host + b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            b"POST /code HTTP/1.1\r\n" + host + b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 40\r\n\r\n%%%%&&&&====%00%zz%e2%80%ae&id=%00&csrf=%ff",
            b"POST /code HTTP/1.1\r\n" + host + b"Content-Length: -1\r\n\r\n",
            b"POST / HTTP/1.1\r\n" + host + b"Content-Length: 0\r\n\r\n",
        ]
        with ThreadPoolExecutor(8) as ex:
            list(ex.map(lambda r: probe(r, r[:60]), reqs))
        alive("malformed requests")

        # a truncated request that is kept open: the server goes on serving others
        hang = socket.create_connection(("127.0.0.1", port))
        hang.sendall(b"GET /search?q=a HTTP/1.1\r\n" + host)
        alive("an open, unfinished request")
        hang.close()

        # random mutations of good requests
        good = [b"GET /search?q=personvern&theme=kit HTTP/1.1\r\n" + host + b"\r\n",
                b"GET /matrix HTTP/1.1\r\n" + host + b"\r\n",
                b"GET /response?id=abc.1 HTTP/1.1\r\n" + host + b"\r\n",
                b"POST /code HTTP/1.1\r\n" + host +
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 20\r\n\r\n"
                b"csrf=a&id=b&theme=c&"]
        mutants = []
        for i in range(300):
            b = bytearray(rnd.choice(good))
            for _ in range(rnd.randrange(1, 6)):
                op = rnd.randrange(4)
                at = rnd.randrange(len(b))
                if op == 0:
                    b[at] = rnd.randrange(256)
                elif op == 1:
                    b[at:at] = rnd.choice([b"%", b"%00", b"..", b"/", b"\r\n", b"\xff", b"%2e",
                                           b"?", b"&", b"=", b" ", b"\x00"])
                elif op == 2:
                    del b[at:at + rnd.randrange(1, 8)]
                else:
                    b = b[:at]
                if not b:
                    b = bytearray(b"X")
            mutants.append(bytes(b))
        # in parallel: an unfinished request is answered only when the server's timeout ends it
        with ThreadPoolExecutor(16) as ex:
            list(ex.map(lambda m: probe(m, m[:60]), mutants))
        alive("mutations")

        # 1000 requests from 32 threads at once
        urls = ["/search?q=personvern", "/search?q=kommune&type=kommune", "/matrix",
                "/static/app.css", "/search?theme=kit", "/nosuch"]

        def one(i):
            try:
                st, _, body = request(port, "GET", urls[i % len(urls)])
                return st, leaks(body, secret)
            except OSError as e:
                return repr(e), False
        t0 = time.time()
        with ThreadPoolExecutor(32) as ex:
            res = list(ex.map(one, range(1000)))
        bad = [r for r in res if r[0] not in (200, 404) or r[1]]
        check(not bad, f"1000 concurrent requests: {len(bad)} failed: {bad[:5]}")
        check(sum(1 for r in res if r[0] == 404) == sum(1 for i in range(1000)
                                                          if urls[i % len(urls)] == "/nosuch"),
              "concurrent: only /nosuch is 404")
        print(f"1000 requests from 32 threads: {time.time() - t0:.1f} s")
        alive("1000 requests")

        print(f"{TIMEOUTS[0]} requests left unanswered within 2 s (unfinished ones)")
        rc, err = s.stop()
        check(rc == 0, f"Ctrl-C after the fuzzing: exit {rc}")
        check("Sanitizer" not in err and "runtime error" not in err, f"sanitizer: {err[:2000]}")
    if failures:
        print(f"seed {seed}", file=sys.stderr)
    finish("fuzz_http")


if __name__ == "__main__":
    main()
