"""Find glossary terms in a document: both scripts, leftmost-longest, offsets in the original.

Guarantees:
- Terms and variants are matched in Simplified form against `Paragraph.simplified`, so a
  Traditional term finds Simplified text and the other way round.
- Leftmost-longest, non-overlapping: 联防联控机制 wins over 联防联控, which wins over 联防.
  When two entries share the same form, the higher `priority` wins (then the earlier entry).
- Hit offsets are spans of `Paragraph.text` (the original, as displayed) and `surface` is the
  original characters, whatever script the paragraph is in.
- A whole document is matched in one automaton pass over its paragraphs joined, so the cost
  does not grow with the number of paragraphs (10k terms over 1 MB: see bench/match_speed.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from reader.document import Document, Paragraph
from reader.glossary import Entry, simplify

# joins paragraphs for one pass; no term contains it, so no match crosses a paragraph break
_SEPARATOR = "\n"


@dataclass(frozen=True, slots=True)
class TermHit:
    entry: Entry
    paragraph_id: str
    start: int  # span in Paragraph.text (the original, as displayed)
    end: int
    surface: str  # the characters as they appear in the original


@dataclass(frozen=True, slots=True)
class Shadow:
    """A shorter term that occurs only inside a longer matched term, so it is not reported."""

    short: Entry
    long: Entry
    paragraph_id: str
    start: int  # span of the shorter term in Paragraph.text
    end: int


class TermMatcher:
    """An Aho-Corasick automaton over every entry's forms; build once, match many texts."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        import ahocorasick  # pyahocorasick: ~1 ms import; building 10k terms: ~20 ms

        self.entries = list(entries)
        best: dict[str, tuple[int, int]] = {}  # form -> (priority, -order) of the winning entry
        owner: dict[str, int] = {}
        for order, entry in enumerate(self.entries):
            rank = (entry.priority, -order)
            for form in entry.forms:
                if form.strip() and (form not in best or rank > best[form]):
                    best[form], owner[form] = rank, order
        self._automaton = ahocorasick.Automaton()
        for form, order in owner.items():
            # the value carries the length so a hit's start is end - length + 1
            self._automaton.add_word(form, (len(form), self.entries[order]))
        self._empty = not owner
        if not self._empty:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.entries)

    def find_in_text(self, simplified_text: str) -> list[tuple[int, int, Entry]]:
        """Leftmost-longest hits in a Simplified string as (start, end, entry)."""
        if self._empty:
            return []
        return [
            (end + 1 - length, end + 1, entry)
            for end, (length, entry) in self._automaton.iter_long(simplified_text)
        ]

    def find(self, paragraph: Paragraph) -> list[TermHit]:
        """Hits in one paragraph, with spans and surface in its original text."""
        hits = []
        for start, end, entry in self.find_in_text(paragraph.simplified):
            o_start, o_end = paragraph.original_span(start, end)
            hits.append(TermHit(entry, paragraph.id, o_start, o_end, paragraph.text[o_start:o_end]))
        return hits

    def find_in_document(self, doc: Document) -> list[TermHit]:
        """Hits in every paragraph, in document order, from one pass over the joined text."""
        return self.find_in_paragraphs(doc.paragraphs)

    def find_in_paragraphs(self, paragraphs: list[Paragraph]) -> list[TermHit]:
        if self._empty or not paragraphs:
            return []
        starts: list[int] = []
        offset = 0
        for p in paragraphs:
            starts.append(offset)
            offset += len(p.simplified) + len(_SEPARATOR)
        joined = _SEPARATOR.join(p.simplified for p in paragraphs)
        hits: list[TermHit] = []
        append = hits.append
        index, next_start = 0, starts[1] if len(starts) > 1 else offset
        p = paragraphs[0]
        base, to_original, text, pid = 0, p.to_original, p.text, p.id
        for end, (length, entry) in self._automaton.iter_long(joined):
            if end >= next_start:  # hits come in order: advance to the paragraph holding it
                index = bisect.bisect_right(starts, end) - 1
                next_start = starts[index + 1] if index + 1 < len(starts) else offset
                p = paragraphs[index]
                base, to_original, text, pid = starts[index], p.to_original, p.text, p.id
            o_start = to_original[end + 1 - length - base]
            o_end = to_original[end + 1 - base]
            append(TermHit(entry, pid, o_start, o_end, text[o_start:o_end]))
        return hits

    def shadowed(self, paragraph: Paragraph) -> list[Shadow]:
        """Shorter terms hidden inside the longer terms found in `paragraph`
        (联防联控 inside 联防联控机制), for a report of terms that never show on their own."""
        if self._empty:
            return []
        shadows = []
        for start, end, long_entry in self.find_in_text(paragraph.simplified):
            inner = paragraph.simplified[start:end]
            for inner_end, (length, entry) in self._automaton.iter(inner):
                if entry is long_entry and length == end - start:
                    continue
                s = start + inner_end + 1 - length
                o_start, o_end = paragraph.original_span(s, s + length)
                shadows.append(Shadow(entry, long_entry, paragraph.id, o_start, o_end))
        return shadows

    def nested(self) -> list[tuple[Entry, Entry]]:
        """Pairs (shorter, longer) where a form of the shorter entry occurs inside a form of
        the longer one: the shorter one is only found where the longer one is absent."""
        if self._empty:
            return []
        pairs: dict[tuple[int, int], tuple[Entry, Entry]] = {}
        for longer in self.entries:
            for form in longer.forms:
                for _end, (length, entry) in self._automaton.iter(form):
                    if entry is not longer and length < len(form):
                        pairs.setdefault((id(entry), id(longer)), (entry, longer))
        return list(pairs.values())


def paragraph_from_text(text: str, paragraph_id: str = "p0") -> Paragraph:
    """A Paragraph for plain text (no cleaning): Simplified via OpenCC with an offset map.

    reader.loading builds the real ones; this serves tests, benches and raw strings."""
    simplified = simplify(text)
    if len(simplified) == len(text):
        to_original = list(range(len(text) + 1))
    else:  # a phrase conversion changed the length: convert char by char to keep a map
        parts, to_original = [], []
        for i, ch in enumerate(text):
            converted = simplify(ch)
            parts.append(converted)
            to_original.extend([i] * len(converted))
        simplified = "".join(parts)
        to_original.append(len(text))
    if simplified == text:
        script = "simplified"
    else:
        script = "traditional"
    return Paragraph(paragraph_id, text, simplified, to_original, script)
