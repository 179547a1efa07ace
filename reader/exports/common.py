"""What every export format shares: names, languages, term spans and the term summary.

Guarantees:
- `term_spans` never returns overlapping or out-of-range spans: a stale or overlapping span
  (the text was edited after the check) is left unmarked rather than garbling the text.
- `term_summary` counts each term once per occurrence, in the same order for every format:
  most frequent first, then by the Chinese.
- Language tags: `zh_lang` is the BCP 47 script tag HTML and EPUB want (zh-Hans / zh-Hant);
  `zh_locale` is the region tag CAT tools expect in TMX (zh-CN / zh-TW).
- A flagged sentence (`reader.translation.results.Flag`) is marked in every format the same
  way: class `FLAG_CLASS` with the reason as its title and the visible mark `FLAG_MARK` in
  HTML, EPUB and Markdown; `x-status` "flagged" in TMX (or left out).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reader import __version__
from reader.documents.document import Document
from reader.translation.pipeline import ParagraphTranslation, TermOccurrence
from reader.translation.results import Flag

TOOL = "reader"
GLOSS_ENGINE = "gloss"  # GlossEngine.name, not imported: exports need no dictionary
TOOL_VERSION = __version__
STATUSES = ("applied", "repaired", "missing", "forbidden")
STATUS_MEANING = {
    "applied": "the translation used the glossary rendering",
    "repaired": "the rendering was put in after the engine missed it",
    "missing": "the rendering is not in the translation",
    "forbidden": "the translation uses a rendering the glossary forbids",
    "found": "not checked yet (no translation)",
}


FLAG_CLASS = "reader-flagged"
FLAG_MARK = "⚠"


def flag_title(flags: list[Flag]) -> str:
    """The reasons of a sentence's or a paragraph's flags, for a title attribute."""
    return "; ".join(flag.summary for flag in flags)


# characters XML 1.0 cannot carry (C0 controls but tab and newlines, lone surrogates, U+FFFE/F)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class ExportInfo:
    """What the header of every format says besides the document itself."""

    engine_name: str = ""
    date: _dt.date = field(default_factory=_dt.date.today)

    @property
    def engine_label(self) -> str:
        """The engine as every header names it: the gloss engine says what it is, as the
        reader does, so nobody quotes its English as a translation."""
        if self.engine_name.split(" ", 1)[0] == GLOSS_ENGINE:  # "gloss (cc-cedict-2020-12)"
            return f"{self.engine_name}: word-by-word gloss, not a translation"
        return self.engine_name


@dataclass(frozen=True, slots=True)
class TermRow:
    zh: str
    en: str
    count: int
    by_status: dict[str, int]


def source_name(doc: Document) -> str:
    return "standard input" if doc.source in ("", "-") else Path(doc.source).name


def document_title(doc: Document) -> str:
    return doc.title or source_name(doc)


def zh_lang(doc: Document) -> str:
    return "zh-Hant" if doc.script == "traditional" else "zh-Hans"


def zh_locale(doc: Document) -> str:
    return "zh-TW" if doc.script == "traditional" else "zh-CN"


def term_spans(
    terms: list[TermOccurrence], text: str, *, english: bool
) -> list[tuple[int, int, TermOccurrence]]:
    """The terms' spans in the Chinese (or the English), sorted, without overlaps."""
    spans = sorted(
        ((t.en_start, t.en_end, t) if english else (t.start, t.end, t) for t in terms),
        key=lambda s: (s[0], s[1]),
    )
    out: list[tuple[int, int, TermOccurrence]] = []
    for start, end, term in spans:
        if start < 0 or end <= start or end > len(text) or (out and start < out[-1][1]):
            continue
        out.append((start, end, term))
    return out


def term_summary(doc: Document, translations: Mapping[str, ParagraphTranslation]) -> list[TermRow]:
    occurrences = [t for p in doc.paragraphs if (tr := translations.get(p.id)) for t in tr.terms]
    counts: Counter[str] = Counter(t.zh for t in occurrences)
    rendering = {t.zh: t.en for t in occurrences}
    by_status: dict[str, Counter[str]] = {s: Counter() for s in STATUSES}
    for t in occurrences:
        if t.status in by_status:
            by_status[t.status][t.zh] += 1
    return [
        TermRow(zh, rendering[zh], count, {s: by_status[s][zh] for s in STATUSES})
        for zh, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def term_tooltip(term: TermOccurrence) -> str:
    """The term, its rendering and its status, for a title attribute."""
    return f"{term.zh} → {term.en} ({term.status}: {STATUS_MEANING.get(term.status, '')})"


def xml_safe(text: str) -> str:
    """`text` with characters XML cannot carry replaced by U+FFFD (same length: spans hold)."""
    return _NOT_XML.sub("\ufffd", text)
