"""`TermDialog`: add, edit or delete one glossary entry, with validation before it closes."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from reader.glossary.edit import LIST_SEPARATOR, TermEdit, list_field_problem, split_field
from reader.glossary.file import Entry

__all__ = ["TermDialog", "TermEdit"]
FIELDS = (  # id, label: one row each, so the form fits 80×24
    ("zh", "Chinese term"),
    ("en", "English"),
    ("accept", "Also accept"),
    ("forbidden", "Forbidden"),
    ("note", "Note"),
)


class TermDialog(ModalScreen[TermEdit | None]):
    """A form for one glossary entry. `refuse(zh)` returns why a term cannot be used, or None;
    `note` says where the entry lives when there are glossary layers (an override is made)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(
        self,
        entry: Entry | None,
        *,
        zh: str = "",
        en: str = "",
        refuse: Callable[[str, str | None], str | None] = lambda zh, original: None,
        note: str = "",
        deletable: bool = True,
    ) -> None:
        super().__init__()
        self.entry = entry
        self.initial_zh = entry.zh if entry else zh
        self.initial_en = entry.en if entry else en
        self.refuse = refuse
        self.note = note
        self.deletable = deletable

    def compose(self) -> ComposeResult:
        entry = self.entry
        values = {
            "zh": self.initial_zh,
            "en": self.initial_en,
            "accept": LIST_SEPARATOR.join(entry.accept) if entry else "",
            "forbidden": LIST_SEPARATOR.join(entry.forbidden) if entry else "",
            "note": entry.note if entry else "",
        }
        title = "Edit glossary term" if entry else "Add glossary term"
        with Vertical(id="term-dialog", classes="dialog"):
            yield Label(f"{title} (lists: separate with {LIST_SEPARATOR})", classes="title")
            if self.note:
                yield Label(self.note, id="layer-note", classes="note")
            for name, label in FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield Input(values[name], id=name, compact=True)
            yield Label("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                if entry is not None and self.deletable:
                    yield Button("Delete", variant="error", id="delete", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#en" if self.initial_zh else "#zh", Input).focus()

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def action_save(self) -> None:
        zh, en = self._value("zh"), self._value("en")
        original = self.entry.zh if self.entry else None
        problem = None
        if not zh:
            problem = "the Chinese term is required"
        elif not en:
            problem = "the English rendering is required"
        else:
            problem = self.refuse(zh, original)
        field = "#zh" if not zh or (problem and "already" in problem) else "#en"
        for name in ("accept", "forbidden"):
            if not problem and (problem := list_field_problem(self._value(name))):
                field = f"#{name}"
        if problem:
            self.query_one("#error", Label).update(problem)
            self.query_one(field, Input).focus()
            return
        self.dismiss(
            TermEdit(
                "save",
                original,
                zh=zh,
                en=en,
                accept=split_field(self._value("accept")),
                forbidden=split_field(self._value("forbidden")),
                note=self._value("note"),
                base=self.entry,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "delete" and self.entry is not None and self.deletable:
            self.dismiss(TermEdit("delete", self.entry.zh, base=self.entry))
        else:
            self.dismiss(None)
