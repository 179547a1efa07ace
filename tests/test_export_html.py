"""HTML export: one self-contained, valid HTML5 page; terms marked with status and tooltip;
languages tagged; side by side on wide screens, stacked on narrow ones, a print stylesheet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from reader.documents.document import Document, DroppedLine, Paragraph
from reader.exports.html import export_html
from reader.translation.pipeline import ParagraphTranslation, TermOccurrence
from tests.export_fixtures import INFO, epubcheck, translated

NS = {"h": "http://www.w3.org/1999/xhtml"}
VOID = {"meta", "link", "br", "hr", "img", "input", "wbr", "col", "area", "base", "source"}


def _para(pid: str, text: str, kind: str = "paragraph", level: int = 0) -> Paragraph:
    return Paragraph(pid, text, text, list(range(len(text) + 1)), "traditional", kind, level)  # type: ignore[arg-type]


def _doc() -> Document:
    return Document(
        source="news.txt",
        format="txt",
        encoding="big5",
        script="traditional",
        paragraphs=[
            _para("h", "標題", "heading", 1),
            _para("a", "加強聯防聯控。"),
            _para("b", "第二段 <b>&amp;"),
            _para("c", "還沒有翻譯"),
        ],
        dropped=[DroppedLine(1, "首頁 > 國內新聞", "breadcrumb")],
        title="標題",
    )


def _translations() -> dict[str, ParagraphTranslation]:
    term = TermOccurrence("联防联控", "joint prevention and control", 2, 6, "missing", -1, -1)
    term2 = TermOccurrence("联防联控", "joint prevention and control", 2, 6, "applied", 11, 39)
    return {
        "h": ParagraphTranslation("h", "Title", "gloss"),
        "a": ParagraphTranslation(
            "a", "Strengthen joint prevention and control.", "gloss", [term2]
        ),
        "b": ParagraphTranslation("b", "Second <b>&amp;", "human", [term], human=True),
    }


def _tree(html: str) -> etree._Element:
    assert html.startswith("<!DOCTYPE html>\n")
    return etree.fromstring(html.split("\n", 1)[1].encode("utf-8"))  # well-formed XML too


def test_terms_carry_status_class_and_tooltip_in_both_columns() -> None:
    root = _tree(export_html(_doc(), _translations(), INFO))
    marks = root.xpath("//h:main//h:b[contains(@class, 'term applied')]", namespaces=NS)
    assert [m.text for m in marks] == ["聯防聯控", "joint prevention and control"]
    assert marks[0].get("title").startswith("联防联控 → joint prevention and control (applied")
    # inside a sentence's span, inside the language-tagged block
    assert marks[0].xpath("ancestor::*[@lang][1]")[0].get("lang") == "zh-Hant"
    assert marks[1].xpath("ancestor::*[@lang][1]")[0].get("lang") == "en"


def test_languages_header_terms_and_dropped_lines() -> None:
    html = export_html(_doc(), _translations(), INFO)
    root = _tree(html)
    assert root.get("lang") == "en"
    zh = root.xpath("//h:main//*[contains(@class, 'zh')]", namespaces=NS)
    assert zh and {e.get("lang") for e in zh} == {"zh-Hant"}
    header = "".join(root.find("h:body/h:header", NS).itertext())
    for fact in ("news.txt", "big5", "traditional", "gloss", "2026-01-01"):
        assert fact in header
    assert root.xpath("//h:section[@id='terms']//h:td[text()='联防联控']", namespaces=NS)
    assert root.xpath("//h:section[@id='dropped']//h:td[text()='首頁 > 國內新聞']", namespaces=NS)
    assert "Second &lt;b&gt;&amp;amp;" in html  # the text's own markup is text
    edited = root.xpath("//h:span[@class='edited']", namespaces=NS)
    assert [e.text for e in edited] == [" (edited)"]
    untranslated = root.xpath("//*[contains(@class, 'untranslated')]", namespaces=NS)
    assert [e.text for e in untranslated] == ["(not translated)"]


def test_self_contained_responsive_and_printable() -> None:
    html = export_html(_doc(), _translations(), INFO)
    # one inline script (sentence pairs), nothing loaded from anywhere
    assert (
        html.count("<script") == 1
        and "<script>" in html
        and "http:" not in html.replace(NS["h"], "")
    )
    assert "https:" not in html and "<link" not in html and "src=" not in html
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None
    css = style.group(1)
    assert "grid-template-columns: 1fr 1fr" in css
    assert re.search(r"@media \(max-width: [\d.]+rem\) \{[^@]*grid-template-columns: 1fr;", css)
    assert "@media print" in css
    # polyglot: no `<`, `>`, `&` in the CSS, no self-closed element HTML would leave open
    assert not re.search(r"[<>&]", css)
    script = re.search(r"<script>(.*?)</script>", html, re.S)
    assert script is not None and not re.search(r"[<>&]", script.group(1))
    for tag in re.findall(r"<([a-z0-9]+)[^<>]*/>", html):
        assert tag in VOID, tag


@pytest.mark.slow
def test_seed_page_is_valid_html5(tmp_path: Path) -> None:
    # epubcheck carries the HTML5 schema (from the Nu validator) for XHTML; the page is
    # polyglot, so its XHTML reading is checked
    doc, translations = translated("001", tmp_path)
    page = tmp_path / "page.xhtml"
    page.write_text(export_html(doc, translations, INFO), encoding="utf-8")
    epubcheck(page, "--mode", "xhtml", "-v", "3.0")
    broken = tmp_path / "broken.xhtml"
    broken.write_text(page.read_text().replace("<main>", "<main><p><div>x</div></p>", 1))
    with pytest.raises(AssertionError):
        epubcheck(broken, "--mode", "xhtml", "-v", "3.0")
