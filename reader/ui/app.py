"""`ReaderApp`: the Textual application. Thin: it opens a `ReaderScreen` on one document."""

from __future__ import annotations

from textual.app import App
from textual.screen import Screen

from reader.ui.screens.reader_screen import ReaderScreen


class ReaderApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "reader"
    ENABLE_COMMAND_PALETTE = False  # every action has its own key (see `?`)

    def __init__(
        self,
        path: str,
        *,
        encoding: str | None = None,
        engine: str = "auto",
        glossary: str | None = None,
    ) -> None:
        super().__init__()
        self.path = path
        self.options = {"encoding": encoding, "engine": engine, "glossary": glossary}

    def get_default_screen(self) -> Screen:
        return ReaderScreen(self.path, **self.options)  # type: ignore[arg-type]

    @property
    def reader(self) -> ReaderScreen:
        """The reader screen (the bottom of the stack, under any dialog)."""
        screen = self.screen_stack[0]
        assert isinstance(screen, ReaderScreen)
        return screen
