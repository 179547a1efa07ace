"""Terminal cells a text takes: one definition for the cleaner's wrap detection, the TUI and
the CLI's tables.

The measure is `rich.cells.cell_len` (what Textual draws with). Text made only of characters
whose width every Unicode table of rich agrees on is counted with two regexes instead, to the
same result (2 MB of Chinese: 11 ms instead of 82, and rich is not imported).
"""

from __future__ import annotations

import re

# Characters every Unicode table of rich (4.1 to 17) gives one cell (Latin, Greek, Cyrillic,
# general punctuation) or two (CJK, kana, Hangul, full-width forms); tests/test_cleaning.py
# checks both against rich, version by version.
ONE_CELL = "\x20-\x7e\xa0-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e"
TWO_CELLS = (
    "\u3000-\u3029\u3030-\u303e\u3041-\u3096\u309b-\u30ff\u3105-\u312c\u3131-\u3163"
    "\u3220-\u3243\u3250-\u32fe\u3300-\u4db5\u4e00-\u9fbb\ua000-\ua48c\uac00-\ud7a3"
    "\uf900-\ufa2d\ufa30-\ufa6a\ufa70-\ufad9\ufe30-\ufe52\ufe54-\ufe66\ufe68-\ufe6b"
    "\uff01-\uff60\uffe0-\uffe6\U00020000-\U0002fffd\U00030000-\U0003fffd"
)
_PLAIN_CELLS = re.compile(f"[{ONE_CELL}{TWO_CELLS}]*")
_TWO_CELL_RUN = re.compile(f"[{TWO_CELLS}]+")


def cell_width(text: str) -> int:
    """Terminal cells `text` takes (two for each East Asian wide character); any text but
    the plain kinds above (emoji, combining marks, joiners, controls, rare scripts) goes to
    `cell_len` (rich comes with Textual; ~3 ms to import)."""
    if _PLAIN_CELLS.fullmatch(text):
        return 2 * len(text) - len(_TWO_CELL_RUN.sub("", text))
    from rich.cells import cell_len

    return cell_len(text)
