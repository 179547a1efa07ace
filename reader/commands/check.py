"""`reader check SOURCE TRANSLATION`: quality-assure an existing translation against the glossary.

Guarantees:
- SOURCE and TRANSLATION are aligned by non-empty lines (`--align lines`, the default) or, only
  when asked (`--align paragraphs`), by blank-line-separated paragraphs; the report says which.
  When the two counts differ the command refuses with one line naming where the files drift
  apart: a rendering in the wrong line must never pass for the right one (a 4-line source
  against a 3-line translation was one "paragraph" a file, any English counting for any term).
  The place is where one gap best explains the pairs: glossary terms left unrendered, numbers
  without their counterpart, length ratios far from the typical one (a line left out of the
  official white paper is named, or its neighbour, in 42 of 44 cases).
- Exit code 0 when every term occurrence is applied, 1 when any is missing or forbidden, 2 on
  an error the user can fix (unreadable file, no alignment).
- The verdicts are reader.translation.checking's, the same as the TUI's and export's.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reader.commands.common import add_glossary_arg, add_wide_arg, display_width, output_width, wrap
from reader.documents.decoding import decode_bytes, sniff_binary
from reader.errors import ReaderError
from reader.han import han_count

_CONTEXT = 12  # characters of Chinese shown either side of a term in the report
ALIGNMENTS = ("lines", "paragraphs")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True, slots=True)
class Unit:
    """One aligned line or paragraph."""

    source_line: int  # 1-based line in SOURCE where it starts
    target_line: int  # 1-based line in TRANSLATION where it starts
    zh: str
    en: str


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "check",
        help="check an existing translation against the glossary",
        description="Check that TRANSLATION renders SOURCE's glossary terms as required. The "
        "files are aligned line by line (or paragraph by paragraph with --align paragraphs); "
        "files whose counts differ are refused, saying where they drift apart. "
        "Exit code 0: all applied; 1: a term is missing or forbidden; 2: error.",
    )
    parser.add_argument("source", metavar="SOURCE", help="the Chinese text (UTF-8, GB or Big5)")
    parser.add_argument("translation", metavar="TRANSLATION", help="its English translation")
    parser.add_argument(
        "--align",
        choices=ALIGNMENTS,
        default="lines",
        help="pair the files' non-empty lines (default), or their blank-line-separated "
        "paragraphs (for a translation wrapped over several lines)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object per term occurrence"
    )
    add_wide_arg(parser)
    add_glossary_arg(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.glossary.matching import TermMatcher
    from reader.translation.checking import check_pair
    from reader.translation.session import open_glossary

    source, target = read_text(args.source), read_text(args.translation)
    matcher = TermMatcher(open_glossary(args.glossary, document=args.source).entries)

    def misses(zh: str, en: str) -> int:
        return sum(c.verdict.status != "applied" for c in check_pair(zh, en, matcher))

    units = align(source, target, args.source, args.translation, args.align, misses)
    records = []
    for unit in units:
        for checked in check_pair(unit.zh, unit.en, matcher):
            v = checked.verdict
            records.append(
                {
                    "line": unit.source_line,
                    "en_line": unit.target_line,
                    "zh": checked.entry.zh,
                    "surface": checked.surface,
                    "en": checked.entry.en,
                    "start": checked.start,
                    "end": checked.end,
                    "status": v.status,
                    "en_start": v.en_start,
                    "en_end": v.en_end,
                    "form": v.form,
                    "reason": v.reason,
                    "context": _context(unit.zh, checked.start, checked.end),
                }
            )
    problems = sum(r["status"] != "applied" for r in records)
    if args.json:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    else:
        print(report(records, args.align, len(units), width=output_width(args.wide)))
    return 1 if problems else 0


def read_text(path: str) -> str:
    file = Path(path)
    if file.is_dir():
        raise ReaderError(path, "is a directory, not a text file")
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise ReaderError(path, "no such file") from None
    except OSError as exc:
        raise ReaderError(path, f"cannot read: {exc.strerror or exc}") from None
    binary = sniff_binary(data)
    if binary:
        raise ReaderError(path, f"is a {binary}, not a text file")
    return decode_bytes(data).text.replace("\r\n", "\n").replace("\r", "\n")


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate(text.split("\n"), 1) if line.strip()]


def _paragraphs(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    start = 0
    lines: list[str] = []
    for n, line in enumerate([*text.split("\n"), ""], 1):
        if line.strip():
            if not lines:
                start = n
            lines.append(line.strip())
        elif lines:
            out.append((start, " ".join(lines) if _latin(lines) else "".join(lines)))
            lines = []
    return out


def _latin(lines: list[str]) -> bool:
    return han_count("".join(lines)) * 2 < len("".join(lines))


def align(
    source: str,
    target: str,
    source_name: str,
    target_name: str,
    by: str = "lines",
    misses: Callable[[str, str], int] | None = None,
) -> list[Unit]:
    """The aligned units, `by` "lines" or "paragraphs"; raises ReaderError when the counts
    differ, naming where the files drift apart (`misses(zh, en)`, the glossary terms of `zh`
    that `en` does not render, helps find the place)."""
    split = _lines if by == "lines" else _paragraphs
    zh, en = split(source), split(target)
    if len(zh) != len(en):
        drift = _drift(zh, en, by, misses or (lambda z, e: 0))
        message = f"{len(en)} {by} against {len(zh)} in {source_name}; {drift}"
        paragraphs = len(_paragraphs(source))
        if by == "lines" and paragraphs == len(_paragraphs(target)) > 1:
            message += f" (both have {paragraphs} paragraphs: --align paragraphs pairs them)"
        raise ReaderError(target_name, message)
    return [Unit(z[0], e[0], z[1], e[1]) for z, e in zip(zh, en, strict=True)]


def _drift(
    zh: list[tuple[int, str]],
    en: list[tuple[int, str]],
    by: str,
    misses: Callable[[str, str], int],
) -> str:
    """Where the units first stop matching. The shorter file is taken to lack (or the longer
    to add) its surplus of units in one place: the place where the pairs' length ratios stay
    closest to the typical one (the median ratio of the pairs as they stand; the sum of
    |log(ratio / typical)|), ties going to the earliest; at the end, the shorter file simply
    stops early. (The files' overall ratio misleads: one long missing line lowers it.)"""
    short, long = (en, zh) if len(zh) > len(en) else (zh, en)
    surplus = len(long) - len(short)

    def ratio(z: str, e: str) -> float:
        return math.log(max(len(e), 1) / max(len(z), 1))

    typical = statistics.median(
        [ratio(z, e) for (_, z), (_, e) in zip(zh, en, strict=False)] or [0]
    )

    def cost(a: str, b: str) -> float:  # a from the shorter file, b from the longer
        z, e = (b, a) if short is en else (a, b)
        # numbers are written alike on both sides (2020, 3.5, 17): each one without its
        # counterpart weighs as much as a pair of twice or half the typical length
        numbers = Counter(_NUMBER.findall(z))
        numbers.subtract(_NUMBER.findall(e))
        unmatched = sum(abs(n) for n in numbers.values()) + misses(z, e)
        return abs(ratio(z, e) - typical) + math.log(2) * unmatched

    before = [0.0]  # cost of the pairs in front of a gap at k
    for (_, a), (_, b) in zip(short, long, strict=False):
        before.append(before[-1] + cost(a, b))
    after = [0.0] * (len(short) + 1)  # cost of the pairs behind it, shifted by the surplus
    for k in range(len(short) - 1, -1, -1):
        after[k] = after[k + 1] + cost(short[k][1], long[k + surplus][1])
    # rounded: the same sums added in another order differ in their last bits
    gap = min(range(len(short) + 1), key=lambda k: (round(before[k] + after[k], 9), k))
    line = long[gap][0]
    if gap == len(short):
        at = f"line {line}" if by == "lines" else f"paragraph {gap + 1} (line {line})"
        names = ("translation", "source") if short is en else ("source", "translation")
        return f"the {names[0]} ends before {names[1]} {at}"
    z_line, e_line = (line, short[gap][0]) if short is en else (short[gap][0], line)
    lines = f"line {z_line} of the source (line {e_line} of the translation)"
    return f"they drift apart near {lines if by == 'lines' else f'paragraph {gap + 1}, {lines}'}"


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - _CONTEXT) : start]
    after = text[end : end + _CONTEXT]
    return f"{before}【{text[start:end]}】{after}"


