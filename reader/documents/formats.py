"""Per-format text extraction: Markdown and HTML into a flat list of `Block`s.

Guarantees:
- Every extractor returns blocks in reading order, each one paragraph, heading or list item
  with its text on one line (inner line breaks joined: no space next to Han, else one space).
- Markdown: `#` headings (and `===`/`---` underlines) become headings with their level, `-`,
  `*`, `+`, `1.` items become list items; emphasis, links, inline code and HTML tags keep only
  their text; images, code fences, front matter, rules and link definitions are left out.
- HTML: the article only. trafilatura (offline, no fetching) says which sentences are the
  article; the page element holding them with the least other text (`html.article_element`)
  is then read by a plain lxml walk that removes scripts, styles, nav, header, footer, aside,
  forms and elements whose class or id names a menu, sidebar, footer, share or comment box,
  so headings, captions and text beside block children are kept. The headline (<h1>, else a
  "title" element matching the page title) comes first even when it sits outside the
  article box, and is the document title; else the declared title, else <title> without the
  site's name. A data table becomes one paragraph per row, cells joined by " | "; a layout
  table is read as blocks. Line breaks of the source are wraps; <br> ends a paragraph.
- EPUB (reader/documents/epub.py) and DOCX (reader/documents/word.py, tables row by row,
  cells joined by " | ") have their own modules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.documents import html as _html
from reader.documents import htmlparse
from reader.documents.cleaning import joiner
from reader.documents.document import DroppedLine
from reader.documents.html import CELL_SEPARATOR

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from reader.documents.document import DroppedLine, Kind


class FormatError(Exception):
    """The file is not a valid document of its format; the message says why, briefly."""


@dataclass(frozen=True, slots=True)
class Block:
    kind: Kind
    text: str
    level: int = 0
    line: int = 0  # 1-based source line where known (Markdown), else the block's ordinal
    # table-of-contents entries (title, depth) that start at this block (EPUB)
    chapters: tuple[tuple[str, int], ...] = ()


def _join_lines(lines: list[str]) -> str:
    text = ""
    for piece in (line.strip() for line in lines):
        if piece:
            text = text + joiner(text, piece) + piece if text else piece
    return text


# --- Markdown ----------------------------------------------------------------------------------

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_QUOTE = re.compile(r"^\s*>\s?")
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]"), ""),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<(https?://[^>]+)>"), r"\1"),  # autolinks
    (re.compile(r"`+([^`]*)`+"), r"\1"),  # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    # Emphasis markers touch Han freely but not ASCII words (2*3*4, snake_case).
    (re.compile(r"(?<![A-Za-z0-9*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![A-Za-z0-9*])"), r"\1"),
    (re.compile(r"(?<![A-Za-z0-9_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![A-Za-z0-9_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML tags
)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|<])")
_HIDE = 0x100000  # escaped characters hide in plane-16 private use while markup is stripped
_HIDDEN = re.compile("[\U00100000-\U0010ffff]")


def strip_inline_markdown(text: str) -> str:
    """Text of one Markdown line without emphasis, link, image, code or HTML markup."""
    text = _ESCAPE.sub(lambda m: chr(_HIDE + ord(m.group(1))), text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return _HIDDEN.sub(lambda m: chr(ord(m.group()) - _HIDE), text)


def extract_markdown(text: str) -> tuple[list[Block], list[DroppedLine]]:
    """Blocks of a Markdown document, and the code-block lines left out (as DroppedLines)."""
    lines = text.split("\n")
    blocks: list[Block] = []
    dropped: list[DroppedLine] = []
    pending: list[str] = []
    pending_kind: Kind = "paragraph"
    pending_line = 0

    def flush() -> None:
        nonlocal pending
        joined = _join_lines([strip_inline_markdown(p) for p in pending])
        if joined:
            blocks.append(Block(pending_kind, joined, 0, pending_line))
        pending = []

    i = 0
    if lines and lines[0].strip() == "---":  # YAML front matter
        end = next((j for j in range(1, len(lines)) if lines[j].strip() in ("---", "...")), None)
        if end is not None:
            i = end + 1
    while i < len(lines):
        line = lines[i]
        number = i + 1
        i += 1
        fence = _FENCE.match(line)
        if fence:
            flush()
            marker = fence.group(1)
            while i < len(lines) and not lines[i].strip().startswith(marker[0] * len(marker)):
                if lines[i].strip():
                    dropped.append(DroppedLine(i + 1, lines[i], "code block"))
                i += 1
            i += 1
            continue
        if not line.strip() or _LINK_DEF.match(line):
            flush()
            continue
        setext = _SETEXT.match(line)
        if setext and pending and pending_kind == "paragraph":
            level = 1 if setext.group(1)[0] == "=" else 2
            title = _join_lines([strip_inline_markdown(p) for p in pending])
            pending = []
            if title:
                blocks.append(Block("heading", title, level, pending_line))
            continue
        if _RULE.match(line):
            flush()
            continue
        atx = _ATX.match(line)
        if atx:
            flush()
            title = strip_inline_markdown(atx.group(2) or "").strip()
            if title:
                blocks.append(Block("heading", title, len(atx.group(1)), number))
            continue
        line = _QUOTE.sub("", line)
        item = _ITEM.match(line)
        if item:
            flush()
            pending, pending_kind, pending_line = [item.group(1)], "list_item", number
            continue
        if not pending:
            pending_kind, pending_line = "paragraph", number
        pending.append(line)
    flush()
    return blocks, dropped


# --- HTML --------------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "td",
        "th",
        "div",
        "section",
        "article",
        "main",
        "body",
        "figcaption",
        "caption",
    }
)
_JUNK_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "template",
    "svg",
    "button",
    "select",
    "head",
)
_JUNK_NAME = _html.JUNK_NAME
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_-]+)", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag in its first 4 KB, if any."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    # Pages labelled GB2312 or GBK routinely use GB18030 characters; it is a superset.
    return "gb18030" if name in ("gb2312", "gbk", "x-gbk") else name


def html_title(html: str) -> str:
    import lxml.html  # ~10 ms, already loaded by trafilatura

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # lxml raises several types on junk; a missing title is not an error
        return ""
    title = tree.findtext(".//title")
    return " ".join(title.split()) if title else ""


def _text_lines(element: HtmlElement) -> list[str]:
    return [line for line in element.text_content().split("\n") if line.strip()]


def html_tree_blocks(
    root: HtmlElement, heading_levels: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
) -> list[Block]:
    """Blocks of an HTML tree by a plain walk: boilerplate elements removed, each innermost
    block element one block (split at <br>)."""
    for element in list(root.iter(*_JUNK_TAGS)):
        if element is not root:
            element.drop_tree()
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element is root:
            continue
        name = f"{element.get('class', '')} {element.get('id', '')}"
        if name.strip() and _JUNK_NAME.search(name) and element.getparent() is not None:
            element.drop_tree()
    for br in root.iter("br"):  # a line break inside headings, items and cells, seen by
        br.tail = "\n" + (br.tail or "")  # text_content(); the walk below marks its own
    if root.tag == "table" and _html.is_data_table(root):
        return [Block("paragraph", row, 0, n) for n, row in enumerate(_html.table_rows(root), 1)]
    _rows_to_paragraphs(root)

    blocks: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        # A <br> ends a paragraph; a line break in the source is only a wrap (joined like one).
        for line in "".join(pending).split("\n"):
            text = _join_lines(line.split(_WRAP))
            if text:
                blocks.append(Block("paragraph", text))
        pending.clear()

    def enter(element: HtmlElement, pre: bool) -> bool:
        """Handle an element's opening; False when it was taken whole (no children to walk)."""
        tag = element.tag if isinstance(element.tag, str) else ""
        atomic = tag == "li" and not any(d.tag in _BLOCK_TAGS for d in element.iterdescendants())
        if (tag[:1] == "h" and tag[1:].isdigit()) or atomic:
            flush()
            text = _join_lines(_text_lines(element))
            level = int(tag[1:]) if tag != "li" else 0
            if not text:
                return False
            if tag == "li":
                blocks.append(Block("list_item", text))
            elif level in heading_levels:
                blocks.append(Block("heading", text, level))
            else:
                blocks.append(Block("paragraph", text))
            return False
        if tag == "br":
            pending.append("\n")
            return False
        if tag in _BLOCK_TAGS or tag in _BREAK_TAGS:
            flush()
        if tag:
            pending.append(_source_text(element.text, pre))
        return True

    # an explicit stack, not recursion: pages nest up to 2048 levels (htmlparse.HUGE_DEPTH),
    # past Python's recursion limit
    stack: list[tuple[str, HtmlElement, bool]] = [("enter", root, False)]
    while stack:
        step, element, pre = stack.pop()
        if step == "tail":
            pending.append(_source_text(element.tail, pre))
            continue
        tag = element.tag if isinstance(element.tag, str) else ""
        if step == "exit":
            if tag in _BLOCK_TAGS or tag in _BREAK_TAGS:
                flush()
            continue
        pre = pre or tag == "pre"
        if not enter(element, pre):
            continue
        stack.append(("exit", element, pre))
        for child in reversed(element):
            stack.append(("tail", child, pre))
            stack.append(("enter", child, pre))
    flush()
    return [Block(b.kind, b.text, b.level, n) for n, b in enumerate(blocks, 1)]


