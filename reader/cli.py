"""The `reader` command: parse arguments, call the core, print. Imports the TUI only to open it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from reader import __version__
from reader.errors import ReaderError

COMMANDS = (
    "read",
    "export",
    "translate",
    "terms",
    "check",
    "glossary",
    "postedits",
    "model",
    "config",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `only` (a command named on the command line), that command's
    alone: it parses and explains itself the same, and `reader read FILE` does not import the
    other eight with their dependencies (41 → 4 ms: the glossary file, checker, archives)."""
    import importlib

    from reader.commands.common import Parser, Subcommand

    parser = Parser(
        prog="reader",
        description="Read Chinese documents beside an English translation, with a glossary.",
        epilog="`reader FILE` is short for `reader read FILE`. "
        "Run `reader COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Subcommand)
    for name in (only,) if only in COMMANDS else COMMANDS:
        importlib.import_module(f"reader.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _opens_the_reader(argv):
        argv = ["read", *argv]
    parser = build_parser(argv[0] if argv else None)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return _run(args)
    except ReaderError as error:
        from reader.commands.common import error_lines, output_width

        where = f"{error.where}:{error.line}" if error.line is not None else error.where
        print(*error_lines(where, error.message, output_width()), sep="\n", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        local = sys.modules.get("reader.translation.engines.llama_local")  # loaded if it ran
        if local is not None:
            local.exit_now_if_running(130)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # a bug: one line and a log file, never a bare traceback
        from reader.commands.common import say
        from reader.crash import report

        say(report(f"`reader {args.command}`", error))
        return 2


def _opens_the_reader(argv: Sequence[str]) -> bool:
    """`reader FILE` and `reader --engine gloss FILE`, as `reader read …`: no command named,
    and not reader's own --help or --version."""
    if not argv or argv[0] in ("-h", "--help", "--version"):
        return False
    return not any(word in COMMANDS for word in argv)


def _run(args: argparse.Namespace) -> int:
    from reader.config import apply_flags

    apply_flags(args)  # --llm-url, --llm-model
    if getattr(args, "max_size", None):
        from reader.documents.source import set_max_bytes

        set_max_bytes(args.max_size)
    return int(args.func(args) or 0)
