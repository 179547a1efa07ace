"""`OpenDialog`: ask for another document to read in place of the current one."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class OpenDialog(ModalScreen[str | None]):
    """Dismisses with the path of an existing file (enter) or None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, directory: str) -> None:
        super().__init__()
        self.directory = directory

    def compose(self) -> ComposeResult:
        with Vertical(id="open-dialog", classes="dialog"):
            yield Label("Open a document (enter open, escape cancel)", classes="title")
            yield Input(
                value=self.directory,
                placeholder="path to .txt .md .html .epub .docx",
                select_on_focus=False,  # type after the directory, do not replace it
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
