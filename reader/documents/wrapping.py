"""Line breaking for mixed Chinese / Latin text in a terminal (no textual import).

Guarantees, for `wrap(text, width)` with width >= 1:
- the returned spans `(start, end)` cover `text` contiguously, in order, with no gaps, so a
  style span in `text` maps onto the lines by plain offsets;
- each line's visible part (without trailing whitespace) fits in `width` cells, measured with
  `rich.cells`, where Han characters are two cells wide — except a single character wider than
  the whole width, which gets a line of its own;
- a line may break between any two CJK characters, and after whitespace; a Latin word is cut
  only when it alone is wider than the line;
- closing punctuation (，。」 …) is kept off the start of a line and opening punctuation (「（ …)
  off the end, when an earlier break opportunity on the same line exists (the cheap kinsoku);
- a "\\n" in the text always ends a line (the newline stays on the line it ends).
"""

from __future__ import annotations

from rich.cells import get_character_cell_size

# No line may start with these (kinsoku shori, the common subset).
CLOSING = frozenset("，。、；：？！）」』】》〉〕｝］”’…—,.;:?!)]}%％·・ー～〜ゝゞヽヾ々")
# No line may end with these.
OPENING = frozenset("（「『【《〈〔｛［“‘([{")


def _is_wide(char: str) -> bool:
    return get_character_cell_size(char) == 2


def _can_break_before(text: str, i: int) -> bool:
    """May a line start at text[i] (i > 0)?"""
    char, prev = text[i], text[i - 1]
    if char in CLOSING or prev in OPENING or char.isspace():
        return False
    if prev.isspace():
        return True
    # CJK characters break on either side, except where punctuation forbids it above
    return _is_wide(char) or _is_wide(prev)


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Break `text` into lines of at most `width` cells; return the `(start, end)` of each."""
    width = max(1, width)
    if not text:
        return [(0, 0)]
    lines: list[tuple[int, int]] = []
    start = 0
    cells = 0  # width of text[start:i], spaces counted as one cell
    last_break = -1  # best index > start where a new line may begin
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\n":
            lines.append((start, i + 1))
            start = i + 1
            cells = 0
            last_break = -1
            i += 1
            continue
        if i > start and _can_break_before(text, i):
            last_break = i
        if char.isspace():
            # trailing spaces hang past the edge; they are cropped when drawn
            cells += 1
            i += 1
            continue
        size = get_character_cell_size(char)
        if cells + size > width and i > start:
            cut = last_break if last_break > start else i
            lines.append((start, cut))
            start = cut
            last_break = -1
            cells = _cells(text, start, i)
            continue  # re-examine text[i] on the new line
        cells += size
        i += 1
    lines.append((start, n))
    return lines


def _cells(text: str, start: int, end: int) -> int:
    return sum(1 if c.isspace() else get_character_cell_size(c) for c in text[start:end])


def wrap_lines(text: str, width: int) -> list[str]:
    """The lines of `wrap` as strings, trailing whitespace and newlines removed (for tests, CLI)."""
    return [text[s:e].rstrip() for s, e in wrap(text, width)]


def estimate_height(text: str, width: int) -> int:
    """A cheap O(1) guess of `len(wrap(text, width))`, assuming every character is wide.

    Used for paragraphs not yet laid out, so a 2 MB document gets a scroll height at once.
    """
    if not text:
        return 1
    return max(1, -(-2 * len(text) // max(1, width)))
