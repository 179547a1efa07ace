"""The dictionary engine behind the engine seam."""

from __future__ import annotations

from reader.translation.engines.base import TranslationEngine
from reader.translation.engines.gloss import GlossEngine


def test_is_a_translation_engine() -> None:
    engine = GlossEngine()
    assert isinstance(engine, TranslationEngine)
    assert engine.name == "gloss" and engine.model_id and engine.settings_key


def test_glosses_words_and_maps_punctuation() -> None:
    (out,) = GlossEngine().translate_batch(["会议指出，责任重大。"])
    assert out.startswith("meeting")
    assert "," in out and out.endswith(".")
    assert "，" not in out and "。" not in out


def test_non_han_passes_through_unchanged() -> None:
    out = GlossEngine().gloss("疫情⟦T0⟧和XTERM1X，COVID-19与joint prevention and control")
    for kept in ("⟦T0⟧", "XTERM1X", "COVID-19", "joint prevention and control"):
        assert kept in out


def test_quotes_hug_their_content() -> None:
    out = GlossEngine().gloss("形成“一张网”。")
    assert '"' in out
    inner = out.split('"')[1]
    assert inner == inner.strip() and inner


def test_one_output_per_input_in_order() -> None:
    outs = GlossEngine().translate_batch(["会议", "", "疫情"])
    assert len(outs) == 3 and outs[1] == "" and outs[0] != outs[2]


def test_padded_placeholders_inside_quotes_and_brackets_hug_them() -> None:
    out = GlossEngine().gloss("增强“ XTERM0X ”意识（ XTERM1X ）")
    assert '"XTERM0X"' in out and "(XTERM1X)" in out
