"""Work the reader screen does off the UI thread: loading a document, looking up a word.

Guarantees: each returns the message to post and never touches a widget; a load failure is a
`LoadFailed` with the one-line error, never an exception; each paragraph is segmented once
(cached by id), and a lookup's answer names the cursor offset it was asked for, so the screen
drops an answer the cursor has already left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.errors import ReaderError
from reader.han import has_han
from reader.ui.messages import (
    DocumentLoaded,
    LoadFailed,
    PinyinRead,
    TermsFound,
    WordLookedUp,
)
from reader.ui.preload import failure_line, read_document

if TYPE_CHECKING:
    from reader.documents.document import Document, Paragraph
    from reader.ui.services import Services

# paragraph id -> (start, end) in Paragraph.text and in Paragraph.simplified, per word
Segments = dict[str, list[tuple[int, int, int, int]]]


def words_of(p: Paragraph, segments: Segments) -> list[tuple[int, int, int, int]]:
    """The paragraph's words (segmented once, cached by id): spans in Paragraph.text and in
    Paragraph.simplified."""
    from reader import dictionary  # the lexicon: ~5 ms to open (built on a first start)

    spans = segments.get(p.id)
    if spans is None:
        spans, at = [], 0
        for word in dictionary.segment(p.simplified):
            spans.append((*p.original_span(at, at + len(word)), at, at + len(word)))
            at += len(word)
        segments[p.id] = spans  # plain dict: one writer at a time, whole values
    return spans


def reading_of(word: str) -> str:
    """The reading the dictionary panel shows for a word ('' for one without Han)."""
    from reader import dictionary

    return dictionary.pinyin(word) if has_han(word) else ""


def read_pinyin(p: Paragraph, segments: Segments) -> PinyinRead:
    """Each word of the paragraph with its reading, the very reading the dictionary panel
    gives for it (same segmentation, same `reading_of`)."""
    words = [(a, b, reading_of(p.text[a:b].strip())) for a, b, _, _ in words_of(p, segments)]
    return PinyinRead(p.id, words)


def look_up_word(p: Paragraph, char: int, segments: Segments) -> WordLookedUp:
    from reader import dictionary  # the lexicon: ~5 ms to open (built on a first start)

    spans = words_of(p, segments)
    start, end, s_start, s_end = next(
        (span for span in spans if span[0] <= char < span[1]), (char, char + 1, 0, 0)
    )
    word = p.text[start:end].strip()
    if not word or not has_han(word):
        return WordLookedUp(p.id, char, start, end, "", "", [])
    simplified = p.simplified[s_start:s_end] or word
    entries = dictionary.lookup(word) or dictionary.lookup(simplified)
    return WordLookedUp(p.id, char, start, end, word, reading_of(word), list(entries))


def load(
    path: str, encoding: str | None, services: Services, data: bytes | None = None
) -> DocumentLoaded | LoadFailed:
    """Read, decode and clean the document (in a worker); its glossary terms come after, from
    `find_terms`, so the text is on screen first."""
    try:
        doc, key, warnings = read_document(path, encoding, services.open_glossary, data)
        return DocumentLoaded(path, doc, key, {}, warnings)
    except (ReaderError, OSError) as error:
        return LoadFailed(path, failure_line(path, error))


def find_terms(doc: Document, services: Services) -> TermsFound:
    """The document's glossary terms, paragraph by paragraph (in a worker)."""
    from reader.glossary.edit import find_hits  # the matcher and lexicon: ~25 ms of imports

    return TermsFound(doc, find_hits(services.open_glossary(), doc))
