"""Post-edits of an earlier version of a paragraph, found again after the document changed.

A post-edit is keyed by its paragraph's exact source text (`reader.translation.memory`): when
one word of the paragraph is corrected, the key no longer matches and the edit would silently
stop showing. `earlier_edits` finds it again so the reader can offer it.

Guarantees:
- Only the same document's post-edits are candidates (the memory's index by document), and only
  those whose source is no longer any paragraph of the document (an edit still in use is never
  offered elsewhere) and whose source text is known; at most `MAX_CANDIDATES`, the most recent.
- A paragraph is offered an earlier edit when it has no post-edit of its own (in any document)
  and its text is near-identical to the edit's source: difflib ratio >= `MIN_RATIO` (0.8; one
  changed word of four characters in a 40-character paragraph scores 0.9).
- Cost is bounded by the document's size, not by its paragraphs × the candidates: a paragraph is
  compared (difflib) only with candidates whose length is compatible with the ratio (shorter /
  longer >= 2/3) and that hold at least half of its 8 anchors (character pairs spread over its
  source), found through one index of the anchors: one pass over the document's character
  pairs (3.4 M characters, 200 candidates: 2.7 s on a loaded 2-core machine; bench/
  earlier_edits.py; a document with no post-edit: no pass at all).
- Each earlier edit goes to at most one paragraph (the most similar) and each paragraph gets at
  most one. Nothing is written: accepting one (`Translator.set_post_edit` for the new text) is
  the caller's; the earlier edit stays stored, listed as orphaned by `reader postedits list`.
- Exports never use an earlier edit: only `Translator.translate` output (exact post-edits).
- `survey(memory)` tells, for every post-edit, whether its source is still a paragraph of a
  known document (every document that has a post-edit, read again from disk), or orphaned, or
  carried (orphaned, its English accepted for the corrected text); a document that cannot be
  read is named in a warning, never skipped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from reader.documents.document import Document
from reader.errors import ReaderError
from reader.han import has_han
from reader.translation.memory import PostEdit, TranslationMemory, source_hash

MIN_RATIO = 0.8
MAX_CANDIDATES = 200  # orphaned edits of one document considered, the most recent first
ANCHORS = 8  # character pairs per candidate in the index; a paragraph must hold half of them
# a ratio r needs 2*min/(a+b) >= r, i.e. shorter/longer >= r/(2-r): 2/3 for 0.8
MIN_LENGTH_SHARE = MIN_RATIO / (2 - MIN_RATIO)


@dataclass(frozen=True, slots=True)
class EarlierEdit:
    """An earlier version's post-edit, offered for a paragraph whose text changed."""

    paragraph_id: str
    edit: PostEdit
    ratio: float  # difflib's, of the paragraph text against the edit's source


def orphaned_edits(memory: TranslationMemory, doc_key: str, doc: Document) -> list[PostEdit]:
    """The document's post-edits whose source is no longer a paragraph of it."""
    edits = memory.post_edits(doc_key)
    if not edits:
        return []  # the common case: no hashing of the document at all
    present = {source_hash(p.text) for p in doc.paragraphs}
    return [e for e in edits if e.source_hash not in present]


