"""Issue 16: a table row is translated cell by cell; its English has the same cells in order."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reader.documents.document import Document
from reader.documents.html import CELL_SEPARATOR
from reader.documents.loading import load_document
from reader.documents.sentences import english_joiner, split_sentences
from reader.exports.markdown import export_markdown
from reader.glossary.file import Entry, Glossary
from reader.translation.pipeline import ParagraphTranslation, Translator
from tests.engines import DictEngine

PARA = "会议指出，要加强社区工作。"
ROWS = [["社区", "新增", "结果"], ["北京", "2", "410"], ["", "新增病例", ""], ["全市", "", "阴性"]]


class PipeDroppingEngine(DictEngine):
    """A model that rewords a row's separators away (as an NMT model may: "北京 | 2 | 410"
    → "Beijing 2 410")."""

    def transform(self, output: str) -> str:
        return " ".join(output.replace("|", " ").split())


def cells(text: str) -> list[str]:
    return [cell.strip() for cell in text.split("|")]


def html_page() -> bytes:
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in ROWS)
    page = f"""<html><head><meta charset="utf-8"><title>会议</title></head><body>
<div class="article"><h1>北京召开会议</h1><p>{PARA}{PARA}</p><table>{body}</table>
<p>{PARA}</p></div></body></html>"""
    return page.encode("utf-8")


def docx_file() -> bytes:
    import docx  # python-docx: only these tests build a file

    document = docx.Document()
    document.add_paragraph(PARA)
    table = document.add_table(rows=len(ROWS), cols=3)
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rows_of(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs if "|" in p.text]


def check_rows(doc: Document, engine: DictEngine) -> dict[str, ParagraphTranslation]:
    rows = rows_of(doc)
    assert len(rows) == len(ROWS)
    result = Translator(engine, None, None).translate(doc)
    for paragraph in doc.paragraphs:
        if "|" not in paragraph.text:
            continue
        source, english = cells(paragraph.text), cells(result[paragraph.id].text)
        assert len(english) == len(source), (paragraph.text, result[paragraph.id].text)
        for zh, en in zip(source, english, strict=True):
            assert (zh == "") == (en == "")  # an empty cell stays empty, a full one full
            if zh and not re.search(r"[\u4e00-\u9fff]", zh):
                assert en == zh  # a number passes through unchanged
    assert not any("|" in s for s in engine.sentences)  # cells reach the engine one by one
    return result


def test_html_table_rows_keep_their_cells_whatever_the_engine_does() -> None:
    doc = load_document("page.html", data=html_page())
    result = check_rows(doc, PipeDroppingEngine())
    by_text = {p.text: result[p.id].text for p in doc.paragraphs}
    assert by_text["北京 | 2 | 410"] == "Beijing | 2 | 410"
    # prose still joins its sentences with one space
    assert by_text[f"{PARA}{PARA}"] == " ".join([by_text[PARA]] * 2)


def test_docx_table_rows_keep_their_cells_whatever_the_engine_does() -> None:
    doc = load_document("table.docx", data=docx_file())
    result = check_rows(doc, PipeDroppingEngine())
    english = [result[p.id].text for p in doc.paragraphs if "|" in p.text]
    assert english[1] == "Beijing | 2 | 410"
    assert cells(english[3]) == ["the whole city", "", "negative"]


def test_a_row_with_empty_edge_cells_keeps_them() -> None:
    # cleaning strips the row, so " | 新增病例 | " arrives as "| 新增病例 |"
    doc = load_document("page.html", data=html_page())
    row = next(p for p in doc.paragraphs if "新增病例" in p.text)
    assert row.text == "| 新增病例 |"
    english = Translator(PipeDroppingEngine(), None, None).translate(doc)[row.id].text
    assert english == "| new cases |"


def test_term_spans_in_a_row_point_at_the_rendering() -> None:
    doc = load_document("table.docx", data=docx_file())
    glossary = Glossary(entries=[Entry("阴性", "negative result")])
    result = Translator(PipeDroppingEngine(), glossary, None).translate(doc)
    row = next(p for p in doc.paragraphs if p.text.startswith("全市"))
    tr = result[row.id]
    (term,) = tr.terms
    assert row.text[term.start : term.end] == "阴性"
    assert tr.text[term.en_start : term.en_end].lower() == "negative result"
    # the separators are the row's own, as cleaning left them (spaces squashed: "全市 | | 阴性")
    assert row.text == "全市 | | 阴性"
    assert tr.text.lower() == "the whole city | | negative result"
    for a, b, c, d in tr.sentences:  # sentence alignment: cell to cell
        assert "|" not in row.text[a:b] and "|" not in tr.text[c:d]


def test_cached_rows_assemble_the_same(tmp_path: Path) -> None:
    # the memory path assembles rows like the engine path
    from reader.translation.memory import TranslationMemory

    doc = load_document("page.html", data=html_page())
    memory = TranslationMemory(tmp_path / "memory.sqlite3")
    first = Translator(PipeDroppingEngine(), None, memory).translate(doc)
    again = Translator(PipeDroppingEngine(), None, memory).cached(doc)
    assert {k: v.text for k, v in again.items()} == {k: v.text for k, v in first.items()}


def test_markdown_export_keeps_rows_readable() -> None:
    from markdown_it import MarkdownIt

    doc = load_document("page.html", data=html_page())
    result = Translator(PipeDroppingEngine(), None, None).translate(doc)
    md = export_markdown(doc, result, layout="table")
    assert "| 北京 \\| 2 \\| 410 | Beijing \\| 2 \\| 410 |" in md
    html = MarkdownIt("commonmark").enable("table").render(md)
    # every row of the bilingual table still has two columns: the row's pipes were escaped
    for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        assert len(re.findall(r"<t[dh]>", tr)) in (2, 3 + 2)  # 3 + 2: the terms appendix
    assert "<td>Beijing | 2 | 410</td>" in html
    interleaved = (
        MarkdownIt("commonmark")
        .enable("table")
        .render(export_markdown(doc, result, layout="interleaved"))
    )
    assert "Beijing | 2 | 410" in interleaved and "<table>" not in interleaved


def test_sentences_never_span_a_cell_separator() -> None:
    assert [s.text for s in split_sentences("北京 | 2 | 410")] == ["北京", "2", "410"]
    assert [s.text for s in split_sentences("要求。落实 | 是否？可行")] == [
        "要求。",
        "落实",
        "是否？",
        "可行",
    ]
    # a pipe inside a word is no separator
    assert [s.text for s in split_sentences("A|B | C")] == ["A|B", "C"]
    assert english_joiner(" | ") == " | " and english_joiner("  |  | ") == "  |  | "
    assert english_joiner(" ") is None and english_joiner("") is None


@given(
    st.lists(
        st.text(alphabet="北京会议。，2.a |", max_size=12).map(lambda t: " ".join(t.split())),
        min_size=2,
        max_size=5,
    )
)
def test_split_cells_property(row_cells: list[str]) -> None:
    text = CELL_SEPARATOR.join(row_cells)
    spans = split_sentences(text)
    separators_at = [m.start() for m in re.finditer(r"(?<!\S)\|(?!\S)", text)]
    for s in spans:
        assert text[s.start : s.end] == s.text
        assert not any(s.start <= at < s.end for at in separators_at)
    # the gaps between sentences hold all the separators of the row, none lost or added
    gaps = [text[: spans[0].start] if spans else text]
    gaps += [text[a.end : b.start] for a, b in itertools.pairwise(spans)]
    gaps += [text[spans[-1].end :]] if spans else []
    separators = [g for g in gaps if english_joiner(g) is not None]
    assert sum(len(re.findall(r"(?<!\S)\|(?!\S)", g)) for g in separators) == len(separators_at)
