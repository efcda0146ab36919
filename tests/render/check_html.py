#!/usr/bin/env python3
"""check_html.py — render hsok's HTML report in headless Chromium and check it is not blank.

Indexes the seeds with the shipped codebook into a temporary index, runs
`hsok export --theme kit --format html -o kit.html`, takes a screenshot with
`chromium --headless --no-sandbox --disable-gpu --screenshot`, decodes the PNG (stdlib only)
and checks that the page shows something: enough non-white pixels, several colours, and ink
in the upper and the lower half of the first screen (a heading and content).
Also checks, on the HTML itself, that the file is self-contained (no http(s) URL outside the
escaped document text, no <script>, no external stylesheet or image).

Usage: tests/render/check_html.py [--hsok PATH] [--chromium PATH] [--keep DIR]
Exit: 0 ok, 1 check failed, 2 could not run (missing program, export failed).
"""
import argparse, os, re, shutil, struct, subprocess, sys, tempfile, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fail(msg, code=1):
    print(f"check_html: {msg}", file=sys.stderr)
    sys.exit(code)


def read_png(path):
    """(width, height, rows of RGB tuples) for 8-bit RGB/RGBA non-interlaced PNGs."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path}: not a PNG")
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            if depth != 8 or ctype not in (2, 6) or interlace:
                fail(f"{path}: unsupported PNG (depth {depth}, colour type {ctype})")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        elif kind == b"IEND":
            break
    if w is None:
        fail(f"{path}: no IHDR")
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        ft = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + b) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hsok", default=os.environ.get("HSOK", os.path.join(ROOT, "build", "hsok")))
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--keep", help="keep the HTML and PNG in this directory")
    a = ap.parse_args()
    if not os.access(a.hsok, os.X_OK):
        fail(f"no hsok at {a.hsok}", 2)
    if not os.access(a.chromium, os.X_OK):
        fail(f"no chromium at {a.chromium} (apt-get install chromium)", 2)
    tmp = tempfile.mkdtemp(prefix="hsok-html-")
    try:
        db = os.path.join(tmp, "index")
        html = os.path.join(tmp, "kit.html")
        png = os.path.join(tmp, "kit.png")
        # the responses only (seeds/ also holds a README.md, which `index` names as skipped)
        seeds = os.path.join(ROOT, "seeds")
        txt = sorted(os.path.join(seeds, f) for f in os.listdir(seeds) if f.endswith(".txt"))
        r = subprocess.run([a.hsok, "index", "--themes", os.path.join(ROOT, "themes"), "--db", db]
                           + txt, capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"hsok index failed ({r.returncode}): {r.stderr.strip()}", 2)
        r = subprocess.run([a.hsok, "export", "--db", db, "--theme", "kit", "--format", "html",
                            "-o", html], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"hsok export failed ({r.returncode}): {r.stderr.strip()}", 2)
        text = open(html, encoding="utf-8").read()
        if re.search(r"<script", text, re.I):
            fail("the report contains <script>")
        if re.search(r"<(link|img|iframe|object|embed)\b", text, re.I):
            fail("the report loads an external resource")
        for m in re.finditer(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", text, re.I):
            fail(f"the report references a URL: {text[m.start():m.start() + 60]!r}")
        if re.search(r"@import|url\(", text, re.I):
            fail("the report's CSS loads something")
        r = subprocess.run([a.chromium, "--headless", "--no-sandbox", "--disable-gpu",
                            "--hide-scrollbars", "--window-size=1200,1600",
                            f"--screenshot={png}", "file://" + html],
                           capture_output=True, text=True, timeout=120)
        if not os.path.exists(png):
            fail(f"chromium wrote no screenshot ({r.returncode}): {r.stderr.strip()[-400:]}", 2)
        w, h, bpp, rows = read_png(png)
        ink = top = bottom = 0
        colours = set()
        for y in range(0, h, 2):
            row = rows[y]
            for x in range(0, w * bpp, bpp * 2):
                px = row[x:x + 3]
                colours.add(bytes(px))
                if min(px) < 200:
                    ink += 1
                    if y < h // 2:
                        top += 1
                    else:
                        bottom += 1
        sampled = (h // 2) * (w // 2)
        frac = ink / sampled if sampled else 0
        print(f"check_html: {w}x{h} screenshot, {frac:.1%} ink, {len(colours)} colours, "
              f"ink top/bottom {top}/{bottom}")
        if frac < 0.01:
            fail("the rendered report is (nearly) blank")
        if len(colours) < 8:
            fail("the rendered report has almost no colours (heatmap missing?)")
        if top == 0 or bottom == 0:
            fail("the rendered report is empty in one half of the first screen")
        if a.keep:
            os.makedirs(a.keep, exist_ok=True)
            shutil.copy(html, a.keep)
            shutil.copy(png, a.keep)
        print("check_html: ok")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
