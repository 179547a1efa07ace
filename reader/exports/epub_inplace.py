"""Bilingual EPUB made inside the original book: its own files, with the English added.

Guarantees:
- Every member of the original is written back byte for byte (cover, images, fonts, CSS,
  other documents), `mimetype` first and stored, except: each chapter document with
  Chinese text, the package document (OPF), the nav document and the NCX.
- In a chapter, after each block element whose text has Han (`p`, `h1`-`h6`, `li`,
  `blockquote`, `dt`/`dd`, `div`, `pre`: the units of `reader.documents.epub.text_units`)
  comes its English as a sibling of the same tag, class `reader-en` plus the original's
  classes, `xml:lang="en"` (and `lang="en"` in EPUB 3), no `id` and no inline markup of the
  original (glossary terms are `<b class="reader-term term STATUS">`). Where a sibling would
  change the structure (table cells, captions, `figcaption`, items of an `<ol>`, whose
  numbers would shift) the English goes inside the element, after a `<br/>`, as a
  `<span class="reader-en">`. Glossary terms are marked in the Chinese too where a term lies
  in one run of text.
- `content="english"` replaces the Chinese of each translated unit instead, keeping its
  footnote links and anchors (`<a>` without Han, and every `id`); a unit holding blocks of
  its own (an item with a sub-list) keeps its Chinese and gets its English after it, as in
  `bilingual`. `content="chinese"` adds no English. A paragraph not translated keeps its
  Chinese.
- Chapters are the book's own: the spine, the nav and the NCX keep their order; their labels
  get the English of a matching heading. A term summary, when terms were found, is one more
  XHTML document at the end of the spine and of the nav/NCX (`epub:type="appendix"` in
  EPUB 3). One small stylesheet (`reader-en.css`) is added to the manifest and linked from
  every changed chapter. The metadata gets a `dc:contributor` naming the tool and engine
  (role `trl`), `en` among the languages, and an updated `dcterms:modified` (EPUB 3).
- A book made by this export is cleaned of those additions before they are made again, so
  exporting twice gives the same book, never two English lines.
- A book that cannot be kept whole (a chapter that is not well-formed XHTML, encrypted
  chapters, no chapter found) raises `NotKeptWhole` with a reason; the caller falls back to
  the rebuilt EPUB (reader/exports/epub.py).
"""

from __future__ import annotations

import copy
import posixpath
import zipfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING
from urllib.parse import quote

from reader.documents import archives
from reader.documents import epub as book
from reader.documents.document import Document, Paragraph
from reader.documents.formats import FormatError
from reader.documents.loading import block_text
from reader.exports.common import (
    FLAG_CLASS,
    FLAG_MARK,
    TOOL,
    TOOL_VERSION,
    ExportInfo,
    TermRow,
    flag_title,
    term_summary,
    term_tooltip,
    xml_safe,
)
from reader.exports.html import XHTML, XML_LANG, marked, term_table
from reader.han import has_han
from reader.translation.pipeline import ParagraphTranslation, TermOccurrence

if TYPE_CHECKING:
    from lxml.etree import _Element

OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
XHTML_TYPE = "application/xhtml+xml"
CSS_NAME = "reader-en.css"
CSS_ID = "reader-en-css"
APPENDIX_NAME = "reader-terms.xhtml"
CONTRIBUTOR_ID = book.CONTRIBUTOR_ID
TERM_CLASS = "reader-term"
APPENDIX_TITLE = "Glossary terms"
# Font obfuscation (IDPF, Adobe) is not DRM: those fonts are copied as they are.
_FONT_OBFUSCATION = ("http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC")
_INSIDE_TAGS = frozenset({"td", "th", "caption", "figcaption", "summary"})
_SIBLING_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "dt", "dd", "div", "pre"}
    | {"address", "center"}
)

CSS = """\
/* reader: the English of a bilingual book */
.reader-en { color: #3b4048; }
.flag-mark { color: #b00020; font-weight: bold; margin-left: 0.15em; }
p.reader-en, div.reader-en, blockquote.reader-en, dd.reader-en, pre.reader-en {
  margin-top: 0.15em; }
/* the book's own heading sizes stay (a size in em here would be the body's, not the h1's) */
h1.reader-en, h2.reader-en, h3.reader-en, h4.reader-en, h5.reader-en, h6.reader-en {
  font-weight: normal; margin-top: 0; }
li.reader-en { list-style-type: none; }
b.reader-term { font-weight: bold; }
b.missing, b.forbidden { text-decoration: underline; }
.reader-terms table { border-collapse: collapse; margin: 1em 0; }
.reader-terms th, .reader-terms td { border: 1px solid #999; padding: 0.1em 0.4em;
  text-align: left; vertical-align: top; }
.reader-terms td.n { text-align: right; }
"""


