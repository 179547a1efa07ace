"""`reader export --format`: each format by name or by the extension of -o."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from reader.cli import main
from reader.exports import default_output_path, format_for_path
from tests.conftest import messages, one_message, seed


def test_each_format_from_the_output_extension(tmp_path: Path) -> None:
    for name in ("out.html", "out.epub", "out.tmx", "out.md"):
        out = tmp_path / name
        assert main(["export", str(seed("001")), "-o", str(out), "--engine", "gloss"]) == 0
    assert (tmp_path / "out.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert zipfile.ZipFile(tmp_path / "out.epub").namelist()[0] == "mimetype"
    assert 'srclang="zh-TW"' in (tmp_path / "out.tmx").read_text(encoding="utf-8")
    assert (tmp_path / "out.md").read_text(encoding="utf-8").startswith("# ")


def test_format_wins_over_the_extension_and_names_the_default_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "news.txt"
    shutil.copy(seed("001"), source)
    assert main(["export", str(source), "--format", "tmx", "-o", "-", "--engine", "gloss"]) == 0
    assert capsys.readouterr().out.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx'
    )
    assert main(["export", str(source), "--format", "html", "--engine", "gloss"]) == 0
    assert (tmp_path / "news.bilingual.html").exists()
    assert f"wrote {tmp_path / 'news.bilingual.html'} (html)" in "\n".join(
        messages(capsys.readouterr().err)
    )
    # an extension that names no format is refused before any translation (it once wrote
    # Markdown into x.pdf); --format says what to write
    for name in ("notes.txt", "x.pdf"):
        assert main(["export", str(source), "-o", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        message = one_message(err)
        assert "md, html, epub, tmx" in message and "--format" in message
        assert not (tmp_path / name).exists()
    assert main(["export", str(source), "-o", str(tmp_path / "notes.txt"), "--format", "md"]) == 0
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8").startswith("# ")


def test_gloss_exports_say_they_are_no_translation(tmp_path: Path) -> None:
    source = tmp_path / "news.txt"
    shutil.copy(seed("002"), source)
    label = "word-by-word gloss, not a translation"
    for fmt in ("md", "html", "epub"):
        out = tmp_path / f"out.{fmt}"
        assert main(["export", str(source), "-o", str(out), "--engine", "gloss"]) == 0
        if fmt == "epub":
            with zipfile.ZipFile(out) as book:
                text = "".join(book.read(n).decode() for n in book.namelist() if n.endswith("opf"))
        else:
            text = out.read_text(encoding="utf-8")
        assert label in text, fmt


def test_output_names() -> None:
    assert [format_for_path(p) for p in ("a.HTML", "b.htm", "c.epub", "d.tmx", "e.txt")] == [
        "html",
        "html",
        "epub",
        "tmx",
        None,
    ]
    assert default_output_path("dir/news.txt", "epub") == Path("dir/news.bilingual.epub")
    assert default_output_path("-", "tmx") == Path("stdin.bilingual.tmx")
