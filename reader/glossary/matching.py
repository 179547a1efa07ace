"""Find glossary terms in a document: both scripts, word boundaries, offsets in the original.

Guarantees:
- Terms and variants are matched in Simplified form against `Paragraph.simplified`, with Hong
  Kong and Taiwan variant characters folded (衞 = 卫), so a Traditional term finds Simplified
  text and the other way round.
- Hits never overlap. Where candidate terms overlap, the choice covers the most characters with
  the fewest terms (北京市委 → 北京 + 市委 when both are terms, not 北京市 + 委); on a tie the
  rightmost term wins, because a Chinese compound's head is on its right (有序复工复产 →
  复工复产, not 有序复工). Without overlaps this is leftmost-longest: 联防联控机制 wins over
  联防联控, which wins over 联防.
- When two entries share the same form, the higher `priority` wins (then the earlier entry).
- A short term (≤ 2 characters) counts only where it is a word or the head of a compound: no
  word of the jieba segmentation (with every glossary form added to its dictionary) may cross
  its edges (城市长远 holds no 市长, 紧密接触 no 密接), and a word holding it must end with it
  (市委 in 北京市委), start with it followed by another dictionary word (北京 in 北京地区), or be
  made of glossary forms alone (北京市委 = 北京 + 市委). An entry's `exclude`
  contexts (Chinese, `|`-separated) remove the hits that lie inside them (求是 in 实事求是),
  whatever the term's length.
- Hit offsets are spans of `Paragraph.text` (the original, as displayed) and `surface` is the
  original characters, whatever script the paragraph is in.
- A whole document is matched in one automaton pass over its paragraphs joined; the
  segmentation (jieba's, over reader.lexicon) runs only on the clauses where a dictionary word
  could cross a short term's edge.
"""

from __future__ import annotations

import bisect
import re
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from reader.documents.document import Document, Paragraph
from reader.documents.scripts import detect_script, fold_variants, to_simplified
from reader.glossary.file import Entry, simplify
from reader.lexicon import Segmenter, lexicon

# joins paragraphs for one pass; no term contains it, so no match crosses a paragraph break
_SEPARATOR = "\n"
SHORT = 2  # terms of at most this many characters must stand on word boundaries
_LONGEST_WORD = 6  # jieba dictionary words that could cross a short term's edge: up to this long
_CLAUSE_CACHE = 50_000  # segmented clauses kept (repeated headings, boilerplate: ~5 MB)
_CLAUSE_END = re.compile(r"[\s，。！？；：、,.!?;:「」『』“”‘’（）()《》【】]")


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


Match = tuple[int, int, int]  # (form index, start, end)


