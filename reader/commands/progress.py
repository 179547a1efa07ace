"""Progress of long commands on stderr, and warnings printed the moment they are found.

Guarantees:
- On a terminal: a live bar (rich.progress) with done/total, rate and ETA, redrawn at most
  10 times a second and erased at the end; `warn` prints above it, so warnings appear as they
  happen and the bar stays at the bottom.
- Not on a terminal (a log file, CI): one plain line every `interval` seconds (5 by default),
  so logs of long batch runs show life; nothing at all for runs shorter than that.
- `warn` always prints at once, one message each (fitted to the width when not on a
  terminal); stdout is never written.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

LOG_INTERVAL = 5.0  # seconds between plain progress lines in logs


def _clock_text(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """Counts units of work (paragraphs) and shows it; use as a context manager."""

    def __init__(
        self,
        total: int,
        label: str,
        *,
        unit: str = "paragraphs",
        stream: TextIO | None = None,
        interval: float = LOG_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total, self.label, self.unit, self.count = total, label, unit, 0
        self.stream = stream if stream is not None else sys.stderr
        self.interval, self.clock = interval, clock
        self.started = self._last_line = clock()
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None
        if total > 0 and self.stream.isatty():
            self._start_bar()

    def _start_bar(self) -> None:
        # rich: ~40 ms to import, already installed with Textual
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=self.stream),
            transient=True,
            refresh_per_second=10,
        )
        self._task = self._bar.add_task(self.label, total=self.total, rate="")
        self._bar.start()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_: object) -> None:
        self.done()

    def rate(self) -> float:
        elapsed = self.clock() - self.started
        return self.count / elapsed if elapsed > 0 else 0.0

    def advance(self, n: int = 1) -> None:
        self.count += n
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=n, rate=f"{self.rate():.1f}/s")
            return
        now = self.clock()
        if now - self._last_line >= self.interval and self.count < self.total:
            self._last_line = now
            print(f"reader: {self.line()}", file=self.stream, flush=True)

    def line(self) -> str:
        """`translating: 120/500 paragraphs (24%), 12.3/s, ETA 0:31`"""
        rate = self.rate()
        share = f" ({self.count / self.total:.0%})" if self.total else ""
        eta = f", ETA {_clock_text((self.total - self.count) / rate)}" if rate > 0 else ""
        return f"{self.label}: {self.count}/{self.total} {self.unit}{share}, {rate:.1f}/s{eta}"

    def warn(self, line: str) -> None:
        """Print one warning line now (above the bar on a terminal)."""
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:  # a log or a pipe: fitted to 80 columns, the rest indented below
            from reader.commands.common import output_width, wrap

            lines = wrap(line, output_width(), "  ", cut_words=False)
            print(*lines, sep="\n", file=self.stream, flush=True)

    def done(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
