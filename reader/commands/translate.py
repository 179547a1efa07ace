"""`reader translate FILE|-`: the English on stdout, one paragraph per block, for pipes.

Paragraphs are written in document order as soon as they and all before them are done, so
`reader translate long.txt | less` shows the start while the rest is translated. `--jsonl`
writes one JSON object per sentence instead (`reader.translation.alignment.sentence_records`),
streamed in the same order (the README has a `jq` example). The engine message, warnings
(as they happen) and progress (a bar on a terminal, a line every 5 s in a log) go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys

from reader.commands.common import add_document_args, add_engine_args, add_glossary_arg, say


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "translate",
        help="print the English translation",
        description="Translate FILE (or - for stdin) and print the English to stdout, one "
        "paragraph per block separated by blank lines. Translations are remembered, so a "
        "second run costs no model time.",
    )
    add_document_args(parser)
    add_engine_args(parser)
    add_glossary_arg(parser)
    # for speed runs: no degenerate-output guard and no retries (bench/translate_speed.py)
    parser.add_argument("--no-guard", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--protect",
        choices=("placeholder", "inline"),
        default=None,
        help="how glossary terms are protected from the engine: placeholder (a token the "
        "engine copies, replaced by the rendering; default) or inline (the English rendering "
        "put into the source)",
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help="one JSON object per sentence: paragraph, sentence (1-based; null for a "
        "post-edited paragraph, which is one unit), zh, en, terms with status, post_edited, "
        "flag (kind and reason when the English is not to be trusted, else null)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.commands.postedits import say_earlier_edits
    from reader.commands.progress import Progress
    from reader.translation.alignment import sentence_records
    from reader.translation.pipeline import ParagraphTranslation
    from reader.translation.session import open_session

    session = open_session(
        args.file, encoding=args.encoding, engine=args.engine, glossary=args.glossary, say=say
    )
    say(f"reader: {session.engine_message}")
    translator = session.translator
    if args.protect:
        translator.protect = args.protect
    translator.guard = not args.no_guard
    translator.order = "length"  # no screen to serve first: pad batches least
    doc = session.doc
    order = [p.id for p in doc.paragraphs]
    by_id = {p.id: p for p in doc.paragraphs}
    done: dict[str, ParagraphTranslation] = {}
    written = 0

    def on_paragraph(result: ParagraphTranslation) -> None:
        nonlocal written
        done[result.paragraph_id] = result
        progress.advance(work=len(by_id[result.paragraph_id].text))
        while written < len(order) and order[written] in done:
            result = done.pop(order[written])
            if args.jsonl:
                for record in sentence_records(by_id[result.paragraph_id], result, written + 1):
                    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                if written:
                    sys.stdout.write("\n")
                sys.stdout.write(result.text + "\n")
            for flag in result.flags:
                progress.warn(f"reader: {args.file}: paragraph {written + 1}: {flag}")
            written += 1
        sys.stdout.flush()

    work = sum(len(p.text) for p in doc.paragraphs)
    with Progress(len(order), "translating", work=work, memory=True) as progress:
        translator.translate(doc, on_paragraph=on_paragraph)
    say_earlier_edits(translator.memory, doc, args.file, "used")
    return 0
