"""Check an English text against the glossary terms of its Chinese: applied, missing, forbidden.

Guarantees:
- Renderings are assigned to occurrences as a matching problem: each English span serves one
  occurrence at most, and the assignment explains the most occurrences; among those it keeps
  the English in the order of the Chinese as far as it can (the smallest total distance between
  each occurrence's relative position in the Chinese and its span's in the English), so two
  occurrences of 疫情 never swap verdicts and one term never claims another's English.
- Comparison is case-insensitive and inflection-aware on every word of a rendering
  (resume = resumes = resumed = resuming; contact = contacts; set = sets = setting), with
  whitespace and hyphens between its words interchangeable, an optional possessive, and whole
  words only: "epidemic" is not found in "anti-epidemic" or "epidemic-hit" unless the rendering
  itself carries that hyphen.
- Any `accept` form (acronyms such as NHC included) counts as applied. "forbidden" is given only
  to an occurrence with no rendering of its own when a forbidden form stands unused in the text.
- Every verdict says why: the span, the form it matched, and whether it was the required one,
  an accepted one or an inflection.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, Protocol

from reader.glossary.matching import paragraph_from_text

if TYPE_CHECKING:
    from reader.glossary.file import Entry
    from reader.glossary.matching import TermMatcher

Status = Literal["applied", "missing", "forbidden"]
SEARCH_LIMIT = 20_000  # assignment steps before falling back to a greedy choice (~30 ms)


class Term(Protocol):
    """A term occurrence to check (enforcement.SentenceTerm is one)."""

    @property
    def entry(self) -> Entry: ...
    @property
    def surface(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def rendering(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    en_start: int = -1  # span in the English (of the forbidden form for "forbidden"), or -1
    en_end: int = -1
    form: str = ""  # the rendering, accepted or forbidden form that matched
    reason: str = ""


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    form: str
    kind: str  # "required", "accepted" or "forbidden"
    exact: bool  # the words as written (not an inflection)


def check_english(english: str, terms: Sequence[Term], source_length: int = 0) -> list[Verdict]:
    """A verdict for each term occurrence, in the order given (see the module docstring).
    `source_length` is the length of the Chinese the `start`s are offsets in (default: where
    the last term ends), for positions relative to the text."""
    if not terms:
        return []
    length = max(source_length, max(t.start + len(t.surface) for t in terms), 1)
    where = [t.start / length for t in terms]
    size = max(len(english), 1)
    options = [_spans(english, _renderings(t)) for t in terms]
    chosen = _assign(options, where, size)
    verdicts: list[Verdict | None] = [None] * len(terms)
    used: list[tuple[int, int]] = []
    for index, span in enumerate(chosen):
        if span is not None:
            verdicts[index] = _applied(english, span)
            used.append((span.start, span.end))
    missing = [i for i, v in enumerate(verdicts) if v is None]
    forbidden = [
        [s for s in _spans(english, [(f, "forbidden") for f in terms[i].entry.forbidden])]
        for i in missing
    ]
    free = [[s for s in spans if not _overlaps((s.start, s.end), used)] for spans in forbidden]
    bad = _assign(free, [where[i] for i in missing], size)
    for i, span, candidates in zip(missing, bad, forbidden, strict=True):
        if span is not None:
            verdicts[i] = Verdict(
                "forbidden",
                span.start,
                span.end,
                span.form,
                f'forbidden form "{span.form}" at {span.start}-{span.end}: '
                f'"{english[span.start : span.end]}"',
            )
        else:
            verdicts[i] = Verdict("missing", reason=_why_missing(terms[i], options[i], candidates))
    return [v for v in verdicts if v is not None]


@dataclass(frozen=True, slots=True)
class Checked:
    """One term occurrence in a Chinese text and the verdict on its English."""

    entry: Entry
    start: int  # span in the Chinese as written
    end: int
    surface: str
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class _Found:
    entry: Entry
    surface: str
    start: int  # in the Simplified text
    rendering: str


def check_pair(chinese: str, english: str, matcher: TermMatcher) -> list[Checked]:
    """Every glossary term of `chinese` with its verdict on `english` (a human translation or
    a post-edit): the one checker behind `reader check`, the TUI and export."""
    from reader.translation.enforcement import rendering_for  # cycle: enforcement imports checking

    paragraph = paragraph_from_text(chinese)
    hits = matcher.find(paragraph)
    found = []
    for hit in hits:
        start = paragraph.to_original.index(hit.start) if hit.start in paragraph.to_original else 0
        found.append(_Found(hit.entry, hit.surface, start, rendering_for(hit.entry, hit.surface)))
    verdicts = check_english(english, found, len(paragraph.simplified))
    return [
        Checked(h.entry, h.start, h.end, h.surface, v) for h, v in zip(hits, verdicts, strict=True)
    ]


def _renderings(term: Term) -> list[tuple[str, str]]:
    entry = term.entry
    if entry.dnt:  # the Chinese with pinyin, or the Chinese alone
        return [(term.rendering, "required"), (term.surface or entry.zh, "accepted")]
    return [(entry.en, "required"), *((a, "accepted") for a in entry.accept)]


def _applied(english: str, span: _Span) -> Verdict:
    text = english[span.start : span.end]
    how = "required rendering" if span.kind == "required" else "accepted form"
    if not span.exact:
        how = f"inflection of the {how}"
    reason = f'"{text}" at {span.start}-{span.end}: {how} "{span.form}"'
    return Verdict("applied", span.start, span.end, span.form, reason)


def _why_missing(term: Term, options: list[_Span], forbidden: list[_Span]) -> str:
    forms = " | ".join(f for f, _ in _renderings(term))
    if options:
        return f"every match of {forms} serves another occurrence"
    return f"none of {forms} in the English"


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def _spans(english: str, forms: list[tuple[str, str]]) -> list[_Span]:
    """Every match of every form, except those inside a longer match ("control" inside
    "prevention and control": the longer one is the rendering)."""
    found: dict[tuple[int, int], _Span] = {}
    plain = plain_hyphens(english)
    for form, kind in forms:
        for match in form_pattern(form).compiled.finditer(plain):
            key = (match.start(), match.end())
            if key[0] == key[1]:  # an empty match explains nothing
                continue
            if key not in found:
                # compiled only for a form that matches (0.1 ms a form): most never do
                exact = form_pattern(form, inflect=False).compiled.fullmatch(match.group())
                found[key] = _Span(*key, form, kind, exact is not None)
    spans = sorted(found.values(), key=lambda s: (s.start, -(s.end - s.start)))
    return [
        s
        for s in spans
        if not any(o is not s and o.start <= s.start and s.end <= o.end for o in spans)
    ]


def _assign(options: list[list[_Span]], where: list[float], size: int) -> list[_Span | None]:
    """The assignment of non-overlapping spans to occurrences that explains the most of them,
    then keeps the English closest to the Chinese order (exhaustive search, bounded)."""
    n = len(options)
    best: list[_Span | None] = [None] * n
    best_key = (0, 0.0)
    steps = 0
    order = sorted(range(n), key=lambda i: len(options[i]))  # the most constrained first
    current: list[_Span | None] = [None] * n
    taken: list[tuple[int, int]] = []

    def cost(i: int, span: _Span) -> float:
        return abs(where[i] - span.start / size)

    def walk(k: int, count: int, distance: float) -> None:
        nonlocal best, best_key, steps
        steps += 1
        if steps > SEARCH_LIMIT:
            return
        remaining = sum(1 for i in order[k:] if options[i])
        if count + remaining < best_key[0]:
            return
        if k == n:
            key = (count, -distance)
            if key > best_key:
                best, best_key = list(current), key
            return
        i = order[k]
        for span in sorted(options[i], key=lambda s: cost(i, s)):
            if not _overlaps((span.start, span.end), taken):
                current[i] = span
                taken.append((span.start, span.end))
                walk(k + 1, count + 1, distance + cost(i, span))
                taken.pop()
                current[i] = None
        walk(k + 1, count, distance)

    walk(0, 0, 0.0)
    return best


# --- comparing words ---------------------------------------------------------------------------

_IRREGULAR = {
    "set": ("sets", "setting"),
    "take": ("takes", "took", "taken", "taking"),
    "fight": ("fights", "fought", "fighting"),
    "hold": ("holds", "held", "holding"),
    "build": ("builds", "built", "building"),
    "keep": ("keeps", "kept", "keeping"),
    "make": ("makes", "made", "making"),
    "win": ("wins", "won", "winning"),
    "put": ("puts", "putting"),
    "run": ("runs", "ran", "running"),
    "go": ("goes", "went", "gone", "going"),
    "bring": ("brings", "brought", "bringing"),
    "lead": ("leads", "led", "leading"),
    "give": ("gives", "gave", "given", "giving"),
    "spread": ("spreads", "spreading"),
}
_VOWELS = "aeiou"
_SMALL_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "as"}
) | {"is", "it", "its", "us", "we", "he", "be", "no", "so", "if", "up"}


def inflections(word: str, noun: bool = False) -> set[str]:
    """The word and its regular (and a few irregular) English inflections, lower case:
    resume → resumes, resumed, resuming; contacts → contact; policy → policies. A `noun` (a
    capitalised word of a rendering: Party, Commission) takes only its plural. Any word, of any
    length or script, gives at least itself; only the rules' own suffixes are looked at, so a
    stem of one or two letters ("its" → "it") is never indexed past its start."""
    w = word.lower()
    if len(w) < 3 or w in _SMALL_WORDS or not w.isalpha() or not w.isascii():
        plural = w.isascii() and w.isalpha() and len(w) > 1 and w not in _SMALL_WORDS
        return {w} | ({w + "s"} if plural else set())
    stems = {w}
    if w.endswith("ies") and len(w) > 3:
        stems.add(w[:-3] + "y")
    elif w.endswith(("ses", "xes", "ches", "shes", "zes")):
        stems.add(w[:-2])
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):  # bus, status, basis: no stem
        stems.add(w[:-1])
    forms = set(stems)
    if noun:
        for stem in stems:
            if _consonant_y(stem):
                forms.add(stem[:-1] + "ies")
            else:
                forms.add(stem + ("es" if stem.endswith(("s", "x", "ch", "sh", "z")) else "s"))
        return forms
    for stem in stems:
        forms |= set(_IRREGULAR.get(stem, ()))
        if stem.endswith("e"):
            forms |= {stem + "s", stem + "d", stem[:-1] + "ing"}
        elif _consonant_y(stem):
            forms |= {stem[:-1] + "ies", stem[:-1] + "ied", stem + "ing"}
        elif stem.endswith(("s", "x", "ch", "sh", "z")):
            forms |= {stem + "es", stem + "ed", stem + "ing"}
        else:
            forms |= {stem + "s", stem + "ed", stem + "ing"}
            if _doubles(stem):  # stop → stopped, plan → planning
                forms |= {stem + stem[-1] + "ed", stem + stem[-1] + "ing"}
    return forms


def _consonant_y(stem: str) -> bool:
    """policy → policies, but day → days and a bare "y" → "ys"."""
    return len(stem) >= 2 and stem.endswith("y") and stem[-2] not in _VOWELS


def _doubles(stem: str) -> bool:
    """A short consonant-vowel-consonant stem doubles its last letter (stop, plan); stems of
    fewer than three letters never do here ("it" → "its", not "itted")."""
    return (
        3 <= len(stem) <= 5
        and stem[-1] not in _VOWELS + "wxy"
        and stem[-2] in _VOWELS
        and stem[-3] not in _VOWELS
    )


_HYPHENS = "-‐‑–"
_HY = r"\-‐‑–"  # the same, for a character class (to split a form into words)
_PLAIN = str.maketrans(dict.fromkeys(_HYPHENS[1:], "-"))
# over plain_hyphens(text), so every hyphen is "-"
_BEFORE = r"(?<![\w\-])"  # not inside a word or a hyphenated compound
_AFTER = r"(?:['’]s|['’])?(?![\w])(?!\-\w)"


def plain_hyphens(text: str) -> str:
    """`text` with each of the four hyphens as "-": one character for one, so offsets stay the
    text's and the patterns need only "-". re compiles a class of the four into a bitmap of
    64K characters, 0.09 ms more than one of "-"; with up to 8 such classes in a form's two
    patterns, the shipped glossary's forms compiled in 1.7 s, now 0.5 s."""
    return text.translate(_PLAIN)


