"""Translation memory: machine translations per sentence, and the user's post-edits per paragraph.

Guarantees:
- Two SQLite files (WAL mode): the machine-translation cache at
  `paths.cache_dir() / "memory.sqlite3"` (rebuildable, so it may live where cleaners delete) and
  the post-edits, the user's own words, at `paths.data_dir() / "post_edits.sqlite3"`. Post-edits
  found in an old cache file are copied to the data file on first open, then dropped from the
  cache (idempotent: a crash in between copies them again, never loses them).
- A machine translation is keyed by engine name, model id, settings key, a digest of the glossary
  entries that apply to the sentence (and the protection mode), and the sentence text, so editing
  one glossary entry re-translates only the sentences that contain it.
- `put` commits at once, so an interrupted run keeps every sentence it finished.
- Post-edits are the user's words: keyed by document and by a hash of the paragraph's source text
  (they survive re-opening and paragraph renumbering) and always win over machine output.
- Only real corruption (`DatabaseError`, not `OperationalError` such as "database is locked",
  "disk is full", "unable to open") moves a file aside, as `<name>.corrupt-<timestamp>` (its
  -wal/-shm too); the rows that can still be read are salvaged into the new file first.
- Every warning is passed to `on_warning` when it happens (and kept in `warnings`).
- The cache never fails a run: when it cannot be opened or written (disk full, locked for over
  10 s) a warning is given once and the run continues uncached. A post-edit that cannot be
  saved is a `ReaderError` (one line), never silently dropped.
- Safe for one worker thread writing while another thread reads (one connection, one lock).
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
BUSY_TIMEOUT = 10  # seconds another process may hold a write lock before we give up

MT_SCHEMA = """
CREATE TABLE IF NOT EXISTS mt (
    key TEXT PRIMARY KEY,
    engine TEXT NOT NULL,
    english TEXT NOT NULL,
    meta TEXT NOT NULL,
    created REAL NOT NULL
);
"""
EDITS_SCHEMA = """
CREATE TABLE IF NOT EXISTS post_edit (
    doc_key TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    paragraph_id TEXT NOT NULL,
    english TEXT NOT NULL,
    updated REAL NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (doc_key, source_hash)
);
CREATE INDEX IF NOT EXISTS post_edit_source ON post_edit (source_hash);
"""
# the columns of a post-edit before the source text was kept (files written before 0.x): a
# row of an old file carries these five, and its `source` stays '' until the paragraph is seen
EDIT_COLUMNS_V1 = ("doc_key", "source_hash", "paragraph_id", "english", "updated")


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


@dataclass(frozen=True, slots=True)
class PostEdit:
    """One stored post-edit, as `reader postedits` shows it."""

    doc_key: str  # the document's absolute path, "-" for stdin
    source_hash: str
    paragraph_id: str
    english: str
    updated: float  # seconds since the epoch
    source: str  # the paragraph's text; "" for an edit saved before it was kept (until seen)

    @property
    def id(self) -> str:
        """Short and stable (it survives editing the English): 8 hex digits of the key, as
        `reader postedits show` takes it (a unique prefix will do)."""
        raw = f"{self.doc_key}\x1f{self.source_hash}".encode()
        return hashlib.sha256(raw).hexdigest()[:8]


class _Store:
    """One SQLite file: opens it, tells corruption from a passing failure, salvages and moves
    aside a corrupt file. Not thread-safe on its own: `TranslationMemory` holds the lock."""

    def __init__(
        self,
        path: Path,
        schema: str,
        table: str,
        warn: Callable[[str], None],
        read_only: bool = False,
    ) -> None:
        self.path, self.schema, self.table, self.warn = path, schema, table, warn
        self.read_only = read_only
        self.conn: sqlite3.Connection | None = None
        self.salvaged: list[tuple[Any, ...]] = []  # rows read back from a corrupt file

    def open(self) -> sqlite3.Connection:
        try:
            self.conn = self._connect()
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as error:
            self.rebuild(error)
        assert self.conn is not None
        return self.conn

    def _connect(self) -> sqlite3.Connection:
        # the UI thread reads while a worker thread writes; TranslationMemory's lock serialises
        if self.read_only:  # no file made, no schema, no column added: a reader beside a writer
            uri = f"{self.path.absolute().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=BUSY_TIMEOUT)
        try:
            if not self.read_only:
                conn.execute("PRAGMA journal_mode=WAL")
                # NORMAL in WAL mode: a power cut may lose the last commits, never corrupt it
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(self.schema)
                if self.table == "post_edit":
                    _add_source_column(conn)
            conn.execute(f"SELECT count(*) FROM {self.table}").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    def rebuild(self, error: Exception) -> None:
        """Salvage readable rows, move the damaged file aside, start a new one with them; a
        read-only store leaves that to the writer and goes without (OperationalError)."""
        if self.read_only:
            raise sqlite3.OperationalError(str(error))
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        self.salvaged = _salvage(self.path, self.table)
        extra = _salvage(self.path, "post_edit") if self.table != "post_edit" else []
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        number = 1
        while aside.exists():  # never replace an earlier damaged copy
            number += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{number}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(str(self.path) + suffix)
            if part.exists():
                part.replace(Path(str(aside) + suffix))
        self.conn = self._connect()
        if self.salvaged:
            with self.conn:
                _insert(self.conn, self.table, self.salvaged)
        self.salvaged = extra  # old post-edits found in a damaged cache, for the caller
        self.warn(
            f"{self.path} was damaged ({error}); moved it to {aside.name}, kept "
            f"{_count(self.conn, self.table)} readable rows and started a new one"
        )


def _salvage(path: Path, table: str) -> list[tuple[Any, ...]]:
    """The rows of `table` that can still be read from a damaged file (up to the first bad
    page); nothing when the file is unreadable as a whole."""
    rows: list[tuple[Any, ...]] = []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return rows
    try:
        for row in conn.execute(f"SELECT * FROM {table}"):
            rows.append(tuple(row))
    except sqlite3.Error:
        pass  # keep what was read before the damage
    finally:
        conn.close()
    return rows


def _insert(conn: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert salvaged or migrated rows, keeping the rows already there: a post-edit row of an
    older file has five columns (no source text), a newer one six."""
    for width in sorted({len(row) for row in rows}):
        same = [row for row in rows if len(row) == width]
        names = ""
        if table == "post_edit":
            names = "(" + ", ".join((*EDIT_COLUMNS_V1, "source")[:width]) + ")"
        marks = ",".join("?" * width)
        conn.executemany(f"INSERT OR IGNORE INTO {table} {names} VALUES ({marks})", same)


