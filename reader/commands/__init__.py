"""One module per command group; each exposes `register(subparsers)` and sets `func` on its parser.

A command's `func(args) -> int` returns the exit code; `ReaderError`s are printed by `cli.main`.
"""
