#!/usr/bin/env python3
"""test_serve.py — `hsok serve` in a real browser (issue 13 item 2).

Indexes the seeds into a temporary index, starts `hsok serve --port 0` (tests/serve/
servelib.py reads the URL it prints) and drives headless Chromium over the DevTools protocol
(cdp.py) the way an analyst would, typing into the forms and pressing their buttons:

  search     'personvern' typed into the search form and submitted: hits, highlighted words;
  filter     the theme select set to personvern and submitted: every hit carries the theme;
  response   'Hele svaret' of the first hit followed: the whole response, the passage there;
  code       its coding form opened and submitted (+ a theme it lacks, a note): back on the
             response the passage shows the theme as a manual one, and the codes file beside
             the index names the passage;
  matrix     /matrix at 1280 px: nothing past the window's right edge (no horizontal scroll),
             every theme a column, each head over its column, the screenshot not blank;
  report     'Rapport' in the navigation followed: the leadership report at 1280 px under the
             server's CSP, its linked stylesheet applied (fonts, headings, the heatmap's
             shaded cells and the legend's swatches), no horizontal scroll, not blank.

Screenshots of each page are decoded and must not be blank. On /matrix every column head must
stand over its column (rotated heads laid out apart from the body's columns failed this).
Usage: tests/browser/test_serve.py HSOK [--keep DIR]
Exit: 0 ok, 1 a check failed, 77 skipped (no chromium), 2 could not run.
"""
import argparse, json, os, shutil, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "serve"))
import cdp  # noqa: E402
import servelib  # noqa: E402
from test_report import align_check, check, failures, layout_check, png_check  # noqa: E402


def submit(b, form_js):
    """Run form_js (which ends by submitting a form) and wait for the page it loads."""
    b.events = [e for e in b.events if e["method"] != "Page.loadEventFired"]
    b.eval(form_js)
    b.wait_event("Page.loadEventFired")


def shot(b, tmp, name, **kw):
    path = os.path.join(tmp, name + ".png")
    with open(path, "wb") as f:
        f.write(b.screenshot())
    png_check(path, name, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hsok")
    ap.add_argument("--keep", help="keep the screenshots in this folder")
    a = ap.parse_args()
    if not cdp.chromium_path():
        print("test_serve: skipped: no chromium (apt-get install chromium)")
        return 77
    tmp = tempfile.mkdtemp(prefix="hsok-browser-serve-")
    server = None
    try:
        db = os.path.join(tmp, "index")
        servelib.index_seeds(a.hsok, db)
        server = servelib.Server(a.hsok, "--db", db)
        with cdp.Browser() as b:
            test(b, a, server, db, tmp)
    finally:
        if server:
            rc, err = server.stop()
            check(rc == 0 or rc == 130, f"hsok serve stops on Ctrl-C ({rc}) {err[-200:]}")
        if a.keep:
            os.makedirs(a.keep, exist_ok=True)
            for f in os.listdir(tmp):
                if f.endswith(".png"):
                    shutil.copy(os.path.join(tmp, f), a.keep)
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"test_serve: {len(failures)} checks failed", file=sys.stderr)
        return 1
    print("test_serve: ok")
    return 0


