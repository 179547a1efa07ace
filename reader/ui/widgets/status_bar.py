"""`StatusBar`: one line naming the document, the position, the engine and the translation
progress, with a progress bar when there is room. At 80 columns every one of these stays visible:
less useful parts are dropped or shortened first, and the name is cut to what is left."""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize
from textual.widgets import Label, ProgressBar

NAME_CELLS = 24  # the document name comes last and is cut first
CHAPTER_CELLS = 20  # an EPUB's chapter, after the position
MIN_NAME_CELLS = 8  # below this a name says nothing; the line is cut by the terminal instead
BAR_FROM = 100  # columns: narrower, the bar's 18 cells go to the text (it repeats "N/M translated")


def _cut(text: str, cells: int) -> str:
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1).rstrip() + "…"


def status_text(
    position: tuple[int, int],
    translated: int,
    engine: str,
    problems: int,
    script: str,
    name: str,
    *,
    chapter: str = "",
    unsaved: bool = False,
    search: str = "",
    sentence: tuple[int, int] | None = None,
    whole: bool = False,
    flagged: str = "",
    width: int | None = None,
) -> str:
    """Position, chapter, progress, engine, problems, script, document: most useful first.
    `flagged` says the paragraph at the cursor is flagged and why ("sentence 2: degenerate
    output"): the line then never says "no problem terms". Given `width`, the script and "no
    problem terms" go, then the progress becomes a percentage, the sentence (k of n, or
    `whole`: a post-edited paragraph, one unit) is abbreviated and the flag says only
    "⚠ flagged", so the document name still fits (at 80 columns it was cut away entirely)."""
    cursor, n = position
    head = [
        f"¶{cursor + 1}/{n} {100 * (cursor + 1) // max(1, n)}%",
        f"{translated}/{n} translated",
        engine,
    ]
    at = ""
    if sentence is not None:
        at = f"sentence {sentence[0]}/{sentence[1]}"
        head.insert(1, at)
    elif whole:  # a post-edit has no sentence pairs: say so
        at = "✎ whole paragraph"
        head.insert(1, at)
    if search:  # "match 3/12": where the last n/N landed
        head.insert(1, search)
    if chapter:  # the book's own chapter the cursor is in (EPUB)
        head.insert(1, _cut(chapter, CHAPTER_CELLS))
    flag = f"⚠ flagged: {flagged}" if flagged else ""
    if flag:
        head.append(flag)
    if problems:
        head.append(f"{problems} problems (])")
    if unsaved:
        head.insert(0, "glossary edits unsaved (ctrl+s)")
    optional = [script] if problems or flagged else ["no problem terms", script]

    def line(parts: list[str], cells: int) -> str:
        return " · ".join([*parts, _cut(name, cells)])

    full = line(head + optional, NAME_CELLS)
    if width is None or cell_len(full) <= width:
        return full
    for keep in range(len(optional) - 1, -1, -1):
        text = line(head + optional[:keep], NAME_CELLS)
        if cell_len(text) <= width:
            return text
    if at:
        short = f"s{sentence[0]}/{sentence[1]}" if sentence is not None else "✎ whole ¶"
        head[head.index(at)] = short
    if flag:
        head[head.index(flag)] = "⚠ flagged"
    if translated < n:
        head[head.index(f"{translated}/{n} translated")] = f"{100 * translated // n}% translated"
    else:
        head[head.index(f"{translated}/{n} translated")] = "all translated"
    room = width - cell_len(" · ".join([*head, ""]))
    return line(head, max(MIN_NAME_CELLS, min(NAME_CELLS, room)))


class StatusBar(Horizontal):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text: str | Callable[[int], str] = "Loading…"

    def compose(self) -> ComposeResult:
        yield Label("Loading…", id="status-text")
        yield ProgressBar(total=1, show_eta=False, id="progress")

    def show(self, text: str | Callable[[int], str]) -> None:
        """`text`, or a function of the cells available that returns the text (redone on resize)."""
        self._text = text
        self._update()

    def _update(self) -> None:
        label = self.query_one("#status-text", Label)
        if callable(self._text):
            bar = self.query_one("#progress", ProgressBar)
            room = self.size.width - 2 - (bar.outer_size.width if bar.display else 0)
            label.update(self._text(max(1, room)))
        else:
            label.update(self._text)

    def on_resize(self, event: Resize) -> None:
        self.query_one("#progress", ProgressBar).display = event.size.width >= BAR_FROM
        self.call_after_refresh(self._update)

    def progress(self, done: int, total: int) -> None:
        self.query_one("#progress", ProgressBar).update(total=max(1, total), progress=done)
