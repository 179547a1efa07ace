"""`reader export FILE`: translate a document and write it as bilingual Markdown, HTML, EPUB
or a TMX translation memory (`--format`, or the extension of `-o`)."""

from __future__ import annotations

import argparse
import sys

from reader.atomic import check_output
from reader.commands.common import add_document_args, add_engine_args, add_glossary_arg, say

FORMATS = ("md", "html", "epub", "tmx")  # reader.exports.FORMATS, kept light to import


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "export",
        help="write a bilingual Markdown, HTML or EPUB file, or a TMX memory",
        description="Translate FILE and write it bilingual: Markdown (Chinese beside English), "
        "a side-by-side HTML page, an EPUB for e-readers, or TMX for translation tools.",
    )
    add_document_args(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output file (default: FILE.bilingual.md, .html, .epub or .tmx; - for stdout)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="md, html, epub or tmx (default: from the extension of -o, else md; "
        "an -o extension that names none is refused unless --format is given)",
    )
    parser.add_argument(
        "--layout",
        choices=("table", "interleaved"),
        default="table",
        help="Markdown: table, a row per paragraph; interleaved, English quoted under each",
    )
    parser.add_argument(
        "--content",
        choices=("bilingual", "english", "chinese"),
        default="bilingual",
        help="EPUB: each paragraph followed by its English (default), or one language only; "
        "an EPUB input keeps its own files, with the English added or in place of the Chinese",
    )
    parser.add_argument(
        "--skip-flagged",
        action="store_true",
        help="TMX: leave out sentences flagged as not to trust (degenerate output, placeholder "
        "remnants, a reply not in English); by default they are written with x-status flagged",
    )
    parser.add_argument(
        "--show-dropped",
        action="store_true",
        help="also print the lines cleaning dropped to stderr",
    )
    add_engine_args(parser)
    add_glossary_arg(parser)
    # for speed runs: no degenerate-output guard and no retries (bench/translate_speed.py)
    parser.add_argument("--no-guard", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def _format_of_output(output: str | None) -> str:
    """The format -o names by its extension; md for none (stdout, a device, a FIFO). An
    extension that names no format is refused: `-o x.pdf` once wrote Markdown silently."""
    from pathlib import Path

    from reader.errors import ReaderError
    from reader.exports import format_for_path

    if not output or output == "-":
        return "md"
    fmt = format_for_path(output)
    suffix = Path(output).suffix
    if fmt is None and suffix:
        raise ReaderError(
            output, f"{suffix} is not an export format (md, html, epub, tmx); or give --format"
        )
    return fmt or "md"


def run(args: argparse.Namespace) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.commands.postedits import say_earlier_edits
    from reader.commands.progress import Progress
    from reader.exports import default_output_path, render_export, write_export
    from reader.exports.common import ExportInfo
    from reader.translation.pipeline import ParagraphTranslation
    from reader.translation.session import open_session

    if args.output and args.output != "-":  # a bad -o now, not after minutes of translation
        check_output(args.output, inputs=[args.file])  # "is the input" before "not a format"
    fmt = args.format or _format_of_output(args.output)
    if args.skip_flagged and fmt != "tmx":
        from reader.errors import ReaderError

        raise ReaderError("--skip-flagged", f"applies to tmx only; {fmt} marks flagged sentences")
    out = args.output or str(default_output_path(args.file, fmt))
    if not args.output:
        check_output(out, inputs=[args.file])
    session = open_session(
        args.file, encoding=args.encoding, engine=args.engine, glossary=args.glossary, say=say
    )
    say(f"reader: {session.engine_message}")
    session.translator.guard = not args.no_guard
    session.translator.order = "length"  # no screen to serve first: pad batches least
    number = {p.id: n for n, p in enumerate(session.doc.paragraphs, 1)}
    chars = {p.id: len(p.text) for p in session.doc.paragraphs}

    def on_paragraph(result: ParagraphTranslation) -> None:
        progress.advance(work=chars[result.paragraph_id])
        for flag in result.flags:  # the warnings `translate` gives, as they happen
            progress.warn(f"reader: {args.file}: paragraph {number[result.paragraph_id]}: {flag}")

    total = len(session.doc.paragraphs)
    with Progress(total, "translating", work=sum(chars.values()), memory=True) as progress:
        translations = session.translator.translate(session.doc, on_paragraph=on_paragraph)
    data = render_export(
        session.doc,
        translations,
        fmt,
        ExportInfo(session.engine_name),
        layout=args.layout,
        content=args.content,
        warn=lambda message: print(f"reader: {message}", file=sys.stderr),
        skip_flagged=args.skip_flagged,
    )
    if args.show_dropped:
        for dropped in session.doc.dropped:
            print(
                f"{args.file}:{dropped.line}: dropped ({dropped.reason}): {dropped.text}",
                file=sys.stderr,
            )
    say_earlier_edits(session.translator.memory, session.doc, args.file, "exported")
    if out == "-":
        if fmt == "epub":
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data.decode("utf-8"))
        return 0
    path = write_export(data, out)
    print(f"reader: wrote {path} ({fmt})", file=sys.stderr)
    return 0
