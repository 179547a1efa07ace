"""Pieces of a glossary placeholder never reach the English: repaired, or removed and flagged.

The piecewise model (tests/piecewise_model.py) with 64-dimensional position heads aliases
sources over 63 pieces, as a trained model drifts on a long sentence: it breaks placeholders
apart (`XTERM maintainX`, the number translated as a word; `governmentsX`; `TERM`). Before
remnants were handled, `reader translate` on the five seeds printed such pieces in most
paragraphs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.glossary.file import Entry
from reader.translation.enforcement import (
    SentenceTerm,
    enforce,
    protect,
    restore,
    restore_remnants,
)
from tests.conftest import SEEDS
from tests.engines import DictEngine
from tests.tiny_model import build_package

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

A = Entry("联防联控", "joint prevention and control")
B = Entry("复工复产", "resumption of work and production")
SENTENCE = "各地要落实联防联控和复工复产的要求。"


def protected_sentence(sentence: str = SENTENCE, *entries: Entry):  # -> Protected
    terms = []
    for entry in entries or (A, B):
        start = sentence.index(entry.zh)
        terms.append(SentenceTerm(start, start + len(entry.zh), entry, entry.zh))
    return protect(sentence, sorted(terms, key=lambda t: t.start), "placeholder")


# what an engine leaves in the English of a placeholder it breaks apart: a remnant is any
# capital TERM, or a capital X glued to a word or standing alone (where the source has none)
REMNANT = re.compile(r"(?i:xterm)|TERM|(?<=[a-z0-9])X\b|(?<![\w-])X(?![\w-])")


def remnants(english: str, source: str) -> list[str]:
    found = REMNANT.findall(english)
    return found if "X" not in source else [piece for piece in found if "TERM" in piece]


@pytest.mark.parametrize(
    ("output", "english"),
    [
        # the number translated as a word: the one lost term takes the head's place
        (
            "must implement XTERM0X and XTERM maintainX requirements.",
            "must implement joint prevention and control and "
            "resumption of work and production requirements.",
        ),
        # the number survived, the letters did not
        (
            "must implement TERM1 and XTERM0X requirements.",
            "must implement resumption of work and production and "
            "joint prevention and control requirements.",
        ),
        # two heads for two lost terms, in order; a doubled tail
        (
            "must implement XXTERMXX and XTERM policyX requirements.",
            "must implement joint prevention and control and "
            "resumption of work and production requirements.",
        ),
        # a stray tail of a placeholder that was restored is simply dropped
        (
            "must implement XTERM0X and XTERM1X requirementsX.",
            "must implement joint prevention and control and "
            "resumption of work and production requirements.",
        ),
    ],
)
def test_remnants_are_given_the_lost_term(output: str, english: str) -> None:
    protected = protected_sentence()
    restored = restore_remnants(protected, output)
    assert restored.english == english
    assert restored.remnants == []
    assert not remnants(restored.english, SENTENCE)


def test_remnants_that_no_term_can_take_are_removed_and_flagged() -> None:
    protected = protected_sentence()
    # two terms lost, one head left: which term it was cannot be told
    output = "must governmentsX implement XTERM maintain requirements."
    restored = restore_remnants(protected, output)
    assert not remnants(restored.english, SENTENCE), restored.english
    assert restored.remnants  # reported: the sentence lost what they stood for
    engine = DictEngine()  # no n-best: the ladder splices the lost terms at the end
    result = enforce(engine, protected, output)
    assert result.flag is not None and result.flag.kind == "placeholder"
    assert "'XTERM'" in result.flag.reason
    assert not remnants(result.english, SENTENCE)
    assert [c.status for c in result.checks] == ["repaired", "repaired"]


def test_the_sentences_own_latin_letters_are_not_remnants() -> None:
    sentence = "XX书记强调要落实联防联控。"  # the seeds' redacted names
    protected = protected_sentence(sentence, A)
    english, repaired = restore(protected, "XX secretary stressed XTERM0X.")
    assert english == "XX secretary stressed joint prevention and control." and not repaired
    restored = restore_remnants(protected_sentence("X光检查和联防联控", A), "X-ray and XTERM0X")
    assert restored.english == "X-ray and joint prevention and control"


@pytest.mark.parametrize(
    "english", ["INTERMEDIATE TERMINAL", "Generation X-ray", "the term was 5x longer"]
)
def test_english_that_merely_resembles_a_placeholder_is_kept(english: str) -> None:
    protected = protected_sentence()
    output = f"{english} XTERM0X XTERM1X"
    restored = restore_remnants(protected, output)
    assert restored.english.startswith(english) and not restored.remnants


@pytest.fixture(scope="module")
def drifting_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The piecewise model with 64-dimensional heads (period 63: long sentences alias)."""
    return build_package(
        tmp_path_factory.mktemp("drifting"),
        folder="translate-zh_en-drifting",
        version="1.0",
        layers=(1, 1),
        d_model=128,
        heads=2,
        ffn=256,
        sp_vocab_size=3000,
        han_per_piece=2,
        piecewise=True,
    )


@pytest.mark.slow
def test_reader_translate_on_the_seeds_prints_no_placeholder_remnant(
    drifting_model: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.cli import main
    from reader.documents.loading import load_document

    assert main(["model", "install", "--file", str(drifting_model)]) == 0
    monkeypatch.chdir(SEEDS.parent)  # ./glossary.csv: the shipped glossary
    capsys.readouterr()
    pieces: list[str] = []
    flagged = 0
    paragraphs = 0
    for path in sorted(SEEDS.glob("*.txt")):
        assert main(["translate", str(path)]) == 0
        out, err = capsys.readouterr()
        blocks = out.rstrip("\n").split("\n\n")
        doc = load_document(path)
        assert len(blocks) == len(doc.paragraphs)
        for paragraph, english in zip(doc.paragraphs, blocks, strict=True):
            pieces += remnants(english, paragraph.text)
        paragraphs += len(blocks)
        flagged += " ".join(err.split()).count("placeholder remnant")  # warnings wrap at 80
    assert paragraphs == 135
    assert pieces == []
    # the model does break placeholders on these seeds: some could not be put back, and said so
    assert flagged > 0


def test_a_placeholder_glued_to_a_word_becomes_a_word_of_its_own() -> None:
    protected = protected_sentence()
    english, repaired = restore(protected, "must implementXTERM0Xand XTERM1Xrequirements.")
    assert english == (
        "must implement joint prevention and control and "
        "resumption of work and production requirements."
    )
    assert not repaired


PIECES = ["XTERM", "TERM", "X", "XTERM0X", "XTERM1X", "XTERM maintainX", "xterm", "TERM1", "XX"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789,.;()-", min_size=1),
            st.sampled_from(PIECES),
        ),
        max_size=12,
    ),
    st.lists(st.booleans(), max_size=12),
)
def test_no_remnant_survives_any_output(parts: list[str], glue: list[bool]) -> None:
    """Whatever an engine does with the pieces of two placeholders among English, the English
    holds none of them; if a term's place was lost, the sentence says so."""
    protected = protected_sentence()
    output = ""
    for part, glued in zip(parts, glue + [False] * len(parts), strict=False):
        output += part if glued else f" {part}"
    restored = restore_remnants(protected, output)
    assert not remnants(restored.english, SENTENCE), (output, restored.english)
    result = enforce(DictEngine(), protected, output)
    assert not remnants(result.english, SENTENCE), (output, result.english)
    assert all(c.status in ("applied", "repaired") for c in result.checks)
