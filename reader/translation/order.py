"""The order the reader translates in: what is on screen first, then outward from it.

Guarantees of `visible_first`:
- every index in `range(n)` appears exactly once;
- `first..last` (the visible rows, clamped to the document) come first, in reading order;
- then rows alternate below / above the visible ones, nearest first, so scrolling either way
  finds its neighbours translated soon.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence


def visible_first(n: int, first: int, last: int) -> Iterator[int]:
    """Indices of `n` rows: `first..last` inclusive, then alternately below and above."""
    if n <= 0:
        return
    first = max(0, min(first, n - 1))
    last = max(first, min(last, n - 1))
    yield from range(first, last + 1)
    below, above = last + 1, first - 1
    while below < n or above >= 0:
        if below < n:
            yield below
            below += 1
        if above >= 0:
            yield above
            above -= 1


def translation_queue(
    ids: Sequence[str],
    first: int,
    last: int,
    *,
    redo: Sequence[str] = (),
    done: Callable[[str], bool] = lambda pid: False,
) -> list[str]:
    """Paragraph ids to translate: `redo` (visible-first) then every id not `done`, visible-first.

    `ids` are the document's paragraph ids in reading order; `first..last` the visible rows.
    """
    order = [ids[i] for i in visible_first(len(ids), first, last)]
    wanted = set(redo)
    queue = [pid for pid in order if pid in wanted]
    queued = set(queue)
    queue += [pid for pid in order if pid not in queued and not done(pid)]
    return queue


def needs_reorder(queue: Sequence[str], done: int, visible_pending: Sequence[str]) -> bool:
    """Is a paragraph now on screen queued so far behind the current one that the run should
    restart from the screen? (16 paragraphs: about two messages of the running batch.)"""
    if not visible_pending:
        return False
    position = {pid: n for n, pid in enumerate(queue)}
    return min(position.get(pid, len(queue)) for pid in visible_pending) > done + 16
