"""The document model every other module works on: a `Document` of `Paragraph`s of `Sentence`s.

Guarantees:
- `Paragraph.text` is the cleaned original (the script the author used), for display.
- `Paragraph.simplified` is its Simplified form (OpenCC) and `Paragraph.to_original[i]` is the
  index in `text` of simplified character `i` (len == len(simplified) + 1, last entry == len(text)),
  so a term found in the Simplified form can be highlighted in the original.
- `Paragraph.id` depends only on the paragraph text (and its repeat count in the document),
  so the same text gets the same id across runs.
- `Document.chapters` (EPUB: the book's own table of contents) are in reading order, each at
  a valid paragraph index; `chapter_at(i)` is the one paragraph `i` is in, or None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Script = Literal["simplified", "traditional", "mixed", "none"]
Kind = Literal["paragraph", "heading", "list_item"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence as a span of its paragraph's original text."""

    start: int
    end: int
    text: str


@dataclass(slots=True)
class Paragraph:
    id: str
    text: str
    simplified: str
    to_original: list[int]
    script: Script
    kind: Kind = "paragraph"
    level: int = 0  # heading level, 0 for other kinds
    sentences: list[Sentence] = field(default_factory=list)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of `simplified` to the matching span of `text`."""
        return self.to_original[start], self.to_original[end]


@dataclass(frozen=True, slots=True)
class DroppedLine:
    """A line cleaning removed, kept so a wrong guess is visible and nothing is lost."""

    line: int  # 1-based line number in the decoded source text
    text: str
    reason: str  # e.g. "breadcrumb", "editor credit", "share prompt"


@dataclass(frozen=True, slots=True)
class Chapter:
    """An entry of the book's own table of contents (EPUB nav or NCX), where it starts."""

    title: str
    paragraph: int  # index in Document.paragraphs of its first paragraph
    depth: int = 0  # 0 for a top-level entry, 1 for one nested under it, ...


@dataclass(slots=True)
class Document:
    source: str  # path as given, or "-" for stdin
    format: str  # "txt", "md", "html", "epub", "docx"
    encoding: str  # encoding used to decode, e.g. "utf-8", "gb18030", "big5"
    script: Script
    paragraphs: list[Paragraph]
    dropped: list[DroppedLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. decoding replacements
    title: str = ""
    chapters: list[Chapter] = field(default_factory=list)  # EPUB only, in reading order

    def chapter_at(self, index: int) -> Chapter | None:
        """The chapter paragraph `index` is in (the last one starting at or before it)."""
        found = None
        for chapter in self.chapters:
            if chapter.paragraph > index:
                break
            found = chapter
        return found

    def paragraph(self, paragraph_id: str) -> Paragraph:
        for p in self.paragraphs:
            if p.id == paragraph_id:
                return p
        raise KeyError(paragraph_id)
