"""Messages worker threads post back to the UI thread, named for what happened.

Workers never touch widgets; they post one of these and the screen updates itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.documents.document import Document
    from reader.glossary.file import Glossary
    from reader.glossary.matching import TermHit
    from reader.translation.pipeline import ParagraphTranslation


@dataclass
class DocumentLoaded(Message):
    doc: Document
    doc_key: str  # absolute path + content hash: reading position and post-edits
    glossary: Glossary
    hits: dict[str, list[TermHit]]  # paragraph id -> glossary terms found in it
    warnings: list[str] = field(default_factory=list)


@dataclass
class LoadFailed(Message):
    error: str


@dataclass
class EngineReady(Message):
    name: str  # e.g. "argos (translate-zh_en-1.9)"
    message: str  # select_engine's one-line explanation


@dataclass
class ParagraphsTranslated(Message):
    translations: list[ParagraphTranslation]
    done: int  # paragraphs finished in this run so far
    total: int  # paragraphs this run will translate


@dataclass
class TranslationFinished(Message):
    cancelled: bool
    error: str = ""


@dataclass
class WordLookedUp(Message):
    paragraph_id: str
    start: int  # span of the word in Paragraph.text
    end: int
    word: str
    pinyin: str
    entries: list  # list[reader.dictionary.DictEntry]


@dataclass
class ParagraphSegmented(Message):
    paragraph_id: str
    spans: list[tuple[int, int]]  # word spans in Paragraph.text
