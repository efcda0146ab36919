#!/usr/bin/python3
"""make-pdf.py — build a test PDF from a text file (issue 11: tests build their own documents).

    make-pdf.py [options] IN.txt OUT.pdf [IN2.txt OUT2.pdf ...]

Each line of the text that is not blank is a paragraph (as a text saved from Word has it; blank
lines only separate), wrapped at spaces to the column and set with a gap of half a line after
it; a page that is full continues on the next.

Besides OUT.pdf it writes:
  OUT.pdf.txt    the same content as plain text: each paragraph on a line (white space at its
                 ends cut), a blank line between paragraphs, without running header, page
                 numbers or image pages ("the text version of the same content");
  OUT.pdf.pages  one line per paragraph: "FIRST<TAB>LAST" pages it was set on (1-based, in
                 the PDF, counting image pages), and a last line "pages<TAB>N".

Options:
  --header TEXT       a running header at the top of every page, when there is more than one
                      (a one-page letter has none)
  --page-numbers K    a page number at the bottom of every page, when there is more than one:
                      K is "side" ("Side 2 av 5"), "plain" ("2") or "dash" ("- 2 -")
  --two-column N      set page N (1-based, of the text pages) in two columns
  --image-page N      put a page holding only an image (a scan: no text layer) after text page N
  --image-only        every page an image of its text: no text layer at all
  --encrypt PASSWORD  encrypt with this user password (needed to open the file)
  --owner-only        encrypt with an owner password only (opens without a password)
  --truncate PERCENT  keep only the first PERCENT of the file's bytes (a damaged file)
  --pagesize A4|A5|A6 (default A4)
  --fontsize PT       (default 11)
  --repeat N          the text N times over (a long document from a short one)

Needs Debian's python3-reportlab (and python3-pil for image pages): run it with /usr/bin/python3.
"""
import argparse
import io
import os
import sys

try:
    from reportlab.lib import pagesizes
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    from reportlab.lib.pdfencrypt import StandardEncryption
except ImportError:
    sys.stderr.write("make-pdf.py: python3-reportlab is missing (apt-get install "
                     "python3-reportlab; run with /usr/bin/python3)\n")
    sys.exit(77)

FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def font_name():
    """DejaVu Sans when it is there (every character of the texts), else Helvetica."""
    if os.path.exists(FONT_FILE):
        pdfmetrics.registerFont(TTFont("DejaVu", FONT_FILE))
        return "DejaVu"
    return "Helvetica"


def paragraphs(text):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", " ").split("\n")
    return [[line.strip()] for line in lines if line.strip()]


def wrap(line, font, size, width):
    words, out, cur = [], [], ""
    for w in line.split():  # a word wider than the column (a URL) is cut where it must be
        while pdfmetrics.stringWidth(w, font, size) > width and len(w) > 1:
            k = len(w) - 1
            while k > 1 and pdfmetrics.stringWidth(w[:k], font, size) > width:
                k -= 1
            words.append(w[:k])
            w = w[k:]
        words.append(w)
    for w in words:
        t = w if not cur else cur + " " + w
        if cur and pdfmetrics.stringWidth(t, font, size) > width:
            out.append(cur)
            cur = w
        else:
            cur = t
    if cur:
        out.append(cur)
    return out or [""]


def layout(paras, font, size, pagesize, two_column):
    """Lines per text page: a list of pages, each a list of (x, y, text, para index); and per
    paragraph its first and last text page (0-based)."""
    pw, ph = pagesize
    margin = 50
    lead = size * 1.25
    top, bottom = ph - margin - 2 * lead, margin + 2 * lead  # room for header and footer
    pages, where = [], [None] * len(paras)
    page, col, y = [], 0, top

    def columns():
        n = len(pages) + 1
        if n == two_column:
            cw = (pw - 2 * margin - 20) / 2
            return [(margin, cw), (margin + cw + 20, cw)]
        return [(margin, pw - 2 * margin)]

    cols = columns()
    for i, para in enumerate(paras):
        for src in para:
            for line in wrap(src, font, size, cols[col][1]):
                if y < bottom:
                    if col + 1 < len(cols):
                        col += 1
                    else:
                        pages.append(page)
                        page, col = [], 0
                        cols = columns()
                    y = top
                page.append((cols[col][0], y, line, i))
                first = where[i][0] if where[i] else len(pages)
                where[i] = (first, len(pages))
                y -= lead
        y -= lead * 0.5
    if page:
        pages.append(page)
    return pages, where


