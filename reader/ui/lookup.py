"""The word under the cursor: segmentation and dictionary lookup, run in a daemon thread.

Guarantees: each paragraph is segmented once (cached by id); the answer names the cursor
offset it was asked for, so the screen drops an answer the cursor has already left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.han import has_han
from reader.ui.messages import WordLookedUp

if TYPE_CHECKING:
    from reader.documents.document import Paragraph

# paragraph id -> (start, end) in Paragraph.text and in Paragraph.simplified, per word
Segments = dict[str, list[tuple[int, int, int, int]]]


def look_up_word(p: Paragraph, char: int, segments: Segments) -> WordLookedUp:
    from reader import dictionary  # jieba + CC-CEDICT: ~1 s on first use, in this thread

    spans = segments.get(p.id)
    if spans is None:
        spans, at = [], 0
        for word in dictionary.segment(p.simplified):
            spans.append((*p.original_span(at, at + len(word)), at, at + len(word)))
            at += len(word)
        segments[p.id] = spans  # plain dict: one writer at a time, whole values
    start, end, s_start, s_end = next(
        (span for span in spans if span[0] <= char < span[1]), (char, char + 1, 0, 0)
    )
    word = p.text[start:end].strip()
    if not word or not has_han(word):
        return WordLookedUp(p.id, char, start, end, "", "", [])
    simplified = p.simplified[s_start:s_end] or word
    entries = dictionary.lookup(word) or dictionary.lookup(simplified)
    return WordLookedUp(p.id, char, start, end, word, dictionary.pinyin(word), list(entries))
