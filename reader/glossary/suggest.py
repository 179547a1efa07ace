"""Term mining: whole lexical units that recur in a document and that the glossary lacks.

Guarantees:
- Candidates are runs of 1–4 consecutive jieba words (glossary forms added to its dictionary),
  2–8 Han characters long, in Simplified, so they start and end on word boundaries (疫情防控,
  返京, 四早 — never 情防), and never start or end with a function word or a generic verb
  (的, 在, 加强, 做好).
- Never a superset or a fragment of a glossary entry: text the glossary matches is cut out
  before candidates are formed (no 防控工作 when 防控 is an entry), and a candidate that occurs
  inside any glossary form (either script) is dropped (no 联控 beside 联防联控).
- Only expressions seen at least twice; a multi-word candidate must hold together (it accounts
  for at least half the occurrences of its rarest word), and one contained in a longer
  candidate with the same count is dropped for the longer one.
- De-duplicated: a candidate that overlaps a better-ranked one (one inside the other, or the
  end of one being the start of the other: 严格进京 / 进京管理) is not listed.
- Ranked by count weighted by how rare the words are in general Chinese (jieba's frequency
  list): 工作 and 会议 sink, 返京 rises.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from reader.dictionary import gloss_word
from reader.documents.document import Document
from reader.glossary.matching import TermMatcher, Terms
from reader.han import HAN
from reader.lexicon import lexicon

_HAN_ONLY = re.compile(f"^[{HAN}]+$")
# function words and generic verbs that make poor term edges (…的, 在…, 加强…)
_EDGE_STOP = frozenset(
    "的了和与及或是在对把被将也都就而并从为向于以之其这那该各等由给让使但又还要有不没很更最已所着过个们此每第说称"
) | {
    "表示", "强调", "指出", "要求", "认为", "介绍", "加强", "做好", "落实", "推进", "开展",
    "进行", "坚持", "继续", "全面", "进一步", "严格", "切实", "积极", "有效", "工作", "相关",
    "有关", "以及", "目前", "同时", "通过", "按照", "根据", "我们", "他们", "一个", "已经",
}  # fmt: skip
MIN_COUNT = 2
MAX_CHARS = 8
MAX_WORDS = 4
_COHESION = 0.5  # share of its rarest word's occurrences a multi-word candidate must account for
_BREAK = "\u0000"  # replaces glossary matches: no candidate runs across it


@dataclass(frozen=True, slots=True)
class Suggestion:
    term: str  # Simplified
    count: int  # occurrences in the document
    gloss: str  # dictionary sense of the whole term, "" when none
    literal: str = ""  # word-by-word gloss, a hint when there is no dictionary sense


def suggest_terms(doc: Document, glossary: Terms, top: int = 30) -> list[Suggestion]:
    """The `top` most term-like repeated expressions in `doc` not already in `glossary`."""
    matcher = TermMatcher(glossary.entries)
    tag = _tagger(matcher)
    counts: Counter[str] = Counter()
    word_counts: Counter[str] = Counter()
    words_of: dict[str, tuple[str, ...]] = {}
    for paragraph in doc.paragraphs:
        text = _without_terms(paragraph.simplified, matcher)
        for stretch in text.split(_BREAK):
            tagged = tag(stretch)
            words = [w for w, _ in tagged]
            word_counts.update(w for w in words if _HAN_ONLY.match(w))
            for i in range(len(words)):
                for j in range(i, min(i + MAX_WORDS, len(words))):
                    if not _HAN_ONLY.match(words[j]):
                        break
                    run = words[i : j + 1]
                    span = "".join(run)
                    if len(span) > MAX_CHARS or "的" in run:
                        break
                    if (
                        len(span) >= 2
                        and run[0] not in _EDGE_STOP
                        and run[-1] not in _EDGE_STOP
                        and _headed(tagged[i : j + 1])
                        and not (i and tagged[i - 1][1] == "m" and len(span) <= 3)  # 14天内
                    ):
                        counts[span] += 1
                        words_of.setdefault(span, tuple(run))
    forms = "\n".join(form for entry in glossary.entries for form in entry.forms)
    candidates = {
        term: count
        for term, count in counts.items()
        if count >= MIN_COUNT
        and term not in forms  # not a glossary form, nor a fragment of one
        and _cohesive(count, words_of[term], word_counts)
    }
    total = sum(word_counts.values())
    for term in sorted(candidates, key=len, reverse=True):
        count = candidates.get(term)
        if count is None:
            continue
        for inner in list(candidates):
            if inner != term and inner in term and candidates[inner] == count:
                del candidates[inner]
    ranked = sorted(
        candidates.items(),
        key=lambda item: (-_score(item[0], item[1], words_of[item[0]], total), item[0]),
    )
    chosen: list[tuple[str, int]] = []
    for term, count in ranked:
        if not any(_overlap(term, other) for other, _ in chosen):
            chosen.append((term, count))
        if len(chosen) == top:
            break
    out = []
    for term, count in chosen:
        sense = gloss_word(term)
        literal = "" if sense else " ".join(_gloss(w, gloss_word) for w in words_of[term])
        out.append(Suggestion(term, count, sense, literal))
    return out


_NOUNS = ("n", "vn", "an", "j")  # jieba part-of-speech tags a term may end with
_ADVERBS = ("坚定", "坚决", "毫不", "全面", "均", "应", "各", "全力", "充分", "一律", "务必")
_NO_START = ("p", "c", "d", "ad", "m", "r", "f", "q", "u")
_NUMERALS = frozenset("一二三四五六七八九十两")  # numbered slogans: 四早, 一办六组
_RARE = 100  # a single word rarer than this in jieba's counts (返京: 3) may be a verb or anything


def _tagger(matcher: TermMatcher) -> Callable[[str], list[tuple[str, str]]]:
    """Words and their part of speech as jieba.posseg gives them over the matcher's
    segmenter, whose dictionary holds the glossary's forms."""
    return matcher.segmenter().tag


