"""`reader read FILE` (or just `reader FILE`): open the document in the terminal reader."""

from __future__ import annotations

import argparse

from reader.commands.common import add_document_args, add_engine_args, add_glossary_arg


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "read",
        help="open a document side by side with its English, in the terminal",
        description="Read a Chinese document beside its English translation. "
        "Press ? in the reader for every key.",
    )
    add_document_args(parser)
    add_engine_args(parser)
    add_glossary_arg(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from reader.errors import ReaderError

    if args.file == "-":
        raise ReaderError("-", "the reader needs a file; pipe into `reader export -` instead")
    from pathlib import Path

    path = Path(args.file)
    if path.is_dir():
        raise ReaderError(args.file, "is a directory, not a document")
    if not path.is_file():
        raise ReaderError(args.file, "no such file")
    from reader.ui.app import ReaderApp  # textual: ~150 ms, only when the reader opens

    ReaderApp(args.file, encoding=args.encoding, engine=args.engine, glossary=args.glossary).run()
    return 0