def _add_source_column(conn: sqlite3.Connection) -> None:
    """Upgrade a post-edits file written before the source text was kept."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(post_edit)")}
    if "source" not in columns:
        with conn:
            conn.execute("ALTER TABLE post_edit ADD COLUMN source TEXT NOT NULL DEFAULT ''")


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _why(error: sqlite3.OperationalError) -> str:
    text = str(error)
    if "locked" in text or "busy" in text:
        return f"locked by another process for over {BUSY_TIMEOUT} s"
    if "full" in text:
        return "the disk is full"
    return text


class TranslationMemory:
    def __init__(
        self,
        path: Path | None = None,
        *,
        edits_path: Path | None = None,
        on_warning: Callable[[str], None] | None = None,
        read_only: bool = False,
    ) -> None:
        """The cache at `path` and post-edits at `edits_path` (defaults: the cache and data
        directories; beside `path` as `<stem>.post-edits.sqlite3` when only `path` is given).
        `read_only`: a reader beside another process that writes (reader.ui.preload): nothing
        is created, migrated or repaired, and a file that cannot be read is a ReaderError
        (post-edits) or no cache."""
        from reader import paths

        if path is None:
            path = paths.memory_file()
            edits_path = edits_path or paths.post_edits_file()
        self.path = Path(path)
        self.edits_path = Path(
            edits_path or self.path.with_name(f"{self.path.stem}.post-edits.sqlite3")
        )
        self.warnings: list[str] = []
        self._on_warning = on_warning
        self._lock = threading.RLock()
        self._cache_failed = False  # warned once; the run continues uncached
        self._edits = _Store(self.edits_path, EDITS_SCHEMA, "post_edit", self._warn, read_only)
        try:
            self._edits.open()
        except sqlite3.OperationalError as error:
            raise ReaderError(
                self.edits_path, f"cannot open your post-edits: {_why(error)}"
            ) from None
        self._cache = _Store(self.path, MT_SCHEMA, "mt", self._warn, read_only)
        try:
            self._cache.open()
        except sqlite3.OperationalError as error:
            self._cache_unavailable(error)
        if not read_only:
            self._migrate_post_edits()

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        if self._on_warning is not None:
            self._on_warning(message)

    def _cache_unavailable(self, error: sqlite3.OperationalError) -> None:
        if not self._cache_failed:
            self._cache_failed = True
            self._warn(f"translation cache {self.path}: {_why(error)}; continuing without caching")

    def _migrate_post_edits(self) -> None:
        """Copy post-edits an older version kept in the cache file into the data file."""
        rows = list(self._cache.salvaged)
        self._cache.salvaged = []
        conn = self._cache.conn
        has_table = False
        if conn is not None:
            try:
                has_table = bool(
                    conn.execute(
                        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='post_edit'"
                    ).fetchone()
                )
                if has_table:
                    rows += conn.execute("SELECT * FROM post_edit").fetchall()
            except sqlite3.DatabaseError:
                has_table = False  # a damaged old table: its rows stay in the cache file
        if rows:
            edits = self._edits.conn
            assert edits is not None
            try:
                with edits:  # the data file's own edits are newer: they win
                    _insert(edits, "post_edit", rows)
            except sqlite3.OperationalError as error:
                raise ReaderError(
                    self.edits_path, f"cannot save your post-edits: {_why(error)}"
                ) from None
            self._warn(f"moved {len(rows)} post-edits from the cache to {self.edits_path}")
        if has_table and conn is not None:
            try:
                with conn:
                    conn.execute("DROP TABLE post_edit")
            except sqlite3.OperationalError:
                pass  # copied already; dropped on a later open

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

        self._run_cache(run)
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

        self._run_cache(run)

    def count(self) -> int:
        return (
            self._run_cache(lambda conn: int(conn.execute("SELECT count(*) FROM mt").fetchone()[0]))
            or 0
        )

    # -- post-edits ----------------------------------------------------------------------

    def set_post_edit(
        self, doc_key: str, paragraph_id: str, source_text: str, english: str
    ) -> None:
        """Record the user's own English for a paragraph; it wins over any machine output.
        The source text is kept with it, so the edit can be offered again when one word of the
        paragraph changes (`reader.translation.earlier_edits`) and listed whole."""
        row = (doc_key, source_hash(source_text), paragraph_id, english, time.time(), source_text)

        def run(conn: sqlite3.Connection) -> None:
            with conn:
                conn.execute("INSERT OR REPLACE INTO post_edit VALUES (?, ?, ?, ?, ?, ?)", row)

        self._run_edits(run, "cannot save your post-edit")

    def post_edit(
        self, paragraph_id: str, source_text: str, doc_key: str | None = None
    ) -> str | None:
        """The user's English for this paragraph text, or None.

        Looks in the same document first, then for the same paragraph text edited elsewhere
        (same id first, most recent first): a paragraph the user fixed once stays fixed. An
        edit saved before the source text was kept gets it now (its paragraph is in view).
        """
        digest = source_hash(source_text)

        def run(conn: sqlite3.Connection) -> str | None:
            row = None
            if doc_key is not None:
                row = conn.execute(
                    "SELECT english, source FROM post_edit WHERE doc_key = ? AND source_hash = ?",
                    (doc_key, digest),
                ).fetchone()
            if row is None:
                row = conn.execute(
                    "SELECT english, source FROM post_edit WHERE source_hash = ? "
                    "ORDER BY paragraph_id = ? DESC, updated DESC LIMIT 1",
                    (digest, paragraph_id),
                ).fetchone()
            if row is None:
                return None
            if not row[1]:
                try:
                    with conn:
                        conn.execute(
                            "UPDATE post_edit SET source = ? WHERE source_hash = ? AND source = ''",
                            (source_text, digest),
                        )
                except sqlite3.OperationalError:
                    pass  # a nicety (locked, disk full): filled in on a later read
            return str(row[0])

        return self._run_edits(run, "cannot read your post-edits")

    def post_edits(self, doc_key: str | None = None) -> list[PostEdit]:
        """Every post-edit (of one document with `doc_key`), the most recent first."""
        where, args = ("WHERE doc_key = ?", (doc_key,)) if doc_key is not None else ("", ())

        def run(conn: sqlite3.Connection) -> list[PostEdit]:
            rows = conn.execute(
                "SELECT doc_key, source_hash, paragraph_id, english, updated, source "
                f"FROM post_edit {where} ORDER BY updated DESC, doc_key, source_hash",
                args,
            )
            return [PostEdit(*row) for row in rows]

        return self._run_edits(run, "cannot read your post-edits")

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

        return self._run_edits(run, "cannot change your post-edits")

    def close(self) -> None:
        with self._lock:
            for store in (self._cache, self._edits):
                if store.conn is not None:
                    store.conn.close()
                    store.conn = None

    # -- plumbing ------------------------------------------------------------------------

    def _run_cache(self, fn: Callable[[sqlite3.Connection], T]) -> T | None:
        """Run `fn` on the cache; on a passing failure warn once and carry on without it."""
        with self._lock:
            if self._cache.conn is None:
                return None
            try:
                return self._guarded(self._cache, fn)
            except sqlite3.OperationalError as error:
                self._cache_unavailable(error)
                return None

    def _run_edits(self, fn: Callable[[sqlite3.Connection], T], what: str) -> T:
        with self._lock:
            try:
                return self._guarded(self._edits, fn)
            except sqlite3.OperationalError as error:
                raise ReaderError(self.edits_path, f"{what}: {_why(error)}") from None

    def _guarded(self, store: _Store, fn: Callable[[sqlite3.Connection], T]) -> T:
        assert store.conn is not None
        try:
            return fn(store.conn)
        except sqlite3.OperationalError:
            raise  # locked, disk full, cannot open: not corruption
        except sqlite3.DatabaseError as error:
            # damaged while open (malformed page): salvage, rebuild once and carry on
            store.rebuild(error)
            if store is self._cache:
                self._migrate_post_edits()
            assert store.conn is not None
            return fn(store.conn)
