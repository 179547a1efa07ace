"""Load the document in a forked process while the reader's own process starts Textual.

Why: on 2 cores, Textual's import and start (~0.3 s of the interpreter lock) and the
document's load (seed 001: ~0.1 s of imports and cleaning; 2 MB: ~0.6 s) ran one after the
other, and the text came a frame after a "Loading…" screen. A child process does the load on
the other core; the screen shows the text in its first paint when the child is done by then.

Guarantees:
- the child reads nothing from and writes nothing to the terminal (its standard streams are
  /dev/null, ctrl+c is the parent's), and always ends with `os._exit`; it sends back one
  pickle: the `Document`, its key and its warnings, or the one-line error of a document that
  cannot be read;
- anything unexpected (no fork on this system, other threads running, the child crashing,
  killed or sending garbage) makes `message()` return None and the caller load the document
  itself, as it did before; the child's failure is never the user's;
- the child is reaped, and `cancel()` (quitting while it still works) kills it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from reader.documents.document import Document
    from reader.errors import ReaderError
    from reader.glossary.layers import LayeredGlossary
    from reader.ui.messages import DocumentLoaded, LoadFailed


class Preload:
    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self._chunks: list[bytes] = []
        self._done = threading.Event()
        # reading the pipe releases the interpreter lock; unpickling waits for `message()`
        threading.Thread(target=self._read, args=(fd,), name="preload", daemon=True).start()

    @classmethod
    def start(
        cls,
        path: str,
        encoding: str | None,
        glossary: str | Sequence[str] | None,
        data: bytes | None,
    ) -> Preload | None:
        """Fork the loading child; None where that is not safe (no fork, other threads, whose
        locks the child would inherit held) or the system refuses."""
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return None
        try:
            read_end, write_end = os.pipe()
            pid = os.fork()
        except OSError:
            return None
        if pid == 0:  # the child
            os.close(read_end)
            _child(write_end, path, encoding, glossary, data)
        os.close(write_end)
        return cls(pid, read_end)

    def _read(self, fd: int) -> None:
        try:
            while chunk := os.read(fd, 1 << 20):
                self._chunks.append(chunk)
        except OSError:
            self._chunks.clear()
        finally:
            os.close(fd)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self._done.set()

    def ready(self, timeout: float = 0.0) -> bool:
        """Whether the child's answer is in (waiting up to `timeout` seconds for it)."""
        return self._done.wait(timeout)

    def message(self, path: str) -> DocumentLoaded | LoadFailed | None:
        """The loaded document (or why it cannot be read), waiting for the child; None when
        the child gave no usable answer."""
        from reader.ui.messages import DocumentLoaded, LoadFailed

        self._done.wait()
        try:
            answer = pickle.loads(b"".join(self._chunks))
        except Exception:  # killed mid-write, out of memory: the caller loads it itself
            return None
        finally:
            self._chunks.clear()
        if isinstance(answer, str):
            return LoadFailed(path, answer)
        if not isinstance(answer, tuple) or len(answer) != 3:
            return None
        doc, key, warnings = answer
        return DocumentLoaded(path, doc, key, {}, warnings)

    def cancel(self) -> None:
        if not self._done.is_set():
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)


def _child(
    fd: int,
    path: str,
    encoding: str | None,
    glossary: str | Sequence[str] | None,
    data: bytes | None,
) -> None:
    """In the forked child: load, send, exit. Never returns."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c is for the reader
        null = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(null, std)
        from reader.errors import ReaderError

        try:
            answer: object = _load(path, encoding, glossary, data)
        except (ReaderError, OSError) as error:
            answer = failure_line(path, error)
        payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        status = 0
    except BaseException:  # anything: the parent loads it itself and says what failed
        pass
    finally:
        os._exit(status)


def read_document(
    path: str,
    encoding: str | None,
    open_glossary: Callable[[str], LayeredGlossary],
    data: bytes | None = None,
) -> tuple[Document, str, list[str]]:
    """Read, decode and clean the document: it, its key (the reading position's and the
    post-edits'; '' for stdin) and its warnings with those of its glossary layers."""
    # lazy: off the TUI's first paint (~45 ms of imports)
    from reader.documents.loading import load_document, read_source
    from reader.documents.positions import document_key

    # `data`: already read and checked by `reader read` (stdin can be read only once)
    data = data if data is not None else read_source(path)
    doc = load_document(path, encoding, data=data)
    problems = open_glossary(path).problems  # its project glossary, if another one
    warnings = [*doc.warnings, *(str(p) for p in problems)]
    return doc, document_key(path, data) if path != "-" else "", warnings


def failure_line(path: str, error: ReaderError | OSError) -> str:
    """The one line saying why the document cannot be read."""
    if isinstance(error, OSError):
        return f"reader: {path}: {error.strerror or error}"
    return error.render()


def _load(
    path: str, encoding: str | None, glossary: str | Sequence[str] | None, data: bytes | None
) -> tuple[Document, str, list[str]]:
    from reader.glossary.layers import open_layers

    return read_document(
        path, encoding, lambda document: open_layers(glossary, document=document), data
    )
