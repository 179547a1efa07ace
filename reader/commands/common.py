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


def add_engine_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=("auto", "argos", "gloss"),
        default="auto",
        help="translation engine: argos (installed zh→en model), gloss (built-in dictionary), "
        "auto (argos when installed, else gloss; default)",
    )


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
