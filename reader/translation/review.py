"""Reviewing the glossary terms of a document while it translates: spans, problems, jumps.

Guarantees:
- `TermSpans.of(pid)` gives a paragraph's terms with their checked statuses once it is
  translated, and status "found" (from the glossary hits) before;
- the number of problem terms (missing or forbidden) is kept incrementally: updating one
  paragraph costs O(its terms), never a recount of the document (a 2 MB document has ~800
  paragraphs and ~10⁵ term occurrences; the full recount took ~30 ms per message);
- `next_term` walks forward or backward from a position, wrapping once around the document,
  to the next occurrence with a wanted status (or of one term).
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from reader.glossary.matching import TermHit
    from reader.translation.pipeline import ParagraphTranslation

# a term's status in a translation; defined here, not in the pipeline (which uses it), so
# that the reader's view can import this module without the pipeline (~50 ms) before its
# first paint
TermStatusName = Literal["applied", "repaired", "missing", "forbidden", "found"]
STATUSES: tuple[TermStatusName, ...] = get_args(TermStatusName)
PROBLEMS: frozenset[str] = frozenset({"missing", "forbidden"})


@dataclass(frozen=True, slots=True)
class Span:
    """A term occurrence in a paragraph: offsets in `Paragraph.text`, the term, its status."""

    start: int
    end: int
    status: str
    zh: str = ""  # the glossary entry's term
    en: str = ""  # its required rendering


class TermSpans:
    """Every paragraph's term spans and statuses, with the problem count kept up to date."""

    def __init__(self, hits: Mapping[str, Sequence[TermHit]]) -> None:
        self._hits = hits
        self._translated: dict[str, list[Span]] = {}
        self._problems: dict[str, int] = {}
        self.problems = 0

    def set_hits(self, hits: Mapping[str, Sequence[TermHit]]) -> None:
        """New glossary hits (after an edit): untranslated paragraphs show these."""
        self._hits = hits

    def set_translation(self, tr: ParagraphTranslation) -> None:
        spans = [Span(t.start, t.end, t.status, t.zh, t.en) for t in tr.terms]
        self._translated[tr.paragraph_id] = spans
        count = sum(s.status in PROBLEMS for s in spans)
        self.problems += count - self._problems.get(tr.paragraph_id, 0)
        self._problems[tr.paragraph_id] = count

    def of(self, pid: str) -> list[Span]:
        spans = self._translated.get(pid)
        if spans:
            return spans
        return [
            Span(h.start, h.end, "found", h.entry.zh, h.entry.en) for h in self._hits.get(pid, ())
        ]

    def problem_count(self, pid: str) -> int:
        return self._problems.get(pid, 0)


def next_term(
    paragraph_ids: Sequence[str],
    spans: TermSpans,
    at: tuple[int, int],
    direction: int,
    *,
    want: Container[str] | None = None,
    zh: str = "",
) -> tuple[int, int] | None:
    """(paragraph index, char) of the next (1) or previous (-1) term occurrence from `at`
    whose status is in `want` (any when None) and, when given, whose term is `zh`."""
    n = len(paragraph_ids)
    cursor, char = at
    for step in range(n + 1):
        i = (cursor + direction * step) % n
        found = sorted(spans.of(paragraph_ids[i]), key=lambda s: s.start, reverse=direction < 0)
        for span in found:
            if want is not None and span.status not in want:
                continue
            if zh and span.zh != zh:
                continue
            if step == 0 and (span.start - char) * direction <= 0:
                continue
            return i, span.start
    return None
