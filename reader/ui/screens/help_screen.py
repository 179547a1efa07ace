"""`HelpScreen`: every key of the reader screen, from its bindings (one source of truth), and
what the term colours, ✎ and the status words mean, drawn in the colours the view uses.

Guarantees: from `TWO_COLUMNS_FROM` terminal columns the keys are listed in two columns (at
140×40 everything fits, no scrolling); when the list is taller than the screen (80×24: about
twice), its last line says so, with how many lines are below and the keys that scroll it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from reader.ui.keys import LEGEND

# below this, two columns leave ~20 cells per description and wrap nearly every one, so the
# list gets no shorter: one column, which scrolls
TWO_COLUMNS_FROM = 120
CHROME = 5  # rows of the dialog besides the list: 2 of border, title and its margin, hint


def _keys(binding: Binding) -> str:
    return binding.key_display or ", ".join(binding.key.split(","))


def help_table(bindings: list[Binding], columns: int = 1) -> Table:
    rows = [(_keys(b), b.tooltip or b.description) for b in bindings]
    rows.append(("click", "put the cursor on a character"))
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=columns > 1)
    half = -(-len(rows) // columns)
    for _ in range(columns):
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
    for i in range(half):
        cells: list[str] = []
        for column in range(columns):
            n = column * half + i
            cells += rows[n] if n < len(rows) else ("", "")
        table.add_row(*cells)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss_help", "Close"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False),
        Binding("space,pagedown", "page(1)", "Page down", show=False),
        Binding("b,pageup", "page(-1)", "Page up", show=False),
        Binding("g,home", "ends(0)", "Top", show=False),
        Binding("G,end", "ends(1)", "Bottom", show=False),
    ]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings
        self.columns = 0  # as laid out: 1 or 2

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label("Keys (escape to close)", classes="title")
            with VerticalScroll(id="help-body", can_focus=False):
                yield Static(id="help-keys")
                yield Label("Glossary terms in the text", classes="title legend-title")
                for word, meaning in LEGEND:
                    colour = word.isalpha() and word
                    yield Label(f"{word:<10} {meaning}", classes=f"legend legend-{colour}")
            yield Label("", id="help-more")

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#help-body", VerticalScroll)

    def on_mount(self) -> None:
        self._fit(self.app.size.width, self.app.size.height)
        # the list is laid out after the first refresh: its virtual size says when
        self.watch(self.body, "virtual_size", self._say_more, init=False)
        self.watch(self.body, "scroll_y", self._say_more, init=False)
        self.call_after_refresh(self._say_more)

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width, event.size.height)
        self.call_after_refresh(self._say_more)

    def _fit(self, width: int, height: int) -> None:
        self.columns = 2 if width >= TWO_COLUMNS_FROM else 1
        self.query_one("#help-keys", Static).update(help_table(self.bindings, self.columns))
        self.body.styles.max_height = max(3, height - CHROME)

    def _say_more(self, *_: object) -> None:
        """The last line: how much of the list is below, and how to get there."""
        body, more = self.body, self.query_one("#help-more", Label)
        below = round(body.max_scroll_y - body.scroll_y)
        if body.max_scroll_y <= 0:
            more.display = False
            return
        more.display = True
        if below > 0:
            more.update(f"▼ {below} more lines below: j/k, space/b scroll, G the end")
        else:
            more.update("▲ the end of the list: g back to the top, escape closes")

    def action_scroll(self, lines: int) -> None:
        self.body.scroll_relative(y=lines, animate=False)

    def action_page(self, direction: int) -> None:
        self.body.scroll_relative(y=direction * max(1, self.body.size.height - 1), animate=False)

    def action_ends(self, end: int) -> None:
        self.body.scroll_to(y=self.body.max_scroll_y if end else 0, animate=False)

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
