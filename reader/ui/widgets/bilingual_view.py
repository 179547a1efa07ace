"""`BilingualView`: every Chinese paragraph beside (or above) its English, in one line-API widget.

Guarantees:
- one `ScrollView` for the whole document: only visible lines are rendered (`render_line`), from
  an LRU cache of rendered rows keyed by (row, width, row version, view version, cursor state),
  as Toolong's `log_lines.py` does; no widget per paragraph;
- a row's height is max(wrapped Chinese, wrapped English) + 1 blank line, side by side; stacked
  (Chinese above English) below `STACK_BELOW` columns;
- rows are laid out exactly only when they come into view; the others carry an O(1) estimate
  (`reader.documents.wrapping.estimate_height`), so a 2 MB document gets its scroll height at
  once; when a
  row above the viewport changes height, the scroll offset moves with it so the text stays put;
- positions (cursor, selection, term spans) are offsets in `Paragraph.text`, whatever script is
  displayed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, ClassVar

from rich.cells import get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.events import Click, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.documents.wrapping import estimate_height, wrap

if TYPE_CHECKING:
    from reader.documents.document import Paragraph
    from reader.glossary.matching import TermHit
    from reader.translation.pipeline import ParagraphTranslation

STACK_BELOW = 100  # columns: narrower terminals stack Chinese above English
GUTTER = 2  # cursor bar + marker (✎ for a post-edited paragraph)
SEPARATOR = " │ "
STATUSES = ("applied", "repaired", "missing", "forbidden", "found")
PROBLEMS = frozenset({"missing", "forbidden"})


@dataclass(frozen=True, slots=True)
class Span:
    """A styled span of a paragraph: term occurrence or search match."""

    start: int
    end: int
    status: str


@dataclass(slots=True)
class RowLayout:
    zh: str  # displayed Chinese (original, Simplified or Traditional)
    zh_lines: list[tuple[int, int]]
    en: str
    en_lines: list[tuple[int, int]]
    height: int  # lines including the blank separator
    stacked: bool


class BilingualView(ScrollView, can_focus=True, inherit_bindings=False):
    """The document, paragraph by paragraph, Chinese beside English.

    Keys belong to the screen (cursor movement, not raw scrolling), hence no inherited bindings.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"bilingual--{s}" for s in STATUSES),
        "bilingual--cursor-row",
        "bilingual--gutter",
        "bilingual--char-cursor",
        "bilingual--word",
        "bilingual--selection",
        "bilingual--search",
        "bilingual--heading",
        "bilingual--pending",
        "bilingual--human",
        "bilingual--separator",
    }

    class CursorMoved(Message):
        """The paragraph or character under the cursor changed."""

        def __init__(self, index: int, char: int) -> None:
            super().__init__()
            self.index = index
            self.char = char

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.paragraphs: list[Paragraph] = []
        self.translations: dict[str, ParagraphTranslation] = {}
        self.hits: dict[str, list[TermHit]] = {}
        self.cursor = 0  # paragraph index
        self.char = 0  # character offset in Paragraph.text
        self.selection_anchor: int | None = None  # selection start, offset in Paragraph.text
        self.word_span: tuple[int, int] | None = None  # word under the cursor (dictionary)
        self.search_query = ""
        self.show_other_script = False  # `t`: Simplified for a Traditional text and vice versa
        self.original_is_traditional = False
        self._index: dict[str, int] = {}
        self._heights: list[int] = []
        self._exact: bytearray = bytearray()
        self._offsets: list[int] = [0]
        self._layout_width = 0
        self._row_version: list[int] = []
        self._view_version = 0
        self._layouts: LRUCache[tuple, RowLayout] = LRUCache(2000)
        self._strips: LRUCache[tuple, list[Strip]] = LRUCache(500)
        self._converted: LRUCache[str, str] = LRUCache(4000)

    # -- document state ------------------------------------------------------------------

    def set_document(
        self, paragraphs: Sequence[Paragraph], hits: dict[str, list[TermHit]], *, traditional: bool
    ) -> None:
        self.paragraphs = list(paragraphs)
        self.hits = hits
        self.translations = {}
        self.original_is_traditional = traditional
        self._index = {p.id: i for i, p in enumerate(self.paragraphs)}
        self._row_version = [0] * len(self.paragraphs)
        self.cursor = min(self.cursor, max(0, len(self.paragraphs) - 1))
        self._relayout()

    def index_of(self, paragraph_id: str) -> int | None:
        return self._index.get(paragraph_id)

    @property
    def current(self) -> Paragraph | None:
        return self.paragraphs[self.cursor] if self.paragraphs else None

    def set_translations(self, translations: Iterable[ParagraphTranslation]) -> None:
        changed: list[int] = []
        for tr in translations:
            i = self._index.get(tr.paragraph_id)
            if i is None:
                continue
            self.translations[tr.paragraph_id] = tr
            self._row_version[i] += 1
            changed.append(i)
        self._rows_changed(changed)

    def drop_translations(self, paragraph_ids: Iterable[str]) -> None:
        changed = []
        for pid in paragraph_ids:
            if self.translations.pop(pid, None) is not None:
                i = self._index[pid]
                self._row_version[i] += 1
                changed.append(i)
        self._rows_changed(changed)

    def set_hits(self, hits: dict[str, list[TermHit]]) -> None:
        self.hits = hits
        self._view_changed()

    def set_search(self, query: str) -> None:
        self.search_query = query
        self._view_changed()

    def toggle_script(self) -> None:
        self.show_other_script = not self.show_other_script
        self._view_changed(relayout=True)

    @property
    def displayed_script(self) -> str:
        traditional = self.original_is_traditional != self.show_other_script
        return "Traditional" if traditional else "Simplified"

    # -- cursor ----------------------------------------------------------------------------

    def move_to(self, index: int, char: int = 0, *, keep_selection: bool = False) -> None:
        if not self.paragraphs:
            return
        index = max(0, min(index, len(self.paragraphs) - 1))
        if index != self.cursor or not keep_selection:
            self.selection_anchor = None
        self.cursor = index
        self.char = max(0, min(char, max(0, len(self.paragraphs[index].text) - 1)))
        self.word_span = None
        self.scroll_to_cursor()
        self.refresh()
        self.post_message(self.CursorMoved(self.cursor, self.char))

    def move_char(self, delta: int) -> None:
        if self.current is not None:
            self.move_to(self.cursor, self.char + delta, keep_selection=True)

    def toggle_selection(self) -> None:
        self.selection_anchor = None if self.selection_anchor is not None else self.char
        self._invalidate_row(self.cursor)

    @property
    def selection(self) -> tuple[int, int] | None:
        if self.selection_anchor is None:
            return None
        return min(self.selection_anchor, self.char), max(self.selection_anchor, self.char) + 1

    def set_word_span(self, span: tuple[int, int] | None) -> None:
        self.word_span = span
        self._invalidate_row(self.cursor)

    def page(self, direction: int) -> None:
        """Move the cursor by a screenful and bring it to the top of the view."""
        if not self.paragraphs:
            return
        self._ensure_offsets()
        target = self._offsets[self.cursor] + direction * max(
            1, self.scrollable_content_region.height - 1
        )
        index = max(
            0, min(bisect_right(self._offsets, max(0, target)) - 1, len(self.paragraphs) - 1)
        )
        if index == self.cursor:
            index = max(0, min(self.cursor + direction, len(self.paragraphs) - 1))
        self.move_to(index)
        self.scroll_to(y=self._offsets[index], animate=False)

    def scroll_to_cursor(self) -> None:
        if not self.paragraphs or self._layout_width <= 0:
            return
        self._lay_out_exactly([self.cursor])
        top = self._offsets[self.cursor]
        height = self._heights[self.cursor] - 1
        self.scroll_to_region(
            Region(0, top, 1, max(1, height)), animate=False, force=True, immediate=True
        )

    def visible_range(self) -> tuple[int, int]:
        """First and last paragraph index on screen (inclusive)."""
        if not self.paragraphs:
            return 0, -1
        self._ensure_offsets()
        top = int(self.scroll_y)
        bottom = top + max(1, self.scrollable_content_region.height)
        first = max(0, bisect_right(self._offsets, top) - 1)
        last = max(first, min(bisect_left(self._offsets, bottom) - 1, len(self.paragraphs) - 1))
        return first, last

    # -- layout ------------------------------------------------------------------------------

    @property
    def stacked(self) -> bool:
        return self._layout_width < STACK_BELOW

    def _column_widths(self) -> tuple[int, int]:
        width = self._layout_width
        if self.stacked:
            text = max(1, width - GUTTER - 1)
            return text, text
        zh = max(1, (width - GUTTER - len(SEPARATOR)) // 2)
        return zh, max(1, width - GUTTER - len(SEPARATOR) - zh)

    def on_resize(self, event: Resize) -> None:
        width = self.scrollable_content_region.width
        if width != self._layout_width:
            self._layout_width = width
            self._relayout()

    def _relayout(self) -> None:
        if self._layout_width <= 0:
            self._layout_width = self.scrollable_content_region.width
        n = len(self.paragraphs)
        self._heights = [self._estimate(i) for i in range(n)]
        self._exact = bytearray(n)
        self._offsets = [0, *accumulate(self._heights)]
        self._strips.clear()
        self.virtual_size = Size(self._layout_width, self._offsets[-1])
        self.refresh()

    def _estimate(self, i: int) -> int:
        p = self.paragraphs[i]
        zw, ew = self._column_widths()
        zh = estimate_height(p.text, zw)
        tr = self.translations.get(p.id)
        en = -(-len(tr.text) * 11 // (10 * ew)) if tr and tr.text else 1
        return (zh + en if self.stacked else max(zh, en)) + 1

    def _ensure_offsets(self) -> None:
        if len(self._offsets) != len(self._heights) + 1:
            self._offsets = [0, *accumulate(self._heights)]

    def _rows_changed(self, rows: list[int]) -> None:
        if not rows:
            return
        first, last = self.visible_range()
        near = [i for i in rows if first - 20 <= i <= last + 20]
        far = {i: self._estimate(i) for i in rows if not first - 20 <= i <= last + 20}
        for i in far:
            self._exact[i] = 0
        self._set_heights(far)
        self._lay_out_exactly(near, force=True)
        self.refresh()

    def _lay_out_exactly(self, rows: Iterable[int], *, force: bool = False) -> None:
        changes = {}
        for i in rows:
            if force or not self._exact[i]:
                changes[i] = self._layout(i).height
                self._exact[i] = 1
        self._set_heights(changes)

    def _set_heights(self, changes: dict[int, int]) -> None:
        """Apply new row heights, keeping the text at the top of the view where it is."""
        changes = {i: h for i, h in changes.items() if self._heights[i] != h}
        if not changes:
            return
        self._ensure_offsets()
        top = int(self.scroll_y)
        anchor = max(0, bisect_right(self._offsets, top) - 1)
        within = top - self._offsets[anchor]
        for i, h in changes.items():
            self._heights[i] = h
        self._offsets = [0, *accumulate(self._heights)]
        self.virtual_size = Size(self._layout_width, self._offsets[-1])
        if anchor < len(self._heights) and any(i < anchor for i in changes):
            new_top = self._offsets[anchor] + min(within, self._heights[anchor] - 1)
            self.set_scroll(None, new_top)

    def _display(self, p: Paragraph) -> tuple[str, list[int] | None]:
        """The Chinese as displayed, and the map display index -> original index (None: same)."""
        if not self.show_other_script:
            return p.text, None
        if self.original_is_traditional:
            return p.simplified, p.to_original
        converted = self._converted.get(p.id)
        if converted is None:
            from reader.documents.scripts import to_traditional  # opencc: loaded on first `t`

            converted = to_traditional(p.text)
            self._converted[p.id] = converted
        return (converted, None) if len(converted) == len(p.text) else (p.text, None)

    def _layout(self, i: int) -> RowLayout:
        key = (i, self._layout_width, self._row_version[i], self._view_version)
        cached = self._layouts.get(key)
        if cached is not None:
            return cached
        p = self.paragraphs[i]
        zw, ew = self._column_widths()
        zh, _ = self._display(p)
        tr = self.translations.get(p.id)
        en = tr.text if tr else ""
        zh_lines = wrap(zh, zw)
        en_lines = wrap(en, ew)
        if self.stacked:
            height = len(zh_lines) + len(en_lines) + 1
        else:
            height = max(len(zh_lines), len(en_lines)) + 1
        layout = RowLayout(zh, zh_lines, en, en_lines, height, self.stacked)
        self._layouts[key] = layout
        return layout

    def _view_changed(self, *, relayout: bool = False) -> None:
        self._view_version += 1
        self._strips.clear()
        if relayout:
            self._relayout()
        self.refresh()

    def _invalidate_row(self, i: int) -> None:
        if 0 <= i < len(self._row_version):
            self.refresh()  # cursor state is part of the strip key; nothing to drop

    # -- rendering --------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        if self.scrollable_content_region.width != self._layout_width:
            # the scrollbar came or went without a resize of the widget itself
            self._layout_width = self.scrollable_content_region.width
            self._relayout()
        if self.paragraphs:
            # lay out what is about to be shown; repeat while estimates move rows into view
            for _ in range(3):
                first, last = self.visible_range()
                if all(self._exact[first : last + 1]):
                    break
                self._lay_out_exactly(range(first, last + 1))
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = int(self.scroll_y) + y
        if not self.paragraphs or line >= self._offsets[-1]:
            return Strip.blank(width, self.rich_style)
        i = bisect_right(self._offsets, line) - 1
        strips = self._row_strips(i)
        offset = line - self._offsets[i]
        if offset >= len(strips):
            return Strip.blank(width, self.rich_style)
        return strips[offset]

    def _row_strips(self, i: int) -> list[Strip]:
        is_cursor = i == self.cursor
        cursor_state = (
            (self.char, self.selection_anchor, self.word_span, self.has_focus)
            if is_cursor
            else None
        )
        key = (i, self._layout_width, self._row_version[i], self._view_version, cursor_state)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        strips = self._render_row(i, is_cursor)
        self._strips[key] = strips
        return strips

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"bilingual--{name}", partial=True)

    def _render_row(self, i: int, is_cursor: bool) -> list[Strip]:
        p = self.paragraphs[i]
        layout = self._layout(i)
        zw, ew = self._column_widths()
        tr = self.translations.get(p.id)
        base = self.rich_style
        if is_cursor:
            base = base + self._style("cursor-row")
        zh_text = self._zh_text(p, layout, is_cursor)
        en_text = self._en_text(layout, tr)
        zh_strips = _divide(zh_text, layout.zh_lines, zw, self.app.console)
        en_strips = _divide(en_text, layout.en_lines, ew, self.app.console)
        bar = Segment("▌", self._style("gutter")) if is_cursor else Segment(" ")
        human = tr is not None and tr.human
        mark = Segment("✎", self._style("human")) if human else Segment(" ")
        blank = Segment(" ")
        rows: list[Strip] = []
        if layout.stacked:
            for strip in zh_strips:
                rows.append(Strip.join([Strip([bar, blank]), strip]))
            for n, strip in enumerate(en_strips):
                rows.append(Strip.join([Strip([bar, mark if n == 0 else blank]), strip]))
        else:
            sep = Strip([Segment(SEPARATOR, self._style("separator"))])
            empty_zh, empty_en = Strip.blank(zw), Strip.blank(ew)
            for n in range(layout.height - 1):
                zh = zh_strips[n] if n < len(zh_strips) else empty_zh
                en = en_strips[n] if n < len(en_strips) else empty_en
                rows.append(Strip.join([Strip([bar, mark if n == 0 else blank]), zh, sep, en]))
        width = self._layout_width
        rows = [row.adjust_cell_length(width).apply_style(base) for row in rows]
        rows.append(Strip.blank(width, self.rich_style))
        return rows

    def _zh_text(self, p: Paragraph, layout: RowLayout, is_cursor: bool) -> Text:
        display, to_original = self._display(p)

        def shown(offset: int) -> int:
            if to_original is None:
                return offset
            return bisect_left(to_original, offset)

        text = Text(display, style=self._style("heading") if p.kind == "heading" else "")
        for span in self.term_spans(p):
            text.stylize(self._style(span.status), shown(span.start), shown(span.end))
        for start in _find_all(display, self.search_query):
            text.stylize(self._style("search"), start, start + len(self.search_query))
        if is_cursor:
            if self.word_span:
                text.stylize(
                    self._style("word"), shown(self.word_span[0]), shown(self.word_span[1])
                )
            if self.selection:
                a, b = self.selection
                text.stylize(self._style("selection"), shown(a), shown(b))
            if self.has_focus and display:
                at = shown(self.char)
                text.stylize(self._style("char-cursor"), at, at + 1)
        return text

    def _en_text(self, layout: RowLayout, tr: ParagraphTranslation | None) -> Text:
        if tr is None:
            return Text("…", style=self._style("pending"))
        text = Text(layout.en)
        for term in tr.terms:
            if term.en_start >= 0:
                text.stylize(self._style(term.status), term.en_start, term.en_end)
        for start in _find_all(layout.en.lower(), self.search_query.lower()):
            text.stylize(self._style("search"), start, start + len(self.search_query))
        return text

    def term_spans(self, p: Paragraph) -> list[Span]:
        """Glossary terms in the paragraph: checked statuses once translated, else "found"."""
        tr = self.translations.get(p.id)
        if tr is not None and tr.terms:
            return [Span(t.start, t.end, t.status) for t in tr.terms]
        return [Span(h.start, h.end, "found") for h in self.hits.get(p.id, [])]

    # -- mouse --------------------------------------------------------------------------------

    def on_click(self, event: Click) -> None:
        if not self.paragraphs:
            return
        line = int(self.scroll_y) + event.y
        if line >= self._offsets[-1]:
            return
        i = bisect_right(self._offsets, line) - 1
        layout = self._layout(i)
        row_line = line - self._offsets[i]
        x = event.x - GUTTER
        char = 0
        if row_line < len(layout.zh_lines) and 0 <= x < self._column_widths()[0]:
            start, end = layout.zh_lines[row_line]
            display_index = _index_at_cell(layout.zh, start, end, x)
            _, to_original = self._display(self.paragraphs[i])
            char = to_original[display_index] if to_original else display_index
        self.move_to(i, char)


def _divide(text: Text, lines: list[tuple[int, int]], width: int, console) -> list[Strip]:
    pieces = text.divide(start for start, _ in lines[1:]) if len(lines) > 1 else [text]
    strips = []
    for piece in pieces:
        piece.rstrip()
        piece.remove_suffix("\n")
        strips.append(Strip(piece.render(console), piece.cell_len).adjust_cell_length(width))
    return strips


def _find_all(haystack: str, needle: str) -> list[int]:
    if not needle:
        return []
    found, start = [], haystack.find(needle)
    while start >= 0:
        found.append(start)
        start = haystack.find(needle, start + len(needle))
    return found


def _index_at_cell(text: str, start: int, end: int, x: int) -> int:
    """Index of the character drawn at cell `x` of the line text[start:end]."""
    cells = 0
    for index in range(start, end):
        cells += get_character_cell_size(text[index])
        if cells > x:
            return index
    return max(start, end - 1)
