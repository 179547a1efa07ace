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


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a paragraph as spans of `text`."""
    sentences: list[Sentence] = []
    start = 0
    for match in _END.finditer(text):
        sentence = _span(text, start, match.end())
        if sentence is not None:
            sentences.append(sentence)
        start = match.end()
    sentence = _span(text, start, len(text))
    if sentence is not None:
        sentences.append(sentence)
    return sentences
