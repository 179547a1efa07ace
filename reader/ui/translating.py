"""The reader's background translation: one run at a time, in a daemon thread, by run id.

Guarantees:
- a run translates the ids it was given in that order and posts `ParagraphsTranslated` every 8
  paragraphs (a handful per message keeps the UI thread's work per message small), then
  `TranslationFinished`; every message carries the run's id;
- starting a run cancels the previous one (between batches); `accepts` is true only for the
  messages of the newest run, so a cancelled run that is still inside an engine call cannot
  overwrite the new run's progress or its results (they are in the memory: the new run gets
  them at no model cost);
- the thread is a daemon: quitting never waits for the engine (see `Services.busy`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from reader.errors import ReaderError
from reader.ui.messages import EngineReady, ParagraphsTranslated, TranslationFinished

if TYPE_CHECKING:
    from textual.message import Message

    from reader.documents.document import Document
    from reader.translation.pipeline import ParagraphTranslation
    from reader.ui.services import Services

BATCH = 8  # paragraphs per message


class BackgroundTranslation:
    def __init__(self, services: Services, post: Callable[[Message], object]) -> None:
        self.services = services
        self.post = post
        self.run = 0  # id of the newest run
        self.queue: list[str] = []  # paragraph ids of the newest run, in order
        self.done = 0
        self.running = False
        self._cancel = threading.Event()

    @property
    def total(self) -> int:
        return len(self.queue)

    def start(self, doc: Document, ids: Sequence[str]) -> None:
        self.cancel()
        self.run += 1
        self.queue, self.done, self.running = list(ids), 0, True
        self._cancel = cancel = threading.Event()
        run = self.run
        self.services.run_daemon(
            lambda: self._work(doc, run, list(ids), cancel), f"translate-{run}"
        )

    def cancel(self) -> None:
        self._cancel.set()

    def accepts(self, message: ParagraphsTranslated | TranslationFinished) -> bool:
        return message.run == self.run

    def _work(self, doc: Document, run: int, ids: list[str], cancel: threading.Event) -> None:
        try:
            translator, first = self.services.open_translator()
            if first:
                s = self.services
                self.post(EngineReady(s.engine_name, s.engine_message, first=True))
            if cancel.is_set():
                return
            done = 0
            batch: list[ParagraphTranslation] = []

            def on_paragraph(result: ParagraphTranslation) -> None:
                nonlocal done
                if cancel.is_set():
                    return  # abandoned: the new run owns the screen
                done += 1
                batch.append(result)
                if len(batch) >= BATCH or done == len(ids):
                    self.post(ParagraphsTranslated(run, batch.copy(), done, len(ids)))
                    batch.clear()

            translator.translate(doc, ids, on_paragraph=on_paragraph, cancel=cancel)
            if batch and not cancel.is_set():
                self.post(ParagraphsTranslated(run, batch.copy(), done, len(ids)))
            self.post(TranslationFinished(run, cancelled=cancel.is_set()))
        except ReaderError as error:
            self.post(TranslationFinished(run, cancelled=False, error=error.render()))
        except Exception as error:  # an engine failure must not kill the reader
            if cancel.is_set():
                return  # abandoned (another run, or the app is closing): nobody waits for it
            from reader.crash import report

            self.post(TranslationFinished(run, cancelled=False, error=report("translation", error)))
