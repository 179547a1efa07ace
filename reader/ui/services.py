"""What the reader app owns once for all the documents it opens: glossary, engine, memory.

Guarantees:
- the glossary is read once (again only for a document whose glossary layers are other files:
  another project's glossary.csv beside it), the engine chosen and its model loaded once, and
  the translation memory (one SQLite connection) opened once per app, however many documents
  `o` opens;
- building is thread-safe (one lock) and happens in worker threads, never in the UI thread;
- `busy` says whether a daemon thread is still inside an engine call, so the app can end the
  process at once on quit instead of waiting for the call (Argos: up to ~80 s per batch).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.glossary.layers import LayeredGlossary
    from reader.translation.pipeline import Translator


class Services:
    def __init__(
        self,
        engine: str = "auto",
        glossary: str | Sequence[str] | None = None,
        document: str | None = None,
    ) -> None:
        # warnings of the translation memory (locked, disk full, moved aside), from any thread
        self.on_warning: Callable[[str], None] | None = None
        self.engine_choice = engine
        self.glossary_path = glossary  # every --glossary, first to last
        self.document = document  # the first document's folder may hold its project glossary
        self.glossary: LayeredGlossary | None = None
        self.translator: Translator | None = None
        self.engine_name = ""  # e.g. "argos (translate-zh_en-1.9)"
        self.engine_message = ""  # select_engine's one-line explanation
        self.engine_loads = 0  # tests: opening another document does not load it again
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def open_glossary(self, document: str | None = None) -> LayeredGlossary:
        """The glossary layers, read on first use. With `document` (one being opened), the
        layers for it: read again only when they are other files (another project's
        glossary.csv beside it); the same files keep the glossary as it is."""
        with self._lock:
            if document is not None and document != self.document:
                self.document = document
                if self.glossary is not None and not self._same_layers(document):
                    self.glossary = None
            if self.glossary is None:
                # lazy: off the TUI's first paint (all such hoisted: +~150 ms); not through
                # translation.session, whose engines, pipeline and packages (~60 ms of
                # imports) would delay the document's text (the reader shows the problems)
                from reader.glossary.layers import open_layers

                self.glossary = open_layers(self.glossary_path, document=self.document)
                if self.translator is not None:
                    self.translator.glossary = self.glossary
            return self.glossary

    def _same_layers(self, document: str) -> bool:
        from reader.glossary.layers import resolve_layers  # lazy: as above

        assert self.glossary is not None
        now = [
            os.path.realpath(s.path) for s in resolve_layers(self.glossary_path, document=document)
        ]
        return now == [os.path.realpath(layer.path) for layer in self.glossary.layers]

    def set_glossary(self, glossary: LayeredGlossary) -> None:
        """Use `glossary` from now on (after a merge with the file on disk)."""
        with self._lock:
            self.glossary = glossary
            if self.translator is not None:
                self.translator.glossary = glossary

    def open_translator(self) -> tuple[Translator, bool]:
        """The translator, built on first use (engine import and model load: seconds); and
        whether this call built it."""
        glossary = self.open_glossary()
        with self._lock:
            if self.translator is not None:
                return self.translator, False
            # lazy: off the TUI's first paint (all such hoisted: +~150 ms; the pipeline and
            # the memory alone ~50 ms)
            from reader.translation.engines.select import select_engine
            from reader.translation.memory import TranslationMemory
            from reader.translation.pipeline import Translator

            engine, message = select_engine(self.engine_choice)
            model = getattr(engine, "model_id", "")
            self.engine_name = f"{engine.name} ({model})" if model else engine.name
            self.engine_message = message
            self.engine_loads += 1
            memory = TranslationMemory(on_warning=self._warn)
            self.translator = Translator(engine, glossary, memory)
            return self.translator, True

    def _warn(self, text: str) -> None:
        if self.on_warning is not None:
            self.on_warning(text)

    @property
    def is_gloss(self) -> bool:
        return self.translator is not None and self.translator.engine.name == "gloss"

    def run_daemon(self, target: Callable[[], None], name: str) -> threading.Thread:
        """Run `target` in a daemon thread: quitting never waits for it (Textual's thread
        workers run in the event loop's executor, which the interpreter joins at exit)."""
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()
        return thread

    @property
    def busy(self) -> bool:
        return any(t.is_alive() for t in self._threads)