def _headed(run: list[tuple[str, str]]) -> bool:
    """Whether a run of words looks like a term: a noun phrase (its last word a noun), a
    compound of several content words, or one rare word."""
    words, flags = [w for w, _ in run], [f for _, f in run]
    if words[0].startswith(_ADVERBS) or "nr" in flags:  # 坚决打赢…, person names
        return False
    if len(words) > 1 and words[0] in _NUMERALS and len("".join(words)) <= 4:
        return not flags[-1].startswith(("q", "u", "d")) and words[-1] not in _EDGE_STOP  # 四早
    if flags[0].startswith(_NO_START):  # 随着…, 这根…, 天内…
        return False
    if flags[-1].startswith(_NOUNS) or flags[-1] == "x":  # x: a word jieba has no tag for
        return True
    if len(run) > 1:
        return flags[-1].startswith("v")
    return lexicon().freq(words[0]) < _RARE and not flags[0].startswith(("m", "b", "x"))


def _gloss(word: str, gloss_word: Callable[[str], str]) -> str:
    return gloss_word(word) or word


def _without_terms(text: str, matcher: TermMatcher) -> str:
    """`text` with every glossary match replaced by breaks (same length)."""
    chars = list(text)
    for _, start, end in matcher.candidates(text):  # overlapping ones too: cut them all
        chars[start:end] = _BREAK * (end - start)
    return "".join(chars)


def _cohesive(count: int, words: tuple[str, ...], word_counts: Counter[str]) -> bool:
    if len(words) == 1:
        return True
    return count >= _COHESION * min(word_counts[w] for w in words)


def _overlap(a: str, b: str) -> bool:
    """One inside the other, or one's end (≥ 2 characters) the other's start."""
    if a in b or b in a:
        return True
    for size in range(2, min(len(a), len(b))):
        if a.endswith(b[:size]) or b.endswith(a[:size]):
            return True
    return False


def _score(term: str, count: int, words: tuple[str, ...], total: int) -> float:
    """Keyness against general Chinese (jieba's frequency list, 60M words), weighted towards
    compounds and 4-character set phrases: how much more often the document uses the term than
    the language does. A compound missing from the list counts as a tenth as frequent as its
    rarest word; 工作 and 会议 sink, 返京 rises."""
    freq = lexicon().freq
    general = freq(term) or min(freq(w) for w in words) / 10
    keyness = (count / max(total, 1)) / ((general + 1) / lexicon().total)
    weight = 1.0 + 0.3 * min(len(words) - 1, 2)
    if len(term) == 4:
        weight *= 1.3
    return count * weight * math.log10(1 + keyness)
