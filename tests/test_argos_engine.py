"""The Argos engine over a real (tiny, random-weight) CTranslate2 package."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reader.translation.engines.argos import ArgosEngine
from reader.translation.engines.base import NBestEngine, TranslationEngine
from reader.translation.packages import InstalledModel
from tests.conftest import seed
from tests.tiny_model import TINY_OUTPUT_PIECES

SENTENCES = [
    "国务院召开常务会议。",
    "会议指出，要加强联防联控。",
    "聯(lián)防聯(lián)控機制",  # Traditional, with a pinyin artifact
    "2024年GDP增长5.2%",
    "😀 emoji and 𠀀 outside every vocabulary",  # byte fallback
    "短",
]


@pytest.fixture
def engine(installed_tiny_model: InstalledModel) -> ArgosEngine:
    return ArgosEngine(installed_tiny_model, max_decoding_length=64)


def test_engine_satisfies_both_protocols(engine: ArgosEngine) -> None:
    assert isinstance(engine, TranslationEngine)
    assert isinstance(engine, NBestEngine)
    assert engine.name == "argos"
    assert engine.model_id == "translate-zh_en-0.1"


def test_settings_key_changes_with_output_affecting_settings(
    installed_tiny_model: InstalledModel,
) -> None:
    keys = {
        ArgosEngine(installed_tiny_model).settings_key,
        ArgosEngine(installed_tiny_model, beam_size=2).settings_key,
        ArgosEngine(installed_tiny_model, max_decoding_length=128).settings_key,
        ArgosEngine(installed_tiny_model, compute_type="int8").settings_key,
    }
    assert len(keys) == 4
    # threads and batch size change speed, not output
    assert (
        ArgosEngine(installed_tiny_model, threads=1, batch_size=2).settings_key
        == ArgosEngine(installed_tiny_model).settings_key
    )


def test_construction_does_not_load_the_model(installed_tiny_model: InstalledModel) -> None:
    engine = ArgosEngine(installed_tiny_model)
    assert engine._translator is None
    engine.translate_batch([])
    engine.translate_batch(["", "  "])
    assert engine._translator is None  # nothing to translate, nothing loaded


def test_one_output_per_input_in_order_and_blank_gives_empty(engine: ArgosEngine) -> None:
    inputs = ["", *SENTENCES, "   "]
    outputs = engine.translate_batch(inputs)
    assert len(outputs) == len(inputs)
    assert outputs[0] == "" and outputs[-1] == ""
    assert all(out.strip() for out in outputs[1:-1])
    # the engine sorts by length, so reversing the input must reverse the output. (Comparing
    # with solo translations would not do: padding in a batch can flip a near-tie of the
    # random model, as it can in any CTranslate2 batch.)
    assert engine.translate_batch(inputs[::-1]) == outputs[::-1]


def test_small_batches_cover_every_sentence(installed_tiny_model: InstalledModel) -> None:
    text = seed("000").read_text(encoding="utf-8")
    sentences = [line for line in text.splitlines() if line.strip()][:20]
    small = ArgosEngine(installed_tiny_model, max_decoding_length=64, batch_size=3)
    outputs = small.translate_batch(sentences)
    assert len(outputs) == len(sentences)
    assert all(outputs)


def test_output_is_deterministic_across_engines(installed_tiny_model: InstalledModel) -> None:
    first = ArgosEngine(installed_tiny_model).translate_batch(SENTENCES)
    second = ArgosEngine(installed_tiny_model).translate_batch(SENTENCES)
    assert first == second


def test_output_is_detokenized_english_without_leading_space(engine: ArgosEngine) -> None:
    for out in engine.translate_batch(SENTENCES):
        assert "▁" not in out
        assert not out.startswith(" ")
        assert out.isascii()  # the tiny model's output layer favours English pieces
        # the tiny model stops after a fixed number of pieces, so outputs are short
        assert len(out.split()) <= TINY_OUTPUT_PIECES


def test_nbest_returns_n_distinct_hypotheses_best_first(engine: ArgosEngine) -> None:
    hypotheses = engine.translate_nbest(SENTENCES[1], 4)
    assert len(hypotheses) == 4
    assert len(set(hypotheses)) == 4
    assert hypotheses[0] == engine.translate_batch([SENTENCES[1]])[0]


def test_nbest_honours_the_target_prefix(engine: ArgosEngine) -> None:
    prefix = "The State Council"
    hypotheses = engine.translate_nbest(SENTENCES[0], 3, target_prefix=prefix)
    assert len(hypotheses) == 3
    assert len(set(hypotheses)) == 3
    assert all(h.startswith(prefix) for h in hypotheses)


def test_nbest_of_blank_is_empty(engine: ArgosEngine) -> None:
    assert engine.translate_nbest("  ", 3) == []


def test_importing_the_engine_loads_no_heavy_libraries() -> None:
    code = (
        "import sys, reader.translation.engines.argos, reader.translation.packages,"
        " reader.commands.model\n"
        "heavy = {'ctranslate2', 'sentencepiece', 'torch', 'argostranslate', 'textual'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_varied_decoding_never_repeats_a_trigram(engine: ArgosEngine) -> None:
    from reader.translation.engines.base import VariedEngine

    assert isinstance(engine, VariedEngine)
    outputs = engine.translate_batch_varied([*SENTENCES, ""])
    assert len(outputs) == len(SENTENCES) + 1 and outputs[-1] == ""
    sp = engine._load()[1].source
    for output in outputs[:-1]:
        pieces = sp.encode(output, out_type=str)
        trigrams = [tuple(pieces[i : i + 3]) for i in range(len(pieces) - 2)]
        assert len(trigrams) == len(set(trigrams)), output


@pytest.fixture(scope="module")
def looping_model(tmp_path_factory: pytest.TempPathFactory) -> InstalledModel:
    """A tiny package that never stops by itself (random weights without `stop_after`)."""
    import zipfile

    from tests.tiny_model import build_package

    folder = "translate-zh_en-looping"
    root = tmp_path_factory.mktemp("looping")
    archive = build_package(
        root, folder=folder, version="0.1", layers=(1, 1), d_model=32, heads=2, ffn=64,
        sp_vocab_size=2000, character_coverage=0.995,
    )  # fmt: skip
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(root)
    return InstalledModel("translate-zh_en", "zh", "en", "0.1", root / folder)


def test_decoding_is_capped_relative_to_the_source(looping_model: InstalledModel) -> None:
    from reader.translation.engines.base import MeteredEngine, decoding_cap

    # one thread, one worker: both sentences in one batch
    engine = ArgosEngine(looping_model, beam_size=2, max_decoding_length=250, threads=1)
    assert isinstance(engine, MeteredEngine)
    sp = engine._load()[1].source
    short, longer = SENTENCES[0], SENTENCES[1] * 2
    outputs = engine.translate_batch([short, longer])
    cap = decoding_cap(len(sp.encode(longer)), 250)  # the batch's longest source sets it
    assert cap < 100
    for output in outputs:
        assert 0.8 * cap <= len(sp.encode(output)) <= cap  # the model ran to the cap, not 250
    assert engine.decoded_tokens <= 2 * 2 * cap
    before = engine.decoded_tokens
    (hypothesis, *_) = engine.translate_nbest(short, 3)
    assert len(sp.encode(hypothesis)) <= decoding_cap(len(sp.encode(short)), 250)
    assert engine.decoded_tokens > before


def test_a_small_call_is_split_between_workers(looping_model: InstalledModel) -> None:
    """Two workers: two sentences are two batches decoded at once, each capped by its own
    source, so the short one stops sooner than it would beside the long one."""
    from reader.translation.engines.base import decoding_cap

    engine = ArgosEngine(looping_model, beam_size=2, max_decoding_length=250, threads=2)
    assert engine.workers == 2
    sp = engine._load()[1].source
    short, longer = SENTENCES[0], SENTENCES[1] * 2
    outputs = engine.translate_batch([longer, short])
    caps = [decoding_cap(len(sp.encode(s)), 250) for s in (longer, short)]
    assert caps[1] < 0.8 * caps[0]
    for output, cap in zip(outputs, caps, strict=True):
        assert 0.8 * cap <= len(sp.encode(output)) <= cap
    alone = ArgosEngine(looping_model, beam_size=2, max_decoding_length=250, threads=2)
    assert [alone.translate_batch([s])[0] for s in (longer, short)] == outputs  # same results


def test_batches_are_balanced_and_bounded(installed_tiny_model: InstalledModel) -> None:
    engine = ArgosEngine(installed_tiny_model, threads=2, batch_size=32)
    items = [(i, ["x"] * i) for i in range(1, 71)]
    sizes = [len(batch) for batch in engine._batches(items)]
    assert sizes == [24, 24, 22]  # 70 sentences: 3 batches of at most 32
    assert [len(b) for b in engine._batches(items[:40])] == [20, 20]  # both workers busy
    assert [len(b) for b in engine._batches(items[:1])] == [1]
    assert [item for b in engine._batches(items) for item in b] == items  # order kept