class TermMatcher:
    """An Aho-Corasick automaton over every entry's forms; build once, match many texts.

    `words=False` skips the word-boundary check of short terms (for tests of the selection
    rule on arbitrary strings)."""

    def __init__(self, entries: Iterable[Entry], *, words: bool = True) -> None:
        self.entries = list(entries)
        self.words = words
        best: dict[str, tuple[int, int]] = {}  # form -> (priority, -order) of the winning entry
        owner: dict[str, int] = {}
        for order, entry in enumerate(self.entries):
            rank = (entry.priority, -order)
            for form in entry.forms:
                form = fold_variants(form)
                if _SEPARATOR in form or not form.strip():
                    continue
                if form not in best or rank > best[form]:
                    best[form], owner[form] = rank, order
        self._forms = list(owner)
        self._form_set = frozenset(self._forms)
        self._owners = [self.entries[owner[form]] for form in self._forms]
        self._exclude = [_contexts(entry) for entry in self._owners]
        self._search = _overlapping(self._forms) if self._forms else None
        self._segmenter: Segmenter | None = None  # built on first use
        self._lock = threading.Lock()
        self._clauses: dict[str, list[int]] = {}  # clause -> its word boundaries

    def __len__(self) -> int:
        return len(self.entries)

    def find_in_text(self, simplified_text: str) -> list[tuple[int, int, Entry]]:
        """Hits in a Simplified string as (start, end, entry); see the module docstring."""
        owners = self._owners
        return [(start, end, owners[i]) for i, start, end in self._select(simplified_text)]

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
        for i, start, end in self._select(joined):
            if start >= next_start:  # hits come in order: move to the paragraph holding it
                index = bisect.bisect_right(starts, start) - 1
                next_start = starts[index + 1] if index + 1 < len(starts) else offset
                p = paragraphs[index]
                base, to_original, text, pid = starts[index], p.to_original, p.text, p.id
            o_start, o_end = to_original[start - base], to_original[end - base]
            append(TermHit(owners[i], pid, o_start, o_end, text[o_start:o_end]))
        return hits

    def candidates(self, simplified_text: str) -> list[Match]:
        """Every occurrence of every form that may count (exclusions and word boundaries
        applied), overlapping ones included, by start."""
        if self._search is None:
            return []
        text = fold_variants(simplified_text)
        matches = sorted(self._search(text), key=lambda m: (m[1], m[2]))
        segments: dict[tuple[int, int], list[int]] = {}
        return [m for m in matches if self._counts(text, m, segments)]

    def _select(self, simplified_text: str) -> list[Match]:
        return select(self.candidates(simplified_text))

    def _counts(self, text: str, match: Match, segments: dict[tuple[int, int], list[int]]) -> bool:
        index, start, end = match
        for context in self._exclude[index]:
            at = text.find(context, max(0, end - len(context)), start + len(context))
            while at >= 0 and at <= start:
                if at + len(context) >= end:
                    return False
                at = text.find(context, at + 1, start + len(context))
        if not self.words or end - start > SHORT or not _could_cross(text, start, end):
            return True
        return self._on_word_boundaries(text, start, end, segments)

    def _on_word_boundaries(
        self, text: str, start: int, end: int, segments: dict[tuple[int, int], list[int]]
    ) -> bool:
        """Whether the term at [start, end) is a word, words, or the right end (head) of one
        word in the jieba segmentation of its clause."""
        clause = _clause(text, start)
        if clause not in segments:
            segments[clause] = self._boundaries(text[clause[0] : clause[1]], clause[0])
        bounds = segments[clause]
        at = bisect.bisect_right(bounds, start)
        word_start, word_end = bounds[at - 1], bounds[at]
        if end > word_end:  # over several words: both edges must be word edges
            return start == word_start and end in bounds
        if end == word_end:  # the head: 市委 in 北京市委
            return True
        rest = text[end:word_end]  # the modifier of a compound word: 北京 in 北京地区
        return (start == word_start and _is_word(rest)) or self._tiled(text[word_start:word_end])

    def _tiled(self, word: str) -> bool:
        """Whether glossary forms alone make up `word` (北京市委 = 北京 + 市委): then each
        part is a term of its own, not a fragment of a longer word."""
        reachable = [True] + [False] * len(word)
        for i in range(len(word)):
            if reachable[i]:
                for j in range(i + 1, len(word) + 1):
                    if word[i:j] in self._form_set:
                        reachable[j] = True
        return reachable[-1]

    def _boundaries(self, clause: str, offset: int) -> list[int]:
        cached = self._clauses.get(clause)
        if cached is None:
            segmenter = self.segmenter()
            cached = [0]
            for word in segmenter.cut(clause):
                cached.append(cached[-1] + len(word))
            with self._lock:
                if len(self._clauses) >= _CLAUSE_CACHE:
                    self._clauses.clear()
                self._clauses[clause] = cached
        return [offset + b for b in cached]

    def segmenter(self) -> Segmenter:
        """jieba's segmentation with every glossary form added to its dictionary (as jieba's
        `add_word` adds them), so a term is never split; the process-wide one
        (reader.dictionary) is left as it is. ~10 ms per 1,000 forms, on first use."""
        with self._lock:
            if self._segmenter is None:
                segmenter = Segmenter(lexicon())
                for form in self._forms:
                    if len(form) > 1 and not segmenter.freq(form):
                        segmenter.add_word(form)  # tagged nz: a noun to the tagger
                self._segmenter = segmenter
            return self._segmenter

    def shadowed(self, paragraph: Paragraph) -> list[Shadow]:
        """Shorter terms hidden inside the longer terms found in `paragraph`
        (联防联控 inside 联防联控机制), for a report of terms that never show on their own;
        never a term inside itself (a variant inside the entry's longer form)."""
        shadows = []
        candidates = self.candidates(paragraph.simplified)
        for _, start, end in select(candidates):
            long_entry = self._owners[_index_of(candidates, start, end)]
            for i, s, e in candidates:
                # a shorter form of the same entry (下半旗 in its variant 下半旗志哀) is the
                # term itself, not a term that never shows on its own
                owner = self._owners[i]
                if start <= s and e <= end and e - s < end - start and owner is not long_entry:
                    o_start, o_end = paragraph.original_span(s, e)
                    shadows.append(Shadow(owner, long_entry, paragraph.id, o_start, o_end))
        return shadows


_shared: list[tuple[weakref.ref[Terms], tuple[int, int, int], TermMatcher]] = []
_shared_lock = threading.Lock()


class Terms(Protocol):
    """What term matching needs of a glossary: `Glossary` and `LayeredGlossary` both are."""

    @property
    def entries(self) -> list[Entry]: ...

    @property
    def revision(self) -> int: ...


