#!/usr/bin/python3
"""Build Word (.docx), OpenDocument (.odt) and e-mail (.eml) files for hsok's tests.

Nothing built here is kept in the repository: the tests run this at test time, from the seed
responses and the dev corpus (../shared/devcorpus), into a temporary folder.

  make-office.py docx IN.txt OUT.docx        the text as a Word document
  make-office.py odt IN.txt OUT.odt          the text as an OpenDocument text
  make-office.py eml IN.txt OUT.eml [--from F] [--subject S] [--cte qp|base64|8bit]
                 [--charset utf-8|iso-8859-1|windows-1252] [--html] [--attach FILE]...
  make-office.py fixture NAME OUT            a hand-built file (see FIXTURES)
  make-office.py batch [--pdf-lines] OUTDIR IN.txt...   for each IN.txt: OUTDIR/IN.docx,
                 IN.odt, IN.eml (quoted-printable) and IN.html.eml (text/html, base64),
                 without a subject;
                 --pdf-lines: the texts are double-spaced PDF extractions (see blocks())

From a text: each block between blank lines is a paragraph (its line breaks kept as line
breaks), and a block whose every line starts with a bullet ("• ", "· ", "- ", "– ", "* ") is
a list, one item per line, with that bullet; so that the reader gives back the same text.
"""
import base64
import io
import re
import sys
import zipfile
from xml.sax.saxutils import escape

W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
BULLET = re.compile(r'^([\u2022\u00b7\u2013*-]) (.*)$')


def blocks(text, pdf_lines=False):
    """[('p', [lines]) | ('list', bullet, [items])] of a text. pdf_lines: the text is a PDF's
    double-spaced extraction (the seeds), where a paragraph ends at a line of spaces and its
    lines are separated by empty ones."""
    out = []
    text = text.replace('\r\n', '\n')
    if pdf_lines:
        splits = re.split(r'\n\n[ \t]+\n\n', text)
        text = '\n\n'.join(re.sub(r'\n\s*\n', '\n', blk) for blk in splits)
    for blk in re.split(r'\n[ \t]*\n', text):
        lines = [l for l in blk.split('\n') if l.strip()]
        if not lines:
            continue
        ms = [BULLET.match(l.strip()) for l in lines]
        if all(ms) and len({m.group(1) for m in ms}) == 1:
            out.append(('list', ms[0].group(1), [m.group(2) for m in ms]))
        else:
            out.append(('p', lines))
    return out


# ---- Word ------------------------------------------------------------------------------

CONTENT_TYPES = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>'''

RELS = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>'''

