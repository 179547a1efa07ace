"""The sentence cursor (issue 23): `)`/`(` across paragraphs, the pair drawn on one background
side by side and stacked, a post-edit as one unit, tall paragraphs, `E` on the sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.translation.pipeline import ParagraphTranslation
from reader.ui.app import ReaderApp
from reader.ui.widgets.bilingual_view import BilingualView
from tests.ui.helpers import make_app, status_line, wait_translated, wait_until


def highlighted(view: BilingualView, i: int) -> tuple[str, str]:
    """The Chinese and the English drawn on the sentence background in row i."""
    sentence_bg = view._style("sentence").bgcolor
    zh_cells, _ = view._column_widths()
    zh: list[str] = []
    en: list[str] = []
    layout = view._layout(i)
    for n, strip in enumerate(view._row_strips(i)):
        x = 0
        for seg in strip:
            on = seg.style is not None and seg.style.bgcolor == sentence_bg
            if on and seg.text.strip():
                if layout.stacked:
                    (zh if n < len(layout.zh_lines) else en).append(seg.text.strip())
                else:
                    # gutter (2 cells), then the Chinese column, then " │ " and the English
                    (zh if x < 2 + zh_cells else en).append(seg.text.strip())
            x += seg.cell_length
    return "".join(zh), " ".join(en)


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("size", [(140, 40), (80, 24)])
async def test_sentence_cursor_moves_and_highlights_its_pair(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        assert view.stacked == (size[0] < 100)
        view.move_to(1)
        await pilot.pause()
        p = view.paragraphs[1]
        tr = view.translations[p.id]
        pairs = view.pairs(1)
        assert len(pairs) >= 2 and not pairs[0].whole
        seen = []
        for k, pair in enumerate(pairs):
            assert (view.cursor, view.char) == (1, pair.zh_start)
            # abbreviated at 80 columns, so the document's name still fits
            label = f"sentence {k + 1}/{len(pairs)}" if size[0] > 100 else f"s{k + 1}/{len(pairs)}"
            assert f" · {label} · " in status_line(app)
            zh, en = highlighted(view, 1)
            assert zh == squash(p.text[pair.zh_start : pair.zh_end])
            assert squash(en) == squash(tr.text[pair.en_start : pair.en_end])
            seen.append(zh)
            await pilot.press("right_parenthesis")
        # past the last sentence: the next paragraph's first one
        assert (view.cursor, view.char) == (2, view.pairs(2)[0].zh_start)
        await pilot.press("left_parenthesis")
        assert (view.cursor, view.char) == (1, pairs[-1].zh_start)
        # `(` inside a sentence goes to its start first, as in vim
        await pilot.press("l", "l", "left_parenthesis")
        assert (view.cursor, view.char) == (1, pairs[-1].zh_start)
        assert len(set(seen)) == len(seen)


async def test_post_edited_paragraph_is_one_unit(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        p = view.paragraphs[1]
        mine = "My own English. Two sentences of it."
        view.set_translations([ParagraphTranslation(p.id, mine, "human", human=True)])
        view.move_to(1)
        await pilot.pause()
        assert "✎ whole" in status_line(app)
        assert "sentence " not in status_line(app)
        zh, en = highlighted(view, 1)
        assert zh == squash(p.text) and en == mine
        await pilot.press("right_parenthesis")
        assert view.cursor == 2


@pytest.mark.parametrize("size", [(140, 40), (80, 24)])
async def test_sentence_in_a_tall_paragraph_comes_into_view(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    doc = tmp_path / "tall.txt"
    sentences = [f"第{n}句话用来测试滚动到句子。" for n in range(150)]
    doc.write_text("第一段。\n\n" + "".join(sentences) + "\n", encoding="utf-8")
    glossary = tmp_path / "glossary.csv"
    glossary.write_text("zh,en\n句子,sentence\n", encoding="utf-8")
    app = ReaderApp(str(doc), engine="gloss", glossary=str(glossary))
    async with app.run_test(size=size) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        await pilot.press("j")
        for _ in range(60):
            await pilot.press("right_parenthesis")
        await pilot.pause()
        assert view.cursor == 1 and view.sentence is not None
        assert view.sentence.number == 60
        zh_first, zh_last, en_first, en_last = view._sentence_lines(1, view.sentence)
        top = round(view.scroll_y) - view._offsets[1]
        height = view.scrollable_content_region.height
        # side by side the pair is on screen; stacked (its English ~80 lines below) the Chinese
        first, last = (zh_first, zh_last) if view.stacked else (min(zh_first, en_first), en_last)
        assert top <= first and last < top + height, (first, last, top, height)
        assert view.stacked or zh_last < top + height


async def test_edit_term_takes_the_sentences_term(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("今天天气很好。我们支持联防联控机制的工作。\n", encoding="utf-8")
    glossary = tmp_path / "glossary.csv"
    glossary.write_text("zh,en\n联防联控机制,joint prevention and control mechanism\n", "utf-8")
    app = ReaderApp(str(doc), engine="gloss", glossary=str(glossary))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_translated(pilot)
        await wait_until(pilot, lambda: bool(app.reader.hits))
        await pilot.press("E")  # the first sentence has no term
        await pilot.pause()
        assert app.screen is app.reader
        await pilot.press("right_parenthesis", "E")
        await wait_until(pilot, lambda: app.screen is not app.reader)
        from reader.ui.screens.term_dialog import TermDialog

        assert isinstance(app.screen, TermDialog)
        assert app.screen.entry is not None and app.screen.entry.zh == "联防联控机制"


def test_status_abbreviates_the_sentence_before_losing_the_name() -> None:
    from rich.cells import cell_len

    from reader.ui.widgets.status_bar import status_text

    name = "北京:首都疫情防控工作事關全局"
    wide = status_text((1, 40), 40, "argos", 0, "Simplified", name, sentence=(2, 5))
    assert wide.startswith("¶2/40 5% · sentence 2/5 · ")
    for extra in ({"sentence": (12, 15)}, {"whole": True}):
        text = status_text((1, 4961), 17, "gloss: word by word", 0, "Traditional", name,
                           width=78, **extra)  # type: ignore[arg-type]  # fmt: skip
        assert cell_len(text) <= 78 and "北京:首都" in text, text
        assert "s12/15" in text or "✎ whole ¶" in text, text
