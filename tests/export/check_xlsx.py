#!/usr/bin/env python3
"""Read an `hsok export --format xlsx` workbook back with Python's zipfile and XML parser
(no spreadsheet library) and check its shape.

check(path) returns {sheet name: [rows as lists of cell values]} after checking: the three
sheets in order, a frozen bold header row and an autofilter on each, column widths set, no
formula anywhere, every text cell a shared string (never evaluated), numbers where numbers go.
"""
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
SHEETS = ["Utdrag", "Tema og respondent", "Standpunkt"]


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def check(path):
    z = zipfile.ZipFile(path)
    bad = z.testzip()
    assert bad is None, f"{path}: damaged entry {bad}"
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    sheets = [(s.get("name"), "xl/" + target[s.get(REL)])
              for s in wb.find("m:sheets", NS)]
    assert [n for n, _ in sheets] == SHEETS, f"sheets: {[n for n, _ in sheets]}"
    sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
    strings = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
               for si in sst.findall("m:si", NS)]
    out = {}
    for name, part in sheets:
        xml = z.read(part).decode("utf-8")
        root = ET.fromstring(xml)
        assert "<f>" not in xml and "<f " not in xml, f"{name}: a formula"
        pane = root.find("m:sheetViews/m:sheetView/m:pane", NS)
        assert pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1", \
            f"{name}: header row not frozen"
        assert root.find("m:autoFilter", NS) is not None, f"{name}: no autofilter"
        assert root.find("m:cols", NS) is not None, f"{name}: column widths not set"
        rows = []
        for row in root.find("m:sheetData", NS).findall("m:row", NS):
            cells = []
            for c in row.findall("m:c", NS):
                i = col_index(c.get("r"))
                while len(cells) < i:
                    cells.append(None)
                v = c.find("m:v", NS)
                if c.get("t") == "s":
                    cells.append(strings[int(v.text)])
                elif c.get("t") in ("str", "inlineStr", "b", "e"):
                    raise AssertionError(f"{name}: cell {c.get('r')} of type {c.get('t')}")
                else:
                    cells.append(float(v.text) if v is not None else None)
            rows.append(cells)
        assert rows and all(isinstance(h, str) for h in rows[0]), f"{name}: no header row"
        out[name] = rows
    return out


if __name__ == "__main__":
    for p in sys.argv[1:]:
        wb = check(p)
        print(p, {k: len(v) - 1 for k, v in wb.items()})
