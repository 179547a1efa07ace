"""`ExportDialog`: choose the format (and its option) and the output path, as `reader export`
does. Opens on the last choice; changing the format changes the path's extension; the last
file written is shown so the user knows where to look."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from reader.exports import SUFFIXES, format_for_path
from reader.exports.preferences import ExportChoice

FORMAT_NAMES = {"md": "Markdown", "html": "HTML", "epub": "EPUB", "tmx": "TMX"}
LAYOUT_NAMES = {"table": "table", "interleaved": "interleaved"}
CONTENT_NAMES = {"bilingual": "both", "english": "English only", "chinese": "Chinese only"}


@dataclass(frozen=True)
class ExportRequest:
    format: str  # "md" | "html" | "epub" | "tmx"
    layout: str  # Markdown: "table" | "interleaved"
    content: str  # EPUB: "bilingual" | "english" | "chinese"
    path: str


class ExportDialog(ModalScreen[ExportRequest | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default_path: str, choice: ExportChoice | None = None) -> None:
        super().__init__()
        self.choice = choice or ExportChoice()
        self.default_path = default_path
        self.chosen = {"format": self.choice.format, "layout": self.choice.layout}
        self.chosen["content"] = self.choice.content

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label("Export", classes="title")
            yield self._radios("format", "Format", FORMAT_NAMES)
            yield self._radios("layout", "Markdown layout", LAYOUT_NAMES)
            yield self._radios("content", "EPUB languages", CONTENT_NAMES)
            yield Label("Output file")
            yield Input(self.default_path, id="path")
            yield Label("", id="error", classes="error")
            last = f"Last export: {self.choice.last_path}" if self.choice.last_path else ""
            yield Label(last, id="last")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export")
                yield Button("Cancel", id="cancel")

    def _radios(self, group: str, title: str, names: dict[str, str]) -> RadioSet:
        chosen = self.chosen[group]
        radios = RadioSet(
            *[RadioButton(label, value=key == chosen, id=key) for key, label in names.items()],
            id=group,
        )
        radios.border_title = title
        return radios

    def on_mount(self) -> None:
        self.query_one("#last").display = bool(self.choice.last_path)
        self._show_options()
        self.query_one("#path", Input).focus()

    def _show_options(self) -> None:
        fmt = self.chosen["format"]
        for group, shown in (("layout", fmt == "md"), ("content", fmt == "epub")):
            self.query_one(f"#{group}").display = shown

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        group = event.radio_set.id or ""
        if group not in self.chosen or event.pressed.id is None:
            return
        self.chosen[group] = event.pressed.id
        if group == "format":
            self._show_options()
            path_input = self.query_one("#path", Input)
            path = path_input.value.strip()
            if path and format_for_path(path) is not None:
                path_input.value = str(Path(path).with_suffix(SUFFIXES[event.pressed.id]))

    def action_export(self) -> None:
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.query_one("#error", Label).update("an output path is required")
            return
        chosen = self.chosen
        self.dismiss(ExportRequest(chosen["format"], chosen["layout"], chosen["content"], path))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export() if event.button.id == "export" else self.dismiss(None)
