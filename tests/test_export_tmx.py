"""TMX export: valid against the TMX 1.4 DTD, read back by translate-toolkit, aligned by
sentence for machine output and by paragraph for post-edits."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from pathlib import Path

import pytest
from lxml import etree

from reader.documents.document import Document, Paragraph, Sentence
from reader.exports.common import ExportInfo
from reader.exports.tmx import export_tmx
from reader.translation.pipeline import ParagraphTranslation
from tests.export_fixtures import DATA, INFO, translated

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _validate(tmx: str) -> etree._ElementTree:
    dtd = etree.DTD(str(DATA / "tmx14.dtd"))
    tree = etree.parse(io.BytesIO(tmx.encode("utf-8")))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    return tree


def _paragraph(pid: str, text: str, cuts: list[int]) -> Paragraph:
    bounds = [0, *cuts, len(text)]
    sentences = [Sentence(a, b, text[a:b]) for a, b in itertools.pairwise(bounds)]
    return Paragraph(
        pid, text, text, list(range(len(text) + 1)), "simplified", "paragraph", 0, sentences
    )


def _doc(script: str = "simplified") -> Document:
    return Document(
        "news.txt",
        "txt",
        "utf-8",
        script,  # type: ignore[arg-type]
        [
            _paragraph("a", "会议召开。要加强联防联控。", [5]),
            _paragraph("b", "社区要落实责任。", []),
            _paragraph("c", "2020-03-01 10:23", []),
            _paragraph("d", "这段还没有翻译。", []),
        ],
    )


def _translations() -> dict[str, ParagraphTranslation]:
    en_a = "The meeting was held. Joint prevention must be strengthened."
    return {
        "a": ParagraphTranslation("a", en_a, "argos", sentences=[(0, 5, 0, 21), (5, 13, 22, 60)]),
        "b": ParagraphTranslation(
            "b", "Communities must take responsibility.", "human", human=True
        ),
        "c": ParagraphTranslation("c", "2020-03-01 10:23", "none"),
    }


def test_sentence_units_for_machine_output_paragraph_units_for_post_edits() -> None:
    tree = _validate(export_tmx(_doc(), _translations(), INFO))
    units = tree.findall("body/tu")
    pairs = [[seg.text for seg in tu.iter("seg")] for tu in units]
    assert pairs == [
        ["会议召开。", "The meeting was held."],
        ["要加强联防联控。", "Joint prevention must be strengthened."],
        ["社区要落实责任。", "Communities must take responsibility."],
    ]  # "c" has no Chinese to translate, "d" no translation yet: no unit
    statuses = [tu.findtext("prop[@type='x-status']") for tu in units]
    assert statuses == ["machine", "machine", "post-edited"]
    assert [tu.get("segtype") for tu in units] == [None, None, "paragraph"]


def test_header_names_tool_version_and_source_language() -> None:
    for script, srclang in (("simplified", "zh-CN"), ("traditional", "zh-TW")):
        tree = _validate(export_tmx(_doc(script), _translations(), INFO))
        header = tree.find("header")
        assert header is not None
        assert header.get("srclang") == srclang
        assert header.get("creationtool") == "reader" and header.get("creationtoolversion")
        assert {tuv.get(XML_LANG) for tuv in tree.iter("tuv")} == {srclang, "en"}


def test_dtd_rejects_what_it_should() -> None:
    # the validation is real: a property after the variants is refused
    tmx = export_tmx(_doc(), _translations(), INFO)
    broken = tmx.replace("</tu>", '<prop type="x">late</prop></tu>', 1)
    with pytest.raises(AssertionError):
        _validate(broken)


def test_seed_round_trips_through_translate_toolkit(tmp_path: Path) -> None:
    from translate.storage.tmx import tmxfile

    doc, translations = translated("001", tmp_path)
    tmx = export_tmx(doc, translations, ExportInfo("gloss", dt.date(2026, 1, 1)))
    tree = _validate(tmx)
    store = tmxfile.parsestring(tmx.encode("utf-8"))
    ours = [[seg.text for seg in tu.iter("seg")] for tu in tree.findall("body/tu")]
    theirs = [[unit.source, unit.target] for unit in store.units]
    assert theirs == ours and len(ours) > 10
    # sentence-level: every unit's Chinese is one sentence of the seed, not a whole paragraph
    assert all(zh.count("。") <= 1 for zh, _ in ours)