def matcher_for(glossary: Terms) -> TermMatcher:
    """The glossary's matcher, shared until the glossary changes (its `revision`, or its entry
    list replaced or grown behind its back): the reader's term finder and its translation
    each built their own, the same ~0.2 s twice, while the first English waited. A second
    caller waits for the first one's build."""
    state = (glossary.revision, id(glossary.entries), len(glossary.entries))
    with _shared_lock:
        if _shared and _shared[0][0]() is glossary and _shared[0][1] == state:
            return _shared[0][2]
        matcher = TermMatcher(glossary.entries)
        _shared[:] = [(weakref.ref(glossary), state, matcher)]
        return matcher


def _index_of(matches: list[Match], start: int, end: int) -> int:
    return next(i for i, s, e in matches if (s, e) == (start, end))


def _is_word(text: str) -> bool:
    return len(text) > 1 and bool(lexicon().freq(text))


def _contexts(entry: Entry) -> list[str]:
    return [fold_variants(simplify(c)) for c in entry.exclude if c]


@lru_cache(maxsize=65536)
def _crossing(window: str, start: int, end: int) -> bool:
    """Whether some jieba dictionary word in `window` crosses an edge of [start, end) or
    holds the term with text after it; when none does, jieba cannot split the term (a cheap
    test that spares segmenting most clauses: ~30 dictionary look-ups, cached by context)."""
    freq = lexicon().freq  # jieba's word counts (60M words)
    for a in range(0, end):
        for b in range(max(a + 2, start + 1), min(len(window), a + _LONGEST_WORD) + 1):
            crosses = a < start < b or a < end < b
            runs_on = a <= start and b > end  # holds the term with more after it: not its head
            if (crosses or runs_on) and freq(window[a:b]):
                return True
    return False


def _could_cross(text: str, start: int, end: int) -> bool:
    """`_crossing` on the few characters around the term."""
    left = max(0, start - _LONGEST_WORD + 1)
    window = text[left : end + _LONGEST_WORD - 1]
    return _crossing(window, start - left, end - left)


def _clause(text: str, position: int) -> tuple[int, int]:
    """The clause around `position`: between the punctuation marks before and after it."""
    start = position
    while start > 0 and not _CLAUSE_END.match(text[start - 1]):
        start -= 1
    end = position
    while end < len(text) and not _CLAUSE_END.match(text[end]):
        end += 1
    return start, end


def select(matches: list[Match]) -> list[Match]:
    """Non-overlapping matches covering the most characters with the fewest matches; on a tie
    the rightmost (see the module docstring). `matches` are sorted by start."""
    out: list[Match] = []
    i = 0
    while i < len(matches):  # clusters of overlapping matches are solved one by one
        j, reach = i + 1, matches[i][2]
        while j < len(matches) and matches[j][1] < reach:
            reach = max(reach, matches[j][2])
            j += 1
        out += matches[i:j] if j == i + 1 else _best(matches[i:j])
        i = j
    return out


def _best(cluster: list[Match]) -> list[Match]:
    """Weighted interval scheduling over one cluster: value = (characters, -matches)."""
    n = len(cluster)
    starts = [m[1] for m in cluster]
    value: list[tuple[int, int]] = [(0, 0)] * (n + 1)
    take: list[bool] = [False] * n
    for k in range(n - 1, -1, -1):
        _, s, e = cluster[k]
        after = bisect.bisect_left(starts, e, k + 1)
        taken = (value[after][0] + e - s, value[after][1] - 1)
        take[k] = taken > value[k + 1]  # a tie skips: a later (rightmost) match wins
        value[k] = taken if take[k] else value[k + 1]
    chosen: list[Match] = []
    k = 0
    while k < n:
        if take[k]:
            chosen.append(cluster[k])
            k = bisect.bisect_left(starts, cluster[k][2], k + 1)
        else:
            k += 1
    return chosen


Search = Callable[[str], list[Match]]  # text -> [(form index, start, end)]


def _overlapping(forms: list[str]) -> Search:
    """Every match, overlapping ones included (ahocorasick_rs: ~1 ms import; 10k forms build
    in ~20 ms)."""
    import ahocorasick_rs

    automaton = ahocorasick_rs.AhoCorasick(forms)  # MatchKind.Standard allows overlapping

    def search(text: str) -> list[Match]:
        return automaton.find_matches_as_indexes(text, overlapping=True)

    return search


def paragraph_from_text(text: str, paragraph_id: str = "p0") -> Paragraph:
    """A Paragraph for plain text, without cleaning (reader.documents.loading builds the real ones);
    for raw strings, tests and benches."""
    simplified, to_original = to_simplified(text)
    return Paragraph(paragraph_id, text, simplified, to_original, detect_script(text))
