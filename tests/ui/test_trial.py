"""Bugs found by driving the reader in tmux at 80×24 and 140×40 (notes: trial.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

from reader.ui.app import ReaderApp
from tests.conftest import ROOT
from tests.ui.helpers import wait_translated


def page_app(tmp_path: Path, page: str = "13_gzjrw.html") -> ReaderApp:
    glossary = tmp_path / "glossary.csv"
    shutil.copy(ROOT / "glossary.csv", glossary)
    doc = ROOT / "tests" / "data" / "pages" / page
    return ReaderApp(str(doc), engine="gloss", glossary=str(glossary))


async def test_cursor_stays_on_screen_when_the_terminal_shrinks(tmp_path: Path) -> None:
    app = page_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_translated(pilot)
        view = app.reader.view
        for _ in range(4):
            await pilot.press("j")
        assert view.cursor == 4
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        first, last = view.visible_range()
        assert first <= view.cursor <= last
        top = round(view.scroll_y)
        height = view.scrollable_content_region.height
        assert top <= view._offsets[view.cursor] < top + height


async def test_help_legend_is_not_clipped_at_80x24(tmp_path: Path) -> None:
    from rich.cells import cell_len
    from textual.widgets import Label

    from reader.ui.screens.help_screen import HelpScreen

    app = page_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        room = help_screen.query_one("#help-dialog").scrollable_content_region.width
        for label in help_screen.query(".legend").results(Label):
            text = str(label.render())
            assert label.outer_size.width <= room, text
            # every cell of the text is drawn: the label wraps instead of cutting it off
            assert label.size.width * label.size.height >= cell_len(text), text


def test_status_keeps_the_name_position_engine_and_progress_in_78_cells() -> None:
    from rich.cells import cell_len

    from reader.ui.widgets.status_bar import status_text

    name = "北京:首都疫情防控工作事關全局、責任重大"
    for translated in (17, 4961):
        text = status_text(
            (164, 4961), translated, "gloss: word by word", 0, "Traditional", name, width=78
        )
        assert cell_len(text) <= 78, text
        assert text.startswith("¶165/4961 3%") and "gloss: word by word" in text, text
        assert "translated" in text and "北京:首都" in text, text
        searching = status_text(
            (164, 4961), translated, "gloss: word by word", 0, "Traditional", name,
            search="match 12/348", width=78,
        )  # fmt: skip
        assert cell_len(searching) <= 78, searching
        assert searching.startswith("¶165/4961 3% · match 12/348 · "), searching
        assert "北京" in searching, searching
    wide = status_text((0, 6), 6, "argos", 2, "Simplified", name, width=200)
    assert wide == f"¶1/6 16% · 6/6 translated · argos · 2 problems (]) · Simplified · {name[:12]}…"


async def test_status_shows_the_document_name_at_80x24(tmp_path: Path) -> None:
    from rich.cells import cell_len
    from textual.widgets import Label

    app = page_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        await pilot.pause()
        label = app.reader.query_one("#status-text", Label)
        text = str(label.render())
        assert cell_len(text) <= label.content_region.width, text
        assert "2017年2月中国采购" in text and "¶1/31" in text and "gloss" in text, text
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        await pilot.pause()
        assert app.reader.query_one("#progress").display
        assert "Simplified" in str(label.render())


async def test_footer_keys_fit_80_columns(tmp_path: Path) -> None:
    from textual.widgets._footer import FooterKey

    app = page_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        keys = list(app.reader.query(FooterKey))
        assert len(keys) == 5
        assert max(key.region.right for key in keys) <= 80  # "Quit (the position is kept)" too


async def test_ctrl_c_quits_and_keeps_the_position_but_copies_in_a_text_field(
    tmp_path: Path,
) -> None:
    from textual.widgets import Input

    app = page_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        await pilot.press("j", "j", "slash")
        await pilot.press("ctrl+c")  # in the search field: copy, as everywhere
        assert app.is_running and isinstance(app.focused, Input)
        await pilot.press("escape", "ctrl+c")
        await pilot.pause()
        assert not app.is_running  # Textual's default only said "press ctrl+q to quit"
    again = page_app(tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_translated(pilot)
        assert again.reader.view.cursor == 2
