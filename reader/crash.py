"""Crash reports: an exception nobody expected ends in one line, and its traceback in a file.

Guarantees: `report` never raises (a crash while reporting a crash would hide the first one);
the line says what failed, the exception in brief and where the traceback was written (a new
`crash-<time>-<pid>.log` in the state directory, or that it could not be written and why). The
traceback is never printed on the terminal.
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path


def report(what: str, error: BaseException) -> str:
    """Write `error`'s traceback to a log file; the one line to show the user."""
    brief = f"{type(error).__name__}: {error}".strip().rstrip(":")
    brief = " ".join(brief.split())[:200]  # one line, however long the message
    try:
        path = write_log(what, error)
    except Exception as failure:
        where = f"the traceback could not be written ({type(failure).__name__}: {failure})"
    else:
        where = f"full traceback in {path}"
    return f"reader: {what} failed ({brief}); {where}. Please report it."


def write_log(what: str, error: BaseException) -> Path:
    from reader.paths import state_dir

    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = state_dir() / f"crash-{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6}.log"
    text = "".join(traceback.format_exception(error))
    from reader import __version__

    path.write_text(f"reader {__version__}: {what}\n{text}", encoding="utf-8")
    return path
