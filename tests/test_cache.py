"""The translation memory: persistence, corrupt-file recovery, post-edits, threads."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from reader.translation.memory import MemoryKey, TranslationMemory, glossary_digest


def key(sentence: str, digest: str = "") -> MemoryKey:
    return MemoryKey("test", "dict-1", "greedy", digest, sentence)


def test_default_location_is_the_cache_dir(hermetic: Path) -> None:
    memory = TranslationMemory()
    assert memory.path.name == "memory.sqlite3"
    assert memory.path.is_relative_to(hermetic / "cache")
    assert memory.path.exists()


def test_persists_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite3"
    first = TranslationMemory(path)
    first.put(key("会议召开。"), "The meeting was held.", {"terms": ["applied"]})
    first.close()
    second = TranslationMemory(path)
    found = second.get_many([key("会议召开。"), key("别的。")])
    assert list(found) == [key("会议召开。")]
    assert found[key("会议召开。")].english == "The meeting was held."
    assert found[key("会议召开。")].meta == {"terms": ["applied"]}
    assert second.warnings == []


def test_every_key_part_matters(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    memory.put(key("句子。"), "A sentence.")
    assert memory.get(key("句子。")) is not None
    assert memory.get(MemoryKey("argos", "dict-1", "greedy", "", "句子。")) is None
    assert memory.get(MemoryKey("test", "dict-2", "greedy", "", "句子。")) is None
    assert memory.get(MemoryKey("test", "dict-1", "beam=4", "", "句子。")) is None
    assert memory.get(key("句子。", digest="abc")) is None


def test_glossary_digest_is_order_insensitive_and_sensitive_to_content() -> None:
    a = glossary_digest(
        [("联防联控", "joint control", False), ("新冠", "COVID", False)], "placeholder"
    )
    b = glossary_digest(
        [("新冠", "COVID", False), ("联防联控", "joint control", False)], "placeholder"
    )
    assert a == b
    assert a != glossary_digest(
        [("新冠", "COVID-19", False), ("联防联控", "joint control", False)], "placeholder"
    )
    assert a != glossary_digest(
        [("新冠", "COVID", True), ("联防联控", "joint control", False)], "placeholder"
    )
    assert a != glossary_digest(
        [("新冠", "COVID", False), ("联防联控", "joint control", False)], "inline"
    )


def test_many_keys_at_once(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    memory.put_many([(key(f"句{i}"), f"S{i}", {}) for i in range(1200)])
    found = memory.get_many([key(f"句{i}") for i in range(0, 1300, 2)])
    assert len(found) == 600  # past SQLite's 999-parameter limit, chunked
    assert memory.count() == 1200


def test_corrupt_file_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite3"
    path.write_bytes(b"this is not a database at all" * 200)
    memory = TranslationMemory(path)
    assert len(memory.warnings) == 1 and "moved it to memory.sqlite3.corrupt-" in memory.warnings[0]
    (aside,) = tmp_path.glob("memory.sqlite3.corrupt-*")
    assert aside.read_bytes().startswith(b"this is not a database")
    memory.put(key("句。"), "Sentence.")
    assert memory.get(key("句。")).english == "Sentence."


def test_malformed_database_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite3"
    memory = TranslationMemory(path)
    memory.put_many([(key(f"句{i}"), "x" * 500, {}) for i in range(200)])
    memory.close()
    with sqlite3.connect(path) as conn:  # fold the WAL into the main file before damaging it
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # trash the rest of page 1 (the schema page)
    path.write_bytes(bytes(data))
    reopened = TranslationMemory(path)
    assert reopened.warnings, "a malformed file must be reported"
    assert reopened.get(key("句1")) is None
    reopened.put(key("句1"), "again")
    assert reopened.get(key("句1")).english == "again"


def test_post_edit_by_document_and_source_text(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    memory.set_post_edit("/a.txt", "p1", "会议召开。", "The meeting opened.")
    assert memory.post_edit("p1", "会议召开。", "/a.txt") == "The meeting opened."
    # the same paragraph text under another id (renumbered) or another document still finds it
    assert memory.post_edit("p7", "会议召开。") == "The meeting opened."
    assert memory.post_edit("p1", "会议结束。", "/a.txt") is None  # the source changed
    memory.set_post_edit("/b.txt", "p1", "会议召开。", "The meeting began.")
    assert memory.post_edit("p1", "会议召开。", "/a.txt") == "The meeting opened."
    assert memory.post_edit("p1", "会议召开。", "/b.txt") == "The meeting began."
    assert memory.clear_post_edit("/a.txt", "p1", "会议召开。")
    assert memory.post_edit("p1", "会议召开。", "/a.txt") is None
    assert not memory.clear_post_edit("/a.txt", "p1", "会议召开。")


def test_post_edit_persists(tmp_path: Path) -> None:
    TranslationMemory(tmp_path / "m.sqlite3").set_post_edit("-", "p1", "中文。", "Chinese.")
    assert TranslationMemory(tmp_path / "m.sqlite3").post_edit("p1", "中文。") == "Chinese."


def test_worker_thread_writes_while_another_reads(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for i in range(300):
                memory.put(key(f"句{i}"), f"S{i}")
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    worker = threading.Thread(target=write)
    worker.start()
    while worker.is_alive():
        memory.get_many([key(f"句{i}") for i in range(300)])
    worker.join()
    assert errors == []
    assert len(memory.get_many([key(f"句{i}") for i in range(300)])) == 300
