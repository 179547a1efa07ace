"""`ChapterList`: the book's own chapters (an EPUB's nav or NCX) to jump to one.

Dismisses with the index of the chosen chapter's first paragraph, or None (escape). The
chapter the cursor is in is highlighted when the list opens; nested entries are indented.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reader.documents.document import Chapter


class ChapterList(ModalScreen[int | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,c", "cancel", "Close"),
    ]

    def __init__(self, chapters: Sequence[Chapter], current: Chapter | None) -> None:
        super().__init__()
        self.chapters = list(chapters)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="chapter-list", classes="dialog"):
            yield Label("Chapters (enter go, escape close)", classes="title")
            yield OptionList(
                *[
                    Option("  " * chapter.depth + chapter.title, id=str(n))
                    for n, chapter in enumerate(self.chapters)
                ]
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.chapters:
            options.highlighted = self.chapters.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.chapters[event.option_index].paragraph)

    def action_cancel(self) -> None:
        self.dismiss(None)
