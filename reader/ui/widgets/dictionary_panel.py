"""`DictionaryPanel`: the word under the cursor in both scripts, pinyin, senses, glossary entry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from reader.dictionary import DictEntry
    from reader.glossary.file import Entry

MAX_SENSES = 6


def describe(
    word: str, pinyin: str, entries: Sequence[DictEntry], glossary_entry: Entry | None
) -> Text:
    """The panel's text: headword line, then glossary entry, then dictionary senses."""
    text = Text()
    if not word:
        return Text("move the cursor onto a word (h/l, click)", style="dim")
    scripts = {word}
    for entry in entries:
        scripts.update((entry.traditional, entry.simplified))
    text.append(" / ".join(sorted(scripts, key=lambda s: s != word)), style="bold")
    if pinyin:
        text.append(f"  {pinyin}", style="italic")
    if glossary_entry is not None:
        text.append("\nglossary: ", style="bold")
        text.append(glossary_entry.en)
        if glossary_entry.note:
            text.append(f" — {glossary_entry.note}", style="dim")
    senses = [sense for entry in entries for sense in entry.senses]
    if senses:
        text.append("\n" + "; ".join(senses[:MAX_SENSES]))
        if len(senses) > MAX_SENSES:
            text.append(f" (+{len(senses) - MAX_SENSES})", style="dim")
    elif glossary_entry is None:
        text.append("\nnot in the dictionary", style="dim")
    return text


class DictionaryPanel(Static):
    """Shows `describe(...)` for the word under the character cursor."""

    def show_word(
        self, word: str, pinyin: str, entries: Sequence[DictEntry], glossary_entry: Entry | None
    ) -> None:
        self.update(describe(word, pinyin, entries, glossary_entry))

    def looking_up(self) -> None:
        """The cursor moved: never show the previous word as if it were this one."""
        self.update(Text("…", style="dim"))
