"""`HelpScreen`: every key of the reader screen, from its bindings (one source of truth), and
what the term colours, ✎ and the status words mean, drawn in the colours the view uses."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from reader.ui.keys import LEGEND


def help_table(bindings: list[Binding]) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for binding in bindings:
        keys = binding.key_display or ", ".join(binding.key.split(","))
        table.add_row(keys, binding.tooltip or binding.description)
    table.add_row("click", "put the cursor on a character")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss_help", "Close"),
    ]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Label("Keys (escape to close)", classes="title")
            yield Static(help_table(self.bindings))
            yield Label("Glossary terms in the text", classes="title legend-title")
            for word, meaning in LEGEND:
                yield Label(
                    f"{word:<10} {meaning}", classes=f"legend legend-{word.isalpha() and word}"
                )

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