def page_image(lines, pagesize, size):
    """A grey 'scan' of a page's lines (no text layer), as PNG bytes."""
    from PIL import Image, ImageDraw
    scale = 2
    w, h = int(pagesize[0] * scale), int(pagesize[1] * scale)
    img = Image.new("L", (w, h), 245)
    d = ImageDraw.Draw(img)
    for x, y, text, _ in lines:
        text = text.encode("latin-1", "replace").decode("latin-1")  # PIL's own font
        d.text((x * scale, (pagesize[1] - y) * scale), text, fill=20)
    if not lines:  # a page of a scan: something on it
        d.rectangle((w // 8, h // 8, w * 7 // 8, h // 3), outline=0, width=4)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    buf.seek(0)
    return ImageReader(buf)


def main():
    ap = argparse.ArgumentParser(description="build a test PDF from a text file")
    ap.add_argument("files", nargs="+", metavar="IN OUT")
    ap.add_argument("--header")
    ap.add_argument("--page-numbers", choices=["side", "plain", "dash"])
    ap.add_argument("--two-column", type=int, default=0)
    ap.add_argument("--image-page", type=int, default=0)
    ap.add_argument("--image-only", action="store_true")
    ap.add_argument("--encrypt")
    ap.add_argument("--owner-only", action="store_true")
    ap.add_argument("--truncate", type=float)
    ap.add_argument("--pagesize", default="A4", choices=["A4", "A5", "A6"])
    ap.add_argument("--fontsize", type=float, default=11)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    if len(a.files) % 2:
        ap.error("give the files in pairs: IN.txt OUT.pdf")
    for i in range(0, len(a.files), 2):
        make(a, a.files[i], a.files[i + 1])


def make(a, input, output):
    with open(input, encoding="utf-8", errors="replace") as f:
        text = f.read()
    paras = paragraphs(text) * max(1, a.repeat)
    font = font_name()
    size = a.fontsize
    pagesize = getattr(pagesizes, a.pagesize)
    pages, where = layout(paras, font, size, pagesize, a.two_column)

    # the PDF's pages: the text pages, with an image page after text page image_page
    order = []
    for n, lines in enumerate(pages, 1):
        order.append(("text", lines))
        if n == a.image_page:
            order.append(("image", []))
    pdf_page_of = []  # text page (0-based) -> PDF page (1-based)
    for k, (kind, _) in enumerate(order, 1):
        if kind == "text":
            pdf_page_of.append(k)
    total = len(order)

    enc = None
    if a.encrypt:
        enc = StandardEncryption(a.encrypt, ownerPassword=a.encrypt + "-owner", canPrint=1)
    elif a.owner_only:
        enc = StandardEncryption("", ownerPassword="owner", canPrint=1, canCopy=0)
    c = canvas.Canvas(output, pagesize=pagesize, encrypt=enc, invariant=1)
    pw, ph = pagesize
    for k, (kind, lines) in enumerate(order, 1):
        if kind == "image" or a.image_only:
            c.drawImage(page_image(lines, pagesize, size), 0, 0, pw, ph)
        else:
            c.setFont(font, size)
            for x, y, line, _ in lines:
                c.drawString(x, y, line)
            if a.header and total > 1:
                c.setFont(font, size * 0.8)
                c.drawString(50, ph - 50 + size * 0.2, a.header)
            if a.page_numbers and total > 1:
                c.setFont(font, size * 0.8)
                label = {"side": "Side %d av %d" % (k, total), "plain": "%d" % k,
                         "dash": "- %d -" % k}[a.page_numbers]
                c.drawCentredString(pw / 2, 40, label)
        c.showPage()
    c.save()

    with open(output + ".txt", "w", encoding="utf-8") as f:
        f.write("\n\n".join("\n".join(p) for p in paras) + "\n")
    with open(output + ".pages", "w", encoding="utf-8") as f:
        for w in where:
            f.write("%d\t%d\n" % (pdf_page_of[w[0]], pdf_page_of[w[1]]))
        f.write("pages\t%d\n" % total)
    if a.truncate is not None:
        with open(output, "rb") as f:
            data = f.read()
        with open(output, "wb") as f:
            f.write(data[:int(len(data) * a.truncate / 100)])


if __name__ == "__main__":
    main()
