"""Translation memory: machine translations per sentence, and the user's post-edits per paragraph.

Guarantees:
- One SQLite file (WAL mode) at `paths.cache_dir() / "memory.sqlite3"` unless a path is given.
- A machine translation is keyed by engine name, model id, settings key, a digest of the glossary
  entries that apply to the sentence (and the protection mode), and the sentence text, so editing
  one glossary entry re-translates only the sentences that contain it.
- `put` commits at once, so an interrupted run keeps every sentence it finished.
- Post-edits are the user's words: keyed by document and by a hash of the paragraph's source text
  (they survive re-opening and paragraph renumbering) and always win over machine output.
- A corrupt file is moved aside as `memory.sqlite3.corrupt-<timestamp>` and rebuilt; the reason
  is appended to `memory.warnings` for the caller to show.
- Safe for one worker thread writing while another thread reads (one connection, one lock).
- A file locked by another writer for over `LOCK_TIMEOUT` seconds, a full disk or an
  unopenable file raise `ReaderError` (one line), and are never mistaken for corruption.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from reader.errors import ReaderError

T = TypeVar("T")
# seconds to wait for another process's write lock: a `reader export` commits each batch in
# milliseconds, so a lock held this long is a stuck or very busy writer
LOCK_TIMEOUT = 10.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS mt (
    key TEXT PRIMARY KEY,
    engine TEXT NOT NULL,
    english TEXT NOT NULL,
    meta TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS post_edit (
    doc_key TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    paragraph_id TEXT NOT NULL,
    english TEXT NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (doc_key, source_hash)
);
CREATE INDEX IF NOT EXISTS post_edit_source ON post_edit (source_hash);
"""


@dataclass(frozen=True, slots=True)
class MemoryKey:
    """What a cached machine translation depends on."""

    engine: str
    model_id: str
    settings_key: str
    glossary_digest: str  # `glossary_digest(...)` of the entries that apply to the sentence
    sentence: str

    def digest(self) -> str:
        raw = "\x1f".join(
            (self.engine, self.model_id, self.settings_key, self.glossary_digest, self.sentence)
        )
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class MemoryEntry:
    english: str
    meta: dict[str, Any]  # term statuses and flags, as written by `reader.translation.pipeline`


