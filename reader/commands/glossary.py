"""`reader glossary …`: list, add, edit, remove, check, import, export, path, suggest."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("glossary", help="view and edit the glossary")
    parser.set_defaults(func=lambda args: parser.print_help() or 0)
