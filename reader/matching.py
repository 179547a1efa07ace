"""Find glossary terms in a document: both scripts, leftmost-longest, offsets in the original."""

from __future__ import annotations

from dataclasses import dataclass

from reader.glossary import Entry


@dataclass(frozen=True, slots=True)
class TermHit:
    entry: Entry
    paragraph_id: str
    start: int  # span in Paragraph.text (the original, as displayed)
    end: int
    surface: str  # the characters as they appear in the original
