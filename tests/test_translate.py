"""The orchestrator: memory first, batched misses, terms enforced, post-edits win, resumable."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reader.documents.loading import load_text
from reader.glossary.file import Entry, Glossary
from reader.glossary.matching import TermMatcher
from reader.translation.memory import TranslationMemory
from reader.translation.pipeline import (
    ParagraphTranslation,
    Translator,
    document_key,
    terms_without_translation,
)
from tests.engines import (
    DictEngine,
    LoopEngine,
    MeteredLoopEngine,
    NBestDictEngine,
    PlaceholderEngine,
    VariedLoopEngine,
    make_doc,
)

MECHANISM = Entry("联防联控机制", "joint prevention and control mechanism")
COVID = Entry("新冠肺炎", "COVID-19", forbidden=["Wuhan pneumonia"])
DNT = Entry("市委", "municipal committee", dnt=True)

TEXTS = (
    "我们支持联防联控机制。会议指出，要加强社区工作。",
    "北京今天召开会议。新冠肺炎病例新增一例。",
    "Section 2.",
    "全市检测结果都是阴性。",
    "市委书记主持会议。",
)


def glossary(*entries: Entry) -> Glossary:
    return Glossary(entries=list(entries or (MECHANISM, COVID, DNT)))


@pytest.fixture
def memory(tmp_path: Path) -> TranslationMemory:
    return TranslationMemory(tmp_path / "memory.sqlite3")


def test_translates_every_paragraph(memory: TranslationMemory) -> None:
    doc = make_doc(*TEXTS)
    result = Translator(DictEngine(), glossary(), memory).translate(doc)
    assert list(result) == [p.id for p in doc.paragraphs]
    assert result["p0"].text == (
        "we support joint prevention and control mechanism. "
        "the meeting pointed out, must strengthen community work."
    )
    assert result["p0"].engine == "test"
    assert result["p2"] == ParagraphTranslation("p2", "Section 2.", "none")
    assert result["p4"].text == "市委 (shì wěi) secretary chaired the meeting."


def test_term_spans_point_into_the_original_and_the_english(memory: TranslationMemory) -> None:
    doc = make_doc(*TEXTS)
    result = Translator(DictEngine(), glossary(), memory).translate(doc)
    (occurrence,) = result["p1"].terms
    paragraph = doc.paragraph("p1")
    assert paragraph.text[occurrence.start : occurrence.end] == "新冠肺炎"
    assert result["p1"].text[occurrence.en_start : occurrence.en_end] == "COVID-19"
    assert occurrence.status == "applied" and occurrence.zh == "新冠肺炎"


def test_traditional_text_is_matched_and_spans_stay_in_the_original(
    memory: TranslationMemory,
) -> None:
    doc = load_text("會議強調，要進一步抓實聯防聯控機制。")
    engine = DictEngine()
    result = Translator(engine, glossary(), memory).translate(doc)
    (paragraph,) = doc.paragraphs
    (occurrence,) = result[paragraph.id].terms
    assert paragraph.text[occurrence.start : occurrence.end] == "聯防聯控機制"
    assert engine.sentences == ["会议强调，要进一步抓实XTERM0X。"]  # Simplified goes in
    assert occurrence.status == "applied"


def test_misses_are_batched_not_one_call_per_paragraph(memory: TranslationMemory) -> None:
    doc = make_doc(*TEXTS)
    engine = DictEngine()
    Translator(engine, glossary(), memory, batch_size=64).translate(doc)
    assert len(engine.calls) == 1
    (batch,) = engine.calls
    assert len(batch) == 6  # every Han sentence once; "Section 2." passes through
    assert [len(s) for s in batch] == sorted(len(s) for s in batch)


def test_identical_sentences_are_translated_once(memory: TranslationMemory) -> None:
    engine = DictEngine()
    Translator(engine, None, memory).translate(make_doc("会议召开。", "会议召开。会议召开。"))
    assert engine.sentences == ["会议召开。"]


def test_second_run_costs_no_model_time(memory: TranslationMemory, tmp_path: Path) -> None:
    doc = make_doc(*TEXTS)
    first = Translator(PlaceholderEngine("space"), glossary(), memory).translate(doc)
    memory.close()
    engine = PlaceholderEngine("space")
    again = Translator(engine, glossary(), TranslationMemory(memory.path)).translate(doc)
    assert engine.calls == []
    assert again == first
    assert {t.status for p in again.values() for t in p.terms} == {"repaired"}


def test_changing_an_entry_invalidates_only_its_sentences(memory: TranslationMemory) -> None:
    doc = make_doc(*TEXTS)
    Translator(DictEngine(), glossary(), memory).translate(doc)
    engine = DictEngine()
    changed = Entry("联防联控机制", "joint mechanism")
    result = Translator(engine, glossary(changed, COVID, DNT), memory).translate(doc)
    assert engine.sentences == ["我们支持XTERM0X。"]
    assert result["p0"].text.startswith("we support joint mechanism.")


def test_accept_and_forbidden_changes_are_rechecked_without_the_engine(
    memory: TranslationMemory,
) -> None:
    doc = make_doc("新冠肺炎病例新增一例。")
    Translator(RenderingEngineNoRepair(), glossary(COVID), memory, repair=False).translate(doc)
    engine = RenderingEngineNoRepair()
    stricter = Entry("新冠肺炎", "COVID-19", forbidden=["COVID"])
    result = Translator(engine, glossary(stricter), memory, repair=False).translate(doc)
    assert engine.calls == []
    assert [t.status for t in result["p0"].terms] == ["forbidden"]


class RenderingEngineNoRepair(DictEngine):
    def transform(self, output: str) -> str:
        return output.replace("XTERM0X", "COVID")


def test_paragraphs_come_in_the_order_asked_and_fire_as_done(
    memory: TranslationMemory,
) -> None:
    doc = make_doc(*TEXTS)
    seen: list[str] = []
    result = Translator(DictEngine(), glossary(), memory, batch_size=1).translate(
        doc, ["p3", "p1", "p2"], on_paragraph=lambda t: seen.append(t.paragraph_id)
    )
    # windows of one batch (then growing): each paragraph as soon as its window is done, so
    # here exactly the order asked (within a window, passthrough paragraphs come first)
    assert seen == ["p3", "p1", "p2"]
    assert set(result) == {"p1", "p2", "p3"}


def test_cancel_then_resume_sends_only_the_rest(memory: TranslationMemory) -> None:
    doc = make_doc(*TEXTS)
    cancel = threading.Event()
    first_engine = DictEngine()
    partial = Translator(first_engine, glossary(), memory, batch_size=2).translate(
        doc, on_paragraph=lambda t: t.engine == "test" and cancel.set(), cancel=cancel
    )
    sent_first = first_engine.sentences
    assert 0 < len(sent_first) < 6
    assert "p0" in partial and "p4" not in partial
    engine = DictEngine()
    full = Translator(engine, glossary(), memory, batch_size=2).translate(doc)
    assert sorted(engine.sentences + sent_first) == sorted(
        s for call in DictEngine_all_sentences(doc) for s in call
    )
    assert set(full) == {p.id for p in doc.paragraphs}


def DictEngine_all_sentences(doc) -> list[list[str]]:
    engine = DictEngine()
    Translator(engine, glossary(), None).translate(doc)
    return engine.calls


def test_post_edit_wins_and_is_checked(memory: TranslationMemory) -> None:
    doc = make_doc(*TEXTS)
    engine = DictEngine()
    translator = Translator(engine, glossary(), memory)
    translator.translate(doc)
    translator.set_post_edit(
        doc, "p1", "Beijing held a meeting today. One new Wuhan pneumonia case."
    )
    engine.calls.clear()
    result = translator.translate(doc)
    assert engine.calls == []
    assert result["p1"].human and result["p1"].engine == "human"
    assert result["p1"].text.startswith("Beijing held a meeting today.")
    (occurrence,) = result["p1"].terms
    assert occurrence.status == "forbidden"
    assert result["p1"].text[occurrence.en_start : occurrence.en_end] == "Wuhan pneumonia"
    assert translator.clear_post_edit(doc, "p1")
    assert not translator.translate(doc)["p1"].human


def test_post_edit_skips_the_engine_on_first_open(memory: TranslationMemory) -> None:
    doc = make_doc("会议召开。")
    memory.set_post_edit(document_key(doc), "p0", "会议召开。", "The meeting opened.")
    engine = DictEngine()
    result = Translator(engine, None, memory).translate(doc)
    assert result["p0"].text == "The meeting opened." and engine.calls == []


def test_degenerate_output_retried_with_nbest(memory: TranslationMemory) -> None:
    engine = LoopEngine(nbest_good=True)
    result = Translator(engine, None, memory).translate(make_doc(TEXTS[3]))
    assert result["p0"].text == "the whole city test result all is negative."
    assert result["p0"].flags == []


def test_degenerate_outputs_of_a_batch_are_redecoded_in_one_call(
    memory: TranslationMemory,
) -> None:
    engine = VariedLoopEngine(nbest_good=False)
    doc = make_doc("会议召开。全市检测结果都是阴性。", "检测结果都是阴性。")
    result = Translator(engine, None, memory).translate(doc)
    assert engine.varied_calls == [["检测结果都是阴性。", "全市检测结果都是阴性。"]]
    assert result["p0"].flags == [] and result["p1"].flags == []
    assert "negative negative" not in result["p0"].text
    assert result["p1"].text == "test result all is negative."


def test_degenerate_output_retried_clause_by_clause(memory: TranslationMemory) -> None:
    engine = LoopEngine(min_length=8)  # loops only on the long input
    result = Translator(engine, None, memory).translate(make_doc("全市检测，结果都是阴性。"))
    assert result["p0"].text == "the whole city test, result all is negative."
    assert engine.calls[-1] == ["全市检测，", "结果都是阴性。"]


def test_degenerate_output_flagged_when_retries_fail(memory: TranslationMemory) -> None:
    doc = make_doc("会议召开。全市检测结果都是阴性。")
    result = Translator(LoopEngine(nbest_good=False), None, memory).translate(doc)
    (flag,) = result["p0"].flags
    assert flag.startswith("degenerate output in sentence 2: repetition loop")
    # and the flag is remembered with the sentence
    again = Translator(LoopEngine(nbest_good=False), None, memory).translate(doc)
    assert again["p0"].flags == result["p0"].flags


def test_repairs_through_the_pipeline(memory: TranslationMemory) -> None:
    doc = make_doc(TEXTS[0])
    engine = NBestDictEngine(good_at=2)
    result = Translator(engine, glossary(), memory).translate(doc)
    assert [t.status for t in result["p0"].terms] == ["repaired"]
    assert MECHANISM.en in result["p0"].text


def test_inline_mode_is_selectable(memory: TranslationMemory) -> None:
    engine = DictEngine()
    result = Translator(engine, glossary(), memory, protect="inline").translate(make_doc(TEXTS[0]))
    assert any(MECHANISM.en in sentence for sentence in engine.sentences)
    assert [t.status for t in result["p0"].terms] == ["applied"]
    with pytest.raises(ValueError):
        Translator(engine, None, memory, protect="bogus")  # type: ignore[arg-type]


def test_cached_verdicts_and_found_terms_cost_no_model_time(memory: TranslationMemory) -> None:
    # what `reader terms --no-translate` shows: verdicts from the memory, "found" elsewhere
    doc = make_doc(*TEXTS)
    translator = Translator(DictEngine(), glossary(), memory)
    assert [p.engine for p in translator.cached(doc).values()] == ["none"]  # no Han: as is
    translator.translate(doc, ["p1"])
    engine = DictEngine()
    cached = Translator(engine, glossary(), memory).cached(doc)
    assert engine.calls == []
    assert sorted(cached) == ["p1", "p2"]
    assert [(t.zh, t.status) for t in cached["p1"].terms] == [("新冠肺炎", "applied")]
    found = terms_without_translation(doc, TermMatcher(glossary().entries))
    assert [(t.zh, t.status, t.en) for t in found] == [
        ("联防联控机制", "found", MECHANISM.en),
        ("新冠肺炎", "found", "COVID-19"),
        ("市委", "found", "市委 (shì wěi)"),
    ]


def test_without_memory_or_glossary(tmp_path: Path) -> None:
    result = Translator(DictEngine(), None, None).translate(make_doc("会议召开。"))
    assert result["p0"].text == "the meeting held." and result["p0"].terms == []


def test_seed_document_with_the_gloss_engine(memory: TranslationMemory) -> None:
    from reader.documents.loading import load_document
    from reader.translation.engines.gloss import GlossEngine
    from tests.conftest import seed

    doc = load_document(seed("001"))
    ids = [p.id for p in doc.paragraphs[:4]]
    result = Translator(GlossEngine(), glossary(), memory).translate(doc, ids)
    occurrences = [t for pid in ids for t in result[pid].terms]
    assert occurrences, "seed 001 mentions 联防联控机制"
    assert {t.status for t in occurrences} <= {"applied", "repaired"}
    for t in occurrences:
        english = result[next(p for p in ids if t in result[p].terms)].text
        assert english[t.en_start : t.en_end].lower().startswith(t.en.lower()[:5])


@pytest.mark.slow
def test_end_to_end_with_the_tiny_argos_model(installed_tiny_model, memory) -> None:
    from reader.translation.engines.argos import ArgosEngine

    doc = make_doc(*TEXTS)
    engine = ArgosEngine(installed_tiny_model)
    calls: list[int] = []
    original = engine.translate_batch
    engine.translate_batch = lambda s: calls.append(len(s)) or original(s)  # type: ignore[method-assign]
    result = Translator(engine, glossary(), memory).translate(doc)
    terms = [t for p in result.values() for t in p.terms]
    # random weights copy nothing, so every term is repaired, none lost
    assert len(terms) == 3 and {t.status for t in terms} <= {"applied", "repaired"}
    for paragraph in result.values():
        for t in paragraph.terms:
            assert paragraph.text[t.en_start : t.en_end]
    calls.clear()
    again = Translator(engine, glossary(), memory).translate(doc)
    assert calls == [] and again == result


def test_cli_translate_prints_paragraph_blocks(tmp_path: Path, capsys, monkeypatch) -> None:
    from reader.cli import main

    source = tmp_path / "doc.txt"
    source.write_text("会议召开。\n\nSection 2.\n\n要加强联防联控机制。\n", encoding="utf-8")
    terms = tmp_path / "glossary.csv"
    terms.write_text(
        "zh,en\n联防联控机制,joint prevention and control mechanism\n", encoding="utf-8"
    )
    args = ["translate", str(source), "--engine", "gloss", "--glossary", str(terms)]
    assert main(args) == 0
    out, err = capsys.readouterr()
    blocks = out.split("\n\n")
    assert len(blocks) == 3 and out.endswith("\n") and not out.endswith("\n\n")
    assert blocks[1] == "Section 2."
    assert "joint prevention and control mechanism" in blocks[2]
    assert "engine: gloss" in err
    # stdin, and the second run is served from the memory with the same output
    monkeypatch.setattr("sys.stdin", _Stdin(source.read_bytes()))
    assert main(["translate", "-", "--engine", "gloss", "--glossary", str(terms)]) == 0
    assert capsys.readouterr().out == out


class _Stdin:
    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BytesIO(data)


def test_repeats_across_chunks_are_translated_once(memory: TranslationMemory) -> None:
    engine = DictEngine()
    doc = make_doc("会议召开。", "北京今天召开会议。", "会议召开。")
    result = Translator(engine, None, memory, batch_size=1).translate(doc)
    assert engine.sentences == ["会议召开。", "北京今天召开会议。"]
    assert result["p2"].text == result["p0"].text == "the meeting held."


class CrashingEngine(DictEngine):
    """Dies on its second batch, as a run killed mid-way would."""

    def translate_batch(self, sentences):
        if self.calls:
            raise KeyboardInterrupt
        return super().translate_batch(sentences)


def test_interrupted_run_keeps_finished_sentences(memory: TranslationMemory) -> None:
    doc = make_doc(*TEXTS)
    with pytest.raises(KeyboardInterrupt):
        Translator(CrashingEngine(), glossary(), memory, batch_size=2).translate(doc)
    kept = memory.count()
    assert kept == 2
    engine = DictEngine()
    Translator(engine, glossary(), memory, batch_size=2).translate(doc)
    assert len(engine.sentences) == 6 - kept


def looping_doc():  # -> Document: 30 paragraphs of two distinct sentences, 12-40 characters
    clauses = ["会议指出，要加强社区工作", "全市检测结果都是阴性", "我们支持联防联控机制"]
    return make_doc(
        *(
            f"{clauses[i % 3]}{'，' + clauses[(i + 1) % 3] if i % 2 else ''}第{i}次。"
            f"{clauses[(i + 2) % 3]}，第{i}段。"
            for i in range(30)
        )
    )


def test_decoding_cap_and_retry_budget_bound_a_looping_engine(tmp_path: Path) -> None:
    from reader.translation.enforcement import BUDGET_SPENT
    from reader.translation.engines.base import decoding_cap
    from reader.translation.pipeline import RETRY_BUDGET

    doc = looping_doc()
    plain = MeteredLoopEngine()
    Translator(plain, glossary(), None, guard=False, repair=False).translate(doc)
    first_pass = plain.decoded_tokens  # what a guard-off run decodes
    distinct = {s for call in plain.calls for s in call}
    assert len(distinct) == 60
    # the cap: no batch decodes past 3× its longest source + 10, far below the limit (256)
    assert first_pass <= sum(decoding_cap(40, 256) * 4 for _ in distinct) < 256 * 4 * 60

    engine = MeteredLoopEngine()
    result = Translator(engine, glossary(), None).translate(doc)
    # the budget: retries and repairs cost at most RETRY_BUDGET × the first pass, plus the
    # one sentence whose retry started under the limit (n-best with 6 beams, then clauses)
    one_retry = decoding_cap(40, 256) * (6 + 2 * 4)
    assert engine.decoded_tokens <= (1 + RETRY_BUDGET) * first_pass + one_retry
    flags = [flag for p in result.values() for flag in p.flags]
    assert len(flags) == 60  # every looping output is kept and flagged
    assert any(BUDGET_SPENT in flag for flag in flags)
    assert not all(BUDGET_SPENT in flag for flag in flags)  # retries ran until the budget


def test_guard_off_decodes_once_and_is_remembered_apart(memory: TranslationMemory) -> None:
    doc = looping_doc()
    engine = MeteredLoopEngine()
    off = Translator(engine, None, memory, guard=False).translate(doc)
    assert all(p.flags == [] for p in off.values())
    assert len(engine.calls) == 1  # one batch of 60 distinct sentences, nothing retried
    guarded = MeteredLoopEngine()
    Translator(guarded, None, memory).translate(doc)
    assert guarded.calls  # the unguarded output was not taken from the memory


def test_length_order_sorts_the_whole_request(memory: TranslationMemory) -> None:
    doc = looping_doc()
    engine = DictEngine()
    seen: list[str] = []
    Translator(engine, None, memory, batch_size=8, order="length").translate(
        doc, on_paragraph=lambda t: seen.append(t.paragraph_id)
    )
    lengths = [len(s) for s in engine.sentences]
    assert lengths == sorted(lengths) and len(engine.calls) == 8
    assert sorted(seen) == sorted(p.id for p in doc.paragraphs)
    asked = DictEngine()
    Translator(asked, None, None, batch_size=8).translate(doc)
    assert [len(s) for s in asked.sentences] != sorted(len(s) for s in asked.sentences)


def test_a_glossary_edit_reaches_the_next_call(memory: TranslationMemory) -> None:
    doc = make_doc("北京今天召开会议。")
    gloss = glossary()
    translator = Translator(DictEngine(), gloss, memory)
    assert translator.translate(doc)["p0"].terms == []
    gloss.add(Entry("北京", "Peking"))
    assert translator.translate(doc)["p0"].text.startswith("Peking")
    gloss.update("北京", en="Beijing City")
    assert translator.translate(doc)["p0"].text.startswith("Beijing City")


def test_windows_of_sentences_give_the_same_result(
    memory: TranslationMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.translation.pipeline as pipeline

    doc = make_doc(*TEXTS, *TEXTS[:2])
    whole = Translator(DictEngine(), glossary(), None, order="length").translate(doc)
    monkeypatch.setattr(pipeline, "WINDOW", 2)
    engine = DictEngine()
    seen: list[str] = []
    windowed = Translator(engine, glossary(), memory, order="length").translate(
        doc, on_paragraph=lambda t: seen.append(t.paragraph_id)
    )
    assert windowed == whole and sorted(seen) == sorted(whole)
    assert len(engine.calls) == 4  # one per window with misses
    assert len(engine.sentences) == 6  # the repeated paragraphs came from the memory


def test_in_the_order_asked_the_first_paragraphs_do_not_wait_for_the_whole_document(
    memory: TranslationMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the TUI asks for what is on screen first: its English must not wait until every
    # sentence of a long document has been matched and looked up in the memory
    doc = make_doc(*(f"第{i}段。会议强调要做好工作。" for i in range(3000)))
    prepared = 0
    original = Translator._sentences

    def counting(self: Translator, paragraph: object, matcher: object) -> object:
        nonlocal prepared
        prepared += 1
        return original(self, paragraph, matcher)  # type: ignore[arg-type]

    monkeypatch.setattr(Translator, "_sentences", counting)
    seen_at_first: list[int] = []

    def first(_: object) -> None:
        if not seen_at_first:
            seen_at_first.append(prepared)

    translator = Translator(DictEngine(), None, memory, batch_size=16)
    translator.translate(doc, on_paragraph=first)
    assert prepared == 3000
    assert seen_at_first[0] <= 16
