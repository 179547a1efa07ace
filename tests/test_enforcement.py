"""Glossary enforcement: every repair rung and every status, with deterministic engines."""

from __future__ import annotations

import pytest

from reader.glossary.file import Entry
from reader.translation.enforcement import (
    SentenceTerm,
    enforce,
    protect,
    rendering_for,
    restore,
    verify,
)
from tests.engines import (
    DictEngine,
    NBestDictEngine,
    PlaceholderEngine,
    RenderingEngine,
    dictionary_translate,
    mangle,
)

MECHANISM = Entry("联防联控机制", "joint prevention and control mechanism")
COVID = Entry(
    "新冠肺炎",
    "COVID-19",
    accept=["novel coronavirus disease"],
    forbidden=["novel coronavirus pneumonia", "Wuhan pneumonia"],
)
DNT = Entry("联防联控", "joint prevention and control", dnt=True)


def terms_in(sentence: str, *entries: Entry) -> list[SentenceTerm]:
    out = []
    for entry in entries:
        start = sentence.index(entry.zh)
        out.append(SentenceTerm(start, start + len(entry.zh), entry, entry.zh))
    return sorted(out, key=lambda t: t.start)


def run(engine, sentence: str, *entries: Entry, mode="placeholder", repair=True):
    protected = protect(sentence, terms_in(sentence, *entries), mode)
    (output,) = engine.translate_batch([protected.source])
    return enforce(engine, protected, output, repair=repair)


SENTENCE = "我们支持联防联控机制。"


def test_placeholder_copied_is_applied() -> None:
    result = run(DictEngine(), SENTENCE, MECHANISM)
    assert result.english == "we support joint prevention and control mechanism."
    (check,) = result.checks
    assert check.status == "applied"
    assert result.english[check.en_start : check.en_end] == MECHANISM.en


def test_protected_source_hides_the_term() -> None:
    protected = protect(SENTENCE, terms_in(SENTENCE, MECHANISM), "placeholder")
    assert "联防联控机制" not in protected.source
    assert protected.source == "我们支持XTERM0X。"  # glued: a space costs a piece


def test_inline_mode_puts_the_english_in_the_source() -> None:
    protected = protect(SENTENCE, terms_in(SENTENCE, MECHANISM), "inline")
    assert MECHANISM.en in protected.source
    result = run(DictEngine(), SENTENCE, MECHANISM, mode="inline")
    assert [c.status for c in result.checks] == ["applied"]


@pytest.mark.parametrize("how", ["space", "lower", "truncate", "bracket"])
def test_mangled_placeholder_is_restored(how: str) -> None:
    assert mangle("a XTERM0X b", how) != "a XTERM0X b"  # the engine really mangles it
    result = run(PlaceholderEngine(how), SENTENCE, MECHANISM)
    assert result.english == "we support joint prevention and control mechanism."
    assert [c.status for c in result.checks] == ["repaired"]


def test_duplicated_placeholder_is_deduplicated() -> None:
    result = run(PlaceholderEngine("duplicate"), SENTENCE, MECHANISM)
    assert result.english.count(MECHANISM.en) == 1
    assert [c.status for c in result.checks] == ["repaired"]


def test_two_placeholders_keep_their_own_renderings() -> None:
    sentence = "新冠肺炎和联防联控机制。"
    result = run(PlaceholderEngine("space"), sentence, COVID, MECHANISM)
    assert result.english == "COVID-19 and joint prevention and control mechanism."
    assert [c.status for c in result.checks] == ["repaired", "repaired"]


def test_nbest_hypothesis_with_the_term_is_chosen() -> None:
    engine = NBestDictEngine(good_at=3)
    result = run(engine, SENTENCE, MECHANISM)
    assert result.english == "we support joint prevention and control mechanism."
    assert [c.status for c in result.checks] == ["repaired"]
    assert result.steps == ["n-best"]
    assert engine.nbest_calls[0][2] is None


def test_target_prefix_forces_the_term() -> None:
    engine = NBestDictEngine(good_at=None, prefix_ok=True)
    result = run(engine, "会议指出，要加强联防联控机制工作。", MECHANISM)
    prefixes = [prefix for _, _, prefix in engine.nbest_calls if prefix]
    assert prefixes and prefixes[0].endswith(MECHANISM.en)
    assert result.steps == ["prefix 0"]
    assert MECHANISM.en in result.english
    assert "(" not in result.english  # not spliced
    assert [c.status for c in result.checks] == ["repaired"]


def test_splice_appends_in_parentheses_as_last_resort() -> None:
    engine = NBestDictEngine(good_at=None, prefix_ok=False)
    result = run(engine, SENTENCE, MECHANISM)
    assert result.english == "we support (joint prevention and control mechanism)."
    assert result.steps == ["splice 0"]
    assert [c.status for c in result.checks] == ["repaired"]


