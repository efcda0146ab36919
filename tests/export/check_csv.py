#!/usr/bin/env python3
"""Parse an `hsok export --format csv` file back and check it strictly.

usage: check_csv.py FILE [--rows N] [--excel]

RFC 4180: every record ends with CRLF (the last one too), no bare CR or LF outside quoted
fields; UTF-8 (with a BOM only and always with --excel); the header row; 13 cells a row; no cell
a spreadsheet would run as a formula; unique ids; numeric lines; themes and evidence agree.
Prints the number of passages; exit status 1 on any failure.
"""
import argparse
import csv
import io
import re
import sys

HEADER = ["id", "respondent", "section", "themes", "evidence", "source", "line", "text",
          "respondent_type", "page", "end_page", "position", "position_evidence",
          "themes_unsure"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
THEME_ID = re.compile(r"^[a-z0-9-]+$")


class CheckError(Exception):
    pass


def check_line_ends(text):
    """Outside quoted fields every LF follows a CR and every CR precedes a LF."""
    quoted = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            quoted = not quoted  # "" inside a quoted field toggles twice
        elif not quoted and c == "\r":
            if i + 1 >= n or text[i + 1] != "\n":
                raise CheckError(f"bare CR outside quotes at character {i}")
            i += 1
        elif not quoted and c == "\n":
            raise CheckError(f"bare LF outside quotes at character {i}")
        i += 1
    if quoted:
        raise CheckError("unterminated quoted field")
    if not text.endswith("\r\n"):
        raise CheckError("the last record does not end with CRLF")


def check(path, rows=None, excel=False):
    """Check the file; return its passages as dicts."""
    with open(path, "rb") as f:
        raw = f.read()
    bom = raw.startswith(b"\xef\xbb\xbf")
    if excel and not bom:
        raise CheckError("--excel output has no UTF-8 BOM")
    if bom and not excel:
        raise CheckError("unexpected BOM")
    try:
        text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CheckError(f"not UTF-8: {e}")
    check_line_ends(text)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    table = list(reader)
    if not table or table[0] != HEADER:
        raise CheckError(f"header is {table[0] if table else None}, want {HEADER}")
    out, ids = [], set()
    for k, row in enumerate(table[1:], start=2):
        if len(row) != len(HEADER):
            raise CheckError(f"record {k}: {len(row)} cells")
        for cell in row:
            if cell.startswith(FORMULA_START):
                raise CheckError(f"record {k}: cell not neutralised: {cell[:40]!r}")
        rec = dict(zip(HEADER, row))
        if not rec["id"] or rec["id"] in ids:
            raise CheckError(f"record {k}: empty or repeated id {rec['id']!r}")
        ids.add(rec["id"])
        if not rec["line"].isdigit() or int(rec["line"]) < 1:
            raise CheckError(f"record {k}: line {rec['line']!r}")
        # pages: both empty (no pages in the source), or 1 <= page <= end_page
        if rec["page"] or rec["end_page"]:
            if not (rec["page"].isdigit() and rec["end_page"].isdigit() and
                    1 <= int(rec["page"]) <= int(rec["end_page"])):
                raise CheckError(f"record {k}: pages {rec['page']!r}..{rec['end_page']!r}")
        if not rec["source"]:
            raise CheckError(f"record {k}: no source")
        themes = rec["themes"].split("; ") if rec["themes"] else []
        for t in themes:
            if not THEME_ID.match(t):
                raise CheckError(f"record {k}: bad theme id {t!r}")
        ev_themes = [part.split(":", 1)[0] for part in rec["evidence"].split("; ")] \
            if rec["evidence"] else []
        if ev_themes != themes:
            raise CheckError(f"record {k}: evidence themes {ev_themes} != themes {themes}")
        # the unsure themes: some of the themes, in their order
        unsure = rec["themes_unsure"].split("; ") if rec["themes_unsure"] else []
        if [t for t in themes if t in unsure] != unsure:
            raise CheckError(f"record {k}: unsure themes {unsure} not among themes {themes}")
        out.append(rec)
    if rows is not None and len(out) != rows:
        raise CheckError(f"{len(out)} passages, want {rows}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--rows", type=int)
    ap.add_argument("--excel", action="store_true")
    a = ap.parse_args()
    try:
        recs = check(a.file, a.rows, a.excel)
    except (CheckError, csv.Error) as e:
        print(f"check_csv: {a.file}: {e}", file=sys.stderr)
        return 1
    print(len(recs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
