"""`ConflictDialog`: the file on disk changed an entry the user also edited; choose one."""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from reader.glossary.edit import LIST_SEPARATOR, TermEdit
from reader.glossary.file import Entry

Choice = Literal["mine", "theirs"]


def describe(zh: str, en: str, accept: list[str], forbidden: list[str], note: str) -> Text:
    text = Text.assemble((zh, "bold"), " → ", en)
    if accept:
        text.append(f"\n  also: {LIST_SEPARATOR.join(accept)}")
    if forbidden:
        text.append(f"\n  forbidden: {LIST_SEPARATOR.join(forbidden)}")
    if note:
        text.append(f"\n  note: {note}")
    return text


class ConflictDialog(ModalScreen[Choice | None]):
    """Shows the entry on disk and the user's edit side by side; dismisses with the choice."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Decide later")]

    def __init__(self, theirs: Entry, mine: TermEdit) -> None:
        super().__init__()
        self.theirs, self.mine = theirs, mine

    def compose(self) -> ComposeResult:
        t, m = self.theirs, self.mine
        with Vertical(id="conflict-dialog", classes="dialog"):
            yield Label("Another program changed this term too", classes="title")
            yield Label("On disk:")
            yield Static(describe(t.zh, t.en, t.accept, t.forbidden, t.note), classes="entry")
            yield Label("Your edit:" if m.action == "save" else "Your edit: delete it")
            if m.action == "save":
                yield Static(describe(m.zh, m.en, m.accept, m.forbidden, m.note), classes="entry")
            with Horizontal(classes="buttons"):
                yield Button("Keep mine", variant="primary", id="mine", compact=True)
                yield Button("Keep theirs", id="theirs", compact=True)
                yield Button("Later", id="later", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "mine":
            self.dismiss("mine")
        elif event.button.id == "theirs":
            self.dismiss("theirs")
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
