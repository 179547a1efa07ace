"""Sentence pairs: which English says which Chinese, for the reader, the exports and scripts.

Guarantees of `sentence_pairs(paragraph, translation)`:
- the pairs are in order, numbered from 0, and their Chinese spans index `Paragraph.text`
  without overlap; their English spans index `ParagraphTranslation.text` (None while the
  paragraph is not translated);
- a machine translation gives one pair per sentence the pipeline translated
  (`ParagraphTranslation.sentences`, a table cell counting as a sentence);
- text with no Han passes through: each of its sentences is its own English;
- a post-edit (the English is the user's, one block), or any other English without a
  sentence map, gives a single pair, the whole paragraph on both sides: `whole` is True;
- an untranslated paragraph gives its own sentences (`Paragraph.sentences`) with no English,
  so a cursor can move through the Chinese before the English arrives.

`pair_at(pairs, char)` is the pair holding character `char` (or the last one before it, in
the whitespace between two sentences).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from reader.documents.document import Paragraph
    from reader.translation.pipeline import ParagraphTranslation


@dataclass(frozen=True, slots=True)
class SentencePair:
    number: int  # 0-based within the paragraph
    zh_start: int  # span in Paragraph.text
    zh_end: int
    en_start: int = -1  # span in ParagraphTranslation.text; -1: not translated
    en_end: int = -1
    whole: bool = False  # the paragraph is one unit (a post-edit, a passthrough)

    @property
    def translated(self) -> bool:
        return self.en_start >= 0


def sentence_pairs(
    paragraph: Paragraph, translation: ParagraphTranslation | None
) -> list[SentencePair]:
    """The paragraph's sentence pairs (see the module docstring)."""
    spans = [(s.start, s.end) for s in paragraph.sentences] or [(0, len(paragraph.text))]
    if translation is None:
        return [SentencePair(n, a, b) for n, (a, b) in enumerate(spans)]
    # here, not at the top: the reader's view imports this module before its first paint,
    # the pipeline (~50 ms) only when it translates
    from reader.translation.pipeline import PASSTHROUGH_ENGINE

    if translation.engine == PASSTHROUGH_ENGINE and translation.text == paragraph.text:
        return [SentencePair(n, a, b, a, b) for n, (a, b) in enumerate(spans)]
    if translation.human or not translation.sentences:
        return [SentencePair(0, 0, len(paragraph.text), 0, len(translation.text), whole=True)]
    return [SentencePair(n, *span) for n, span in enumerate(translation.sentences)]


def pair_at(pairs: Sequence[SentencePair], char: int) -> int:
    """Index in `pairs` of the pair holding `char`; 0 when `char` comes before them all."""
    return max(0, bisect_right([p.zh_start for p in pairs], char) - 1)


class TermRecord(TypedDict):
    zh: str  # the glossary entry
    en: str  # its required rendering
    status: str  # applied, repaired, missing, forbidden


class SentenceRecord(TypedDict):
    paragraph: int  # 1-based
    sentence: int | None  # 1-based; None: the paragraph is one unit (a post-edit)
    zh: str
    en: str
    terms: list[TermRecord]
    post_edited: bool
    flag: FlagRecord | None  # why the English is not to be trusted (results.Flag), or null


class FlagRecord(TypedDict):
    kind: str  # degenerate, placeholder, not-english
    reason: str


def sentence_records(
    paragraph: Paragraph, translation: ParagraphTranslation, number: int
) -> list[SentenceRecord]:
    """One JSON-ready object per sentence pair of paragraph `number` (1-based), as
    `reader translate --jsonl` prints them: a post-edit is one object, `"sentence": null`."""
    pairs = sentence_pairs(paragraph, translation)
    records: list[SentenceRecord] = []
    for pair in pairs:
        terms: list[TermRecord] = [
            {"zh": t.zh, "en": t.en, "status": t.status}
            for t in translation.terms
            if pair.zh_start <= t.start < pair.zh_end
        ]
        flag = translation.flagged[0] if pair.whole and translation.flagged else None
        flag = translation.flag_of(pair.number) if not pair.whole else flag
        records.append(
            {
                "paragraph": number,
                "sentence": None if pair.whole else pair.number + 1,
                "zh": paragraph.text[pair.zh_start : pair.zh_end],
                "en": translation.text[pair.en_start : pair.en_end],
                "terms": terms,
                "post_edited": translation.human,
                "flag": {"kind": flag.kind, "reason": flag.reason} if flag else None,
            }
        )
    return records
