"""Where a web page's article is, what its headline is, and its tables as rows of text.

Guarantees:
- `article_element(root, texts)` is the box (a div, td, article...) holding at least half of
  the sentences of `texts` (the paragraphs an extractor such as trafilatura judged to be the
  article) with the least other text; when those are too few, the page's own prose (text
  runs with a full stop) stands in. It returns `root` when nothing better is known.
- `headline(root, article, titles)` is the article's own headline: the <h1> (else an element
  whose class or id says "title") nearest above or at the top of the article whose text is part
  of one of the page's titles (<title>, og:title, ArticleTitle), else an <h1> above the article;
  "" when there is none.
- `page_title(...)` prefers that headline, then the page's declared article title, then <title>
  without the site's name after `_`, `|` or ` - ` (`北京召开会议_新闻中心_某某网` → `北京召开会议`).
- `repaired(page)` drops stray </body> and </html> closers, after which lxml stops reading.
- `table_rows(table)` gives one string per row, cells joined by " | " (`CELL_SEPARATOR`);
  `is_data_table(table)` tells a table of data (no nested table, two rows of two cells) from
  one that lays out the page, whose cells are read as ordinary blocks instead.
Nothing here fetches anything or raises on odd markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from reader.documents.cleaning import clean_inline, joiner

if TYPE_CHECKING:
    from lxml.html import HtmlElement

CELL_SEPARATOR = " | "
_OTHER_COST = 0.25  # corpus: 0.25 to 1 give the same boxes; 0.1 lets a sidebar in (94% precision)
_KEY = 24  # characters of a paragraph enough to find it in the page
_MIN_EXTRACTED = 200  # characters: less and the extractor missed the article (menus, a footer)
# Elements that hold an article, as opposed to one paragraph of it: the box never narrows to
# a single <p>, whose headline or subtitle siblings (no full stop) would be lost.
_BOXES = frozenset(
    {"div", "section", "article", "main", "td", "th", "table", "tbody", "tr", "center", "dd"}
)
_PROSE = re.compile("。")  # prose has full stops; menus, footers and link titles rarely do
_SITE_SEPARATOR = re.compile(r"\s*(?:_|\||｜| - | — | – |－|--)\s*")
_TITLE_NAME = re.compile(r"title|headline|biaoti", re.I)


# A class or id naming page furniture, never the article: menus, sidebars, share and comment
# boxes, related links.
JUNK_NAME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|sidebar|side|footer|foot|breadcrumbs?|crumbs?|share|"
    r"comments?|related|ads?|advert\w*|toolbar|copyright|topbar)(?:$|[\s_-])",
    re.I,
)
_FURNITURE = frozenset({"nav", "aside", "footer", "header", "form"})
_CLOSERS = re.compile(r"</\s*(?:html|body)\s*>", re.I)


def repaired(page: str) -> str:
    """The page without </body> and </html> closers: server-side includes leave them in the
    middle of pages (a gov.cn page closes </html> after its header), and lxml stops reading
    there, losing the whole article. The parser closes both at the end by itself."""
    return _CLOSERS.sub("", page)


def squash(text: str) -> str:
    """Text without any whitespace, for comparing what two extractions say."""
    return "".join(text.split())


def _squashed_texts(root: HtmlElement) -> dict[HtmlElement, str]:
    """Every element's text without whitespace, built bottom-up in one pass (the page's text
    times its depth, ~2 MB for a 400 KB page) instead of one text_content() per element."""
    texts: dict[HtmlElement, str] = {}
    for element in reversed(list(root.iter())):
        own = squash(element.text or "") if isinstance(element.tag, str) else ""
        parts = [own]
        for child in element:
            parts.append(texts.get(child, ""))
            parts.append(squash(child.tail or ""))
        texts[element] = "".join(parts)
    return texts


def _prose_runs(root: HtmlElement) -> list[str]:
    runs = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "head", "title"):
            continue
        for chunk in (element.text, element.tail):
            text = squash(chunk or "")
            if len(text) >= 20 and _PROSE.search(text):
                runs.append(text)
    return runs


def article_element(root: HtmlElement, texts: Sequence[str]) -> HtmlElement:
    """The element holding the article; see the module docstring."""
    body = root.find("body")
    if body is not None:
        root = body  # the <title> in <head> repeats the headline: never look for text there
    squashed = _squashed_texts(root)
    wanted = [squash(cell) for t in texts for cell in t.split(CELL_SEPARATOR)]
    if sum(map(len, wanted)) < _MIN_EXTRACTED:
        wanted = _prose_runs(root)
    # Only sentences weigh: an extractor's stray lines (menus, link titles, counters) would
    # otherwise pull the box up to the page's main column.
    sentences = [t for t in wanted if _PROSE.search(t)]
    weight: dict[HtmlElement, int] = {}
    for text in sentences or wanted:
        # The whole text when the page has it (an extractor may merge sibling paragraphs),
        # else its start (it may also normalise what follows differently from the page).
        key = text if text in squashed.get(root, "") else text[:_KEY]
        if not key or key not in squashed.get(root, ""):
            continue
        node = root
        while True:
            inner = next((c for c in node if key in squashed.get(c, "")), None)
            if inner is None:
                break
            node = inner
        if _in_furniture(node, root):
            continue  # a sentence in a sidebar or footer must not pull the box towards it
        for element in (node, *node.iterancestors()):
            weight[element] = weight.get(element, 0) + len(text)
    # The box is the element that holds most of the article's sentences with the least other
    # text: each character of other text costs a quarter of a sentence character. Only
    # elements holding half the sentences or more compete.
    total = weight.get(root, 0)
    best, best_score = root, float("-inf")
    for element, held in weight.items():
        if held * 2 < total or (element is not root and element.tag not in _BOXES):
            continue
        score = held - _OTHER_COST * (len(squashed.get(element, "")) - held)
        if score > best_score:
            best, best_score = element, score
    return best


def _in_furniture(node: HtmlElement, root: HtmlElement) -> bool:
    for element in (node, *node.iterancestors()):
        if element is root:
            return False
        name = f"{element.get('class', '')} {element.get('id', '')}"
        if element.tag in _FURNITURE or JUNK_NAME.search(name):
            return True
    return False


def _preceding(element: HtmlElement) -> Iterable[HtmlElement]:
    """Elements before `element` in document order, nearest first."""
    for ancestor in (element, *element.iterancestors()):
        for sibling in ancestor.itersiblings(preceding=True):
            yield from reversed(list(sibling.iter()))


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def headline(root: HtmlElement, article: HtmlElement, titles: Sequence[str]) -> str:
    """The article's own headline; see the module docstring."""
    wanted = [squash(t) for t in titles if t.strip()]

    def in_titles(text: str) -> bool:
        return len(text) >= 4 and any(text in t or t in text for t in wanted)

    inside = [e for e in article.iter("h1", "h2")][:2]
    above = [e for e in _preceding(article) if isinstance(e.tag, str)][:400]
    for candidates in (inside, above):
        for element in candidates:
            text = _text(element)
            if element.tag in ("h1", "h2") and in_titles(squash(text)):
                return text
    for element in above:
        name = f"{element.get('class', '')} {element.get('id', '')}"
        text = _text(element)
        if _TITLE_NAME.search(name) and 4 <= len(text) <= 100 and in_titles(squash(text)):
            return text
    h1 = next((e for e in (*inside, *above) if e.tag == "h1"), None)
    return _text(h1) if h1 is not None and 4 <= len(_text(h1)) <= 100 else ""


