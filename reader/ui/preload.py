"""Load the document in a forked process while the reader's own process starts Textual.

Why: on 2 cores, Textual's import and start (~0.3 s of the interpreter lock) and the
document's load (seed 001: ~0.1 s of imports and cleaning; 2 MB: ~0.6 s) ran one after the
other, and the text came a frame after a "Loading…" screen. A child process does the load on
the other core; the screen shows the text in its first paint when the child is done by then.

Guarantees:
- the child reads nothing from the terminal (its standard streams are /dev/null, ctrl+c is
  the parent's) and always ends with `os._exit`; it sends back frames (an 8-byte length, a
  pickle): first a preview (`reader.documents.loading.preview_document`: a large text's
  first screen, or None), then the `Document`, its key, its warnings and whether a reading
  position was kept, or the one-line error of a document that cannot be read; then what the
  translation memory holds for the first screen (`Cached`, read-only: the child never writes,
  migrates or repairs a file the reader's own process may be writing);
- the first paint: when the view opens at the top (no reading position kept, or one at the
  very start) and the reader's terminal is stderr, the child draws the first screen there
  (`reader.ui.first_paint`) as soon as it has it (a document read before: with the English
  the memory holds, as the screen's first frame has it), unless the reader took the terminal
  first: one byte in a pipe is the terminal, taken by whoever writes to it before Textual
  starts (`take_terminal`), so the two never write at once;
- anything unexpected (no fork on this system, other threads running, the child crashing,
  killed or sending garbage) makes `message()` return None and the caller load the document
  itself, as it did before; the child's failure is never the user's;
- the child is reaped, and `cancel()` (quitting while it still works) kills it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from reader.documents.document import Document
    from reader.errors import ReaderError
    from reader.glossary.layers import LayeredGlossary
    from reader.translation.engines.base import TranslationEngine
    from reader.translation.pipeline import ParagraphTranslation
    from reader.ui.messages import DocumentLoaded, LoadFailed


FIRST_SCREEN = 60  # paragraphs from the reading position whose English the child looks up
# The terminal token: FREE until the child paints (then PAINTED); the reader waits at most
# TOKEN_WAIT for a paint under way (a screen's text is one write of ~10 KB: < 1 ms)
FREE, PAINTED = b"F", b"P"
TOKEN_WAIT = 0.5
PREVIEW, DOCUMENT, CACHED = range(3)  # the frames, in the order the child sends them


@dataclass
class Cached:
    """The English the translation memory holds for the first screen's paragraphs, keyed by
    the engine that would produce it (named without loading its model)."""

    engine: tuple[str, str, str]  # name, model_id, settings_key
    translations: list[ParagraphTranslation]


class Preload:
    def __init__(self, pid: int, fd: int, token: int) -> None:
        self.pid = pid
        self.painted = False  # the child drew the first screen (known once the terminal is taken)
        self._token = token
        self.seen_before = False  # a reading position was kept: its English is likely cached
        self._frames: list[bytes] = []
        self._changed = threading.Condition()
        self._done = False  # the child closed its end
        # reading the pipe releases the interpreter lock; unpickling waits for the caller
        threading.Thread(target=self._read, args=(fd,), name="preload", daemon=True).start()

    @classmethod
    def start(
        cls,
        path: str,
        encoding: str | None,
        glossary: str | Sequence[str] | None,
        data: bytes | None,
        engine: str = "auto",
    ) -> Preload | None:
        """Fork the loading child; None where that is not safe (no fork, other threads, whose
        locks the child would inherit held) or the system refuses."""
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return None
        opened: list[int] = []
        try:
            read_end, write_end = os.pipe()
            opened += (read_end, write_end)
            token, token_back = os.pipe()
            opened += (token, token_back)
            os.write(token_back, FREE)
            os.set_blocking(token, False)  # taken by whoever reads it first, never waited on
            pid = os.fork()
        except OSError:
            for fd in opened:
                os.close(fd)
            return None
        if pid == 0:  # the child
            os.close(read_end)
            _child(write_end, (token, token_back), path, encoding, glossary, data, engine)
        os.close(write_end)
        os.close(token_back)  # the child's copy: its end of file says it is gone
        return cls(pid, read_end, token)

    def take_terminal(self) -> None:
        """The terminal is the reader's from now on (before Textual starts): waits for a
        first paint under way; `painted` says whether the child drew one."""
        deadline = time.monotonic() + TOKEN_WAIT
        while (got := _take(self._token)) is None and (left := deadline - time.monotonic()) > 0:
            select.select([self._token], [], [], left)
        if got is None:  # a paint stuck in a write (ctrl+s, a slow link): it ends here, and
            self.cancel()  # the reader loads the document itself
        # none back in time, or the child ended while holding it: it may have drawn
        self.painted = got != FREE
        os.close(self._token)

    def undo_paint(self) -> None:
        """Leave the child's first paint (the alternate screen) when Textual never ran."""
        from reader.ui.first_paint import UNDO

        self.take_terminal()
        if self.painted:
            with contextlib.suppress(OSError):
                os.write(2, UNDO.encode())

    def _read(self, fd: int) -> None:
        """Frames of an 8-byte length and a pickle, as they come, until the child is done."""
        buffer = bytearray()  # appended in place: a 10 MB document's pickle is ~35 MB
        try:
            while chunk := os.read(fd, 1 << 20):
                buffer += chunk
                while len(buffer) >= 8 + (size := int.from_bytes(buffer[:8], "big")):
                    with self._changed:
                        self._frames.append(bytes(buffer[8 : 8 + size]))
                        self._changed.notify_all()
                    del buffer[: 8 + size]
        except OSError:
            pass  # what was read stays; a cut frame is dropped
        finally:
            os.close(fd)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            with self._changed:
                self._done = True
                self._changed.notify_all()

    def _wait(self, index: int, timeout: float | None) -> bool:
        """Whether frame `index` is in, waiting up to `timeout` s (None: until the child is
        done). Holds the condition's lock on return."""
        return self._changed.wait_for(lambda: len(self._frames) > index or self._done, timeout)

    def _frame(self, index: int, timeout: float | None) -> object | None:
        """Frame `index` unpickled, waiting up to `timeout` (None: until the child is done)
        for it; None when it did not come."""
        with self._changed:
            if not self._wait(index, timeout) or len(self._frames) <= index:
                return None
            frame, self._frames[index] = self._frames[index], b""
        try:
            answer: object = pickle.loads(frame)
            return answer
        except Exception:  # a child killed mid-write, out of memory: as if it never came
            return None

    def ready(self, timeout: float = 0.0) -> bool:
        """Whether the child's document (or its error) is in, waiting up to `timeout` s."""
        with self._changed:
            return self._wait(DOCUMENT, timeout)

    def preview(self, timeout: float = 0.0) -> Document | None:
        """The document's first screen, loaded alone (a large text), while the whole loads."""
        from reader.documents.document import Document

        answer = self._frame(PREVIEW, timeout)
        return answer if isinstance(answer, Document) else None

    def message(self, path: str) -> DocumentLoaded | LoadFailed | None:
        """The loaded document (or why it cannot be read), waiting for the child; None when
        the child gave no usable answer."""
        from reader.ui.messages import DocumentLoaded, LoadFailed

        answer = self._frame(DOCUMENT, None)
        if isinstance(answer, str):
            return LoadFailed(path, answer)
        if not isinstance(answer, tuple) or len(answer) != 4:
            return None
        doc, key, warnings, self.seen_before = answer
        return DocumentLoaded(path, doc, key, {}, warnings)

    def cached(self, timeout: float | None = None) -> Cached | None:
        """The first screen's cached English (after `message`), waiting up to `timeout` s;
        None when there is none to give (an LLM engine, no memory, the child failed)."""
        answer = self._frame(CACHED, timeout)
        return answer if isinstance(answer, Cached) else None

    def cancel(self) -> None:
        with self._changed:
            if self._done:
                return
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)


