"""`ReaderApp`: the Textual application. Thin: it opens a `ReaderScreen` on one document."""

from __future__ import annotations

from textual.app import App

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
        data: bytes | None = None,
    ) -> None:
        super().__init__()
        self.path, self.encoding, self.engine, self.glossary = path, encoding, engine, glossary
        self.data = data  # already read and checked by `reader read` (stdin can be read once)

    def on_mount(self) -> None:
        # pushed, not the default screen: only pushed screens can be switched for another
        # document (`o`)
        self.push_screen(
            ReaderScreen(
                self.path,
                encoding=self.encoding,
                engine=self.engine,
                glossary=self.glossary,
                data=self.data,
            )
        )

    @property
    def reader(self) -> ReaderScreen:
        """The reader screen (under any dialog; the newest after opening another document)."""
        return next(s for s in reversed(self.screen_stack) if isinstance(s, ReaderScreen))
