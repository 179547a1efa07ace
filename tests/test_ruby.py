"""Pinyin above the Chinese, word by word (reader.documents.ruby)."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from reader import dictionary
from reader.documents.ruby import RubyLine, join_syllables, ruby_wrap


def check(text: str, start: int, end: int, words, width: int, lines: list[RubyLine]) -> None:  # type: ignore[no-untyped-def]
    at = start
    for line in lines:
        assert line.start == at and line.pieces[0][0] == at
        column, drawn = 0, ""
        for a, b, pad in line.pieces:
            assert a == at and b > a and pad >= 0
            reading = next((r for s, e, r in words if (s, e) == (a, b) and r), "")
            if reading and cell_len(join_syllables(reading)) <= width:
                # the reading starts where its word starts: aligned word by word
                assert line.pinyin[column:].startswith(join_syllables(reading)), (line, a)
            drawn += text[a:b] + " " * pad
            column += cell_len(text[a:b]) + pad
            at = b
        assert line.end == at
        wide_char = len(line.pieces) == 1 and line.end - line.start == 1
        assert cell_len(drawn.rstrip()) <= width or wide_char, (drawn, width)
        assert cell_len(line.pinyin) <= width or wide_char, (line.pinyin, width)
    assert at == end


def real_words(text: str) -> list[tuple[int, int, str]]:
    out, at = [], 0
    for word in dictionary.segment(text):
        out.append((at, at + len(word), dictionary.pinyin(word)))
        at += len(word)
    return out


def test_seed_sentence_is_aligned_at_every_width() -> None:
    text = "会议强调，要进一步抓实联防联控机制。严格落实属地、部门、单位、个人“四方责任”。"
    words = real_words(text)
    for width in (1, 6, 12, 20, 33, 60, 140):
        check(text, 0, len(text), words, width, ruby_wrap(text, 0, len(text), words, width))
    (line,) = ruby_wrap("北京", 0, 2, [(0, 2, "běi jīng")], 40)
    assert line.pinyin == "běijīng" and line.pieces == ((0, 2, 4),)
    assert join_syllables("xī ān") == "xī'ān"


def test_only_the_range_is_annotated() -> None:
    text = "第一句。第二句话。第三句。"
    words = real_words(text)
    lines = ruby_wrap(text, 4, 9, words, 30)
    check(text, 4, 9, words, 30, lines)
    assert "".join(text[a:b] for line in lines for a, b, _ in line.pieces) == "第二句话。"


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_words_any_width(data: st.DataObject) -> None:
    text = data.draw(st.text(alphabet="会议指出要加强。，ab 1", min_size=1, max_size=30))
    cuts = sorted(
        data.draw(st.sets(st.integers(1, len(text) - 1), max_size=10)) if len(text) > 1 else set()
    )
    bounds = [0, *cuts, len(text)]
    syllable = st.sampled_from(["huì", "yì", "zhǐ", "chū", "ān", "ér", "a"])
    words = [
        (a, b, " ".join(data.draw(st.lists(syllable, min_size=0, max_size=b - a + 1))))
        for a, b in pairwise(bounds)
    ]
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    width = data.draw(st.integers(1, 50))
    check(text, start, end, words, width, ruby_wrap(text, start, end, words, width))
