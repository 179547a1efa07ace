"""`ReaderApp`: the Textual application. Thin: it owns the services and opens a `ReaderScreen`.

Guarantees: the glossary, the engine and the translation memory live here (`Services`), once
per app; `q`, `ctrl+q` and `ctrl+c` (in the reading view) all save the reading position; the
process ends within a second of quitting even when a thread is inside an engine call (that
call's result is discarded).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from reader.ui.screens.reader_screen import ReaderScreen
from reader.ui.services import Services

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop
    from collections.abc import Sequence

    from textual.app import AutopilotCallbackType

    from reader.ui.preload import Preload


class ReaderApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "reader"
    ENABLE_COMMAND_PALETTE = False  # every action has its own key (see `?`)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        # not a priority: in a text field ctrl+c copies; in the reading view it quits, as a
        # terminal user expects (Textual's default only said "press ctrl+q to quit")
        Binding("ctrl+c", "interrupt", "Quit", show=False),
    ]

    def __init__(
        self,
        path: str,
        *,
        encoding: str | None = None,
        engine: str = "auto",
        glossary: str | Sequence[str] | None = None,
        data: bytes | None = None,
        preload: Preload | None = None,
    ) -> None:
        super().__init__()
        self.path, self.encoding = path, encoding
        self.services = Services(engine, glossary, document=path)
        self.services.on_warning = self._warn
        self.data = data  # already read and checked by `reader read` (stdin can be read once)
        self.preload = preload  # the first document, loading in a child process
        self.crash_report: str | None = None  # the one line, when an exception ended the app

    def on_mount(self) -> None:
        # pushed, not the default screen: only pushed screens can be switched for another
        # document (`o`)
        screen = ReaderScreen(self.path, encoding=self.encoding, data=self.data)
        screen.preload = self.preload
        self.push_screen(screen)

    def _warn(self, text: str) -> None:
        """A warning of the core (the memory warns from worker threads), shown as it happens."""
        try:
            self.call_from_thread(self.notify, text, severity="warning", timeout=15)
        except RuntimeError:  # already on the event loop's thread
            self.notify(text, severity="warning", timeout=15)

    def _handle_exception(self, error: Exception) -> None:
        """An exception no handler caught (Textual would print a full traceback with locals
        on exit): the app ends with exit status 2 and `crash_report`, one line naming the log
        file that holds the traceback; `reader read` prints it."""
        from reader.crash import report

        if self.crash_report is None:
            self.crash_report = report("the reader", error)
        self._return_code = 2
        if self._exception is None:  # Pilot tests re-raise it
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    @property
    def reader(self) -> ReaderScreen:
        """The reader screen (under any dialog; the newest after opening another document)."""
        return next(s for s in reversed(self.screen_stack) if isinstance(s, ReaderScreen))

    async def action_quit(self) -> None:
        """ctrl+q, ctrl+c: like `q`, the reading position is kept."""
        self.reader.action_quit_reader()

    async def action_interrupt(self) -> None:
        """ctrl+c that no text field took (nothing selected to copy): quit from the reading view;
        in a dialog it might throw away what was typed (a post-edit), so only say how to quit."""
        from textual.widgets import Input, TextArea

        if self.screen is self.reader and not isinstance(self.focused, Input | TextArea):
            self.reader.action_quit_reader()
        else:
            self.action_help_quit()

    def run(
        self,
        *,
        headless: bool = False,
        inline: bool = False,
        inline_no_clear: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
        auto_pilot: AutopilotCallbackType | None = None,
        loop: AbstractEventLoop | None = None,
    ) -> None:
        result = super().run(
            headless=headless,
            inline=inline,
            inline_no_clear=inline_no_clear,
            mouse=mouse,
            size=size,
            auto_pilot=auto_pilot,
            loop=loop,
        )
        if self.crash_report is not None:
            print(self.crash_report, file=sys.stderr)
        if self.preload is not None:
            self.preload.cancel()  # quit before the document was read: the child goes too
        if self.services.busy:
            # a thread is inside an engine call (Argos: up to ~80 s a batch) or a first
            # dictionary load; its result is not wanted and the interpreter would wait for it
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(self.return_code or 0)
        return result
