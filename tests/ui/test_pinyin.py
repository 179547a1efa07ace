"""Pinyin on demand (issue 23): `P` above the cursor sentence, `ctrl+p` above every paragraph,
word by word, the dictionary panel's reading, listed in `?`."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from reader import dictionary
from reader.documents.ruby import join_syllables
from reader.ui.widgets.bilingual_view import BilingualView
from reader.ui.widgets.dictionary_panel import DictionaryPanel
from tests.ui.helpers import make_app, wait_translated, wait_until


def drawn(view: BilingualView, i: int) -> list[str]:
    """Row i's Chinese column as drawn, line by line."""
    zh_cells, _ = view._column_widths()
    out = []
    for strip in view._row_strips(i):
        line = "".join(seg.text for seg in strip)
        out.append(line[2:] if view.stacked else line[2 : 2 + zh_cells])
    return out


def check_aligned(view: BilingualView, i: int) -> int:
    """Every ruby line of row i: each word's reading drawn right above the word, and the
    reading is the dictionary's. Returns how many words were checked."""
    layout = view._layout(i)
    p = view.paragraphs[i]
    lines = drawn(view, i)
    checked = 0
    for n, line in layout.ruby.items():
        pinyin_row, chinese_row = lines[n], lines[n + 1]
        column = 0
        for a, b, pad in line.pieces:
            word = layout.zh[a:b]
            reading = dictionary.pinyin(word.strip()) if word.strip() else ""
            if reading and cell_len(join_syllables(reading)) <= view._column_widths()[0]:
                # the Chinese row holds the word at `column`, its reading starts right above
                assert chinese_row[_index(chinese_row, column) :].startswith(word)
                above = pinyin_row[_index(pinyin_row, column) :]
                assert above.startswith(join_syllables(reading)), (word, reading, above)
                checked += 1
            column += cell_len(word) + pad
        assert p.text  # the paragraph's own text is untouched
    return checked


def _index(text: str, column: int) -> int:
    """Index in `text` of the character drawn at cell `column`."""
    cells = 0
    for k, char in enumerate(text):
        if cells >= column:
            return k
        cells += cell_len(char)
    return len(text)


@pytest.mark.parametrize("size", [(140, 40), (80, 24)])
async def test_pinyin_above_the_cursor_sentence_follows_it(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        await pilot.press("j", "P")
        await wait_until(pilot, lambda: bool(view._layout(1).ruby))
        pair = view.sentence
        assert pair is not None and pair.number == 0
        layout = view._layout(1)
        spans = [(line.start, line.end) for line in layout.ruby.values()]
        assert spans[0][0] == pair.zh_start and spans[-1][1] >= pair.zh_end - 1
        assert check_aligned(view, 1) > 5
        # `)`: the pinyin moves to the next sentence
        await pilot.press("right_parenthesis")
        await pilot.pause()
        moved = [(line.start, line.end) for line in view._layout(1).ruby.values()]
        assert moved and moved[0][0] >= pair.zh_end and check_aligned(view, 1) > 5
        # off again: the row is as it was
        await pilot.press("P")
        await pilot.pause()
        assert not view._layout(1).ruby


async def test_pinyin_for_every_paragraph_and_the_panels_reading(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        await pilot.press("ctrl+p")
        first, last = view.visible_range()
        with_han = [i for i in range(first, last + 1) if view.paragraphs[i].text.strip()]
        await wait_until(pilot, lambda: all(view._layout(i).ruby for i in with_han))
        for i in with_han:
            assert check_aligned(view, i) > 0
        # the panel's reading of the word under the cursor is the one drawn above it
        panel = app.reader.query_one(DictionaryPanel)
        await pilot.press("j")
        await wait_until(pilot, lambda: app.reader._word is not None)
        word = view.paragraphs[1].text[app.reader._word[1] : app.reader._word[2]]
        shown = str(panel.render())
        reading = dictionary.pinyin(word)
        assert reading and reading in shown
        assert join_syllables(reading) in "".join(drawn(view, 1))
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert not any(view._layout(i).ruby for i in with_han)


async def test_pinyin_keys_are_in_help_and_clash_with_nothing(tmp_path: Path) -> None:
    from reader.ui.keys import BINDINGS

    keys = [k for b in BINDINGS for k in b.key.split(",")]  # type: ignore[union-attr]
    assert len(keys) == len(set(keys))
    assert {"P", "ctrl+p", "right_parenthesis", "left_parenthesis"} <= set(keys)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        from reader.ui.screens.help_screen import HelpScreen

        assert isinstance(app.screen, HelpScreen)  # it lists the screen's bindings
        listed = {b.key: b.description for b in app.screen.bindings}
        assert "Pinyin above the cursor sentence" in listed["P"]
        assert "Pinyin above every paragraph" in listed["ctrl+p"]
        assert "Next sentence" in listed["right_parenthesis"]
