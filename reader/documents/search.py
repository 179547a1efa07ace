"""Find text in a document the way a reader expects: either script, or the English.

Guarantees:
- a query is matched against the paragraph as written and against its Simplified form, after
  the query itself is made Simplified, so 台湾 finds 台灣 and 臺灣 finds 台湾; spans are always
  offsets in `Paragraph.text`, so the caller highlights what is on screen whatever the script;
- a query matches the English case-insensitively; `Match.in_english` marks those spans, which
  are offsets in the English text;
- `find_next` walks from a position forward or backward, wrapping once around the document,
  and returns the first match strictly after (or before) the position, or None;
  `all_matches` lists every position `find_next` can return, in document order (for "match k
  of N").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.documents.scripts import to_simplified
from reader.han import has_han

if TYPE_CHECKING:
    from reader.documents.document import Paragraph


@dataclass(frozen=True, slots=True)
class Query:
    text: str  # as typed, stripped
    simplified: str  # the Simplified form ("" when the query has no Han characters)

    @classmethod
    def parse(cls, text: str) -> Query:
        text = text.strip()
        if not has_han(text):
            return cls(text, "")

        return cls(text, to_simplified(text)[0])


def chinese_spans(p: Paragraph, query: Query) -> list[tuple[int, int]]:
    """Spans of `Paragraph.text` where the query occurs in either script, sorted."""
    found: set[tuple[int, int]] = set()
    if query.text:
        for at in _find_all(p.text, query.text):
            found.add((at, at + len(query.text)))
    if query.simplified:
        n = len(query.simplified)
        for at in _find_all(p.simplified, query.simplified):
            found.add(p.original_span(at, at + n))
    return sorted(found)


def english_spans(english: str, query: Query) -> list[tuple[int, int]]:
    """Spans of `english` where the query occurs, ignoring case."""
    if not query.text:
        return []
    n = len(query.text)
    return [(at, at + n) for at in _find_all(english.lower(), query.text.lower())]


def match_offsets(p: Paragraph, english: str, query: Query) -> list[int]:
    """Where the cursor goes for each match in the paragraph: each Chinese match's start, or
    the paragraph's start when only its English matches."""
    offsets = sorted({start for start, _ in chinese_spans(p, query)})
    if not offsets and english_spans(english, query):
        offsets = [0]
    return offsets


def all_matches(
    paragraphs: Sequence[Paragraph], english: Callable[[str], str], query: Query
) -> list[tuple[int, int]]:
    """Every (paragraph index, char) `find_next` can land on, in document order."""
    if not query.text:
        return []
    return [
        (i, offset)
        for i, p in enumerate(paragraphs)
        for offset in match_offsets(p, english(p.id), query)
    ]


def find_next(
    paragraphs: Sequence[Paragraph],
    english: Callable[[str], str],
    query: Query,
    at: tuple[int, int],
    direction: int,
    *,
    include_current: bool = False,
) -> tuple[int, int] | None:
    """The next (direction 1) or previous (-1) match from `at` = (paragraph index, char)."""
    n = len(paragraphs)
    if not n or not query.text:
        return None
    cursor, char = at
    for step in range(n + 1):
        i = (cursor + direction * step) % n
        offsets = match_offsets(paragraphs[i], english(paragraphs[i].id), query)
        if direction < 0:
            offsets.reverse()
        for offset in offsets:
            if step == 0:
                delta = (offset - char) * direction
                if delta < 0 or (delta == 0 and not include_current):
                    continue
            return i, offset
    return None


def _find_all(haystack: str, needle: str) -> list[int]:
    if not needle:
        return []
    found, start = [], haystack.find(needle)
    while start >= 0:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found
