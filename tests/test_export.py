"""Bilingual Markdown export: escaping, layouts, term marking, appendix, atomic writing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reader.documents.document import Document, DroppedLine, Paragraph
from reader.exports import default_output_path, write_export
from reader.exports.markdown import export_markdown
from reader.translation.pipeline import ParagraphTranslation, TermOccurrence

DATE = dt.date(2026, 1, 2)


def _para(pid: str, text: str, kind: str = "paragraph", level: int = 0) -> Paragraph:
    return Paragraph(pid, text, text, list(range(len(text) + 1)), "simplified", kind, level)  # type: ignore[arg-type]


def _doc() -> Document:
    return Document(
        source="news.txt",
        format="txt",
        encoding="gb18030",
        script="simplified",
        paragraphs=[
            _para("h", "标题", "heading", 1),
            _para("a", "加强联防联控。"),
            _para("b", "A|B\n第二行"),
        ],
        dropped=[DroppedLine(1, "首页 > 国内新闻 > 正文", "breadcrumb")],
    )


def _translations() -> dict[str, ParagraphTranslation]:
    term = TermOccurrence("联防联控", "joint prevention and control", 2, 6, "applied", 11, 39)
    return {
        "h": ParagraphTranslation("h", "Title", "gloss"),
        "a": ParagraphTranslation("a", "Strengthen joint prevention and control.", "gloss", [term]),
        "b": ParagraphTranslation("b", "A|B\nsecond line", "gloss", human=True),
    }


def test_table_escapes_pipes_and_newlines() -> None:
    md = export_markdown(_doc(), _translations(), layout="table", engine_name="gloss", date=DATE)
    rows = [line for line in md.splitlines() if line.startswith("| A")]
    assert rows == ["| A\\|B<br>第二行 | A\\|B<br>second line *(edited)* |"]
    # every table row has exactly three unescaped pipes
    body = md.split("| --- | --- |")[1].split("\n## ")[0]
    for line in filter(None, body.splitlines()):
        assert line.replace("\\|", "").count("|") == 3, line


def test_header_names_source_encoding_script_engine_date() -> None:
    md = export_markdown(_doc(), _translations(), engine_name="argos (zh_en-1.0)", date=DATE)
    for expected in ("news.txt", "gb18030", "simplified", "argos (zh_en-1.0)", "2026-01-02"):
        assert expected in md.split("| 中文")[0]


def test_terms_are_bold_in_both_languages() -> None:
    md = export_markdown(_doc(), _translations(), date=DATE)
    assert "加强**联防联控**。" in md
    assert "Strengthen **joint prevention and control**." in md


def test_interleaved_quotes_english_under_each_paragraph() -> None:
    md = export_markdown(_doc(), _translations(), layout="interleaved", date=DATE)
    assert "## 标题\n\n> Title\n" in md
    assert "加强**联防联控**。\n\n> Strengthen" in md
    assert "> A|B\n> second line *(edited)*" in md


def test_untranslated_paragraph_says_so() -> None:
    md = export_markdown(_doc(), {}, layout="interleaved", date=DATE)
    assert md.count("> *(not translated)*") == 3


def test_appendix_counts_terms_by_status_and_lists_dropped_lines() -> None:
    md = export_markdown(_doc(), _translations(), date=DATE)
    assert "| 联防联控 | joint prevention and control | 1 | 1 | 0 | 0 | 0 |" in md
    assert "| 1 | breadcrumb | 首页 > 国内新闻 > 正文 |" in md
    assert "Lines dropped" not in export_markdown(_doc(), _translations(), show_dropped=False)


def test_bad_layout_is_refused() -> None:
    with pytest.raises(ValueError):
        export_markdown(_doc(), {}, layout="columns")


def test_write_export_is_atomic_and_replaces(tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    out.write_text("old")
    write_export("new\n", out)
    assert out.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]  # no temp file left behind


def test_default_output_path() -> None:
    assert default_output_path("dir/news.txt") == Path("dir/news.bilingual.md")
    assert default_output_path("-") == Path("stdin.bilingual.md")


def test_adjacent_terms_make_one_bold_run() -> None:
    doc = Document("x.txt", "txt", "utf-8", "simplified", [_para("a", "社区联防联控")])
    terms = [
        TermOccurrence("社区", "community", 0, 2, "applied", 0, 9),
        TermOccurrence("联防联控", "joint prevention and control", 2, 6, "applied", 10, 38),
    ]
    tr = {"a": ParagraphTranslation("a", "community joint prevention and control", "gloss", terms)}
    md = export_markdown(doc, tr, date=DATE)
    assert "| **社区联防联控** |" in md and "****" not in md
