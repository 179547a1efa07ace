"""`PostEditDialog`: rewrite one paragraph's English by hand; the result is the user's own text."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea


class PostEditDialog(ModalScreen[str | None]):
    """Dismisses with the edited English (ctrl+s) or None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, chinese: str, english: str) -> None:
        super().__init__()
        self.chinese = chinese
        self.english = english

    def compose(self) -> ComposeResult:
        with Vertical(id="post-edit-dialog", classes="dialog"):
            yield Label("Edit the English (ctrl+s save, escape cancel)", classes="title")
            yield Static(self.chinese, id="post-edit-source")
            yield TextArea(self.english, id="post-edit-text", soft_wrap=True)
            yield Label("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if not text:
            self.query_one("#error", Label).update("the English cannot be empty")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save() if event.button.id == "save" else self.dismiss(None)
