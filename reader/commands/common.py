"""Options shared by several commands."""

from __future__ import annotations

import argparse


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
    from reader.documents.loading import parse_size

    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_engine_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=("auto", "argos", "gloss", "llm"),
        default="auto",
        help="translation engine: argos (installed zh→en model), gloss (built-in dictionary), "
        "llm (an OpenAI-compatible server; see `reader config`), "
        "auto (argos when installed, else gloss; default; never llm)",
    )
    parser.add_argument(
        "--llm-url", metavar="URL", help="llm server base URL, e.g. http://127.0.0.1:8080/v1"
    )
    parser.add_argument("--llm-model", metavar="NAME", help="llm model name")


def add_glossary_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--glossary",
        metavar="PATH",
        help="glossary CSV (default: ./glossary.csv if present, else your own glossary; "
        "see `reader glossary path`)",
    )


def display_width(text: str) -> int:
    """Terminal cells: Chinese characters take two (measured as the TUI does, by rich.cells)."""
    from rich.cells import cell_len  # a few ms; rich comes with textual

    return cell_len(text)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Columns padded by display width; empty trailing columns dropped."""
    rows = [[" ".join(cell.split()) for cell in row] for row in rows]  # one line per row
    keep = [i for i in range(len(headers)) if any(row[i] for row in rows) or i < 2]
    headers = [headers[i] for i in keep]
    rows = [[row[i] for i in keep] for row in rows]
    widths = [max(display_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = []
    for row in [headers, *rows]:
        cells = [cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
