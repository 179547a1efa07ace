"""Bilingual EPUB 3 export, for phones and e-readers, rebuilt from the document's text: for
every input but an EPUB, which is translated inside its own files
(reader/exports/epub_inplace.py) unless it cannot be kept whole.

Guarantees:
- EPUB 3 that passes epubcheck with no errors and no warnings (tested): `mimetype` is the first
  entry, stored uncompressed; a package document, a nav document (the table of contents) and
  one XHTML file per chapter. Written with zipfile and lxml only.
- Chapters start at the document's top-level headings (the next level down when the top level
  is a single title); text before the first chapter heading is a chapter titled with the
  document's title. The book's title is the document's.
- `content`: `bilingual` puts each paragraph's English under it; `english` or `chinese` keep
  one language (a paragraph not translated yet keeps its Chinese, so nothing goes missing).
- A flagged English paragraph (reader.translation.results) has class `reader-flagged`, the
  reasons as its title and a visible `⚠ (flagged: reason)` after it.
- Glossary terms are `<b>` in both languages (bold on any reader, with the status as a class);
  a last chapter lists the terms. The bytes depend only on the inputs: the identifier is
  derived from the text and every zip entry carries the export's date.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING

from reader.documents.document import Document, Paragraph
from reader.exports.common import (
    TOOL,
    TOOL_VERSION,
    ExportInfo,
    document_title,
    source_name,
    term_summary,
    xml_safe,
    zh_lang,
)
from reader.exports.html import (
    NOT_TRANSLATED,
    XHTML,
    XML_LANG,
    block_lines,
    flag_element,
    marked,
    term_table,
)
from reader.translation.pipeline import ParagraphTranslation

if TYPE_CHECKING:
    from lxml.builder import ElementMaker
    from lxml.etree import _Element

CONTENTS = ("bilingual", "english", "chinese")
OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
XHTML_TYPE = "application/xhtml+xml"

CSS = """\
body { margin: 0 .6em; line-height: 1.6; }
h1, h2, h3, h4, h5, h6 { line-height: 1.35; margin: 1.2em 0 .4em; }
p { margin: 0 0 .35em; }
:lang(zh-Hans) { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", serif; }
:lang(zh-Hant) { font-family: "Noto Serif CJK TC", "Source Han Serif TC", "Songti TC", serif; }
p.zh { line-height: 1.8; text-align: justify; }
.pair { margin: 0 0 1em; }
.pair p.en { margin-left: 1em; color: #444; font-size: .95em; }
.item p.zh::before, .item p.en::before { content: "• "; }
b.term { font-weight: bold; }
b.missing, b.forbidden { text-decoration: underline; }
.untranslated, .edited { font-style: italic; }
.reader-flagged { text-decoration: underline; }
.flag-mark { font-weight: bold; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #999; padding: .1em .4em; text-align: left; vertical-align: top; }
td.n { text-align: right; }
"""

CONTAINER = """\
<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


@dataclass(slots=True)
class _Chapter:
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)


def export_epub(
    doc: Document,
    translations: Mapping[str, ParagraphTranslation],
    info: ExportInfo,
    *,
    content: str = "bilingual",
) -> bytes:
    from lxml.builder import ElementMaker  # lxml: ~15 ms, already loaded by document formats

    if content not in CONTENTS:
        raise ValueError(f"content must be one of {CONTENTS}")
    E = ElementMaker(namespace=XHTML, nsmap={None: XHTML, "epub": OPS})
    lang = zh_lang(doc)
    book_lang = "en" if content == "english" else lang
    title = xml_safe(document_title(doc))
    files: list[tuple[str, str]] = []  # (name under EPUB/, title)
    pages: dict[str, bytes] = {}
    for number, chapter in enumerate(_chapters(doc, title), 1):
        name = f"text/ch{number:03}.xhtml"
        label = _label(chapter.title, chapter.paragraphs, translations, content)
        section = E.section({f"{{{OPS}}}type": "chapter"})
        for para in chapter.paragraphs:
            section.append(_block(E, para, translations.get(para.id), lang, content))
        pages[name] = _page(E, label, book_lang, section, "../style.css")
        files.append((name, label))
    rows = term_summary(doc, translations)
    if rows:
        section = E.section(E.h1("Glossary terms"), term_table(E, rows))
        section.set(f"{{{OPS}}}type", "appendix")
        pages["text/terms.xhtml"] = _page(
            E, "Glossary terms", book_lang, section, "../style.css", page_lang="en"
        )
        files.append(("text/terms.xhtml", "Glossary terms"))
    nav = E.nav(
        E.h1("Contents"),
        E.ol(*[E.li(E.a(label, href=name)) for name, label in files]),
        {f"{{{OPS}}}type": "toc"},
        id="toc",
    )
    pages["nav.xhtml"] = _page(E, title, book_lang, nav, "style.css")
    identifier = _identifier(doc, translations, content)
    opf = _package(title, book_lang, lang, content, identifier, doc, info, files)

    out = BytesIO()
    stamp = (info.date.year, info.date.month, info.date.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w") as book:
        _add(book, "mimetype", b"application/epub+zip", stamp, zipfile.ZIP_STORED)
        _add(book, "META-INF/container.xml", CONTAINER.encode(), stamp)
        _add(book, "EPUB/package.opf", opf, stamp)
        _add(book, "EPUB/style.css", CSS.encode(), stamp)
        for name, data in pages.items():
            _add(book, f"EPUB/{name}", data, stamp)
    return out.getvalue()


def _chapters(doc: Document, title: str) -> list[_Chapter]:
    levels = [max(p.level, 1) for p in doc.paragraphs if p.kind == "heading"]
    top = min(levels) if levels else 0
    deeper = [level for level in levels if level > top]
    if levels.count(top) == 1 and deeper:
        top = min(deeper)  # one top heading is the book's title: chapters are the next level
    chapters = [_Chapter(title)]
    for para in doc.paragraphs:
        if para.kind == "heading" and max(para.level, 1) == top:
            if chapters[-1].paragraphs or chapters[-1].title != title:
                chapters.append(_Chapter(para.text))
            else:
                chapters[-1].title = para.text  # the document opens with its first heading
        chapters[-1].paragraphs.append(para)
    return [c for c in chapters if c.paragraphs]


def _label(
    title: str,
    paragraphs: list[Paragraph],
    translations: Mapping[str, ParagraphTranslation],
    content: str,
) -> str:
    """The chapter's name in the table of contents, in the book's language(s)."""
    first = paragraphs[0] if paragraphs else None
    english = ""
    if first is not None and first.text == title and (tr := translations.get(first.id)):
        english = tr.text
    title = xml_safe(title)
    if content == "english":
        return xml_safe(english) or title
    if content == "bilingual" and english:
        return f"{title} — {xml_safe(english)}"
    return title


def _block(
    E: ElementMaker, para: Paragraph, tr: ParagraphTranslation | None, lang: str, content: str
) -> _Element:
    tag = f"h{min(max(para.level, 1), 6)}" if para.kind == "heading" else "p"
    has_english = tr is not None and bool(tr.text)
    parts: list[_Element] = []
    if content != "english" or not has_english:
        parts.append(marked(E, tag, para.text, tr, english=False, lang=lang, xml_lang=True))
    if content != "chinese":
        if tr is not None and has_english:
            en = marked(E, tag, tr.text, tr, english=True, lang="en", xml_lang=True)
            if tr.human:
                en.append(E.span(" (edited)", {"class": "edited"}))
            if tr.flagged:  # e-readers show no titles on hover: the mark says why
                flag_element(E, en, tr, spelled=True)
            parts.append(en)
        elif content == "bilingual":
            parts.append(
                getattr(E, tag)(
                    NOT_TRANSLATED, {"class": "en untranslated", "lang": "en", XML_LANG: "en"}
                )
            )
    kind = {"heading": " heading", "list_item": " item"}.get(para.kind, "")
    return E.div(*parts, {"class": f"pair{kind}"}, id=f"p-{para.id}")


def _page(
    E: ElementMaker,
    title: str,
    lang: str,
    body: _Element,
    css: str,
    *,
    page_lang: str | None = None,
) -> bytes:
    from lxml import etree

    page_lang = page_lang or lang
    root = E.html(
        E.head(
            E.meta(charset="utf-8"),
            E.title(title),
            E.link(rel="stylesheet", type="text/css", href=css),
        ),
        E.body(body),
        {"lang": page_lang, XML_LANG: page_lang},
    )
    block_lines(root)
    xml: bytes = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>"
    )
    return xml + b"\n"


def _identifier(
    doc: Document, translations: Mapping[str, ParagraphTranslation], content: str
) -> str:
    digest = hashlib.sha256(content.encode())
    for para in doc.paragraphs:
        tr = translations.get(para.id)
        digest.update(f"{para.text}\0{tr.text if tr else ''}\0".encode())
    return f"urn:uuid:{uuid.UUID(bytes=digest.digest()[:16], version=4)}"


def _package(
    title: str,
    book_lang: str,
    lang: str,
    content: str,
    identifier: str,
    doc: Document,
    info: ExportInfo,
    files: list[tuple[str, str]],
) -> bytes:
    from lxml import etree
    from lxml.builder import ElementMaker

    P = ElementMaker(namespace=OPF, nsmap={None: OPF, "dc": DC})
    D = ElementMaker(namespace=DC, nsmap={"dc": DC})
    languages = {"bilingual": [lang, "en"], "english": ["en"], "chinese": [lang]}[content]
    engine = f", translated by {info.engine_label}" if info.engine_name else ""
    metadata = P.metadata(
        D.identifier(identifier, id="uid"),
        D.title(title),
        *[D.language(code) for code in languages],
        D.source(source_name(doc)),
        D.contributor(f"{TOOL} {TOOL_VERSION}{engine}"),
        D.date(info.date.isoformat()),
        P.meta(f"{info.date.isoformat()}T00:00:00Z", property="dcterms:modified"),
    )
    items = [
        P.item(id="nav", href="nav.xhtml", properties="nav", **{"media-type": XHTML_TYPE}),
        P.item(id="css", href="style.css", **{"media-type": "text/css"}),
    ]
    ids = [f"c{number:03}" for number in range(1, len(files) + 1)]
    items += [
        P.item(id=i, href=name, **{"media-type": XHTML_TYPE})
        for i, (name, _) in zip(ids, files, strict=True)
    ]
    package = P.package(
        metadata,
        P.manifest(*items),
        P.spine(*[P.itemref(idref=i) for i in ids]),
        {"version": "3.0", "unique-identifier": "uid", XML_LANG: book_lang},
    )
    etree.indent(package, space="  ")
    xml: bytes = etree.tostring(package, xml_declaration=True, encoding="UTF-8")
    return xml + b"\n"


def _add(
    book: zipfile.ZipFile,
    name: str,
    data: bytes,
    stamp: tuple[int, int, int, int, int, int],
    compression: int = zipfile.ZIP_DEFLATED,
) -> None:
    entry = zipfile.ZipInfo(name, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
    entry.compress_type = compression
    entry.external_attr = 0o644 << 16
    book.writestr(entry, data)
