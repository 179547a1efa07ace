"""The reading view's geometry, without Textual: `BilingualView` lays its rows out with it, and
the first paint (`reader.ui.first_paint`) draws the text where the view will draw it."""

from __future__ import annotations

from reader.documents.wrapping import estimate_height

STACK_BELOW = 100  # columns: narrower terminals stack Chinese above English
GUTTER = 2  # cursor bar + marker (✎ for a post-edited paragraph)
SEPARATOR = " │ "
# Share of the text width given to the Chinese: on the seeds, a paragraph's Chinese takes
# 0.6-0.8x the cells of its English (2 cells per Han character, ~3.2 English letters per Han
# character), so an even split leaves the Chinese column's rows short. `<`/`>` adjust it.
ZH_SHARE = 0.45
ZH_SHARE_RANGE = (0.25, 0.7)
SCROLLBAR = 1  # BilingualView's `scrollbar-size-vertical` in app.tcss
# the reader screen's rows below the view at start: the dictionary panel (border + 3 lines,
# its min-height), the status bar, the footer
BELOW_VIEW = 6


def stacked(width: int) -> bool:
    """Whether a view `width` cells wide stacks the Chinese above the English."""
    return width < STACK_BELOW


def column_widths(width: int, zh_share: float = ZH_SHARE) -> tuple[int, int]:
    """The Chinese and English text widths of a view `width` cells wide."""
    if stacked(width):
        text = max(1, width - GUTTER - 1)
        return text, text
    zh = max(1, round((width - GUTTER - len(SEPARATOR)) * zh_share))
    return zh, max(1, width - GUTTER - len(SEPARATOR) - zh)


def row_height(zh_lines: int, en_lines: int, stacked: bool) -> int:
    """A paragraph's rows: its Chinese and English lines side by side (or stacked), and the
    blank line after it."""
    return (zh_lines + en_lines if stacked else max(zh_lines, en_lines)) + 1


def estimate_row_height(zh: str, en: str, width: int, zh_share: float = ZH_SHARE) -> int:
    """`row_height` in O(1), before the row is wrapped: every Chinese character wide, English
    ~10% longer than its characters over the width (a line's ragged end); no English yet takes
    one line (the view's "…")."""
    zh_width, en_width = column_widths(width, zh_share)
    en_lines = -(-len(en) * 11 // (10 * en_width)) if en else 1
    return row_height(estimate_height(zh, zh_width), en_lines, stacked(width))
