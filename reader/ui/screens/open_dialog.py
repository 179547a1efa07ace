"""`OpenDialog`: ask for another document to read in place of the current one.

The path completes as you type (`PathSuggester`: the first entry of the directory that starts
with what is typed, directories with a trailing "/"); `right` accepts the suggestion.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

DOCUMENTS = (".txt", ".md", ".html", ".htm", ".epub", ".docx")


def complete_path(value: str) -> str | None:
    """`value` completed to the first matching document or directory, or None."""
    path = Path(value).expanduser()
    directory, prefix = (path, "") if value.endswith("/") else (path.parent, path.name)
    try:
        names = sorted(entry.name + "/" * entry.is_dir() for entry in directory.iterdir())
    except OSError:
        return None
    wanted = (
        name
        for name in names
        if name.startswith(prefix) and name != prefix and not name.startswith(".")
        if name.endswith("/") or name.lower().endswith(DOCUMENTS)
    )
    name = next(wanted, None)
    return value + name[len(prefix) :] if name is not None else None


class PathSuggester(Suggester):
    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value) if value else None


class OpenDialog(ModalScreen[str | None]):
    """Dismisses with the path of an existing file (enter) or None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, directory: str) -> None:
        super().__init__()
        self.directory = directory

    def compose(self) -> ComposeResult:
        with Vertical(id="open-dialog", classes="dialog"):
            yield Label("Open a document (→ complete, enter open, escape cancel)", classes="title")
            yield Input(
                value=self.directory,
                placeholder="path to .txt .md .html .epub .docx",
                select_on_focus=False,  # type after the directory, do not replace it
                suggester=PathSuggester(),
            )
            yield Label("", id="error", classes="error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip()).expanduser()
        if not path.is_file():
            problem = "is a directory" if path.is_dir() else "no such file"
            self.query_one("#error", Label).update(f"{path}: {problem}")
            return
        self.dismiss(str(path))

    def action_cancel(self) -> None:
        self.dismiss(None)
