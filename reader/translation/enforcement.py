"""Glossary enforcement for one sentence: protect the terms, translate, verify, repair.

Guarantees:
- Every term occurrence gets a status: "applied" (the rendering is in the output as the engine
  gave it), "repaired" (it is there because a repair step put it there), "missing", or
  "forbidden" (a forbidden rendering appears and the required one does not). With repair on
  (the default) the last rung always succeeds, so only a human text or a changed glossary
  verified against a stored translation can end "missing" or "forbidden".
- Verification is reader.translation.checking's: renderings assigned to occurrences as a
  matching problem, case- and inflection-aware, whole words; any `accept` rendering counts.
- `dnt` terms render as the Chinese as written plus tone-marked pinyin: `联防联控 (lián fáng lián
  kòng)`, and are always protected by a placeholder (an inline Chinese term would be translated).

Two protection modes, both selectable:
- "placeholder": each term is replaced in the source by a token (`XTERM0X`), the engine copies
  it, and the token is replaced by the rendering. A token the engine mangled (spaces inserted,
  case changed, brackets or the trailing letter lost, glued to a word) is still found; a
  duplicated one is deduplicated. What is left of one the engine broke apart (`XTERM maintainX`:
  its number translated as a word; a tail `X` glued to a word; `TERM`) never reaches the
  English: it takes the rendering of a lost term when the term can be told (its number
  survived, or as many such heads as lost terms, in order), else it is removed and the
  sentence flagged ("placeholder", reader.translation.results).
- "inline": the English rendering replaces the Chinese in the source and the engine is
  trusted to carry it through.

Repair ladder for a term still missing: (1) restore a mangled or duplicated placeholder;
(2) the first of the engine's n-best hypotheses (n=6) that holds every rendering;
(3) force it with `target_prefix` = output up to the aligned position + the rendering;
(4) splice: replace a forbidden rendering in place, else append `(A; B)` before the final
punctuation (a mid-sentence splice at a guessed position reads as garbled English).

Measured by tests/test_enforcement.py::test_measure_protection_modes (30 seed sentences holding
shipped-glossary terms, 93 occurrences), occurrences applied before the repair ladder:
    engine        placeholder XTERM0X   placeholder ⟦T0⟧   placeholder __T0__   inline
    gloss         93/93                 93/93              93/93                93/93
    tiny Argos     0/93                  0/93               0/93                 0/93
The gloss engine passes all non-Han text through; the tiny model has random weights and copies
nothing, so every occurrence goes through the ladder (93/93 end applied or repaired in every
mode). No trained model can be fetched here, so the choice rests on reasoning, to re-measure
with a real package: placeholder mode is the default because its statuses are exact (a token is
found or not) while inline mode cannot tell the engine's own wording from the one it was given;
the token is Latin letters and digits, pieces every English-side vocabulary holds, whereas a
bracket like `⟦` outside a model's vocabulary decodes as `<unk>`, and argostranslate itself
turns `_` into spaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from reader.translation.checking import check_english
from reader.translation.degenerate import degenerate_reason
from reader.translation.results import Flag

if TYPE_CHECKING:
    from reader.glossary.file import Entry
    from reader.translation.engines.base import TranslationEngine
    from reader.translation.review import TermStatusName

Protect = Literal["placeholder", "inline"]
PROTECT_MODES: tuple[Protect, ...] = ("placeholder", "inline")
DEFAULT_PROTECT: Protect = "placeholder"
BUDGET_SPENT = "not retried: retry budget spent"
NBEST = 6  # hypotheses asked for when repairing; 4–8 is where new renderings still show up

TOKEN = "XTERM{}X"  # see the module docstring for why a Latin token


@dataclass(frozen=True, slots=True)
class SentenceTerm:
    """One glossary term occurrence in a sentence, as offsets in the engine's source text."""

    start: int  # span in the unprotected (Simplified) sentence
    end: int
    entry: Entry
    surface: str  # characters as written in the original (for dnt)

    @property
    def rendering(self) -> str:
        return rendering_for(self.entry, self.surface)


