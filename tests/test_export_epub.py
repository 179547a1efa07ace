"""EPUB export: epubcheck-clean EPUB 3, mimetype first and stored, chapters from headings,
one language or both, the same bytes for the same inputs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from reader.documents.document import Document, Paragraph
from reader.exports.epub import export_epub
from reader.translation.pipeline import ParagraphTranslation, TermOccurrence
from tests.export_fixtures import INFO, epubcheck, translated

NS = {"h": "http://www.w3.org/1999/xhtml"}


def _para(pid: str, text: str, kind: str = "paragraph", level: int = 0) -> Paragraph:
    return Paragraph(pid, text, text, list(range(len(text) + 1)), "simplified", kind, level)  # type: ignore[arg-type]


def _doc() -> Document:
    return Document(
        "book.md",
        "md",
        "utf-8",
        "simplified",
        [
            _para("t", "一本书", "heading", 1),
            _para("a", "前言。"),
            _para("h1", "第一章", "heading", 2),
            _para("b", "加强联防联控。"),
            _para("s", "小节", "heading", 3),
            _para("c", "还没有翻译。"),
            _para("h2", "第二章", "heading", 2),
            _para("d", "列表项", "list_item"),
        ],
        title="一本书",
    )


def _translations() -> dict[str, ParagraphTranslation]:
    term = TermOccurrence("联防联控", "joint prevention and control", 2, 6, "applied", 11, 39)
    en = {"t": "A Book", "a": "Preface.", "h1": "Chapter One", "h2": "Chapter Two"}
    out = {pid: ParagraphTranslation(pid, text, "gloss") for pid, text in en.items()}
    out["b"] = ParagraphTranslation(
        "b", "Strengthen joint prevention and control.", "gloss", [term]
    )
    out["d"] = ParagraphTranslation("d", "A list item", "human", human=True)
    return out


def _pages(data: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {
            name: etree.fromstring(book.read(name))
            for name in book.namelist()
            if name.endswith(".xhtml")
        }


def test_mimetype_first_stored_without_extra_field() -> None:
    data = export_epub(_doc(), _translations(), INFO)
    assert data[30:38] == b"mimetype"  # the first local header names it, as readers sniff
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        first = book.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert first.extra == b"" and book.read("mimetype") == b"application/epub+zip"


def test_chapters_start_at_top_level_headings_and_fill_the_nav() -> None:
    pages = _pages(export_epub(_doc(), _translations(), INFO))
    chapters = sorted(name for name in pages if "/ch" in name)
    assert chapters == ["EPUB/text/ch001.xhtml", "EPUB/text/ch002.xhtml", "EPUB/text/ch003.xhtml"]
    labels = [a.text for a in pages["EPUB/nav.xhtml"].iterfind(".//h:a", NS)]
    assert labels == [
        "一本书 — A Book",
        "第一章 — Chapter One",
        "第二章 — Chapter Two",
        "Glossary terms",
    ]
    second = "".join(pages["EPUB/text/ch002.xhtml"].find("h:body", NS).itertext())
    assert "小节" in second and "还没有翻译。" in second and "(not translated)" in second


def test_one_language_keeps_untranslated_chinese() -> None:
    pages = _pages(export_epub(_doc(), _translations(), INFO, content="english"))
    text = "".join("".join(p.itertext()) for name, p in pages.items() if "/ch" in name)
    assert "Strengthen joint prevention and control." in text and "前言" not in text
    assert "还没有翻译。" in text  # nothing goes missing
    chinese = _pages(export_epub(_doc(), _translations(), INFO, content="chinese"))
    text = "".join("".join(p.itertext()) for name, p in chinese.items() if "/ch" in name)
    assert "前言。" in text and "Preface" not in text
    marks = chinese["EPUB/text/ch002.xhtml"].xpath("//h:b[@class='term applied']", namespaces=NS)
    assert [m.text for m in marks] == ["联防联控"]


def test_same_inputs_same_bytes() -> None:
    assert export_epub(_doc(), _translations(), INFO) == export_epub(_doc(), _translations(), INFO)
    with pytest.raises(ValueError):
        export_epub(_doc(), _translations(), INFO, content="french")


@pytest.mark.slow
def test_epubcheck_finds_nothing(tmp_path: Path) -> None:
    doc, translations = translated("001", tmp_path)
    seed_book = tmp_path / "001.epub"
    seed_book.write_bytes(export_epub(doc, translations, INFO))
    epubcheck(seed_book)
    chapters = tmp_path / "chapters.epub"
    chapters.write_bytes(export_epub(_doc(), _translations(), INFO, content="english"))
    epubcheck(chapters)