def earlier_edits(memory: TranslationMemory, doc_key: str, doc: Document) -> dict[str, EarlierEdit]:
    """Paragraph id -> the earlier edit offered for it (see the module docstring)."""
    candidates = [e for e in orphaned_edits(memory, doc_key, doc) if e.source][:MAX_CANDIDATES]
    if not candidates:
        return {}
    pair_index: dict[str, list[int]] = {}
    needed: list[int] = []
    for k, edit in enumerate(candidates):
        pairs = _anchors(edit.source)
        needed.append(max(1, len(pairs) // 2))
        for pair in pairs:
            pair_index.setdefault(pair, []).append(k)
    scored: list[tuple[float, int, int]] = []
    indexed = pair_index.keys()
    shortest = min(len(e.source) for e in candidates) * MIN_LENGTH_SHARE
    longest = max(len(e.source) for e in candidates) / MIN_LENGTH_SHARE
    for i, paragraph in enumerate(doc.paragraphs):
        text = paragraph.text
        if not shortest <= len(text) <= longest or not has_han(text):
            continue
        shared: dict[int, int] = {}
        for pair in _pairs(text) & indexed:  # the intersection runs in C: most pairs miss
            for k in pair_index[pair]:
                shared[k] = shared.get(k, 0) + 1
        for k, count in shared.items():
            source = candidates[k].source
            if count < needed[k] or not _lengths_allow(len(text), len(source)):
                continue
            matcher = SequenceMatcher(None, text, source, autojunk=False)
            if matcher.quick_ratio() >= MIN_RATIO and (ratio := matcher.ratio()) >= MIN_RATIO:
                scored.append((ratio, i, k))
    offers: dict[str, EarlierEdit] = {}
    used: set[int] = set()
    for ratio, i, k in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        paragraph = doc.paragraphs[i]
        if k in used or paragraph.id in offers:
            continue
        if memory.post_edit(paragraph.id, paragraph.text, doc_key) is not None:
            continue  # this text has a post-edit of its own (perhaps in another document)
        used.add(k)
        offers[paragraph.id] = EarlierEdit(paragraph.id, candidates[k], round(ratio, 3))
    return offers


EditState = Literal["in use", "carried", "orphaned", "unknown"]


@dataclass(frozen=True, slots=True)
class EditStatus:
    edit: PostEdit
    # carried: orphaned, but accepted for the new text (an edit in use, same document and
    # English); unknown: an edit of stdin text that no known document holds
    state: EditState
    where: str = ""  # in use: the document holding its source (its own first); carried: the id


def survey(memory: TranslationMemory) -> tuple[list[EditStatus], list[str]]:
    """Every post-edit with its state, the most recent first; and a warning per known document
    that could not be read (its edits count as orphaned unless another document has them)."""
    from reader.documents.loading import load_document  # the format parsers: ~100 ms

    edits = memory.post_edits()
    holders: dict[str, list[str]] = {}  # source hash -> documents that have it
    warnings: list[str] = []
    for doc_key in dict.fromkeys(e.doc_key for e in edits):
        if doc_key == "-":
            continue
        try:
            doc = load_document(doc_key)
        except ReaderError as error:
            warnings.append(f"{error.message}: its post-edits cannot be checked ({doc_key})")
            continue
        for digest in {source_hash(p.text) for p in doc.paragraphs}:
            holders.setdefault(digest, []).append(doc_key)
    in_use = {
        (e.doc_key, e.english): e.id for e in edits if holders.get(e.source_hash)
    }  # what an accepted earlier edit became
    statuses: list[EditStatus] = []
    for edit in edits:
        docs = holders.get(edit.source_hash, [])
        carrier = in_use.get((edit.doc_key, edit.english))
        if docs:
            where = edit.doc_key if edit.doc_key in docs else docs[0]
            statuses.append(EditStatus(edit, "in use", where))
        elif carrier is not None:
            statuses.append(EditStatus(edit, "carried", carrier))
        else:
            statuses.append(EditStatus(edit, "unknown" if edit.doc_key == "-" else "orphaned"))
    return statuses, warnings


def _anchors(text: str) -> set[str]:
    """`ANCHORS` character pairs spread evenly over `text`: a paragraph near-identical to it
    keeps most of them (one changed word breaks at most two or three), and an index of a few
    pairs per candidate keeps the document's common pairs (的是, 工作) from matching them all."""
    pairs = [text[i : i + 2] for i in range(len(text) - 1)] or [text]
    step = max(1, len(pairs) // ANCHORS)
    return set(pairs[::step][:ANCHORS])


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _lengths_allow(a: int, b: int) -> bool:
    return min(a, b) >= MIN_LENGTH_SHARE * max(a, b)