@dataclass(slots=True)
class Protected:
    """A sentence ready for the engine: its protected source and where each term went."""

    original: str  # the unprotected sentence
    source: str  # what the engine receives
    terms: list[SentenceTerm]
    tokens: list[str]  # the placeholder of each term, "" where the rendering went inline
    positions: list[float]  # each term's relative position in the source (0..1), for alignment


@dataclass(frozen=True, slots=True)
class TermCheck:
    status: TermStatusName
    en_start: int = -1  # span in the English of the rendering (of the forbidden one when
    en_end: int = -1  # the status is "forbidden"), -1 when absent


@dataclass(slots=True)
class Enforced:
    english: str
    checks: list[TermCheck]  # one per term, in source order
    flag: Flag | None = None  # why the English is not to be trusted (degenerate, remnants)
    steps: list[str] = field(default_factory=list)  # repair steps taken, for debugging


@dataclass(slots=True)
class Restored:
    """The engine's output with its placeholders replaced by renderings."""

    english: str
    repaired: set[int]  # terms whose placeholder was found only mangled, or duplicated
    remnants: list[str]  # pieces of placeholders that no term could take: removed, unrepaired


def rendering_for(entry: Entry, surface: str = "") -> str:
    """What the English must contain for this entry: `en`, or Chinese plus pinyin for dnt."""
    if not entry.dnt:
        return entry.en
    chinese = surface or entry.zh
    return f"{chinese} ({pinyin(chinese)})"


def pinyin(text: str) -> str:
    try:
        from reader.dictionary import pinyin as dictionary_pinyin
    except ImportError:  # pragma: no cover - reader.dictionary is part of the package
        from pypinyin import Style, lazy_pinyin  # pypinyin: ~0.2 s on first import

        return " ".join(lazy_pinyin(text, style=Style.TONE))
    return dictionary_pinyin(text)


# --- protection -------------------------------------------------------------------------------


def protect(text: str, terms: Sequence[SentenceTerm], mode: Protect) -> Protected:
    """Replace each term in `text` by a placeholder (or inline English) for the engine."""
    if mode not in PROTECT_MODES:
        raise ValueError(f"unknown protection mode {mode!r}")
    pieces: list[str] = []
    tokens: list[str] = []
    positions: list[float] = []
    pos = 0
    for index, term in enumerate(terms):
        pieces.append(text[pos : term.start])
        positions.append(term.start / max(len(text), 1))
        if mode == "inline" and not term.entry.dnt:
            # spaces keep the English a separate piece for the tokenizer
            pieces.append(f" {term.rendering} ")
            tokens.append("")
        else:
            # glued to the Chinese: a space is a piece of its own (`▁`), two per placeholder
            # (bench/translate_speed.py, CPU time (c)/(c0), the glossary's cost over none:
            # 1.37 spaced, 1.17 and 1.29 in two runs glued; decoded tokens +33% -> +16%);
            # spaced from Latin text, digits and another placeholder: the number stays its own
            token = TOKEN.format(index)
            gap = text[pos : term.start]
            left = " " if _ascii_word(gap[-1:]) or (not gap and index) else ""
            right = " " if _ascii_word(text[term.end : term.end + 1]) else ""
            pieces.append(f"{left}{token}{right}")
            tokens.append(token)
        pos = term.end
    pieces.append(text[pos:])
    source = re.sub(r" {2,}", " ", "".join(pieces)).strip()
    return Protected(text, source, list(terms), tokens, positions)


# --- restoring placeholders -------------------------------------------------------------------


def restore(protected: Protected, output: str) -> tuple[str, set[int]]:
    """Replace placeholders in the engine's output by renderings.

    Returns the English and the indexes of terms whose placeholder had to be repaired
    (found only in a mangled form, or duplicated, or put back in place of its remnants)."""
    restored = restore_remnants(protected, output)
    return restored.english, restored.repaired