def _child(
    fd: int,
    token: tuple[int, int],
    path: str,
    encoding: str | None,
    glossary: str | Sequence[str] | None,
    data: bytes | None,
    engine: str,
) -> None:
    """In the forked child: send a preview, the document, then the first screen's cached
    English, drawing the first screen on the way; exit. Never returns."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c is for the reader
        terminal = os.dup(2) if _paints_on(2) else None
        null = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(null, std)
        from reader.documents.loading import preview_document, read_source
        from reader.documents.positions import document_key, load_position
        from reader.errors import ReaderError

        data = data if data is not None else read_source(path)
        key = document_key(path, data) if path != "-" else ""
        position = load_position(key) if key else None
        # the view opens at the top: the first screen is known (elsewhere it depends on the
        # heights of every row above, most of them estimates)
        at_top = position is None or (position.paragraph_index == 0 and position.char == 0)
        preview = None
        if at_top:
            with contextlib.suppress(ReaderError):  # the whole load says what is wrong
                preview = preview_document(path, data, encoding)
        _send(fd, preview)

        def first_paint(doc: Document, english: dict[str, str] | None = None) -> None:
            if terminal is not None and at_top:
                english = english or {}
                # all of them: whether the view has a scrollbar depends on the whole height
                rows = [(p.text, english.get(p.id)) for p in doc.paragraphs]
                _paint(terminal, token, rows)

        if preview is not None:
            first_paint(preview)
        try:
            # read before: the screen waits for the English the memory holds, and so do we
            shown = first_paint if preview is None and position is None else None
            doc, key, warnings, layers = _load(path, encoding, glossary, data, shown)
        except (ReaderError, OSError) as error:
            _send(fd, failure_line(path, error))
        else:
            _send(fd, (doc, key, warnings, position is not None))
            start = position.paragraph_index if position is not None else 0
            # a few above the position too: the screen may open scrolled a little back
            cached = _cached(doc, layers, engine, max(0, start - 5), FIRST_SCREEN)
            if position is not None and preview is None:
                found = cached.translations if cached is not None else []
                first_paint(doc, {t.paragraph_id: t.text for t in found})
            if cached is not None:
                _send(fd, cached)
        status = 0
    except BaseException:  # anything: the parent loads it itself and says what failed
        pass
    finally:
        os._exit(status)


def _paints_on(fd: int) -> bool:
    """Whether `fd` is the terminal Textual will draw on (its driver writes to stderr)."""
    return os.isatty(fd) and os.environ.get("TERM", "dumb") not in ("dumb", "")


def _take(token: int) -> bytes | None:
    """The token's byte (b"" once the other end is gone), or None while someone holds it."""
    try:
        return os.read(token, 1)
    except BlockingIOError:
        return None


