"""`reader terms FILE`: the glossary terms in a document and how the translation rendered them,
and, with several glossary layers, which layer each term came from."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

from reader.commands.common import (
    add_document_args,
    add_engine_args,
    add_glossary_arg,
    add_wide_arg,
    output_width,
    say,
    table,
    wrap,
)

if TYPE_CHECKING:
    from reader.translation.pipeline import TermOccurrence


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "terms",
        help="list the glossary terms found in a document",
        description="List each glossary term found in FILE (original form, count, required "
        "rendering) and whether the translation rendered each occurrence as required; with "
        "several glossary layers, the LAYER column says which one each term came from.",
    )
    add_document_args(parser)
    parser.add_argument(
        "--json", action="store_true", help="print JSON with every occurrence and its offsets"
    )
    parser.add_argument(
        "--no-translate",
        action="store_true",
        help="only find the terms (with verdicts already in the translation memory); "
        "never runs the model",
    )
    add_wide_arg(parser)
    add_engine_args(parser)
    add_glossary_arg(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.glossary.matching import TermMatcher
    from reader.translation.checking import check_pair
    from reader.translation.pipeline import TermOccurrence
    from reader.translation.session import open_session

    # the engine is only constructed here; its model loads on the first translation, which
    # --no-translate never asks for
    session = open_session(
        args.file, encoding=args.encoding, engine=args.engine, glossary=args.glossary, say=say
    )
    doc = session.doc
    matcher = TermMatcher(session.glossary.entries)
    if args.no_translate:
        # positions only: verdicts already in the translation memory, "found" elsewhere
        translations = session.translator.cached(doc)
        engine = ""
    else:
        from reader.commands.progress import Progress

        say(f"reader: {session.engine_message}")
        with Progress(len(doc.paragraphs), "translating", memory=True) as progress:
            translations = session.translator.translate(
                doc, on_paragraph=lambda _: progress.advance()
            )
        engine = session.engine_name
    per_paragraph: dict[str, list[TermOccurrence]] = {}
    why: dict[tuple[str, int, int], tuple[str, str]] = {}  # (paragraph, start, end) -> reason
    for para in doc.paragraphs:
        done = translations.get(para.id)
        if done is None:
            per_paragraph[para.id] = [
                TermOccurrence(h.entry.zh, h.entry.en, h.start, h.end, "found")
                for h in matcher.find(para)
            ]
            continue
        per_paragraph[para.id] = done.terms
        if done.terms and args.json:
            for checked in check_pair(para.text, done.text, matcher):
                why[(para.id, checked.start, checked.end)] = (
                    checked.verdict.form,
                    checked.verdict.reason,
                )
    # shorter terms found only inside longer ones (联防联控 inside 联防联控机制)
    shadowed: Counter[tuple[str, str]] = Counter(
        (s.short.zh, s.long.zh) for p in doc.paragraphs for s in matcher.shadowed(p)
    )

    records: dict[str, dict[str, Any]] = {}
    for index, para in enumerate(doc.paragraphs, start=1):
        for occ in per_paragraph.get(para.id, []):
            record = records.setdefault(
                occ.zh,
                {
                    "zh": occ.zh,
                    "en": occ.en,
                    "count": 0,
                    "forms": Counter(),
                    "statuses": Counter(),
                    "occurrences": [],
                },
            )
            surface = para.text[occ.start : occ.end]
            record["count"] += 1
            record["forms"][surface] += 1
            record["statuses"][occ.status] += 1
            record["occurrences"].append(
                {
                    "paragraph": index,
                    "paragraph_id": para.id,
                    "start": occ.start,
                    "end": occ.end,
                    "surface": surface,
                    "status": occ.status,
                    "en_start": occ.en_start,
                    "en_end": occ.en_end,
                    **_reason(occ, why.get((para.id, occ.start, occ.end))),
                }
            )
    ordered = sorted(records.values(), key=lambda r: (-r["count"], r["zh"]))
    for r in ordered:
        entry = session.glossary.find(r["zh"])
        owner = session.glossary.layer_of(entry) if entry is not None else None
        r["layer"] = owner.label if owner is not None else ""
        r["layer_path"] = str(owner.path) if owner is not None else ""
    if args.json:
        payload = {
            "source": args.file,
            "engine": engine,
            "shadowed": [
                {"zh": short, "inside": long, "count": n}
                for (short, long), n in sorted(shadowed.items())
            ],
            "terms": [
                {**r, "forms": dict(r["forms"]), "statuses": dict(r["statuses"])} for r in ordered
            ],
        }
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not ordered:
        print("no glossary terms found")
        return 0
    rows = []
    for r in ordered:
        forms = "/".join(f for f in r["forms"] if f != r["zh"])
        statuses = ", ".join(f"{s} {n}" for s, n in sorted(r["statuses"].items()))
        layer = r["layer"] if len(session.glossary.layers) > 1 else ""
        rows.append([r["zh"], forms, str(r["count"]), statuses, r["en"], layer])
    width = output_width(args.wide)
    headers = ["TERM", "AS WRITTEN", "COUNT", "STATUS", "RENDERING", "LAYER"]
    keep = ("TERM", "COUNT", "STATUS", "RENDERING")  # the other spellings give way first
    print(table(headers, rows, width=width, keep=keep))
    if shadowed:
        print("\nshadowed by a longer term (not counted above):")
        for (short, long), n in sorted(shadowed.items(), key=lambda kv: -kv[1]):
            print(*wrap(f"  {short} inside {long} ×{n}", width, "    "), sep="\n")
    problems = sum(
        r["statuses"].get("missing", 0) + r["statuses"].get("forbidden", 0) for r in ordered
    )
    total = sum(r["count"] for r in ordered)
    print(
        f"{len(ordered)} terms, {total} occurrences"
        + (f", {problems} not rendered as required" if problems else ""),
        file=sys.stderr,
    )
    return 0


def _reason(occ: TermOccurrence, checked: tuple[str, str] | None) -> dict[str, str]:
    """Why the occurrence has its status: the checker's reason on the paragraph's English."""
    if occ.status == "found":
        return {"form": "", "reason": "not translated yet"}
    if checked is None:
        return {"form": "", "reason": f"{occ.status} when the sentence was translated"}
    form, reason = checked
    if occ.status == "repaired":
        reason = f"repaired: {reason}"
    return {"form": form, "reason": reason}