def test_engine_without_nbest_gets_spliced() -> None:
    engine = PlaceholderEngine("drop")
    assert not hasattr(engine, "translate_nbest")
    result = run(engine, SENTENCE, MECHANISM)
    assert result.english == "we support (joint prevention and control mechanism)."
    assert [c.status for c in result.checks] == ["repaired"]


def test_missing_without_repair() -> None:
    result = run(PlaceholderEngine("drop"), SENTENCE, MECHANISM, repair=False)
    assert [c.status for c in result.checks] == ["missing"]
    assert result.checks[0].en_start == -1


def test_forbidden_rendering_flagged_and_replaced_in_place() -> None:
    sentence = "新冠肺炎病例。"
    engine = RenderingEngine("Wuhan pneumonia")
    flagged = run(engine, sentence, COVID, repair=False)
    (check,) = flagged.checks
    assert check.status == "forbidden"
    assert flagged.english[check.en_start : check.en_end] == "Wuhan pneumonia"
    fixed = run(engine, sentence, COVID)
    assert fixed.english == "COVID-19 cases."  # replaced where it stood, not appended
    assert [c.status for c in fixed.checks] == ["repaired"]


def test_accept_rendering_counts_as_applied() -> None:
    result = run(RenderingEngine("Novel Coronavirus disease"), "新冠肺炎病例。", COVID)
    assert [c.status for c in result.checks] == ["applied"]


def test_required_rendering_beats_forbidden() -> None:
    checks = verify("COVID-19, once called Wuhan pneumonia", terms_in("新冠肺炎", COVID))
    assert [c.status for c in checks] == ["applied"]


@pytest.mark.parametrize(
    "english",
    [
        "the Joint Prevention and Control Mechanism",
        "joint prevention-and-control mechanism",
        "joint  prevention and\ncontrol mechanisms",
    ],
)
def test_verification_tolerates_case_spacing_hyphens_plural(english: str) -> None:
    (check,) = verify(english, terms_in(SENTENCE, MECHANISM))
    assert check.status == "applied"


def test_verification_needs_word_boundaries() -> None:
    entry = Entry("党", "Party")
    (check,) = verify("a partying crowd", [SentenceTerm(0, 1, entry, "党")])
    assert check.status == "missing"


def test_each_occurrence_needs_its_own_rendering() -> None:
    sentence = "新冠肺炎和新冠肺炎。"
    terms = [SentenceTerm(0, 4, COVID, "新冠肺炎"), SentenceTerm(5, 9, COVID, "新冠肺炎")]
    assert [c.status for c in verify("COVID-19 and COVID-19.", terms)] == ["applied"] * 2
    assert [c.status for c in verify("COVID-19 and it.", terms)] == ["applied", "missing"]
    protected = protect(sentence, terms, "placeholder")
    english, repaired = restore(protected, dictionary_translate(protected.source))
    assert english == "COVID-19 and COVID-19." and not repaired


def test_longer_rendering_is_not_double_counted() -> None:
    short = Entry("一带一路", "Belt and Road")
    long = Entry("一带一路倡议", "Belt and Road Initiative")
    terms = [SentenceTerm(0, 6, long, "一带一路倡议"), SentenceTerm(7, 11, short, "一带一路")]
    checks = verify("the Belt and Road Initiative", terms)
    assert [c.status for c in checks] == ["applied", "missing"]


def test_dnt_keeps_chinese_with_pinyin() -> None:
    assert rendering_for(DNT, "聯防聯控") == "聯防聯控 (lián fáng lián kòng)"
    sentence = "要加强联防联控工作。"
    inline = protect(sentence, terms_in(sentence, DNT), "inline")
    assert "XTERM0X" in inline.source  # dnt is never sent inline: it would be translated
    result = run(DictEngine(), sentence, DNT)
    assert result.english == "must strengthen 联防联控 (lián fáng lián kòng) work."
    assert [c.status for c in result.checks] == ["applied"]
    assert result.flag is None  # its Chinese is not "untranslated passthrough"


def test_dnt_spliced_reads_cleanly() -> None:
    result = run(PlaceholderEngine("drop"), "要加强联防联控工作。", DNT)
    assert result.english == "must strengthen work (联防联控, lián fáng lián kòng)."
    assert [c.status for c in result.checks] == ["repaired"]


def test_placeholder_at_start_is_capitalised() -> None:
    result = run(DictEngine(), "新冠肺炎病例。", COVID)
    assert result.english == "COVID-19 cases."
    lower = Entry("新冠肺炎", "the epidemic")
    assert run(DictEngine(), "新冠肺炎病例。", lower).english == "The epidemic cases."


