"""The first screen's Chinese, drawn on the terminal by the preload child before Textual starts.

Why: Textual's import and start take ~0.14 s of the reader's own process before its first
frame (a bare Textual app paints at ~0.14 s, the reader at ~0.27 s); the child has the
document's first screen at ~0.1 s. So it draws that text itself, like `less`, and Textual's
first frame, moments later, draws the whole screen over it.

Guarantees:
- the text is drawn exactly where the reading view draws it (its columns, wrapping and row
  heights: `reader.ui.columns`, `reader.documents.wrapping`), on the alternate screen, in the
  terminal's own colours, cursor hidden; only the rows the view will have (none below it);
- control characters are written as spaces;
- nothing else: no English, no colours, no chrome; Textual's first frame repaints every cell
  (it enters the alternate screen again, which terminals take as a no-op);
- Textual-free and small: the child imports it beside the document's loader.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from reader.documents.wrapping import estimate_height, wrap
from reader.ui import columns

if TYPE_CHECKING:
    from collections.abc import Sequence

START = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J"  # alternate screen, cursor hidden, cleared
UNDO = "\x1b[2J\x1b[?25h\x1b[?1049l"  # back to the main screen, as Textual leaves it
SMALLEST = (20, columns.BELOW_VIEW + 1)  # columns, lines: below these, no paint
# control characters (ESC above all) are never written as they are: a document cannot drive
# the terminal
_CONTROLS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)], " ")


def first_lines(texts: Sequence[str], width: int, height: int) -> list[tuple[int, str]]:
    """(row, text) of each line of Chinese the reading view shows first, at the column
    `columns.GUTTER`, on a terminal `width` x `height` with the view scrolled to the top."""
    rows = height - columns.BELOW_VIEW
    layout = width - columns.SCROLLBAR
    if not _overflows(texts, layout, rows):
        layout = width  # no scrollbar: the document fits
    zh_width, _ = columns.column_widths(layout)
    lines: list[tuple[int, str]] = []
    y = 0
    for text in texts:
        if y >= rows:
            break
        spans = wrap(text, zh_width)
        lines += [(y + n, text[s:e].rstrip()) for n, (s, e) in enumerate(spans) if y + n < rows]
        # the English column holds one (empty) line until the English comes
        y += (len(spans) + 1 if columns.stacked(layout) else max(len(spans), 1)) + 1
    return lines


def _overflows(texts: Sequence[str], width: int, rows: int) -> bool:
    """Whether the view's first estimate of the height (BilingualView._estimate, English
    not yet known) is more than its rows: the vertical scrollbar is shown."""
    zh_width, _ = columns.column_widths(width)
    total = 0
    for text in texts:
        zh = estimate_height(text, zh_width)
        total += (zh + 1 if columns.stacked(width) else max(zh, 1)) + 1
        if total > rows:
            return True
    return False


def paint(fd: int, texts: Sequence[str]) -> bool:
    """Draw the first screen of `texts` on the terminal `fd`; whether anything was written
    (not on a terminal smaller than SMALLEST)."""
    size = os.get_terminal_size(fd)
    if size.columns < SMALLEST[0] or size.lines < SMALLEST[1]:
        return False
    x = columns.GUTTER + 1
    lines = first_lines(texts, *size)
    out = START + "".join(f"\x1b[{y + 1};{x}H{line.translate(_CONTROLS)}" for y, line in lines)
    view = memoryview(out.encode("utf-8", "replace"))
    while view:
        view = view[os.write(fd, view) :]
    return True
