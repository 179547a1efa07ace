"""Errors the user can act on. Each renders as one line: `reader: <where>: <what is wrong>`."""

from __future__ import annotations


class ReaderError(Exception):
    """A problem with the user's input, shown as one line and exit code 2, never a traceback."""

    exit_code = 2

    def __init__(self, where: str | object, message: str, line: int | None = None) -> None:
        self.where = str(where)
        self.message = message
        self.line = line
        super().__init__(self.render())

    def render(self) -> str:
        where = f"{self.where}:{self.line}" if self.line is not None else self.where
        return f"reader: {where}: {self.message}"
