"""`GlossarySearch`: find an entry of the whole glossary by Chinese or English, then edit it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from reader.glossary.file import Entry, simplify
from reader.han import has_han

MAX_SHOWN = 200


def matching(entries: list[Entry], query: str) -> list[Entry]:
    """Entries whose Chinese (either script), English or accepted renderings contain `query`."""
    query = query.strip().lower()
    if not query:
        return entries[:MAX_SHOWN]
    chinese = simplify(query) if has_han(query) else ""  # 會議 finds 会议 and the reverse
    return [
        e
        for e in entries
        if query in e.zh.lower()
        or query in e.en.lower()
        or any(query in form.lower() for form in (*e.variants, *e.accept))
        or (chinese and any(chinese in form for form in e.forms))
    ][:MAX_SHOWN]


class GlossarySearch(ModalScreen[str | None]):
    """Dismisses with the chosen entry's zh, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "focus_list", "List", show=False),
    ]

    def __init__(self, entries: list[Entry]) -> None:
        super().__init__()
        self.entries = entries

    def compose(self) -> ComposeResult:
        with Vertical(id="glossary-search", classes="dialog"):
            yield Label("Search the glossary (enter: edit the first match)", classes="title")
            yield Input(placeholder="Chinese or English", id="query")
            yield OptionList(id="matches")

    def on_mount(self) -> None:
        self._show("")
        self.query_one(Input).focus()

    def _show(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(Text.assemble((e.zh, "bold"), "  ", e.en), id=e.zh)
            for e in matching(self.entries, query)
        )
        if options.option_count:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted or 0).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
