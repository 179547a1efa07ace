"""EPUB reading with zipfile and lxml: container.xml → package document (OPF) → spine.

Guarantees:
- Chapters come in spine order; the navigation document (manifest property "nav"), our own
  glossary appendix (`APPENDIX_ID`) and anything that is not XHTML/HTML is skipped; a
  chapter that is empty or fails to parse is skipped and the rest of the book kept.
- Each chapter is read by `text_units`, the one walk the in-place EPUB export shares
  (reader/exports/epub_inplace.py): every block element (`p`, `h1`-`h6`, `li`, `blockquote`,
  `td`/`th`, `figcaption`, `dt`/`dd`, `div`, ...) with text of its own is one unit, its inline
  markup (`em`, `a`, `span`, `ruby` without `rt`/`rp`) read for text, footnote marks
  (`note_reference`) left out, and each `<br>` (each line of a `<pre>`) starts a new
  paragraph. Our own additions to a book we exported (class
  `EN_CLASS`, the appendix's `TERMS_CLASS`) are not read: translating twice never translates
  the English.
- Chapters are parsed as XML when they are well-formed (HTML named entities such as &nbsp;
  allowed), else by the lenient HTML parser, so a broken chapter still reads.
- The title is the first non-empty `dc:title`, else "" (never "None").
- XML is parsed without DTDs, entity expansion or network access: XXE references expand to
  nothing, and a billion-laughs package document (libxml2 stops at its amplification limit)
  is refused rather than read in part. The archive is checked by `archives.open_archive` first.
- Every problem raises `FormatError("not a valid EPUB file: <reason>")`.
"""

from __future__ import annotations

import html.entities
import posixpath
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import unquote

from reader.documents import archives
from reader.documents.document import Kind
from reader.documents.formats import Block, FormatError, _join_lines, declared_charset
from reader.han import has_han

if TYPE_CHECKING:
    from lxml import etree

CONTAINER = "META-INF/container.xml"
_OPF_TYPE = "application/oebps-package+xml"
CHAPTER_TYPES = frozenset({"application/xhtml+xml", "text/html"})
NCX_TYPE = "application/x-dtbncx+xml"
DC = "http://purl.org/dc/elements/1.1/"
# What the in-place export adds to a book, recognised (and skipped) when it is read again.
EN_CLASS = "reader-en"  # the English of a block element
TERMS_CLASS = "reader-terms"  # the glossary appendix's section
APPENDIX_ID = "reader-terms"  # its manifest item
CONTRIBUTOR_ID = "reader-translator"  # the dc:contributor naming the tool and engine
LABEL_JOINER = " — "  # between a table-of-contents label and its English


def _invalid(reason: str) -> FormatError:
    return FormatError(f"not a valid EPUB file: {reason}")


def xml_parser(*, recover: bool) -> etree.XMLParser:
    from lxml import etree  # already loaded by trafilatura or lxml.html

    # No DTD loading, no entity expansion, no network: XXE and billion laughs stay inert.
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        recover=recover,
        huge_tree=True,
        strip_cdata=False,
    )


def _xml(data: bytes, name: str) -> etree._Element:
    from lxml import etree

    parser = xml_parser(recover=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        root = None
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log):
        # libxml2 stops at an entity amplification or depth limit; what follows is lost
        raise _invalid(f"{name} exceeds the XML parser's limits (entity expansion or depth)")
    if root is None:
        raise _invalid(f"{name} is not readable XML")
    for entity in list(root.iter(etree.Entity)):  # unexpanded &name; references: drop them
        parent = entity.getparent()
        if parent is not None:
            _remove_keeping_tail(parent, entity)
    return root


def _remove_keeping_tail(parent: etree._Element, node: etree._Element) -> None:
    tail = node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.-]+)""")
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})


def _encoding(content: bytes) -> str:
    """A chapter's encoding: its XML declaration or <meta charset>, else UTF-8 (the XML
    default; lxml's HTML parser would otherwise assume Latin-1)."""
    for bom, name in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if content.startswith(bom):
            return name
    match = _XML_ENCODING.match(content.lstrip()[:200])
    if match:
        return match.group(1).decode("ascii")
    return declared_charset(content) or "utf-8"


