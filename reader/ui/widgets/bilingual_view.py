"""`BilingualView`: every Chinese paragraph beside (or above) its English, in one line-API widget.

Guarantees:
- one `ScrollView` for the whole document: only visible lines are rendered (`render_line`), from
  an LRU cache of rendered rows keyed by (row, width, row version, view version, cursor state),
  as Toolong's `log_lines.py` does; no widget per paragraph;
- a row's height is max(wrapped Chinese, wrapped English) + 1 blank line, side by side; stacked
  (Chinese above English) below `columns.STACK_BELOW` columns;
- rows are laid out exactly only when they come into view; the others carry an O(1) estimate
  (`reader.ui.columns.estimate_row_height`), so a 2 MB document gets its scroll height at
  once; when rows change height (the English arrives, the terminal is resized), the cursor
  paragraph stays on the same screen line when it was on screen, else the top line's text does;
- scrolling moves by lines inside a paragraph taller than the screen (either column), and on to
  the next paragraph only once its end is on screen;
- positions (cursor, selection, term spans) are offsets in `Paragraph.text`, whatever script is
  displayed;
- a sentence cursor inside the paragraph cursor: the sentence holding the character cursor
  (`reader.translation.alignment`), its Chinese and its English drawn on one shared
  background; `)`/`(` move it across paragraph ends; a post-edited paragraph is one unit;
- pinyin on demand (`P`: the cursor sentence, `ctrl+p`: every paragraph): a line of
  tone-marked pinyin above each line of the Chinese, each word's reading at its word's column
  (`reader.documents.ruby`); readings arrive from a worker (`set_readings`), the row is laid
  out again then;
- a paragraph offered the post-edit of an earlier version of its text (`set_offers`: its source
  was corrected) shows that English under its own, marked "✎? … A accepts, p edits", in the
  muted human style; it is not the paragraph's translation (search, sentences, exports ignore it);
- colours with transparency (the cursor row's background, muted text) are blended over the
  colour below before drawing, so no terminal ever shows them solid (the cursor row was
  #E0E0E0 on #FFFFFF).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.cells import get_character_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.events import Click, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.documents.ruby import RubyLine, ruby_wrap
from reader.documents.scripts import to_traditional  # OpenCC itself loads on the first `t`
from reader.documents.search import Query, chinese_spans, english_spans
from reader.documents.wrapping import wrap
from reader.translation.alignment import SentencePair, pair_at, sentence_pairs
from reader.translation.review import STATUSES, Span, TermSpans
from reader.ui import columns

if TYPE_CHECKING:
    from reader.documents.document import Paragraph
    from reader.glossary.matching import TermHit
    from reader.translation.pipeline import ParagraphTranslation

PinyinMode = Literal["off", "sentence", "all"]
OFFER_LABEL = "✎? post-edit of an earlier version of this text: A accepts, p edits"


@dataclass(slots=True)
class RowLayout:
    zh: str  # displayed Chinese (original, Simplified or Traditional)
    zh_lines: list[tuple[int, int]]
    en: str
    en_lines: list[tuple[int, int]]
    height: int  # lines including the blank separator
    stacked: bool
    # zh line index of a pinyin row -> its ruby line (drawn on that row and the next one)
    ruby: dict[int, RubyLine] = field(default_factory=dict)
    offer: str = ""  # an earlier version's post-edit offered here, with its label
    offer_lines: list[tuple[int, int]] = field(default_factory=list)


class BilingualView(ScrollView, can_focus=True, inherit_bindings=False):
    """The document, paragraph by paragraph, Chinese beside English.

    Keys belong to the screen (cursor movement, not raw scrolling), hence no inherited bindings.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"bilingual--{s}" for s in STATUSES),
        "bilingual--cursor-row",
        "bilingual--sentence",
        "bilingual--gutter",
        "bilingual--char-cursor",
        "bilingual--word",
        "bilingual--selection",
        "bilingual--search",
        "bilingual--heading",
        "bilingual--pending",
        "bilingual--human",
        "bilingual--offer",
        "bilingual--separator",
        "bilingual--pinyin",
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
        # paragraph id -> the English of an earlier version's post-edit, offered (A accepts)
        self.offers: dict[str, str] = {}
        self.spans = TermSpans({})
        self.cursor = 0  # paragraph index
        self.char = 0  # character offset in Paragraph.text
        self.selection_anchor: int | None = None  # selection start, offset in Paragraph.text
        self.word_span: tuple[int, int] | None = None  # word under the cursor (dictionary)
        self.search: Query | None = None
        self.zh_share = columns.ZH_SHARE
        self.show_other_script = False  # `t`: Simplified for a Traditional text and vice versa
        self.original_is_traditional = False
        self._index: dict[str, int] = {}
        self._heights: list[int] = []
        self._exact: bytearray = bytearray()
        self._offsets: list[int] = [0]
        self._layout_width = 0
        self._row_version: list[int] = []
        self._view_version = 0
        self.english_version = 0  # bumped whenever any paragraph's English is set
        self._layouts: LRUCache[tuple[object, ...], RowLayout] = LRUCache(2000)
        self._strips: LRUCache[tuple[object, ...], list[Strip]] = LRUCache(500)
        self._converted: LRUCache[str, str] = LRUCache(4000)
        self._styles: dict[str, Style] = {}
        self._pairs: LRUCache[tuple[int, int], list[SentencePair]] = LRUCache(64)
        self.pinyin: PinyinMode = "off"
        # lines a docked dialog covers at the bottom: blank lines added below the document, so
        # that even its last paragraph can scroll up above the dialog (`make_room`)
        self.covered = 0
        # paragraph id -> its words as (start, end) in Paragraph.text and reading
        self.readings: dict[str, list[tuple[int, int, str]]] = {}

    # -- document state ------------------------------------------------------------------

    def set_document(
        self, paragraphs: Sequence[Paragraph], hits: dict[str, list[TermHit]], *, traditional: bool
    ) -> None:
        self.paragraphs = list(paragraphs)
        self.spans = TermSpans(hits)
        self.translations = {}
        self.offers = {}
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
            self.spans.set_translation(tr)
            self._row_version[i] += 1
            changed.append(i)
        self.english_version += 1
        self._rows_changed(changed)

    def set_offers(self, offers: dict[str, str]) -> None:
        """Show these earlier versions' post-edits under their paragraphs (replacing any)."""
        changed = [self._index[pid] for pid in {*self.offers, *offers} if pid in self._index]
        self.offers = dict(offers)
        for i in changed:
            self._row_version[i] += 1
        self._rows_changed(changed)

    def set_hits(self, hits: dict[str, list[TermHit]]) -> None:
        self.spans.set_hits(hits)
        self._view_changed()

    def set_search(self, query: Query | None) -> None:
        self.search = query if query is not None and query.text else None
        self._view_changed()

    def adjust_split(self, delta: float) -> None:
        """Give the Chinese column `delta` more (or less) of the width."""
        low, high = columns.ZH_SHARE_RANGE
        share = round(max(low, min(high, self.zh_share + delta)), 2)
        if share != self.zh_share:
            self.zh_share = share
            self._view_changed(relayout=True)
            self.scroll_to_cursor()

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
        before = self.cursor
        self.cursor = index
        self.char = max(0, min(char, max(0, len(self.paragraphs[index].text) - 1)))
        self.word_span = None
        self._ruby_moved(before)
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

    # -- pinyin ------------------------------------------------------------------------------

    def set_pinyin(self, mode: PinyinMode) -> None:
        """Pinyin above the cursor sentence ("sentence"), every paragraph ("all") or none."""
        if mode == self.pinyin:
            return
        every = "all" in (mode, self.pinyin)
        self.pinyin = mode
        if every:
            self._relayout_keeping_cursor()
        elif self.paragraphs:
            self._lay_out_exactly([self.cursor], force=True)
        self.scroll_to_cursor()
        self.refresh()

    def pinyin_wanted(self) -> list[Paragraph]:
        """Paragraphs whose readings the pinyin shown needs and that have none yet."""
        if self.pinyin == "off" or not self.paragraphs:
            return []
        if self.pinyin == "sentence":
            rows: Iterable[int] = [self.cursor]
        else:
            first, last = self.visible_range()
            rows = range(max(0, first - 2), min(len(self.paragraphs), last + 3))
        return [self.paragraphs[i] for i in rows if self.paragraphs[i].id not in self.readings]

    def set_readings(self, paragraph_id: str, words: list[tuple[int, int, str]]) -> None:
        i = self._index.get(paragraph_id)
        self.readings[paragraph_id] = words
        if i is not None:
            self._row_version[i] += 1
            self._rows_changed([i])

    def _ruby_range(self, i: int) -> tuple[int, int] | None:
        """The span of the displayed Chinese of row i that gets pinyin, if any."""
        p = self.paragraphs[i]
        if self.pinyin == "off" or not self.readings.get(p.id):
            return None
        if self.pinyin == "all":
            return 0, len(self._display(p)[0])
        if i != self.cursor:
            return None
        pairs = self.pairs(i)
        pair = pairs[pair_at(pairs, self.char)]
        return self._shown_span(p, pair.zh_start, pair.zh_end)

    def _ruby_moved(self, before: int) -> None:
        """In "sentence" mode the pinyin follows the cursor: both rows change height."""
        if self.pinyin == "sentence" and self.paragraphs:
            rows = {before, self.cursor} & set(range(len(self.paragraphs)))
            self._lay_out_exactly(sorted(rows), force=True)

    def _ruby_lines(
        self, p: Paragraph, zh: str, span: tuple[int, int], width: int
    ) -> tuple[list[tuple[int, int]], dict[int, RubyLine]]:
        """The Chinese column's lines with pinyin over `span`: the text before it wrapped as
        usual, the span on lines of its own under their pinyin rows, then the rest."""
        start, end = span
        lines: list[tuple[int, int]] = []
        if zh[:start].strip():
            lines += wrap(zh[:start], width)
        else:
            start = 0
        rest = bool(zh[end:].strip())
        if not rest:
            end = len(zh)
        words = [(*self._shown_span(p, a, b), reading) for a, b, reading in self.readings[p.id]]
        ruby: dict[int, RubyLine] = {}
        for line in ruby_wrap(zh, start, end, words, width):
            ruby[len(lines)] = line
            lines += [(line.start, line.start), (line.start, line.end)]
        if rest:
            lines += [(a + end, b + end) for a, b in wrap(zh[end:], width)]
        return lines, ruby

    # -- sentence cursor ---------------------------------------------------------------------

    def pairs(self, i: int) -> list[SentencePair]:
        """Paragraph i's sentence pairs (cached per row version: they change with its English)."""
        key = (i, self._row_version[i])
        pairs = self._pairs.get(key)
        if pairs is None:
            p = self.paragraphs[i]
            pairs = sentence_pairs(p, self.translations.get(p.id))
            self._pairs[key] = pairs
        return pairs

    @property
    def sentence(self) -> SentencePair | None:
        """The cursor sentence: the pair holding the character cursor."""
        if not self.paragraphs:
            return None
        pairs = self.pairs(self.cursor)
        return pairs[pair_at(pairs, self.char)]

    def move_sentence(self, direction: int) -> None:
        """To the start of the next (1) or previous (-1) sentence, across paragraph ends; `(`
        first goes back to the start of the cursor sentence, as in vim."""
        if not self.paragraphs:
            return
        pairs = self.pairs(self.cursor)
        k = pair_at(pairs, self.char)
        if direction > 0:
            if k + 1 < len(pairs):
                self.move_to(self.cursor, pairs[k + 1].zh_start)
            elif self.cursor + 1 < len(self.paragraphs):
                self.move_to(self.cursor + 1, self.pairs(self.cursor + 1)[0].zh_start)
        elif self.char > pairs[k].zh_start:
            self.move_to(self.cursor, pairs[k].zh_start)
        elif k > 0:
            self.move_to(self.cursor, pairs[k - 1].zh_start)
        elif self.cursor > 0:
            self.move_to(self.cursor - 1, self.pairs(self.cursor - 1)[-1].zh_start)

    def _sentence_lines(self, i: int, pair: SentencePair) -> tuple[int, int, int, int]:
        """First and last line (in the row) of a sentence's Chinese, then of its English
        (the Chinese ones again while it has none)."""
        layout = self._layout(i)

        def lines_of(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
            first = max(0, bisect_right([a for a, _ in spans], start) - 1)
            return first, max(first, bisect_left([a for a, _ in spans], end) - 1)

        zh_start, zh_end = self._shown_span(self.paragraphs[i], pair.zh_start, pair.zh_end)
        zh = lines_of(layout.zh_lines, zh_start, zh_end)
        if zh[0] - 1 in layout.ruby:  # its pinyin row, above
            zh = (zh[0] - 1, zh[1])
        if not (pair.translated and layout.en_lines):
            return (*zh, *zh)
        below = len(layout.zh_lines) if layout.stacked else 0
        en = lines_of(layout.en_lines, pair.en_start, pair.en_end)
        return (*zh, below + en[0], below + en[1])

    def _shown_span(self, p: Paragraph, start: int, end: int) -> tuple[int, int]:
        """A span of `Paragraph.text` in the displayed Chinese (the other script may differ)."""
        _, to_original = self._display(p)
        if to_original is None:
            return start, end
        return bisect_left(to_original, start), bisect_left(to_original, end)

    def _cursor_lines(self) -> tuple[int, int, int, int]:
        """Top and bottom (exclusive, without the blank line) of the cursor row, and the view's
        top and height, in document lines."""
        self._lay_out_exactly([self.cursor])
        self._ensure_offsets()
        top = self._offsets[self.cursor]
        bottom = top + self._heights[self.cursor] - 1
        return top, bottom, round(self.scroll_y), max(1, self.scrollable_content_region.height)

    def line(self, direction: int) -> None:
        """One line down (1) or up (-1) inside a tall cursor paragraph, else the next one."""
        if not self.paragraphs:
            return
        top, bottom, view_top, height = self._cursor_lines()
        if direction > 0 and bottom > view_top + height:
            self.scroll_to(y=view_top + 1, animate=False, immediate=True)
        elif direction < 0 and top < view_top:
            self.scroll_to(y=view_top - 1, animate=False, immediate=True)
        else:
            self.move_to(self.cursor + direction)

    def page(self, direction: int, fraction: float = 1.0) -> None:
        """Scroll a screenful (or `fraction` of one); inside a tall cursor paragraph by lines,
        else the cursor moves to the paragraph that comes to the top of the view."""
        if not self.paragraphs:
            return
        top, bottom, view_top, height = self._cursor_lines()
        step = max(1, int((height - 1) * fraction))
        if direction > 0 and bottom > view_top + height:
            self.scroll_to(y=min(view_top + step, bottom - 1), animate=False, immediate=True)
            return
        if direction < 0 and top < view_top:
            self.scroll_to(y=max(view_top - step, top), animate=False, immediate=True)
            return
        target = max(0, view_top + direction * step)
        index = max(0, min(bisect_right(self._offsets, target) - 1, len(self.paragraphs) - 1))
        if index == self.cursor:
            index = max(0, min(self.cursor + direction, len(self.paragraphs) - 1))
        if direction < 0 and index < self.cursor:
            # going up into a tall paragraph: show its last screenful, not its first
            self.cursor_to(index)
            self._lay_out_exactly([index])
            end = self._offsets[index] + self._heights[index] - 1
            self.scroll_to(y=max(self._offsets[index], end - height), animate=False)
            return
        self.move_to(index)
        self.scroll_to(y=self._offsets[index], animate=False, immediate=True)

    def cursor_to(self, index: int) -> None:
        """Move the cursor without scrolling (the caller places the view)."""
        self.selection_anchor = None
        before = self.cursor
        self.cursor, self.char, self.word_span = index, 0, None
        self._ruby_moved(before)
        self.refresh()
        self.post_message(self.CursorMoved(self.cursor, self.char))

    def scroll_to_cursor(self) -> None:
        """Show the cursor paragraph; of one taller than the view, its cursor sentence."""
        if not self.paragraphs or self._layout_width <= 0:
            return
        top, height = self._cursor_region(self.scrollable_content_region.height)
        self.scroll_to_region(
            Region(0, top, 1, max(1, height)), animate=False, force=True, immediate=True
        )

    def _cursor_region(self, rows: int) -> tuple[int, int]:
        """First document line and height of what to keep in view in `rows` lines: the cursor
        paragraph; if taller, its cursor sentence (Chinese and English); if taller still (stacked,
        a tall paragraph's English is far below its Chinese), that sentence's Chinese."""
        self._lay_out_exactly([self.cursor])
        top = self._offsets[self.cursor]
        height = self._heights[self.cursor] - 1
        sentence = self.sentence
        if height > rows and sentence is not None:
            zh_first, zh_last, en_first, en_last = self._sentence_lines(self.cursor, sentence)
            first, last = min(zh_first, en_first), max(zh_last, en_last)
            if last - first + 1 > rows:
                first, last = zh_first, zh_last
            top, height = top + first, last - first + 1
        return top, height

    def make_room(self, rows: int | None, covered: int = 0) -> None:
        """A dialog covers the view below its top `rows` lines (`covered` lines of it): scroll
        so that the cursor paragraph, or its sentence, is in those `rows`. None: it closed."""
        if rows is None:
            if self.covered:
                self.covered = 0
                self.virtual_size = Size(self._layout_width, self._offsets[-1])
            return
        if not self.paragraphs or self._layout_width <= 0:
            return
        self.covered = max(0, covered)
        self._ensure_offsets()
        self.virtual_size = Size(self._layout_width, self._offsets[-1] + self.covered)
        rows = max(1, rows)
        top, height = self._cursor_region(rows)
        view_top = round(self.scroll_y)
        if view_top <= top and top + min(height, rows) <= view_top + rows:
            return  # already in sight
        above = 1 if height < rows else 0  # a line of the paragraph before, for context
        self.scroll_to(y=max(0, top - above), animate=False, immediate=True, force=True)

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
        return columns.stacked(self._layout_width)

    def _column_widths(self) -> tuple[int, int]:
        return columns.column_widths(self._layout_width, self.zh_share)

    def on_resize(self, event: Resize) -> None:
        width = self.scrollable_content_region.width
        if width != self._layout_width:
            self._layout_width = width
            self._relayout_keeping_cursor()

    def _relayout_keeping_cursor(self) -> None:
        """Lay out again (new width) with the cursor paragraph on the same screen line."""
        if not self.paragraphs or not self._heights:
            self._relayout()
            return
        self._ensure_offsets()
        top = round(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        screen_line = self._offsets[self.cursor] - top
        if not 0 <= screen_line < height:
            screen_line = 0
        self._relayout()
        self._lay_out_exactly([self.cursor])
        self.set_scroll(None, max(0, self._offsets[self.cursor] - screen_line))

    def _relayout(self) -> None:
        if self._layout_width <= 0:
            self._layout_width = self.scrollable_content_region.width
        n = len(self.paragraphs)
        self._heights = [self._estimate(i) for i in range(n)]
        self._exact = bytearray(n)
        self._offsets = [0, *accumulate(self._heights)]
        self._strips.clear()
        self.virtual_size = Size(self._layout_width, self._offsets[-1] + self.covered)
        self.refresh()

    def _estimate(self, i: int) -> int:
        p = self.paragraphs[i]
        tr = self.translations.get(p.id)
        english = tr.text if tr else ""
        return columns.estimate_row_height(p.text, english, self._layout_width, self.zh_share)

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
        """Apply new row heights, keeping the cursor paragraph on its screen line when it is on
        screen, else the text at the top of the view where it is."""
        changes = {i: h for i, h in changes.items() if self._heights[i] != h}
        if not changes:
            return
        self._ensure_offsets()
        top = round(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        cursor_line = self._offsets[self.cursor] - top if self.paragraphs else -1
        if 0 <= cursor_line < height:
            anchor, within = self.cursor, -cursor_line
        else:
            anchor = max(0, bisect_right(self._offsets, top) - 1)
            within = top - self._offsets[anchor]
        for i, h in changes.items():
            self._heights[i] = h
        self._offsets = [0, *accumulate(self._heights)]
        self.virtual_size = Size(self._layout_width, self._offsets[-1] + self.covered)
        if anchor < len(self._heights) and any(i < anchor for i in changes):
            within = min(within, self._heights[anchor] - 1)
            self.set_scroll(None, max(0, self._offsets[anchor] + within))

    def _display(self, p: Paragraph) -> tuple[str, list[int] | None]:
        """The Chinese as displayed, and the map display index -> original index (None: same)."""
        if not self.show_other_script:
            return p.text, None
        if self.original_is_traditional:
            return p.simplified, p.to_original
        converted = self._converted.get(p.id)
        if converted is None:
            converted = to_traditional(p.text)
            self._converted[p.id] = converted
        return (converted, None) if len(converted) == len(p.text) else (p.text, None)

    def _layout(self, i: int) -> RowLayout:
        ruby_range = self._ruby_range(i)
        key = (i, self._layout_width, self._row_version[i], self._view_version, ruby_range)
        cached = self._layouts.get(key)
        if cached is not None:
            return cached
        p = self.paragraphs[i]
        zw, ew = self._column_widths()
        zh, _ = self._display(p)
        tr = self.translations.get(p.id)
        en = tr.text if tr else ""
        ruby: dict[int, RubyLine] = {}
        if ruby_range is None:
            zh_lines = wrap(zh, zw)
        else:
            zh_lines, ruby = self._ruby_lines(p, zh, ruby_range, zw)
        en_lines = wrap(en, ew)
        offer, offer_lines = "", []
        if p.id in self.offers:
            offer = f"{OFFER_LABEL}\n{self.offers[p.id]}"
            offer_lines = wrap(offer, ew)
        height = columns.row_height(len(zh_lines), len(en_lines) + len(offer_lines), self.stacked)
        layout = RowLayout(
            zh, zh_lines, en, en_lines, height, self.stacked, ruby, offer, offer_lines
        )
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
            # the width changed before `on_resize` ran (terminal resized, scrollbar came or went):
            # a plain relayout here let a shrink from 140x40 to 80x24 push the cursor off screen
            self._layout_width = self.scrollable_content_region.width
            self._relayout_keeping_cursor()
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
        key = (
            i,
            self._layout_width,
            self._row_version[i],
            self._view_version,
            cursor_state,
            self._ruby_range(i),
        )
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        strips = self._render_row(i, is_cursor)
        self._strips[key] = strips
        return strips

    def _style(self, name: str) -> Style:
        """The component's style with its colours blended over the widget's background (a
        partial Rich style would draw a 4%-white `$boost` as solid white)."""
        style = self._styles.get(name)
        if style is None:
            styles = self.get_component_styles(f"bilingual--{name}")
            under = self.background_colors[1]
            bg = under + styles.background if styles.has_rule("background") else None
            fg = (bg or under) + styles.color if styles.has_rule("color") else None
            style = Style(
                color=fg.rich_color if fg else None, bgcolor=bg.rich_color if bg else None
            )
            if styles.has_rule("text_style"):
                style += styles.text_style
            self._styles[name] = style
        return style

    def notify_style_update(self) -> None:
        """The theme or the stylesheet changed: colours are resolved again."""
        self._styles.clear()
        self._strips.clear()
        super().notify_style_update()

    def _render_row(self, i: int, is_cursor: bool) -> list[Strip]:
        p = self.paragraphs[i]
        layout = self._layout(i)
        zw, ew = self._column_widths()
        tr = self.translations.get(p.id)
        base = self.rich_style
        if is_cursor:
            base = base + self._style("cursor-row")
        sentence = self.sentence if is_cursor else None
        zh_text = self._zh_text(p, layout, is_cursor, sentence)
        en_text = self._en_text(layout, tr, sentence)
        zh_strips = _divide(zh_text, layout.zh_lines, zw, self.app.console)
        en_strips = _divide(en_text, layout.en_lines, ew, self.app.console)
        if layout.offer:
            offer = Text(layout.offer, style=self._style("offer"))
            offer.stylize(self._style("human"), 0, 2)  # the ✎? mark, as bright as ✎
            en_strips += _divide(offer, layout.offer_lines, ew, self.app.console)
        if layout.ruby:
            lit = self._shown_span(p, sentence.zh_start, sentence.zh_end) if sentence else None
            for n, line in layout.ruby.items():
                zh_strips[n], zh_strips[n + 1] = self._ruby_strips(zh_text, line, zw, lit)
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
            sep = Strip([Segment(columns.SEPARATOR, self._style("separator"))])
            empty_zh, empty_en = Strip.blank(zw), Strip.blank(ew)
            for n in range(layout.height - 1):
                zh = zh_strips[n] if n < len(zh_strips) else empty_zh
                en = en_strips[n] if n < len(en_strips) else empty_en
                rows.append(Strip.join([Strip([bar, mark if n == 0 else blank]), zh, sep, en]))
        width = self._layout_width
        rows = [row.adjust_cell_length(width).apply_style(base) for row in rows]
        rows.append(Strip.blank(width, self.rich_style))
        return rows

    def _zh_text(
        self,
        p: Paragraph,
        layout: RowLayout,
        is_cursor: bool,
        sentence: SentencePair | None = None,
    ) -> Text:
        display, to_original = self._display(p)

        def shown(offset: int) -> int:
            if to_original is None:
                return offset
            return bisect_left(to_original, offset)

        text = Text(display, style=self._style("heading") if p.kind == "heading" else "")
        if sentence is not None:  # first: terms, search and cursor marks draw over it
            text.stylize(
                self._style("sentence"), *self._shown_span(p, sentence.zh_start, sentence.zh_end)
            )
        for span in self.term_spans(p):
            text.stylize(self._style(span.status), shown(span.start), shown(span.end))
        if self.search is not None:
            for start, end in chinese_spans(p, self.search):
                text.stylize(self._style("search"), shown(start), shown(end))
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

    def _en_text(
        self,
        layout: RowLayout,
        tr: ParagraphTranslation | None,
        sentence: SentencePair | None = None,
    ) -> Text:
        if tr is None:
            return Text("…", style=self._style("pending"))
        text = Text(layout.en)
        if sentence is not None and sentence.translated:
            text.stylize(self._style("sentence"), sentence.en_start, sentence.en_end)
        for term in tr.terms:
            if term.en_start >= 0:
                text.stylize(self._style(term.status), term.en_start, term.en_end)
        if self.search is not None:
            for start, end in english_spans(layout.en, self.search):
                text.stylize(self._style("search"), start, end)
        return text

    def _ruby_strips(
        self, zh_text: Text, line: RubyLine, width: int, lit: tuple[int, int] | None
    ) -> tuple[Strip, Strip]:
        """A pinyin row and the Chinese row under it, spaced word by word; the cursor
        sentence's part of both on the sentence background."""
        console = self.app.console
        chinese = Text()
        pinyin = Text(line.pinyin, style=self._style("pinyin"))
        column = 0
        for a, b, pad in line.pieces:
            piece = zh_text[a:b]
            cells = piece.cell_len + pad
            on = lit is not None and lit[0] <= a and b <= lit[1]
            chinese.append_text(piece)
            chinese.append(" " * pad, style=self._style("sentence") if on else "")
            if on:
                if len(pinyin) < column + cells:
                    pinyin.append(" " * (column + cells - len(pinyin)))
                pinyin.stylize(self._style("sentence"), column, column + cells)
            column += cells
        strips = []
        for text in (pinyin, chinese):
            text.rstrip()
            strips.append(Strip(text.render(console), text.cell_len).adjust_cell_length(width))
        return strips[0], strips[1]

    def term_spans(self, p: Paragraph) -> list[Span]:
        """Glossary terms in the paragraph: checked statuses once translated, else "found"."""
        return self.spans.of(p.id)

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
        x = event.x - columns.GUTTER
        char = 0
        if row_line < len(layout.zh_lines) and 0 <= x < self._column_widths()[0]:
            start, end = layout.zh_lines[row_line]
            ruby = layout.ruby.get(row_line) or layout.ruby.get(row_line - 1)
            if ruby is not None:
                display_index = _ruby_index_at_cell(layout.zh, ruby, x)
            else:
                display_index = _index_at_cell(layout.zh, start, end, x)
            _, to_original = self._display(self.paragraphs[i])
            char = to_original[display_index] if to_original else display_index
        self.move_to(i, char)


def _divide(text: Text, lines: list[tuple[int, int]], width: int, console: Console) -> list[Strip]:
    pieces = text.divide(start for start, _ in lines[1:]) if len(lines) > 1 else [text]
    strips = []
    for piece in pieces:
        piece.rstrip()
        piece.remove_suffix("\n")
        strips.append(Strip(piece.render(console), piece.cell_len).adjust_cell_length(width))
    return strips


def _index_at_cell(text: str, start: int, end: int, x: int) -> int:
    """Index of the character drawn at cell `x` of the line text[start:end]."""
    cells = 0
    for index in range(start, end):
        cells += get_character_cell_size(text[index])
        if cells > x:
            return index
    return max(start, end - 1)


def _ruby_index_at_cell(text: str, line: RubyLine, x: int) -> int:
    """Index of the character at cell `x` of a Chinese row spaced for its pinyin (a click
    on a word's reading or its padding is a click on the word)."""
    column = 0
    for a, b, pad in line.pieces:
        cells = sum(get_character_cell_size(c) for c in text[a:b])
        if x < column + cells + pad:
            return min(b - 1, _index_at_cell(text, a, b, x - column))
        column += cells + pad
    return max(line.start, line.end - 1)