def test(b, a, server, db, tmp):
    b.viewport(1280, 900)
    b.goto(server.url)
    check(b.eval("!!document.querySelector('form#search input[name=q]')"),
          "the first page has the search form")

    # search: type a word, press the button
    submit(b, "document.querySelector('form#search input[name=q]').value = 'personvern';"
              "document.querySelector('form#search button[type=submit]').click()")
    hits = b.eval("document.querySelectorAll('#hits li.hit').length")
    marks = b.eval("[...document.querySelectorAll('#hits li.hit mark')].map(e => e.textContent"
                   ".toLowerCase())")
    check(b.eval("location.pathname") == "/search" and hits > 0,
          f"search 'personvern' lists hits ({hits})")
    check(marks and all(m.startswith("personvern") for m in marks),
          f"the hits mark the word ({len(marks)} marks, e.g. {marks[:3]})")
    layout_check(b, 1280, "search page")
    shot(b, tmp, "serve-search")

    # filter: the theme select
    submit(b, "const f = document.querySelector('form#search');"
              "f.querySelector('select[name=theme]').value = 'personvern';"
              "f.querySelector('button[type=submit]').click()")
    themes = b.eval("[...document.querySelectorAll('#hits li.hit')].map(li => "
                    "[...li.querySelectorAll('.themes .theme')].map(t => t.dataset.theme))")
    check(themes and all("personvern" in t for t in themes),
          f"filtered by theme: every hit has personvern ({len(themes)} hits)")
    check("theme=personvern" in b.eval("location.search"), "the filter is in the URL")

    # open a response: follow the first hit's link
    pid = b.eval("document.querySelector('#hits li.hit').dataset.id")
    submit(b, "document.querySelector('#hits li.hit a.response').click()")
    check(b.eval("location.pathname") == "/response", "'Hele svaret' opens the response")
    npass = b.eval("document.querySelectorAll('div.passage').length")
    check(npass > 1 and b.eval(f"!!document.getElementById({json.dumps('p-' + pid)})"),
          f"the whole response, with the hit's passage ({npass} passages)")
    layout_check(b, 1280, "response page")
    shot(b, tmp, "serve-response")

    # code the passage: + a theme it does not have, with a note
    sel = f"document.getElementById({json.dumps('p-' + pid)})"
    have = b.eval(f"[...{sel}.querySelectorAll('.themes .theme')].map(t => t.dataset.theme)")
    options = b.eval(f"[...{sel}.querySelectorAll('form.code select[name=theme] option')]"
                     ".map(o => o.value)")
    new = next((t for t in options if t not in have), None)
    if not check(new is not None, f"a theme to add ({options}, has {have})"):
        return
    submit(b, f"const p = {sel}; p.querySelector('details.coding').open = true;"
              f"const f = p.querySelector('form.code');"
              f"f.querySelector('select[name=sign]').value = '+';"
              f"f.querySelector('select[name=theme]').value = {json.dumps(new)};"
              f"f.querySelector('input[name=note]').value = 'lagt til i nettleseren';"
              f"f.querySelector('button[type=submit]').click()")
    check(b.eval("location.pathname") == "/response", "after coding, back on the response")
    manual = b.eval(f"[...{sel}.querySelectorAll('.theme.manual')].map(t => t.dataset.theme)")
    check(new in manual, f"the passage shows {new} as coded by hand ({manual})")
    codes = db + ".codes.tsv"
    text = open(codes, encoding="utf-8").read() if os.path.exists(codes) else ""
    check(pid in text and "+" + new in text and "lagt til i nettleseren" in text,
          f"the codes file names the passage, +{new} and the note")
    shot(b, tmp, "serve-coded")

    # the matrix at 1280 px
    b.goto(server.url.split("?")[0].rstrip("/") + "/matrix")
    layout_check(b, 1280, "matrix page")
    align_check(b, "matrix page")
    cols = b.eval("document.querySelectorAll('table th[scope=col]').length")
    check(cols >= 13, f"the matrix has a column per theme ({cols} column heads)")
    right = b.eval("Math.max(...[...document.querySelectorAll('table th, table td')]"
                   ".map(e => e.getBoundingClientRect().right))")
    check(right <= 1280, f"the matrix's right edge {right:.0f} px is inside 1280 px")
    shot(b, tmp, "serve-matrix")

    # the report, from the navigation
    submit(b, "[...document.querySelectorAll('#nav a')].find(a => a.textContent == 'Rapport')"
              ".click()")
    check(b.eval("location.pathname") == "/report", "'Rapport' in the navigation opens /report")
    check(b.eval("document.styleSheets.length === 1 && "
                 "document.styleSheets[0].href.endsWith('/static/report.css') && "
                 "document.styleSheets[0].cssRules.length > 50"),
          "the report's stylesheet loaded under the CSP")
    st = b.eval("(() => { const g = (s, p) => { const e = document.querySelector(s);"
                " return e ? getComputedStyle(e)[p] : null; };"
                " return {h2: g('h2', 'borderBottomStyle'), h2c: g('h2', 'borderBottomColor'),"
                " body: g('body', 'fontFamily'), kpi: g('.kpis', 'display'),"
                " cell: g('table.heatmap td.h10', 'backgroundColor'),"
                " th: g('table.heatmap th.rot div', 'writingMode'),"
                " sw: g('.legend .sw', 'width')}; })()")
    check(st["h2"] == "solid" and st["h2c"] == "rgb(43, 93, 138)", f"report: h2 styled {st}")
    check("Georgia" in (st["body"] or "") and st["kpi"] == "flex", f"report: body and key figures styled {st}")
    check(st["cell"] not in (None, "rgba(0, 0, 0, 0)") and st["th"] == "vertical-rl",
          f"report: the heatmap's cells shaded, its heads rotated {st}")
    check(st["sw"] not in (None, "auto") and 8 <= float(st["sw"].rstrip("px")) <= 16,
          f"report: legend swatches sized {st}")
    themes = b.eval("document.querySelectorAll('section.theme h2').length")
    check(themes >= 3, f"report: a heading per theme ({themes})")
    layout_check(b, 1280, "report page")
    check(b.eval("document.documentElement.scrollWidth") <= 1280, "report: no horizontal scroll")
    shot(b, tmp, "serve-report")
    b.eval("document.getElementById('oversikt').scrollIntoView()")
    shot(b, tmp, "serve-report-matrix", want_blue=True)


if __name__ == "__main__":
    sys.exit(main())
