"""The first screen's Chinese, drawn on the terminal by the preload child before Textual starts.

Why: Textual's import and start take ~0.14 s of the reader's own process before its first
frame (a bare Textual app paints at ~0.14 s, the reader at ~0.27 s); the child has the
document's first screen at ~0.1 s. So it draws that text itself, like `less`, and Textual's
first frame, moments later, draws the whole screen over it.

Guarantees:
- the view's text is drawn exactly where the reading view draws it (its columns, wrapping and
  row heights: `reader.ui.columns`, `reader.documents.wrapping`): the Chinese, the English the
  translation memory holds (a document read before) or the view's "…", the separator; on the
  alternate screen, in the terminal's own colours, cursor hidden; only the rows the view will
  have (none below it);
- control characters are written as spaces;
- nothing else: no colours, no cursor bar, no status or footer; Textual's first frame
  repaints every cell (it enters the alternate screen again, which tmux and xterm take as a
  no-op);
- Textual-free and small: the child imports it beside the document's loader.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from reader.documents.wrapping import wrap
from reader.ui import columns

if TYPE_CHECKING:
    from collections.abc import Sequence

START = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J"  # alternate screen, cursor hidden, cleared
# back to the main screen, as Textual leaves it (no clearing: were nothing drawn, it would
# clear the user's main screen)
UNDO = "\x1b[?25h\x1b[?1049l"
SMALLEST = (20, columns.BELOW_VIEW + 1)  # columns, lines: below these, no paint
# control characters (ESC above all) are never written as they are: a document cannot drive
# the terminal
_CONTROLS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)], " ")


PENDING = "…"  # the view's English column before a paragraph's English comes
Row = tuple[str, str | None]  # a paragraph's Chinese and its English (None: not yet)


def first_lines(rows: Sequence[Row], width: int, height: int) -> list[tuple[int, int, str]]:
    """(row, column, text) of what the reading view shows first of `rows` (each paragraph's
    Chinese, English or PENDING, and the column separator), on a terminal `width` x `height`,
    scrolled to the top: its styles, cursor bar and scrollbar aside."""
    lines_shown = height - columns.BELOW_VIEW
    layout = width - columns.SCROLLBAR
    if not _overflows(rows, layout, lines_shown):
        layout = width  # no scrollbar: the document fits
    zh_width, en_width = columns.column_widths(layout)
    stacked = columns.stacked(layout)
    en_x = columns.GUTTER if stacked else columns.GUTTER + zh_width + len(columns.SEPARATOR)
    bar_x = columns.GUTTER + zh_width + columns.SEPARATOR.index("│")
    out: list[tuple[int, int, str]] = []
    y = 0
    for zh, en in rows:
        if y >= lines_shown:
            break
        zh_lines = [zh[s:e].rstrip() for s, e in wrap(zh, zh_width)]
        en_lines = [en[s:e].rstrip() for s, e in wrap(en, en_width)] if en else [PENDING]
        height = columns.row_height(len(zh_lines), len(en_lines), stacked)
        en_y = y + len(zh_lines) if stacked else y  # stacked: the English under the Chinese
        placed = [(y + n, columns.GUTTER, t) for n, t in enumerate(zh_lines)]
        placed += [(en_y + n, en_x, t) for n, t in enumerate(en_lines)]
        if not stacked:  # the separator on each of the paragraph's lines
            placed += [(y + n, bar_x, "│") for n in range(height - 1)]
        out += [(row, x, text) for row, x, text in placed if row < lines_shown and text]
        y += height
    return sorted(out)


def _overflows(rows: Sequence[Row], width: int, lines_shown: int) -> bool:
    """Whether the view's first estimate of its height (`BilingualView._estimate`) is more
    than its lines: the vertical scrollbar is shown."""
    total = 0
    for zh, en in rows:
        total += columns.estimate_row_height(zh, en or "", width)
        if total > lines_shown:
            return True
    return False


def paint(fd: int, rows: Sequence[Row]) -> bool:
    """Draw the first screen of `rows` on the terminal `fd`; whether anything was written
    (not on a terminal smaller than SMALLEST)."""
    size = os.get_terminal_size(fd)
    if size.columns < SMALLEST[0] or size.lines < SMALLEST[1]:
        return False
    lines = first_lines(rows, *size)
    moves = (f"\x1b[{y + 1};{x + 1}H{text.translate(_CONTROLS)}" for y, x, text in lines)
    view = memoryview((START + "".join(moves)).encode("utf-8", "replace"))
    while view:
        view = view[os.write(fd, view) :]
    return True