def restore_remnants(protected: Protected, output: str) -> Restored:
    """`restore`, saying also which pieces of placeholders were left over.

    One pass over the output finds every placeholder, whatever its number, so the cost is
    linear in the output (a regex per placeholder over the whole output took 44 of 68 s on a
    40,000-character sentence). What is left of a placeholder the engine broke apart
    (`XTERM maintainX`: its number translated as a word; `TERM`; a tail `X` glued to a word)
    never reaches the English: a remnant holding a head is given the rendering of a term
    whose placeholder is missing when that term can be told (its number survived, or as many
    heads as missing terms, taken in order), and every other piece is removed and reported
    in `Restored.remnants`."""
    repaired: set[int] = set()
    spans: list[tuple[int, int, int]] = []  # (start, end, term index) of each placeholder
    index_of = {token: i for i, token in enumerate(protected.tokens) if token}
    if index_of:
        # brackets the source itself put around a term (【】 → []) are the sentence's, not
        # mangling, so they stay in the English
        bracketed = {m.group(1).upper() for m in _BRACKETED.finditer(protected.source)}
        for m in _PLACEHOLDER.finditer(output):
            token = TOKEN.format(int(m.group("number")))
            index = index_of.get(token)
            if index is None:
                continue
            start, end = m.start(), m.end()
            if token in bracketed:
                while start < end and output[start] in _SQUARE:
                    start += 1
                while end > start and output[end - 1] in _SQUARE:
                    end -= 1
            if output[start:end] != token:
                repaired.add(index)
            spans.append((start, end, index))
    remnants: list[str] = []
    if index_of:
        spans, remnants = _remnants(protected, output, spans, index_of, repaired)
    english: list[str] = []
    pos = 0
    used: set[int] = set()
    for start, end, index in spans:
        english.append(output[pos:start])
        if index < 0:  # a remnant no term could take
            pass
        elif index in used:  # the first copy gets the rendering, duplicates are dropped
            repaired.add(index)
        else:
            rendering = protected.terms[index].rendering
            if start == 0 and not protected.terms[index].entry.dnt:
                rendering = rendering[:1].upper() + rendering[1:]
            # a placeholder glued to an English word (`theXTERM0X`) is a word of its own, and
            # English punctuation keeps its space (`said,XTERM0X(village)`: placeholders are
            # glued to the Chinese, and the Chinese punctuation becomes English)
            if start > 0 and (_ascii_word(output[start - 1]) or output[start - 1] in ",;:!?"):
                rendering = " " + rendering
            if end < len(output) and (_ascii_word(output[end]) or output[end] == "("):
                rendering += " "
            english.append(rendering)
            used.add(index)
        pos = end
    english.append(output[pos:])
    text = "".join(english)
    # collapse an inline rendering the engine repeated back to back (one pass per distinct
    # rendering; a sentence holds a handful)
    inline: dict[str, list[int]] = {}
    for index, term in enumerate(protected.terms):
        if not protected.tokens[index]:
            inline.setdefault(term.rendering, []).append(index)
    for rendering, indexes in inline.items():
        pattern = rendering_pattern(rendering)
        doubled = re.compile(f"({pattern.pattern})(?:\\s*[,;]?\\s*{pattern.pattern})+", re.I)
        text, n = doubled.subn(lambda m: m.group(1), text)
        if n:
            repaired.update(indexes)
    return Restored(tidy(text), repaired, remnants)


# `XTERM0X` as an engine may mangle it: `X TERM 0 X`, `xterm0x`, `XTERM0`, `[XTERM0X]`; never
# parentheses: a term in （） in the source keeps them in the English
_SEP = r"[\s_\-]*"
_HEAD, _TAIL = TOKEN.split("{}")
_PLACEHOLDER = re.compile(
    r"[\[\]⟦⟧【】<>«»_]*"
    + _SEP.join(_HEAD)
    + _SEP
    + r"(?P<number>\d+)"
    # the tail right after the number even when a word follows (`XTERM0Xand`); after a space
    # only when it is no word's first letter (`XTERM0 Xi Jinping`)
    + f"(?:{_SEP.join(_TAIL)}|{_SEP}{_SEP.join(_TAIL)}(?![A-Za-z]))?"
    + r"[\[\]⟦⟧【】<>«»_]*",
    re.IGNORECASE,
)
_BRACKETED = re.compile(rf"[\[【]\s*({_HEAD}\d+{_TAIL})\s*[\]】]")
_SQUARE = "[]【】"

