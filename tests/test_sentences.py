"""Sentence spans and paragraph ids."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.documents.sentences import (
    HARD_LIMIT,
    LONG,
    paragraph_id,
    paragraph_ids,
    split_sentences,
)


def texts(paragraph: str) -> list[str]:
    return [s.text for s in split_sentences(paragraph)]


def test_chinese_punctuation_splits() -> None:
    assert texts("会议召开。要求落实！是否可行？分号；然后……最后") == [
        "会议召开。",
        "要求落实！",
        "是否可行？",
        "分号；",
        "然后……",
        "最后",
    ]


def test_closing_quotes_and_brackets_stay_with_their_sentence() -> None:
    assert texts("他说：“要全力做好防控工作。”随后散会。（完）") == [
        "他说：“要全力做好防控工作。”",
        "随后散会。",
        "（完）",
    ]
    assert texts("「好嗎？」』他問。") == ["「好嗎？」』", "他問。"]
    assert texts("见《通知。》下文") == ["见《通知。》", "下文"]


def test_western_punctuation_and_decimals() -> None:
    assert texts("Growth was 3.5 percent. Really? Yes! OK") == [
        "Growth was 3.5 percent.",
        "Really?",
        "Yes!",
        "OK",
    ]
    assert texts("增长3.5%，达到1.2万亿。") == ["增长3.5%，达到1.2万亿。"]
    assert texts("end.") == ["end."]


def test_spans_index_the_paragraph() -> None:
    paragraph = "  第一句。 第二句！\u3000第三句"
    sentences = split_sentences(paragraph)
    assert [(s.start, s.end) for s in sentences] == [(2, 6), (7, 11), (12, 15)]
    for s in sentences:
        assert paragraph[s.start : s.end] == s.text


def test_empty_and_blank() -> None:
    assert split_sentences("") == []
    assert split_sentences("   ") == []


@given(st.text() | st.text(alphabet="会议，、 。a", min_size=250, max_size=1500))
def test_spans_are_ordered_exact_and_trimmed(paragraph: str) -> None:
    previous_end = 0
    for s in split_sentences(paragraph):
        assert paragraph[s.start : s.end] == s.text
        assert s.start >= previous_end and s.end > s.start
        assert s.text == s.text.strip()
        assert len(s.text) <= HARD_LIMIT
        previous_end = s.end


def test_a_run_on_sentence_is_cut_after_clause_punctuation() -> None:
    paragraph = "会议指出，" * 40_000  # 200,000 characters, commas only
    sentences = split_sentences(paragraph)
    assert "".join(s.text for s in sentences) == paragraph
    assert all(s.text.endswith("，") and len(s.text) <= LONG for s in sentences)
    assert len(sentences) == 1000


def test_a_clause_over_the_hard_limit_is_cut_by_length() -> None:
    paragraph = "短句，" + "长" * 1000 + "。"
    sentences = split_sentences(paragraph)
    assert "".join(s.text for s in sentences) == paragraph
    assert [len(s.text) for s in sentences] == [3, LONG, LONG, LONG, LONG, 201]


def test_normal_sentences_are_not_cut() -> None:
    sentence = "会议指出，要加强联防联控，落实四早要求。"
    assert texts(sentence * 3) == [sentence] * 3


def test_ids_are_stable_short_and_unique_for_repeats() -> None:
    ids = paragraph_ids(["甲", "乙", "甲", "甲"])
    base = paragraph_id("甲")
    assert ids == [base, paragraph_id("乙"), f"{base}-2", f"{base}-3"]
    assert len(base) == 10 and int(base, 16) >= 0
    assert paragraph_id("甲") == base  # same text, same id, any run
    assert paragraph_id("甲。") != base
