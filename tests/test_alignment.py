"""Sentence pairs (reader.translation.alignment) and `reader translate --jsonl`."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.documents.loading import load_document
from reader.glossary.file import Glossary
from reader.translation.alignment import pair_at, sentence_pairs, sentence_records
from reader.translation.engines.gloss import GlossEngine
from reader.translation.memory import TranslationMemory
from reader.translation.pipeline import Translator
from tests.conftest import ROOT, seed
from tests.engines import DictEngine, make_doc

SHIPPED = Glossary.load(ROOT / "glossary.csv")


def check_pairs(paragraph, tr) -> None:  # type: ignore[no-untyped-def]
    pairs = sentence_pairs(paragraph, tr)
    assert [p.number for p in pairs] == list(range(len(pairs)))
    for before, after in pairwise(pairs):
        assert before.zh_end <= after.zh_start
        assert before.en_end <= after.en_start
    for pair in pairs:
        assert 0 <= pair.zh_start < pair.zh_end <= len(paragraph.text)
        assert 0 <= pair.en_start <= pair.en_end <= len(tr.text)
        assert pair_at(pairs, pair.zh_start) == pair.number
        assert pair_at(pairs, pair.zh_end - 1) == pair.number
    # outside the pairs, the English has only the joining spaces and a table row's separators
    outside = tr.text
    for pair in reversed(pairs):
        outside = outside[: pair.en_start] + outside[pair.en_end :]
    assert not outside.replace("|", "").strip()


def test_every_seed_paragraph_pairs_its_sentences(tmp_path: Path) -> None:
    """Every seed through the gloss engine with the shipped glossary: every pair is sound and
    every shipped term found lands in exactly one sentence's record."""
    translator = Translator(GlossEngine(), SHIPPED, TranslationMemory(tmp_path / "m.sqlite3"))
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        doc = load_document(str(path))
        result = translator.translate(doc)
        for number, p in enumerate(doc.paragraphs, 1):
            tr = result[p.id]
            check_pairs(p, tr)
            records = sentence_records(p, tr, number)
            assert sum(len(r["terms"]) for r in records) == len(tr.terms)
            if tr.sentences:
                assert len(records) == len(tr.sentences)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet="会议指出要加强社区工作联防联控机制。，！？| 2024.ab", min_size=1),
        min_size=1,
        max_size=4,
    )
)
def test_pairs_are_sound_on_any_paragraph(texts: list[str]) -> None:
    texts = [t for t in texts if t.strip()] or ["会议。"]
    doc = make_doc(*texts)
    result = Translator(DictEngine(), SHIPPED, None).translate(doc)
    for p in doc.paragraphs:
        check_pairs(p, result[p.id])


def test_untranslated_and_post_edited_paragraphs(tmp_path: Path) -> None:
    doc = make_doc("会议召开。北京今天召开会议。", source=str(tmp_path / "a.txt"))
    p = doc.paragraphs[0]
    untranslated = sentence_pairs(p, None)
    assert [(s.zh_start, s.zh_end, s.translated) for s in untranslated] == [
        (0, 5, False),
        (5, 14, False),
    ]
    translator = Translator(DictEngine(), SHIPPED, TranslationMemory(tmp_path / "m.sqlite3"))
    assert len(sentence_pairs(p, translator.translate(doc)[p.id])) == 2
    translator.set_post_edit(doc, p.id, "Mine. All mine.")
    edited = translator.translate(doc)[p.id]
    (whole,) = sentence_pairs(p, edited)
    assert whole.whole and (whole.zh_end, whole.en_end) == (14, len("Mine. All mine."))
    (record,) = sentence_records(p, edited, 1)
    assert record["sentence"] is None and record["post_edited"] is True
    assert record["en"] == "Mine. All mine."


def test_translate_jsonl_one_object_per_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["translate", str(seed("001")), "--jsonl", "--engine", "gloss"]
    assert main([*args, "--glossary", str(ROOT / "glossary.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    records = [json.loads(line) for line in lines]
    doc = load_document(str(seed("001")))
    assert {r["paragraph"] for r in records} == set(range(1, len(doc.paragraphs) + 1))
    assert len(records) >= sum(max(1, len(p.sentences)) for p in doc.paragraphs if p.sentences)
    for r in records:
        assert set(r) == {"paragraph", "sentence", "zh", "en", "terms", "post_edited", "flag"}
        assert r["flag"] is None  # the gloss engine's output is never flagged here
        assert r["zh"] in doc.paragraphs[r["paragraph"] - 1].text
        for term in r["terms"]:
            assert term["zh"] and term["status"] in {"applied", "repaired", "missing", "forbidden"}
    assert any(r["terms"] for r in records)
    # sentences of one paragraph are numbered 1, 2, ... in order
    first = [r["sentence"] for r in records if r["paragraph"] == records[0]["paragraph"]]
    assert first == list(range(1, len(first) + 1))


def test_translate_jsonl_streams_paragraphs_while_translating(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first paragraph (short sentences: the first length-sorted batch) is on stdout before
    the engine gets the last batch."""
    doc = tmp_path / "doc.txt"
    long = "北京今天召开会议，会议指出要加强社区工作和联防联控机制的建设。"
    doc.write_text("会议。\n\n" + "\n\n".join(f"第{n}段{long}" for n in range(200)), "utf-8")
    seen: list[int] = []
    original = GlossEngine.translate_batch

    def counting(self, sentences):  # type: ignore[no-untyped-def]
        seen.append(capsys.readouterr().out.count("\n"))
        return original(self, sentences)

    monkeypatch.setattr(GlossEngine, "translate_batch", counting)
    assert main(["translate", str(doc), "--jsonl", "--engine", "gloss"]) == 0
    assert len(seen) >= 3 and seen[0] == 0 and sum(seen[1:]) >= 1
