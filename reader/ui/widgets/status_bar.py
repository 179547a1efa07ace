"""`StatusBar`: one line naming the engine and model, with the translation progress bar."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

NAME_CELLS = 24  # the document name comes last and is cut first


def status_text(
    position: tuple[int, int],
    translated: int,
    engine: str,
    problems: int,
    script: str,
    name: str,
    *,
    unsaved: bool = False,
) -> str:
    """Position, progress, engine, problems, script, document: most useful first, as an 80
    column terminal cuts from the right."""
    cursor, n = position
    if cell_len(name) > NAME_CELLS:
        name = set_cell_size(name, NAME_CELLS - 1).rstrip() + "…"
    parts = [
        f"¶{cursor + 1}/{n} {100 * (cursor + 1) // max(1, n)}%",
        f"{translated}/{n} translated",
        engine,
        f"{problems} problems (])" if problems else "no problem terms",
        script,
        name,
    ]
    if unsaved:
        parts.insert(0, "glossary edits unsaved (ctrl+s)")
    return " · ".join(parts)


class StatusBar(Horizontal):
    def compose(self) -> ComposeResult:
        yield Label("Loading…", id="status-text")
        yield ProgressBar(total=1, show_eta=False, id="progress")

    def show(self, text: str) -> None:
        self.query_one("#status-text", Label).update(text)

    def progress(self, done: int, total: int) -> None:
        self.query_one("#progress", ProgressBar).update(total=max(1, total), progress=done)