def glossary_digest(entries: Iterable[tuple[str, str, bool]], protect: str) -> str:
    """Digest of (zh, en, dnt) of each entry that applies to a sentence, plus the protection mode.

    Order-insensitive, so reordering the glossary file does not invalidate anything.
    """
    parts = sorted({f"{zh}\x1e{en}\x1e{int(dnt)}" for zh, en, dnt in entries})
    raw = protect + "\x1d" + "\x1d".join(parts)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TranslationMemory:
    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            from reader import paths

            path = paths.cache_dir() / "memory.sqlite3"
        self.path = Path(path)
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self._conn = self._open()

    # -- machine translations ------------------------------------------------------------

    def get_many(self, keys: Sequence[MemoryKey]) -> dict[MemoryKey, MemoryEntry]:
        """The cached translations among `keys` (misses are absent from the result)."""
        by_digest = {key.digest(): key for key in keys}
        found: dict[MemoryKey, MemoryEntry] = {}
        digests = list(by_digest)

        def run(conn: sqlite3.Connection) -> None:
            # SQLite's default limit on bound parameters is 999 in old builds
            for i in range(0, len(digests), 500):
                chunk = digests[i : i + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT key, english, meta FROM mt WHERE key IN ({marks})", chunk
                )
                for digest, english, meta in rows:
                    found[by_digest[digest]] = MemoryEntry(english, json.loads(meta))

        self._run(run)
        return found

    def get(self, key: MemoryKey) -> MemoryEntry | None:
        return self.get_many([key]).get(key)

    def put(self, key: MemoryKey, english: str, meta: dict[str, Any] | None = None) -> None:
        """Store one finished sentence and commit, so an interrupted run keeps it."""
        self.put_many([(key, english, meta or {})])

    def put_many(self, items: Sequence[tuple[MemoryKey, str, dict[str, Any]]]) -> None:
        """Store a small group of finished sentences in one commit."""
        rows = [
            (key.digest(), key.engine, english, json.dumps(meta, ensure_ascii=False), time.time())
            for key, english, meta in items
        ]

        def run(conn: sqlite3.Connection) -> None:
            with conn:
                conn.executemany("INSERT OR REPLACE INTO mt VALUES (?, ?, ?, ?, ?)", rows)

        self._run(run)

    def count(self) -> int:
        return self._run(lambda conn: conn.execute("SELECT count(*) FROM mt").fetchone()[0])

    # -- post-edits ----------------------------------------------------------------------

    def set_post_edit(
        self, doc_key: str, paragraph_id: str, source_text: str, english: str
    ) -> None:
        """Record the user's own English for a paragraph; it wins over any machine output."""
        row = (doc_key, source_hash(source_text), paragraph_id, english, time.time())

        def run(conn: sqlite3.Connection) -> None:
            with conn:
                conn.execute("INSERT OR REPLACE INTO post_edit VALUES (?, ?, ?, ?, ?)", row)

        self._run(run)

    def post_edit(
        self, paragraph_id: str, source_text: str, doc_key: str | None = None
    ) -> str | None:
        """The user's English for this paragraph text, or None.

        Looks in the same document first, then for the same paragraph text edited elsewhere
        (same id first, most recent first): a paragraph the user fixed once stays fixed.
        """
        digest = source_hash(source_text)

        def run(conn: sqlite3.Connection) -> str | None:
            if doc_key is not None:
                row = conn.execute(
                    "SELECT english FROM post_edit WHERE doc_key = ? AND source_hash = ?",
                    (doc_key, digest),
                ).fetchone()
                if row:
                    return str(row[0])
            row = conn.execute(
                "SELECT english FROM post_edit WHERE source_hash = ? "
                "ORDER BY paragraph_id = ? DESC, updated DESC LIMIT 1",
                (digest, paragraph_id),
            ).fetchone()
            return str(row[0]) if row else None

        return self._run(run)

    def clear_post_edit(self, doc_key: str | None, paragraph_id: str, source_text: str) -> bool:
        """Forget the user's English for this paragraph text; True when there was one.

        Clears it for every document (with `doc_key` None, or when the same text was edited
        elsewhere): otherwise the edit from another document would come back as a fallback.
        """
        digest = source_hash(source_text)

        def run(conn: sqlite3.Connection) -> bool:
            with conn:
                cursor = conn.execute("DELETE FROM post_edit WHERE source_hash = ?", (digest,))
            return cursor.rowcount > 0

        return self._run(run)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- plumbing ------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.OperationalError as error:  # locked, disk full: the file is fine
            raise self._unusable(error) from None
        except sqlite3.DatabaseError as error:
            self._move_aside(error)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # the UI thread reads while a worker thread writes; self._lock serialises them
        conn = sqlite3.connect(self.path, check_same_thread=False, timeout=LOCK_TIMEOUT)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a power cut may lose the last commits, never corrupt the file
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(SCHEMA)
            conn.execute("SELECT count(*) FROM mt").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _unusable(self, error: sqlite3.OperationalError) -> ReaderError:
        message = str(error)
        if "locked" in message or "busy" in message:
            message = (
                f"translation memory is locked by another process for over {LOCK_TIMEOUT:g} s "
                "(another `reader` writing?); try again when it is done"
            )
        elif "full" in message:
            message = "cannot write the translation memory: the disk is full"
        else:
            message = f"cannot use the translation memory: {message}"
        return ReaderError(self.path, message)

    def _move_aside(self, error: Exception) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        if self.path.exists():
            self.path.replace(aside)
        for suffix in ("-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        self.warnings.append(
            f"translation memory {self.path} was unreadable ({error}); "
            f"moved it to {aside.name} and started a new one"
        )

    def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            try:
                return fn(self._conn)
            except sqlite3.OperationalError as error:
                raise self._unusable(error) from None  # locked, disk full: not corruption
            except sqlite3.DatabaseError as error:
                # damaged while open (malformed page): rebuild once and carry on empty
                self._conn.close()
                self._move_aside(error)
                self._conn = self._connect()
                return fn(self._conn)
