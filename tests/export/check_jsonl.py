#!/usr/bin/env python3
"""Parse an `hsok export --format jsonl` file back and check it strictly.

usage: check_jsonl.py FILE [--rows N]

One JSON object per line (no blank lines, a final newline), strict JSON (no NaN, no duplicate
keys), exactly the documented keys with their types (page and end_page only together),
format_version 1, type "passage", unique ids, and themes, evidence and scores naming the same themes.
Prints the number of passages; exit status 1 on any failure.
"""
import argparse
import json
import re
import sys

KEYS = {
    "format_version": int, "type": str, "id": str, "source": str, "line": int,
    "end_line": int, "respondent": str, "section": str, "question": (int, type(None)),
    "goal": (int, type(None)), "themes": list, "evidence": dict, "scores": dict, "text": str,
    "respondent_type": str, "position": (str, type(None)),
    "position_evidence": (str, type(None)), "unsure": list,
}
OPTIONAL = {"page": int, "end_page": int}  # only when the source has pages, both or none
THEME_ID = re.compile(r"^[a-z0-9-]+$")


class CheckError(Exception):
    pass


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise CheckError(f"duplicate key in {keys}")
    return dict(pairs)


def _no_constant(name):
    raise CheckError(f"non-standard JSON constant {name}")


def check(path, rows=None):
    """Check the file; return its passages as dicts."""
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CheckError(f"not UTF-8: {e}")
    if text and not text.endswith("\n"):
        raise CheckError("no newline at the end")
    out, ids = [], set()
    for k, line in enumerate(text.split("\n")[:-1] if text else [], start=1):
        if line.strip() == "" or line != line.strip():
            raise CheckError(f"line {k}: blank or padded")
        try:
            obj = json.loads(line, object_pairs_hook=_no_duplicates,
                             parse_constant=_no_constant)
        except json.JSONDecodeError as e:
            raise CheckError(f"line {k}: {e}")
        if not isinstance(obj, dict) or set(obj) - set(OPTIONAL) != set(KEYS):
            raise CheckError(f"line {k}: keys {sorted(obj) if isinstance(obj, dict) else obj}")
        if ("page" in obj) != ("end_page" in obj):
            raise CheckError(f"line {k}: page without end_page or the other way round")
        if "page" in obj:
            for key, typ in OPTIONAL.items():
                if not isinstance(obj[key], typ) or isinstance(obj[key], bool):
                    raise CheckError(f"line {k}: {key} is {type(obj[key]).__name__}")
            if not 1 <= obj["page"] <= obj["end_page"]:
                raise CheckError(f"line {k}: pages {obj['page']}..{obj['end_page']}")
        for key, typ in KEYS.items():
            v = obj[key]
            if not isinstance(v, typ) or (isinstance(v, bool) and typ is not bool):
                raise CheckError(f"line {k}: {key} is {type(v).__name__}")
        if obj["format_version"] != 1 or obj["type"] != "passage":
            raise CheckError(f"line {k}: format_version/type {obj['format_version']} "
                             f"{obj['type']}")
        if not obj["id"] or obj["id"] in ids:
            raise CheckError(f"line {k}: empty or repeated id {obj['id']!r}")
        ids.add(obj["id"])
        if obj["line"] < 1 or obj["end_line"] < obj["line"]:
            raise CheckError(f"line {k}: lines {obj['line']}..{obj['end_line']}")
        for key in ("question", "goal"):
            if obj[key] is not None and obj[key] < 1:
                raise CheckError(f"line {k}: {key} {obj[key]}")
        themes = obj["themes"]
        if len(set(themes)) != len(themes) or not all(
                isinstance(t, str) and THEME_ID.match(t) for t in themes):
            raise CheckError(f"line {k}: themes {themes}")
        if set(obj["evidence"]) != set(themes) or set(obj["scores"]) != set(themes):
            raise CheckError(f"line {k}: evidence/scores themes differ from {themes}")
        for t, words in obj["evidence"].items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                raise CheckError(f"line {k}: evidence for {t}: {words}")
        for t, s in obj["scores"].items():
            if isinstance(s, bool) or not isinstance(s, (int, float)) or s <= 0:
                raise CheckError(f"line {k}: score for {t}: {s}")
        if [t for t in themes if t in obj["unsure"]] != obj["unsure"]:
            raise CheckError(f"line {k}: unsure {obj['unsure']} not among themes {themes}")
        out.append(obj)
    if rows is not None and len(out) != rows:
        raise CheckError(f"{len(out)} passages, want {rows}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--rows", type=int)
    a = ap.parse_args()
    try:
        recs = check(a.file, a.rows)
    except CheckError as e:
        print(f"check_jsonl: {a.file}: {e}", file=sys.stderr)
        return 1
    print(len(recs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