def _paint(terminal: int, token: tuple[int, int], rows: list[tuple[str, str | None]]) -> None:
    """Draw the first screen if the terminal is still free; it is given back as PAINTED."""
    if _take(token[0]) != FREE:
        return  # the reader has it: Textual is starting
    from reader.ui.first_paint import paint

    drawn = True  # unless paint says it wrote nothing: a failure may come after a write
    try:
        drawn = paint(terminal, rows)
    finally:
        os.write(token[1], PAINTED if drawn else FREE)


def _send(fd: int, answer: object) -> None:
    payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(len(payload).to_bytes(8, "big") + payload)
    while view:
        view = view[os.write(fd, view) :]


def _cached(
    doc: Document, glossary: LayeredGlossary, choice: str, start: int, count: int
) -> Cached | None:
    """What the memory holds for paragraphs start..start+count, for the engine `choice`
    names; None without an engine to name or a memory to read."""
    from reader.errors import ReaderError
    from reader.translation.engines.select import unloaded_engine
    from reader.translation.memory import TranslationMemory
    from reader.translation.pipeline import Translator

    engine = unloaded_engine(choice)
    if engine is None:
        return None
    try:
        memory = TranslationMemory(read_only=True)  # the reader's own process writes it
    except ReaderError:
        return None
    try:
        ids = [p.id for p in doc.paragraphs[start : start + count]]
        found = Translator(engine, glossary, memory).cached(doc, ids)
    finally:
        memory.close()
    return Cached(identity(engine), list(found.values()))


def identity(engine: TranslationEngine) -> tuple[str, str, str]:
    """What of an engine keys the translation memory (see MemoryKey)."""
    return engine.name, engine.model_id, engine.settings_key


def read_document(
    path: str,
    encoding: str | None,
    open_glossary: Callable[[str], LayeredGlossary],
    data: bytes | None = None,
    shown: Callable[[Document], object] | None = None,
) -> tuple[Document, str, list[str]]:
    """Read, decode and clean the document: it, its key (the reading position's and the
    post-edits'; '' for stdin) and its warnings with those of its glossary layers; `shown`
    gets the document before the glossary opens (the first paint)."""
    # lazy: off the TUI's first paint (~45 ms of imports)
    from reader.documents.loading import load_document, read_source
    from reader.documents.positions import document_key

    # `data`: already read and checked by `reader read` (stdin can be read only once)
    data = data if data is not None else read_source(path)
    doc = load_document(path, encoding, data=data)
    if shown is not None:
        shown(doc)
    problems = open_glossary(path).problems  # its project glossary, if another one
    warnings = [*doc.warnings, *(str(p) for p in problems)]
    return doc, document_key(path, data) if path != "-" else "", warnings


def failure_line(path: str, error: ReaderError | OSError) -> str:
    """The one line saying why the document cannot be read."""
    if isinstance(error, OSError):
        return f"reader: {path}: {error.strerror or error}"
    return error.render()


def _load(
    path: str,
    encoding: str | None,
    glossary: str | Sequence[str] | None,
    data: bytes | None,
    shown: Callable[[Document], object] | None,
) -> tuple[Document, str, list[str], LayeredGlossary]:
    from reader.glossary.layers import open_layers

    opened: list[LayeredGlossary] = []

    def open_glossary(document: str) -> LayeredGlossary:
        opened.append(open_layers(glossary, document=document))
        return opened[-1]

    doc, key, warnings = read_document(path, encoding, open_glossary, data, shown)
    return doc, key, warnings, opened[-1]
