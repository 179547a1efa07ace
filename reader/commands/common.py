"""Options shared by several commands."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NoReturn, TextIO


class Parser(argparse.ArgumentParser):
    """argparse, with its error message fitted to the width as every other line is."""

    def error(self, message: str) -> NoReturn:
        import sys

        self.print_usage(sys.stderr)
        lines = wrap(f"{self.prog}: error: {message}", output_width(), "  ", cut_words=False)
        self.exit(2, "\n".join(lines) + "\n")


class Subcommand(Parser):
    """A command's parser: an option it does not know is its error, shown with its own usage
    (argparse leaves a subparser's leftovers to the top-level parser, whose usage says only
    `reader [-h] [--version] COMMAND ...`)."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def add_document_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", metavar="FILE", help="document to open (.txt .md .html .epub .docx), or - for stdin"
    )
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        help="decode the file with this encoding instead of detecting it",
    )
    add_max_size_arg(parser)


def add_max_size_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-size",
        metavar="SIZE",
        type=_size,
        help="refuse input larger than this (default 200M; e.g. 1G, 500M)",
    )


def _size(text: str) -> int:
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.documents.source import parse_size

    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_engine_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=("auto", "ctranslate2", "argos", "gloss", "llm"),
        default="auto",
        help="translation engine: ctranslate2 (the installed CTranslate2 model: Argos, quickmt, "
        "OPUS-MT, NLLB), argos (an Argos package), gloss (built-in dictionary), llm (an "
        "OpenAI-compatible server, else the installed GGUF model run locally; see `reader "
        "config`), auto (the CTranslate2 model installed last, else gloss; default)",
    )
    parser.add_argument(
        "--model", metavar="NAME", help="use this installed model (see `reader model list`)"
    )
    parser.add_argument(
        "--llm-url", metavar="URL", help="llm server base URL, e.g. http://127.0.0.1:8080/v1"
    )
    parser.add_argument("--llm-model", metavar="NAME", help="llm model name")


def add_glossary_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--glossary",
        metavar="PATH",
        action="append",
        help="glossary CSV; give it again to layer more: the first is the one edits go to, "
        "the others read-only references, the earlier winning for the same term (default: "
        "glossary.csv beside the document, else ./glossary.csv, layered over your own "
        "glossary; see `reader glossary path`)",
    )


def add_wide_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wide",
        action="store_true",
        help="print every cell in full instead of fitting the terminal width",
    )


def output_width(wide: bool = False) -> int | None:
    """The width to fit output to: the terminal's ($COLUMNS first), 80 when not a terminal;
    None (no limit) with --wide."""
    import shutil

    return None if wide else shutil.get_terminal_size((80, 24)).columns


def display_width(text: str) -> int:
    """Terminal cells: Chinese characters take two (`reader.cells`, as the TUI measures)."""
    from reader.cells import cell_width

    return cell_width(text)


def truncate(text: str, width: int) -> str:
    """`text` cut to at most `width` cells, ending with … when cut."""
    if display_width(text) <= width:
        return text
    from rich.cells import get_character_cell_size

    out, used = [], 1  # the … takes one cell
    for char in text:
        size = get_character_cell_size(char)
        if used + size > width:
            break
        out.append(char)
        used += size
    return "".join(out).rstrip() + "…" if width > 0 else ""


