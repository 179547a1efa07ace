"""Reading positions: per document, keyed by path and content, stored atomically."""

from __future__ import annotations

from pathlib import Path

from reader.documents import positions
from reader.documents.positions import Position, document_key, load_position, save_position


def test_position_round_trips(tmp_path: Path) -> None:
    key = document_key(tmp_path / "a.txt", b"abc")
    assert load_position(key) is None
    save_position(key, Position("p1", 3, char=5))
    assert load_position(key) == Position("p1", 3, char=5)


def test_changed_content_or_path_gives_another_key(tmp_path: Path) -> None:
    a = document_key(tmp_path / "a.txt", b"abc")
    assert a != document_key(tmp_path / "a.txt", b"abd")
    assert a != document_key(tmp_path / "b.txt", b"abc")
    assert a == document_key(str(tmp_path / "." / "a.txt"), b"abc")


def test_corrupt_file_reads_as_empty_and_is_replaced(tmp_path: Path) -> None:
    key = document_key(tmp_path / "a.txt", b"x")
    positions._file().write_text("{not json", encoding="utf-8")
    assert load_position(key) is None
    save_position(key, Position("p", 0))
    assert load_position(key) == Position("p", 0)


def test_oldest_entries_are_dropped(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(positions, "MAX_ENTRIES", 3)
    keys = [document_key(tmp_path / f"{i}.txt", b"") for i in range(5)]
    for i, key in enumerate(keys):
        save_position(key, Position("p", i))
    assert load_position(keys[0]) is None
    assert load_position(keys[4]) == Position("p", 4)
