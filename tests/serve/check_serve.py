#!/usr/bin/env python3
"""End to end: `hsok serve` on the seeds (indexed with the repo's codebook), started on a free
loopback port, read with Python's http.client and HTML parser.

usage: check_serve.py HSOK   (HSOK_SOURCE_ROOT: the source tree, default: two levels up)

Checks that each page shows what the CLI shows (search hits, filters, related matches, the
matrix and its click-through, a whole response), that coding through the form writes the
codes file `hsok code` reads (and only with the form's token), the exports, the headers of
every response, read-only mode (--read-only, and the index locked by a writer), searches
while `hsok index` rewrites the index, the token of --listen, a busy port and Ctrl-C.
"""
import csv
import fcntl
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servelib import ROOT, Page, Server, check, failures, finish, index_seeds, request, run  # noqa: E402

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'")


def headers_ok(h, what):
    check(h.get("content-security-policy", "").startswith(CSP), f"{what}: CSP {h.get('content-security-policy')}")
    check(h.get("x-content-type-options") == "nosniff", f"{what}: nosniff")
    check(h.get("referrer-policy") == "no-referrer", f"{what}: referrer policy")


def get(port, path, **kw):
    st, h, body = request(port, "GET", path, **kw)
    headers_ok(h, path)
    return st, h, body


def page(port, path, status=200):
    st, h, body = get(port, path)
    check(st == status, f"GET {path}: status {st}, expected {status}")
    check(h.get("content-type") == "text/html; charset=utf-8", f"{path}: content type")
    p = Page(body)
    check(not p.errors, f"{path}: markup {p.errors[:3]}")
    check(b"<script" not in body and b"style=" not in body and b"http://" not in body and
          b"https://" not in body, f"{path}: no script, inline style or external URL")
    return p, body


def cli_hits(hsok, db, *args):
    rc, out, err = run(hsok, "search", "--json", *args, db=db)
    return [json.loads(line) for line in out.splitlines() if '"type":"hit"' in line]


def q(**params):
    return urllib.parse.urlencode(params)