# What an engine leaves of `XTERM0X` when it breaks it apart (the piecewise test model with
# 64-dimensional position heads, tests/test_remnants.py: 'XTERM' followed by a word where the
# number was, a tail 'X' glued to a word, 'TERM', a lone 'X'). Matched case-sensitively, whole
# (not inside a capitalised word such as INTERMEDIATE), but the full head in any case.
_HEAD_PARTS = sorted(
    {_HEAD[i:j] for i in range(len(_HEAD)) for j in range(i + 3, len(_HEAD) + 1)} - {_HEAD},
    key=len,
    reverse=True,
)
_REMNANT = re.compile(
    # not inside a capitalised word, but right after another remnant (`XTERMXTERM`)
    f"(?:(?<![A-Z])|(?<={re.escape(_HEAD[-1])})"
    + (f"|(?<={re.escape(_TAIL)}))" if _TAIL else ")")
    + (f"(?:{re.escape(_TAIL)})*" if _TAIL else "")  # a doubled tail before it: XXTERMXX
    + r"(?P<head>(?i:"
    + re.escape(_HEAD)
    + ")"
    + "".join(f"|{re.escape(part)}" for part in _HEAD_PARTS)
    + ")"
    # not in a capital word (TERMINAL), but another remnant may follow (XTERMTERM, TERMX)
    + "(?:(?![A-Z])|(?="
    + "|".join(re.escape(form) for form in ([_TAIL] if _TAIL else []) + [_HEAD, *_HEAD_PARTS])
    + "))"
    + r"(?:[\s_\-]*(?P<number>\d+))?"
    + (rf"(?:\s*[a-z]{{0,20}}(?:{re.escape(_TAIL)})+(?![A-Za-z]))?" if _TAIL else "")
    + (
        rf"|(?P<tail>(?<=[a-z0-9]){re.escape(_TAIL)}(?![A-Za-z0-9])"
        rf"|(?<![\w]){re.escape(_TAIL)}(?![\w\-]))"
        if _TAIL
        else ""
    )
)


def _remnants(
    protected: Protected,
    output: str,
    spans: list[tuple[int, int, int]],
    index_of: dict[str, int],
    repaired: set[int],
) -> tuple[list[tuple[int, int, int]], list[str]]:
    """The placeholder spans with the remnants between them added: a remnant given to a term
    carries its index, one removed carries -1. Returns them and the remnants that leave a
    placeholder's term unplaced (the sentence then lost what they stood for)."""
    placed = {index for _, _, index in spans}
    missing = [i for i in index_of.values() if i not in placed]  # in source order
    found: list[tuple[int, int, re.Match[str]]] = []
    bounds = [(0, 0, -1), *sorted(spans), (len(output), len(output), -1)]
    for (_, gap_start, _), (gap_end, _, _) in pairwise(bounds):
        for m in _REMNANT.finditer(output, gap_start, gap_end):
            piece = m.group(0).strip()
            # the sentence's own Latin text (XX书记 → "XX", a model name) is not a remnant
            if piece and piece not in protected.original:
                found.append((m.start(), m.end(), m))
    if not found:
        return spans, []
    heads = [(start, end, m) for start, end, m in found if m.group("head")]
    given: dict[int, int] = {}  # start of a head remnant -> the term it is given
    for start, _, m in heads:
        number = m.group("number")
        index = index_of.get(TOKEN.format(int(number))) if number else None
        if index is not None and index in missing:
            given[start] = index
            missing.remove(index)
    unnumbered = [start for start, _, _ in heads if start not in given]
    if unnumbered and len(unnumbered) == len(missing):  # as many heads as lost terms: in order
        given |= dict(zip(unnumbered, missing, strict=True))
        missing = []
    repaired.update(given.values())
    spans = sorted(spans + [(start, end, given.get(start, -1)) for start, end, _ in found])
    lost = [m.group(0).strip() for start, _, m in found if start not in given] if missing else []
    return spans, lost


def _ascii_word(char: str) -> bool:
    return len(char) == 1 and char.isascii() and char.isalnum()


def tidy(text: str) -> str:
    """Spaces left by removed or substituted placeholders."""
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r" +([,.;:!?)\]])", r"\1", text)
    text = re.sub(r"([(\[]) +", r"\1", text)
    return text.strip()


