"""`reader read FILE` (or just `reader FILE`): open the document in the terminal reader."""

from __future__ import annotations

import argparse

from reader.commands.common import add_document_args, add_engine_args, add_glossary_arg
from reader.errors import ReaderError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    # light: the checks before Textual starts (source: ~5 ms; loading with its parsers ~45 ms)
    from reader.documents.source import check_document, read_source

    # What can be known without extracting is said here, as one line and exit 2, before the
    # full-screen reader takes the terminal: missing, empty, binary, oversized, unsafe zip.
    data = read_source(args.file)
    check_document(args.file, data)
    if args.encoding:
        _check_encoding(args.encoding)
    if args.file == "-":
        _terminal_as_stdin()
    from reader.ui.preload import Preload

    # the document loads on the other core while Textual starts (see reader.ui.preload)
    preload = Preload.start(args.file, args.encoding, args.glossary, data, args.engine)
    try:
        from reader.ui.app import ReaderApp  # textual: ~150 ms, only when the reader opens

        app = ReaderApp(
            args.file,
            encoding=args.encoding,
            engine=args.engine,
            glossary=args.glossary,
            data=data,
            preload=preload,
        )
    except BaseException:  # ctrl+c during the import, a broken install: the main screen back
        if preload is not None:
            preload.undo_paint()
        raise
    if preload is not None:
        preload.take_terminal()  # the child's first paint is done or will not start
    app.run()  # prints its crash report, if any
    return 2 if app.crash_report is not None else 0


def _check_encoding(name: str) -> None:
    import codecs

    try:
        codecs.lookup(name)
    except LookupError:
        raise ReaderError("--encoding", f"unknown encoding '{name}'") from None


def _terminal_as_stdin() -> None:
    """After the document came through a pipe, read keys from the terminal (as `less` does)."""
    import os
    import sys

    try:
        tty = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        raise ReaderError("-", "the reader needs a terminal; use `reader export -`") from None
    os.dup2(tty, 0)  # Textual reads fd 0 (sys.__stdin__)
    os.close(tty)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - lives as long as the app
