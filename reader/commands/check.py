"""`reader check SOURCE TRANSLATION`: quality-assure an existing translation against the glossary.

Guarantees:
- SOURCE and TRANSLATION are aligned by non-empty lines when both have as many, else by
  blank-line-separated paragraphs; the report says which. When neither count agrees the command
  refuses with one line naming the first unit where the two files drift apart.
- Exit code 0 when every term occurrence is applied, 1 when any is missing or forbidden, 2 on
  an error the user can fix (unreadable file, no alignment).
- The verdicts are reader.translation.checking's, the same as the TUI's and export's.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reader.commands.common import add_glossary_arg, add_wide_arg, display_width, output_width, wrap
from reader.documents.decoding import decode_bytes, sniff_binary
from reader.errors import ReaderError
from reader.han import han_count

_CONTEXT = 12  # characters of Chinese shown either side of a term in the report


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
        "files are aligned by non-empty lines, or else by blank-line-separated paragraphs. "
        "Exit code 0: all applied; 1: a term is missing or forbidden; 2: error.",
    )
    parser.add_argument("source", metavar="SOURCE", help="the Chinese text (UTF-8, GB or Big5)")
    parser.add_argument("translation", metavar="TRANSLATION", help="its English translation")
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
    mode, units = align(source, target, args.source, args.translation)
    matcher = TermMatcher(open_glossary(args.glossary, document=args.source).entries)
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
        print(report(records, mode, len(units), width=output_width(args.wide)))
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


def align(source: str, target: str, source_name: str, target_name: str) -> tuple[str, list[Unit]]:
    """("lines" | "paragraphs", the aligned units); raises ReaderError when neither fits."""
    zh_lines, en_lines = _lines(source), _lines(target)
    if len(zh_lines) == len(en_lines):
        mode, pairs = "lines", list(zip(zh_lines, en_lines, strict=True))
    else:
        zh_paras, en_paras = _paragraphs(source), _paragraphs(target)
        if len(zh_paras) != len(en_paras):
            raise ReaderError(
                target_name,
                f"{len(en_lines)} lines and {len(en_paras)} paragraphs against "
                f"{len(zh_lines)} and {len(zh_paras)} in {source_name}; "
                + _drift(zh_lines, en_lines),
            )
        mode, pairs = "paragraphs", list(zip(zh_paras, en_paras, strict=True))
    return mode, [Unit(z[0], e[0], z[1], e[1]) for z, e in pairs]


def _drift(zh: list[tuple[int, str]], en: list[tuple[int, str]]) -> str:
    """Where the lines first stop matching: the first pair whose length ratio is far (×3) from
    the median ratio, else the end of the shorter file."""
    pairs = list(zip(zh, en, strict=False))
    ratios = [len(e) / max(len(z), 1) for (_, z), (_, e) in pairs]
    if ratios:
        typical = statistics.median(ratios)
        for ((zn, _), (en_n, _)), ratio in zip(pairs, ratios, strict=True):
            if typical and not typical / 3 <= ratio <= typical * 3:
                return f"they drift near line {zn} of the source (line {en_n} of the translation)"
    if len(zh) > len(en):
        return f"the translation ends before source line {zh[len(en)][0]}"
    return f"the source ends before translation line {en[len(zh)][0]}"


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
