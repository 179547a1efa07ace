"""A flagged sentence is marked in every output: the result types, the memory, Markdown, HTML,
EPUB and TMX (or left out of it), and `reader export --skip-flagged`."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from reader.exports import render_export
from reader.exports.common import FLAG_CLASS, FLAG_MARK
from reader.translation.memory import TranslationMemory
from reader.translation.pipeline import ParagraphTranslation, Translator
from reader.translation.results import Flag, FlaggedOutput
from tests.engines import DictEngine, LoopEngine, make_doc
from tests.export_fixtures import DATA, INFO

TEXT = "会议召开。全市检测结果都是阴性。"  # LoopEngine loops on the second sentence


@pytest.fixture
def flagged(tmp_path: Path):  # -> (Document, {id: ParagraphTranslation})
    doc = make_doc(TEXT, "会议召开。")
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    result = Translator(LoopEngine(nbest_good=False), None, memory).translate(doc)
    return doc, result


def test_the_guards_verdict_is_a_flag_of_its_sentence(flagged, tmp_path: Path) -> None:
    doc, result = flagged
    (flag,) = result["p0"].flagged
    assert flag.kind == "degenerate" and flag.sentence == 1
    assert result["p0"].flag_of(1) == flag and result["p0"].flag_of(0) is None
    assert str(flag).startswith("degenerate output in sentence 2: repetition loop")
    assert result["p1"].flagged == []
    # remembered with its kind
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    again = Translator(LoopEngine(nbest_good=False), None, memory).translate(doc)
    assert again["p0"].flagged == result["p0"].flagged


def test_flags_stored_before_they_had_kinds_are_read_as_degenerate() -> None:
    assert Flag.from_meta({"degenerate": "empty output"}) == Flag("degenerate", "empty output")
    assert Flag.from_meta({"flag": ["not-english", "mostly Chinese"]}) == Flag(
        "not-english", "mostly Chinese"
    )
    assert Flag.from_meta({"flag": None, "terms": []}) is None


class FallbackEngine(DictEngine):
    """An engine that knows its output for one sentence is no translation (as the LLM engine
    falling back to the gloss does)."""

    def translate_batch(self, sentences):
        outputs = super().translate_batch(sentences)
        return [
            FlaggedOutput(o, Flag("not-english", "the reply was mostly Chinese; gloss shown"))
            if "阴性" in s
            else o
            for s, o in zip(sentences, outputs, strict=True)
        ]


def test_an_engines_flagged_output_flags_its_sentence(tmp_path: Path) -> None:
    doc = make_doc(TEXT)
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    (result,) = Translator(FallbackEngine(), None, memory).translate(doc).values()
    (flag,) = result.flagged
    assert (flag.kind, flag.sentence) == ("not-english", 1)
    assert "negative" in result.text  # the fallback is kept as the English, flagged
    (cached,) = Translator(FallbackEngine(), None, memory).cached(doc).values()
    assert cached.flagged == result.flagged


def english_of(tr: ParagraphTranslation, sentence: int) -> str:
    _, _, start, end = tr.sentences[sentence]
    return tr.text[start:end]


def test_html_marks_the_flagged_sentence(flagged) -> None:
    doc, result = flagged
    page = render_export(doc, result, "html", INFO).decode()
    tree = etree.fromstring(page.split("\n", 1)[1].encode())
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    (span,) = tree.xpath(f"//h:span[contains(@class, '{FLAG_CLASS}')]", namespaces=ns)
    assert span.get("data-s") == "1.2"
    assert span.get("title").startswith("degenerate output: repetition loop")
    assert "".join(span.itertext()) == english_of(result["p0"], 1)
    (mark,) = tree.xpath("//h:span[@class='flag-mark']", namespaces=ns)
    assert mark.text == FLAG_MARK and mark.get("title") == span.get("title")
    assert f".{FLAG_CLASS}" in page  # styled


def test_markdown_marks_the_flagged_paragraph_and_says_why(flagged) -> None:
    doc, result = flagged
    for layout in ("table", "interleaved"):
        text = render_export(doc, result, "md", INFO, layout=layout).decode()
        (line,) = [line for line in text.splitlines() if FLAG_CLASS in line]
        assert f'<span class="{FLAG_CLASS}" title="degenerate output: repetition loop' in line
        assert f"{FLAG_MARK} flagged (sentence 2: degenerate output" in line
        assert "会议召开。全市" in line or line.startswith(">")


def test_epub_marks_the_flagged_paragraph_visibly(flagged) -> None:
    doc, result = flagged
    data = render_export(doc, result, "epub", INFO)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        pages = [book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml")]
    text = "".join(pages)
    assert text.count(f'class="en {FLAG_CLASS}"') == 1
    assert f"{FLAG_MARK} (flagged: degenerate output: repetition loop" in text


def tmx_units(data: bytes) -> list[dict[str, str]]:
    tree = etree.parse(io.BytesIO(data))
    dtd = etree.DTD(str(DATA / "tmx14.dtd"))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    units = []
    for tu in tree.iter("tu"):
        unit = {p.get("type"): p.text for p in tu.iter("prop")}
        unit["en"] = tu.xpath("tuv[@xml:lang='en']/seg/text()")[0]
        units.append(unit)
    return units


def test_tmx_writes_a_flagged_sentence_as_flagged_or_leaves_it_out(flagged) -> None:
    doc, result = flagged
    units = tmx_units(render_export(doc, result, "tmx", INFO))
    statuses = {u["en"]: u["x-status"] for u in units}
    bad = english_of(result["p0"], 1)
    assert statuses[bad] == "flagged"
    assert statuses[english_of(result["p0"], 0)] == "machine"
    (unit,) = [u for u in units if u["x-status"] == "flagged"]
    assert unit["x-flag"].startswith("degenerate output: repetition loop")
    kept = tmx_units(render_export(doc, result, "tmx", INFO, skip_flagged=True))
    assert [u["en"] for u in kept] == [u["en"] for u in units if u["en"] != bad]
    assert all(u["x-status"] == "machine" for u in kept)


def test_skip_flagged_is_for_tmx_only(tmp_path: Path, capsys) -> None:
    from reader.cli import main

    source = tmp_path / "news.txt"
    source.write_text("会议召开。\n", encoding="utf-8")
    code = main(["export", str(source), "--engine", "gloss", "--skip-flagged", "-o", "x.md"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.strip() == "reader: --skip-flagged: applies to tmx only; md marks flagged sentences"
    out = tmp_path / "news.tmx"
    assert main(["export", str(source), "--engine", "gloss", "--skip-flagged", "-o", str(out)]) == 0
    assert b'<prop type="x-status">machine</prop>' in out.read_bytes()


def test_jsonl_records_carry_the_flag(flagged) -> None:
    from reader.translation.alignment import sentence_records

    doc, result = flagged
    records = sentence_records(doc.paragraphs[0], result["p0"], 1)
    assert [r["flag"] for r in records] == [
        None,
        {"kind": "degenerate", "reason": result["p0"].flagged[0].reason},
    ]