@pytest.mark.slow
def test_measure_protection_modes(installed_tiny_model, monkeypatch, capsys) -> None:
    """Figures for the module docstring: occurrences applied before the repair ladder, per
    engine and protection mode, on seed sentences holding shipped-glossary terms."""
    import reader.translation.enforcement as enforcement
    from reader.documents.loading import load_document
    from reader.glossary.file import Glossary
    from reader.glossary.matching import TermMatcher
    from reader.paths import shipped_glossary
    from reader.translation.engines.argos import ArgosEngine
    from reader.translation.engines.gloss import GlossEngine
    from tests.conftest import SEEDS

    matcher = TermMatcher(Glossary.load(shipped_glossary()).entries)
    cases: list[tuple[str, list[SentenceTerm]]] = []
    for path in sorted(SEEDS.glob("*.txt")):
        for paragraph in load_document(path).paragraphs:
            for sentence in paragraph.sentences:
                text = paragraph.simplified[sentence.start : sentence.end]
                hits = matcher.find_in_text(text)
                if hits and len(text) < 120 and len(cases) < 30:
                    cases.append((text, [SentenceTerm(a, b, e, text[a:b]) for a, b, e in hits]))
    total = sum(len(terms) for _, terms in cases)
    engines = {"gloss": GlossEngine(), "tiny argos": ArgosEngine(installed_tiny_model)}
    configs = [
        ("placeholder", "XTERM{}X"),
        ("placeholder", "⟦T{}⟧"),
        ("placeholder", "__T{}__"),
        ("inline", "XTERM{}X"),
    ]
    table: dict[tuple[str, str], tuple[int, int, int]] = {}
    for engine_name, engine in engines.items():
        for mode, token in configs:
            monkeypatch.setattr(enforcement, "TOKEN", token)
            protected = [protect(text, terms, mode) for text, terms in cases]
            outputs = engine.translate_batch([p.source for p in protected])
            statuses = [
                c.status
                for p, out in zip(protected, outputs, strict=True)
                for c in enforce(engine, p, out, repair=False).checks
            ]
            if mode == "placeholder" and token == "XTERM{}X":
                after = [
                    c.status
                    for p, out in zip(protected, outputs, strict=True)
                    for c in enforce(engine, p, out).checks
                ]
                assert set(after) <= {"applied", "repaired"}  # the ladder never loses a term
            label = f"{mode} {token.format(0)}" if mode == "placeholder" else mode
            table[(engine_name, label)] = (
                statuses.count("applied"),
                statuses.count("repaired"),
                len(statuses),
            )
    with capsys.disabled():
        print(f"\n{len(cases)} sentences, {total} occurrences: applied / placeholder-restored")
        for (engine_name, label), (applied, restored, n) in table.items():
            print(f"  {engine_name:<11} {label:<22} {applied}/{n} + {restored}")
    assert table[("gloss", "placeholder XTERM0X")][0] == total


def test_long_rendering_of_a_short_term_is_not_degenerate() -> None:
    long = Entry("新冠肺炎", " ".join(["the disease caused by the novel coronavirus"] * 4))
    result = run(DictEngine(), "新冠肺炎会议今天召开。", long)
    assert result.english.startswith("The disease")  # capitalised: matched case-insensitively
    assert result.flag is None
    assert [c.status for c in result.checks] == ["applied"]


def test_square_brackets_from_the_source_stay_around_the_rendering() -> None:
    sentence = "【联防联控机制】"
    protected = protect(sentence, [SentenceTerm(1, 7, MECHANISM, "联防联控机制")], "placeholder")
    english, repaired = restore(protected, f"[{protected.tokens[0]}]")
    assert english == "[joint prevention and control mechanism]" and not repaired


def test_hundreds_of_placeholders_each_get_their_own_rendering() -> None:
    # XTERM1X must not take XTERM12X's place; mangled and duplicated ones are still found
    entries = [Entry(f"词{i}", f"term{i}") for i in range(150)]
    sentence = "，".join(e.zh for e in entries)
    terms = [
        SentenceTerm(sentence.index(e.zh), sentence.index(e.zh) + len(e.zh), e, e.zh)
        for e in entries
    ]
    protected = protect(sentence, terms, "placeholder")
    output = " ".join(f"XTERM{i}X" for i in range(150)).replace("XTERM12X", "x term 12 x")
    output += " XTERM7X"
    english, repaired = restore(protected, output)
    assert english == " ".join(f"term{i}" for i in range(150)).replace("term0", "Term0", 1)
    assert repaired == {7, 12}