def _narrow(record: dict[str, object], room: int | None) -> str:
    """The record's context with characters dropped from its far ends until it fits `room`
    cells (the term in 【】 itself is kept whole)."""
    context, surface = str(record["context"]), str(record["surface"])
    cut = min(_CONTEXT, int(str(record["start"])))  # the context's characters before the term
    before, after = context[:cut], context[cut + len(surface) + 2 :]
    term = context[cut : cut + len(surface) + 2]
    while room is not None and (before or after) and display_width(before + term + after) > room:
        if len(before) > len(after):
            before = before[1:]
        else:
            after = after[:-1]
    return before + term + after


def report(
    records: list[dict[str, object]], mode: str, units: int, width: int | None = None
) -> str:
    """Per term: found, applied, missing, forbidden; then each problem with its line. With
    `width`, every line fits it: the context narrows, and the rest wraps."""
    lines = [f"aligned by {mode}: {units} pairs"]
    if not records:
        return "\n".join([*lines, "no glossary terms found"])
    by_term: dict[str, list[dict[str, object]]] = {}
    for record in records:
        by_term.setdefault(str(record["zh"]), []).append(record)
    for zh, occurrences in sorted(by_term.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        counts = Counter(str(r["status"]) for r in occurrences)
        tally = ", ".join(
            f"{s} {counts[s]}" for s in ("applied", "missing", "forbidden") if counts[s]
        )
        lines += wrap(
            f"{zh} → {occurrences[0]['en']}: found {len(occurrences)}, {tally}", width, "    "
        )
        for r in occurrences:
            if r["status"] != "applied":
                prefix = f"  line {r['line']}: {r['status']}: "
                context = _narrow(r, width - display_width(prefix) if width else None)
                lines += wrap(f"{prefix}{context} — {r['reason']}", width, "    ")
    problems = sum(r["status"] != "applied" for r in records)
    lines.append(
        f"{len(by_term)} terms, {len(records)} occurrences, "
        + (f"{problems} not rendered as required" if problems else "all applied")
    )
    return "\n".join(lines)
