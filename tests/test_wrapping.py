"""Line breaking of mixed Chinese / Latin text at narrow widths."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from reader.documents.wrapping import CLOSING, estimate_height, wrap, wrap_lines


def test_han_breaks_between_any_two_characters() -> None:
    assert wrap_lines("北京疫情防控工作", 6) == ["北京疫", "情防控", "工作"]


def test_double_width_is_measured_in_cells() -> None:
    for line in wrap_lines("首都疫情防控工作事关全局责任重大", 7):
        assert cell_len(line) <= 7


def test_latin_word_is_not_cut_when_it_fits_on_the_next_line() -> None:
    assert wrap_lines("会议 COVID-19 防控", 10) == ["会议", "COVID-19", "防控"]
    assert wrap_lines("the quick brown fox", 9) == ["the quick", "brown fox"]


def test_a_word_wider_than_the_line_is_cut() -> None:
    assert wrap_lines("abcdefghij", 4) == ["abcd", "efgh", "ij"]


def test_closing_punctuation_is_kept_off_the_line_start() -> None:
    lines = wrap_lines("北京上海，广州深圳。", 8)
    assert lines == ["北京上", "海，广州", "深圳。"]
    assert not any(line[0] in CLOSING for line in lines)


def test_opening_punctuation_is_kept_off_the_line_end() -> None:
    lines = wrap_lines("会议强调「一盘棋」意识", 10)
    assert all(not line.endswith("「") for line in lines)


def test_spans_cover_text_contiguously() -> None:
    text = "昨天下午，北京 new coronavirus 疫情防控工作领导小组第三十四次会议召开。"
    spans = wrap(text, 9)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))


def test_newline_forces_a_break_and_width_one_makes_progress() -> None:
    assert wrap_lines("ab\ncd", 10) == ["ab", "cd"]
    assert wrap_lines("中文", 1) == ["中", "文"]
    assert wrap("", 5) == [(0, 0)]


def test_estimate_is_an_upper_bound_for_han_text() -> None:
    text = "首都疫情防控工作事关全局责任重大决不能有任何闪失" * 3
    assert estimate_height(text, 20) >= len(wrap(text, 20))


@given(
    st.text(alphabet=st.sampled_from(list("中文字，。「」 abc-\n")), max_size=60),
    st.integers(min_value=2, max_value=30),
)
def test_every_line_fits_and_nothing_is_lost(text: str, width: int) -> None:
    spans = wrap(text, width)
    assert "".join(text[s:e] for s, e in spans) == text
    for s, e in spans:
        assert cell_len(text[s:e].rstrip()) <= width
