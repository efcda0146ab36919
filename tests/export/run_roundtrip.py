#!/usr/bin/env python3
"""End to end: index the seeds with the repo's codebook, run `hsok export` in every format,
and read the files back (check_csv.py, check_jsonl.py, an HTML parser).

usage: run_roundtrip.py HSOK   (HSOK_SOURCE_ROOT: the source tree, default: two levels up)

Also checks the command's contract: --format required and validated, -o never overwrites
without --force and never leaves a partial or temporary file, an empty selection still
writes a valid document and exits 1 with "no passages match", unknown themes are usage errors.
"""
import html.parser
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_csv  # noqa: E402
import check_jsonl  # noqa: E402
import check_xlsx  # noqa: E402

MINIMAL_THEMES = {
    "helse.theme": "id: helse\nlabel: Helse\nterms:\n  2 helse\n  2 pasient\n",
    "digital.theme": "id: digital\nlabel: Digitalisering\nterms:\n  2 digitalisering\n"
                     "  2 digital\n",
}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def run(hsok, *args, db):
    p = subprocess.run([hsok, *args, "--db", db], capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


class HtmlCheck(html.parser.HTMLParser):
    VOID = {"meta", "br", "hr", "img", "link", "input", "col", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.text = [], [], []
        self.marks = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "img", "link", "base", "form"):
            self.errors.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("src", "srcset", "action", "background"):
                self.errors.append(f"attribute {name}")
            if name == "href" and not (value or "").startswith("#"):
                self.errors.append(f"external href {value}")
            if name == "style" and value and ("url(" in value or "//" in value):
                self.errors.append(f"style with a URL: {value}")
        if tag == "mark":
            self.marks += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    hsok = os.path.abspath(sys.argv[1])
    root = os.environ.get("HSOK_SOURCE_ROOT") or os.path.dirname(os.path.dirname(HERE))
    seeds = sorted(os.path.join(root, "seeds", f)
                   for f in os.listdir(os.path.join(root, "seeds")) if f.endswith(".txt"))
    with tempfile.TemporaryDirectory(prefix="hsok-export-rt-") as tmp:
        themes = os.path.join(root, "themes")
        if not (os.path.isdir(themes) and any(f.endswith(".theme") for f in os.listdir(themes))):
            themes = os.path.join(tmp, "themes")
            os.mkdir(themes)
            for name, text in MINIMAL_THEMES.items():
                with open(os.path.join(themes, name), "w", encoding="utf-8") as f:
                    f.write(text)
        db = os.path.join(tmp, "db")
        rc, _, err = run(hsok, "index", "--themes", themes, *seeds, db=db)
        if rc != 0:
            print(f"index failed ({rc}): {err}", file=sys.stderr)
            return 1
        rc, out, _ = run(hsok, "stats", "--json", db=db)
        check(rc == 0, "stats")
        total = json.loads(out)["passages"]

        out_dir = os.path.join(tmp, "out")
        os.mkdir(out_dir)

        def path(name):
            return os.path.join(out_dir, name)

        # every passage, then the tagged ones, in both machine formats
        for fmt, ext in (("csv", "csv"), ("jsonl", "jsonl")):
            for sel in ("all", "tagged"):
                args = ["export", "--format", fmt, "-o", path(f"{sel}.{ext}")]
                rc, out, err = run(hsok, *args, *(["--all"] if sel == "all" else []), db=db)
                check(rc == 0 and out == b"", f"export {fmt} {sel}: rc {rc} {err}")
        all_csv = check_csv.check(path("all.csv"), rows=total)
        all_jsonl = check_jsonl.check(path("all.jsonl"), rows=total)
        tagged = sum(1 for r in all_jsonl if r["themes"])
        check(tagged > 0, "some passages are tagged")
        check(tagged < total, "some passages are untagged")
        tagged_csv = check_csv.check(path("tagged.csv"), rows=tagged)
        tagged_jsonl = check_jsonl.check(path("tagged.jsonl"), rows=tagged)
        check(all(r["themes"] for r in tagged_jsonl), "tagged export holds only tagged passages")
        check([r["id"] for r in tagged_csv] == [r["id"] for r in tagged_jsonl],
              "csv and jsonl list the same passages in the same order")

        # the two formats carry the same content
        for c, j in zip(all_csv, all_jsonl):
            text = j["text"]
            want = "'" + text if text.startswith(check_csv.FORMULA_START) else text
            check(c["text"] == want, f"{j['id']}: csv text differs from jsonl")
            check(c["respondent"] == j["respondent"] and c["section"] == j["section"] and
                  c["source"] == j["source"] and int(c["line"]) == j["line"],
                  f"{j['id']}: csv fields differ from jsonl")
            check(c["themes"] == "; ".join(j["themes"]), f"{j['id']}: themes differ")
            ev = "; ".join(f"{t}:" + "".join((", " if i else " ") + w
                                             for i, w in enumerate(j["evidence"][t]))
                           for t in j["themes"])
            check(c["evidence"] == ev, f"{j['id']}: evidence differs: {c['evidence']!r} {ev!r}")
        check(any("\n" in r["text"] for r in all_jsonl), "some passage spans several lines")
        respondents = {r["respondent"] for r in all_jsonl}
        check({"Norsk helsenett", "Drammen kommune", "Helse Sør-Øst RHF"} <= respondents,
              f"respondents: {respondents}")

        # the workbook: the same passages and fields as jsonl, counts as the matrix
        rc, out, err = run(hsok, "export", "-o", path("all.xlsx"), "--all", db=db)
        check(rc == 0 and out == b"", f"export xlsx: rc {rc} {err}")
        try:
            wb = check_xlsx.check(path("all.xlsx"))
        except AssertionError as e:
            check(False, f"xlsx: {e}")
            wb = {"Utdrag": [[]], "Tema og respondent": [[]], "Standpunkt": [[]]}
        head = wb["Utdrag"][0]
        rows = [dict(zip(head, r)) for r in wb["Utdrag"][1:]]
        check(len(rows) == total, f"xlsx: {len(rows)} passages, want {total}")
        check(head[:9] == ["respondent", "type", "section", "page", "end_page", "themes",
                           "text", "position", "citation"], f"xlsx header: {head}")
        for x, j in zip(rows, all_jsonl):
            check(x.get("id") == j["id"] and x.get("text") == j["text"] and
                  x.get("respondent") == j["respondent"] and
                  (x.get("themes") or "") == "; ".join(j["themes"]) and
                  int(x.get("line") or 0) == j["line"],
                  f"xlsx row of {j['id']} differs from jsonl")
            want = j["respondent"] + (f" ({j['respondent_type']})"
                                      if j.get("respondent_type") else "")
            check((x.get("citation") or "").startswith(want), f"xlsx citation {x.get('citation')}")
        matrix = wb["Tema og respondent"]
        check(len(matrix) - 1 == len(respondents), f"xlsx matrix: {len(matrix) - 1} respondents")
        mhead = matrix[0]
        for row in matrix[1:]:
            resp = row[0]
            for k, theme in enumerate(mhead[3:], start=3):
                want = sum(1 for j in all_jsonl if j["respondent"] == resp and
                           theme in j["themes"])
                check(int(row[k] or 0) == want, f"xlsx matrix {resp} × {theme}: {row[k]} != {want}")
        rc, _, err = run(hsok, "export", "--format", "xlsx", db=db)
        check(rc == 2 and "-o FILE.xlsx" in err, f"xlsx to stdout: rc {rc} {err}")
        # text that a spreadsheet would read as a formula stays text
        hostile = os.path.join(tmp, "formler.txt")
        with open(hostile, "w", encoding="utf-8") as f:
            f.write("Høringssvar fra Formelby kommune\n\n=1+2 er ikke et tall her.\n\n"
                    "@SUM(A1:A9) og +47 skal stå som tekst.\n")
        hdb = os.path.join(tmp, "hdb")
        rc, _, err = run(hsok, "index", "--no-themes", hostile, db=hdb)
        check(rc == 0, f"index formler.txt: {err}")
        rc, _, err = run(hsok, "export", "--all", "-o", path("formler.xlsx"), db=hdb)
        check(rc == 0, f"export formler.xlsx: {err}")
        try:
            texts = [r[6] for r in check_xlsx.check(path("formler.xlsx"))["Utdrag"][1:]]
        except AssertionError as e:
            check(False, f"formler.xlsx: {e}")
            texts = []
        check("=1+2 er ikke et tall her." in texts and
              "@SUM(A1:A9) og +47 skal stå som tekst." in texts, f"xlsx formula text: {texts}")

        # --excel
        rc, _, err = run(hsok, "export", "--format", "csv", "--excel", "-o", path("x.csv"),
                         db=db)
        check(rc == 0, f"export --excel: {err}")
        check_csv.check(path("x.csv"), rows=tagged, excel=True)

        # stdout gives the same bytes as -o
        rc, out, _ = run(hsok, "export", "--format", "jsonl", db=db)
        with open(path("tagged.jsonl"), "rb") as f:
            check(rc == 0 and out == f.read(), "stdout and -o give the same export")

        # a theme filter
        some_theme = next(t for r in all_jsonl for t in r["themes"])
        rc, out, _ = run(hsok, "export", "--format", "jsonl", "--theme", some_theme, db=db)
        with_theme = sum(1 for r in all_jsonl if some_theme in r["themes"])
        lines = out.decode().splitlines()
        check(rc == 0 and len(lines) == with_theme,
              f"--theme {some_theme}: {len(lines)} lines, want {with_theme}")
        check(all(some_theme in json.loads(x)["themes"] for x in lines), "--theme filters")

        # html and md reports
        rc, _, err = run(hsok, "export", "--format", "html", "--title", "Rapport <x>", "-o",
                         path("r.html"), db=db)
        check(rc == 0, f"export html: {err}")
        with open(path("r.html"), encoding="utf-8") as f:
            doc = f.read()
        hp = HtmlCheck()
        hp.feed(doc)
        hp.close()
        check(not hp.errors, f"html: {hp.errors[:5]}")
        check(hp.stack == [], f"html: unclosed {hp.stack}")
        check(hp.marks > 0, "html marks evidence")
        check("<script" not in doc.lower(), "html has no script")
        check("http://" not in doc and "https://" not in doc, "html has no URL (seeds have none)")
        check("Rapport &lt;x&gt;" in doc, "html title escaped")
        check("@media print" in doc, "html has print styles")
        text = "".join(hp.text)
        for r in tagged_jsonl[:20]:
            first = r["text"].split("\n")[0][:40]
            check(first in text, f"html holds passage {r['id']}")
        rc, _, err = run(hsok, "export", "--format", "md", "-o", path("r.md"), db=db)
        check(rc == 0, f"export md: {err}")
        with open(path("r.md"), encoding="utf-8") as f:
            md = f.read()
        check(md.startswith("# Utdrag fra høringssvar\n"), "md title")
        quotes = sum(1 for line in md.splitlines() if line.startswith("> — "))
        check(quotes == sum(len(r["themes"]) for r in tagged_jsonl),
              f"md: {quotes} quotes, one per passage and theme")

        # the command's contract
        rc, _, err = run(hsok, "export", db=db)
        check(rc == 2 and "--format" in err, f"no --format: rc {rc} {err}")
        rc, _, err = run(hsok, "export", "--format", "xml", db=db)
        check(rc == 2 and all(f in err for f in ("csv", "jsonl", "md", "html")),
              f"unknown format: rc {rc} {err}")
        rc, _, err = run(hsok, "export", "--format", "csv", "stray", db=db)
        check(rc == 2, f"stray argument: rc {rc}")
        rc, _, err = run(hsok, "export", "--format", "csv", "--theme", "finnes-ikke", db=db)
        check(rc == 2 and "finnes-ikke" in err, f"unknown theme: rc {rc} {err}")
        # a respondent the index does not have is an error, not an empty export
        rc, _, err = run(hsok, "export", "--format", "csv", "--respondent",
                         "ingen-slik-respondent", db=db)
        check(rc == 2 and "no respondent 'ingen-slik-respondent' in the index" in err
              and len(err.strip().splitlines()) == 1, f"unknown respondent: rc {rc} {err}")

        target = path("keep.csv")
        with open(target, "w") as f:
            f.write("precious\n")
        rc, out, err = run(hsok, "export", "--format", "csv", "-o", target, db=db)
        check(rc == 2 and target in err and len(err.strip().splitlines()) == 1,
              f"existing file: rc {rc} {err}")
        with open(target) as f:
            check(f.read() == "precious\n", "existing file left alone")
        rc, _, err = run(hsok, "export", "--format", "csv", "-o", target, "--force", db=db)
        check(rc == 0, f"--force: rc {rc} {err}")
        check_csv.check(target, rows=tagged)

        # a failed export leaves nothing behind: a malformed query, a missing index
        bad = path("bad.csv")
        rc, _, err = run(hsok, "export", "--format", "csv", "--query", "(helse", "-o", bad,
                         db=db)
        check(rc == 2 and not os.path.exists(bad), f"malformed query: rc {rc} {err}")
        rc, _, err = run(hsok, "export", "--format", "csv", "-o", bad,
                         db=os.path.join(tmp, "no-such-db"))
        check(rc == 3 and not os.path.exists(bad), f"missing index: rc {rc} {err}")

        # an empty selection: a valid empty document, exit 1, a note
        for fmt in ("csv", "jsonl", "html", "md"):
            empty = path(f"empty.{fmt}")
            rc, out, err = run(hsok, "export", "--format", fmt, "--query", "zzqxjvkw", "-o",
                               empty, db=db)
            check(rc == 1 and "no passages match" in err, f"empty {fmt}: rc {rc} {err}")
            check(os.path.exists(empty), f"empty {fmt}: file written")
        check_csv.check(path("empty.csv"), rows=0)
        check_jsonl.check(path("empty.jsonl"), rows=0)
        with open(path("empty.html"), encoding="utf-8") as f:
            hp = HtmlCheck()
            hp.feed(f.read())
            check(not hp.errors and hp.stack == [], "empty html is well formed")

        leftovers = [f for f in os.listdir(out_dir) if f.startswith(".")]
        check(not leftovers, f"temporary files left: {leftovers}")

        print(f"{total} passages, {tagged} tagged; csv, jsonl, xlsx, html and md checked")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
