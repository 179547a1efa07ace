"""Paragraph ids and sentence splitting.

Guarantees:
- `paragraph_ids(texts)` gives each paragraph a 10-hex-digit BLAKE2b hash of its text; the
  second and later copies of the same text in one document get `-2`, `-3`, ... so ids are unique
  within a document and stable across runs.
- `split_sentences(text)` returns spans that index `text` exactly (`text[s.start:s.end] ==
  s.text`), in order, without overlaps, each with no leading or trailing whitespace. A sentence
  ends after 。！？；… ! ? ; (runs count as one) or after `.` followed by a space or the end
  (so 3.5 and U.S.A stay whole), and takes the closing quotes and brackets
  」』”’）)】》"' that follow with it.
- A table row (cells joined by " | ", `reader.documents.html.CELL_SEPARATOR`) is split cell by
  cell: a "|" with whitespace or the text's edge on both sides is a hard boundary that no
  sentence contains, so each cell reaches the engine on its own and a model cannot reword or
  drop the separators. `english_joiner(gap)` is what joins the English across such a gap: the
  gap's separators as written (an empty cell stays empty), else None. Prose rarely has a lone
  "|"; where it does (a page title's "标题 | 网站"), its parts are translated apart too.
- No sentence is longer than `HARD_LIMIT` characters: one over `LONG` (a run-on sentence, a
  list, a 200,000-character paragraph with only commas) is cut after clause punctuation
  ，、：, : into pieces of at most `LONG` where it can be, and a clause over `HARD_LIMIT` is cut
  every `LONG` characters (at the last space before, if any). Engines decode in time that grows
  faster than the sentence and loop on long inputs; the seeds' longest sentence is 205.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence

from reader.documents.document import Sentence

_CLOSERS = "」』”’）)】》\"'"
_END = re.compile(rf"(?:[。！？；…!?;]+|\.(?=\s|$))[{re.escape(_CLOSERS)}]*")
_EDGE = re.compile(r"\S(?:.*\S)?", re.S)
_CLAUSE = re.compile(r"[，、：,:]+")
_CELL = re.compile(r"(?<!\S)\|(?!\S)")  # a cell separator: "|" alone between spaces or edges

LONG = 200  # characters; a sentence longer than this is cut at clause punctuation
HARD_LIMIT = 300  # characters; a clause longer than this is cut by length


def paragraph_id(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=5).hexdigest()


def paragraph_ids(texts: Sequence[str]) -> list[str]:
    """Stable ids, with -2, -3 ... for repeats of the same text."""
    seen: Counter[str] = Counter()
    ids: list[str] = []
    for text in texts:
        seen[text] += 1
        base = paragraph_id(text)
        ids.append(base if seen[text] == 1 else f"{base}-{seen[text]}")
    return ids


def _span(text: str, start: int, end: int) -> Sentence | None:
    match = _EDGE.search(text, start, end)
    if match is None:
        return None
    return Sentence(match.start(), match.end(), match.group())


def english_joiner(gap: str) -> str | None:
    """The cell separators of `gap` (the text between two sentences, or before the first or
    after the last) as written, to join their English with; None when it has none."""
    return gap if _CELL.search(gap) else None


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a paragraph as spans of `text`, cell by cell."""
    sentences: list[Sentence] = []
    start = 0
    for separator in _CELL.finditer(text):
        sentences += _split_cell(text, start, separator.start())
        start = separator.end()
    return sentences + _split_cell(text, start, len(text))


def _split_cell(text: str, start: int, stop: int) -> list[Sentence]:
    """Sentences of text[start:stop]."""
    sentences: list[Sentence] = []
    ends = [m.end() for m in _END.finditer(text, start, stop)] + [stop]
    for end in ends:
        sentence = _span(text, start, end)
        if sentence is not None:
            sentences += _shorten(text, sentence) if len(sentence.text) > LONG else [sentence]
        start = end
    return sentences


def _shorten(text: str, sentence: Sentence) -> list[Sentence]:
    """An over-long sentence as pieces of at most `HARD_LIMIT` characters (see the docstring)."""
    cuts = [m.end() for m in _CLAUSE.finditer(text, sentence.start, sentence.end)]
    pieces: list[Sentence] = []
    start = sentence.start
    last = start  # the furthest clause end that keeps the current piece within LONG
    for cut in [*cuts, sentence.end]:
        if cut - start > LONG and last > start:
            pieces += _cut(text, start, last)
            start = last
        last = cut
    pieces += _cut(text, start, sentence.end)
    return pieces


def _cut(text: str, start: int, end: int) -> list[Sentence]:
    """Spans of text[start:end], cut every LONG characters when it is over HARD_LIMIT."""
    out: list[Sentence] = []
    while end - start > HARD_LIMIT:
        cut = start + LONG
        space = text.rfind(" ", start + LONG // 2, cut)
        cut = space + 1 if space > 0 else cut
        if (piece := _span(text, start, cut)) is not None:
            out.append(piece)
        start = cut
    if (piece := _span(text, start, end)) is not None:
        out.append(piece)
    return out