@dataclass(frozen=True, slots=True)
class FormPattern:
    """A form's pattern, searched in the text as written: the spans are the text's, the matched
    strings those of plain_hyphens(text)."""

    compiled: re.Pattern[str]  # over plain_hyphens(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(plain_hyphens(text))

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(plain_hyphens(text))

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.compiled.fullmatch(plain_hyphens(text))


@lru_cache(maxsize=4096)
def form_pattern(form: str, inflect: bool = True) -> FormPattern:
    """A case-insensitive, whole-word pattern for an English form (see the module docstring).
    With `inflect`, each word may take any of its `inflections`."""
    return FormPattern(re.compile(_form_regex(form, inflect), re.IGNORECASE))


def _form_regex(form: str, inflect: bool) -> str:
    parts = re.findall(rf"\w+|[{_HY}]|[^\w\s]", form)
    if not parts:
        return r"(?!x)x"
    body: list[str] = []
    for index, part in enumerate(parts):
        if part in _HYPHENS:
            between = 0 < index < len(parts) - 1 and not {parts[index - 1], parts[index + 1]} & set(
                _HYPHENS
            )
            # a hyphen between words: "zero COVID" is fine; at an edge or doubled it is itself
            # (a bare "[\s-]*" would match the empty string anywhere: "-" applied everywhere)
            # (with spaces either side inside the form, as in "0 -", "- 0" or "a - -": the
            # form's own spacing, which re.findall drops)
            spaced = index and not body[-1].endswith(r"\s*")  # one \s* between two hyphens
            inside = (r"\s*" if spaced else "", r"\s*" if index < len(parts) - 1 else "")
            body.append(r"[\s\-]*" if between else f"{inside[0]}\\-{inside[1]}")
            continue
        if index and parts[index - 1] not in _HYPHENS:
            word_before = re.match(r"\w", parts[index - 1]) is not None
            word_here = re.match(r"\w", part) is not None
            body.append(r"[\s\-]+" if word_before and word_here else r"\s*")
        if re.fullmatch(r"\w+", part) and inflect and not part.isupper():
            # the word as written too: lower() may change a letter's length (İ → i̇), and
            # IGNORECASE compares letter by letter
            forms = inflections(part, part[0].isupper()) | {part}
            body.append(_alternation(sorted(forms, key=len, reverse=True)))
        else:
            body.append(re.escape(part))
    pattern = "".join(body)
    if re.match(r"\w", parts[0]):
        pattern = _BEFORE + pattern
    if re.match(r"\w", parts[-1][-1]):
        pattern += _AFTER
    return pattern


def _alternation(words: list[str]) -> str:
    """`(?:w1|w2|…)` in this order, their common prefix written once: re's parser takes it out
    of the branch anyway, but parsing it once per word is most of a form's compile time."""
    stem = os.path.commonprefix(words)  # noqa: RUF071 -- letters, not paths, are wanted
    rests = "|".join(re.escape(w[len(stem) :]) for w in words)
    return f"{re.escape(stem)}(?:{rests})"
