"""What the reader app owns once for all the documents it opens: glossary, engine, memory.

Guarantees:
- the glossary is read once, the engine chosen and its model loaded once, and the translation
  memory (one SQLite connection) opened once per app, however many documents `o` opens;
- building is thread-safe (one lock) and happens in worker threads, never in the UI thread;
- `busy` says whether a daemon thread is still inside an engine call, so the app can end the
  process at once on quit instead of waiting for the call (Argos: up to ~80 s per batch).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.glossary.file import Glossary
    from reader.translation.pipeline import Translator


class Services:
    def __init__(self, engine: str = "auto", glossary: str | None = None) -> None:
        # warnings of the translation memory (locked, disk full, moved aside), from any thread
        self.on_warning: Callable[[str], None] | None = None
        self.engine_choice = engine
        self.glossary_path = glossary
        self.glossary: Glossary | None = None
        self.translator: Translator | None = None
        self.engine_name = ""  # e.g. "argos (translate-zh_en-1.9)"
        self.engine_message = ""  # select_engine's one-line explanation
        self.engine_loads = 0  # tests: opening another document does not load it again
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def open_glossary(self) -> Glossary:
        with self._lock:
            if self.glossary is None:
                # lazy: off the TUI's first paint (all such hoisted: +~150 ms); not through
                # translation.session, whose engines, pipeline and packages (~60 ms of
                # imports) would delay the document's text (the reader shows the problems)
                from reader.glossary.file import Glossary, resolve_glossary_path

                self.glossary = Glossary.load(resolve_glossary_path(self.glossary_path))
            return self.glossary

    def set_glossary(self, glossary: Glossary) -> None:
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
