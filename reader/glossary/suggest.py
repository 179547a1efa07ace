"""Term mining: frequent multi-character expressions in a document that the glossary lacks.

Guarantees:
- Candidates are runs of 1–6 consecutive jieba words, 2–8 Han characters long, in Simplified,
  so they start and end on word boundaries (疫情防控, 外防输入, 四早 — never 情防).
- Only expressions seen at least twice are suggested; one contained in a longer candidate
  with the same count (it never occurs alone) is dropped in favour of the longer one.
- Terms already in the glossary (as a term or variant, either script) are never suggested.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from reader.documents.document import Document
from reader.glossary.file import Glossary
from reader.han import HAN

_HAN_ONLY = re.compile(f"^[{HAN}]+$")
_NUMERAL = re.compile(r"^[一二三四五六七八九十两百千]+[\u4e00-\u9fff]{1,3}$")
# function words that make poor term edges (…的, 在…, 和…)
_EDGE_STOP = frozenset(
    "的了和与及或是在对把被将也都就而并从为向于以之其这那该各等由给让使但又还要有不没很更最已所着过个们此每第说称"
) | {"表示", "强调", "指出", "要求", "认为", "介绍"}
MIN_COUNT = 2
MAX_CHARS = 8
MAX_WORDS = 6


@dataclass(frozen=True, slots=True)
class Suggestion:
    term: str  # Simplified
    count: int  # occurrences in the document
    gloss: str  # dictionary sense of the whole term, "" when none
    literal: str = ""  # word-by-word gloss, a hint when there is no dictionary sense


def suggest_terms(doc: Document, glossary: Glossary, top: int = 30) -> list[Suggestion]:
    """The `top` most term-like repeated expressions in `doc` not already in `glossary`."""
    from reader.dictionary import segment  # jieba: ~0.7 s to load its dictionary, first use

    counts: Counter[str] = Counter()
    words_in: dict[str, int] = {}
    for paragraph in doc.paragraphs:
        words = segment(paragraph.simplified)
        for i in range(len(words)):
            if not _HAN_ONLY.match(words[i]) or words[i] in _EDGE_STOP:
                continue
            span = ""
            for j in range(i, min(i + MAX_WORDS, len(words))):
                if not _HAN_ONLY.match(words[j]):
                    break
                span += words[j]
                if len(span) > MAX_CHARS:
                    break
                if words[j] == "的":  # 的 inside makes a phrase, not a term
                    break
                if len(span) >= 2 and words[j] not in _EDGE_STOP:
                    counts[span] += 1
                    words_in.setdefault(span, j - i + 1)
    known = {form for entry in glossary.entries for form in entry.forms}
    candidates = {t: c for t, c in counts.items() if c >= MIN_COUNT and t not in known}
    for term in sorted(candidates, key=len, reverse=True):
        count = candidates.get(term)
        if count is None:
            continue
        for size in range(2, len(term)):
            for start in range(len(term) - size + 1):
                inner = term[start : start + size]
                if candidates.get(inner) == count:
                    del candidates[inner]
    ranked = sorted(
        candidates.items(),
        key=lambda item: (-_score(item[0], item[1], words_in[item[0]]), item[0]),
    )
    from reader.dictionary import gloss_word
    from reader.translation.engines.gloss import GlossEngine

    literal = GlossEngine().gloss
    return [
        Suggestion(term, count, sense := gloss_word(term), "" if sense else literal(term))
        for term, count in ranked[:top]
    ]


def _score(term: str, count: int, words: int) -> float:
    """Frequency, weighted towards compounds, 4-character set phrases and numbered slogans
    (四早), and away from everyday single words (工作, 会议) by their general frequency."""
    weight = 1.0 + 0.4 * min(words - 1, 3)
    if len(term) == 4:
        weight *= 1.5
    if _NUMERAL.match(term) and len(term) <= 4:
        weight *= 1.5
    if words == 1:
        weight *= _rarity(term)
    return count * weight


def _rarity(word: str) -> float:
    """From 0.15 for everyday words (工作: 66k in jieba's counts) to 1.0 for rare ones
    (返京: 3); 疫情 (204) gets 0.73."""
    import jieba  # already loaded by segment()

    freq = jieba.dt.FREQ.get(word, 0)  # counts from jieba's corpus, e.g. 工作 ≈ 50k
    return max(0.15, min(1.0, 1.5 - math.log10(freq + 1) / 3))
