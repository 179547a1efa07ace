"""Messages worker threads post back to the UI thread, named for what happened.

Workers never touch widgets; they post one of these and the screen updates itself. Messages of
a translation run carry its `run` id: the screen ignores those of a run it has replaced, so a
cancelled run still finishing its batch cannot overwrite the new run's progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.dictionary import DictEntry
    from reader.documents.document import Document
    from reader.glossary.matching import TermHit
    from reader.translation.earlier_edits import EarlierEdit
    from reader.translation.pipeline import ParagraphTranslation
    from reader.ui.preload import Cached


@dataclass
class DocumentLoaded(Message):
    path: str
    doc: Document
    doc_key: str  # absolute path + content hash: reading position and post-edits
    hits: dict[str, list[TermHit]]  # paragraph id -> glossary terms found in it
    warnings: list[str] = field(default_factory=list)


@dataclass
class TermsFound(Message):
    """The glossary terms of the document on screen, found after its text was shown (the
    matcher and its segmenter with the glossary's words: ~0.1 s on a seed)."""

    doc: Document
    hits: dict[str, list[TermHit]]


@dataclass
class EarlierEditsFound(Message):
    """Post-edits of earlier versions of the document's changed paragraphs, to offer."""

    doc: Document
    offers: dict[str, EarlierEdit]  # paragraph id -> the earlier version's post-edit


@dataclass
class LoadFailed(Message):
    path: str
    error: str


@dataclass
class EngineReady(Message):
    name: str  # e.g. "argos (translate-zh_en-1.9)"
    message: str  # select_engine's one-line explanation
    first: bool  # the first time this app loaded it: say once what the English is


@dataclass
class ParagraphsTranslated(Message):
    run: int  # the run that produced them; 0 for a single post-edited paragraph
    translations: list[ParagraphTranslation]
    done: int  # paragraphs finished in this run so far
    total: int  # paragraphs this run will translate


@dataclass
class CachedFound(Message):
    """The preload's English from the translation memory, for the first screen."""

    cached: Cached


@dataclass
class TranslationFinished(Message):
    run: int
    cancelled: bool
    error: str = ""


@dataclass
class WordLookedUp(Message):
    paragraph_id: str
    at: int  # the cursor offset the lookup was asked for: stale answers are dropped
    start: int  # span of the word in Paragraph.text
    end: int
    word: str
    pinyin: str
    entries: list[DictEntry]


@dataclass
class PinyinRead(Message):
    """A paragraph's words with their readings, for the pinyin line (`P`)."""

    paragraph_id: str
    words: list[tuple[int, int, str]]  # (start, end) in Paragraph.text, tone-marked reading
