"""Sentence pairs in the HTML export (issue 23): `data-s="P.S"` on both sides, the pair lit on
hover and on keyboard focus in a real headless Chromium, and the page unchanged without script."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml.builder import ElementMaker

from reader.exports.html import XHTML, export_html, marked
from reader.translation.pipeline import ParagraphTranslation, TermOccurrence
from tests.browser import Browser, chromium
from tests.export_fixtures import INFO, translated

NS = {"h": XHTML}
LIT = "rgb(255, 241, 168)"  # .s.pair-hl in reader.exports.html.CSS
NONE = "rgba(0, 0, 0, 0)"


def _tree(html: str) -> etree._Element:
    return etree.fromstring(html.split("\n", 1)[1].encode("utf-8"))


def test_every_sentence_carries_its_pair_number(tmp_path: Path) -> None:
    doc, translations = translated("001", tmp_path)
    first = doc.paragraphs[1]
    edited = ParagraphTranslation(first.id, "My own words. Two of them.", "human", human=True)
    translations = {**translations, first.id: edited}
    root = _tree(export_html(doc, translations, INFO))
    pairs = root.xpath("//h:main/h:div", namespaces=NS)
    assert len(pairs) == len(doc.paragraphs)
    for number, (p, div) in enumerate(zip(doc.paragraphs, pairs, strict=True), 1):
        zh, en = div[0], div[1]
        # the text reads as before: spans add no character
        assert "".join(zh.itertext()) == p.text
        tr = translations[p.id]
        assert "".join(en.itertext()).removesuffix(" (edited)") == tr.text
        zh_labels = [s.get("data-s") for s in zh.iter(f"{{{XHTML}}}span")]
        en_labels = [s.get("data-s") for s in en.iter(f"{{{XHTML}}}span") if s.get("data-s")]
        assert zh_labels == en_labels
        if tr.human:
            assert zh_labels == [str(number)]  # a post-edit is one unit
        else:
            assert zh_labels == [f"{number}.{k}" for k in range(1, len(zh_labels) + 1)]
            for span, (a, b, _, _) in zip(zh.iter(f"{{{XHTML}}}span"), tr.sentences, strict=True):
                assert "".join(span.itertext()) == p.text[a:b]
    counts = Counter(root.xpath("//@data-s", namespaces=NS))
    assert counts and set(counts.values()) == {2}  # each label once per side


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_marked_keeps_the_text_and_every_mark(data: st.DataObject) -> None:
    text = data.draw(st.text(alphabet="会议指出。ab <&>\x01", min_size=1, max_size=40))
    cuts = sorted(data.draw(st.sets(st.integers(0, len(text)), max_size=6)))
    sentences = [(a, b, f"1.{k}") for k, (a, b) in enumerate(pairwise(cuts), 1) if b > a]
    terms = []
    for a, b in data.draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(1, 4)))):
        terms.append(TermOccurrence("t", "T", a, min(len(text), a + b), "applied"))
    E = ElementMaker(namespace=XHTML, nsmap={None: XHTML})
    tr = ParagraphTranslation("p", "", "test", terms)
    element = marked(E, "p", text, tr, english=False, lang="zh-Hans", sentences=sentences)
    etree.fromstring(etree.tostring(element))  # well-formed
    assert "".join(element.itertext()) == text.replace("\x01", "\ufffd")
    spans = element.findall(f"{{{XHTML}}}span")
    assert [s.get("data-s") for s in spans] == [label for *_, label in sentences]


@pytest.fixture
def browser(tmp_path: Path):  # type: ignore[no-untyped-def]
    if chromium() is None:
        pytest.skip("chromium is not installed")
    browser = Browser(tmp_path / "profile")
    yield browser
    browser.close()


def _centre(browser: Browser, selector: str) -> tuple[float, float]:
    box = browser.evaluate(
        f"(function () {{ var e = document.querySelector('{selector}');"
        " e.scrollIntoView({block: 'center'}); var r = e.getClientRects()[0];"
        " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
    )
    return box[0], box[1]


def _background(browser: Browser, selector: str) -> str:
    value: str = browser.evaluate(
        f"getComputedStyle(document.querySelector('{selector}')).backgroundColor"
    )
    return value


@pytest.mark.slow
def test_hover_and_focus_light_the_pair_in_chromium(tmp_path: Path, browser: Browser) -> None:
    doc, translations = translated("001", tmp_path)
    page = tmp_path / "page.html"
    page.write_text(export_html(doc, translations, INFO), encoding="utf-8")
    browser.open(page.as_uri())
    zh, en = '.zh [data-s="{}"]', '.en [data-s="{}"]'
    assert _background(browser, en.format("2.2")) == NONE
    # hover a Chinese sentence: its English lights up, and no other sentence
    browser.mouse_move(*_centre(browser, zh.format("2.2")))
    assert _background(browser, en.format("2.2")) == LIT
    assert _background(browser, zh.format("2.2")) == LIT
    assert _background(browser, en.format("2.1")) == NONE
    # hover an English sentence: its Chinese lights up, the previous pair goes dark
    browser.mouse_move(*_centre(browser, en.format("3.1")))
    assert _background(browser, zh.format("3.1")) == LIT
    assert _background(browser, en.format("2.2")) == NONE
    # the keyboard: Tab reaches the first sentence, and its pair lights up
    browser.mouse_move(1, 1)
    browser.evaluate("window.scrollTo(0, 0); document.activeElement.blur()")
    browser.key("Tab", "Tab", 9)
    assert browser.evaluate("document.activeElement.getAttribute('data-s')") == "1.1"
    assert _background(browser, en.format("1.1")) == LIT
    browser.key("Tab", "Tab", 9)
    assert browser.evaluate("document.activeElement.getAttribute('data-s')") == "1.1"
    assert browser.evaluate("document.activeElement.closest('p').className") == "en"
    browser.key("Tab", "Tab", 9)
    assert browser.evaluate("document.activeElement.getAttribute('data-s')") == "2.1"
    assert _background(browser, en.format("2.1")) == LIT
    assert _background(browser, en.format("1.1")) == NONE


@pytest.mark.slow
def test_without_script_the_page_reads_as_before(tmp_path: Path, browser: Browser) -> None:
    doc, translations = translated("001", tmp_path)
    page = tmp_path / "page.html"
    page.write_text(export_html(doc, translations, INFO), encoding="utf-8")
    browser.open(page.as_uri(), javascript=False)
    browser.mouse_move(*_centre(browser, '.zh [data-s="2.2"]'))
    assert _background(browser, '.en [data-s="2.2"]') == NONE
    assert _background(browser, '.zh [data-s="2.2"]') == NONE
    assert browser.evaluate("document.querySelector('[data-s]').tabIndex") == -1
    text = browser.evaluate("document.querySelector('.zh').innerText")
    assert text == doc.paragraphs[0].text