class NotKeptWhole(Exception):
    """The book cannot be translated in place; the message says why in a few words."""


@dataclass(slots=True)
class _Found:
    para: Paragraph
    tr: ParagraphTranslation | None

    @property
    def english(self) -> str:
        return xml_safe(self.tr.text) if self.tr is not None and self.tr.text else ""


class _Paragraphs:
    """The document's paragraphs by their text, taken in book order: the k-th element with a
    text is the k-th paragraph with it (the walk that read the book is the one used here)."""

    def __init__(self, doc: Document, translations: Mapping[str, ParagraphTranslation]) -> None:
        self._queue: dict[str, list[Paragraph]] = defaultdict(list)
        for para in doc.paragraphs:
            self._queue[para.text].append(para)
        self._first = {text: paras[0] for text, paras in self._queue.items()}
        self._translations = translations
        self.matched = 0

    def take(self, raw: str) -> _Found | None:
        text = block_text(raw)
        if not text:
            return None
        queue = self._queue.get(text)
        para = queue.pop(0) if queue else self._first.get(text)
        if para is None:
            return None  # dropped by cleaning (a repeated line, a page number)
        self.matched += 1
        return _Found(para, self._translations.get(para.id))

    def label(self, raw: str) -> str:
        """The English of a table-of-contents label that is also a paragraph, else ""."""
        para = self._first.get(block_text(raw))
        tr = self._translations.get(para.id) if para is not None else None
        return xml_safe(tr.text) if tr is not None and tr.text else ""


def export_epub_inplace(
    original: bytes,
    doc: Document,
    translations: Mapping[str, ParagraphTranslation],
    info: ExportInfo,
    *,
    content: str = "bilingual",
) -> bytes:
    """The original EPUB with its English added (see the module docstring)."""
    from lxml import etree

    try:
        with archives.open_archive(original) as archive:
            return _Book(archive, doc, translations, info, content).write()
    except (archives.ArchiveError, FormatError) as error:
        raise NotKeptWhole(str(error).removeprefix("not a valid EPUB file: ")) from None
    except (etree.LxmlError, ValueError) as error:  # XML lxml reads but will not write back
        raise NotKeptWhole(f"its XML cannot be written back ({type(error).__name__})") from None


