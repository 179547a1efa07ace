"""Issue #8 case 6 (and #9's locked/full memory): post-edits are the user's words, kept apart
from the rebuildable cache; only real corruption moves a file aside, after salvaging it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.translation import memory as memory_module
from reader.translation.memory import MemoryKey, TranslationMemory

OLD_SCHEMA = """
CREATE TABLE mt (key TEXT PRIMARY KEY, engine TEXT NOT NULL, english TEXT NOT NULL,
                 meta TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE post_edit (doc_key TEXT NOT NULL, source_hash TEXT NOT NULL,
                        paragraph_id TEXT NOT NULL, english TEXT NOT NULL, updated REAL NOT NULL,
                        PRIMARY KEY (doc_key, source_hash));
"""


def key(sentence: str) -> MemoryKey:
    return MemoryKey("test", "dict-1", "greedy", "", sentence)


def test_post_edits_live_in_the_data_dir_apart_from_the_cache(hermetic: Path) -> None:
    memory = TranslationMemory()
    memory.set_post_edit("/a.txt", "p1", "会议召开。", "The meeting opened.")
    assert memory.path.is_relative_to(hermetic / "cache")
    assert memory.edits_path.is_relative_to(hermetic / "data")
    memory.close()
    memory.path.unlink()  # a cache cleaner ran
    again = TranslationMemory()
    assert again.post_edit("p1", "会议召开。", "/a.txt") == "The meeting opened."


def test_old_post_edits_are_moved_out_of_the_cache(hermetic: Path) -> None:
    cache = hermetic / "cache" / "reader" / "memory.sqlite3"
    cache.parent.mkdir(parents=True, exist_ok=True)  # conftest links the lexicon in there
    with sqlite3.connect(cache) as conn:
        conn.executescript(OLD_SCHEMA)
        conn.execute(
            "INSERT INTO post_edit VALUES (?, ?, ?, ?, ?)",
            ("/a.txt", memory_module.source_hash("会议召开。"), "p1", "My words.", 1.0),
        )
    seen: list[str] = []
    memory = TranslationMemory(on_warning=seen.append)
    assert memory.post_edit("p1", "会议召开。", "/a.txt") == "My words."
    assert seen and "moved 1 post-edits" in seen[0]
    memory.close()
    with sqlite3.connect(cache) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "post_edit" not in tables
    again = TranslationMemory()
    assert again.warnings == []
    assert again.post_edit("p1", "会议召开。", "/a.txt") == "My words."


def _lock_exclusively(path: Path) -> sqlite3.Connection:
    """Another process's writer holding the file (a rollback-journal exclusive lock blocks
    readers too, as a long write by an older version would)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.executescript(OLD_SCHEMA.replace("post_edit", "unused"))
    conn.execute("BEGIN EXCLUSIVE")
    return conn


def test_a_locked_cache_is_not_called_corrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory_module, "BUSY_TIMEOUT", 0.05)
    path = tmp_path / "memory.sqlite3"
    holder = _lock_exclusively(path)
    seen: list[str] = []
    memory = TranslationMemory(path, on_warning=seen.append)  # no exception
    assert (
        len(seen) == 1 and "locked by another process" in seen[0] and "without caching" in seen[0]
    )
    assert list(tmp_path.glob("*.corrupt-*")) == []
    memory.put(key("句。"), "Sentence.")  # uncached, silently after the one warning
    assert memory.get(key("句。")) is None and len(seen) == 1
    holder.rollback()
    holder.close()
    assert path.exists()


