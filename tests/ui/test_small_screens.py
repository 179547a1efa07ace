"""At 80×24 and 140×40: the help lists every key (two columns where they fit, else it says that
it scrolls and how), and the dialogs dock at the bottom with the paragraph they act on (or its
sentence) in sight above them, the last paragraph of the document too."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label

from reader.ui.app import ReaderApp
from reader.ui.keys import BINDINGS
from reader.ui.screens.help_screen import HelpScreen
from tests.ui.helpers import make_app, wait_translated, wait_until

SIZES = [(80, 24), (140, 40)]


@pytest.mark.parametrize("size", SIZES)
async def test_help_fits_or_says_it_scrolls(tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await wait_translated(pilot)
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        body, more = help_screen.body, help_screen.query_one("#help-more", Label)
        await wait_until(pilot, lambda: body.virtual_size.height > 0)
        await pilot.pause()
        # the dialog is inside the screen, whatever its size
        assert help_screen.query_one("#help-dialog").region.bottom <= size[1]
        if size == (140, 40):
            assert help_screen.columns == 2
            assert body.max_scroll_y == 0 and not more.display  # everything in sight
            return
        assert help_screen.columns == 1 and body.max_scroll_y > 0
        assert more.display and more.region.bottom < size[1]  # on screen, inside the border
        said = str(more.render())
        assert f"{round(body.max_scroll_y)} more lines below" in said and "j/k" in said
        await pilot.press("G")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y and "end of the list" in str(more.render())
        await pilot.press("g", "j", "j")
        await pilot.pause()
        assert body.scroll_y == 2 and f"{round(body.max_scroll_y) - 2} more" in str(more.render())


def test_help_table_has_every_key_in_two_columns() -> None:
    from reader.ui.screens.help_screen import help_table

    bindings = [b for b in BINDINGS if not isinstance(b, tuple)]
    for columns in (1, 2):
        table = help_table(bindings, columns)  # type: ignore[arg-type]
        cells = [cell for column in table.columns for cell in column._cells]
        descriptions = {b.description for b in bindings}  # type: ignore[union-attr]
        assert descriptions <= set(cells) and len(table.columns) == 2 * columns
        assert table.row_count == -(-(len(bindings) + 1) // columns)


def dialog_keeps_paragraph_in_sight(app: ReaderApp) -> None:
    dialog = app.screen.query_one(".dialog")
    view = app.reader.view
    assert dialog.region.bottom == app.size.height  # docked at the bottom
    rows = dialog.region.y - view.region.y
    assert rows >= 4, "the dialog leaves the text no room"
    top, height = view._cursor_region(rows)
    first = round(view.scroll_y)
    assert first <= top and top + min(height, rows) <= first + rows, (top, height, first, rows)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("key", ["a", "p", "e", "o", "E"])
async def test_dialogs_leave_the_paragraph_in_sight(
    tmp_path: Path, size: tuple[int, int], key: str
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await wait_translated(pilot)
        view, reader = app.reader.view, app.reader
        for index in (3, len(view.paragraphs) - 1):  # a tall paragraph, then the last one
            view.move_to(index)
            if key == "E":  # on a glossary term
                await wait_until(pilot, lambda: bool(app.reader.hits))
                hit = next(iter(app.reader.hits[view.paragraphs[index].id]), None)
                if hit is None:
                    continue
                view.move_to(index, hit.start)
            await pilot.pause()
            await pilot.press(key)
            await wait_until(pilot, lambda: app.screen is not reader)
            await wait_until(pilot, lambda: app.screen.query_one(".dialog").region.height > 0)
            await pilot.pause()
            await pilot.pause()
            dialog_keeps_paragraph_in_sight(app)
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is reader)
            assert view.covered == 0 and view.virtual_size.height == view._offsets[-1]