def _numeric_entity(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    code = html.entities.name2codepoint.get(name.decode("ascii"))
    if name in _XML_ENTITIES or code is None:
        return match.group()
    return b"&#%d;" % code


def parse_xhtml(content: bytes) -> etree._Element:
    """A chapter parsed as XML; `etree.XMLSyntaxError` when it is not well-formed. HTML named
    entities (&nbsp;, &mdash;: declared by the XHTML DTD, which is never loaded) become
    character references first."""
    from lxml import etree

    content = _NAMED_ENTITY.sub(_numeric_entity, content)
    return etree.fromstring(content, parser=xml_parser(recover=False))


def _chapter_tree(content: bytes) -> etree._Element | None:
    import lxml.etree
    import lxml.html  # ~10 ms

    try:
        return parse_xhtml(content)
    except (lxml.etree.XMLSyntaxError, ValueError):
        pass
    try:
        parser = lxml.html.HTMLParser(encoding=_encoding(content), huge_tree=True)
        return lxml.html.document_fromstring(content, parser=parser)
    except (LookupError, lxml.etree.LxmlError):  # an empty or broken chapter
        return None


def local(tag: object) -> str:
    """An element's name without its namespace, lower case ("" for comments and PIs)."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def has_class(element: etree._Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


# --- the package -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    path: str  # the zip member: the href resolved against the package and URL-decoded
    media_type: str
    properties: frozenset[str]


@dataclass(slots=True)
class Package:
    path: str  # the OPF's zip member
    root: etree._Element
    items: dict[str, Item] = field(default_factory=dict)  # by id, in manifest order
    spine: list[str] = field(default_factory=list)  # idrefs

    @property
    def version(self) -> str:
        return self.root.get("version") or "2.0"

    @property
    def epub3(self) -> bool:
        return self.version.startswith("3")

    @property
    def directory(self) -> str:
        return posixpath.dirname(self.path)

    @property
    def ours(self) -> bool:
        """Made by our in-place export (its dc:contributor is there)."""
        return any(e.get("id") == CONTRIBUTOR_ID for e in self.root.iter())

    def chapters(self) -> list[Item]:
        """The spine's XHTML documents in order: no nav, no appendix of ours."""
        out = []
        for idref in self.spine:
            item = self.items.get(idref)
            if (
                item is not None
                and item.media_type in CHAPTER_TYPES
                and "nav" not in item.properties
                and item.id != APPENDIX_ID
            ):
                out.append(item)
        return out

    def nav(self) -> Item | None:
        return next((i for i in self.items.values() if "nav" in i.properties), None)

    def ncx(self) -> Item | None:
        spine = next((e for e in self.root.iter() if local(e.tag) == "spine"), None)
        toc = spine.get("toc") if spine is not None else None
        if toc and toc in self.items:
            return self.items[toc]
        return next((i for i in self.items.values() if i.media_type == NCX_TYPE), None)


def resolve(base: str, href: str) -> str:
    """The zip member an href names, relative to the directory `base` ("" at the root)."""
    href = unquote(href.split("#", 1)[0])
    return posixpath.normpath(posixpath.join(base, href)) if href else ""


def package_path(archive: archives.Archive) -> str:
    container = _xml(archive.read(CONTAINER), CONTAINER)
    paths = [
        (element.get("full-path") or "", element.get("media-type") or "")
        for element in container.iter()
        if local(element.tag) == "rootfile"
    ]
    for path, media_type in paths:
        if path and media_type in (_OPF_TYPE, ""):
            return path
    raise _invalid(f"{CONTAINER} names no package document")


def read_package(archive: archives.Archive) -> Package:
    """The package document and its manifest and spine; FormatError when unreadable."""
    path = package_path(archive)
    package = Package(path, _xml(archive.read(path), path))
    for element in package.root.iter():
        name = local(element.tag)
        if name == "item":
            item = Item(
                element.get("id") or "",
                resolve(package.directory, element.get("href") or ""),
                element.get("media-type") or "",
                frozenset((element.get("properties") or "").split()),
            )
            package.items.setdefault(item.id, item)
        elif name == "itemref":
            package.spine.append(element.get("idref") or "")
    return package


def _title(package: etree._Element) -> str:
    for element in package.iter(f"{{{DC}}}title"):
        text = " ".join("".join(element.itertext()).split())
        if text:
            return text
    return ""


# --- the walk ----------------------------------------------------------------------------------

# Block elements whose own text is a unit (a paragraph of the Document).
UNIT_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "td", "th", "figcaption"}
    | {"caption", "dt", "dd", "div", "pre", "address", "summary", "section", "article"}
    | {"aside", "header", "footer", "main", "figure", "body", "details", "center"}
)
# Other block elements: they end the text of the unit around them.
_BLOCK_TAGS = UNIT_TAGS | {"ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "hr"}
# Never read: not text (rt, rp: the reading of ruby; nav: a table of contents).
_SKIP_TAGS = frozenset(
    {"head", "script", "style", "noscript", "template", "nav", "rt", "rp", "svg", "math"}
    | {"iframe", "object", "title", "button", "select", "textarea"}
)


@dataclass(slots=True)
class Unit:
    """A block element's own text: `pieces` split at <br> (and at lines of <pre>), raw as
    in the source (whitespace not yet cleaned)."""

    element: etree._Element
    pieces: list[str]
    nested: bool  # the element holds block elements of its own (an <li> with a sub-list)

    @property
    def tag(self) -> str:
        return local(self.element.tag)

    @property
    def kind(self) -> Kind:
        tag = self.tag
        if tag in ("h1", "h2", "h3"):
            return "heading"
        return "list_item" if tag == "li" else "paragraph"

    @property
    def level(self) -> int:
        return int(self.tag[1]) if self.kind == "heading" else 0

    @property
    def texts(self) -> list[str]:
        """Each piece as one line: a line break of the source inside a piece is a wrap."""
        return [_join_lines(piece.split("\n")) for piece in self.pieces]


_NOTE_MARK = re.compile(r"^\W{0,2}(?:\d{1,3}|[*†‡§a-z])\W{0,2}$")
_OPS_TYPE = "{http://www.idpf.org/2007/ops}type"


def note_reference(element: etree._Element) -> bool:
    """A link to or back from a footnote (`noteref`, or a link reading "1", "[2]", "*"):
    not text to translate, and kept as it is by the export."""
    if local(element.tag) != "a" or not element.get("href"):
        return False
    kinds = (element.get(_OPS_TYPE) or element.get("epub:type") or "").split()
    text = "".join(element.itertext()).strip()
    return "noteref" in kinds or bool(_NOTE_MARK.match(text))


def skipped(element: etree._Element) -> bool:
    """Not read: no text, a footnote mark, or one of our own additions."""
    return (
        local(element.tag) in _SKIP_TAGS
        or has_class(element, EN_CLASS)
        or has_class(element, TERMS_CLASS)
        or note_reference(element)
    )


def _own_text(element: etree._Element) -> tuple[list[str], list[etree._Element]]:
    """The text of `element` outside its block descendants, in pieces, and those block
    descendants (to be walked on their own). An explicit stack: inline markup can nest
    thousands deep in hostile files, past Python's recursion limit."""
    pre = local(element.tag) == "pre"
    pieces = [""]
    blocks: list[etree._Element] = []

    def add(text: str | None) -> None:
        if not text:
            return
        lines = text.split("\n") if pre else [text]
        pieces[-1] += lines[0]
        for line in lines[1:]:
            pieces.append(line)

    stack: list[tuple[etree._Element, bool]] = [(element, False)]  # (node, tail only)
    while stack:
        node, tail_only = stack.pop()
        if tail_only:
            add(node.tail)
            continue
        if node is not element:
            name = local(node.tag)
            if not name or skipped(node):  # comments, PIs, entities, rt: only their tail
                continue
            if name in _BLOCK_TAGS:
                blocks.append(node)
                pieces.append("")
                continue
            if name == "br":
                pieces.append("")
                continue
        add(node.text)
        for child in reversed(node):
            stack.append((child, True))
            stack.append((child, False))
    return [p for p in pieces if p.strip()], blocks


def text_units(root: etree._Element) -> list[Unit]:
    """Every unit of a chapter in reading order: a block element's own text comes before the
    blocks nested in it."""
    units: list[Unit] = []
    stack = [root]
    while stack:
        element = stack.pop()
        if skipped(element):
            continue
        name = local(element.tag)
        if name in UNIT_TAGS or name not in _BLOCK_TAGS:
            pieces, blocks = _own_text(element)
            if pieces and name in UNIT_TAGS:
                units.append(Unit(element, pieces, bool(blocks)))
        else:
            blocks = [child for child in element if local(child.tag)]
        stack.extend(reversed(blocks))
    return units


def unit_blocks(unit: Unit) -> list[Block]:
    """The unit's paragraphs as Blocks."""
    return [Block(unit.kind, text, unit.level) for text in unit.texts if text]


def _document_title(units: list[Unit]) -> str:
    heading = next((u for u in units if u.tag[:1] == "h" and u.tag[1:].isdigit()), units[0])
    title = " ".join(" ".join(heading.texts).split())
    return title if len(title) <= 40 else title[:39] + "…"


@dataclass(frozen=True, slots=True)
class TocEntry:
    title: str
    path: str  # the zip member it points into
    fragment: str  # the id it points at, "" for the document's start
    depth: int


def original_label(label: str) -> str:
    """A table-of-contents label without the English our export added ("第一章 — Chapter 1")."""
    head, joiner, tail = label.rpartition(LABEL_JOINER)
    return head if joiner and has_han(head) and not has_han(tail) else label


def _toc_entry(base: str, href: str, title: str, depth: int, *, ours: bool) -> TocEntry | None:
    title = " ".join(title.split())
    title = original_label(title) if ours else title
    if not href or not title:
        return None
    fragment = unquote(href.split("#", 1)[1]) if "#" in href else ""
    return TocEntry(title, resolve(base, href), fragment, depth)


def table_of_contents(archive: archives.Archive, package: Package) -> list[TocEntry]:
    """The book's own table of contents: the nav document's `toc` (EPUB 3), else the NCX
    (EPUB 2), in order, nested entries with their depth; [] when it has neither (or only a
    broken one: the book is still read)."""
    nav = package.nav()
    if nav is not None and nav.path in archive.infos:
        root = _chapter_tree(archive.read(nav.path))
        navs = [e for e in root.iter() if local(e.tag) == "nav"] if root is not None else []
        kinds = [(n.get(_OPS_TYPE) or n.get("epub:type") or "").split() for n in navs]
        toc = next((n for n, k in zip(navs, kinds, strict=True) if "toc" in k), None)
        toc = toc if toc is not None else next(iter(navs), None)
        if toc is not None:
            entries = []
            for anchor in toc.iter():
                if local(anchor.tag) != "a":
                    continue
                depth = sum(1 for a in anchor.iterancestors() if local(a.tag) == "ol") - 1
                entry = _toc_entry(
                    posixpath.dirname(nav.path),
                    anchor.get("href") or "",
                    "".join(anchor.itertext()),
                    max(0, depth),
                    ours=package.ours,
                )
                if entry is not None:
                    entries.append(entry)
            return entries
    ncx = package.ncx()
    if ncx is not None and ncx.path in archive.infos:
        try:
            root = _xml(archive.read(ncx.path), ncx.path)
        except FormatError:  # a broken NCX costs the chapter list, not the book
            return []
        entries = []
        for point in root.iter():
            if local(point.tag) != "navpoint":
                continue
            label = next((e for e in point if local(e.tag) == "navlabel"), None)
            content = next((e for e in point if local(e.tag) == "content"), None)
            depth = sum(1 for a in point.iterancestors() if local(a.tag) == "navpoint")
            entry = _toc_entry(
                posixpath.dirname(ncx.path),
                content.get("src") or "" if content is not None else "",
                "".join(label.itertext()) if label is not None else "",
                depth,
                ours=package.ours,
            )
            if entry is not None:
                entries.append(entry)
        return entries
    return []


def _unit_at(root: etree._Element, units: list[Unit], fragments: set[str]) -> dict[str, int]:
    """For each fragment, the index of the unit it points at: the one holding the element
    with that id, else the first after it (len(units) for none); "" is the start, 0."""
    found = {"": 0}
    wanted = fragments - {""}
    if not wanted:
        return found
    order: dict[etree._Element, int] = {}
    targets: dict[str, etree._Element] = {}
    for n, element in enumerate(root.iter()):
        order[element] = n
        identifier = element.get("id")
        if identifier in wanted and identifier not in targets:
            targets[identifier] = element
    for fragment in wanted:
        target = targets.get(fragment)
        if target is None:
            found[fragment] = 0
            continue
        ancestors = {target, *target.iterancestors()}
        holding = [n for n, u in enumerate(units) if u.element in ancestors]
        at = order[target]
        found[fragment] = (
            holding[-1]
            if holding
            else next((n for n, u in enumerate(units) if order.get(u.element, -1) > at), len(units))
        )
    return found


def extract_epub(data: bytes) -> tuple[list[Block], str]:
    """Blocks of an EPUB's chapters in spine order, and the book title. A block where an
    entry of the book's table of contents starts carries it (`Block.chapters`)."""
    try:
        with archives.open_archive(data) as archive:
            package = read_package(archive)
            title = _title(package.root)
            toc = table_of_contents(archive, package)
            blocks: list[Block] = []
            pending: list[tuple[str, int]] = []  # entries pointing past their document's text
            for item in package.chapters():
                if item.path not in archive.infos:
                    continue  # a dangling spine entry: other readers skip it too
                content = archive.read(item.path)
                root = _chapter_tree(content) if content.strip() else None
                units = text_units(root) if root is not None else []
                entries = [e for e in toc if e.path == item.path]
                at = (
                    _unit_at(root, units, {e.fragment for e in entries}) if root is not None else {}
                )
                starts: dict[int, list[tuple[str, int]]] = {}
                for entry in entries:
                    starts.setdefault(at.get(entry.fragment, 0), []).append(
                        (entry.title, entry.depth)
                    )
                if not toc and units:  # no table of contents: a chapter per document
                    starts[0] = [(_document_title(units), 0)]
                for n, unit in enumerate(units):
                    pending.extend(starts.get(n, []))
                    for block in unit_blocks(unit):
                        blocks.append(replace(block, chapters=tuple(pending)))
                        pending = []
                pending.extend(starts.get(len(units), []))
    except archives.ArchiveError as error:
        raise _invalid(str(error)) from None
    return [replace(b, line=n) for n, b in enumerate(blocks, 1)], title