_WRAP = "\x00"  # stands for a line break of the HTML source while a paragraph is gathered
_SOURCE_BREAK = re.compile(r"[ \t\r\f]*\n\s*")
_BREAK_TAGS = frozenset(
    {"ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "hr", "center", "figure"}
)


def _source_text(text: str | None, pre: bool) -> str:
    """Text of the source as it renders: its line breaks are wraps, except in <pre>."""
    if not text:
        return ""
    return text if pre else _SOURCE_BREAK.sub(_WRAP, text)


def _rows_to_paragraphs(root: HtmlElement) -> None:
    """Replace each data table under `root` by its caption and one <p> per row, so a row reads
    as one paragraph with its cells in order instead of one paragraph per cell."""
    from lxml.html import Element

    for table in [t for t in root.iter("table") if t is not root and _html.is_data_table(t)]:
        box = Element("div")
        captions = [_join_lines(_text_lines(c)) for c in table.iter("caption")]
        for text in [*filter(None, captions), *_html.table_rows(table)]:
            paragraph = Element("p")
            paragraph.text = text
            box.append(paragraph)
        box.tail = table.tail
        parent = table.getparent()
        if parent is not None:
            parent.replace(table, box)


def _trafilatura_blocks(html: str) -> list[Block]:
    import trafilatura  # ~300 ms on first import (lxml, courlan, htmldate)
    from lxml import etree

    tree = htmlparse.tree(html)  # parsed with huge_tree: no silent truncation at depth 256
    if htmlparse.depth(tree) > htmlparse.TRAFILATURA_MAX_DEPTH:
        return []  # the plain walk instead: trafilatura costs depth² (9 s at 2,000 levels)
    xml = trafilatura.extract(
        tree,
        output_format="xml",
        include_formatting=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
    )
    if not xml:
        return []
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    if main is None:
        main = root
    blocks: list[Block] = []

    def text_of(element: etree._Element) -> list[str]:
        for lb in element.iter("lb"):
            lb.tail = "\n" + (lb.tail or "")
        return [line for line in "".join(element.itertext()).split("\n") if line.strip()]

    for element in main:
        tag = element.tag
        if tag == "head":
            rend = element.get("rend", "h2")
            level = int(rend[1:]) if rend[1:].isdigit() else 2
            text = _join_lines(text_of(element))
            if text:
                blocks.append(Block("heading", text, level))
        elif tag == "list":
            for item in element.iter("item"):
                text = _join_lines(text_of(item))
                if text:
                    blocks.append(Block("list_item", text))
        elif tag == "table":
            for row in element.iter("row"):
                cells = [_join_lines(text_of(cell)) for cell in row.iter("cell")]
                if any(cells):
                    blocks.append(Block("paragraph", CELL_SEPARATOR.join(cells)))
        else:
            blocks.extend(Block("paragraph", line.strip()) for line in text_of(element))
    return [Block(b.kind, b.text, b.level, n) for n, b in enumerate(blocks, 1)]


def extract_html(html: str) -> tuple[list[Block], str]:
    """Blocks of a web page's article, and the article's title."""
    import lxml.html

    title = html_title(html)
    if not html.strip():
        return [], title
    html = _html.repaired(html)
    extracted = _trafilatura_blocks(html)
    try:
        root = lxml.html.document_fromstring(html, parser=htmlparse.parser())
    except Exception:  # lxml.etree.ParserError on junk input
        return extracted, title
    article = _html.article_element(root, [b.text for b in extracted])
    declared = _html.declared_titles(root)
    headline = _html.headline(root, article, [title, *declared])
    blocks = html_tree_blocks(article)
    if not blocks and extracted:
        return extracted, _html.page_title(headline, declared, title)
    top = {_html.squash(b.text) for b in blocks[:3]}
    if headline and _html.squash(headline) not in top:
        # Pages put the headline above the article box, or in its <header>, which the walk
        # drops with the site's header: the reader's first line must still be the headline.
        blocks.insert(0, Block("heading", headline, 1))
        blocks = [Block(b.kind, b.text, b.level, n) for n, b in enumerate(blocks, 1)]
    return blocks, _html.page_title(headline, declared, title)