class _Book:
    def __init__(
        self,
        archive: archives.Archive,
        doc: Document,
        translations: Mapping[str, ParagraphTranslation],
        info: ExportInfo,
        content: str,
    ) -> None:
        self.archive = archive
        self.doc = doc
        self.translations = translations
        self.info = info
        self.content = content
        self.package = book.read_package(archive)
        self.epub3 = self.package.epub3
        self.paragraphs = _Paragraphs(doc, translations)
        base = self.package.directory
        self.css_path = posixpath.join(base, CSS_NAME)
        self.appendix_path = posixpath.join(base, APPENDIX_NAME)
        self.changed: dict[str, bytes] = {}
        self.removed: set[str] = set()

    # --- the whole book ---

    def write(self) -> bytes:
        self._refuse_encrypted()
        chapters = [i for i in self.package.chapters() if i.path in self.archive.infos]
        if not chapters:
            raise NotKeptWhole("its spine names no XHTML chapter")
        for item in chapters:
            self._chapter(item)
        if self.doc.paragraphs and not self.paragraphs.matched:
            raise NotKeptWhole("none of its paragraphs were found in its XHTML")
        rows = term_summary(self.doc, self.translations)
        if rows:
            self.changed[self.appendix_path] = self._appendix(rows)
        else:  # an appendix an earlier export made goes with its entries in the manifest
            self.removed.add(self.appendix_path)
        nav, ncx = self.package.nav(), self.package.ncx()
        if nav is not None and nav.path in self.archive.infos:
            self.changed[nav.path] = self._nav(nav.path, bool(rows))
        if ncx is not None and ncx.path in self.archive.infos:
            self.changed[ncx.path] = self._ncx(ncx.path, bool(rows))
        self.changed[self.css_path] = CSS.encode()
        self.changed[self.package.path] = self._opf(bool(rows))
        data = self._zip()
        try:
            archives.check_archive(data)
        except archives.ArchiveError as error:
            raise NotKeptWhole(f"the result would be refused: {error}") from None
        return data

    def _refuse_encrypted(self) -> None:
        name = "META-INF/encryption.xml"
        if name not in self.archive.infos:
            return
        from lxml import etree

        try:
            root = etree.fromstring(self.archive.read(name), parser=book.xml_parser(recover=True))
        except etree.XMLSyntaxError:
            raise NotKeptWhole(f"{name} is not readable XML") from None
        if root is None:
            raise NotKeptWhole(f"{name} is not readable XML")
        for method in root.iter():
            if (
                book.local(method.tag) == "encryptionmethod"
                and (method.get("Algorithm") or "") not in _FONT_OBFUSCATION
            ):
                raise NotKeptWhole("it is encrypted (DRM)")

    def _zip(self) -> bytes:
        out = BytesIO()
        stamp = (self.info.date.year, self.info.date.month, self.info.date.day, 0, 0, 0)
        stamp = max(stamp, (1980, 1, 1, 0, 0, 0))
        written = set()
        with zipfile.ZipFile(out, "w") as archive:
            mimetype = zipfile.ZipInfo("mimetype", date_time=stamp)
            archive.writestr(mimetype, b"application/epub+zip", zipfile.ZIP_STORED)
            written.add("mimetype")
            for name, info in self.archive.infos.items():
                if name in written or name in self.removed:
                    continue
                written.add(name)
                if info.is_dir():
                    archive.writestr(zipfile.ZipInfo(name, date_time=info.date_time), b"")
                    continue
                entry = zipfile.ZipInfo(name, date_time=info.date_time)
                entry.external_attr = info.external_attr
                kept = info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
                entry.compress_type = info.compress_type if kept else zipfile.ZIP_DEFLATED
                if name in self.changed:
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(entry, self.changed[name])
                else:  # the original's bytes, unchanged
                    archive.writestr(entry, self.archive.read(name))
            for name, data in self.changed.items():
                if name not in written:
                    entry = zipfile.ZipInfo(name, date_time=stamp)
                    entry.external_attr = 0o644 << 16
                    archive.writestr(entry, data, zipfile.ZIP_DEFLATED)
        return out.getvalue()

    # --- chapters ---

    def _chapter(self, item: book.Item) -> None:
        from lxml import etree

        try:
            root = book.parse_xhtml(self.archive.read(item.path))
        except (etree.XMLSyntaxError, ValueError) as error:
            line = getattr(error, "lineno", None)
            where = f" (line {line})" if line else ""
            raise NotKeptWhole(f"{item.path} is not well-formed XHTML{where}") from None
        doctype = root.getroottree().docinfo.doctype
        if book.local(root.tag) != "html":
            raise NotKeptWhole(f"{item.path} is not an XHTML document")
        root = _in_xhtml_namespace(root)
        changed = _remove_ours(root)  # an earlier export's English goes even if none comes
        for unit in book.text_units(root):
            if not has_han("".join(unit.pieces)):
                continue
            found = [self.paragraphs.take(text) for text in unit.texts]
            pieces = [f for f in found if f is not None]
            if not pieces:
                continue
            if self.content != "english" or unit.nested:
                self._mark_chinese(unit.element, pieces)
            if self.content == "chinese" or not any(f.english for f in pieces):
                changed = changed or any(f.tr is not None and f.tr.terms for f in pieces)
                continue
            self._add_english(unit, pieces)
            changed = True
        if changed:
            href = _href(item.path, self.css_path)
            _link_stylesheet(root, href)
            if not self.epub3:
                _xhtml11_langs(root)
            self.changed[item.path] = _serialize(root, doctype)

    def _mark_chinese(self, element: _Element, pieces: list[_Found]) -> None:
        for found in pieces:
            if found.tr is None:
                continue
            for term in sorted(found.tr.terms, key=lambda t: t.start):
                surface = found.para.text[term.start : term.end]
                if surface:
                    _wrap_first(element, surface, _term_mark(term))

    def _add_english(self, unit: book.Unit, pieces: list[_Found]) -> None:
        element = unit.element
        tag = unit.tag
        parent = element.getparent()
        inside = tag in _INSIDE_TAGS or (
            tag == "li" and parent is not None and book.local(parent.tag) == "ol"
        )
        if self.content == "english" and not unit.nested:
            _replace_with_english(element, pieces, self.epub3)
            return
        if inside or tag not in _SIBLING_TAGS or parent is None:
            span = element.makeelement(f"{{{XHTML}}}span", {"class": book.EN_CLASS})
            _set_lang(span, self.epub3)
            _fill_english(span, pieces)
            element.append(element.makeelement(f"{{{XHTML}}}br", {}))
            element.append(span)
            return
        classes = " ".join([*(element.get("class") or "").split(), book.EN_CLASS])
        sibling = element.makeelement(element.tag, {"class": classes})
        if element.get("style"):
            sibling.set("style", element.get("style") or "")
        _set_lang(sibling, self.epub3)
        _fill_english(sibling, pieces)
        # lxml keeps an element's tail after it: the English follows that text (whitespace
        # between blocks, usually), and gets the same whitespace after it
        element.addnext(sibling)
        tail = element.tail
        sibling.tail = tail if tail is not None and tail.isspace() else None

    # --- navigation ---

    def _nav(self, path: str, appendix: bool) -> bytes:
        from lxml import etree

        try:
            root = book.parse_xhtml(self.archive.read(path))
        except (etree.XMLSyntaxError, ValueError):
            raise NotKeptWhole(f"{path} (the nav document) is not well-formed XHTML") from None
        doctype = root.getroottree().docinfo.doctype
        root = _in_xhtml_namespace(root)
        _remove_ours(root)
        for li in [e for e in root.iter(f"{{{XHTML}}}li") if e.get("id") == book.APPENDIX_ID]:
            _remove_keeping_tail(li)
        for anchor in root.iter(f"{{{XHTML}}}a"):
            self._label(anchor)
        toc = next(
            (
                nav
                for nav in root.iter(f"{{{XHTML}}}nav")
                if "toc" in (nav.get(f"{{{OPS}}}type") or "").split()
            ),
            None,
        )
        ol = toc.find(f"{{{XHTML}}}ol") if toc is not None else None
        if appendix and ol is not None:
            li = ol.makeelement(f"{{{XHTML}}}li", {"id": book.APPENDIX_ID})
            link = etree.SubElement(li, f"{{{XHTML}}}a", href=_href(path, self.appendix_path))
            link.text = APPENDIX_TITLE
            _append_child(ol, li)
        return _serialize(root, doctype)

    def _label(self, element: _Element) -> None:
        """A table-of-contents label gets the English of its heading (an earlier export's
        English taken off first)."""
        text = "".join(element.itertext())
        if self.package.ours and book.original_label(text) != text:
            _cut_label(element, len(book.original_label(text)))
            text = "".join(element.itertext())
        if not has_han(text):
            return
        english = self.paragraphs.label(text)
        if not english or self.content == "chinese":
            return
        if self.content == "english":
            for child in list(element):
                element.remove(child)
            element.text = english
        elif len(element):
            element[-1].tail = (element[-1].tail or "") + book.LABEL_JOINER + english
        else:
            element.text = (element.text or "") + book.LABEL_JOINER + english

    def _ncx(self, path: str, appendix: bool) -> bytes:
        from lxml import etree

        try:
            root = book.parse_xhtml(self.archive.read(path))
        except (etree.XMLSyntaxError, ValueError):
            raise NotKeptWhole(f"{path} (the NCX) is not well-formed XML") from None
        doctype = root.getroottree().docinfo.doctype
        ns = etree.QName(root).namespace or ""
        q = (lambda name: f"{{{ns}}}{name}") if ns else (lambda name: name)
        for point in [e for e in root.iter(q("navPoint")) if e.get("id") == book.APPENDIX_ID]:
            _remove_keeping_tail(point)
        for label in root.iter(q("navLabel")):
            for text in label.iter(q("text")):
                self._label(text)
        nav_map = root.find(q("navMap"))
        if appendix and nav_map is not None:
            orders = [int(o) for e in root.iter(q("navPoint")) if (o := e.get("playOrder", ""))]
            point = nav_map.makeelement(q("navPoint"), {"id": book.APPENDIX_ID})
            _append_child(nav_map, point)
            if orders:
                point.set("playOrder", str(max(orders) + 1))
            label = etree.SubElement(point, q("navLabel"))
            etree.SubElement(label, q("text")).text = APPENDIX_TITLE
            etree.SubElement(point, q("content"), src=_href(path, self.appendix_path))
        return _serialize(root, doctype)

    # --- the package document ---

    def _opf(self, appendix: bool) -> bytes:
        from lxml import etree

        root = self.package.root
        ns = etree.QName(root).namespace or OPF
        manifest = next(e for e in root.iter() if book.local(e.tag) == "manifest")
        spine = next(e for e in root.iter() if book.local(e.tag) == "spine")
        metadata = next((e for e in root.iter() if book.local(e.tag) == "metadata"), None)
        for element in list(manifest):
            if element.get("id") in (CSS_ID, book.APPENDIX_ID):
                _remove_keeping_tail(element)
        for element in list(spine):
            if element.get("idref") == book.APPENDIX_ID:
                _remove_keeping_tail(element)
        base = self.package.directory

        def item(identifier: str, path: str, media_type: str) -> None:
            href = quote(posixpath.relpath(path, base or "."), safe="/")
            entry = manifest.makeelement(f"{{{ns}}}item", {"id": identifier, "href": href})
            entry.set("media-type", media_type)
            _append_child(manifest, entry)

        item(CSS_ID, self.css_path, "text/css")
        if appendix:
            item(book.APPENDIX_ID, self.appendix_path, XHTML_TYPE)
            _append_child(spine, spine.makeelement(f"{{{ns}}}itemref", {"idref": book.APPENDIX_ID}))
        if metadata is not None:
            self._metadata(metadata, ns)
        xml: bytes = etree.tostring(
            root.getroottree(), xml_declaration=True, encoding="UTF-8", standalone=None
        )
        return xml + b"\n"

    def _metadata(self, metadata: _Element, ns: str) -> None:
        from lxml import etree

        dc = book.DC
        for element in list(metadata):
            ours = element.get("id") == CONTRIBUTOR_ID or element.get("refines") == (
                f"#{CONTRIBUTOR_ID}"
            )
            if ours:
                _remove_keeping_tail(element)
        languages = [(e.text or "").strip() for e in metadata if book.local(e.tag) == "language"]
        added: list[_Element] = []
        if self.content != "chinese" and "en" not in languages:
            language = etree.Element(f"{{{dc}}}language", nsmap={"dc": dc})
            language.text = "en"
            added.append(language)
        engine = f", translated by {self.info.engine_label}" if self.info.engine_name else ""
        contributor = etree.Element(f"{{{dc}}}contributor", nsmap={"dc": dc}, id=CONTRIBUTOR_ID)
        contributor.text = xml_safe(f"{TOOL} {TOOL_VERSION}{engine} ({self.content})")
        added.append(contributor)
        if self.epub3:
            role = etree.Element(f"{{{ns}}}meta", refines=f"#{CONTRIBUTOR_ID}", property="role")
            role.set("scheme", "marc:relators")
            role.text = "trl"
            added.append(role)
            for meta in metadata:
                if book.local(meta.tag) == "meta" and meta.get("property") == "dcterms:modified":
                    meta.text = f"{self.info.date.isoformat()}T00:00:00Z"
        else:
            contributor.set(f"{{{OPF}}}role", "trl")
        for element in added:
            _append_child(metadata, element)

    # --- the appendix ---

    def _appendix(self, rows: list[TermRow]) -> bytes:
        from lxml import etree
        from lxml.builder import ElementMaker

        nsmap = {None: XHTML, "epub": OPS} if self.epub3 else {None: XHTML}
        E = ElementMaker(namespace=XHTML, nsmap=nsmap)
        head = E.head(
            E.title(APPENDIX_TITLE),
            E.link(
                rel="stylesheet", type="text/css", href=_href(self.appendix_path, self.css_path)
            ),
        )
        box = (E.section if self.epub3 else E.div)(
            E.h1(APPENDIX_TITLE),
            term_table(E, rows),
            {"class": book.TERMS_CLASS, "id": book.TERMS_CLASS},
        )
        if self.epub3:
            head.insert(0, E.meta(charset="utf-8"))
            box.set(f"{{{OPS}}}type", "appendix")
        root = E.html(head, E.body(box), {XML_LANG: "en"})
        if self.epub3:
            root.set("lang", "en")
            doctype = "<!DOCTYPE html>"
        else:
            _xhtml11_langs(root)
            doctype = (
                '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
                '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">'
            )
        etree.indent(root, space="  ")
        return _serialize(root, doctype)


