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


def _rendered(markdown: str) -> tuple[str, list[str]]:
    """The text a CommonMark renderer (markdown-it-py, with GFM tables) shows, and its bold."""
    import lxml.html
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(markdown)
    root = lxml.html.fromstring(f"<div>{html}</div>")
    return root.text_content(), [b.text_content() for b in root.iter("strong")]


@pytest.mark.parametrize("layout", ["table", "interleaved"])
def test_term_marks_next_to_chinese_punctuation_render_bold(layout: str) -> None:
    # `行**“零报告”制度**` is not bold in CommonMark: `**` before punctuation needs space or
    # punctuation on its other side (issue #16, item 3)
    doc = Document(
        "x.txt", "txt", "utf-8", "simplified", [_para("a", "实行“零报告”制度,坚持“人”“物”同防")]
    )
    terms = [
        TermOccurrence("“零报告”制度", "zero-report system", 2, 9, "applied", 0, 18),
        TermOccurrence("“人”“物”同防", "joint people and goods", 12, 20, "applied", 20, 42),
    ]
    tr = {"a": ParagraphTranslation("a", "zero-report system, joint people and goods", "x", terms)}
    text, bold = _rendered(export_markdown(doc, tr, layout=layout, date=DATE))
    assert "**" not in text
    assert "零报告”制度" in bold and "人”“物”同防" in bold and "zero-report system" in bold


def test_asterisks_of_the_text_stay_text() -> None:
    doc = Document("x.txt", "txt", "utf-8", "simplified", [_para("a", "a**b**c 与 \\*")])
    text, bold = _rendered(export_markdown(doc, {}, layout="interleaved", date=DATE))
    assert "a**b**c 与 \\*" in text and bold == [
        "Source:",
        "Encoding:",
        "Script:",
        "Engine:",
        "Date:",
    ]


@pytest.mark.parametrize("layout", ["table", "interleaved"])
def test_seed_export_has_no_literal_asterisks(layout: str, tmp_path: Path) -> None:
    from reader.paths import shipped_glossary
    from tests.export_fixtures import translated

    # seed 003 with the shipped glossary showed 8 literal `**` before marks moved
    doc, translations = translated("003", tmp_path, shipped_glossary())
    text, bold = _rendered(export_markdown(doc, translations, layout=layout, date=DATE))
    assert "**" not in text and len(bold) > 50
