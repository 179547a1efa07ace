"""load_document end to end: seeds, encodings, formats, stdin, and every error message."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader.documents.cleaning import strip_pinyin_artifacts
from reader.documents.loading import load_document, load_text
from reader.errors import ReaderError
from tests.conftest import seed
from tests.test_formats import PAGE, PARA1, make_docx, make_epub

SEEDS = ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("name", SEEDS)
def test_every_seed_loads(name: str) -> None:
    doc = load_document(seed(name))
    assert doc.format == "txt" and doc.encoding == "utf-8"
    assert len(doc.paragraphs) >= 5
    assert doc.warnings == []
    ids = [p.id for p in doc.paragraphs]
    assert len(set(ids)) == len(ids)
    for p in doc.paragraphs:
        assert p.text and "\n" not in p.text
        assert len(p.to_original) == len(p.simplified) + 1
        assert p.to_original[-1] == len(p.text)
        assert all(p.text[s.start : s.end] == s.text for s in p.sentences)


def test_seed_scripts_and_content() -> None:
    assert load_document(seed("000")).script == "simplified"
    doc = load_document(seed("001"))
    assert doc.script == "traditional"
    assert any("聯防聯控" in p.text for p in doc.paragraphs)
    assert any("联防联控" in p.simplified for p in doc.paragraphs)
    assert not any("(lián)" in p.text for p in doc.paragraphs)
    assert doc.title == "北京:首都疫情防控工作事關全局、責任重大,決不能有任何閃失"


def test_seed_000_body_has_no_breadcrumb_and_dropped_lists_it() -> None:
    doc = load_document(seed("000"))
    assert not any("首页 >" in p.text for p in doc.paragraphs)
    assert doc.dropped[0].text == "首页 > 国内新闻 > 正文"


def test_ids_are_stable_across_loads() -> None:
    first = [p.id for p in load_document(seed("004")).paragraphs]
    assert first == [p.id for p in load_document(seed("004")).paragraphs]


def _paragraph_texts(path: Path, encoding: str | None = None) -> list[str]:
    return [p.text for p in load_document(path, encoding).paragraphs]


def test_gbk_copy_loads_like_utf8(tmp_path: Path) -> None:
    text = seed("000").read_text(encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    doc = load_document(tmp_path / "gbk.txt")
    assert doc.encoding == "gb18030"
    assert _paragraph_texts(tmp_path / "gbk.txt") == _paragraph_texts(seed("000"))


@pytest.mark.parametrize("name", ["001", "004"])
def test_big5_copy_loads_like_utf8(tmp_path: Path, name: str) -> None:
    # A Big5 file cannot hold the pinyin letters of the artifacts, nor the few stray characters
    # outside Big5 (mojibake, NBSP, ©): remove the artifacts and keep only encodable lines.
    text = strip_pinyin_artifacts(seed(name).read_text(encoding="utf-8"))
    lines = []
    for line in text.split("\n"):
        try:
            line.encode("big5")
        except UnicodeEncodeError:
            continue
        lines.append(line)
    text = "\n".join(lines)
    (tmp_path / "utf8.txt").write_text(text, encoding="utf-8")
    (tmp_path / "big5.txt").write_bytes(text.encode("big5"))
    doc = load_document(tmp_path / "big5.txt")
    assert (doc.encoding, doc.script) == ("big5", "traditional")
    expected = _paragraph_texts(tmp_path / "utf8.txt")
    assert len(expected) >= 5
    assert _paragraph_texts(tmp_path / "big5.txt") == expected


def test_encoding_override_and_replacement_warning(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes("会议指出，要完善防控策略。\n第二段".encode() + b"\xff")
    doc = load_document(path, "utf-8")
    assert doc.encoding == "utf-8"
    assert doc.warnings == [
        "decoding as utf-8 needed 1 replacement character (first at 2:4); some text may be garbled"
    ]


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(seed("002").read_text(encoding="utf-8").encode("utf-16"))
    assert load_document(path).encoding == "utf-16"
    assert _paragraph_texts(path) == _paragraph_texts(seed("002"))


def test_stdin_reads_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    data = seed("000").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    doc = load_document("-")
    assert doc.source == "-" and doc.format == "txt"
    assert [p.text for p in doc.paragraphs] == _paragraph_texts(seed("000"))


def test_stdin_data_detects_html() -> None:
    doc = load_document("-", data=PAGE.replace("©", "").replace("utf-8", "gbk").encode("gbk"))
    assert doc.format == "html" and doc.encoding == "gb18030"
    assert doc.title == "北京召开疫情防控会议"  # the page's <h1>, not <title> (issue 16)


def test_markdown_file(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(f"# 标题\n\n{PARA1}\n\n- 一项\n\n相关阅读\n", encoding="utf-8")
    doc = load_document(path)
    assert [(p.kind, p.level, p.text) for p in doc.paragraphs] == [
        ("heading", 1, "标题"),
        ("paragraph", 0, PARA1),
        ("list_item", 0, "一项"),
    ]
    assert [(d.line, d.reason) for d in doc.dropped] == [(7, "related links header")]
    assert doc.title == "标题"


def test_html_file(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = load_document(path)
    assert doc.format == "html" and doc.title == "北京召开疫情防控会议"  # <h1> (issue 16)
    assert doc.paragraphs[0].kind == "heading"
    assert not any("导航" in p.text or "版权" in p.text for p in doc.paragraphs)


def test_epub_and_docx_files(tmp_path: Path) -> None:
    (tmp_path / "book.epub").write_bytes(make_epub())
    (tmp_path / "notes.docx").write_bytes(make_docx())
    epub = load_document(tmp_path / "book.epub")
    assert (epub.format, epub.title) == ("epub", "测试之书")
    assert epub.paragraphs[0].text == "第二章 发展"
    docx = load_document(tmp_path / "notes.docx")
    assert (docx.format, docx.title) == ("docx", "会议纪要")
    assert [p.kind for p in docx.paragraphs][:3] == ["heading", "heading", "paragraph"]
    # Formats are found from content too, e.g. on stdin.
    assert load_document("-", data=make_docx()).format == "docx"


def test_unknown_text_extension_loads_as_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.log"
    path.write_text(PARA1, encoding="utf-8")
    assert load_document(path).paragraphs[0].text == PARA1


def test_load_text() -> None:
    doc = load_text("聯(lián)防聯(lián)控。\n\n第二段")
    assert [p.text for p in doc.paragraphs] == ["聯防聯控。", "第二段"]
    assert doc.source == "<text>" and doc.format == "txt"
    assert doc.paragraphs[0].simplified == "联防联控。"


def test_repeated_paragraphs_get_suffixes() -> None:
    doc = load_text("第一段。\n\n重复。\n\n中间。\n\n重复。")
    assert doc.paragraphs[3].id == f"{doc.paragraphs[1].id}-2"


# --- errors ------------------------------------------------------------------------------------


def _error(source: str | Path, **kwargs: object) -> str:
    with pytest.raises(ReaderError) as info:
        load_document(source, **kwargs)  # type: ignore[arg-type]
    return str(info.value)


def test_error_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    assert _error(path) == f"reader: {path}: no such file"


def test_error_directory(tmp_path: Path) -> None:
    assert _error(tmp_path) == f"reader: {tmp_path}: is a directory, not a document"


def test_error_png_with_txt_extension(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert (
        _error(path)
        == f"reader: {path}: binary file (PNG image), not a text document (found .txt extension)"
    )


def test_error_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc\x00\x01\x02")
    assert _error(path) == f"reader: {path}: binary file (binary data), not a text document"


def test_error_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    assert _error(path) == (
        f"reader: {path}: unsupported file type '.pdf' (supported: .txt .md .html .htm .epub .docx)"
    )


def test_error_unknown_extension_not_text(tmp_path: Path) -> None:
    path = tmp_path / "thing.xyz"
    path.write_bytes(bytes(range(128, 256)) * 4)
    assert _error(path).startswith(f"reader: {path}: unsupported file type '.xyz'")


def test_error_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert _error(path) == f"reader: {path}: empty file"


def test_error_nothing_left_after_cleaning(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_text("分享到：\n\n返回顶部\n\u200b\n", encoding="utf-8")
    assert _error(path) == f"reader: {path}: empty document: no text left after cleaning"


def test_error_unknown_encoding(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("文字", encoding="utf-8")
    assert _error(path, encoding="klingon") == f"reader: {path}: unknown encoding 'klingon'"


def test_error_broken_epub_and_docx(tmp_path: Path) -> None:
    fake = tmp_path / "fake.epub"
    fake.write_text("not a book", encoding="utf-8")
    assert _error(fake) == f"reader: {fake}: not a valid EPUB file: not a zip archive"
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04garbage")
    assert _error(broken) == (
        f"reader: {broken}: not a valid DOCX file: not a zip archive, or a damaged one"
    )


@settings(max_examples=300, deadline=None)
@given(
    # any code point, surrogates drawn often (hypothesis rarely draws them on its own)
    text=st.text(
        st.characters(exclude_categories=()) | st.sampled_from("\ud800\udbff\udc00\udfff第。"),
        max_size=300,
    ),
    fmt=st.sampled_from(["txt", "md", "html"]),
)
@example(text="第一段\ud800文字。", fmt="txt")
@example(text="<p>文字\udfff</p>", fmt="html")
def test_any_str_loads_into_text_utf8_can_hold(text: str, fmt: str) -> None:
    """load_text takes a str from anywhere (lone surrogates too): its document is one UTF-8
    can hold (the memory, the ids and every export encode it), or one line says why not."""
    try:
        doc = load_text(text, "doc", fmt)
    except ReaderError:
        return
    for p in doc.paragraphs:
        p.text.encode("utf-8")
        p.simplified.encode("utf-8")
