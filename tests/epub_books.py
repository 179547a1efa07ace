"""Real-looking EPUBs built at test time, valid for epubcheck (0 errors, 0 warnings) but for
what each one is about (spaces in file names warn, a missing namespace is an error):

- `epub3_book()`: EPUB 3 with a nav document and an NCX, a cover image, a stylesheet, a
  heading that is a `<p class="chapter-title">`, footnotes (noteref and aside), ruby, em,
  span, lists (ul and ol), a table, a figure with its caption, a blockquote, a poem with
  `<br/>`, an English-only paragraph and an image-only page.
- `epub2_book()`: EPUB 2, NCX only, the package document at an odd path
  (`content/package/book.opf`), file names with spaces (URL-encoded hrefs), the XHTML 1.1
  doctype, `&nbsp;` and `&mdash;` entities, a guide.
- `no_namespace_book()`: EPUB 3 whose chapter forgets the XHTML namespace (what epubcheck
  refuses in the original: the export puts it in).

Chinese text mentions glossary terms of tests/golden/glossary.csv (联防联控, 社区).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

XHTML = "http://www.w3.org/1999/xhtml"
CONTAINER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    '  <rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/>'
    "</rootfiles>\n</container>\n"
)
CSS = "body { margin: 0 5%; }\np.chapter-title { font-size: 1.6em; text-align: center; }\n"


def png(width: int = 4, height: int = 4) -> bytes:
    """A small valid grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def zip_book(members: list[tuple[str, bytes | str]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        for name, data in members:
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _page3(title: str, body: str, css: str = "../Styles/book.css") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML}" xmlns:epub="http://www.idpf.org/2007/ops" '
        'lang="zh-Hans" xml:lang="zh-Hans">\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{title}</title>\n'
        f'<link rel="stylesheet" type="text/css" href="{css}"/>\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


CHAPTER_ONE = """\
<section epub:type="chapter" id="ch1">
<p class="chapter-title" id="t1">第一章 社区</p>
<p>我们加强<em>联防联控</em>，保护<span class="place">社区</span>。<a epub:type="noteref" \
href="#n1" id="r1">1</a></p>
<p><ruby>北<rt>běi</rt>京<rt>jīng</rt></ruby>是一座城市。</p>
<ul>
<li>第一项</li>
<li>第二项</li>
</ul>
<ol>
<li>开始</li>
<li>结束</li>
</ol>
<blockquote><p>引用的话。</p></blockquote>
<p>床前明月光，<br/>疑是地上霜。</p>
<p>This paragraph is already English.</p>
<aside epub:type="footnote" id="n1"><p><a href="#r1">1</a> 注释的内容。</p></aside>
</section>"""

CHAPTER_TWO = """\
<section epub:type="chapter" id="ch2">
<h1 id="t2">第二章 图表</h1>
<figure>
<img src="../Images/cover.png" alt="图"/>
<figcaption>一张图片</figcaption>
</figure>
<table>
<tr><th>地区</th><th>人数</th></tr>
<tr><td>北京</td><td>2</td></tr>
</table>
<p>最后一段。</p>
</section>"""


def epub3_book() -> bytes:
    opf = """\
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" \
xml:lang="zh-Hans">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:12345678-1234-4234-8234-123456789abc</dc:identifier>
    <dc:title>测试之书</dc:title>
    <dc:language>zh-Hans</dc:language>
    <dc:creator>作者</dc:creator>
    <meta property="dcterms:modified">2025-01-01T00:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    <item id="css" href="Styles/book.css" media-type="text/css"/>
    <item id="cover-image" href="Images/cover.png" media-type="image/png" \
properties="cover-image"/>
    <item id="cover" href="Text/cover.xhtml" media-type="application/xhtml+xml"/>
    <item id="c1" href="Text/ch1.xhtml" media-type="application/xhtml+xml"/>
    <item id="c2" href="Text/ch2.xhtml" media-type="application/xhtml+xml"/>
  </manifest>
  <spine toc="ncx">
    <itemref idref="cover"/>
    <itemref idref="c1"/>
    <itemref idref="c2"/>
  </spine>
</package>
"""
    nav = _page3(
        "目录",
        '<nav epub:type="toc" id="toc">\n<h1>目录</h1>\n<ol>\n'
        '<li><a href="Text/ch1.xhtml#t1">第一章 社区</a></li>\n'
        '<li><a href="Text/ch2.xhtml#t2">第二章 图表</a></li>\n'
        "</ol>\n</nav>",
        css="Styles/book.css",
    )
    ncx = _ncx(
        "urn:uuid:12345678-1234-4234-8234-123456789abc",
        [("第一章 社区", "Text/ch1.xhtml#t1"), ("第二章 图表", "Text/ch2.xhtml#t2")],
    )
    cover = _page3("封面", '<div><img src="../Images/cover.png" alt="封面"/></div>')
    return zip_book(
        [
            ("META-INF/container.xml", CONTAINER.format(opf="OEBPS/content.opf")),
            ("OEBPS/content.opf", opf),
            ("OEBPS/nav.xhtml", nav),
            ("OEBPS/toc.ncx", ncx),
            ("OEBPS/Styles/book.css", CSS),
            ("OEBPS/Images/cover.png", png()),
            ("OEBPS/Text/cover.xhtml", cover),
            ("OEBPS/Text/ch1.xhtml", _page3("第一章", CHAPTER_ONE)),
            ("OEBPS/Text/ch2.xhtml", _page3("第二章", CHAPTER_TWO)),
        ]
    )


def _ncx(uid: str, points: list[tuple[str, str]], *, doctype: bool = False) -> str:
    nav_points = "".join(
        f'<navPoint id="np{n}" playOrder="{n}"><navLabel><text>{label}</text></navLabel>'
        f'<content src="{src}"/></navPoint>\n'
        for n, (label, src) in enumerate(points, 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + (
            '<!DOCTYPE ncx PUBLIC "-//NISO//DTD ncx 2005-1//EN" '
            '"http://www.daisy.org/z3986/2005/ncx-2005-1.dtd">\n'
            if doctype
            else ""
        )
        + '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">\n'
        f'<head><meta name="dtb:uid" content="{uid}"/><meta name="dtb:depth" content="1"/>'
        '<meta name="dtb:totalPageCount" content="0"/><meta name="dtb:maxPageNumber" '
        'content="0"/></head>\n'
        "<docTitle><text>测试之书</text></docTitle>\n"
        f"<navMap>\n{nav_points}</navMap>\n</ncx>\n"
    )


def _page2(title: str, body: str, space: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
        '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">\n'
        f'<html xmlns="{XHTML}" xml:lang="zh-CN">\n'
        f"<head>\n<title>{title}</title>\n"
        '<link rel="stylesheet" type="text/css" '
        f'href="../style{space.replace(" ", "%20")}sheet.css"/>\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def epub2_book(*, spaces: bool = True) -> bytes:
    """With `spaces`, epubcheck warns (PKG-010) about the file names, in the original too."""
    uid = "urn:uuid:87654321-4321-4321-8321-cba987654321"
    opf = f"""\
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="BookId">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:opf="http://www.idpf.org/2007/opf">
    <dc:identifier id="BookId" opf:scheme="UUID">{uid}</dc:identifier>
    <dc:title>旧版之书</dc:title>
    <dc:language>zh-CN</dc:language>
    <meta name="cover" content="cover-image"/>
  </metadata>
  <manifest>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    <item id="css" href="style%20sheet.css" media-type="text/css"/>
    <item id="cover-image" href="images/the%20cover.png" media-type="image/png"/>
    <item id="c1" href="text/Chapter%20One.xhtml" media-type="application/xhtml+xml"/>
    <item id="c2" href="text/Chapter%20Two.xhtml" media-type="application/xhtml+xml"/>
  </manifest>
  <spine toc="ncx">
    <itemref idref="c1"/>
    <itemref idref="c2"/>
  </spine>
  <guide>
    <reference type="text" title="正文" href="text/Chapter%20One.xhtml"/>
  </guide>
</package>
"""
    sp, esc = (" ", "%20") if spaces else ("_", "_")
    opf = opf.replace("%20", esc)
    one = (
        '<h2 id="a1">第一章&nbsp;开端</h2>\n'
        "<p>社区加强联防联控&mdash;效果很好。"
        '<a href="Chapter%20Two.xhtml#n2" id="r2"><sup>[1]</sup></a></p>\n'
        '<p><img src="../images/the%20cover.png" alt="图"/></p>\n'
        "<p>第二段落。</p>"
    )
    two = (
        '<h2 id="a2">第二章 注释</h2>\n<p>正文结束。</p>\n'
        '<div class="note"><p id="n2"><a href="Chapter%20One.xhtml#r2">[1]</a> 注释。</p></div>'
    )
    ncx = _ncx(
        uid,
        [
            ("第一章 开端", "text/Chapter%20One.xhtml#a1"),
            ("第二章 注释", "text/Chapter%20Two.xhtml"),
        ],
        doctype=True,
    ).replace("%20", esc)
    one, two = one.replace("%20", esc), two.replace("%20", esc)
    return zip_book(
        [
            ("META-INF/container.xml", CONTAINER.format(opf="content/package/book.opf")),
            ("content/package/book.opf", opf),
            ("content/package/toc.ncx", ncx),
            (f"content/package/style{sp}sheet.css", CSS),
            (f"content/package/images/the{sp}cover.png", png(8, 6)),
            (f"content/package/text/Chapter{sp}One.xhtml", _page2("第一章", one, sp)),
            (f"content/package/text/Chapter{sp}Two.xhtml", _page2("第二章", two, sp)),
        ]
    )


def no_namespace_book() -> bytes:
    """An EPUB 3 whose chapter has no xmlns (epubcheck refuses the original)."""
    opf = """\
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:11111111-2222-4333-8444-555555555555</dc:identifier>
    <dc:title>无名空间</dc:title>
    <dc:language>zh</dc:language>
    <meta property="dcterms:modified">2025-01-01T00:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>
  </manifest>
  <spine><itemref idref="c1"/></spine>
</package>
"""
    nav = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML}" xmlns:epub="http://www.idpf.org/2007/ops">'
        "<head><title>目录</title></head><body>"
        '<nav epub:type="toc"><ol><li><a href="c1.xhtml">第一章</a></li></ol></nav>'
        "</body></html>\n"
    )
    chapter = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        "<html><head><title>第一章</title></head>"
        "<body><h1>第一章</h1><p>社区的故事。</p></body></html>\n"
    )
    return zip_book(
        [
            ("META-INF/container.xml", CONTAINER.format(opf="book.opf")),
            ("book.opf", opf),
            ("nav.xhtml", nav),
            ("c1.xhtml", chapter),
        ]
    )