def declared_titles(root: HtmlElement) -> list[str]:
    """Article titles the page declares in <meta> (og:title, ArticleTitle, title)."""
    found = []
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        if key in ("og:title", "articletitle", "twitter:title", "title"):
            content = " ".join((meta.get("content") or "").split())
            if content:
                found.append(content)
    return found


def without_site_name(title: str) -> str:
    """<title> minus the site and channel names that follow the article's title."""
    first = _SITE_SEPARATOR.split(title, maxsplit=1)[0].strip()
    return first if len(first) >= 4 else title


def page_title(headline_text: str, declared: Sequence[str], title_tag: str) -> str:
    """The document's title, cleaned like its text (no pinyin artifacts, one space)."""
    title = headline_text or without_site_name(next(iter(declared), title_tag))
    return clean_inline(title).strip()


# --- tables ------------------------------------------------------------------------------------


def _rows(table: HtmlElement) -> list[HtmlElement]:
    """The table's own rows (not those of a table nested in a cell)."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def is_data_table(table: HtmlElement) -> bool:
    if next(table.iterdescendants("table"), None) is not None:
        return False
    wide = [tr for tr in _rows(table) if len([c for c in tr if c.tag in ("td", "th")]) >= 2]
    return len(wide) >= 2


def table_rows(table: HtmlElement) -> list[str]:
    """One line per row with text: its cells' texts joined by `CELL_SEPARATOR` (a cell's own
    lines joined like a paragraph's: no space next to Han)."""
    rows = []
    for tr in _rows(table):
        cells = []
        for cell in tr:
            if cell.tag in ("td", "th"):
                text = ""
                for line in cell.text_content().split("\n"):
                    piece = " ".join(line.split())
                    if piece:
                        text = text + joiner(text, piece) + piece if text else piece
                cells.append(text)
        if any(cells):
            rows.append(CELL_SEPARATOR.join(cells))
    return rows
