"""EPUB reading with zipfile and lxml: container.xml → package document (OPF) → spine.

Guarantees:
- Chapters come in spine order; the navigation document (manifest property "nav") and
  anything that is not XHTML/HTML is skipped; a chapter that is empty or fails to parse is
  skipped and the rest of the book kept.
- The title is the first non-empty `dc:title`, else "" (never "None").
- XML is parsed without DTDs, entity expansion or network access: XXE references expand to
  nothing, and a billion-laughs package document (libxml2 stops at its amplification limit)
  is refused rather than read in part. The archive is checked by `archives.open_archive` first.
- Every problem raises `FormatError("not a valid EPUB file: <reason>")`.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote

from reader.documents import archives
from reader.documents.formats import Block, FormatError, declared_charset, html_tree_blocks

if TYPE_CHECKING:
    from lxml import etree

_CONTAINER = "META-INF/container.xml"
_OPF_TYPE = "application/oebps-package+xml"
_CHAPTER_TYPES = frozenset({"application/xhtml+xml", "text/html"})
_DC = "http://purl.org/dc/elements/1.1/"


def _invalid(reason: str) -> FormatError:
    return FormatError(f"not a valid EPUB file: {reason}")


def _xml(data: bytes, name: str) -> etree._Element:
    from lxml import etree  # already loaded by trafilatura or lxml.html

    # No DTD loading, no entity expansion, no network: XXE and billion laughs stay inert.
    parser = etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, recover=True, huge_tree=True
    )
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


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _package_path(archive: archives.Archive) -> str:
    container = _xml(archive.read(_CONTAINER), _CONTAINER)
    paths = [
        (element.get("full-path") or "", element.get("media-type") or "")
        for element in container.iter()
        if _local(element.tag) == "rootfile"
    ]
    for path, media_type in paths:
        if path and media_type in (_OPF_TYPE, ""):
            return path
    raise _invalid(f"{_CONTAINER} names no package document")


def _title(package: etree._Element) -> str:
    for element in package.iter(f"{{{_DC}}}title"):
        text = " ".join("".join(element.itertext()).split())
        if text:
            return text
    return ""


def _spine_paths(package: etree._Element, base: str) -> list[str]:
    manifest: dict[str, tuple[str, str, str]] = {}
    spine: list[str] = []
    for element in package.iter():
        name = _local(element.tag)
        if name == "item":
            href = unquote((element.get("href") or "").split("#", 1)[0])
            manifest[element.get("id") or ""] = (
                posixpath.normpath(posixpath.join(base, href)) if href else "",
                element.get("media-type") or "",
                element.get("properties") or "",
            )
        elif name == "itemref":
            spine.append(element.get("idref") or "")
    chapters = []
    for idref in spine:
        href, media_type, properties = manifest.get(idref, ("", "", ""))
        if href and media_type in _CHAPTER_TYPES and "nav" not in properties.split():
            chapters.append(href)
    return chapters


def extract_epub(data: bytes) -> tuple[list[Block], str]:
    """Blocks of an EPUB's chapters in spine order, and the book title."""
    import lxml.etree
    import lxml.html  # ~10 ms

    try:
        with archives.open_archive(data) as archive:
            opf = _package_path(archive)
            package = _xml(archive.read(opf), opf)
            title = _title(package)
            blocks: list[Block] = []
            for path in _spine_paths(package, posixpath.dirname(opf)):
                if path not in archive.infos:
                    continue  # a dangling spine entry: other readers skip it too
                content = archive.read(path)
                if not content.strip():
                    continue
                try:
                    parser = lxml.html.HTMLParser(encoding=_encoding(content), huge_tree=True)
                    root = lxml.html.document_fromstring(content, parser=parser)
                except (LookupError, lxml.etree.LxmlError):  # an empty or broken chapter
                    continue
                blocks.extend(html_tree_blocks(root, heading_levels=(1, 2, 3)))
    except archives.ArchiveError as error:
        raise _invalid(str(error)) from None
    return [Block(b.kind, b.text, b.level, n) for n, b in enumerate(blocks, 1)], title
