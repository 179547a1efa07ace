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
    # lazy: run time only; cli imports every command (all hoisted: --help 0.17 s -> 0.39 s)
    from reader.documents.loading import parse_size

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
    """Terminal cells: Chinese characters take two (measured as the TUI does, by rich.cells)."""
    from rich.cells import cell_len  # a few ms; rich comes with textual

    return cell_len(text)


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


def wrap(text: str, width: int | None, indent: str = "") -> list[str]:
    """`text` broken at spaces into lines of at most `width` cells (continuations start with
    `indent`); a word wider than a line is broken between characters (Chinese has no spaces)."""
    if width is None or display_width(text) <= width:
        return [text]
    from rich.cells import chop_cells

    body = text.lstrip(" ")
    lines: list[str] = []
    line = text[: len(text) - len(body)]  # the first line keeps its own indent
    fresh = True  # no word on `line` yet
    for word in body.split(" "):
        if fresh or display_width(f"{line} {word}") <= width:
            line, fresh = (line + word if fresh else f"{line} {word}"), False
        else:
            lines.append(line)
            line = indent + word
        while display_width(line) > width:  # a word wider than a line
            head = chop_cells(line, width)[0]
            if not head.strip():
                break
            lines.append(head)
            line = indent + line[len(head) :]
    lines.append(line)
    return lines


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