# --- verification -----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def rendering_pattern(rendering: str) -> re.Pattern[str]:
    """A case-insensitive pattern for `rendering`, tolerant of spacing, hyphens and plurals."""
    parts = re.findall(r"\w+|[^\w\s]", rendering)
    if not parts:
        return re.compile(r"(?!x)x")
    sep = r"[\s\-‐‑–—]*"
    body = sep.join(re.escape(p) for p in parts)
    if parts[0][0].isalnum():
        body = r"(?<!\w)" + body
    if parts[-1][-1].isalnum():
        body += r"(?:'s|s|es)?(?!\w)"
    return re.compile(body, re.IGNORECASE)


def verify(english: str, terms: Sequence[SentenceTerm]) -> list[TermCheck]:
    """Check each term against the English: applied, missing or forbidden (no repairs); the
    rules are reader.translation.checking's."""
    return [TermCheck(v.status, v.en_start, v.en_end) for v in check_english(english, terms)]


# --- the ladder -------------------------------------------------------------------------------


def enforce(
    engine: TranslationEngine,
    protected: Protected,
    output: str,
    *,
    repair: bool = True,
    degenerate: Callable[[str, str], str | None] = degenerate_reason,
    allowed: Callable[[], bool] = lambda: True,
) -> Enforced:
    """Turn the engine's output for a protected sentence into checked English.

    Retries a degenerate output with n-best hypotheses and then clause by clause before
    enforcing terms; `Enforced.flag` says why when every attempt was unusable, or when
    pieces of a placeholder were left that no term could take (removed from the English).
    Each call to the engine is made only while `allowed()` (the pipeline's retry budget):
    past it, a degenerate output is kept and flagged and missing terms are spliced."""
    steps: list[str] = []
    restored = restore_remnants(protected, output)
    english, repaired = restored.english, restored.repaired
    reason = _degenerate(protected, english, degenerate)
    if reason:
        if allowed():
            restored, reason = _retry_degenerate(
                engine, protected, restored, reason, degenerate, steps, allowed
            )
            english, repaired = restored.english, restored.repaired
        else:
            reason += f" ({BUDGET_SPENT})"
    remnants = restored.remnants
    checks = verify(english, protected.terms)
    if not repair or all(c.status == "applied" for c in checks):
        return Enforced(english, _label(checks, repaired), _flag(reason, remnants), steps)
    initially_missing = {i for i, c in enumerate(checks) if c.status != "applied"}
    nbest = getattr(engine, "translate_nbest", None)

    if nbest is not None and reason is None and allowed():
        for hypothesis in nbest(protected.source, NBEST):
            candidate = restore_remnants(protected, hypothesis)
            candidate_checks = verify(candidate.english, protected.terms)
            if (
                all(c.status == "applied" for c in candidate_checks)
                and not candidate.remnants
                and not _degenerate(protected, candidate.english, degenerate)
            ):
                steps.append("n-best")
                repaired |= candidate.repaired | initially_missing
                return Enforced(candidate.english, _label(candidate_checks, repaired), None, steps)

    if nbest is not None and reason is None:
        for index in sorted(initially_missing, key=lambda i: protected.terms[i].start):
            if checks[index].status == "applied" or not allowed():
                continue
            prefix = _prefix_before(english, protected.positions[index])
            rendering = protected.terms[index].rendering
            forced = f"{prefix} {rendering}" if prefix else rendering[:1].upper() + rendering[1:]
            hypotheses = nbest(protected.source, 1, target_prefix=forced)
            if not hypotheses:
                continue
            candidate = restore_remnants(protected, hypotheses[0])
            candidate_checks = verify(candidate.english, protected.terms)
            applied = sum(c.status == "applied" for c in checks)
            if (
                candidate_checks[index].status == "applied"
                and sum(c.status == "applied" for c in candidate_checks) > applied
                and not _degenerate(protected, candidate.english, degenerate)
            ):
                steps.append(f"prefix {index}")
                english, checks = candidate.english, candidate_checks
                repaired |= candidate.repaired
                remnants = candidate.remnants

    # forbidden renderings are replaced where they stand, last first so spans stay valid
    forbidden = [i for i in initially_missing if checks[i].status == "forbidden"]
    for index in sorted(forbidden, key=lambda i: -checks[i].en_start):
        check = checks[index]
        rendering = protected.terms[index].rendering
        english = english[: check.en_start] + rendering + english[check.en_end :]
        steps.append(f"splice {index}")
    if forbidden:
        checks = verify(english, protected.terms)
    # the rest go together in one parenthesis, in source order: (A; B)
    missing = [i for i in sorted(initially_missing) if checks[i].status != "applied"]
    if missing:
        english = _append(english, [protected.terms[i].rendering for i in missing])
        steps += [f"splice {i}" for i in missing]
        checks = verify(english, protected.terms)
    repaired |= initially_missing
    return Enforced(english, _label(checks, repaired), _flag(reason, remnants), steps)


