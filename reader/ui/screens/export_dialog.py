"""`ExportDialog`: choose the Markdown layout and output path, as `reader export` does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet


@dataclass(frozen=True)
class ExportRequest:
    layout: str  # "table" | "interleaved"
    path: str


class ExportDialog(ModalScreen[ExportRequest | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default_path: str, layout: str = "table") -> None:
        super().__init__()
        self.default_path = default_path
        self.chosen_layout = layout

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label("Export bilingual Markdown", classes="title")
            yield Label("Layout")
            with RadioSet(id="layout"):
                yield RadioButton("table", value=self.chosen_layout == "table", id="table")
                yield RadioButton(
                    "interleaved", value=self.chosen_layout == "interleaved", id="interleaved"
                )
            yield Label("Output file")
            yield Input(self.default_path, id="path")
            yield Label("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.chosen_layout = event.pressed.id or "table"

    def action_export(self) -> None:
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.query_one("#error", Label).update("an output path is required")
            return
        self.dismiss(ExportRequest(self.chosen_layout, path))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export() if event.button.id == "export" else self.dismiss(None)
