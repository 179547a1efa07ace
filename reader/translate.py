"""Translate a document: sentences in length-sorted batches, cached, with the glossary enforced.

Result types are defined here so the export, the CLI and the TUI share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TermStatusName = Literal["applied", "repaired", "missing", "forbidden", "found"]


@dataclass(frozen=True, slots=True)
class TermOccurrence:
    """One glossary term occurrence in a paragraph and what the translation did with it."""

    zh: str  # the glossary entry's key
    en: str  # required rendering
    start: int  # span in Paragraph.text
    end: int
    status: TermStatusName  # "found" when no translation has been checked yet
    en_start: int = -1  # span of the rendering in the English, -1 when absent
    en_end: int = -1


@dataclass(slots=True)
class ParagraphTranslation:
    paragraph_id: str
    text: str  # the English
    engine: str  # "argos", "gloss", "human"
    terms: list[TermOccurrence] = field(default_factory=list)
    human: bool = False  # a user's post-edit; always wins over MT
    flags: list[str] = field(default_factory=list)  # e.g. "degenerate output in sentence 2"
