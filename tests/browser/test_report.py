#!/usr/bin/env python3
"""test_report.py — the HTML report (hsok export --format html) in a real browser.

Indexes a corpus (default: the seeds, with the shipped codebook) into a temporary index,
exports the report and opens it in headless Chromium over the DevTools protocol (cdp.py):

  screen, 1280 x 900   nothing wider than the window (document scrollWidth <= 1280, every
                       element's right edge inside), every theme of the codebook a column head
                       of the matrix, the first screen and the matrix screen not blank
                       (screenshots decoded: ink, colours, the heatmap's blue);
  print, A4            with print media at the printable width of A4 portrait (186 mm) and
                       landscape (273 mm): no element past the right edge; printed with
                       Page.printToPDF in both orientations: pdfinfo says A4 in that
                       orientation, pdftotext finds every theme and every respondent on the
                       matrix's pages, pdftoppm's first page and the matrix's first page are
                       not blank and their ink stays inside the page;
  21 themes            the shipped codebook and 8 more: the matrix split into two tables, every
                       theme a head, nothing past A4 portrait's edge, heads over their columns.

Usage: tests/browser/test_report.py HSOK [--corpus DIR] [--keep DIR]
Exit: 0 ok, 1 a check failed, 77 skipped (no chromium), 2 could not run.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

A4 = (595.28, 841.89)             # points
MARGIN_MM = (14, 12)              # the report's @page margin: top/bottom, left/right
failures = []


def check(ok, what):
    print(f"{'ok' if ok else 'FAIL'}: {what}")
    if not ok:
        failures.append(what)
    return ok


def run(*args, **kw):
    r = subprocess.run(list(args), capture_output=True, text=True, **kw)
    return r.returncode, r.stdout, r.stderr


def squeeze(s):
    return re.sub(r"\s+", " ", s).strip()


def png_check(path, what, want_blue=False):
    frac, colours, box = cdp.ink(path)
    w, h, _, _ = cdp.read_png(path)
    check(frac >= 0.01 and colours >= 8,
          f"{what}: not blank ({frac:.1%} ink, {colours} colours, {w}x{h})")
    if want_blue:
        _, _, bpp, rows = cdp.read_png(path)
        blue = sum(1 for y in range(0, h, 2) for x in range(0, w, 2)
                   if rows[y][x * bpp + 2] > rows[y][x * bpp] + 40)
        check(blue > 50, f"{what}: the heatmap's shaded cells show ({blue} blue pixels)")
    return box, w, h


# every element whose right edge lies past the viewport, as "tag.class: right"
OVERFLOW_JS = """(() => {
  const W = document.documentElement.clientWidth, out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > W + 0.5)
      out.push(e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined
               ? '.' + e.className : '') + ': ' + Math.round(r.right));
  }
  return {W: W, scroll: document.documentElement.scrollWidth, over: out.slice(0, 8),
          n: out.length};
})()"""


# the tables whose column heads do not stand over their columns: per table, the heads whose
# centre lies outside the first body row's cell in the same column
ALIGN_JS = """(() => {
  const bad = [];
  document.querySelectorAll('table').forEach((t, k) => {
    if (!t.tHead || !t.tBodies.length || !t.tBodies[0].rows.length) return;
    const heads = [...t.tHead.rows[t.tHead.rows.length - 1].cells];
    const cells = [...t.tBodies[0].rows[0].cells];
    if (heads.length !== cells.length) { bad.push(`table ${k}: ${heads.length} heads, ` +
                                                  `${cells.length} cells`); return; }
    heads.forEach((h, i) => {
      const a = h.getBoundingClientRect(), c = cells[i].getBoundingClientRect();
      const x = (a.left + a.right) / 2;
      if (x < c.left - 0.5 || x > c.right + 0.5)
        bad.push(`table ${k} column ${i} '${h.textContent.slice(0, 20)}': head at ` +
                 `${Math.round(x)}, cell ${Math.round(c.left)}..${Math.round(c.right)}`);
    });
  });
  return bad;
})()"""


def align_check(b, what):
    bad = b.eval(ALIGN_JS)
    check(not bad, f"{what}: every column head stands over its column ({bad[:4]})")


def layout_check(b, width, what):
    r = b.eval(OVERFLOW_JS)
    check(r["scroll"] <= width and r["n"] == 0,
          f"{what}: fits {width} px (scrollWidth {r['scroll']}, {r['n']} elements past the "
          f"edge {r['over']})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hsok")
    ap.add_argument("--corpus", help="a folder of .txt responses (default: the seeds)")
    ap.add_argument("--keep", help="keep the report, screenshots and PDFs in this folder")
    a = ap.parse_args()
    if not cdp.chromium_path():
        print("test_report: skipped: no chromium (apt-get install chromium)")
        return 77
    for tool in ("pdfinfo", "pdftotext", "pdftoppm"):
        if not shutil.which(tool):
            print(f"test_report: no {tool} (apt-get install poppler-utils)", file=sys.stderr)
            return 2
    tmp = tempfile.mkdtemp(prefix="hsok-browser-")
    try:
        return test(a, tmp)
    finally:
        if a.keep:
            os.makedirs(a.keep, exist_ok=True)
            for f in os.listdir(tmp):
                if f.endswith((".html", ".png", ".pdf")):
                    shutil.copy(os.path.join(tmp, f), a.keep)
        shutil.rmtree(tmp, ignore_errors=True)


def test(a, tmp):
    corpus = a.corpus or os.path.join(cdp.ROOT, "seeds")
    files = sorted(os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith(".txt"))
    db, html = os.path.join(tmp, "index"), os.path.join(tmp, "rapport.html")
    rc, _, err = run(a.hsok, "index", "--themes", os.path.join(cdp.ROOT, "themes"), "--db", db,
                     *files)
    if rc != 0:
        print(f"test_report: hsok index failed ({rc}): {err.strip()}", file=sys.stderr)
        return 2
    # a manifest whose url column gives the first file's address: its citations link there
    url = "https://www.regjeringen.no/h\u00f8ring/svar-1.pdf?a=1&b=2"
    manifest = os.path.join(tmp, "manifest.csv")
    with open(manifest, "w", encoding="utf-8") as f:
        f.write(f"file;respondent;type;url\n{files[0]};;;{url}\n")
    rc, _, err = run(a.hsok, "export", "--db", db, "--format", "html", "--manifest", manifest,
                     "-o", html)
    if rc != 0:
        print(f"test_report: hsok export failed ({rc}): {err.strip()}", file=sys.stderr)
        return 2
    rc, out, _ = run(a.hsok, "themes", "--db", db, "--json")
    themes = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    themes = [t for t in themes if t.get("type") == "theme"]
    labels = [t["label"] or t["id"] for t in themes]
    respondents = sorted({r for t in themes for r in t.get("by_respondent", {})})
    check(len(labels) >= 10, f"the codebook's themes are known ({len(labels)})")

    with cdp.Browser() as b:
        # ---- the screen, 1280 px wide ----
        b.viewport(1280, 900)
        b.goto("file://" + html)
        layout_check(b, 1280, "screen")
        align_check(b, "screen")
        heads = b.eval("[...document.querySelectorAll('table.heatmap th.rot')]"
                       ".map(e => e.textContent)")
        check(all(l in heads for l in labels) and len(heads) == len(labels) + 1,
              f"the matrix has a column per theme ({len(heads)} heads, {len(labels)} themes)")
        right = b.eval("Math.max(...[...document.querySelectorAll('table.heatmap th, "
                       "table.heatmap td')].map(e => e.getBoundingClientRect().right))")
        check(right <= 1280, f"the matrix's right edge {right:.0f} px is inside 1280 px")
        bars = b.eval("document.querySelectorAll('figure.chart svg rect').length")
        check(bars > 0, f"the overview has bar charts ({bars} bars)")
        check(b.eval("document.querySelectorAll('script').length") == 0, "no script")
        hrefs = b.eval("[...document.querySelectorAll('cite a')].map(e => e.href)")
        check(len(hrefs) >= 1 and all(h == url.replace("\u00f8", "%C3%B8") for h in hrefs),
              f"citations of the manifest's file link to its url ({len(hrefs)} links)")
        local = b.eval("[...document.querySelectorAll('main')].map(e => e.textContent)"
                       ".join(' ')")
        check(not any(f in local for f in files) and os.path.basename(files[0]) not in local,
              "no file path in the main text")
        shot = os.path.join(tmp, "screen-1280.png")
        with open(shot, "wb") as f:
            f.write(b.screenshot())
        png_check(shot, "first screen at 1280 px")
        b.eval("document.getElementById('oversikt').scrollIntoView()")
        shot = os.path.join(tmp, "matrix-1280.png")
        with open(shot, "wb") as f:
            f.write(b.screenshot())
        png_check(shot, "the matrix at 1280 px", want_blue=True)

        # ---- print: layout at the printable widths, then the PDFs ----
        b.media("print")
        for name, mm in (("portrait", 210 - 2 * MARGIN_MM[1]), ("landscape", 297 - 2 * MARGIN_MM[1])):
            px = int(mm / 25.4 * 96)
            b.viewport(px, 1000)
            layout_check(b, px, f"print media, A4 {name} ({mm} mm = {px} px)")
            align_check(b, f"print media, A4 {name}")
        b.media("")
        b.viewport(1280, 900)
        for landscape in (False, True):
            name = "landscape" if landscape else "portrait"
            pdf = os.path.join(tmp, f"rapport-{name}.pdf")
            with open(pdf, "wb") as f:
                f.write(b.pdf(landscape=landscape))
            pdf_check(pdf, name, landscape, labels, respondents, tmp)
        # ---- a codebook of more themes than one table takes: the matrix is split ----
        wide = wide_report(a, tmp, files)
        if wide:
            b.media("print")
            b.viewport(int((210 - 2 * MARGIN_MM[1]) / 25.4 * 96), 1000)
            b.goto("file://" + wide[0])
            tables = b.eval("[...document.querySelectorAll('table.heatmap')].map(t => "
                            "[...t.querySelectorAll('th.rot')].map(e => e.textContent))")
            heads = [h for t in tables for h in t]
            check(len(tables) == 2 and all(len(t) <= 17 for t in tables)
                  and all(l in heads for l in wide[1]),
                  f"{len(wide[1])} themes: the matrix in {len(tables)} tables "
                  f"({[len(t) for t in tables]} heads), every theme a head")
            layout_check(b, b.eval("document.documentElement.clientWidth"),
                         f"{len(wide[1])} themes, print media, A4 portrait")
            align_check(b, f"{len(wide[1])} themes, print media, A4 portrait")
    if failures:
        print(f"test_report: {len(failures)} checks failed", file=sys.stderr)
        return 1
    print("test_report: ok")
    return 0


def wide_report(a, tmp, files):
    """The report of files tagged with the shipped codebook plus 8 themes of common words
    (21 in all): its path and the theme labels, or None when it could not be made."""
    cb = os.path.join(tmp, "codebook")
    shutil.copytree(os.path.join(cdp.ROOT, "themes"), cb)
    words = ["kommune", "helse", "digital", "strategi", "tjeneste", "pasient", "data", "mål"]
    for i, w in enumerate(words):
        with open(os.path.join(cb, f"ekstra{i}.theme"), "w", encoding="utf-8") as f:
            f.write(f"id: ekstra{i}\nlabel: Ekstra tema {i} med et langt navn om {w}\n"
                    f"description: ord som {w}\n\nterms:\n  3    {w}\n")
    db, html = os.path.join(tmp, "index-wide"), os.path.join(tmp, "rapport-21-temaer.html")
    rc, _, err = run(a.hsok, "index", "--themes", cb, "--db", db, *files)
    if not check(rc == 0, f"index with 21 themes ({err.strip()[-200:]})"):
        return None
    rc, _, err = run(a.hsok, "export", "--db", db, "--format", "html", "-o", html)
    if not check(rc == 0, f"export with 21 themes ({err.strip()[-200:]})"):
        return None
    rc, out, _ = run(a.hsok, "themes", "--db", db, "--json")
    labels = [t["label"] for t in map(json.loads, out.splitlines())
              if t.get("type") == "theme"]
    return html, labels


def pdf_check(pdf, name, landscape, labels, respondents, tmp):
    _, info, _ = run("pdfinfo", pdf)
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    w, h = (float(m.group(1)), float(m.group(2))) if m else (0, 0)
    want = (A4[1], A4[0]) if landscape else A4
    check(abs(w - want[0]) < 2 and abs(h - want[1]) < 2 and pages >= 2,
          f"PDF {name}: A4 {name} ({w:.0f} x {h:.0f} pt, {pages} pages)")
    _, text, _ = run("pdftotext", pdf, "-")  # reading order: a rotated head stays whole
    texts = text.split("\f")
    start = next((i for i, t in enumerate(texts) if "Vedlegg B. Respondent og tema" in t), None)
    if not check(start is not None, f"PDF {name}: the matrix is printed"):
        return
    end = next((i for i in range(start + 1, len(texts)) if "Vedlegg C." in texts[i]),
               len(texts))
    matrix = squeeze(" ".join(texts[start:end]))
    # pdftotext breaks a rotated head into its lines: compare without the spaces
    flat = matrix.replace(" ", "")
    missing = [l for l in labels if l.replace(" ", "") not in flat]
    check(not missing, f"PDF {name}: every theme heads a column on the matrix's pages "
                       f"(missing: {missing})")
    # a respondent's name wraps in its cell, and pdftotext may put the row's numbers
    # between its lines: look for each of its words
    words = {w for r in respondents for w in re.findall(r"\w{4,}", r)}
    gone = sorted(w for w in words if w not in flat)
    check(not gone, f"PDF {name}: every respondent's name is in the matrix "
                    f"({len(respondents)} respondents; words missing: {gone[:5]})")
    check("Utdragialt" in flat, f"PDF {name}: the matrix's last column is printed")
    for page in (1, start + 1):
        stem = os.path.join(tmp, f"rapport-{name}-p{page}")
        run("pdftoppm", "-r", "50", "-png", "-singlefile", "-f", str(page), "-l", str(page),
            pdf, stem)
        box, pw, ph = png_check(stem + ".png", f"PDF {name} page {page}", want_blue=page > 1)
        if box:
            edge = int(MARGIN_MM[1] / 25.4 * 50 * 0.5)  # half the side margin, in pixels
            check(box[0] >= edge and box[2] <= pw - edge,
                  f"PDF {name} page {page}: ink inside the margins (x {box[0]}..{box[2]} of "
                  f"{pw})")


if __name__ == "__main__":
    sys.exit(main())
