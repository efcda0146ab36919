"""cdp.py — drive Debian's headless Chromium over the DevTools protocol, stdlib only.

Chromium is started with --remote-debugging-port=0 and a fresh profile; the browser's
websocket URL is read from its stderr ("DevTools listening on ws://..."). Python's stdlib has
no websocket client, so a minimal one is here (RFC 6455: the HTTP upgrade, masked text frames
out, unmasked frames in, with 16- and 64-bit lengths, continuation frames, ping/pong/close).
One page target is created and attached with flat sessions; calls wait for their reply and
keep the events that arrive meanwhile.

    with Browser() as b:          # raises Skip when there is no chromium
        b.viewport(1280, 900)
        b.goto("file:///tmp/x.html")
        b.eval("document.title")
        png = b.screenshot()      # PNG bytes
        pdf = b.pdf(landscape=True)

Also here: PNG decoding (tests/render/check_html.py's read_png) and writing, ink counting.
"""
import base64, json, os, re, select, shutil, socket, struct, subprocess, sys, tempfile, time
import importlib.util, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


class Skip(Exception):
    """The browser is not there: the test is skipped (exit 77)."""


class CDPError(Exception):
    pass


def chromium_path():
    for p in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if p and os.access(p, os.X_OK):
            return p
    return None


# ---- websocket (RFC 6455), client side ----

class WebSocket:
    def __init__(self, url, timeout=60):
        m = re.match(r"ws://([^/:]+):(\d+)(/.*)", url)
        if not m:
            raise CDPError(f"not a ws:// URL: {url}")
        host, port, path = m.group(1), int(m.group(2)), m.group(3)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        req = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               f"Sec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise CDPError("websocket handshake: connection closed")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 101"):
            raise CDPError(f"websocket handshake refused: {head[:80]!r}")

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise CDPError("websocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, text, opcode=1):
        data = text.encode() if isinstance(text, str) else text
        n = len(data)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(head + mask + body)

    def recv(self):
        """The next text message (control frames answered or skipped)."""
        parts = []
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 8:
                raise CDPError("websocket closed by the browser")
            if opcode == 9:
                self.send(data, opcode=10)
                continue
            if opcode == 10:
                continue
            parts.append(data)
            if b0 & 0x80:
                return b"".join(parts).decode("utf-8")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ---- the browser ----

class Browser:
    def __init__(self, timeout=90):
        self.exe = chromium_path()
        if not self.exe:
            raise Skip("no chromium (apt-get install chromium)")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="hsok-chromium-")
        self.proc = subprocess.Popen(
            [self.exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-sync", "--mute-audio",
             "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url, err, end = None, b"", time.time() + timeout
        while url is None and time.time() < end:
            r, _, _ = select.select([self.proc.stderr], [], [], 1)
            if r:
                line = self.proc.stderr.readline()
                if not line:
                    break
                err += line
                m = re.search(rb"DevTools listening on (ws://\S+)", line)
                if m:
                    url = m.group(1).decode()
        if url is None:
            self.close()
            raise CDPError(f"chromium did not start: {err.decode(errors='replace')[-600:]}")
        # keep reading stderr so chromium never blocks on a full pipe
        self._drain = subprocess.Popen(["cat"], stdin=self.proc.stderr,
                                       stdout=subprocess.DEVNULL)
        self.ws = WebSocket(url, timeout=timeout)
        self.next_id, self.events, self.session = 0, [], None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        self.call("Page.enable")
        self.call("Runtime.enable")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if getattr(self, "ws", None):
            self.ws.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_drain", None):
            self._drain.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def call(self, method, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise CDPError(f"{method}: {m['error'].get('message')}")
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, name, timeout=None):
        end = time.time() + (timeout or self.timeout)
        while time.time() < end:
            for i, e in enumerate(self.events):
                if e["method"] == name:
                    return self.events.pop(i)
            self.ws.sock.settimeout(max(0.1, end - time.time()))
            try:
                m = json.loads(self.ws.recv())
            except socket.timeout:
                break
            finally:
                self.ws.sock.settimeout(self.timeout)
            if "method" in m:
                self.events.append(m)
        raise CDPError(f"no {name} within {timeout or self.timeout} s")

    # ---- what tests use ----

    def goto(self, url):
        """Load url and wait for its load event."""
        self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
        r = self.call("Page.navigate", url=url)
        if r.get("errorText"):
            raise CDPError(f"cannot load {url}: {r['errorText']}")
        self.wait_event("Page.loadEventFired")

    def eval(self, expr):
        """The value of a JavaScript expression (JSON-able), evaluated in the page."""
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise CDPError(f"{expr[:60]}: {d.get('exception', {}).get('description') or d}")
        return r["result"].get("value")

    def viewport(self, width, height):
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)

    def media(self, kind):
        """Emulate CSS media 'print' or 'screen' ('' for none)."""
        self.call("Emulation.setEmulatedMedia", media=kind)

    def screenshot(self, full=False):
        """PNG bytes of the viewport (full: of the whole page)."""
        params = {"format": "png"}
        if full:
            params["captureBeyondViewport"] = True
            w = self.eval("document.documentElement.scrollWidth")
            h = self.eval("document.documentElement.scrollHeight")
            params["clip"] = {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}
        return base64.b64decode(self.call("Page.captureScreenshot", **params)["data"])

    def pdf(self, landscape=False):
        """The page printed on A4 (210 x 297 mm) as PDF bytes, with backgrounds."""
        r = self.call("Page.printToPDF", landscape=landscape, printBackground=True,
                      paperWidth=210 / 25.4, paperHeight=297 / 25.4,
                      preferCSSPageSize=False)
        return base64.b64decode(r["data"])


# ---- PNG ----

def _check_html():
    spec = importlib.util.spec_from_file_location(
        "check_html", os.path.join(ROOT, "tests", "render", "check_html.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read_png(path):
    """(width, height, bytes per pixel, rows) of an 8-bit RGB(A) PNG file."""
    return _check_html().read_png(path)


def write_png(path, w, h, bpp, rows):
    """Write rows (bytes of w * bpp each, RGB or RGBA) as a PNG file."""
    raw = b"".join(b"\0" + bytes(r) for r in rows)
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2 if bpp == 3 else 6, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


def ink(path, step=2):
    """(share of sampled pixels that are not near-white, distinct colours, bounding box of
    the ink (x0, y0, x1, y1) or None) of a PNG file."""
    w, h, bpp, rows = read_png(path)
    n = dark = 0
    colours = set()
    x0, y0, x1, y1 = w, h, -1, -1
    for y in range(0, h, step):
        row = rows[y]
        for x in range(0, w, step):
            px = row[x * bpp:x * bpp + 3]
            n += 1
            colours.add(bytes(px))
            if min(px) < 200:
                dark += 1
                x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
    return (dark / n if n else 0.0, len(colours), (x0, y0, x1, y1) if x1 >= 0 else None)