STYLES = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="%s">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Overskrift1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="MinTittel"><w:name w:val="Min tittel"/><w:basedOn w:val="Overskrift1"/></w:style>
<w:style w:type="paragraph" w:styleId="Punktliste"><w:name w:val="List Bullet"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="character" w:styleId="Heading3Char"><w:name w:val="heading 3"/></w:style>
</w:styles>''' % W


def numbering(bullets):
    """numbering.xml: numId 1 a Symbol-font bullet, 2 decimal "%1." with "%2)" letters
    under it, 10+i the bullet bullets[i]."""
    a = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="%s">' % W,
         '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
         '<w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl></w:abstractNum>',
         '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
         '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
         '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
         '<w:lvlText w:val="%2)"/></w:lvl></w:abstractNum>']
    for i, b in enumerate(bullets):
        a.append('<w:abstractNum w:abstractNumId="%d"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                 '<w:numFmt w:val="bullet"/><w:lvlText w:val="%s"/></w:lvl></w:abstractNum>'
                 % (10 + i, escape(b)))
    a.append('<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')
    a.append('<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>')
    for i in range(len(bullets)):
        a.append('<w:num w:numId="%d"><w:abstractNumId w:val="%d"/></w:num>' % (10 + i, 10 + i))
    a.append('</w:numbering>')
    return '\n'.join(a)


def w_run(text):
    return '<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % escape(text)


def w_para(lines, ppr=''):
    runs = '<w:r><w:br/></w:r>'.join(w_run(l) for l in lines)
    return '<w:p>%s%s</w:p>' % ('<w:pPr>%s</w:pPr>' % ppr if ppr else '', runs)


def document(body, sect='<w:sectPr/>'):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="%s" xmlns:mc="http://schemas.openxmlformats.org/'
            'markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/'
            '2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:r="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>%s%s'
            '</w:body></w:document>' % (W, body, sect))


def write_docx(out, body, extra=None, bullets=(), sect='<w:sectPr/>'):
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', CONTENT_TYPES)
        z.writestr('_rels/.rels', RELS)
        z.writestr('word/document.xml', document(body, sect))
        z.writestr('word/styles.xml', STYLES)
        z.writestr('word/numbering.xml', numbering(list(bullets)))
        for name, data in (extra or {}).items():
            z.writestr(name, data)


def docx_from_text(text, out, pdf_lines=False):
    bullets, body = [], []
    for b in blocks(text, pdf_lines):
        if b[0] == 'p':
            body.append(w_para(b[1]))
            continue
        if b[1] not in bullets:
            bullets.append(b[1])
        num = 10 + bullets.index(b[1])
        for item in b[2]:
            body.append(w_para([item], '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="%d"/>'
                                       '</w:numPr>' % num))
    write_docx(out, ''.join(body), bullets=bullets)


# ---- OpenDocument ----------------------------------------------------------------------

ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/"')

MANIFEST = '''<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>'''


def content(body, styles=''):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content %s '
            'office:version="1.2"><office:automatic-styles>%s</office:automatic-styles>'
            '<office:body><office:text>%s</office:text></office:body>'
            '</office:document-content>' % (ODT_NS, styles, body))


def o_text(s):
    """Text as ODF keeps it: runs of spaces as text:s, tabs as text:tab."""
    out = []
    for part in re.split(r'(\t| {2,})', s):
        if part == '\t':
            out.append('<text:tab/>')
        elif part.startswith('  '):
            out.append(' <text:s text:c="%d"/>' % (len(part) - 1))
        else:
            out.append(escape(part))
    return ''.join(out)


def write_odt(out, body, styles='', mimetype='application/vnd.oasis.opendocument.text'):
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo('mimetype'), mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr('META-INF/manifest.xml', MANIFEST)
        z.writestr('content.xml', content(body, styles))


def odt_from_text(text, out, pdf_lines=False):
    bullets, body = [], []
    for b in blocks(text, pdf_lines):
        if b[0] == 'p':
            body.append('<text:p>%s</text:p>' % '<text:line-break/>'.join(o_text(l)
                                                                          for l in b[1]))
            continue
        if b[1] not in bullets:
            bullets.append(b[1])
        items = ''.join('<text:list-item><text:p>%s</text:p></text:list-item>' % o_text(i)
                        for i in b[2])
        body.append('<text:list text:style-name="LB%d">%s</text:list>'
                    % (bullets.index(b[1]), items))
    styles = ''.join('<text:list-style style:name="LB%d"><text:list-level-style-bullet '
                     'text:level="1" text:bullet-char="%s"/></text:list-style>' % (i, escape(b))
                     for i, b in enumerate(bullets))
    write_odt(out, ''.join(body), styles)


# ---- e-mail ----------------------------------------------------------------------------

def qp(data):
    """Quoted-printable of bytes, lines of at most 76 characters with soft breaks."""
    out = []
    for line in data.split(b'\n'):
        enc, cur = [], ''
        for i, c in enumerate(line):
            ch = chr(c)
            last = i == len(line) - 1
            if c == 0x3d or c > 126 or (c < 32 and c != 9) or (last and c in (32, 9)):
                ch = '=%02X' % c
            if len(cur) + len(ch) > 75:
                enc.append(cur + '=')
                cur = ''
            cur += ch
        enc.append(cur)
        out.append('\r\n'.join(enc))
    return '\r\n'.join(out).encode('ascii')


def encode_body(data, cte):
    if cte == 'base64':
        b = base64.b64encode(data)
        return b'\r\n'.join(b[i:i + 76] for i in range(0, len(b), 76))
    if cte == 'qp':
        return qp(data)
    return data.replace(b'\n', b'\r\n')


CTE = {'qp': 'quoted-printable', 'base64': 'base64', '8bit': '8bit'}


def header_word(s):
    """s as RFC 2047 encoded-words when it is not ASCII (B for the odd ones, Q for others)."""
    if all(ord(c) < 128 for c in s):
        return s
    return ' '.join('=?utf-8?B?%s?=' % base64.b64encode(s[i:i + 12].encode()).decode()
                    for i in range(0, len(s), 12))


def html_of(text, pdf_lines=False):
    parts = []
    for b in blocks(text, pdf_lines):
        if b[0] == 'p':
            parts.append('<p>%s</p>' % '<br>\n'.join(escape(l) for l in b[1]))
        else:
            parts.append('<ul>%s</ul>' % ''.join('<li>%s</li>' % escape(i) for i in b[2]))
    return '<html><head><title>x</title><style>p {margin: 0}</style></head><body>\n%s\n' \
           '</body></html>\n' % '\n'.join(parts)


def eml_from_text(text, out, frm, subject, cte, charset, html, attach, pdf_lines=False):
    body = (html_of(text, pdf_lines) if html else text).encode(charset)
    ctype = 'text/html' if html else 'text/plain'
    head = ['From: %s' % frm, 'To: postmottak@example.no'] + \
        (['Subject: %s' % header_word(subject)] if subject else []) + \
        ['Date: Mon, 4 Mar 2024 10:00:00 +0100', 'Message-ID: <test@example.no>',
         'MIME-Version: 1.0']
    if not attach:
        head += ['Content-Type: %s; charset="%s"' % (ctype, charset),
                 'Content-Transfer-Encoding: %s' % CTE[cte]]
        data = '\r\n'.join(head).encode() + b'\r\n\r\n' + encode_body(body, cte)
    else:
        bnd = '----=_Part_0_12345.67890'
        head += ['Content-Type: multipart/mixed;', '\tboundary="%s"' % bnd]
        parts = [b'This is a multi-part message in MIME format.']
        parts.append(('Content-Type: %s; charset=%s\r\nContent-Transfer-Encoding: %s\r\n\r\n'
                      % (ctype, charset, CTE[cte])).encode() + encode_body(body, cte))
        for path in attach:
            name = path.rsplit('/', 1)[-1]
            with open(path, 'rb') as f:
                a = f.read()
            parts.append(('Content-Type: application/octet-stream; name="%s"\r\n'
                          'Content-Disposition: attachment; filename="%s"\r\n'
                          'Content-Transfer-Encoding: base64\r\n\r\n' % (name, name)).encode()
                         + encode_body(a, 'base64'))
        data = '\r\n'.join(head).encode() + b'\r\n\r\n' + \
            (b'\r\n--' + bnd.encode() + b'\r\n').join(parts) + \
            b'\r\n--' + bnd.encode() + b'--\r\n'
    with open(out, 'wb') as f:
        f.write(data)


# ---- hand-built files ------------------------------------------------------------------

def fx_structure_docx(out):
    """Headings (by style, a style based on one, outline level), lists (bullet, numbered,
    nested), a table, tabs and breaks, deleted text and field codes left out, a text box once,
    a footnote at the end."""
    P = w_para
    body = ''.join([
        P(['Høringssvar fra Testvik kommune']),
        P(['Innledning'], '<w:pStyle w:val="Overskrift1"/>'),
        P(['Testvik kommune viser til høringen og gir med dette sitt svar.']),
        P(['Personvern og informasjonssikkerhet'], '<w:pStyle w:val="Heading2"/>'),
        '<w:p><w:r><w:t>Første</w:t></w:r><w:r><w:tab/><w:t>kolonne</w:t><w:br/>'
        '<w:t xml:space="preserve">andre linje med e</w:t><w:noBreakHyphen/><w:t>post</w:t>'
        '</w:r><w:del w:id="1" w:author="x"><w:r><w:delText>SLETTET</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="x"><w:r><w:t xml:space="preserve"> og innsatt</w:t></w:r>'
        '</w:ins><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE'
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t>.</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>',
        P(['Første punkt'], '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'),
        P(['Andre punkt'], '<w:pStyle w:val="Punktliste"/>'),
        P(['Første tiltak'], '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>'),
        P(['Et underpunkt'], '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="2"/></w:numPr>'),
        P(['Andre tiltak'], '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>'),
        '<w:tbl><w:tblPr/><w:tr><w:tc><w:p><w:r><w:t>Tema</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>Vurdering</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:tc><w:p><w:r><w:t>Personvern</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>Godt</w:t></w:r></w:p><w:p><w:r><w:t>ivaretatt</w:t></w:r>'
        '</w:p></w:tc></w:tr><w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>',
        P(['Et nivå under'], '<w:pStyle w:val="MinTittel"/><w:outlineLvl w:val="2"/>'),
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
        '<w:txbxContent><w:p><w:r><w:t>Tekst i boks</w:t></w:r></w:p></w:txbxContent>'
        '</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent>'
        '<w:p><w:r><w:t>Tekst i boks</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict>'
        '</mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>Avsnitt med boks.</w:t></w:r>'
        '</w:p>',
        P(['']),
    ])
    notes = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes '
             'xmlns:w="%s"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
             '</w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>KIT står for '
             'kommunal IT.</w:t></w:r></w:p></w:footnote></w:footnotes>' % W)
    write_docx(out, body, {'word/footnotes.xml': notes})


def fx_letterhead_docx(out):
    """A letterhead in the first page's header (the default header says something else) and a
    body that does not name the writer."""
    hdr = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr xmlns:w="%s">%s'
           '</w:hdr>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/header" Target="header1.xml"/><Relationship Id="rId9" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/header" '
            'Target="/word/header2.xml"/></Relationships>')
    sect = ('<w:sectPr><w:headerReference w:type="default" r:id="rId8"/><w:headerReference '
            'w:type="first" r:id="rId9"/><w:titlePg/></w:sectPr>')
    body = ''.join([w_para(['Høring om felles journal']),
                    w_para(['Vi mener forslaget er godt for innbyggerne, men savner en plan for '
                            'opplæring av de ansatte.']),
                    w_para(['Med vennlig hilsen']), w_para(['Kari Nordmann']),
                    w_para(['rådgiver'])])
    write_docx(out, body, {'word/_rels/document.xml.rels': rels,
                           'word/header1.xml': hdr % (W, w_para(['Side 2'])),
                           'word/header2.xml': hdr % (W, w_para(['LØVSTAD KOMMUNE']) +
                                                      w_para(['Helse og omsorg']))},
               sect=sect)


def fx_structure_odt(out):
    styles = ('<text:list-style style:name="L1"><text:list-level-style-bullet text:level="1" '
              'text:bullet-char="–"/><text:list-level-style-number text:level="2" '
              'style:num-format="a" style:num-suffix=")"/></text:list-style>'
              '<text:list-style style:name="L2"><text:list-level-style-number text:level="1" '
              'style:num-format="1" style:num-suffix="."/></text:list-style>')
    body = ''.join([
        '<text:p>Høringssvar fra Testvik kommune</text:p>',
        '<text:h text:outline-level="1">Innledning</text:h>',
        '<text:p>Testvik   kommune\n viser til <text:span>høringen</text:span> og gir'
        '<text:s text:c="2"/>sitt svar.<office:annotation><text:p>EN KOMMENTAR</text:p>'
        '</office:annotation></text:p>',
        '<text:h text:outline-level="2">Personvern</text:h>',
        '<text:p>Første<text:tab/>kolonne<text:line-break/>andre linje<text:note '
        'text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body>'
        '<text:p>KIT står for kommunal IT.</text:p></text:note-body></text:note>.</text:p>',
        '<text:list text:style-name="L1"><text:list-item><text:p>Første punkt</text:p>'
        '<text:list><text:list-item><text:p>Under</text:p></text:list-item></text:list>'
        '</text:list-item><text:list-item><text:p>Andre punkt</text:p></text:list-item>'
        '</text:list>',
        '<text:list text:style-name="L2"><text:list-item><text:p>Første tiltak</text:p>'
        '</text:list-item><text:list-item><text:p>Andre tiltak</text:p></text:list-item>'
        '</text:list>',
        '<table:table><table:table-header-rows><table:table-row><table:table-cell><text:p>'
        'Tema</text:p></table:table-cell><table:table-cell><text:p>Vurdering</text:p>'
        '</table:table-cell></table:table-row></table:table-header-rows><table:table-row>'
        '<table:table-cell><text:p>Personvern</text:p></table:table-cell><table:table-cell>'
        '<text:p>Godt</text:p><text:p>ivaretatt</text:p></table:table-cell></table:table-row>'
        '</table:table>',
        '<text:tracked-changes><text:changed-region><text:deletion><text:p>SLETTET</text:p>'
        '</text:deletion></text:changed-region></text:tracked-changes>',
        '<text:p/>',
    ])
    write_odt(out, body, styles)


def fx_bomb_docx(out):
    """word/document.xml unpacks to 64 MB of spaces from a few kB."""
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', CONTENT_TYPES)
        with z.open('word/document.xml', 'w', force_zip64=True) as f:
            f.write(('<w:document xmlns:w="%s"><w:body><w:p><w:r><w:t>' % W).encode())
            chunk = b' ' * (1 << 20)
            for _ in range(64):
                f.write(chunk)
            f.write(b'</w:t></w:r></w:p></w:body></w:document>')


LAUGHS = '''<?xml version="1.0" encoding="%s"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
 <!ENTITY ext SYSTEM "file:///etc/passwd">
]>
<w:document xmlns:w="%s"><w:body><w:p><w:r><w:t>&lol9;&ext;</w:t></w:r></w:p></w:body></w:document>
'''


def fx_laughs_docx(out):
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', CONTENT_TYPES)
        z.writestr('word/document.xml', LAUGHS % ('UTF-8', W))


def fx_laughs16_docx(out):
    """The same in UTF-16, where "<!DOCTYPE" is not in the bytes."""
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', CONTENT_TYPES)
        z.writestr('word/document.xml', (LAUGHS % ('UTF-16', W)).encode('utf-16'))


def fx_truncated_docx(out):
    b = io.BytesIO()
    docx_from_text('Et avsnitt.\n\nEt avsnitt til.\n' * 50, b)
    data = b.getvalue()
    with open(out, 'wb') as f:
        f.write(data[:len(data) * 2 // 3])


def fx_badxml_docx(out):
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', CONTENT_TYPES)
        z.writestr('word/document.xml', '<?xml version="1.0"?>\n<w:document xmlns:w="%s">'
                   '<w:body>\n<w:p><w:r><w:t>Uavsluttet</w:r></w:p>' % W)


def fx_spreadsheet_odt(out):
    write_odt(out, '<text:p>Regneark</text:p>',
              mimetype='application/vnd.oasis.opendocument.spreadsheet')


def fx_nocontent_odt(out):
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo('mimetype'), 'application/vnd.oasis.opendocument.text')
        z.writestr('META-INF/manifest.xml', MANIFEST)


def fx_empty_docx(out):
    write_docx(out, '<w:p/><w:p><w:r><w:t xml:space="preserve">   </w:t></w:r></w:p>')


def fx_encrypted_docx(out):
    # what Word writes for a password-protected .docx: a compound (OLE2) file, not a zip, whose
    # directory names the streams EncryptionInfo and EncryptedPackage (UTF-16LE); the sectors
    # here are filler, as only the header and the names tell the kind
    header = b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + bytes(504)
    names = b''.join(n.encode('utf-16-le').ljust(128, b'\0')
                     for n in ('Root Entry', 'EncryptionInfo', 'EncryptedPackage'))
    with open(out, 'wb') as f:
        f.write(header + names + bytes(1024))


FIXTURES = {
    'structure.docx': fx_structure_docx,
    'structure.odt': fx_structure_odt,
    'letterhead.docx': fx_letterhead_docx,
    'bomb.docx': fx_bomb_docx,
    'laughs.docx': fx_laughs_docx,
    'laughs16.docx': fx_laughs16_docx,
    'truncated.docx': fx_truncated_docx,
    'badxml.docx': fx_badxml_docx,
    'spreadsheet.odt': fx_spreadsheet_odt,
    'nocontent.odt': fx_nocontent_odt,
    'empty.docx': fx_empty_docx,
    'encrypted.docx': fx_encrypted_docx,
}


def main(argv):
    if len(argv) >= 2 and argv[0] == 'batch':
        pdf_lines = argv[1] == '--pdf-lines'
        if pdf_lines:
            argv = argv[1:]
        for path in argv[2:]:
            with open(path, encoding='utf-8') as f:
                text = f.read()
            base = argv[1] + '/' + path.rsplit('/', 1)[-1].rsplit('.', 1)[0]
            docx_from_text(text, base + '.docx', pdf_lines)
            odt_from_text(text, base + '.odt', pdf_lines)
            # no subject: its "Emne:" line would be text the .txt does not have
            eml_from_text(text, base + '.eml', 'Ola Nordmann <ola@example.no>', '',
                          'qp', 'utf-8', False, [])
            eml_from_text(text, base + '.html.eml', 'Ola Nordmann <ola@example.no>',
                          '', 'base64', 'utf-8', True, [], pdf_lines)
        return 0
    if len(argv) >= 3 and argv[0] == 'fixture' and argv[1] in FIXTURES:
        FIXTURES[argv[1]](argv[2])
        return 0
    if len(argv) >= 3 and argv[0] in ('docx', 'odt', 'eml'):
        with open(argv[1], encoding='utf-8') as f:
            text = f.read()
        if argv[0] == 'docx':
            docx_from_text(text, argv[2])
        elif argv[0] == 'odt':
            odt_from_text(text, argv[2])
        else:
            opts = {'--from': 'Ola Nordmann <ola@example.no>', '--subject': 'Innspill',
                    '--cte': 'qp', '--charset': 'utf-8'}
            attach, html, i = [], False, 3
            while i < len(argv):
                if argv[i] == '--html':
                    html = True
                    i += 1
                elif argv[i] == '--attach':
                    attach.append(argv[i + 1])
                    i += 2
                else:
                    opts[argv[i]] = argv[i + 1]
                    i += 2
            eml_from_text(text, argv[2], opts['--from'], opts['--subject'], opts['--cte'],
                          opts['--charset'], html, attach)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