def main():
    hsok = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "idx")
        seeds = index_seeds(hsok, db)
        codes = db + ".codes.tsv"
        s = Server(hsok, "--db", db)
        port = s.port
        check(s.host == "127.0.0.1" and s.token is None, f"URL line {s.line!r}")

        # the start page and its form
        p, _ = page(port, "/")
        check(len(p.find("form", id="search")) == 1, "form#search")
        check(len(p.find("input", name="q")) == 1, "input[name=q]")
        for name in ("theme", "type", "position"):
            check(len(p.find("select", name=name)) == 1, f"select[name={name}]")
        for name in ("respondent", "section", "file"):
            check(len(p.find("input", name=name)) == 1, f"input[name={name}]")
        st, h, css = get(port, "/static/app.css")
        check(st == 200 and h.get("content-type", "").startswith("text/css") and b"#matrix" in css,
              "stylesheet")

        # search: the hits of `hsok search`, in its order, with highlights and related marked
        word = "informasjonssikkerhet"
        p, body = page(port, "/search?" + q(q=word))
        hits = p.find("li", cls="hit")
        cli = cli_hits(hsok, db, "-n", "20", word)
        check([e["attrs"]["data-id"] for e in hits] == [c["id"] for c in cli],
              "search: the CLI's hits in its order")
        check(any(p.inside(e, "mark") for e in hits), "search: highlights")
        rel = [c["id"] for c in cli if c["match"] == "related"]
        check(bool(rel), "seeds: 'informasjonssikkerhet' has related hits")
        check(sorted(e["attrs"]["data-id"] for e in p.find("li", cls="related")) == sorted(rel),
              "search: the related hits marked .related")
        check(all(p.inside(e, "span", "match") for e in p.find("li", cls="related")),
              "search: related hits say so")
        check(len(p.find("li", cls="sep")) >= 1, "search: a separator before the related hits")
        check(len(p.find("a", cls="export")) == 5, "search: five export links")
        # a link to the whole response from every hit
        check(all(p.inside(e, "a", "response") for e in hits), "search: response links")

        # filters
        respondents = sorted({c["respondent"] for c in cli_hits(hsok, db, "-n", "100", "kommune")})
        who = respondents[0]
        p, _ = page(port, "/search?" + q(q="kommune", respondent=who, exact=1))
        hits = p.find("li", cls="hit")
        cli = cli_hits(hsok, db, "-n", "20", "-R", who, "kommune")
        check(hits and [e["attrs"]["data-id"] for e in hits] == [c["id"] for c in cli],
              "respondent filter: the CLI's hits")
        cli = cli_hits(hsok, db, "-n", "20", "-t", "personvern", "data")
        p, _ = page(port, "/search?" + q(q="data", theme="personvern"))
        check([e["attrs"]["data-id"] for e in p.find("li", cls="hit")] == [c["id"] for c in cli],
              "theme filter: the CLI's hits")
        cli = cli_hits(hsok, db, "-n", "20", "--type", "kommune", "helse")
        p, _ = page(port, "/search?" + q(q="helse", type="kommune"))
        check([e["attrs"]["data-id"] for e in p.find("li", cls="hit")] == [c["id"] for c in cli],
              "type filter: the CLI's hits")
        cli = cli_hits(hsok, db, "-n", "20", "--position", "ingen", "helse")
        p, _ = page(port, "/search?" + q(q="helse", position="ingen"))
        check([e["attrs"]["data-id"] for e in p.find("li", cls="hit")] == [c["id"] for c in cli],
              "position filter: the CLI's hits")
        one = cli_hits(hsok, db, "-n", "1", "helse")[0]
        p, _ = page(port, "/search?" + q(q="helse", file=one["source"]))
        check(p.find("li", cls="hit"), "file filter: hits")
        all_helse = cli_hits(hsok, db, "-n", "1000", "helse")
        want = [c["id"] for c in all_helse if c["source"] == one["source"]][:20]
        check([e["attrs"]["data-id"] for e in p.find("li", cls="hit")] == want,
              "file filter: the hits of that file")
        sec = one["section"].split(" › ")[0] if one.get("section") else ""
        if sec:
            p, _ = page(port, "/search?" + q(q="helse", section=sec[:20]))
            check(p.find("li", cls="hit"), "section filter: hits")
        # a section alone: the field query section:"..."
        cli = cli_hits(hsok, db, "-n", "20", 'section:"Mål 1"')
        p, _ = page(port, "/search?" + q(section="Mål 1"))
        check(cli and [e["attrs"]["data-id"] for e in p.find("li", cls="hit")] == [c["id"] for c in cli],
              "section filter alone: the hits of section:")
        st, _, data = get(port, "/export?" + q(format="jsonl", section="Mål 1"))
        rc, out, _ = run(hsok, "export", "--format", "jsonl", "--all", "--query", 'section:"Mål 1"',
                         db=db)
        check(st == 200 and data.decode() == out, "export of a section: as hsok export")
        # no query: the selection of the filters
        p, body = page(port, "/search?" + q(theme="personvern"))
        m = re.search(rb'<p id="summary">(\d+) avsnitt', body)
        rc, out, _ = run(hsok, "themes", "--json", db=db)
        tj = {json.loads(line)["id"]: json.loads(line) for line in out.splitlines()
              if '"type":"theme"' in line}
        check(m and int(m.group(1)) == tj["personvern"]["passages"],
              f"theme alone: as many passages as 'hsok themes' ({m and m.group(1)})")
        # a malformed query: 400 and the message, the form still there
        p, body = page(port, "/search?" + q(q='"unbalanced'), status=400)
        check(p.find(id="error") and p.find("form", id="search"), "bad query: error and form")
        p, body = page(port, "/search?" + q(q="x", type="nosuchtype"), status=400)

        # the matrix, and a cell's click-through
        p, body = page(port, "/matrix")
        t = p.find("table", id="matrix")
        check(len(t) == 1, "table#matrix")
        cells = [e for e in p.find("a") if e["attrs"].get("href", "").startswith("/search?theme=")
                 and "respondent=" in e["attrs"]["href"]]
        check(cells, "matrix: cells link to the search")
        for cell in cells[:3]:
            n = int(cell["text"])
            p2, b2 = page(port, cell["attrs"]["href"])
            m = re.search(rb'<p id="summary">(\d+) avsnitt', b2)
            check(m and int(m.group(1)) == n, f"matrix cell {cell['attrs']['href']}: {n} passages")
            check(len(p2.find("li", cls="hit")) == min(n, 20), "click-through: the hits shown")

        # a whole response: the passages of `hsok show --file`, in its order
        hit = cli_hits(hsok, db, "-n", "1", "personvern")[0]
        p, body = page(port, "/response?" + q(id=hit["id"]))
        rc, out, _ = run(hsok, "show", "--file", hit["source"], "--json", db=db)
        show = [json.loads(line)["id"] for line in out.splitlines() if '"type":"passage"' in line]
        check([e["attrs"]["data-id"] for e in p.find("div", cls="passage")] == show,
              "response: the passages of 'hsok show --file' in order")
        stances = [json.loads(line) for line in out.splitlines() if '"type":"stance"' in line]
        check(bool(stances), "seeds: the response has checkbox answers")
        check([e["text"].split("Svar: ")[1].split(" (")[0] for e in p.find("div", cls="stance")] ==
              [st["answer"] or "(ingenting krysset av)" for st in stances],
              "response: the checkbox answers of 'hsok show --file'")
        # in document order: each answer before the first passage after its line
        kinds = [("s" if "stance" in e["attrs"].get("class", "") else "p")
                 for e in p.elems if e["attrs"].get("class") in ("stance", "passage")]
        want = []
        rc, out2, _ = run(hsok, "show", "--file", hit["source"], "--json", db=db)
        for line in out2.splitlines():
            o = json.loads(line)
            want.append("s" if o["type"] == "stance" else "p")
        check(kinds == want, "response: answers where they stand")
        check(p.find(id="p-" + hit["id"]), "response: the hit's passage has its anchor")
        check(p.find("h2", cls="section"), "response: section headings")
        link = p.find("a", cls="file")
        check(link and link[0]["attrs"]["href"] == "/search?" + q(file=hit["source"]).replace("+", "%20"),
              "response: its file links to the search in it")
        if link:
            p2, b2 = page(port, link[0]["attrs"]["href"])
            check(len(p2.find("li", cls="hit")) == min(len(show), 20), "search in one file")
        p, _ = page(port, "/response?" + q(respondent=hit["respondent"]))
        check(p.find("div", cls="passage"), "response by respondent")
        page(port, "/response?" + q(id="nosuch.1"), status=404)
        page(port, "/response?" + q(id=seeds[0]), status=404)
        page(port, "/response", status=400)

        # unsure tags: the themes a passage's span.theme.unsure name are its export's "unsure"
        rc, out, _ = run(hsok, "export", "--all", "--format", "jsonl", db=db)
        unsure = {o["id"]: set(o["unsure"]) for o in map(json.loads, out.splitlines())}
        p, _ = page(port, "/response?" + q(respondent=hit["respondent"]))
        marked = 0
        for e in p.find("div", cls="passage"):
            got = {x["attrs"].get("data-theme") for x in p.inside(e, "span", cls="unsure")}
            check(got == unsure.get(e["attrs"].get("data-id"), set()),
                  f"unsure themes of {e['attrs'].get('data-id')}: {got}")
            marked += len(got)
        check(marked > 0, "the response page marks some unsure themes")

        # coding: the form's token, then the codes file and hsok themes show the code
        p, body = page(port, "/response?" + q(id=hit["id"]))
        forms = p.find("form", cls="code")
        check(forms, "form.code on the response page")
        csrf = p.inside(forms[0], "input")[0]["attrs"]["value"]
        target = next(e["attrs"]["data-id"] for e in p.find("div", cls="passage")
                      if not any(x["attrs"].get("data-theme") == "beredskap"
                                 for x in p.inside(e, "span")))
        form = {"csrf": csrf, "id": target, "theme": "beredskap", "sign": "+",
                "note": "viktig <b>&", "back": "/response?" + q(id=hit["id"])}
        ct = {"Content-Type": "application/x-www-form-urlencoded"}
        before = tj["beredskap"]["passages"]
        for bad in ({**form, "csrf": ""}, {**form, "csrf": "x" * 64},
                    {k: v for k, v in form.items() if k != "csrf"}):
            st, h, _ = request(port, "POST", "/code", body=urllib.parse.urlencode(bad), headers=ct)
            check(st == 403, f"POST /code without the right token: {st}")
        check(not os.path.exists(codes), "no codes file after refused posts")
        st, h, _ = request(port, "POST", "/code", body=urllib.parse.urlencode(form), headers=ct)
        check(st == 303 and h.get("location", "").startswith("/response?id=") and
              h["location"].endswith("#p-" + target), f"POST /code: {st} {h.get('location')}")
        check(os.path.exists(codes), "the codes file beside the index")
        rc, out, _ = run(hsok, "code", "--list", "--json", db=db)
        listed = [json.loads(line) for line in out.splitlines() if '"type":"code"' in line]
        check(any(c["id"] == target and c["theme"] == "beredskap" and c["add"] and
                  c["note"] == "viktig <b>&" for c in listed), f"hsok code --list: {listed}")
        rc, out, _ = run(hsok, "themes", "--json", db=db)
        after = [json.loads(line) for line in out.splitlines() if '"id":"beredskap"' in line][0]
        check(after["passages"] == before + 1, "hsok themes counts the code")
        p, _ = page(port, "/response?" + q(id=target))
        check(any(e["attrs"].get("data-theme") == "beredskap"
                  for e in p.find("span", cls="manual")), "the page marks the manual theme")
        # -theme, an unknown theme, a bad back link
        st, h, _ = request(port, "POST", "/code", headers=ct, body=urllib.parse.urlencode(
            {**form, "sign": "-", "back": "https://evil.example/"}))
        check(st == 303 and h["location"].startswith("/response?id="), "back: only a local path")
        st, _, _ = request(port, "POST", "/code", headers=ct, body=urllib.parse.urlencode(
            {**form, "theme": "nosuch"}))
        check(st == 400, f"unknown theme: {st}")
        st, _, _ = request(port, "POST", "/code", headers=ct, body=urllib.parse.urlencode(
            {**form, "id": "nosuch.1"}))
        check(st == 404, f"unknown passage: {st}")
        st, _, _ = request(port, "POST", "/code", body=urllib.parse.urlencode(form),
                           headers={"Content-Type": "text/plain"})
        check(st == 415, f"POST text/plain: {st}")
        st, _, _ = request(port, "GET", "/code")
        check(st == 405, "GET /code")
        st, _, _ = request(port, "POST", "/search", headers=ct, body="q=a")
        check(st == 405, "POST /search")

        # the list of unsure tags not coded by hand (a review queue): exactly the passages
        # whose export names the theme "unsure", less those coded; coding one from the list
        # goes back to the list, without it
        rc, out, _ = run(hsok, "code", "--list", "--json", db=db)
        coded = {(c["id"], c["theme"]) for c in map(json.loads, out.splitlines()) if c.get("type") == "code"}
        rc, out, _ = run(hsok, "export", "--all", "--format", "jsonl", db=db)
        recs = [json.loads(line) for line in out.splitlines()]
        per = {}
        for o in recs:
            for t in o["unsure"]:
                if (o["id"], t) not in coded:
                    per.setdefault(t, []).append(o["id"])
        theme = max(sorted(per), key=lambda t: len(per[t]))
        want = per[theme]
        check(len(want) >= 2, f"the seeds have unsure {theme} tags to review: {want}")
        p, _ = page(port, "/search?" + q(theme=theme, unsure="1"))
        shown = [e["attrs"]["data-id"] for e in p.find("li", cls="hit")]
        summ = p.find("p", id="summary")
        check(summ and summ[0]["text"].strip() == "%d avsnitt" % len(want),
              f"unsure {theme}: summary {summ and summ[0]['text']}, want {len(want)}")
        check(shown == want[:20], f"unsure {theme}: {shown} != {want[:20]}")
        check(p.find("p", id="review-note") and not p.find("p", id="export"),
              "the review list explains itself instead of offering exports")
        box = [i for i in p.find("input") if i["attrs"].get("name") == "unsure"]
        check(box and "checked" in box[0]["attrs"], "the unsure box is ticked")
        backs = {i["attrs"]["value"] for i in p.find("input") if i["attrs"].get("name") == "back"}
        check(backs == {"/search?" + q(theme=theme, unsure="1")}, f"coding goes back to the list: {backs}")
        any_theme = sum(1 for o in recs if any((o["id"], t) not in coded for t in o["unsure"]))
        p, _ = page(port, "/search?" + q(unsure="1"))
        summ = p.find("p", id="summary")
        check(summ and summ[0]["text"].strip() == "%d avsnitt" % any_theme,
              f"unsure, any theme: {summ and summ[0]['text']}, want {any_theme}")
        st, h, _ = request(port, "POST", "/code", headers=ct, body=urllib.parse.urlencode(
            {"csrf": csrf, "id": want[0], "theme": theme, "sign": "+", "note": "",
             "back": "/search?" + q(theme=theme, unsure="1")}))
        check(st == 303 and h.get("location") == "/search?" + q(theme=theme, unsure="1") + "#p-" + want[0],
              f"coded from the list: {st} {h.get('location')}")
        p, _ = page(port, "/search?" + q(theme=theme, unsure="1"))
        shown = [e["attrs"]["data-id"] for e in p.find("li", cls="hit")]
        check(shown == want[1:21], f"after coding, the list without it: {shown}")

        # exports
        for fmt, ctype in (("csv", "text/csv"), ("jsonl", "application/x-ndjson"),
                           ("md", "text/markdown"), ("html", "text/html"),
                           ("xlsx", "application/vnd.openxmlformats")):
            st, h, data = get(port, "/export?" + q(format=fmt, q="personvern"))
            check(st == 200 and h.get("content-type", "").startswith(ctype),
                  f"export {fmt}: {st} {h.get('content-type')}")
            check(h.get("content-disposition", "").startswith("attachment"),
                  f"export {fmt}: an attachment")
            if fmt == "jsonl":
                ids = [json.loads(line)["id"] for line in data.decode().splitlines()]
                # with a query the page's export holds its hits, tagged or not
                rc, out, _ = run(hsok, "export", "--format", "jsonl", "--query", "personvern",
                                 "--all", db=db)
                check(ids == [json.loads(line)["id"] for line in out.splitlines()],
                      "export jsonl: as 'hsok export --query --all'")
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
                check(rows and rows[0][0] == "id" and len(rows) > 1, "export csv rows")
            if fmt == "xlsx":
                check(data[:2] == b"PK", "export xlsx: a zip")
        st, _, _ = get(port, "/export?" + q(format="exe"))
        check(st == 400, "export: unknown format")

        # the report shown in the browser: the html export with its CSS linked, under the CSP
        nav = [a["attrs"].get("href") for a in p.find("a") if any(x.get("attrs", {}).get("id") == "nav" for x in a["parents"])]
        check("/report" in nav and nav.index("/report") == nav.index("/matrix") + 1,
              f"nav: the report next to the matrix {nav}")
        p, _ = page(port, "/search?" + q(q="personvern"))
        rl = p.find("a", id="report-link")
        check(len(rl) == 1 and rl[0]["attrs"]["href"] == "/report?q=personvern",
              f"search: the report link with the page's filters {rl[:1]}")
        rp, rbody = page(port, "/report")
        links = [e["attrs"] for e in rp.find("link")]
        check(links == [{"rel": "stylesheet", "href": "/static/report.css"}],
              f"report: links its stylesheet {links}")
        check(not rp.find("style") and b"content-disposition" not in rbody.lower(),
              "report: no inline <style>")
        st, h, _ = get(port, "/report")
        check("content-disposition" not in h, "report: shown, not an attachment")
        st, h, rcss = get(port, "/static/report.css")
        check(st == 200 and h.get("content-type") == "text/css; charset=utf-8",
              f"report.css: {st} {h.get('content-type')}")
        _, dl = get(port, "/export?" + q(format="html"))[1:]
        check(b"<style>\n" + rcss + b"</style>" in dl and b'rel="stylesheet"' not in dl,
              "report.css: the CSS the download inlines, the download unchanged")
        rc, out, _ = run(hsok, "export", "--format", "html", db=db)
        check(rc == 0 and ("<style>\n" + rcss.decode() + "</style>") in out,
              "report.css: the CSS 'hsok export --format html' inlines")
        dp = Page(dl)
        heads = [(e["attrs"]["id"], " ".join(rp.inside(e, "h2")[0]["text"].split()))
                 for e in rp.find("section", cls="theme")]
        check(len(heads) >= 3 and heads == [(e["attrs"]["id"], " ".join(dp.inside(e, "h2")[0]["text"].split()))
                                             for e in dp.find("section", cls="theme")],
              f"report: every theme's heading, as the download {heads[:3]}")
        hm, dhm = rp.find("table", cls="heatmap"), dp.find("table", cls="heatmap")
        cells = [c for t in hm for c in rp.inside(t, "td") if re.search(r"\bh\d+\b", c["attrs"].get("class", ""))]
        dcells = [c for t in dhm for c in dp.inside(t, "td") if "style" in c["attrs"]]
        check(hm and len(hm) == len(dhm) and cells and
              [c["text"] for c in cells] == [c["text"] for c in dcells],
              f"report: the matrix, its shaded cells by class ({len(cells)}/{len(dcells)})")
        check(all(re.fullmatch(r"n h([1-9]|10)", c["attrs"]["class"]) for c in cells) and
              re.search(rb"td\.h10\{[^}]*background-color", rcss),
              "report: heatmap classes h1..h10 styled by report.css")
        check(len(rp.find("svg", cls="sw")) >= 2 and not rp.find("span", cls="sw"),
              "report: legend swatches without style attributes")
        meta = [e["attrs"]["content"] for e in rp.find("meta") if e["attrs"].get("http-equiv")]
        check(meta == ["default-src 'none'; style-src 'self'"], f"report: its own CSP {meta}")
        theme = heads[0][0]
        tp, _ = page(port, "/report?" + q(theme=theme[len("tema-"):]))
        check([e["attrs"]["id"] for e in tp.find("section", cls="theme")] == [theme],
              f"report?theme={theme}: that theme only")
        tp, _ = page(port, "/report?" + q(type="kommune"))
        rows = [" ".join(r["text"].split()) for t in tp.find("table", cls="heatmap")
                for b in tp.inside(t, "tbody") for r in tp.inside(b, "th")]
        check(rows and all("kommune" in r for r in rows), f"report?type=kommune: kommuner only {rows[:3]}")
        st, _, _ = request(port, "POST", "/report", headers={"Content-Type": "application/x-www-form-urlencoded"}, body="a=b")
        check(st == 405, f"POST /report: {st}")

        # refusals
        for path, want in (("/nosuch", 404), ("/static/", 404), ("/static/../../etc/passwd", 404),
                           ("/favicon.ico", 404)):
            st, _, _ = get(port, path)
            check(st == want, f"GET {path}: {st}")
        st, h, _ = request(port, "DELETE", "/")
        check(st == 405 and "GET" in h.get("allow", ""), f"DELETE: {st}")
        st, _, _ = request(port, "GET", "/", headers={"Host": "evil.example"})
        check(st == 403, f"a foreign Host header (DNS rebinding): {st}")
        st, _, _ = request(port, "HEAD", "/matrix")
        check(st == 200, "HEAD")

        # searches while `hsok index` rewrites the index in another process
        errors = []
        stop = threading.Event()

        def hammer():
            while not stop.is_set():
                try:
                    st, _, body = request(port, "GET", "/search?" + q(q="personvern"))
                    if st != 200 or b'class="hit' not in body:
                        errors.append(st)
                except Exception as e:  # noqa: BLE001
                    errors.append(repr(e))
        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for t in threads:
            t.start()
        ix = subprocess.Popen([hsok, "index", "--force", "--themes",
                               os.path.join(ROOT, "themes"), *seeds, "--db", db], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        locked_seen = False
        while ix.poll() is None:
            st, _, body = request(port, "GET", "/search?" + q(q="personvern"))
            locked_seen |= b'id="readonly"' in body
        stop.set()
        for t in threads:
            t.join()
        check(ix.returncode == 0, f"hsok index beside the server: {ix.returncode} {ix.stderr.read()[:300]}")
        check(not errors, f"searches while hsok index runs: {errors[:5]}")
        print(f"read-only seen while hsok index ran: {locked_seen}")

        # the index locked by a writer: coding is off and says why
        fd = os.open(os.path.join(db, "flintlock"), os.O_RDWR)
        fcntl.lockf(fd, fcntl.LOCK_EX)
        try:
            p, body = page(port, "/response?" + q(id=hit["id"]))
            check(p.find(id="readonly") and not p.find("form", cls="code") and
                  "hsok index" in p.find(id="readonly")[0]["text"], "locked: read-only, says why")
            st, _, _ = request(port, "POST", "/code", body=urllib.parse.urlencode(form), headers=ct)
            check(st == 409, f"locked: POST /code {st}")
        finally:
            os.close(fd)
        p, body = page(port, "/response?" + q(id=hit["id"]))
        check(not p.find(id="readonly") and p.find("form", cls="code"), "unlocked: coding on")

        # a busy port
        rc, out, err = run(hsok, "serve", "--port", str(port), db=db)
        check(rc == 3 and "in use" in err, f"busy port: {rc} {err}")
        rc, st = s.stop()
        check(rc == 0 and "stopped" in st, f"Ctrl-C: {rc} {st}")

        # --read-only
        s = Server(hsok, "--db", db, "--read-only")
        p, _ = page(s.port, "/response?" + q(id=hit["id"]))
        check(p.find(id="readonly") and not p.find("form", cls="code"), "--read-only: no form")
        st, _, _ = request(s.port, "POST", "/code", body=urllib.parse.urlencode(form), headers=ct)
        check(st in (403, 409), f"--read-only: POST /code {st}")
        s.stop()

        # --manifest: its url column links the report's citations to the original documents
        # (a bare file name, the one source of that name); a url that is not http(s) is not linked
        mf = os.path.join(tmp, "svar.csv")
        with open(mf, "w", encoding="utf-8") as f:
            f.write("file,respondent,type,url\n")
            f.write(f"{os.path.basename(seeds[0])},,,https://example.org/svar/1?a=1&b=2\n")
            f.write(f"{os.path.basename(seeds[1])},,,javascript:alert(1)\n")
        s = Server(hsok, "--db", db, "--manifest", mf)
        for path in ("/report", "/export?" + q(format="html")):
            st, _, body = get(s.port, path)
            check(st == 200 and b'href="https://example.org/svar/1?a=1&amp;b=2"' in body,
                  f"--manifest: {path} links the citations of the first seed")
            check(b"javascript:" not in body, f"--manifest: {path} links no javascript: url")
        page(s.port, "/")  # (checks that the search page holds no external URL)
        s.stop()
        rc, out, err = run(hsok, "serve", "--port", "0", "--manifest",
                           os.path.join(tmp, "none.csv"), db=db)
        check(rc == 3 and "none.csv" in err, f"--manifest of no file: {rc} {err}")

        # --listen: a token, made and shown once when none is given
        for addr in ("0.0.0.0", "127.0.0.1"):
            s = Server(hsok, "--db", db, "--listen", addr)
            check(s.token and len(s.token) >= 32, f"--listen {addr}: a token in the URL")
            st, h, _ = request(s.port, "GET", "/")
            check(st == 401 and "bearer" in h.get("www-authenticate", "").lower(),
                  f"--listen {addr}: no token: {st}")
            st, _, _ = request(s.port, "GET", "/", headers={"Authorization": "Bearer " + "0" * 48})
            check(st == 403, f"--listen {addr}: wrong token: {st}")
            st, _, _ = request(s.port, "GET", "/?token=wrong")
            check(st == 403, f"--listen {addr}: wrong token in the URL: {st}")
            st, h, _ = request(s.port, "GET", "/?token=" + s.token)
            check(st == 200 and "HttpOnly" in h.get("set-cookie", ""), "token in the URL: a cookie")
            cookie = h.get("set-cookie", "").split(";")[0]
            st, _, _ = request(s.port, "GET", "/matrix", headers={"Cookie": cookie})
            check(st == 200, "the cookie")
            st, _, _ = request(s.port, "GET", "/matrix",
                               headers={"Authorization": "Bearer " + s.token})
            check(st == 200, "Authorization: Bearer")
            s.stop()
        s = Server(hsok, "--db", db, "--listen", "127.0.0.1", "--token", "abcdefghijklmnop-1")
        check(s.token == "abcdefghijklmnop-1", "--token: in the URL")
        st, _, _ = request(s.port, "GET", "/", headers={"Authorization": "Bearer abcdefghijklmnop-2"})
        check(st == 403, "--token: wrong one")
        s.stop()
        for args in (["--listen", "nosuch.example"], ["--token", "short"], ["--port", "70000"],
                     ["extra"]):
            rc, _, err = run(hsok, "serve", *args, db=db)
            check(rc == 2, f"serve {args}: exit {rc} {err}")
        rc, _, err = run(hsok, "serve", "--port", "0", db=os.path.join(tmp, "none"))
        check(rc == 3, f"serve without an index: {rc}")

        # a hostile response: markup, terminal escapes and bidi controls are shown, never run
        hostile = os.path.join(tmp, "hostile")
        os.mkdir(hostile)
        with open(os.path.join(hostile, "svar.txt"), "w", encoding="utf-8") as f:
            f.write("Høringssvar fra <b>Onde</b> \"AS\"\n\n"
                    "Vi mener at <script>alert('x')</script> personvern er viktig for "
                    "kommunene \x1b[31m og \u202egnirøh\u202c i <img src=x onerror=alert(1)>.\n\n"
                    "Vi støtter forslaget om personvern.\n")
        hdb = os.path.join(tmp, "hidx")
        rc, _, err = run(hsok, "index", "--themes", os.path.join(ROOT, "themes"), hostile, db=hdb)
        check(rc == 0, f"index the hostile response: {rc} {err}")
        s = Server(hsok, "--db", hdb)
        for path in ("/search?" + q(q="personvern"), "/matrix", "/search?" + q(q="<script>")):
            st, _, body = request(s.port, "GET", path)
            check(st in (200, 400), f"hostile {path}: {st}")
            check(b"<script" not in body and b"<img" not in body and b"<b>" not in body and
                  b"\x1b" not in body and "\u202e".encode() not in body,
                  f"hostile {path}: markup or control characters got through")
        st, _, body = request(s.port, "GET", "/search?" + q(q="personvern"))
        check(b"&lt;script&gt;" in body and b"\\x1b" in body and b"\\u202e" in body,
              "hostile: shown escaped and visible")
        p = Page(body)
        rid = p.find("li", cls="hit")[0]["attrs"]["data-id"] if p.find("li", cls="hit") else ""
        st, _, body = request(s.port, "GET", "/response?" + q(id=rid))
        check(st == 200 and b"<script" not in body and b"&lt;script&gt;" in body,
              "hostile: the whole response escaped")
        s.stop()

    finish("serve")


if __name__ == "__main__":
    main()
