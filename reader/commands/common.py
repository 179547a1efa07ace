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