def test_locked_post_edits_are_one_line_never_dropped_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory_module, "BUSY_TIMEOUT", 0.05)
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    holder = sqlite3.connect(memory.edits_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer (WAL: readers still read)
    with pytest.raises(ReaderError, match="locked by another process for over") as info:
        memory.set_post_edit("/a.txt", "p1", "会议召开。", "Mine.")
    assert "\n" not in info.value.render()
    holder.rollback()
    holder.close()
    assert list(tmp_path.glob("*.corrupt-*")) == []
    memory.set_post_edit("/a.txt", "p1", "会议召开。", "Mine.")
    assert memory.post_edit("p1", "会议召开。", "/a.txt") == "Mine."


def test_a_full_cache_warns_once_and_the_run_continues(tmp_path: Path) -> None:
    from reader.translation.pipeline import Translator
    from tests.engines import DictEngine, make_doc

    seen: list[str] = []
    memory = TranslationMemory(tmp_path / "m.sqlite3", on_warning=seen.append)
    conn = memory._cache.conn
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")  # SQLITE_FULL: "database or disk is full"
    doc = make_doc(*(f"第{i}句话很长很长很长。" for i in range(200)))
    result = Translator(DictEngine(), None, memory, batch_size=8).translate(doc)
    assert len(result) == 200
    assert len(seen) == 1 and "the disk is full" in seen[0]
    assert list(tmp_path.glob("*.corrupt-*")) == []


def test_a_corrupt_post_edit_file_is_salvaged_and_reported(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    for i in range(400):
        memory.set_post_edit("/a.txt", f"p{i}", f"第{i}段。", f"Paragraph {i}. " + "x" * 300)
    memory.close()
    edits = memory.edits_path
    with sqlite3.connect(edits) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(edits.read_bytes())
    page = 4096
    last = len(data) // page - 1
    data[last * page : (last + 1) * page] = b"\xff" * page  # one leaf page near the end
    edits.write_bytes(bytes(data))
    seen: list[str] = []
    reopened = TranslationMemory(tmp_path / "m.sqlite3", on_warning=seen.append)
    reopened.post_edit("p0", "第0段。")  # reading may be what finds the damage
    reopened.post_edit("p399", "第399段。")
    try:  # a full scan finds a damaged leaf for sure
        for i in range(400):
            reopened.post_edit(f"p{i}", f"第{i}段。")
    except ReaderError:
        pass
    assert seen, "damage must be reported"
    assert "kept" in seen[0] and "readable rows" in seen[0]
    asides = tmp_path.glob("m.post-edits.sqlite3.corrupt-*")
    (aside,) = [p for p in asides if not p.name.endswith(("-wal", "-shm"))]
    assert aside.stat().st_size == len(data)
    kept = sum(reopened.post_edit(f"p{i}", f"第{i}段。") is not None for i in range(400))
    assert 0 < kept < 400  # what could be read survived


def test_a_read_only_memory_makes_migrates_and_repairs_nothing(tmp_path: Path) -> None:
    """The reader's preload child reads beside the process that writes (reader.ui.preload)."""
    with pytest.raises(ReaderError, match="post-edits"):  # nothing to read: said, not made
        TranslationMemory(tmp_path / "m.sqlite3", read_only=True)
    assert list(tmp_path.iterdir()) == []

    writer = TranslationMemory(tmp_path / "m.sqlite3")
    writer.put(key("一"), "one")
    writer.set_post_edit("/a.txt", "p1", "第一段。", "The first paragraph.")
    reader = TranslationMemory(tmp_path / "m.sqlite3", read_only=True)
    assert reader.get(key("一")) is not None and reader.get(key("一")).english == "one"
    assert reader.post_edit("p1", "第一段。", "/a.txt") == "The first paragraph."
    reader.put(key("二"), "two")  # refused by SQLite: the writer's file is untouched
    assert writer.get(key("二")) is None
    reader.close()
    writer.close()

    cache = tmp_path / "m.sqlite3"
    for suffix in ("-wal", "-shm"):
        Path(f"{cache}{suffix}").unlink(missing_ok=True)
    cache.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4080)  # damaged
    damaged = cache.read_bytes()
    seen: list[str] = []
    reader = TranslationMemory(cache, read_only=True, on_warning=seen.append)
    assert reader.get(key("一")) is None  # goes without it
    reader.close()
    assert cache.read_bytes() == damaged
    assert not list(tmp_path.glob("*.corrupt-*")), "a reader must not move the file aside"
