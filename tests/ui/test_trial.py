"""Bugs found by driving the reader in tmux at 80×24 and 140×40 (notes: trial.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

from reader.ui.app import ReaderApp
from tests.conftest import ROOT
from tests.ui.helpers import wait_translated


def page_app(tmp_path: Path, page: str = "05_people.html") -> ReaderApp:
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
