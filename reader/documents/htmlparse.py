"""Parsing HTML without silent truncation.

libxml2 stops at nesting depth 256 and at text or attribute values over 10 MB unless told the
input is "huge"; what follows is dropped without an exception (300 unclosed <div>/<font> tags
and inline `data:` images are common in saved pages). Guarantees:
- `parser()` lifts those limits (to depth 2048, and text nodes up to 1 GB).
- `depth(tree)` measures nesting in linear time, so extraction can skip trafilatura on pages
  deeper than `TRAFILATURA_MAX_DEPTH`, where its cost grows with depth squared.
- `limit_warnings(html)` names every limit the page still hits, so the loader can warn (and
  explain an empty result) instead of dropping text without a word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement, HTMLParser

# libxml2's nesting limit with XML_PARSE_HUGE (xmlParserMaxDepth is 256 without it)
HUGE_DEPTH = 2048


def parser() -> HTMLParser:
    import lxml.html  # ~10 ms, loaded with trafilatura anyway

    # the options trafilatura's own parser uses, plus huge_tree
    return lxml.html.HTMLParser(
        collect_ids=False, remove_comments=True, remove_pis=True, huge_tree=True
    )


def tree(html: str) -> HtmlElement | str:
    """The page parsed with `parser()` (for trafilatura, which takes a tree), or the text
    itself where lxml refuses a str (an XML encoding declaration)."""
    import lxml.html
    from lxml import etree

    try:
        return lxml.html.document_fromstring(html, parser=parser())
    except (ValueError, etree.LxmlError):
        return html


# trafilatura's fallback extractors (justext) build an XPath per paragraph, costing depth²:
# 2.5 s at 300 levels, 9 s at 2,000, against 0.1 s for the plain walk; a page this deep is a
# broken one, where boilerplate detection has little to work with anyway.
TRAFILATURA_MAX_DEPTH = 200


def depth(root: HtmlElement | str) -> int:
    """Nesting depth of a parsed page (0 for text lxml refused); linear time."""
    from lxml import etree

    if isinstance(root, str):
        return 0
    level = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        level += 1 if event == "start" else -1
        deepest = max(deepest, level)
    return deepest


def limit_warnings(html: str) -> list[str]:
    """A warning for each parser limit the page hits, in words."""
    import lxml.html
    from lxml import etree

    html_parser = parser()
    try:
        lxml.html.document_fromstring(html, parser=html_parser)
    except (ValueError, etree.LxmlError):
        return []
    warnings: list[str] = []
    for entry in html_parser.error_log:
        if entry.type_name != "ERR_RESOURCE_LIMIT":
            continue
        if "depth" in entry.message.lower():
            warning = (
                f"HTML nested deeper than {HUGE_DEPTH} levels (line {entry.line}): "
                "the text after that point was left out"
            )
        else:
            warning = f"HTML too large to parse past line {entry.line}: the rest was left out"
        if warning not in warnings:
            warnings.append(warning)
    return warnings
