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
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reader.documents.document import Document, Paragraph
from reader.glossary.file import Entry

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
        self.entries = list(entries)
        best: dict[str, tuple[int, int]] = {}  # form -> (priority, -order) of the winning entry
        owner: dict[str, int] = {}
        for order, entry in enumerate(self.entries):
            rank = (entry.priority, -order)
            for form in entry.forms:
                if _SEPARATOR in form or not form.strip():
                    continue
                if form not in best or rank > best[form]:
                    best[form], owner[form] = rank, order
        self._forms = list(owner)
        self._owners = [self.entries[owner[form]] for form in self._forms]
        self._search = _leftmost_longest(self._forms) if self._forms else None
        self._overlapping: Callable[[str], list[tuple[int, int, int]]] | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def find_in_text(self, simplified_text: str) -> list[tuple[int, int, Entry]]:
        """Leftmost-longest hits in a Simplified string as (start, end, entry)."""
        if self._search is None:
            return []
        owners = self._owners
        return [(start, end, owners[i]) for i, start, end in self._search(simplified_text)]

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
        if self._search is None or not paragraphs:
            return []
        starts: list[int] = []
        offset = 0
        for p in paragraphs:
            starts.append(offset)
            offset += len(p.simplified) + len(_SEPARATOR)
        joined = _SEPARATOR.join(p.simplified for p in paragraphs)
        owners = self._owners
        hits: list[TermHit] = []
        append = hits.append
        next_start = starts[1] if len(starts) > 1 else offset
        p = paragraphs[0]
        base, to_original, text, pid = 0, p.to_original, p.text, p.id
        for i, start, end in self._search(joined):
            if start >= next_start:  # hits come in order: move to the paragraph holding it
                index = bisect.bisect_right(starts, start) - 1
                next_start = starts[index + 1] if index + 1 < len(starts) else offset
                p = paragraphs[index]
                base, to_original, text, pid = starts[index], p.to_original, p.text, p.id
            o_start, o_end = to_original[start - base], to_original[end - base]
            append(TermHit(owners[i], pid, o_start, o_end, text[o_start:o_end]))
        return hits

    def _all_matches(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence of every form, overlapping ones included."""
        if self._overlapping is None:
            self._overlapping = _overlapping(self._forms)
        return self._overlapping(text)

    def shadowed(self, paragraph: Paragraph) -> list[Shadow]:
        """Shorter terms hidden inside the longer terms found in `paragraph`
        (联防联控 inside 联防联控机制), for a report of terms that never show on their own."""
        shadows = []
        for start, end, long_entry in self.find_in_text(paragraph.simplified):
            for i, s, e in self._all_matches(paragraph.simplified[start:end]):
                if e - s == end - start:
                    continue  # the long term itself
                o_start, o_end = paragraph.original_span(start + s, start + e)
                shadows.append(Shadow(self._owners[i], long_entry, paragraph.id, o_start, o_end))
        return shadows

    def nested(self) -> list[tuple[Entry, Entry]]:
        """Pairs (shorter, longer) where a form of the shorter entry occurs inside a form of
        the longer one: the shorter one is only found where the longer one is absent."""
        if self._search is None:
            return []
        pairs: dict[tuple[int, int], tuple[Entry, Entry]] = {}
        for form, longer in zip(self._forms, self._owners, strict=True):
            for i, s, e in self._all_matches(form):
                shorter = self._owners[i]
                if shorter is not longer and e - s < len(form):
                    pairs.setdefault((id(shorter), id(longer)), (shorter, longer))
        return list(pairs.values())


Search = Callable[[str], list[tuple[int, int, int]]]  # text -> [(form index, start, end)]


def _leftmost_longest(forms: list[str]) -> Search:
    """Non-overlapping matches, leftmost first, longest at each start.

    ahocorasick_rs (Rust) implements exactly this: 36 ms for 10k forms over 1 MB. We do not
    use pyahocorasick's `iter_long` for it: it drops matches when the text runs into a longer
    key's prefix (keys 控, 防控控, 防防控控 in "防防控" find nothing; tests/test_matching.py
    checks the definition with hypothesis). Without ahocorasick_rs, pyahocorasick's complete
    `iter` plus a greedy pass in Python is correct but about 20x slower."""
    try:
        import ahocorasick_rs  # ~1 ms import; building 10k forms: ~20 ms
    except ImportError:
        return _greedy(_overlapping(forms))
    automaton = ahocorasick_rs.AhoCorasick(
        forms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
    )
    return automaton.find_matches_as_indexes


def _overlapping(forms: list[str]) -> Search:
    """Every match, overlapping ones included, ordered by end."""
    import ahocorasick  # pyahocorasick: ~1 ms import; building 10k forms: ~20 ms

    automaton = ahocorasick.Automaton()
    for i, form in enumerate(forms):
        automaton.add_word(form, (i, len(form)))
    automaton.make_automaton()

    def search(text: str) -> list[tuple[int, int, int]]:
        return [(i, end + 1 - n, end + 1) for end, (i, n) in automaton.iter(text)]

    return search


def _greedy(search: Search) -> Search:
    def leftmost_longest(text: str) -> list[tuple[int, int, int]]:
        longest: dict[int, tuple[int, int, int]] = {}
        for match in search(text):
            known = longest.get(match[1])
            if known is None or match[2] > known[2]:
                longest[match[1]] = match
        out, position = [], 0
        for start in sorted(longest):
            if start >= position:
                out.append(longest[start])
                position = longest[start][2]
        return out

    return leftmost_longest


def paragraph_from_text(text: str, paragraph_id: str = "p0") -> Paragraph:
    """A Paragraph for plain text, without cleaning (reader.documents.loading builds the real ones);
    for raw strings, tests and benches."""
    from reader.documents.scripts import detect_script, to_simplified

    simplified, to_original = to_simplified(text)
    return Paragraph(paragraph_id, text, simplified, to_original, detect_script(text))