# --- XHTML surgery -------------------------------------------------------------------------------


def _serialize(root: _Element, doctype: str | None) -> bytes:
    from lxml import etree

    xml: bytes = etree.tostring(
        root.getroottree(), xml_declaration=True, encoding="UTF-8", doctype=doctype or None
    )
    return xml if xml.endswith(b"\n") else xml + b"\n"


def _in_xhtml_namespace(root: _Element) -> _Element:
    """`root` with every element in the XHTML namespace: a chapter written without xmlns
    (which epubcheck refuses) gets it, so the elements added are in the same namespace."""
    from lxml import etree

    if etree.QName(root).namespace is not None:
        return root
    nsmap = {k: v for k, v in root.nsmap.items() if k is not None}
    new = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML, **nsmap})
    for key, value in root.attrib.items():
        new.set(key, value)
    new.text = root.text
    for child in list(root):
        new.append(child)
    for element in new.iter():
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            element.tag = f"{{{XHTML}}}{element.tag}"
    return new


def _cut_label(element: _Element, keep: int) -> None:
    """Keep the first `keep` characters of the element's text (our suffix is plain text at
    its end: in the last text run)."""
    runs: list[tuple[_Element, str]] = [(element, "text")]
    for child in element.iterdescendants():
        runs += [(child, "text"), (child, "tail")]
    seen = 0
    for node, slot in runs:
        value = getattr(node, slot) or ""
        if seen + len(value) > keep:
            setattr(node, slot, value[: max(0, keep - seen)] or None)
        seen += len(value)


