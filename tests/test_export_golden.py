"""Golden files for every export format: a fixed seed, engine, glossary and date; a diff on
failure. The EPUB is compared as a listing of its zip entries and their text.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/test_export_golden.py`
and review the diff.
"""

from __future__ import annotations

import difflib
import io
import os
import zipfile
from pathlib import Path

import pytest

from reader.exports import render_export
from tests.export_fixtures import GOLDEN, INFO, translated

CASES = [
    ("002", "md", "table", "002.table.md"),
    ("002", "md", "interleaved", "002.interleaved.md"),
    ("001", "html", "", "001.html"),
    ("001", "epub", "", "001.epub.txt"),
    ("001", "tmx", "", "001.tmx"),
]


def epub_listing(data: bytes) -> str:
    """Each entry's name, compression and text, in zip order."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for entry in book.infolist():
            method = "stored" if entry.compress_type == zipfile.ZIP_STORED else "deflated"
            out += [f"=== {entry.filename} ({method}, {entry.date_time[:3]})"]
            out += [book.read(entry).decode("utf-8").rstrip("\n"), ""]
    return "\n".join(out)


@pytest.mark.parametrize(("prefix", "fmt", "layout", "name"), CASES)
def test_export_matches_golden(
    prefix: str, fmt: str, layout: str, name: str, tmp_path: Path
) -> None:
    doc, translations = translated(prefix, tmp_path)
    data = render_export(doc, translations, fmt, INFO, layout=layout or "table")
    actual = epub_listing(data) if fmt == "epub" else data.decode("utf-8")
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True), "golden", "actual"
        )
    )
    assert actual == expected, diff
