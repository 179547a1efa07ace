"""SVG snapshots of the reader on seed 001 with the gloss engine (deterministic): the main
screen at 80×24, 100×30 and 160×48 in the dark theme and at 100×30 in the light one, a tall
paragraph, the term dialog at 80×24 (docked at the bottom, the paragraph above it) and the help
screen at 80×24 and 140×40. Kept few: each costs seconds.

Regenerate after an intended change with `pytest tests/ui --snapshot-update`, then look at them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.ui.helpers import make_app, wait_translated, wait_until
from tests.ui.test_reading import tall_app


async def settle(pilot: Pilot) -> None:
    """Translation done and the dictionary panel showing the word under the cursor."""
    await wait_translated(pilot)
    await wait_until(pilot, lambda: pilot.app.reader._word is not None)
    await pilot.pause()


@pytest.mark.parametrize(
    "size,theme",
    [
        ((80, 24), "textual-dark"),
        ((100, 30), "textual-dark"),
        ((160, 48), "textual-dark"),
        ((100, 30), "textual-light"),
    ],
)
def test_main_screen(snap_compare, tmp_path: Path, size: tuple[int, int], theme: str) -> None:
    app = make_app(tmp_path)
    app.theme = theme
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_tall_paragraph_light(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("j", "space", "space")
        await pilot.pause()

    app = tall_app(tmp_path)
    app.theme = "textual-light"
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def open_dialog(pilot: Pilot, key: str) -> None:
    """`key` pressed once the text is settled, without the gloss notice: whether its toast is
    drawn on the reader or on the dialog depended on timing."""
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.press(key)
    await wait_until(pilot, lambda: pilot.app.screen.query(".dialog").first().region.height > 0)
    await pilot.pause()
    await pilot.pause()


def test_term_dialog_80x24(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_dialog(pilot, "a")

    assert snap_compare(make_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
def test_help_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    """80×24: one column, its last line saying how much is below; 140×40: two, all of it."""

    async def run_before(pilot: Pilot) -> None:
        await open_dialog(pilot, "question_mark")
        await wait_until(pilot, lambda: pilot.app.screen.body.virtual_size.height > 0)
        await pilot.pause()

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=run_before)
