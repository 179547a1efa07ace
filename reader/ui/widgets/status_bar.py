"""`StatusBar`: one line naming the engine and model, with the translation progress bar."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class StatusBar(Horizontal):
    def compose(self) -> ComposeResult:
        yield Label("Loading…", id="status-text")
        yield ProgressBar(total=1, show_eta=False, id="progress")

    def show(self, text: str) -> None:
        self.query_one("#status-text", Label).update(text)

    def progress(self, done: int, total: int) -> None:
        self.query_one("#progress", ProgressBar).update(total=max(1, total), progress=done)
