"""Progress of long commands on stderr, and warnings printed the moment they are found.

Guarantees:
- On a terminal: a live bar (rich.progress) with done/total, rate and ETA, redrawn at most
  10 times a second and erased at the end; `warn` prints above it, so warnings appear as they
  happen and the bar stays at the bottom.
- Not on a terminal (a log file, CI): one plain line every `interval` seconds (5 by default),
  so logs of long batch runs show life; nothing at all for runs shorter than that.
- `warn` always prints at once, one message each (fitted to the width when not on a
  terminal); stdout is never written.
- The rate and ETA come from the last `WINDOW` seconds of work, and say nothing until there is
  such a window (at least `MIN_SAMPLES` finished units over `MIN_SPAN` seconds): counted from
  the start, a model's load time and the first slow batch made a 90-second job's ETA 2:54:23.
  Work is measured in the caller's `work` units (characters, as `export` gives: it translates
  shortest paragraphs first, so paragraphs per second fall as it goes), else in units.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

LOG_INTERVAL = 5.0  # seconds between plain progress lines in logs
WINDOW = 30.0  # seconds of recent work the rate is taken over
MIN_SPAN = 2.0  # seconds: a shorter window says nothing yet
MIN_SAMPLES = 3


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
        work: float | None = None,
        memory: bool = False,
    ) -> None:
        self.total, self.label, self.unit, self.count = total, label, unit, 0
        self.stream = stream if stream is not None else sys.stderr
        self.interval, self.clock = interval, clock
        self.started = self._last_line = clock()
        self.work_total = float(total if work is None else work)
        self.work_done = 0.0
        self.memory = memory  # finished work is in the translation memory: an exit says so
        self._samples: deque[tuple[float, int, float]] = deque()  # (time, count, work)
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
        )
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("{task.fields[eta]}"),
            console=Console(file=self.stream),
            transient=True,
            refresh_per_second=10,
        )
        self._task = self._bar.add_task(self.label, total=self.total, rate="", eta="")
        self._bar.start()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: object, _: object) -> None:
        self.done()
        if not self.memory or kind is None or self.count >= self.total:
            return
        from reader.errors import ReaderError

        if isinstance(error, ReaderError):  # the server went away, a disk filled: say so
            error.message += f"\n  {self.stopped()}"
        elif kind is KeyboardInterrupt:  # ctrl+c: exit 130, saying what was kept
            print(f"reader: interrupted: {self.stopped()}", file=self.stream, flush=True)

    def _window(self) -> tuple[float, int, float] | None:
        """(seconds, units, work) over the recent window, or None while there is none."""
        if len(self._samples) < MIN_SAMPLES:
            return None
        (t0, c0, w0), (t1, c1, w1) = self._samples[0], self._samples[-1]
        if t1 - t0 < MIN_SPAN:
            return None
        return t1 - t0, c1 - c0, w1 - w0

    def rate(self) -> float | None:
        """Units a second over the recent window; None until there is one."""
        window = self._window()
        return window[1] / window[0] if window else None

    def eta(self) -> float | None:
        """Seconds left at the recent rate of work; None until there is one."""
        window = self._window()
        if window is None or window[2] <= 0:
            return None
        seconds, _, work = window
        return max(0.0, self.work_total - self.work_done) * seconds / work

    def advance(self, n: int = 1, work: float | None = None) -> None:
        """`n` units finished, worth `work` (default: `n`)."""
        self.count += n
        self.work_done += n if work is None else work
        now = self.clock()
        self._samples.append((now, self.count, self.work_done))
        while len(self._samples) > MIN_SAMPLES and now - self._samples[0][0] > WINDOW:
            self._samples.popleft()
        if self._bar is not None and self._task is not None:
            rate, eta = self.rate(), self.eta()
            self._bar.update(
                self._task,
                advance=n,
                rate=f"{rate:.1f}/s" if rate is not None else "",
                eta=f"ETA {_clock_text(eta)}" if eta is not None else "",
            )
            return
        if now - self._last_line >= self.interval and self.count < self.total:
            self._last_line = now
            print(f"reader: {self.line()}", file=self.stream, flush=True)

    def line(self) -> str:
        """`translating: 120/500 paragraphs (24%), 12.3/s, ETA 0:31`"""
        rate, eta = self.rate(), self.eta()
        share = f" ({self.count / self.total:.0%})" if self.total else ""
        speed = f", {rate:.1f}/s" if rate is not None else ""
        left = f", ETA {_clock_text(eta)}" if eta is not None else ""
        return f"{self.label}: {self.count}/{self.total} {self.unit}{share}{speed}{left}"

    def stopped(self) -> str:
        """What an interrupted run kept: `412 of 1,826 paragraphs are in the memory; run the
        same command to go on` (every finished sentence is committed as it finishes)."""
        return (
            f"{self.count:,} of {self.total:,} {self.unit} are in the memory; "
            "run the same command to go on"
        )

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
