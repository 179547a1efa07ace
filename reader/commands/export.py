"""`reader export FILE`: translate a document and write bilingual Markdown."""

from __future__ import annotations

import argparse
import sys

from reader.commands.common import add_document_args, add_engine_args, add_glossary_arg


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export",
        help="write a bilingual Markdown file",
        description="Translate FILE and write bilingual Markdown (Chinese beside English).",
    )
    add_document_args(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.md",
        help="output file (default: FILE.bilingual.md; - for stdout)",
    )
    parser.add_argument(
        "--layout",
        choices=("table", "interleaved"),
        default="table",
        help="table: a row per paragraph; interleaved: English quoted under each paragraph",
    )
    parser.add_argument(
        "--show-dropped",
        action="store_true",
        help="also print the lines cleaning dropped to stderr",
    )
    add_engine_args(parser)
    add_glossary_arg(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from reader.commands.progress import Progress
    from reader.export import default_output_path, export_markdown, write_export
    from reader.translation.pipeline import ParagraphTranslation
    from reader.translation.session import open_session

    session = open_session(
        args.file, encoding=args.encoding, engine=args.engine, glossary=args.glossary
    )
    print(f"reader: {session.engine_message}", file=sys.stderr)
    number = {p.id: n for n, p in enumerate(session.doc.paragraphs, 1)}

    def on_paragraph(result: ParagraphTranslation) -> None:
        progress.advance()
        for flag in result.flags:  # the warnings `translate` gives, as they happen
            progress.warn(f"reader: {args.file}: paragraph {number[result.paragraph_id]}: {flag}")

    with Progress(len(session.doc.paragraphs), "translating") as progress:
        translations = session.translator.translate(session.doc, on_paragraph=on_paragraph)
    text = export_markdown(
        session.doc, translations, layout=args.layout, engine_name=session.engine_name
    )
    if args.show_dropped:
        for dropped in session.doc.dropped:
            print(
                f"{args.file}:{dropped.line}: dropped ({dropped.reason}): {dropped.text}",
                file=sys.stderr,
            )
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    out = write_export(text, args.output or default_output_path(args.file))
    print(f"reader: wrote {out}", file=sys.stderr)
    return 0
