"""Shared by the `hsok serve` tests (check_serve.py, fuzz_http.py): index the seeds, start the
server on a free loopback port and read its URL line, plain HTTP requests, an HTML reader."""
import atexit
import html.parser
import http.client
import os
import re
import select
import signal
import subprocess
import sys
import time

ROOT = os.environ.get("HSOK_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

failures = []
RUNNING = []  # servers to stop if a test ends early (an exception): none is left behind


@atexit.register
def _stop_all():
    for p in RUNNING:
        if p.poll() is None:
            p.kill()
            p.wait()


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)
    return cond


def finish(name):
    """Exit 1 with the count when a check failed, else say that all passed."""
    if failures:
        print(f"{len(failures)} failures", file=sys.stderr)
        sys.exit(1)
    print(f"{name}: all checks passed")


def run(hsok, *args, db=None):
    cmd = [hsok, *args] + (["--db", db] if db else [])
    p = subprocess.run(cmd, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def index_seeds(hsok, db):
    seeds = sorted(os.path.join(ROOT, "seeds", f)
                   for f in os.listdir(os.path.join(ROOT, "seeds")) if f.endswith(".txt"))
    rc, _, err = run(hsok, "index", "--themes", os.path.join(ROOT, "themes"), *seeds, db=db)
    if rc != 0:
        sys.exit(f"index failed ({rc}): {err}")
    return seeds


class Server:
    """`hsok serve --port 0 ARGS`, its URL read from the first line on stdout."""

    def __init__(self, hsok, *args, timeout=20):
        self.p = subprocess.Popen([hsok, "serve", "--port", "0", *args],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        RUNNING.append(self.p)
        line = b""
        end = time.time() + timeout
        while not line.endswith(b"\n") and time.time() < end:
            r, _, _ = select.select([self.p.stdout], [], [], 0.2)
            if r:
                b = os.read(self.p.stdout.fileno(), 1)
                if not b:
                    break
                line += b
        self.line = line.decode()
        m = re.match(r"hsok: serving (http://([^/]+):(\d+)/(\?token=(\S+))?) ", self.line)
        if not m:
            self.p.kill()
            err = self.p.stderr.read().decode("utf-8", "replace")
            raise RuntimeError(f"no URL line from hsok serve: {self.line!r} {err}")
        self.url, self.host, self.port, self.token = m.group(1), m.group(2), int(m.group(3)), m.group(5)

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        """Ctrl-C; returns (exit code, stderr)."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
        try:
            rc = self.p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
            rc = f"did not stop on SIGINT ({rc})"
        return rc, self.p.stderr.read().decode("utf-8", "replace")


def request(port, method, path, body=None, headers=None, host="127.0.0.1"):
    """(status, headers as a dict with lower-case names, body bytes)."""
    c = http.client.HTTPConnection(host, port, timeout=60)
    h = {"Host": f"127.0.0.1:{port}"}
    h.update(headers or {})
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    hd = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hd, data


class Page(html.parser.HTMLParser):
    """The elements of a page: tag, attributes and the text inside, flat; and whether the
    markup nests."""
    VOID = {"meta", "br", "hr", "img", "link", "input", "col", "wbr", "source"}

    def __init__(self, data):
        super().__init__(convert_charrefs=True)
        self.elems, self.stack, self.errors = [], [], []
        self.feed(data.decode("utf-8"))
        self.close()
        if self.stack:
            self.errors.append("unclosed: " + ",".join(e["tag"] for e in self.stack))

    def handle_starttag(self, tag, attrs):
        e = {"tag": tag, "attrs": dict(attrs), "text": "", "parents": list(self.stack)}
        self.elems.append(e)
        if tag not in self.VOID:
            self.stack.append(e)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1]["tag"] != tag:
            self.errors.append(f"</{tag}> does not close <{self.stack[-1]['tag'] if self.stack else ''}>")
            return
        self.stack.pop()

    def handle_data(self, data):
        for e in self.stack:
            e["text"] += data

    def find(self, tag=None, cls=None, id=None, **attrs):
        out = []
        for e in self.elems:
            a = e["attrs"]
            if tag and e["tag"] != tag:
                continue
            if cls and cls not in (a.get("class") or "").split():
                continue
            if id and a.get("id") != id:
                continue
            if any(a.get(k) != v for k, v in attrs.items()):
                continue
            out.append(e)
        return out

    def inside(self, e, tag=None, cls=None):
        """elements inside e"""
        return [x for x in self.elems if any(p is e for p in x["parents"]) and
                (not tag or x["tag"] == tag) and
                (not cls or cls in (x["attrs"].get("class") or "").split())]
