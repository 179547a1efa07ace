"""Script detection and conversion with offset maps (real OpenCC)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.documents.scripts import (
    classify,
    convert_with_map,
    converter,
    count_scripts,
    count_scripts_many,
    detect_script,
    to_simplified,
    to_simplified_many,
    to_traditional,
)
from tests.conftest import seed


def test_detect_script() -> None:
    assert detect_script("北京召开会议，要求坚决防止高风险人员进京。") == "simplified"
    assert detect_script("北京召開會議，要求堅決防止高風險人員進京。") == "traditional"
    assert detect_script("我们在这里开会。我們在這裡開會。") == "mixed"
    assert detect_script("Hello, world 123") == "none"
    assert detect_script("") == "none"


def test_shared_characters_take_the_default() -> None:
    counts = count_scripts("中国人")  # 国 is Simplified-only (國)
    assert counts.simplified == 1
    neutral = count_scripts("大小人口")
    assert (neutral.han, neutral.traditional, neutral.simplified) == (4, 0, 0)
    assert classify(neutral, "traditional") == "traditional"


def test_a_stray_character_does_not_make_mixed() -> None:
    # Seed 001 is Traditional with a few mainland leftovers such as 后.
    assert detect_script(seed("001").read_text(encoding="utf-8")) == "traditional"
    assert detect_script(seed("000").read_text(encoding="utf-8")) == "simplified"


def test_to_simplified_and_identity_map() -> None:
    text = "聯防聯控「一盤棋」"
    simplified, offsets = to_simplified(text)
    assert simplified == "联防联控「一盘棋」"
    assert offsets == list(range(len(text) + 1))


def test_to_traditional() -> None:
    assert to_traditional("联防联控") == "聯防聯控"


def test_length_changing_conversion_maps_back() -> None:
    # Taiwan phrases shorten 網際網路 (4) to 互联网 (3) and 記憶體 (3) to 内存 (2); the same
    # mapping code serves t2s, whose phrases could do this too.
    text = "我的網際網路很快，記憶體很大"
    convert = converter("tw2sp")
    assert len(convert(text)) != len(text)
    simplified, offsets = convert_with_map(text, convert)
    assert len(offsets) == len(simplified) + 1
    assert offsets[-1] == len(text)
    assert offsets == sorted(offsets)
    # Both stretches changed length and were converted character by character.
    comma = simplified.index("，")
    assert text[offsets[comma]] == "，"
    assert text[offsets[simplified.index("很大")]] == "很"


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("聯防控會議網際路記憶體埠號，。 abc\n")), max_size=40))
def test_offset_map_invariants(text: str) -> None:
    for convert in (converter("t2s"), converter("tw2sp")):
        simplified, offsets = convert_with_map(text, convert)
        assert len(offsets) == len(simplified) + 1
        assert offsets[-1] == len(text)
        assert all(0 <= o <= len(text) for o in offsets)
        assert offsets == sorted(offsets)


def test_many_matches_one_by_one() -> None:
    paragraphs = ["聯防聯控", "", "北京", "會議強調，要進一步抓實"]
    assert to_simplified_many(paragraphs) == [to_simplified(p) for p in paragraphs]
    simplified = [s for s, _ in to_simplified_many(paragraphs)]
    assert count_scripts_many(paragraphs, simplified) == [count_scripts(p) for p in paragraphs]


def test_many_falls_back_on_newlines() -> None:
    paragraphs = ["聯防\n聯控", "會議"]
    assert to_simplified_many(paragraphs) == [to_simplified(p) for p in paragraphs]


def test_a_lone_surrogate_does_not_break_conversion() -> None:
    # found by tests/test_hostile.py: an HTML character reference can decode to a lone
    # surrogate, which OpenCC (UTF-8 inside) refused with UnicodeEncodeError
    from reader.documents.scripts import to_simplified

    text, to_original = to_simplified("國\ud800家")
    assert text == "国\ufffd家"
    assert to_original == [0, 1, 2, 3]