def _append_child(parent: _Element, child: _Element) -> None:
    """Append `child` indented like its siblings (the file stays readable in a diff)."""
    inner = parent.text if parent.text is not None and parent.text.isspace() else None
    closing = parent[-1].tail if len(parent) else None
    if len(parent):
        parent[-1].tail = inner if closing is not None and closing.isspace() else closing
    parent.append(child)
    child.tail = closing if closing is not None and closing.isspace() else None


def _remove_keeping_tail(node: _Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    previous = node.getprevious()
    if tail and not tail.isspace():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    elif previous is not None and (previous.tail or " ").isspace():
        previous.tail = node.tail  # the indentation that followed the node now follows this one
    parent.remove(node)


def _remove_ours(root: _Element) -> bool:
    """Take out what an earlier export of this book added (English, term marks, our
    stylesheet); whether there was any."""
    found = False
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if book.has_class(element, book.EN_CLASS):
            previous = element.getprevious()
            if (
                previous is not None
                and book.local(previous.tag) == "br"
                and book.local(element.tag) == "span"
            ):
                _remove_keeping_tail(previous)
            _remove_keeping_tail(element)
            found = True
    for mark in list(root.iter(f"{{{XHTML}}}b")):
        if book.has_class(mark, TERM_CLASS):
            _unwrap(mark)
            found = True
    for link in list(root.iter(f"{{{XHTML}}}link")):
        if (link.get("href") or "").rsplit("/", 1)[-1] == CSS_NAME:
            _remove_keeping_tail(link)
            found = True
    return found


def _unwrap(element: _Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    text = (element.text or "") + (element.tail or "")
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(element)


def _link_stylesheet(root: _Element, href: str) -> None:
    from lxml import etree

    head = root.find(f"{{{XHTML}}}head")
    if head is None:
        head = etree.Element(f"{{{XHTML}}}head")
        root.insert(0, head)
        etree.SubElement(head, f"{{{XHTML}}}title").text = ""
    link = head.makeelement(f"{{{XHTML}}}link", {"rel": "stylesheet", "type": "text/css"})
    link.set("href", href)
    _append_child(head, link)


def _href(source: str, target: str) -> str:
    """A URL-encoded relative href from zip member `source` to `target`."""
    relative = posixpath.relpath(target, posixpath.dirname(source) or ".")
    return quote(relative, safe="/")


def _set_lang(element: _Element, epub3: bool) -> None:
    if epub3:
        element.set("lang", "en")
    element.set(XML_LANG, "en")


def _xhtml11_langs(root: _Element) -> None:
    """XHTML 1.1 (EPUB 2) has `xml:lang` but no `lang` attribute."""
    for element in root.iter():
        if isinstance(element.tag, str) and "lang" in element.attrib:
            value = element.attrib.pop("lang")
            element.set(XML_LANG, element.get(XML_LANG) or value)


def _english_markup(found: _Found) -> _Element:
    """A <span> holding the English with its glossary terms marked."""
    from lxml.builder import ElementMaker

    span: _Element = marked(
        ElementMaker(namespace=XHTML), "span", found.english, found.tr, english=True, lang="en"
    )
    for mark in span:
        mark.set("class", f"{TERM_CLASS} {mark.get('class', '')}".strip())
    return span


def _fill_english(target: _Element, pieces: list[_Found]) -> None:
    """The English of each piece in `target`, a <br/> between pieces (lines of a poem)."""
    first = True
    for found in pieces:
        if not found.english:
            continue
        if not first:
            target.append(target.makeelement(f"{{{XHTML}}}br", {}))
        first = False
        span = _english_markup(found)
        _append_text(target, span.text or "")
        for child in list(span):
            target.append(child)
        if found.tr is not None and found.tr.flagged:  # not to be trusted: say so, and why
            mark = target.makeelement(
                f"{{{XHTML}}}span",
                {"class": f"{FLAG_CLASS} flag-mark", "title": flag_title(found.tr.flagged)},
            )
            mark.text = FLAG_MARK
            target.append(mark)


def _append_text(element: _Element, text: str) -> None:
    if not text:
        return
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _replace_with_english(element: _Element, pieces: list[_Found], epub3: bool) -> None:
    """The element's Chinese replaced by its English; footnote links and anchors kept."""
    keep: list[_Element] = []
    skip: set[int] = set()
    for node in element.iterdescendants():
        if id(node) in skip or not isinstance(node.tag, str):
            continue
        name = book.local(node.tag)
        if name == "a" and not has_han("".join(node.itertext())):
            kept = copy.deepcopy(node)
            kept.tail = None
            keep.append(kept)
            skip.update(id(d) for d in node.iterdescendants())
        elif node.get("id") or (name == "a" and node.get("href")):
            kept = node.makeelement(node.tag, {})
            for key in ("id", "href"):
                if node.get(key):
                    kept.set(key, node.get(key) or "")
            keep.append(kept)
    untranslated = [f.para.text for f in pieces if not f.english]
    for child in list(element):
        element.remove(child)
    element.text = None
    # no `reader-en` class: this English is the book's text now, not an addition to remove
    _set_lang(element, epub3)
    _fill_english(element, pieces)
    for text in untranslated:  # nothing goes missing: a piece not translated keeps its Chinese
        element.append(element.makeelement(f"{{{XHTML}}}br", {}))
        _append_text(element, text)
    for kept in keep:
        element.append(kept)


def _term_mark(term: TermOccurrence) -> _Element:
    from lxml.builder import ElementMaker

    mark: _Element = ElementMaker(namespace=XHTML).b(
        {"class": f"{TERM_CLASS} term {term.status}", "title": term_tooltip(term)}
    )
    return mark


def _wrap_first(element: _Element, surface: str, mark: _Element) -> bool:
    """Wrap the first occurrence of `surface` that lies inside one run of the element's own
    text (not in a block child, a skipped element or an earlier mark) in `mark`."""
    stack: list[tuple[_Element, bool]] = [(element, False)]
    while stack:
        node, is_tail = stack.pop()
        if is_tail:
            run = node.tail or ""
            at = run.find(surface)
            if at >= 0:
                mark.text = surface
                mark.tail = run[at + len(surface) :]
                node.tail = run[:at]
                node.addnext(mark)
                return True
            continue
        if node is not element:
            name = book.local(node.tag)
            ours = name == "b" and book.has_class(node, TERM_CLASS)
            if not name or ours or book.skipped(node) or name in book.UNIT_TAGS:
                continue
        run = node.text or ""
        at = run.find(surface)
        if at >= 0:
            mark.text = surface
            mark.tail = run[at + len(surface) :]
            node.text = run[:at]
            node.insert(0, mark)
            return True
        for child in reversed(node):
            stack.append((child, True))
            stack.append((child, False))
    return False
