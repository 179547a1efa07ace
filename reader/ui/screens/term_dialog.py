"""`TermDialog`: add, edit or delete one glossary entry, with validation before it closes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from reader.glossary.file import Entry


@dataclass
class TermEdit:
    """What the user asked for: the fields of the entry, or its deletion."""

    action: Literal["save", "delete"]
    original_zh: str | None  # None when adding
    zh: str = ""
    en: str = ""
    accept: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    note: str = ""


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("|", ";").split(";") if part.strip()]


class TermDialog(ModalScreen[TermEdit | None]):
    """A form for one glossary entry. `refuse(zh)` returns why a term cannot be used, or None."""

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
    ) -> None:
        super().__init__()
        self.entry = entry
        self.initial_zh = entry.zh if entry else zh
        self.initial_en = entry.en if entry else en
        self.refuse = refuse

    def compose(self) -> ComposeResult:
        entry = self.entry
        with Vertical(id="term-dialog", classes="dialog"):
            yield Label("Edit glossary term" if entry else "Add glossary term", classes="title")
            yield Label("Chinese term (zh)")
            yield Input(self.initial_zh, id="zh")
            yield Label("English rendering (en)")
            yield Input(self.initial_en, id="en")
            yield Label("Also accepted renderings (separate with ;)")
            yield Input("; ".join(entry.accept) if entry else "", id="accept")
            yield Label("Forbidden renderings (separate with ;)")
            yield Input("; ".join(entry.forbidden) if entry else "", id="forbidden")
            yield Label("Note")
            yield Input(entry.note if entry else "", id="note")
            yield Label("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                if entry is not None:
                    yield Button("Delete", variant="error", id="delete")
                yield Button("Cancel", id="cancel")

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
        if problem:
            self.query_one("#error", Label).update(problem)
            self.query_one("#zh" if not zh or "already" in problem else "#en", Input).focus()
            return
        self.dismiss(
            TermEdit(
                "save",
                original,
                zh=zh,
                en=en,
                accept=_split(self._value("accept")),
                forbidden=_split(self._value("forbidden")),
                note=self._value("note"),
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
        elif event.button.id == "delete" and self.entry is not None:
            self.dismiss(TermEdit("delete", self.entry.zh))
        else:
            self.dismiss(None)