def _flag(degenerate: str | None, remnants: list[str]) -> Flag | None:
    """One flag per sentence: the guard's verdict first, else the remnants removed."""
    if degenerate:
        return Flag("degenerate", degenerate)
    if remnants:
        quoted = ", ".join(f"'{piece}'" for piece in dict.fromkeys(remnants))
        return Flag("placeholder", f"{quoted} removed, a term's place in the English lost")
    return None


def _label(checks: list[TermCheck], repaired: set[int]) -> list[TermCheck]:
    return [
        TermCheck("repaired", c.en_start, c.en_end)
        if c.status == "applied" and i in repaired
        else c
        for i, c in enumerate(checks)
    ]


def _degenerate(
    protected: Protected, english: str, degenerate: Callable[[str, str], str | None]
) -> str | None:
    """The guard's verdict on what the engine wrote, without the glossary's terms: a long
    rendering of a short term is not "too long", and a dnt term's Chinese is not "untranslated".
    """
    source = protected.original
    for term in sorted(protected.terms, key=lambda t: -t.start):
        source = source[: term.start] + source[term.end :]
        english = rendering_pattern(term.rendering).sub("", english, count=1)
    if not source.strip():
        return None
    return degenerate(source, english)


def degenerate_output(
    protected: Protected,
    output: str,
    degenerate: Callable[[str, str], str | None] = degenerate_reason,
) -> str | None:
    """Why the engine's raw output for a protected sentence is unusable, or None."""
    return _degenerate(protected, restore(protected, output)[0], degenerate)


def _retry_degenerate(
    engine: TranslationEngine,
    protected: Protected,
    restored: Restored,
    reason: str,
    degenerate: Callable[[str, str], str | None],
    steps: list[str],
    allowed: Callable[[], bool],
) -> tuple[Restored, str | None]:
    """Another try for an unusable output: n-best alternatives, then clause by clause."""
    nbest = getattr(engine, "translate_nbest", None)
    if nbest is not None:
        for hypothesis in nbest(protected.source, NBEST)[1:]:
            candidate = restore_remnants(protected, hypothesis)
            if not _degenerate(protected, candidate.english, degenerate):
                steps.append("degenerate: n-best")
                return candidate, None
    # decoders loop on long inputs: shorter clauses (split at ，；：) rarely do
    clauses = [c for c in re.split(r"(?<=[，；：,;:])", protected.source) if c.strip()]
    if len(clauses) > 1 and allowed():
        outputs = engine.translate_batch(clauses)
        candidate = restore_remnants(protected, " ".join(o.strip() for o in outputs))
        if not _degenerate(protected, candidate.english, degenerate):
            steps.append("degenerate: clauses")
            return candidate, None
    return restored, reason


def _prefix_before(english: str, position: float) -> str:
    """The English up to the word boundary nearest to a relative source position."""
    cut = round(position * len(english))
    if cut <= 0:
        return ""
    space = english.rfind(" ", 0, cut + 1)
    return english[:space].rstrip() if space > 0 else ""


_FINAL_PUNCT = re.compile(r"[\s.!?;:。！？”\"']*$")


def _append(english: str, renderings: list[str]) -> str:
    """The renderings in parentheses before the sentence's final punctuation."""
    # a dnt rendering reads (联防联控, lián fáng lián kòng) rather than nesting parentheses
    inner = "; ".join(r[:-1].replace(" (", ", ", 1) if r.endswith(")") else r for r in renderings)
    if not english.strip():
        return inner
    end = _FINAL_PUNCT.search(english)
    cut = end.start() if end else len(english)
    return f"{english[:cut]} ({inner}){english[cut:]}"
