"""`GlossaryPanel`: the glossary terms found in the document, with counts and statuses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

# the order statuses are listed in, worst first
ORDER = ("forbidden", "missing", "repaired", "applied", "found")


@dataclass
class TermSummary:
    zh: str
    en: str
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return sum(self.statuses.values())

    @property
    def worst(self) -> str:
        return next(s for s in ORDER if self.statuses[s]) if self.statuses else "found"


def summarize(occurrences: Iterable[tuple[str, str, str]]) -> list[TermSummary]:
    """(zh, en, status) occurrences -> one summary per term, problems first, then by count."""
    terms: dict[str, TermSummary] = {}
    for zh, en, status in occurrences:
        terms.setdefault(zh, TermSummary(zh, en)).statuses[status] += 1
    return sorted(terms.values(), key=lambda t: (ORDER.index(t.worst) > 1, -t.count, t.zh))


class GlossaryPanel(OptionList):
    """Lists the document's terms; choosing one jumps to its next occurrence."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"glossary-panel--{s}" for s in ORDER}

    class TermChosen(Message):
        def __init__(self, zh: str) -> None:
            super().__init__()
            self.zh = zh

    def show_terms(self, terms: list[TermSummary]) -> None:
        highlighted = self.highlighted
        self.clear_options()
        if not terms:
            self.add_option(
                Option(Text("no glossary terms in this document", style="dim"), disabled=True)
            )
            return
        options = []
        for term in terms:
            line = Text.assemble(
                (f"{term.zh} ", "bold"),
                (term.en, ""),
                (f"  ×{term.count}", "dim"),
            )
            statuses = " ".join(f"{s} {term.statuses[s]}" for s in ORDER if term.statuses[s])
            line.append(
                f"\n  {statuses}",
                style=self.get_component_rich_style(f"glossary-panel--{term.worst}", partial=True),
            )
            options.append(Option(line, id=term.zh))
        self.add_options(options)
        if highlighted is not None and highlighted < len(options):
            self.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.TermChosen(event.option.id))
