"""The built-in dictionary: CC-CEDICT lookups, segmentation, pinyin."""

from __future__ import annotations

import pytest

from reader import dictionary


def test_lookup_finds_both_scripts() -> None:
    simplified = dictionary.lookup("会议")
    traditional = dictionary.lookup("會議")
    assert simplified and simplified == traditional
    assert simplified[0].traditional == "會議"
    assert simplified[0].pinyin == "huì yì"
    assert any("meeting" in s for s in simplified[0].senses)


def test_lookup_unknown_word_is_empty() -> None:
    assert dictionary.lookup("不是一个词语啊") == []


@pytest.mark.parametrize(
    ("numbered", "marked"),
    [
        ("lian2 fang2", "lián fáng"),
        ("lu:4", "lǜ"),
        ("xiu1", "xiū"),
        ("gou3", "gǒu"),
        ("de5", "de"),
        ("Ou1 zhou1", "Ōu zhōu"),
    ],
)
def test_numbered_pinyin_gets_tone_marks(numbered: str, marked: str) -> None:
    assert dictionary.numbered_to_marks(numbered) == marked


def test_segment_reassembles_text() -> None:
    text = "北京新冠肺炎疫情防控工作领导小组会议召开。"
    words = dictionary.segment(text)
    assert "".join(words) == text
    assert "疫情" in words and "召开" in words


def test_pinyin_of_a_proper_noun_with_a_polyphonic_character() -> None:
    # 成都: CC-CEDICT has only the place (Chéng dū), 都 reads by its tag: this recursed
    # until RecursionError (seed 003's paragraph 9 had no pinyin)
    assert dictionary.pinyin("成都") == "chéng dū"
    assert dictionary.pinyin("我市到成都") == "wǒ shì dào chéng dū"


def test_pinyin_skips_non_han() -> None:
    assert dictionary.pinyin("联防联控") == "lián fáng lián kòng"
    assert dictionary.pinyin("COVID-19疫情") == "yì qíng"


def test_gloss_word_skips_surname_and_variant_senses() -> None:
    assert dictionary.gloss_word("会议") == "meeting"
    assert not dictionary.gloss_word("王").startswith("surname")
    assert dictionary.gloss_word("不是一个词语啊") == ""


def test_gloss_prefers_the_contextual_reading_and_short_place_names() -> None:
    assert dictionary.gloss_word("说") != "persuade"
    assert "," not in dictionary.gloss_word("武汉")


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("长段落", "cháng duàn luò"),  # the adjective, though pypinyin says zhǎng alone
        ("段落很长", "duàn luò hěn cháng"),
        ("他长大了", "tā zhǎng dà le"),
        ("银行", "yín háng"),
    ],
)
def test_polyphonic_reading_comes_from_the_word(text: str, reading: str) -> None:
    assert dictionary.pinyin(text) == reading


@pytest.mark.parametrize(
    ("name", "kind", "english"),
    [
        ("沙雪良", "person", "Sha Xueliang"),
        ("欧阳修", "person", "Ouyang Xiu"),
        ("曾国藩", "person", "Zeng Guofan"),
        ("平定", "place", "Pingding"),
        ("西安", "place", "Xi'an"),
    ],
)
def test_name_pinyin(name: str, kind: str, english: str) -> None:
    assert dictionary.name_pinyin(name, kind) == english


def test_person_name_filter() -> None:
    assert dictionary.is_person_name("沙雪良") and dictionary.is_person_name("蔡奇")
    for phrase in ("严格执行", "今天上午", "宣传栏", "范围广", "严峻性"):
        assert not dictionary.is_person_name(phrase)
