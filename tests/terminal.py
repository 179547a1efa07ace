"""What a program shows on a terminal, read from its pty: the bytes written with the escape
sequences taken out (shared by tests/ui/test_preload.py and bench/startup.py)."""

from __future__ import annotations

import re

ESCAPE = re.compile(  # CSI (colours, cursor moves), OSC (titles), charset, any other ESC x
    rb"\x1b(?:\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|.)"
)


def visible(written: bytes) -> str:
    """The text of `written`, escape sequences removed (a cut UTF-8 tail replaced)."""
    return ESCAPE.sub(b"", written).decode(errors="replace")