def wrap(text: str, width: int | None, indent: str = "", *, cut_words: bool = True) -> list[str]:
    """`text` broken at spaces into lines of at most `width` cells (continuations start with
    `indent`); a word wider than a line is broken between characters (Chinese has no spaces),
    or with `cut_words=False` kept whole on a line of its own (a path, a URL), and a quoted
    command (`reader model install --file PATH`) kept on one line when it fits one."""
    if "\n" in text:  # lines of their own (a note under a message): each wrapped alone
        head, rest = text.split("\n", 1)
        return wrap(head, width, indent, cut_words=cut_words) + wrap(
            rest, width, indent, cut_words=cut_words
        )
    if width is None or display_width(text) <= width:
        return [text]
    from rich.cells import chop_cells

    body = text.lstrip(" ")
    lines: list[str] = []
    line = text[: len(text) - len(body)]  # the first line keeps its own indent
    fresh = True  # no word on `line` yet
    words = body.split(" ") if cut_words else _quoted_units(body.split(" "), width - len(indent))
    for word in words:
        if fresh or display_width(f"{line} {word}") <= width:
            line, fresh = (line + word if fresh else f"{line} {word}"), False
        else:
            lines.append(line)
            line = indent + word
        while cut_words and display_width(line) > width:  # a word wider than a line
            head = chop_cells(line, width)[0]
            if not head.strip():
                break
            lines.append(head)
            line = indent + line[len(head) :]
    lines.append(line)
    return lines


def _quoted_units(words: list[str], room: int) -> list[str]:
    """`words` with each `…` span joined into one, if it fits `room` cells."""
    units: list[str] = []
    span: list[str] = []
    inside = False
    for word in words:
        span.append(word)
        if word.count("`") % 2:
            inside = not inside
        if not inside:
            joined = " ".join(span)
            units.extend([joined] if display_width(joined) <= room else span)
            span = []
    return units + span


def say(line: str, stream: TextIO | None = None) -> None:
    """Print a message (`reader: …`) fitted to the width: a longer one goes on at the next
    lines, indented two spaces, broken at spaces only (a path or URL is never cut)."""
    import sys

    print(*wrap(line, output_width(), "  ", cut_words=False), sep="\n", file=stream or sys.stderr)


def show(line: str) -> None:
    """`say` on stdout: a report's line (an install, a path) fitted to the width."""
    import sys

    say(line, sys.stdout)


def error_lines(where: str, message: str, width: int | None) -> list[str]:
    """`reader: WHERE: MESSAGE` on one line when it fits `width`; else WHERE alone on the first
    line (a path is never cut) and the cause below it, indented, broken at spaces."""
    line = f"reader: {where}: {message}"
    if width is None or display_width(line) <= width:
        return [line]
    return [f"reader: {where}:", *wrap(f"  {message}", width, "  ", cut_words=False)]


def table(
    headers: list[str],
    rows: list[list[str]],
    *,
    width: int | None = None,
    keep: tuple[str, ...] = (),
) -> str:
    """Columns padded by display width; empty trailing columns dropped. With `width`, every line
    fits it: long cells are cut with …, the columns not named in `keep` first, then those in
    `keep` (the term and its rendering), each column never below its header or 8 cells."""
    rows = [[" ".join(cell.split()) for cell in row] for row in rows]  # one line per row
    shown = [i for i in range(len(headers)) if any(row[i] for row in rows) or i < 2]
    headers = [headers[i] for i in shown]
    rows = [[row[i] for i in shown] for row in rows]
    widths = [max(display_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    if width is not None:
        kept = [h in keep for h in headers]
        widths = fit_columns(widths, headers, kept, width - 2 * (len(headers) - 1))
        rows = [[truncate(cell, widths[i]) for i, cell in enumerate(row)] for row in rows]
    lines = []
    for row in [headers, *rows]:
        cells = [cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def fit_columns(widths: list[int], headers: list[str], kept: list[bool], room: int) -> list[int]:
    """Column widths summing to at most `room`: the others are capped first, by one common cap
    so that narrow columns keep their width, then the kept ones."""
    floors = [min(w, max(display_width(h), 8)) for w, h in zip(widths, headers, strict=True)]
    out = list(widths)
    for group in (False, True):
        if sum(out) <= room:
            break
        cols = [i for i, k in enumerate(kept) if k == group]
        fixed = sum(out[i] for i in range(len(out)) if i not in cols)
        cap = max((out[i] for i in cols), default=0)
        while cap > 0 and fixed + sum(min(widths[i], max(cap, floors[i])) for i in cols) > room:
            cap -= 1
        for i in cols:
            out[i] = min(widths[i], max(cap, floors[i]))
    return out
